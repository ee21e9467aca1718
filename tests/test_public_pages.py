"""Public pages made once and served many times: ETag and 304, invalidation by every change
(also on a second server sharing the database), per-request form tokens, no personal data."""

from __future__ import annotations

import gzip
import re
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select
from starlette.testclient import TestClient

from legis.db import session_scope
from legis.models import STATUS_CLOSED, Article, Comment, Draft, Meeting, Opinion
from legis.numerals import article_label, int_to_cn
from legis.parsing import parse_text
from legis.services import dispositions, withdrawal
from legis.services import drafts as draft_service
from legis.timefmt import today
from legis.web.app import create_app
from legis.web.page_cache import CachedPage, Slot
from legis.web.stamp_cache import FRESH_SECONDS
from tests.conftest import login, make_user
from tests.factories import SAMPLE_TEXT, article, make_draft, make_meeting, make_point


def token_of(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def revalidate(client: TestClient, url: str, etag: str):
    return client.get(url, headers={"If-None-Match": etag})


def write(engine, work):
    with session_scope(engine, write=True) as session:
        return work(session)


def test_page_is_rendered_once_and_revalidated_with_304(anon, app, db):
    make_draft(db, slug="yangquan")
    first = anon.get("/drafts/yangquan", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200
    assert first.headers["content-encoding"] == "gzip"
    assert "第十三条" in first.text      # httpx decoded the pieced-together gzip body
    # ... which is about as small as the page compressed in one piece
    assert first.num_bytes_downloaded < 1.5 * len(gzip.compress(first.content))
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    assert first.headers["cache-control"] == "private, no-cache"
    assert "Cookie" in first.headers["vary"]
    tokens = {token_of(first.text)}
    for _ in range(4):
        again = anon.get("/drafts/yangquan")
        assert again.headers["etag"] == etag
        tokens.add(token_of(again.text))
    assert len(tokens) == 5                    # a fresh form token in every response
    assert app.state.pages.renders == 1        # ... from one rendered page
    not_modified = revalidate(anon, "/drafts/yangquan", etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert revalidate(anon, "/drafts/yangquan", 'W/"something-else"').status_code == 200


def test_page_without_gzip_is_the_same_text(anon, db):
    make_draft(db, slug="yangquan")
    zipped = anon.get("/drafts/yangquan")
    plain = anon.get("/drafts/yangquan", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text.replace(token_of(plain.text), "T") == zipped.text.replace(token_of(zipped.text), "T")


def test_pieced_gzip_is_one_standard_gzip_stream_and_compresses_like_one():
    token, note = Slot("SLOTabc123", 12, pad=False), Slot("SLOTdef456", 40)
    form = ('<details class="comment-box"><summary>提意见</summary><form method="post">'
            '<input type="hidden" name="form_token" value="SLOTabc123"><textarea name="text">'
            '</textarea><input name="name" maxlength="60"><button>提交意见</button></form></details>')
    html = "SLOTdef456" + "".join(
        f"<section id=a{n}><p>第{n}条　城市更新项目实施主体应当在第{n * 7}项工作开始前征求意见，"
        f"公示实施方案不少于{n % 30 + 10}日。</p>{form}</section>" for n in range(30))
    page = CachedPage(html, [token, note], ("k",))
    fills = {token.marker: "TOKEN-123456", note.marker: "已有3人提出4条意见"}
    body = page.gzipped(fills)
    text = gzip.decompress(body).decode()
    assert text == page.plain(fills).decode()
    assert text.count("TOKEN-123456") == 30 and "已有3人提出4条意见" in text
    longer = {**fills, token.marker: "A-TOKEN-LONGER-THAN-ITS-SLOT"}   # falls back, still right
    assert gzip.decompress(page.gzipped(longer)).decode().count("A-TOKEN-LONGER-THAN-ITS-SLOT") == 30


def change_title(s, draft_id):
    s.get(Draft, draft_id).title = "某市养犬管理条例（修改后）"


def close_now(s, draft_id):
    draft = s.get(Draft, draft_id)
    draft_service.set_period(s, draft=draft, status=STATUS_CLOSED, start=None, end=today())


def new_version(s, draft_id):
    draft_service.add_version(s, draft=s.get(Draft, draft_id),
                              parsed=parse_text(SAMPLE_TEXT.replace("束犬链", "束长度不超过一点五米的犬链")),
                              name="二审稿")


def correct_article(s, draft_id):
    version = draft_service.current_version(s, draft=s.get(Draft, draft_id))
    first = s.exec(select(Article).where(Article.version_id == version.id, Article.number == 11)).one()
    first.paragraphs = ["养犬人携犬出户的，应当束长度不超过一点五米的犬链。"]


def rename_meeting(s, draft_id):
    s.exec(select(Meeting).where(Meeting.draft_id == draft_id)).one().title = "长度不超过一点五米座谈"


CHANGES = {
    "title": (change_title, "/drafts/yangquan", "修改后"),
    "period ended": (close_now, "/drafts/yangquan", "不再接收新的意见"),
    "new version": (new_version, "/drafts/yangquan", "一点五米"),
    "article corrected": (correct_article, "/drafts/yangquan", "一点五米"),
    "meeting renamed": (rename_meeting, "/s/TOKEN", "一点五米"),
    "comment form after a correction": (correct_article, "/drafts/yangquan/comment?article=ART", "一点五米"),
}


@pytest.mark.parametrize("name", CHANGES)
def test_every_change_shows_at_once(anon, app, db, name):
    change, url, shown = CHANGES[name]
    draft = make_draft(db, slug="yangquan")
    meeting = make_meeting(db, draft=draft, point=make_point(db))
    url = url.replace("TOKEN", meeting.token).replace("ART", str(article(db, draft, 11).id))
    before = anon.get(url)
    assert before.status_code == 200 and shown not in before.text
    write(app.state.engine, lambda s: change(s, draft.id))
    after = revalidate(anon, url, before.headers["etag"])
    assert after.status_code == 200
    assert shown in after.text


def test_a_resident_comment_does_not_render_the_page_again(anon, app, db):
    draft = make_draft(db, slug="yangquan")
    page = anon.get("/drafts/yangquan")
    sent = anon.post("/drafts/yangquan/comments", data={
        "form_token": token_of(page.text), "article_id": str(article(db, draft, 3).id),
        "text": "建议增加社区协商的内容。"})
    assert sent.status_code == 303
    other = TestClient(app)
    assert "已有<strong>1</strong>人提出<strong>1</strong>条意见" in other.get("/drafts/yangquan").text
    assert app.state.pages.renders == 1


def test_staff_edit_on_one_server_changes_the_page_on_another(settings, engine, db):
    make_user(db, "admin", "admin")
    draft = make_draft(db, slug="yangquan")
    server_a, server_b = create_app(settings), create_app(settings)
    with TestClient(server_a) as resident, TestClient(server_b, follow_redirects=False) as staff:
        before = resident.get("/drafts/yangquan")
        assert "条例（修订）" not in before.text
        login(staff, "admin")
        saved = staff.post(f"/manage/drafts/{draft.id}", data={
            "title": "某市养犬管理条例（修订）", "issuing_body": "", "description": "",
            "status": draft.status, "comment_start": "",
            "comment_end": draft.comment_end.isoformat()})
        assert saved.status_code == 303, saved.text
        after = revalidate(resident, "/drafts/yangquan", before.headers["etag"])
        assert after.status_code == 200 and "条例（修订）" in after.text


def test_withdrawn_draft_is_gone_from_the_cached_page(anon, app, db):
    draft = make_draft(db, slug="yangquan")
    assert anon.get("/drafts/yangquan").status_code == 200
    write(app.state.engine, lambda s: withdrawal.withdraw(s, draft=s.get(Draft, draft.id),
                                                         reason="起草单位另行起草"))
    gone = anon.get("/drafts/yangquan")
    assert gone.status_code == 404 and "已撤回" in gone.text


def test_form_from_cached_page_submits_once_and_forged_token_is_refused(anon, app, db):
    draft = make_draft(db, slug="yangquan")
    page = anon.get("/drafts/yangquan")
    form = {"form_token": token_of(page.text), "article_id": str(article(db, draft, 5).id),
            "text": "建议把固定住所的要求写得更具体。"}
    first = anon.post("/drafts/yangquan/comments", data=form)
    again = anon.post("/drafts/yangquan/comments", data=form)      # the same form sent twice
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    forged = anon.post("/drafts/yangquan/comments", data={**form, "form_token": "x" + form["form_token"][1:],
                                                           "text": "另一条意见，校验信息被改过。"})
    assert forged.status_code == 400 and "刷新页面" in forged.text
    assert len(db.exec(select(Comment).where(Comment.draft_id == draft.id)).all()) == 1


def test_own_count_and_personal_data_never_reach_another_visitor(app, db):
    draft = make_draft(db, slug="yangquan")
    with TestClient(app) as resident, TestClient(app) as neighbour:
        page = resident.get("/drafts/yangquan")
        sent = resident.post("/drafts/yangquan/comments", headers={"Accept": "application/json"}, data={
            "form_token": token_of(page.text), "article_id": str(article(db, draft, 4).id),
            "text": "我是王小明，电话13812345678，建议登记可以网上办理。",
            "name": "王小明", "phone": "13812345678", "consent": "1"})
        assert sent.json()["ok"]
        own = resident.get("/drafts/yangquan")
        assert "您这次已提交1条意见" in own.text
        seen = neighbour.get("/drafts/yangquan")
        assert "您这次已提交" not in seen.text
        assert own.headers["etag"] != seen.headers["etag"]
        for shown in (own.text, seen.text):
            assert "13812345678" not in shown and "王小明" not in shown


def publish_opinions(engine, draft_id: int, count: int, *, text: str = "意见{n}：建议明确登记期限。") -> None:
    def work(s):
        draft = s.get(Draft, draft_id)
        art = article(s, draft, 6)
        for n in range(count):
            opinion = Opinion(draft_id=draft_id, article_id=art.id, text=text.format(n=n),
                              approved=True)
            s.add(opinion)
            s.flush()
            s.add(Comment(draft_id=draft_id, version_id=art.version_id, article_id=art.id,
                          text=text.format(n=n),
                          opinion_id=opinion.id, receipt_code=f"K{n:07d}"[:8], channel="线上"))
        dispositions.set_published(s, draft=draft, published=True, actor="法工委")
    write(engine, work)


def test_feedback_wall_is_paged_and_follows_each_decision(anon, app, db):
    draft = make_draft(db, slug="yangquan")
    assert "正在研究" in anon.get("/drafts/yangquan/feedback").text
    publish_opinions(app.state.engine, draft.id, 230)
    first = anon.get("/drafts/yangquan/feedback")
    assert "共归纳意见 <strong>230</strong> 条" in first.text
    assert "第1页，共3页" in first.text and "?page=2" in first.text
    last = anon.get("/drafts/yangquan/feedback?page=3")
    assert last.text.count('class="wall-item"') == 30 and "上一页" in last.text
    missing = anon.get("/drafts/yangquan/feedback?page=4")
    assert missing.status_code == 404 and "共3页" in missing.text

    def adopt(s):
        opinion = s.exec(select(Opinion).where(Opinion.draft_id == draft.id)).first()
        dispositions.decide(s, opinion=opinion, state="采纳", change_note="已写入第六条。",
                            actor="法工委")
    write(app.state.engine, adopt)
    after = revalidate(anon, "/drafts/yangquan/feedback", first.headers["etag"])
    assert after.status_code == 200 and "已写入第六条。" in after.text


def test_feedback_wall_never_shows_personal_data(anon, app, db):
    draft = make_draft(db, slug="yangquan")
    publish_opinions(app.state.engine, draft.id, 1,
                     text="我叫李建国，电话13987654321，建议延长登记期限。")
    wall = anon.get("/drafts/yangquan/feedback")
    assert "延长登记期限" in wall.text
    for personal in ("李建国", "13987654321"):
        assert personal not in wall.text


def test_meeting_and_large_text_are_variants_not_leaks(anon, db):
    draft = make_draft(db, slug="yangquan")
    meeting = make_meeting(db, draft=draft, point=make_point(db, name="东风街道联系点"))
    by_qr = anon.get(f"/s/{meeting.token}")
    assert "东风街道联系点" in by_qr.text and f'value="{meeting.token}"' in by_qr.text
    plain = anon.get("/drafts/yangquan")
    assert "东风街道联系点" not in plain.text and meeting.token not in plain.text
    assert anon.get("/drafts/yangquan?s=not-a-session").text.count("not-a-session") == 0
    anon.cookies.set("legis_large", "1")
    large = anon.get("/drafts/yangquan")
    assert 'class="large"' in large.text and large.headers["etag"] != plain.headers["etag"]


def test_comment_form_page_keeps_a_real_meeting_and_drops_anything_else(anon, db):
    draft = make_draft(db, slug="yangquan")
    art = article(db, draft, 2)
    meeting = make_meeting(db, draft=draft, point=make_point(db))
    page = anon.get(f"/drafts/yangquan/comment?article={art.id}&s={meeting.token}")
    assert page.status_code == 200 and f'name="s" value="{meeting.token}"' in page.text
    made_up = anon.get(f"/drafts/yangquan/comment?article={art.id}&s=abc_123")
    assert 'name="s"' not in made_up.text and "abc_123" not in made_up.text
    hostile = anon.get(f'/drafts/yangquan/comment?article={art.id}&s="><script>x</script>')
    assert "<script>x" not in hostile.text
    assert anon.get("/drafts/yangquan/comment?article=999999").status_code == 404



def test_residents_read_while_a_writer_holds_sqlite(anon, app, db, settings):
    # Page reads take no write lock: a staff transaction writing (holding SQLite's one write
    # lock) does not keep residents from opening the draft, its chapters or the 回音壁.
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's single writer")
    make_draft(db, slug="yangquan")
    with app.state.engine.execution_options(legis_write=True).connect() as writer:
        writer.exec_driver_sql("UPDATE draft SET description = '正在修改' WHERE slug = 'yangquan'")
        for url in ("/drafts/yangquan", "/drafts/yangquan/feedback", "/drafts/yangquan/comment"):
            assert anon.get(url).status_code == 200     # BEGIN IMMEDIATE here would wait 30 s, then fail
        writer.rollback()


def test_another_servers_edit_shows_here_once_the_stamp_is_read_again(anon, app, db):
    """A change committed elsewhere (here: plain SQL, as another server's transaction looks to
    this one) shows on this server's next page once FRESH_SECONDS have passed."""
    draft = make_draft(db, slug="yangquan")
    before = anon.get("/drafts/yangquan")
    assert before.status_code == 200 and "条例（二审稿）" not in before.text
    with app.state.engine.begin() as connection:
        connection.execute(text("UPDATE draft SET title = :title, updated_at = :now WHERE id = :id"),
                           {"title": "某市养犬管理条例（二审稿）", "now": datetime.now() + timedelta(seconds=5),
                            "id": draft.id})
    time.sleep(FRESH_SECONDS)
    after = anon.get("/drafts/yangquan")
    assert after.status_code == 200 and "条例（二审稿）" in after.text


def long_text(chapters: int, per_chapter: int = 25) -> str:
    lines = ["某市城市更新条例（草案）", ""]
    for chapter in range(1, chapters + 1):
        lines += ["", f"第{int_to_cn(chapter)}章　第{chapter}部分规定", ""]
        for n in range((chapter - 1) * per_chapter + 1, chapter * per_chapter + 1):
            lines.append(f"{article_label(n)}　实施主体应当在第{n}项工作开始前征求居民意见。")
    return "\n".join(lines) + "\n"


def test_a_long_drafts_chapters_are_made_before_their_first_reader(anon, app, db):
    make_draft(db, slug="gengxin", text=long_text(4))
    first = anon.get("/drafts/gengxin")
    assert first.status_code == 200 and "第一条" in first.text
    deadline = time.monotonic() + 30   # the other chapters render in a thread of their own
    while app.state.pages.renders < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert app.state.pages.renders == 4
    tokens = set()
    for _ in range(3):
        chapter = anon.get("/drafts/gengxin/part/3")
        assert chapter.status_code == 200 and "第六十一条" in chapter.text
        assert "第一条　" not in chapter.text
        tokens.add(token_of(chapter.text))
    assert len(tokens) == 3                     # a fresh form token each time
    assert app.state.pages.renders == 4         # ... in a page made before anyone asked


def test_form_and_meeting_pages_from_memory_carry_a_fresh_token_and_no_one_elses_data(app, db):
    draft = make_draft(db, slug="yangquan")
    art = article(db, draft, 2)
    meeting = make_meeting(db, draft=draft, point=make_point(db))
    with TestClient(app) as resident, TestClient(app) as neighbour:
        page = resident.get(f"/s/{meeting.token}")
        sent = resident.post("/drafts/yangquan/comments", headers={"Accept": "application/json"}, data={
            "form_token": token_of(page.text), "article_id": str(art.id), "s": meeting.token,
            "text": "我是李四，电话13912345678，建议延长公示期。", "name": "李四",
            "phone": "13912345678", "consent": "1"})
        assert sent.json()["ok"]
        for url in (f"/s/{meeting.token}", f"/drafts/yangquan/comment?article={art.id}"):
            tokens = set()
            for _ in range(3):
                shown = neighbour.get(url)
                assert shown.status_code == 200
                assert "李四" not in shown.text and "13912345678" not in shown.text
                assert "您这次已提交" not in shown.text
                tokens.add(token_of(shown.text))
            assert len(tokens) == 3
        assert "您这次已提交1条意见" in resident.get(f"/s/{meeting.token}").text
