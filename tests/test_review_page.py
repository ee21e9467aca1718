"""The review page acts on exactly the opinions staff chose, many at once, stays small, and keeps input on errors."""

from __future__ import annotations

import re
import time

import pytest
from sqlmodel import select

from legis.models import Comment, Job, Opinion
from legis.services import comments as comment_service
from legis.services import dispositions, merging
from tests.factories import article, make_draft

TOPICS = ["犬链长度", "登记费用", "疫苗接种", "粪便清理", "烈性犬名录", "夜间遛狗", "宠物医院", "流浪犬收容"]


def place(db, draft, number, groups):
    """Comments on article ``number`` put into one opinion per group, as merging would leave them."""
    art = article(db, draft, number)
    opinions = []
    for texts in groups:
        opinion = Opinion(draft_id=draft.id, article_id=art.id, text=texts[0])
        db.add(opinion)
        db.commit()
        for text in texts:
            comment, _ = comment_service.submit_comment(
                db, draft=draft, data=comment_service.CommentInput(text=text, article_id=art.id),
                channel="线上")
            comment.opinion_id = opinion.id
            db.add(comment)
            db.commit()
        opinions.append(opinion)
    return art, opinions


def members(db, opinion_id):
    db.expire_all()
    return {c.id for c in db.exec(select(Comment).where(Comment.opinion_id == opinion_id))}


@pytest.fixture
def article_with_opinions(db):
    draft = make_draft(db)
    groups = [[f"关于{t}的意见{i}：建议写得更明确一些" for i in range(2)] for t in TOPICS]
    art, opinions = place(db, draft, 8, groups)
    return draft, art, opinions


def test_each_opinion_is_labelled_with_its_own_number(client, article_with_opinions):
    draft, art, opinions = article_with_opinions
    page = client.get(f"/manage/drafts/{draft.id}/opinions/{art.id}").text
    labels = re.findall(r'<input type="checkbox" name="opinion" value="(\d+)"[^>]*>\s*'
                        r'<label for="pick-\d+">归纳意见 (\d+)</label>', page)
    assert len(labels) == len(opinions)
    assert all(value == shown for value, shown in labels)
    listed = re.findall(r'<option value="(\d+)">(\d+)：关于(\S+?)的', page)
    assert {int(v) for v, _n, _t in listed} == {o.id for o in opinions}
    assert all(v == n for v, n, _t in listed)
    # Forms open for one opinion at a time.
    assert 'name="change_note"' not in page
    chosen = opinions[3].id
    editing = client.get(f"/manage/drafts/{draft.id}/opinions/{art.id}?edit={chosen}").text
    assert re.findall(r'id="reason-(\d+)"', editing) == [str(chosen)]


def test_choosing_opinion_n_moves_into_opinion_n_for_every_position(client, db, article_with_opinions):
    draft, art, opinions = article_with_opinions
    url = f"/manage/drafts/{draft.id}/opinions/{art.id}"
    page = client.get(url).text
    # The page lists opinions biggest first; walk every position in that order.
    order = [int(i) for i in re.findall(r'<section class="opinion" id="o(\d+)"', page)]
    assert sorted(order) == sorted(o.id for o in opinions)
    for position, target in enumerate(order):
        source = order[(position + 1) % len(order)]
        moving = min(members(db, source))
        response = client.post(url, data={"action": "move", "comment": [str(moving)],
                                          "target": str(target)})
        assert response.status_code == 303, response.text
        assert moving in members(db, target), f"position {position}: not in opinion {target}"
        assert f"归纳意见 {target}" in client.get(response.headers["location"]).text


def test_several_opinions_merge_in_one_action(client, db, article_with_opinions):
    draft, art, opinions = article_with_opinions
    target, *sources = [o.id for o in (opinions[2], opinions[0], opinions[5], opinions[7])]
    expected = members(db, target).union(*(members(db, o) for o in sources))
    response = client.post(f"/manage/drafts/{draft.id}/opinions/{art.id}", data={
        "action": "merge", "opinion": [str(o) for o in sources], "into": str(target)})
    assert response.status_code == 303
    assert members(db, target) == expected
    assert all(db.get(Opinion, o) is None for o in sources)
    assert "已把3条归纳意见合并到归纳意见" in client.get(response.headers["location"]).text


