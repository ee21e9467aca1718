"""Residents reading a draft: pages by chapter, 目录, search, downloads, turnout, their own comments."""

from __future__ import annotations

import re
from html import unescape

from sqlmodel import select
from starlette.testclient import TestClient

from legis.models import Comment
from legis.numerals import int_to_cn
from legis.parsing import parse_bytes, parse_text
from legis.resources import resource_dir
from legis.services import draft_parts as reading
from legis.services.drafts import articles_of, current_version, headings_of
from tests.factories import make_draft, make_meeting, make_point

LONG = (resource_dir("drafts") / "shandong-wuye-guanli-tiaoli.txt").read_text(encoding="utf-8")


def token_of(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def labels(html: str) -> list[str]:
    return re.findall(r'<a class="label" href="#[^"]+">([^<]+)</a>', html)


def comment(client: TestClient, slug: str, text: str, article_id: str = "", **extra):
    page = client.get(f"/drafts/{slug}")
    return client.post(f"/drafts/{slug}/comments", data={
        "form_token": token_of(page.text), "article_id": article_id, "text": text, **extra})


def test_long_draft_is_read_chapter_by_chapter_and_every_article_once(anon, db):
    make_draft(db, text=LONG, slug="wuye")
    source = parse_text(LONG)
    seen, url, pages = [], "/drafts/wuye", 0
    while url:
        page = anon.get(url)
        assert page.status_code == 200, url
        pages += 1
        assert 'href="#toc"' in page.text and 'id="toc"' in page.text   # 目录 within reach
        seen += labels(page.text)
        following = re.search(r'rel="next" href="([^"]+)"', page.text)
        url = unescape(following.group(1)) if following else None
    assert seen == [a.label for a in source.articles]                    # all, in order, once
    assert pages == 10                                                   # one per chapter
    first = anon.get("/drafts/wuye").text
    assert 'rel="prev"' not in first and "第1页，共10页" in first
    # The outline sends each chapter to the page that holds it.
    target = re.search(r'<a href="(/drafts/wuye/part/\d+)#h\d+">第九章', first).group(1)
    assert "第九章" in anon.get(target).text.split('id="toc"')[1].split("</nav>", 2)[-1]
    assert anon.get("/drafts/wuye/part/11").status_code == 404


def test_short_draft_stays_one_page(anon, db):
    make_draft(db, slug="yangquan")
    page = anon.get("/drafts/yangquan").text
    assert len(labels(page)) == 13
    assert 'rel="next"' not in page and "/part/" not in page
    assert 'href="#toc"' in page


def test_long_parts_are_split_by_chapter_and_drafts_without_chapters_cut_to_fit(db):
    def parts_of(text, slug):
        draft = make_draft(db, text=text, slug=slug)
        version = current_version(db, draft=draft)
        return reading.lay_out(headings_of(db, version=version), articles_of(db, version=version)).parts

    bodies = [a.paragraphs for a in parse_text(LONG).articles]

    def articles(first, last):     # real prose, renumbered
        return "".join(f"第{int_to_cn(n)}条　{bodies[n][0]}\n" + "".join(f"{p}\n" for p in bodies[n][1:])
                       for n in range(first, last + 1))

    plain = parts_of("某市无章条例（草案）\n" + articles(1, 45), "plain")
    assert [len(p.articles) for p in plain] == [20, 20, 5]
    assert plain[0].title == "第一条—第二十条"
    books = parts_of("某市分编条例（草案）\n第一编　总则\n第一章　一般规定\n" + articles(1, 25)
                     + "第二章　管理\n" + articles(26, 50) + "第二编　附则\n" + articles(51, 52), "books")
    assert [(p.title, len(p.articles)) for p in books] == [
        ("第一章 一般规定", 25), ("第二章 管理", 25), ("第二编 附则", 2)]
    # A page that starts inside a 编 still says which 编 it is in.
    assert [b[1]["heading"].label for b in books[1].blocks if b[0] == "heading"] == ["第一编", "第二章"]


def test_search_finds_every_article_with_the_word_and_marks_it(anon, db):
    make_draft(db, text=LONG, slug="wuye")
    word = "维修资金"
    expected = [a.label for a in parse_text(LONG).articles if word in "".join(a.paragraphs)]
    assert len(expected) > 3
    page = anon.get("/drafts/wuye/search", params={"q": word})
    assert page.status_code == 200
    found = re.findall(r'<li class="hit">\s*<p class="article-text"><a class="label" href="([^"]+)">([^<]+)</a>',
                       page.text)
    assert [label for _, label in found] == expected
    assert f"<mark>{word}</mark>" in page.text
    for href, label in found:                       # each link opens the page that holds it
        path, anchor = href.split("#")
        assert f'id="{anchor}"' in anon.get(path).text, label
    form = re.search(r'href="(/drafts/wuye/comment\?article=\d+)"', page.text).group(1)
    assert expected[0] in anon.get(form).text
    both = anon.get("/drafts/wuye/search", params={"q": f"{word}　业主大会"}).text
    assert 0 < both.count('class="hit"') < len(expected)
    none = anon.get("/drafts/wuye/search", params={"q": "<script>火星</script>"})
    assert "没有找到含有" in none.text and "<script>火星" not in none.text


def test_downloads_read_back_as_the_same_draft(anon, db):
    draft = make_draft(db, text=LONG, slug="wuye", description="本条例草案由市住建局起草。\n共十章八十四条。")
    source = parse_text(LONG)
    page = anon.get("/drafts/wuye").text
    assert "本条例草案由市住建局起草。" in page and "/drafts/wuye/download.docx" in page
    for kind in ("docx", "txt"):
        response = anon.get(f"/drafts/wuye/download.{kind}")
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        back = parse_bytes(response.content, f"x.{kind}")
        assert back.title == draft.title
        assert [(a.label, a.paragraphs) for a in back.articles] == \
            [(a.label, a.paragraphs) for a in source.articles]
        assert "本条例草案由市住建局起草。" in back.preamble


def test_turnout_counts_comments_and_people_on_list_and_page(app, anon, db):
    draft = make_draft(db, slug="yangquan")
    assert "还没有人提意见" in anon.get("/drafts/yangquan").text
    for text in ("建议增加导盲犬的例外规定。", "建议登记费用全部免除。", "犬链长度应当写明。"):
        assert comment(anon, "yangquan", text).status_code == 303
    with TestClient(app, follow_redirects=False) as other:
        assert comment(other, "yangquan", "赞成本条例。").status_code == 303
    spam = db.exec(select(Comment).where(Comment.text == "犬链长度应当写明。")).one()
    spam.excluded = True
    taken_back = db.exec(select(Comment).where(Comment.text == "建议登记费用全部免除。")).one()
    taken_back.withdrawn = True
    db.add_all([spam, taken_back])
    db.commit()
    for path in ("/", "/drafts/yangquan"):
        assert "已有<strong>2</strong>人提出<strong>2</strong>条意见" in anon.get(path).text, path
    assert draft.id


def test_receipt_lists_this_visits_comments_and_prints_them(app, anon, db):
    make_draft(db, slug="yangquan")
    codes = []
    for text in ("建议增加导盲犬的例外规定。", "建议登记费用全部免除。"):
        receipt = anon.get(comment(anon, "yangquan", text, name="张三", phone="13800138000",
                                   consent="1").headers["location"])
        codes.append(re.search(r'aria-label="回执码">(\w+)<', receipt.text).group(1))
    assert all(code in receipt.text for code in codes)
    assert "/drafts/yangquan/mine" in receipt.text
    mine = anon.get("/drafts/yangquan/mine").text
    assert all(code in mine for code in codes) and "建议登记费用全部免除。" in mine
    cookie = anon.cookies["legis_visit"]
    assert "13800138000" not in cookie and "张三" not in cookie
    with TestClient(app, follow_redirects=False) as stranger:
        assert codes[0] not in stranger.get("/drafts/yangquan/mine").text
        stranger.cookies.set("legis_visit", cookie[:-3] + "abc")     # forged: ignored
        assert "没有对这部草案提交过意见" in stranger.get("/drafts/yangquan/mine").text
        assert "您这次提交的全部意见" not in stranger.get(f"/r/{codes[0]}").text


def test_session_link_carries_through_the_chapters_of_a_long_draft(anon, db):
    draft = make_draft(db, text=LONG, slug="wuye")
    meeting = make_meeting(db, draft=draft, point=make_point(db))
    first = anon.get(f"/s/{meeting.token}").text
    assert "您正在参加" in first
    second = re.search(r'rel="next" href="([^"]+)"', first).group(1)
    assert unescape(second) == f"/drafts/wuye/part/2?s={meeting.token}"
    page = anon.get(unescape(second)).text
    assert "您正在参加" in page and f'name="s" value="{meeting.token}"' in page
    article_id = re.search(r'name="article_id" value="(\d+)"', page).group(1)
    response = anon.post("/drafts/wuye/comments", data={
        "form_token": token_of(page), "article_id": article_id, "s": meeting.token,
        "text": "建议在座谈会上再讨论前期物业的条款。"})
    assert response.status_code == 303
    stored = db.exec(select(Comment).where(Comment.draft_id == draft.id)).one()
    assert stored.meeting_id == meeting.id
    # 继续提意见 returns to the chapter page of that article, still in the session.
    receipt = anon.get(response.headers["location"]).text
    back = unescape(re.search(r'<a class="button secondary" href="([^"]+)">继续提意见', receipt).group(1))
    assert back.startswith(f"/drafts/wuye/part/2?s={meeting.token}#")
    assert f'id="{back.split("#")[1]}"' in page
    assert anon.get("/drafts/wuye/part/2?s=forged").text.count("您正在参加") == 0


def test_json_submission_offers_all_comments_of_the_visit(anon, db):
    make_draft(db, slug="yangquan")
    answers = []
    for text in ("建议增加导盲犬的例外规定。", "建议登记费用全部免除。"):
        page = anon.get("/drafts/yangquan").text
        answers.append(anon.post("/drafts/yangquan/comments", headers={"Accept": "application/json"},
                                 data={"form_token": token_of(page), "article_id": "", "text": text}).json())
    assert [a["own_count"] for a in answers] == [1, 2]
    mine = anon.get(answers[1]["own_url"]).text
    assert all(a["receipt_code"] in mine for a in answers)
