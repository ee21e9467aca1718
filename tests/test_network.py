"""The contact-point network, a whole cycle on a three-level tree: up, review, decide, feedback down,
referrals out, and each point's record checked against counts made independently here."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import timedelta

import pytest
from docx import Document
from sqlmodel import select

from legis import privacy
from legis.errors import Conflict, Forbidden, LegisError
from legis.models import Comment, Opinion
from legis.services import comments as comment_service
from legis.services import dispositions, feedback, ledger, merging, referrals, submissions, tracking
from legis.services import opinions as opinions_service
from legis.services.report_levels import load_tree
from legis.timefmt import today
from tests.factories import article, make_draft, make_meeting, make_three_level_tree

OFFICE = "某市人大常委会法制工作委员会"

# Each point's residents: (article number, text, name, phone).
SAID = {
    "a": [(8, "建议把变更登记的期限从三十日延长到六十日", "王秀兰", "13812345678"),
          (8, "建议变更登记期限由三十日延长至六十日", "李明", ""),
          (10, "烈性犬的目录应当由公安机关公布", "赵强", "13900001111")],
    "b": [(8, "变更登记期限建议延长到六十日", "钱多", "13711112222"),
          (12, "携犬出户清理粪便应当配备专门工具", "孙丽", "")],
    "s": [(11, "束犬链的长度应当有明确规定", "周正", "")],
}


@pytest.fixture
def net(engine, db):
    draft = make_draft(db, slug="dogs", points_deadline=today() + timedelta(days=5))
    points = make_three_level_tree(db)
    for key, said in SAID.items():
        cs = make_meeting(db, draft=draft, point=points[key], title=f"{points[key].name}座谈会",
                          participant_count=10 + len(said))
        for number, text, name, phone in said:
            data = comment_service.CommentInput(text=text, name=name, phone=phone, consent=True,
                                                article_id=article(db, draft, number).id)
            comment_service.submit_comment(db, draft=draft, data=data, channel="现场",
                                           meeting=cs)
    db.commit()
    return {"draft": draft, **points}


def sub(db, net, key):
    return submissions.submission_for(db, draft_id=net["draft"].id, point_id=net[key].id)


def texts_of(db, ids):
    return set(db.exec(select(Comment.text).where(Comment.id.in_(ids))).all())


def test_whole_cycle(engine, db, net):
    draft = net["draft"]
    tree = load_tree(db)
    assert tree.receiver(net["a"].id) == net["s"].id and tree.receiver(net["s"].id) is None
    assert not tree.submits(net["root"].id)

    # Each 点 groups its comments: the two rewordings on 第八条 become one item.
    items_a = submissions.refresh(db, submission=sub(db, net, "a"))
    assert sorted(len(i.comment_ids) for i in items_a) == [1, 2]
    submissions.annotate(db, submission=sub(db, net, "a"), item_id=items_a[0].id,
                         text=items_a[0].text, note="居民普遍反映期限过短", actor="host_a")
    submissions.set_cover_note(db, submission=sub(db, net, "a"), note="本点座谈会一场", actor="host_a")
    version = submissions.submit(db, submission=sub(db, net, "a"), actor="host_a", on=today(),
                                 office=OFFICE)
    submissions.submit(db, submission=sub(db, net, "b"), actor="host_b", on=today(), office=OFFICE)
    db.commit()
    assert version.document[:2] == b"PK" and version.snapshot["cover_note"] == "本点座谈会一场"
    assert "居民普遍反映期限过短" in {i["note"] for i in version.snapshot["items"]}
    # The document sent is the host's sorting: their groups, with their note beside them.
    sent = Document(io.BytesIO(version.document))
    cells = [c.text for t in sent.tables for r in t.rows for c in r.cells]
    lines = [p.text for p in sent.paragraphs]
    assert any(line.endswith("备注：居民普遍反映期限过短") for line in lines)
    assert "13812345678" not in "".join(cells + lines)
    # Submitted is frozen: no more edits.
    with pytest.raises(Conflict):
        submissions.set_cover_note(db, submission=sub(db, net, "a"), note="改", actor="host_a")

    # Only the receiver reviews: not the office, not a sibling.
    with pytest.raises(Forbidden):
        submissions.review(db, submission=sub(db, net, "b"), accept=True, note="", actor="office",
                           reviewer_points=None)
    with pytest.raises(Forbidden):
        submissions.review(db, submission=sub(db, net, "b"), accept=True, note="", actor="host_a",
                           reviewer_points=frozenset({net["a"].id}))
    with pytest.raises(LegisError):   # a return needs a note
        submissions.review(db, submission=sub(db, net, "b"), accept=False, note=" ", actor="host_s",
                           reviewer_points=frozenset(tree.subtree(net["s"].id)))
    station_scope = frozenset(tree.subtree(net["s"].id))
    submissions.review(db, submission=sub(db, net, "b"), accept=False, note="请补充座谈会照片",
                       actor="host_s", reviewer_points=station_scope)
    submissions.review(db, submission=sub(db, net, "a"), accept=True, note="", actor="host_s",
                       reviewer_points=station_scope)
    db.commit()
    assert sub(db, net, "b").state == "已退回" and sub(db, net, "b").return_note == "请补充座谈会照片"

    # The station consolidates: its own comments and what 点A passed up, not the returned 点B.
    items_s = submissions.refresh(db, submission=sub(db, net, "s"))
    consolidated = texts_of(db, [c for i in items_s for c in i.comment_ids])
    assert consolidated == {t for _n, t, _a, _p in SAID["a"] + SAID["s"]}
    station_version = submissions.submit(db, submission=sub(db, net, "s"), actor="host_s",
                                         on=today(), office=OFFICE)
    assert {s["point"]: s["state"] for s in station_version.snapshot["senders"]} == {
        net["a"].name: "已接收", net["b"].name: "已退回"}
    submissions.review(db, submission=sub(db, net, "s"), accept=True, note="", actor="office",
                       reviewer_points=None)
    db.commit()

    table = tracking.tracking_table(db, draft=draft, today=today())
    by_name = {r.name: r for r in table.rows}
    assert [by_name[net[k].name].state for k in "abs"] == ["已接收", "已退回", "已接收"]
    assert by_name[net["s"].name].comments == 6 and by_name[net["a"].name].comments == 3
    assert by_name[net["b"].name].late is False
    assert net["root"].name not in by_name
    later = tracking.tracking_table(db, draft=draft, today=today() + timedelta(days=6))
    assert [r.name for r in later.rows if r.late] == [net["b"].name]

    # The office merges, decides, publishes.
    merging.merge_draft(engine, draft_id=draft.id)
    db.expire_all()
    opinions = list(db.exec(select(Opinion).where(Opinion.draft_id == draft.id)))
    decided = {}
    for n, opinion in enumerate(sorted(opinions, key=lambda o: o.id)):
        state = ("采纳", "部分采纳", "未采纳")[n % 3]
        dispositions.decide(db, opinion=opinion, state=state, reason="" if state == "采纳" else f"理由{n}",
                            actor="office")
        decided[opinion.id] = state
    with pytest.raises(Conflict):
        feedback.feedback_sheet(db, draft=draft, point_id=net["a"].id)
    # Every text but one approved: the notice board shows that one as still being sorted.
    held_back = min(decided)
    opinions_service.approve(db, draft_id=draft.id, actor="office",
                             opinion_ids=[o for o in decided if o != held_back])
    dispositions.set_published(db, draft=draft, published=True, actor="office")
    db.commit()

    # Each 点's 反馈单: exactly the opinions its residents contributed to, with their decisions.
    comments = list(db.exec(select(Comment).where(Comment.draft_id == draft.id)))
    for key in "ab":
        expected = {c.opinion_id for c in comments if c.contact_point_id == net[key].id}
        sheet = feedback.feedback_sheet(db, draft=draft, point_id=net[key].id)
        shown = sorted((r.text, r.state) for r in sheet.rows)
        assert shown == sorted(
            ("意见正在整理中", "待研究") if o == held_back else (privacy.mask(db.get(Opinion, o).text), decided[o])
            for o in expected)
        assert sheet.comments == len(SAID[key])
        assert {r.phone for r in sheet.to_tell} == {p for *_x, p in SAID[key] if p}
    sheet_a = feedback.feedback_sheet(db, draft=draft, point_id=net["a"].id)
    notifier = feedback.CallList()
    assert feedback.tell_residents(sheet_a, notifier) == 0     # listed, not sent
    assert len(notifier.messages) == 2 and "王某" in notifier.messages[0][1]


def test_deadline_and_levels(db, net):
    draft = net["draft"]
    with pytest.raises(Conflict, match="截止日期"):
        submissions.submit(db, submission=sub(db, net, "a"), actor="host_a",
                           on=draft.points_deadline + timedelta(days=1), office=OFFICE)
    from legis.services.report_levels import set_report_level

    set_report_level(db, point_id=net["a"].id, level="点", actor="admin")   # set on the tree's root
    db.commit()
    tree = load_tree(db)
    assert tree.receiver(net["a"].id) is None and not tree.submits(net["s"].id)
    with pytest.raises(LegisError, match="无需报送"):
        submissions.submit(db, submission=sub(db, net, "s"), actor="host_s", on=today(), office=OFFICE)


def test_referral_three_lists_and_reason(engine, db, net):
    draft = net["draft"]
    merging.merge_draft(engine, draft_id=draft.id)
    db.expire_all()
    opinions = list(db.exec(select(Opinion).where(Opinion.draft_id == draft.id).order_by(Opinion.id)))
    with pytest.raises(LegisError, match="期限"):
        referrals.refer(db, draft_id=draft.id, opinion_ids=[opinions[0].id], body="市公安局",
                        question="能否延长？", due_on=today() - timedelta(days=1), today=today(),
                        actor="office")
    first = referrals.refer(db, draft_id=draft.id, opinion_ids=[opinions[0].id, opinions[1].id],
                            body="市公安局", question="变更登记期限能否延长？",
                            due_on=today() + timedelta(days=3), today=today(), actor="office")
    second = referrals.refer(db, draft_id=draft.id, opinion_ids=[opinions[2].id], body="市城管委",
                             question="粪便清理工具如何配备？", due_on=today() + timedelta(days=1),
                             today=today(), actor="office")
    referrals.answer(db, referral=first, text="可以延长至六十日，已在修改稿中体现", actor="police")
    db.commit()
    lists = referrals.three_lists(db, today=today(), draft_id=draft.id)
    assert lists.counts == (len(opinions), 3, 2)
    assert {r.opinion.id for r in lists.done} == {opinions[0].id, opinions[1].id}
    assert lists.overdue == 0
    late = referrals.three_lists(db, today=today() + timedelta(days=2), draft_id=draft.id)
    assert [r.opinion.id for r in late.referred if r.overdue] == [opinions[2].id]
    year = referrals.three_lists(db, today=today(), year=today().year)
    assert year.counts == lists.counts
    # A body sees only what was referred to it.
    police = referrals.three_lists(db, today=today(), body_id=first.body_id)
    assert police.counts == (2, 2, 2)
    with pytest.raises(Forbidden):
        referrals.get_referral(db, referral_id=second.id, body_id=first.body_id, as_body=True)
    assert referrals.answer_to_reasons(db, referral=first, actor="office") == 2
    db.commit()
    db.expire_all()
    assert db.get(Opinion, opinions[0].id).reason == "可以延长至六十日，已在修改稿中体现"
    assert len(dispositions.history(db, opinion_id=opinions[0].id)) == 1


def test_ledger_equals_independent_counts(engine, db, net):
    draft = net["draft"]
    other = make_draft(db, slug="dogs2")
    cs = make_meeting(db, draft=other, point=net["b"], title="二号草案座谈会", participant_count=7)
    data = comment_service.CommentInput(text="建议增加养犬培训", article_id=article(db, other, 3).id)
    comment_service.submit_comment(db, draft=other, data=data, channel="现场", meeting=cs)
    db.commit()
    for d in (draft, other):
        merging.merge_draft(engine, draft_id=d.id)
    db.expire_all()
    for n, opinion in enumerate(db.exec(select(Opinion).order_by(Opinion.id)).all()):
        state = ("采纳", "部分采纳", "未采纳", "待研究")[n % 4]
        dispositions.decide(db, opinion=opinion, state=state, reason="理由", actor="office")
    db.commit()

    # Independent counts, straight from the rows.
    tree = load_tree(db)
    comments = list(db.exec(select(Comment)))
    state_of = {o.id: o.state for o in db.exec(select(Opinion))}
    from legis.models import Meeting

    meetings = list(db.exec(select(Meeting)))
    expected = defaultdict(dict)
    for key in ("a", "b", "s", "root"):
        scope = tree.subtree(net[key].id)
        mine = [c for c in comments if c.contact_point_id in scope]
        ops = {c.opinion_id for c in mine}
        expected[key] = {
            "drafts": len({c.draft_id for c in mine} | {s.draft_id for s in meetings
                                                      if s.contact_point_id in scope}),
            "meetings": sum(s.contact_point_id in scope for s in meetings),
            "participants": sum(s.participant_count for s in meetings if s.contact_point_id in scope),
            "comments": len(mine), "opinions": len(ops),
            "adopted": sum(state_of[o] == "采纳" for o in ops),
            "partial": sum(state_of[o] == "部分采纳" for o in ops),
            "rejected": sum(state_of[o] == "未采纳" for o in ops)}
    ids = ledger.in_scope(tree)
    rows = {r.point_id: r for r in ledger.ledger(db, year=today().year, point_ids=ids)}
    for key, want in expected.items():
        row = rows[net[key].id]
        assert {k: getattr(row, k) for k in want} == want, key
    assert expected["root"]["drafts"] == 2 and expected["s"]["opinions"] < expected["s"]["comments"]
    # Ranking within the station covers only its subtree.
    within = ledger.ledger(db, year=today().year, point_ids=ledger.in_scope(tree, station_id=net["s"].id))
    assert {r.point_id for r in within} == {net["s"].id, net["a"].id, net["b"].id}
    assert [r.rank for r in within] == [1, 2, 3]
    for row in within:   # read from the station's own points only, the same figures
        key = next(k for k in ("a", "b", "s") if net[k].id == row.point_id)
        assert {k: getattr(row, k) for k in expected[key]} == expected[key], key
    total, lines = ledger.point_record(db, point_id=net["s"].id, year=None)
    assert {line.draft_id for line in lines} == {draft.id, other.id}
    assert total.comments == expected["s"]["comments"]

    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(ledger.ledger_xlsx(within, year=today().year)))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][1] == "联系点" and len(values) == 4
    row_s = next(v for v in values[1:] if v[1] == net["s"].name)
    assert row_s[8] == expected["s"]["comments"] and row_s[10] == expected["s"]["adopted"]


def test_draft_without_comments_deletes_with_its_empty_submission(db, net):
    """A point that reported "no comments" on a draft does not block deleting that draft."""
    from legis.models import Draft, Submission
    from legis.services.withdrawal import delete_draft

    empty = make_draft(db, slug="empty")
    submission = submissions.submission_for(db, draft_id=empty.id, point_id=net["s"].id)
    version = submissions.submit(db, submission=submission, actor="host_s", on=today(), office=OFFICE)
    assert version.snapshot["comments"] == 0
    delete_draft(db, draft=db.get(Draft, empty.id))
    db.commit()
    assert db.get(Draft, empty.id) is None
    assert db.exec(select(Submission).where(Submission.draft_id == empty.id)).first() is None