def test_several_comments_move_together_into_a_new_opinion(client, db, article_with_opinions):
    draft, art, opinions = article_with_opinions
    chosen = [min(members(db, opinions[1].id)), min(members(db, opinions[4].id))]
    response = client.post(f"/manage/drafts/{draft.id}/opinions/{art.id}",
                           data={"action": "move_new", "comment": [str(i) for i in chosen]})
    assert response.status_code == 303
    db.expire_all()
    homes = {db.get(Comment, i).opinion_id for i in chosen}
    assert len(homes) == 1 and homes.isdisjoint({o.id for o in opinions})
    new = db.get(Opinion, homes.pop())
    assert new.approved is False


def test_invalid_target_keeps_choice_and_shows_error_by_the_field(client, db, article_with_opinions):
    draft, art, opinions = article_with_opinions
    moving = min(members(db, opinions[3].id))
    url = f"/manage/drafts/{draft.id}/opinions/{art.id}"
    for typed, message in (("99999", "没有编号为 99999 的归纳意见"), ("第二条", "不是归纳意见编号")):
        response = client.post(url, data={"action": "move", "comment": [str(moving)], "target": typed})
        assert response.status_code == 422
        field = re.search(r'<input id="members-target"[^>]*>', response.text).group()
        assert f'value="{typed}"' in field and "autofocus" in field and 'aria-invalid="true"' in field
        assert re.search(rf'id="err-members-target" role="alert">[^<]*{message}', response.text)
        assert re.search(rf'value="{moving}" form="members" checked', response.text)
    assert moving in members(db, opinions[3].id)
    # An opinion of another article is no target either.
    _other_art, other = place(db, draft, 9, [["建议缩短报告期限"]])
    response = client.post(url, data={"action": "move", "comment": [str(moving)],
                                      "target": str(other[0].id)})
    assert response.status_code == 422 and "不在这一条下" in response.text


def test_disposition_without_reason_keeps_what_was_typed(client, db, article_with_opinions):
    _draft, art, opinions = article_with_opinions
    opinion = opinions[0]
    response = client.post(f"/manage/opinions/{opinion.id}/disposition", data={
        "state": "部分采纳", "reason": "", "change_note": "第八条增加网上办理", "back": str(art.id)})
    assert response.status_code == 422
    reason = re.search(rf'<textarea id="reason-{opinion.id}"[^>]*>', response.text).group()
    assert "autofocus" in reason and 'aria-invalid="true"' in reason
    assert f'id="err-disp-{opinion.id}-reason" role="alert">“部分采纳”需要填写理由' in response.text
    assert "第八条增加网上办理</textarea>" in response.text
    assert re.search(r'value="部分采纳" checked', response.text)
    db.expire_all()
    assert db.get(Opinion, opinion.id).state == "待研究"


