"""A staff member imports a second version, confirms the mapping, links opinions, exports the 对照表."""

from __future__ import annotations

import io
import re

import docx
import pytest
from sqlmodel import select

from legis.errors import LegisError
from legis.models import (
    STATE_ADOPTED,
    STATE_REJECTED,
    Article,
    ArticleLink,
    AuditLog,
    Comment,
    DraftVersion,
    Opinion,
)
from legis.numerals import article_label
from legis.services import dispositions
from legis.services import revisions as revision_service
from legis.services.comments import CommentInput, submit_comment
from legis.services.drafts import articles_of, current_version
from tests.factories import SAMPLE_TEXT, article, make_draft, make_point

LEASH = "犬只出户应当由完全民事行为能力人牵领，并主动避让老年人、残疾人、孕妇和儿童。"
# The 征求意见稿: the sample draft, its 第十一条 holding two rules.
FIRST = SAMPLE_TEXT.replace("第十一条　养犬人携犬出户的，应当束犬链。",
                            "第十一条　养犬人携犬出户的，应当束犬链。" + LEASH)
# The 二审稿: 第三条 deleted, 第八条 edited (三十日 -> 十五日), 第十一条 split in two,
# a new article after 第十条; everything after 第三条 renumbered.
SECOND = (FIRST
          .replace("第三条　养犬管理工作实行政府负责、部门协作、基层参与、养犬人自律的原则。\n", "")
          .replace("应当在三十日内办理变更登记", "应当在十五日内办理变更登记")
          .replace("第十一条　养犬人携犬出户的，应当束犬链。" + LEASH,
                   "第十一条　养犬人携犬出户的，应当束犬链。\n第十一条之一　" + LEASH))
SECOND = re.sub(r"第十条　禁止饲养烈性犬。",
                "第十条　禁止饲养烈性犬。\n第十条之一　养犬人应当为犬只佩戴电子标识，不得涂改、转借犬只登记证。",
                SECOND)


def renumber(text: str) -> str:
    """Number the articles of ``text`` 第一条, 第二条 … in order (as a 二审稿 is)."""
    counter = iter(range(1, 1000))
    return re.sub(r"^第[一二三四五六七八九十]+条(?:之[一二])?(?=　)",
                  lambda m: article_label(next(counter)), text, flags=re.MULTILINE)


SECOND = renumber(SECOND)


@pytest.fixture
def draft(db):
    return make_draft(db, text=FIRST, slug="dogs")


def comment_on(db, draft, art: Article, text: str) -> Comment:
    comment, _ = submit_comment(db, draft=draft, data=CommentInput(text=text, article_id=art.id),
                                channel="线上")
    return comment


def opinion_on(db, draft, art: Article, text: str, comments: list[Comment], state: str,
               note: str = "", reason: str = "") -> Opinion:
    opinion = Opinion(draft_id=draft.id, article_id=art.id, text=text)
    db.add(opinion)
    db.commit()
    for comment in comments:
        comment.opinion_id = opinion.id
        db.add(comment)
    dispositions.decide(db, opinion=opinion, state=state, change_note=note, reason=reason,
                        actor="staff")
    db.commit()
    return opinion


def import_second(client, draft, **form) -> str:
    response = client.post(f"/manage/drafts/{draft.id}/versions/import",
                           files={"file": ("二审稿.txt", SECOND.encode(), "text/plain")},
                           data={"name": "二审稿"})
    assert response.status_code == 303, response.text
    review_url = response.headers["location"]
    assert "/versions/review/" in review_url
    return review_url


