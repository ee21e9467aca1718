"""Meetings (座谈会): create, public link and QR, keyboard entry of paper comments, undo, export."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from legis.errors import LegisError
from legis.models import AuditLog, Comment, Meeting, Opinion
from legis.services import meetings as meeting_service
from legis.services.drafts import articles_of, current_version
from legis.timefmt import today
from tests.factories import article, make_draft, make_meeting, make_point


def _token(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _comments(db, **where) -> list[Comment]:
    db.expire_all()
    query = select(Comment).order_by(Comment.id)
    for name, value in where.items():
        query = query.where(getattr(Comment, name) == value)
    return list(db.exec(query))


@pytest.fixture
def setup(db):
    draft = make_draft(db, slug="dogs")
    point = make_point(db)
    cs = make_meeting(db, draft=draft, point=point, held_on=today())
    return draft, point, cs


def test_create_session_then_residents_comment_through_its_link(client, db):
    draft = make_draft(db, slug="dogs")
    point = make_point(db, name="东风社区联络站", kind="站")
    form = client.get(f"/manage/meetings/new?draft={draft.id}&point={point.id}")
    assert form.status_code == 200
    assert f'<option value="{draft.id}" selected' in form.text
    response = client.post("/manage/meetings", data={
        "draft_id": str(draft.id), "contact_point_id": str(point.id), "title": "养犬条例座谈会",
        "held_on": today().isoformat(), "place": "社区活动室", "host_name": "李主任",
        "expected_participants": "30",
    })
    assert response.status_code == 303
    cs = db.exec(select(Meeting)).one()
    assert response.headers["location"] == f"/manage/meetings/{cs.id}"
    assert len(cs.token) >= 12 and cs.expected_participants == 30

    detail = client.get(f"/manage/meetings/{cs.id}")
    assert f"http://testserver/s/{cs.token}" in detail.text

    public = client.get(f"/s/{cs.token}")
    assert public.status_code == 200
    assert "meeting-banner" in public.text and "东风社区联络站" in public.text
    target = article(db, draft, 5)
    posted = client.post("/drafts/dogs/comments", data={
        "form_token": _token(public.text), "article_id": str(target.id), "s": cs.token,
        "text": "建议放宽独户居住的条件。",
    })
    assert posted.status_code == 303
    stored = _comments(db)[0]
    assert (stored.meeting_id, stored.contact_point_id, stored.channel) == (cs.id, point.id, "现场")
    assert stored.article_id == target.id


def test_session_form_errors_keep_input(client, db):
    draft = make_draft(db)
    response = client.post("/manage/meetings", data={
        "draft_id": str(draft.id), "contact_point_id": "", "title": "我的座谈会", "held_on": "",
        "expected_participants": "很多"})
    assert response.status_code == 422
    assert "请选择联系点" in response.text and "请填写座谈会日期" in response.text
    assert "请填写人数" in response.text
    assert 'value="我的座谈会"' in response.text
    assert db.exec(select(Meeting)).first() is None


def test_actual_participants_are_recorded_later(client, db, setup):
    draft, point, cs = setup
    response = client.post(f"/manage/meetings/{cs.id}", data={
        "draft_id": str(draft.id), "contact_point_id": str(point.id), "title": cs.title,
        "held_on": today().isoformat(), "participant_count": "42"})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Meeting, cs.id).participant_count == 42


def test_qr_page_and_svg(client, db, setup, settings):
    draft, point, cs = setup
    page = client.get(f"/manage/meetings/{cs.id}/qr")
    assert page.status_code == 200
    for text in (draft.title, cs.title, point.name, f"http://testserver/s/{cs.token}",
                 "扫码后逐条阅读草案并提出意见", f"/manage/meetings/{cs.id}/qr.svg"):
        assert text in page.text
    svg = client.get(f"/manage/meetings/{cs.id}/qr.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg") and "<path" in svg.text

    settings.base_url = "https://yijian.example.gov.cn"
    page = client.get(f"/manage/meetings/{cs.id}/qr")
    assert f"https://yijian.example.gov.cn/s/{cs.token}" in page.text



def test_addresses_bookmarked_before_the_rename_still_open(client, anon, db, setup):
    draft, _point, cs = setup
    # A staff bookmark of the old /manage/sessions/… address lands on the same page.
    for old, new in ((f"/manage/sessions/{cs.id}/qr", f"/manage/meetings/{cs.id}/qr"),
                     (f"/manage/sessions/{cs.id}", f"/manage/meetings/{cs.id}"),
                     (f"/manage/sessions?draft={draft.id}", f"/manage/meetings?draft={draft.id}")):
        moved = client.get(old)
        assert moved.status_code == 301 and moved.headers["location"] == new
        assert client.get(new).status_code == 200
    poster = client.get(f"/manage/sessions/{cs.id}/qr", follow_redirects=True)
    assert cs.title in poster.text
    # The link printed under the QR code still brings a resident to the draft.
    link = re.search(r"http://testserver(/s/[A-Za-z0-9_-]+)", poster.text).group(1)
    assert link == f"/s/{cs.token}"
    page = anon.get(link)
    assert page.status_code == 200 and draft.title in page.text and cs.title in page.text
    # Old addresses are still staff pages: a visitor is sent to sign in, not shown them.
    assert anon.get(f"/manage/sessions/{cs.id}").status_code in (302, 303)

def svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules (column, row) of a QR code drawn as an SVG path of horizontal runs."""
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    dark, x, y = set(), 0.0, 0.0
    for command, numbers in re.findall(r"([MmHh])([-\d. ]+)", path):
        values = [float(v) for v in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            dark.update((int(x) + i, int(y)) for i in range(int(values[0])))
            x += values[0]
    return dark


def test_qr_encodes_the_link(client, db, setup, settings):
    import segno

    _draft, _point, cs = setup
    settings.base_url = "https://yijian.example.gov.cn"
    drawn = svg_modules(client.get(f"/manage/meetings/{cs.id}/qr.svg").text)
    link = f"https://yijian.example.gov.cn/s/{cs.token}"
    # Whatever the size, border and error level, the dark modules must be those of a QR code
    # for exactly this link.
    left, top = min(c for c, _ in drawn), min(r for _, r in drawn)
    drawn = {(c - left, r - top) for c, r in drawn}
    encodings = [{(c, r) for r, row in enumerate(qr.matrix) for c, dark in enumerate(row) if dark}
                 for qr in (segno.make(link, error=level, boost_error=False) for level in "lmqh")]
    assert drawn in encodings


def _enter(client, cs, article_ref: str, text: str, **extra):
    page = client.get(f"/manage/meetings/{cs.id}/entry")
    data = {"form_token": _token(page.text), "article": article_ref, "text": text,
            "channel": "书面"} | extra
    return client.post(f"/manage/meetings/{cs.id}/entry", data=data), data


def test_bulk_entry_resolves_article_numbers(client, db, setup):
    draft, point, cs = setup
    for ref, text in (("12", "粪便清理要有罚则。"), ("十二", "第十二条要细化。"),
                      ("0", "总体上支持。"), ("总", "建议加强宣传。"), ("第五条", "条件太严。")):
        response, _ = _enter(client, cs, ref, text)
        assert response.status_code == 303, response.text
        assert response.headers["location"].startswith(f"/manage/meetings/{cs.id}/entry")
    stored = _comments(db, meeting_id=cs.id)
    twelve, five = article(db, draft, 12).id, article(db, draft, 5).id
    assert [c.article_id for c in stored] == [twelve, twelve, None, None, five]
    assert {(c.channel, c.contact_point_id) for c in stored} == {("书面", point.id)}
    page = client.get(f"/manage/meetings/{cs.id}/entry").text
    # Newest first in the running list.
    assert page.index("条件太严") < page.index("粪便清理要有罚则")


def test_sub_article_numbers(client, db):
    text = "某条例（草案）\n\n第十二条　甲。\n第十二条之一　乙。\n第十三条　丙。\n"
    draft = make_draft(db, text=text)
    cs = make_meeting(db, draft=draft, point=make_point(db), held_on=today())
    for ref in ("12-1", "12之1"):
        response, _ = _enter(client, cs, ref, "关于之一的意见。")
        assert response.status_code == 303
    assert {c.article_id for c in _comments(db)} == {article(db, draft, 12, 1).id}
    label = client.get(f"/manage/meetings/{cs.id}/entry/article?a=12-1").json()
    assert label == {"ok": True, "label": "第十二条之一", "error": "", "snippet": "乙。"}


def test_unknown_article_keeps_the_text_and_saves_nothing(client, db, setup):
    _draft, _point, cs = setup
    response, _ = _enter(client, cs, "99", "我的意见很重要。", name="王小明")
    assert response.status_code == 422
    assert "草案中没有第九十九条" in response.text
    assert "我的意见很重要。" in response.text and 'value="王小明"' in response.text
    assert _comments(db) == []
    assert client.get(f"/manage/meetings/{cs.id}/entry/article?a=99").json()["ok"] is False


def test_article_lookup_without_text_shows_the_label(client, db, setup):
    _draft, _point, cs = setup
    response, _ = _enter(client, cs, "12", "")
    assert response.status_code == 200
    assert "<strong>第十二条</strong>" in response.text
    assert re.search(r'<textarea id="en-text"[^>]*autofocus', response.text)
    assert _comments(db) == []


def test_double_submission_stores_one(client, db, setup):
    _draft, _point, cs = setup
    first, data = _enter(client, cs, "7", "疫苗应当免费。")
    second = client.post(f"/manage/meetings/{cs.id}/entry", data=data)
    assert first.status_code == second.status_code == 303
    assert len(_comments(db)) == 1
    assert "没有重复录入" in client.get(second.headers["location"]).text


def test_undo_removes_only_the_last_entry(client, db, setup):
    _draft, _point, cs = setup
    _enter(client, cs, "3", "第一条录入。")
    _enter(client, cs, "4", "第二条录入。")
    assert "撤销刚才录入的一条" in client.get(f"/manage/meetings/{cs.id}/entry").text
    response = client.post(f"/manage/meetings/{cs.id}/entry/undo")
    assert response.status_code == 303
    # Withdrawn like any wrong row: kept with its reason and an audit record, never counted.
    assert [c.text for c in _comments(db, withdrawn=False)] == ["第一条录入。"]
    [undone] = _comments(db, withdrawn=True)
    assert undone.text == "第二条录入。" and undone.withdrawn_reason == "录入后当即撤销"
    assert db.exec(select(AuditLog).where(AuditLog.action == "comment.undo_entry",
                                          AuditLog.target_id == undone.id)).first() is not None
    assert "已撤销刚才录入的一条" in client.get(f"/manage/meetings/{cs.id}/entry").text
    entry = client.get(f"/manage/meetings/{cs.id}/entry").text     # the flash shown, the list
    assert "第一条录入。" in entry and "第二条录入。" not in entry
    # Only one step back: a second undo withdraws nothing more.
    client.post(f"/manage/meetings/{cs.id}/entry/undo")
    assert [c.text for c in _comments(db, withdrawn=False)] == ["第一条录入。"]
    assert "没有可以撤销的录入" in client.get(f"/manage/meetings/{cs.id}/entry").text


def test_undo_refuses_a_merged_comment(client, db, setup):
    draft, _point, cs = setup
    _enter(client, cs, "3", "会被归纳的意见。")
    comment = _comments(db)[0]
    opinion = Opinion(draft_id=draft.id, article_id=comment.article_id, text=comment.text)
    db.add(opinion)
    db.commit()
    comment.opinion_id = opinion.id
    db.add(comment)
    db.commit()
    client.post(f"/manage/meetings/{cs.id}/entry/undo")
    assert len(_comments(db)) == 1
    assert "不能撤销" in client.get(f"/manage/meetings/{cs.id}/entry").text


def test_undo_only_in_the_session_it_was_entered(db, setup):
    draft, point, cs = setup
    other = make_meeting(db, draft=draft, point=point, held_on=today())
    comment = Comment(draft_id=draft.id, version_id=1, text="别的场次", meeting_id=other.id,
                      receipt_code="ABCDEFGH")
    db.add(comment)
    db.commit()
    with pytest.raises(LegisError):
        meeting_service.undo_entry(db, meeting_id=cs.id, comment_id=comment.id, entered_by=None)


def test_closed_draft_accepts_paper_only_from_a_session_within_the_period(client, db):
    start = today() - timedelta(days=40)
    draft = make_draft(db, comment_start=start, comment_end=today() - timedelta(days=10))
    point = make_point(db)
    in_time = make_meeting(db, draft=draft, point=point, held_on=today() - timedelta(days=15))
    too_late = make_meeting(db, draft=draft, point=point, held_on=today() - timedelta(days=5))

    response, _ = _enter(client, in_time, "2", "座谈会上写在纸上的意见。")
    assert response.status_code == 303
    assert len(_comments(db, meeting_id=in_time.id)) == 1

    page = client.get(f"/manage/meetings/{too_late.id}/entry")
    assert "不能再录入意见" in page.text and "entry-form" not in page.text
    refused = client.post(f"/manage/meetings/{too_late.id}/entry", data={
        "form_token": _token(client.get(f"/manage/meetings/{in_time.id}/entry").text),
        "article": "2", "text": "迟到的意见。", "channel": "书面"})
    assert refused.status_code == 409
    assert _comments(db, meeting_id=too_late.id) == []


def test_channel_choice_and_contact_details(client, db, setup):
    _draft, _point, cs = setup
    response, _ = _enter(client, cs, "9", "电话里说的。", channel="电话", name="王小明",
                         phone="138 1234 5678")
    assert "channel=%E7%94%B5%E8%AF%9D" in response.headers["location"]
    comment = _comments(db)[0]
    assert (comment.channel, comment.phone, comment.consent) == ("电话", "13812345678", True)
    page = client.get(f"/manage/meetings/{cs.id}").text
    assert "王某" in page and "138****5678" in page
    assert "王小明" not in page and "13812345678" not in page
    bad, _ = _enter(client, cs, "9", "号码写错了。", phone="12345")
    assert bad.status_code == 422 and "电话号码格式不对" in bad.text


def test_hostile_strings_are_escaped(client, db, setup):
    _draft, _point, cs = setup
    _enter(client, cs, "1", "<script>alert('x')</script>", name="<b>坏人</b>")
    for url in (f"/manage/meetings/{cs.id}", f"/manage/meetings/{cs.id}/entry"):
        page = client.get(url).text
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page


def test_session_page_counts_and_xlsx_export(client, db, setup):
    _draft, _point, cs = setup
    _enter(client, cs, "12", "第十二条意见一。", name="欧阳娜娜", phone="13912345678")
    _enter(client, cs, "12", "=HYPERLINK(\"http://x\")")
    _enter(client, cs, "总", "总体意见。")
    page = client.get(f"/manage/meetings/{cs.id}").text
    assert "本场意见（3条）" in page
    assert re.search(r"<td>第十二条</td><td class=\"num\">2</td>", page)

    response = client.get(f"/manage/meetings/{cs.id}/export.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["序号", "条款", "意见内容", "姓名"]
    assert [r[1] for r in rows[1:]] == ["总体意见", "第十二条", "第十二条"]
    first = rows[2]
    assert first[2] == "第十二条意见一。" and first[3] == "欧阳某" and first[5] == "139****5678"
    assert rows[3][2] == "=HYPERLINK(\"http://x\")"  # stored as text, not a formula


def test_sessions_index_per_draft_and_point(client, db):
    draft_a = make_draft(db, slug="a")
    draft_b = make_draft(db, slug="b", title="另一部条例")
    point_a = make_point(db, name="甲联络站", kind="站")
    point_b = make_point(db, name="乙联络站", kind="站")
    make_meeting(db, draft=draft_a, point=point_a, title="甲场", held_on=today())
    make_meeting(db, draft=draft_b, point=point_b, title="乙场", held_on=today())
    everything = client.get("/manage/meetings").text
    assert "甲场" in everything and "乙场" in everything
    by_draft = client.get(f"/manage/meetings?draft={draft_b.id}").text
    assert "乙场" in by_draft and "甲场" not in by_draft
    by_point = client.get(f"/manage/meetings?point={point_a.id}").text
    assert "甲场" in by_point and "乙场" not in by_point


def test_a_forged_or_expired_form_token_keeps_what_was_typed(client, db, setup):
    _draft, _point, cs = setup
    response = client.post(f"/manage/meetings/{cs.id}/entry", data={
        "form_token": "forged", "article": "3", "text": "打了很久的字。", "channel": "电话"})
    assert response.status_code == 400
    assert "表单校验信息无效" in response.text and "打了很久的字。" in response.text
    assert _token(response.text) != "forged"
    assert _comments(db) == []


def test_sessions_only_for_drafts_put_out_for_comment(db):
    draft = make_draft(db, open_days=None)   # still 草稿
    point = make_point(db)
    data = meeting_service.MeetingInput(draft_id=str(draft.id), contact_point_id=str(point.id),
                                        held_on=today().isoformat())
    with pytest.raises(LegisError) as caught:
        meeting_service.save_meeting(db, data=data)
    assert "还没有开始征求意见" in caught.value.message


def test_a_meeting_link_to_a_draft_with_no_articles_opens_a_page_not_an_error(client, db):
    # A version with no articles cannot come from an import, but can be left by hand
    # edits to the database; the meeting's link must still open.
    draft = make_draft(db, slug="empty")
    version = current_version(db, draft=draft)
    for row in articles_of(db, version=version):
        db.delete(row)
    db.commit()
    cs = make_meeting(db, draft=draft, point=make_point(db), held_on=today())
    page = client.get(f"/s/{cs.token}")
    assert page.status_code == 200
    assert cs.title in page.text
    assert client.get("/drafts/empty").status_code == 200