def sections(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<section class="opinion" id="o(\d+)"', page)]


def shown_members(page: str, opinion_id: int) -> set[int]:
    """The comments listed under one opinion of a review page."""
    start = page.index(f'<section class="opinion" id="o{opinion_id}"')
    part = page[start:page.index("</section>", start)]
    return {int(i) for i in re.findall(r'name="comment" value="(\d+)"', part)}


@pytest.fixture
def hot_article(db):
    """80 opinions on one article: 10 of 20 comments each, 70 of 2."""
    draft = make_draft(db)
    groups = [[f"第{i}组意见：建议对养犬登记的第{j}项要求作出更明确的规定，并说明办理期限和所需材料。"
               for j in range(20 if i < 10 else 2)] for i in range(80)]
    art, opinions = place(db, draft, 8, groups)
    return draft, art, opinions


def test_hot_article_is_paged_biggest_first_and_every_opinion_is_reachable(client, db, hot_article):
    draft, art, opinions = hot_article
    url = f"/manage/drafts/{draft.id}/opinions/{art.id}"
    first = client.get(url)
    assert first.status_code == 200
    assert len(first.content) < 300 * 1024, len(first.content)
    assert "第1页，共4页" in first.text and "80 条归纳意见" in first.text
    on_first = sections(first.text)
    assert len(on_first) == 25
    assert set(on_first[:10]) == {o.id for o in opinions[:10]}   # the 20-comment ones lead
    seen = list(on_first)
    for number in (2, 3, 4):
        page = client.get(f"{url}?page={number}").text
        assert f"第{number}页，共4页" in page
        seen += sections(page)
        # the picker offers every opinion of the page it is on
        listed = {int(v) for v in re.findall(r'<option value="(\d+)">', page)}
        assert set(sections(page)) <= listed
    assert sorted(seen) == sorted(o.id for o in opinions)


def test_a_large_opinion_folds_its_members_and_opens_them_without_javascript(client, db, hot_article):
    draft, art, opinions = hot_article
    url = f"/manage/drafts/{draft.id}/opinions/{art.id}"
    big = opinions[0]
    page = client.get(url).text
    folded = shown_members(page, big.id)
    assert len(folded) == 8 and folded < members(db, big.id)
    assert "还有 12 条原始意见未显示" in page
    link = re.search(rf'href="(\?page=1&amp;members={big.id}&amp;mpage=1)#m{big.id}"', page).group(1)
    opened = client.get(url + link.replace("&amp;", "&")).text
    assert shown_members(opened, big.id) == members(db, big.id)
    # A member found that way moves to an opinion on another page; the answer shows it there.
    moving = max(members(db, big.id))
    target = opinions[-1].id
    response = client.post(url, data={"action": "move", "comment": [str(moving)],
                                      "target": str(target), "page": "1"})
    assert response.status_code == 303
    landed = client.get(response.headers["location"]).text
    assert target in sections(landed) and moving in shown_members(landed, target)


def test_decision_history_shows_on_every_page(client, db, hot_article):
    _draft, art, opinions = hot_article
    late = opinions[-1]     # on the last page
    for state, reason in (("未采纳", "上位法已有规定"), ("部分采纳", "已部分吸收")):
        response = client.post(f"/manage/opinions/{late.id}/disposition",
                               data={"state": state, "reason": reason, "back": str(art.id)})
        assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert late.id in sections(page)
    assert "处理记录2条" in page
    editing = client.get(f"/manage/drafts/{_draft.id}/opinions/{art.id}?edit={late.id}").text
    assert "未采纳 → <strong>部分采纳</strong>；理由：已部分吸收" in editing


def test_comment_joining_a_decided_opinion_waits_for_confirmation(client, engine, db):
    draft = make_draft(db, slug="dogs")
    art = article(db, draft, 8)
    first, _ = comment_service.submit_comment(db, draft=draft, channel="线上", data=comment_service.CommentInput(
        text="建议将变更登记期限由三十日延长至六十日", article_id=art.id))
    merging.merge_draft(engine, draft_id=draft.id)
    db.expire_all()
    opinion = db.get(Opinion, db.get(Comment, first.id).opinion_id)
    dispositions.decide(db, opinion=opinion, state="采纳", change_note="改为六十日", actor="staff")
    opinion.approved = True
    db.add(opinion)
    db.commit()
    client.post(f"/manage/drafts/{draft.id}/publish", data={"publish": "1", "confirm": "1"})
    late, _ = comment_service.submit_comment(db, draft=draft, channel="线上", data=comment_service.CommentInput(
        text="建议变更登记期限由三十日延长到六十日。", article_id=art.id))
    merging.merge_draft(engine, draft_id=draft.id)
    db.expire_all()
    assert db.get(Comment, late.id).opinion_id == opinion.id
    assert "改为六十日" in client.get(f"/r/{first.receipt_code}").text
    receipt = client.get(f"/r/{late.receipt_code}").text
    assert "正在研究" in receipt and "改为六十日" not in receipt
    review_url = f"/manage/drafts/{draft.id}/opinions/{art.id}"
    page = client.get(review_url).text
    assert "新加入，待确认" in page and "1 条意见在处理决定之后才归入" in page
    check = client.post(f"/manage/drafts/{draft.id}/publish", data={"publish": "1"}).text
    assert re.search(r"<strong>1</strong> 条意见是在处理决定之后才归入的", check)
    client.post(review_url, data={"action": "confirm", "id": str(opinion.id)})
    assert "改为六十日" in client.get(f"/r/{late.receipt_code}").text


def test_full_remerge_of_published_draft_asks_first(client, db):
    draft = make_draft(db)
    dispositions.set_published(db, draft=draft, published=True, actor="staff")
    db.commit()
    asked = client.post(f"/manage/drafts/{draft.id}/merge", data={"mode": "full"})
    assert asked.status_code == 200 and "确定全部重新归并吗" in asked.text
    assert db.exec(select(Job)).first() is None
    started = client.post(f"/manage/drafts/{draft.id}/merge", data={"mode": "full", "confirm": "1"})
    assert started.status_code == 303
    job = db.exec(select(Job)).one()
    for _ in range(200):      # let the job finish before the test database goes
        db.expire_all()
        if db.get(Job, job.id).status in ("done", "failed"):
            break
        time.sleep(0.05)
    assert db.get(Job, job.id).status == "done"


def test_rerun_never_changes_an_approved_text(client, engine, db):
    draft = make_draft(db)
    art = article(db, draft, 8)
    for text in ("建议将变更登记期限由三十日延长至六十日", "建议变更登记期限由三十日延长到六十日"):
        comment_service.submit_comment(db, draft=draft, channel="线上",
                                       data=comment_service.CommentInput(text=text, article_id=art.id))
    merging.merge_draft(engine, draft_id=draft.id)
    opinion = db.exec(select(Opinion)).one()
    approved_text = opinion.text
    client.post(f"/manage/drafts/{draft.id}/opinions/{art.id}",
                data={"action": "approve", "opinion": [str(opinion.id)]})
    for text in ["变更登记期限应当延长至六十日，三十日太短了，很多人来不及办理"] * 3:
        comment_service.submit_comment(db, draft=draft, channel="线上",
                                       data=comment_service.CommentInput(text=text, article_id=art.id))
    merging.merge_draft(engine, draft_id=draft.id, full=True)
    db.expire_all()
    kept = db.get(Opinion, opinion.id)
    assert kept is not None and kept.approved and kept.text == approved_text


def test_opinions_overview_pages_the_articles_and_counts_merged_and_new(client, db):
    text = "某市测试条例（草案）\n\n" + "\n".join(f"第{n}条　第{n}项规定应当明确。" for n in range(1, 61))
    draft = make_draft(db, text=text)
    _art, _opinions = place(db, draft, 1, [["建议写明办理期限", "期限应当写明"], ["建议公开办理流程"]])
    for number in range(1, 61):
        comment_service.submit_comment(db, draft=draft, channel="线上", data=comment_service.CommentInput(
            text=f"对第{number}条的新意见", article_id=article(db, draft, number).id))
    db.commit()
    url = f"/manage/drafts/{draft.id}/opinions"
    first = client.get(url).text
    rows = re.findall(r'<tr><td>([^<]+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>\s*'
                      r'<td class="num">(\d+)</td>', first)
    assert len(rows) == 50 and "第1页，共2页" in first
    assert rows[0][1:] == ("4", "2", "2")          # 3 merged + 1 new; 2 opinions, both pending
    assert all(r[1:] == ("1", "0", "0") for r in rows[1:])
    assert "<strong>63</strong> 条意见" in first and "<strong>60</strong> 条新意见尚未归并" in first
    second = client.get(f"{url}?page=2").text
    assert len(re.findall(r'<td class="num">1</td><td class="num">0</td>', second)) == 10
