"""The figures kept as counts (figure_counts) equal a fresh count of every opinion and comment
after each kind of change, after a restore, a migration and for a draft never counted."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from alembic import command
from sqlalchemy import delete, insert
from sqlmodel import Session, select

from legis import migrate
from legis.cli import main
from legis.db import make_engine, session_scope
from legis.errors import LegisError
from legis.models import Comment, FigureCount, Opinion, OpinionCount
from legis.services import (
    backup,
    corrections,
    decision_figures,
    dispositions,
    feedback_wall,
    figure_counts,
    merging,
)
from legis.services import comments as comment_service
from legis.services import opinions as opinion_service
from tests.factories import article, make_draft, make_point

TEXTS = {
    8: ["建议将变更登记期限由三十日延长至六十日", "我建议变更登记期限由三十日延长到六十日。",
        "建议取消变更登记，改为网上备案", "变更登记期限建议延长至六十日"],
    11: ["建议明确犬链长度不超过一点五米", "犬链长度建议不超过一点五米", "犬链不宜超过一点五米长"],
    12: ["建议对不清理犬粪的行为加大处罚力度"],
}
STAFF = corrections.Editor(user_id=None, role="staff", name="staff")


def fresh_count(session: Session, draft_id: int) -> dict:
    """The figures counted here from every opinion and comment row, in plain Python."""
    out: dict = defaultdict(lambda: [0, 0, 0, 0])
    opinions = session.exec(select(Opinion).where(Opinion.draft_id == draft_id)).all()
    comments = session.exec(select(Comment).where(Comment.draft_id == draft_id)).all()
    for opinion in opinions:
        members = [c for c in comments if c.opinion_id == opinion.id]
        counted = sum(1 for c in members if not c.excluded and not c.withdrawn)
        pointed = any(c.contact_point_id is not None for c in members)
        own = out[(opinion.article_id or 0, opinion.state, 0)]
        own[0] += 1
        own[1] += counted
        own[2] += 1 if counted else 0
        own[3] += 1 if pointed else 0
        for point in {c.contact_point_id for c in members if c.contact_point_id is not None}:
            out[(-1, opinion.state, point)][0] += 1
    return {k: tuple(v) for k, v in out.items()}


def kept(session: Session, draft_id: int) -> dict:
    rows = figure_counts.read(session.connection(), draft_id=draft_id)
    assert rows is not None, "the draft's counts are not kept"
    return {(r.article_key, r.state, r.point_key): (r.opinions, r.comments, r.counted_opinions, r.pointed)
            for r in rows}


def agree(engine, draft_id: int) -> dict:
    with Session(engine) as session:
        expected = fresh_count(session, draft_id)
        assert kept(session, draft_id) == expected
        # The page reads them as the old count from comments said.
        assert decision_figures.counts(session, draft_id=draft_id) is not None
    return expected


@pytest.fixture
def draft(engine, db):
    """A draft with comments from two contact points and online, merged into opinions."""
    draft = make_draft(db, slug="dogs")
    east, west = make_point(db, name="东风街道联系点"), make_point(db, name="西湖社区联系点", kind="点")
    for number, texts in TEXTS.items():
        for i, text in enumerate(texts):
            comment_service.submit_comment(
                db, draft=draft, channel="现场",
                data=comment_service.CommentInput(text=text, article_id=article(db, draft, number).id),
                contact_point_id=[east.id, west.id, None][i % 3])
    db.commit()
    merging.merge_draft(engine, draft_id=draft.id)
    return draft


def write(engine, work):
    with session_scope(engine, write=True) as session:
        return work(session)


def opinion_of(session: Session, text: str) -> Opinion:
    comment = session.exec(select(Comment).where(Comment.text == text)).one()
    return session.get(Opinion, comment.opinion_id)


def test_counts_follow_every_kind_of_change(engine, draft):
    first = agree(engine, draft.id)
    assert sum(v[1] for k, v in first.items() if k[2] == 0) == sum(len(t) for t in TEXTS.values())

    def decide(session):
        opinion = opinion_of(session, "建议对不清理犬粪的行为加大处罚力度")
        dispositions.decide(session, opinion=opinion, state="采纳", actor="staff")
    write(engine, decide)
    assert agree(engine, draft.id) != first

    def change_decision(session):
        opinion = opinion_of(session, "建议对不清理犬粪的行为加大处罚力度")
        dispositions.decide(session, opinion=opinion, state="未采纳", reason="上位法已有规定",
                            change_note="复核", actor="staff")
    write(engine, change_decision)
    agree(engine, draft.id)

    def bulk(session):
        ids = [o.id for o in session.exec(select(Opinion).where(Opinion.draft_id == draft.id))]
        dispositions.bulk_decide(session, draft_id=draft.id, opinion_ids=ids[:2], state="部分采纳",
                                 reason="部分吸收", actor="staff")
    write(engine, bulk)
    agree(engine, draft.id)

    def move_out(session):   # a comment moved to an opinion of its own
        comment = session.exec(select(Comment).where(Comment.text == "变更登记期限建议延长至六十日")).one()
        opinion_service.move_comment(session, comment=comment, target=None, actor="staff")
    write(engine, move_out)
    agree(engine, draft.id)

    def move_back(session):  # ... and into another opinion, emptying (removing) its own
        comment = session.exec(select(Comment).where(Comment.text == "变更登记期限建议延长至六十日")).one()
        target = opinion_of(session, "建议取消变更登记，改为网上备案")
        opinion_service.move_comment(session, comment=comment, target=target, actor="staff")
    write(engine, move_back)
    agree(engine, draft.id)

    def split(session):
        opinion = opinion_of(session, "建议明确犬链长度不超过一点五米")
        members = opinion_service.members(session, opinion_id=opinion.id)
        if len(members) > 1:
            opinion_service.split(session, opinion=opinion, comment_ids=[members[-1].id], actor="staff")
    write(engine, split)
    agree(engine, draft.id)

    def merge(session):
        source = opinion_of(session, "建议明确犬链长度不超过一点五米")
        target = opinion_of(session, "犬链不宜超过一点五米长")
        if source.id != target.id:
            opinion_service.merge(session, source=source, target=target, actor="staff")
    write(engine, merge)
    agree(engine, draft.id)

    def exclude(session):
        comment = session.exec(select(Comment).where(Comment.text == "犬链长度建议不超过一点五米")).one()
        opinion_service.set_excluded(session, comment=comment, excluded=True, reason="重复", actor="staff")
    write(engine, exclude)
    agree(engine, draft.id)

    def withdraw(session):   # a wrongly entered comment taken out of the count
        comment = session.exec(select(Comment).where(Comment.text == "我建议变更登记期限由三十日延长到六十日。")).one()
        corrections.withdraw(session, comment=comment, reason="重复录入", editor=STAFF)
    write(engine, withdraw)
    agree(engine, draft.id)

    def more_comments(session):   # new comments (not merged yet: no figure changes)
        for text in ("建议将变更登记期限由三十日延长至六十日。", "建议明确犬链长度不超过一点五米。"):
            comment_service.submit_comment(session, draft=session.merge(draft), channel="线上",
                                           data=comment_service.CommentInput(
                                               text=text, article_id=article(session, draft, 8 if "登记" in text else 11).id))
    before = agree(engine, draft.id)
    write(engine, more_comments)
    assert agree(engine, draft.id) == before
    merging.merge_draft(engine, draft_id=draft.id)          # the merge job's bulk update
    after = agree(engine, draft.id)
    assert after != before
    merging.merge_draft(engine, draft_id=draft.id, full=True)   # a full re-merge
    agree(engine, draft.id)


def test_a_draft_not_counted_yet_is_counted_from_its_comments_then_kept(engine, draft, client):
    write(engine, lambda s: (s.exec(delete(FigureCount)), s.exec(delete(OpinionCount))))
    with Session(engine) as session:
        assert figure_counts.read(session.connection(), draft_id=draft.id) is None
        from_comments = decision_figures.count(session, draft_id=draft.id)
        assert decision_figures.counts(session, draft_id=draft.id) == from_comments
    # A change to a draft not counted yet keeps nothing (there is nothing to add to) ...
    write(engine, lambda s: dispositions.decide(
        s, opinion=opinion_of(s, "建议对不清理犬粪的行为加大处罚力度"), state="采纳", actor="staff"))
    with Session(engine) as session:
        assert figure_counts.read(session.connection(), draft_id=draft.id) is None
    # ... and the first staff page that needs the figures counts it from scratch.
    assert client.get(f"/manage/drafts/{draft.id}/dispositions").status_code == 200
    agree(engine, draft.id)
    # An opinion written around the ORM (a bulk load) leaves the counts stale: counted again.
    with engine.begin() as connection:
        connection.execute(insert(Opinion).values(draft_id=draft.id, text="批量导入的归纳意见", state="采纳",
                                                  text_edited=False, staff_touched=False, approved=False))
    with Session(engine) as session:
        assert not decision_figures.is_counted(session, draft_id=draft.id)
    assert client.get(f"/manage/drafts/{draft.id}/opinions").status_code == 200
    agree(engine, draft.id)


def test_restore_and_migration_count_again(engine, draft, tmp_path, database_url):
    write(engine, lambda s: dispositions.decide(
        s, opinion=opinion_of(s, "建议对不清理犬粪的行为加大处罚力度"), state="采纳", actor="staff"))
    expected = agree(engine, draft.id)
    # The migration fills the tables from the rows already there.
    migrate.upgrade(engine)   # made by create_all: adopted at head
    with engine.begin() as connection:
        cfg = migrate.config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0007_i20s_shared_state")
        command.upgrade(cfg, "head")
    assert agree(engine, draft.id) == expected
    # A backup leaves the counts out (they are derived); a restore counts them again.
    out = io.StringIO()
    backup.dump(engine, out)
    if database_url.startswith("sqlite"):
        target = make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
        backup.restore(target, io.StringIO(out.getvalue()))
        assert agree(target, draft.id) == expected
        target.dispose()


def test_wall_pages_cut_from_the_counts_are_the_pages_of_the_whole_wall(engine, draft):
    def publish_some(session):
        ids = sorted(o.id for o in session.exec(select(Opinion).where(Opinion.draft_id == draft.id)))
        opinion_service.approve(session, draft_id=draft.id, opinion_ids=ids[:-1], actor="staff")
        dispositions.decide(session, opinion=session.get(Opinion, ids[0]), state="采纳", actor="staff")
        excluded = session.exec(select(Comment).where(Comment.text == "犬链长度建议不超过一点五米")).one()
        opinion_service.set_excluded(session, comment=excluded, excluded=True, reason="重复", actor="staff")
    write(engine, publish_some)
    with Session(engine) as session:
        shown = session.merge(draft)
        whole = dispositions.public_wall(session, draft=shown)
        for per_page in (1, 2, 3, 100):
            pages = feedback_wall.page_of(whole, number=1, per_page=per_page).pages
            assert pages == len(feedback_wall.paginate(whole[1], per_page))
            for number in range(1, pages + 1):
                assert feedback_wall.counted_page(session, draft=shown, number=number, per_page=per_page) \
                    == feedback_wall.page_of(whole, number=number, per_page=per_page)
            with pytest.raises(LegisError, match="没有第"):
                feedback_wall.counted_page(session, draft=shown, number=pages + 1, per_page=per_page)


def test_recount_command_counts_every_draft_again(engine, draft, database_url, monkeypatch, capsys):
    expected = agree(engine, draft.id)
    write(engine, lambda s: (s.exec(delete(FigureCount)), s.exec(delete(OpinionCount))))
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["recount"]) == 0
    assert "已重新统计 1 部草案" in capsys.readouterr().out
    assert agree(engine, draft.id) == expected


def test_two_transactions_changing_one_opinion_at_once_leave_the_counts_right(engine, draft, database_url):
    if not database_url.startswith("postgres"):
        pytest.skip("SQLite has one writer at a time: transactions cannot overlap")
    before = agree(engine, draft.id)
    with Session(engine) as first, Session(engine) as second:
        # Both change members of opinion A before either commits; each commit counts A again,
        # the second after the first committed, so it sees both changes.
        a = opinion_of(first, "建议将变更登记期限由三十日延长至六十日")
        members = opinion_service.members(first, opinion_id=a.id)
        assert len(members) >= 2
        members[0].excluded = True
        first.add(members[0])
        first.flush()
        other = second.get(Comment, members[1].id)
        other.withdrawn = True
        second.add(other)
        second.flush()
        first.commit()
        second.commit()
    after = agree(engine, draft.id)
    assert sum(v[1] for v in after.values()) == sum(v[1] for v in before.values()) - 2