def test_second_version_end_to_end(client, db, draft):
    old_eighth = article(db, draft, 8)
    old_eleventh = article(db, draft, 11)
    old_third = article(db, draft, 3)
    c1 = comment_on(db, draft, old_eighth, "三十日太长了，建议缩短为十五日")
    c2 = comment_on(db, draft, old_eighth, "变更住所三十日内登记时间过长")
    c3 = comment_on(db, draft, old_third, "建议删除这一条原则性规定")
    adopted = opinion_on(db, draft, old_eighth, "建议将变更登记期限缩短为十五日", [c1, c2],
                         STATE_ADOPTED, note="将三十日改为十五日")
    rejected = opinion_on(db, draft, old_third, "建议删除本条", [c3], STATE_REJECTED,
                          reason="已在其他条款中体现")

    # Upload: nothing is stored until staff confirm.
    review_url = import_second(client, draft)
    assert len(list(db.exec(select(DraftVersion).where(DraftVersion.draft_id == draft.id)))) == 1
    page = client.get(review_url)
    assert page.status_code == 200
    assert "核对条文对应关系" in page.text
    for word in ("拆分", "删除", "修改", "仅调整条序", "新增条文"):
        assert word in page.text
    assert "养犬人应当为犬只佩戴电子标识" in page.text   # the 之一 article shown as 新增

    # Staff correct one row: old 第十条 is said to have no counterpart.
    old_tenth = article(db, draft, 10)
    response = client.post(review_url, data={f"map_{old_tenth.id}": "del"})
    assert response.status_code == 303, response.text
    assert "/changes" in response.headers["location"]

    version = current_version(db, draft=draft)
    assert (version.number, version.name, version.is_current) == (2, "二审稿", True)
    new_articles = articles_of(db, version=version)
    assert len(new_articles) == 14
    by_label = {a.label: a for a in new_articles}

    links = list(db.exec(select(ArticleLink)))
    assert links and all(link.confirmed for link in links)
    kinds = {(link.old_article_id, link.new_article_id): link.kind for link in links}
    assert kinds[(old_third.id, None)] == "deleted"
    assert kinds[(old_tenth.id, None)] == "deleted"                        # the correction
    assert kinds[(None, by_label["第九条"].id)] == "new"                    # 禁止饲养烈性犬, now unlinked
    assert kinds[(old_eighth.id, by_label["第七条"].id)] == "edited"
    assert kinds[(old_eleventh.id, by_label["第十一条"].id)] == "split"
    assert kinds[(old_eleventh.id, by_label["第十二条"].id)] == "split"
    assert kinds[(None, by_label["第十条"].id)] == "new"                     # the 之一 article

    # Old comments stay on the old article and are reachable from its successor.
    db.refresh(c1)
    assert c1.article_id == old_eighth.id
    assert revision_service.successors(db, article=old_eighth) == [by_label["第七条"]]
    assert revision_service.predecessors(db, article=by_label["第七条"]) == [old_eighth]
    reached = revision_service.opinions_reaching(db, articles=[by_label["第七条"]])
    assert [o.id for o in reached] == [adopted.id]

    # New comments go to the current version; the old text no longer takes comments.
    fresh = comment_on(db, draft, by_label["第七条"], "十五日也可以")
    assert fresh.version_id == version.id
    with pytest.raises(LegisError):
        comment_on(db, draft, old_eighth, "评论旧条文")
    public = client.get("/drafts/dogs")
    assert "十五日内办理变更登记" in public.text and "三十日内办理变更登记" not in public.text

    # The comparison page: old | new with the differences, the opinions beside it.
    page = client.get(f"/manage/drafts/{draft.id}/compare/{old_eighth.id}")
    assert page.status_code == 200
    assert "<del>三十</del>" in page.text and "<ins>十五</ins>" in page.text
    assert "建议将变更登记期限缩短为十五日" in page.text and "采纳" in page.text
    assert "2人提出" in page.text
    # reached from the successor too
    assert "建议将变更登记期限缩短为十五日" in client.get(
        f"/manage/drafts/{draft.id}/compare/{by_label['第七条'].id}").text

    # Link the adopted opinion to the change; a rejected one cannot be linked.
    response = client.post(f"/manage/drafts/{draft.id}/versions/opinions/{adopted.id}",
                           data={"article_id": by_label["第七条"].id, "back": old_eighth.id})
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/compare/{old_eighth.id}")
    db.refresh(adopted)
    assert adopted.changed_article_id == by_label["第七条"].id
    client.post(f"/manage/drafts/{draft.id}/versions/opinions/{rejected.id}",
                data={"article_id": by_label["第七条"].id, "back": old_third.id})
    db.refresh(rejected)
    assert rejected.changed_article_id is None
    actions = {e.action for e in db.exec(select(AuditLog).where(AuditLog.draft_id == draft.id))}
    assert {"version.propose", "version.confirm", "opinion.link_change"} <= actions

    # The 对照表: three columns, the old and new text, the reason and the opinion.
    response = client.get(f"/manage/drafts/{draft.id}/versions/comparison.docx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    table = docx.Document(io.BytesIO(response.content)).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["原条文", "修改后条文", "修改理由及依据的意见"]
    eighth = next(r for r in rows if r[0].startswith("第八条"))
    assert "三十日" in eighth[0] and eighth[1].startswith("第七条") and "十五日" in eighth[1]
    # The opinion is cited by its own words and count, not by a number.
    assert "将三十日改为十五日" in eighth[2]
    assert "依据的意见：" in eighth[2] and "“建议将变更登记期限缩短为十五日”（2条）" in eighth[2]
    assert any(r[0].startswith("第三条") and r[1] == "（删除）" for r in rows)
    split = next(r for r in rows if r[0].startswith("第十一条"))
    assert "第十二条　犬只出户应当由完全民事行为能力人牵领" in split[1]
    assert any(r[0] == "（新增条文）" and "电子标识" in r[1] for r in rows)
    assert not any(r[0].startswith("第十三条") for r in rows)   # renumbered only: not a change

    # The report's 修改情况 section.
    response = client.get(f"/manage/drafts/{draft.id}/export?format=docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "、修改情况" in text
    assert "原条文：第八条" in text and "修改后：第七条" in text
    assert "修改理由：将三十日改为十五日" in text


def test_versions_page_and_changes_page(client, db, draft):
    page = client.get(f"/manage/drafts/{draft.id}")
    assert f"/manage/drafts/{draft.id}/versions" in page.text
    page = client.get(f"/manage/drafts/{draft.id}/versions")
    assert page.status_code == 200 and "导入新版本" in page.text
    review_url = import_second(client, draft)
    response = client.post(review_url, data={})
    assert response.status_code == 303
    changes = client.get(response.headers["location"])
    assert changes.status_code == 200
    assert "拆分" in changes.text and "删除" in changes.text
    assert "二审稿" in client.get(f"/manage/drafts/{draft.id}/versions").text


def test_cancel_and_stale_proposals_change_nothing(client, db, draft):
    review_url = import_second(client, draft)
    response = client.post(review_url, data={"action": "cancel"})
    assert response.status_code == 303
    assert current_version(db, draft=draft).number == 1
    # the proposal is gone: confirming it now stores nothing
    response = client.post(review_url, data={})
    assert response.status_code == 303
    assert current_version(db, draft=draft).number == 1

    first, second = import_second(client, draft), import_second(client, draft)
    assert client.post(first, data={}).status_code == 303
    assert current_version(db, draft=draft).number == 2
    response = client.post(second, data={})             # made against the old current version
    assert response.status_code == 303
    assert current_version(db, draft=draft).number == 2
    assert len(list(db.exec(select(DraftVersion).where(DraftVersion.draft_id == draft.id)))) == 2


def test_typed_article_numbers_correct_the_mapping(client, db, draft):
    review_url = import_second(client, draft)
    old_first = article(db, draft, 1)
    old_second = article(db, draft, 2)
    response = client.post(review_url, data={f"ref_{old_first.id}": "1、2"})
    assert response.status_code == 303
    link_kinds = {(link.old_article_id, link.new_article_id): link.kind
                  for link in db.exec(select(ArticleLink))}
    new = {a.label: a for a in articles_of(db, version=current_version(db, draft=draft))}
    # 第一条 claimed both 第一条 and 第二条, so old 第二条 shares 第二条 with it
    assert link_kinds[(old_first.id, new["第一条"].id)] == "merged"
    assert link_kinds[(old_second.id, new["第二条"].id)] == "merged"


def test_unknown_typed_number_is_refused(client, db, draft):
    review_url = import_second(client, draft)
    response = client.post(review_url, data={f"ref_{article(db, draft, 1).id}": "第九十九条"})
    assert response.status_code == 303
    assert response.headers["location"] == review_url
    assert current_version(db, draft=draft).number == 1


def test_hosts_cannot_import_versions(signed_in, db, draft):
    host = signed_in("host1", "host", make_point(db))
    assert host.get(f"/manage/drafts/{draft.id}/versions").status_code == 403
    response = host.post(f"/manage/drafts/{draft.id}/versions/import",
                         files={"file": ("二审稿.txt", SECOND.encode(), "text/plain")})
    assert response.status_code == 403
    assert current_version(db, draft=draft).number == 1


def test_opinions_on_the_earlier_version_stay_in_the_overview(client, db, draft):
    old_eighth = article(db, draft, 8)
    c1 = comment_on(db, draft, old_eighth, "三十日太长了，建议缩短为十五日")
    opinion_on(db, draft, old_eighth, "建议将变更登记期限缩短为十五日", [c1], STATE_ADOPTED,
               note="将三十日改为十五日")
    review_url = import_second(client, draft)
    assert client.post(review_url, data={}).status_code == 303
    overview = client.get(f"/manage/drafts/{draft.id}/opinions")
    assert "第八条（征求意见稿）" in overview.text
    review = client.get(f"/manage/drafts/{draft.id}/opinions/{old_eighth.id}")
    assert "建议将变更登记期限缩短为十五日" in review.text
