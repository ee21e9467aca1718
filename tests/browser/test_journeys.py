"""What residents, hosts and legislative staff do, in a real browser against the real server."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import MISSING

if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import Page, expect

from tests.browser.conftest import PUBLIC_URL, Browsing
from tests.browser.seed import DOGS_TITLE

CLEAN_UP_TEXT = "建议规定养犬人出门必须携带拾便袋，并对不清理粪便的行为处以罚款。"
OVERALL_TEXT = "总体赞成制定本条例，建议增加对导盲犬的特别保护规定。"


def twelfth(page: Page):
    """The 第十二条 section of a draft page."""
    return page.locator("section.article").filter(
        has=page.locator("a.label", has_text=re.compile("^第十二条$")))


def look_up_receipt(browsing: Browsing, code: str, expected: list[str], **context) -> None:
    """Days later, on another visit: type the code (as people do, in lower case with a space)."""
    page = browsing.page(**context)
    page.goto("/")
    page.get_by_role("link", name="查回执").click()
    field = page.get_by_label("回执码")
    field.fill(f"{code[:4].lower()} {code[4:].lower()}")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(f"/r/{code}$"))
    expect(page.locator(".receipt-code")).to_have_text(code)
    for text in expected:
        expect(page.locator("dl.facts")).to_contain_text(text)


def test_resident_comments_on_a_phone(browsing: Browsing):
    page = browsing.page(phone=True)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    browsing.snap(page, "home", doc="home")
    page.get_by_role("link", name=DOGS_TITLE, exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(DOGS_TITLE)
    # Nothing wider than the phone: no sideways scrolling while reading.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.snap(page, "draft page", doc="draft-phone")

    article = twelfth(page)
    article.get_by_text("提意见", exact=True).tap()
    box = article.get_by_label("对第十二条的意见")
    expect(box).to_be_focused()        # opening 提意见 puts the cursor in the box
    box.fill(CLEAN_UP_TEXT)
    expect(article.locator(".counter")).to_have_text(f"已写{len(CLEAN_UP_TEXT)}字，上限2000字")
    article.get_by_role("button", name="提交意见").tap()
    result = article.locator(".form-result")
    expect(result).to_contain_text("意见已收到")
    first_code = re.search(r"回执码：(\w+)", result.inner_text()).group(1)
    expect(box).to_have_value("")      # ready for another comment, still on the same article
    browsing.snap(page, "receipt inline")

    overall = page.locator("#overall")
    overall.get_by_text("提总体意见").tap()
    overall.get_by_label("对草案的总体意见").fill(OVERALL_TEXT)
    overall.get_by_role("button", name="提交意见").tap()
    expect(overall.locator(".form-result")).to_contain_text("意见已收到")
    second_code = re.search(r"回执码：(\w+)", overall.locator(".form-result").inner_text()).group(1)
    assert second_code != first_code

    overall.get_by_role("link", name="查看回执").tap()
    expect(page.locator(".receipt-code")).to_have_text(second_code)
    expect(page.locator("dl.facts")).to_contain_text("总体意见")
    expect(page.locator("dl.facts")).to_contain_text(OVERALL_TEXT)
    expect(page.locator("dl.facts")).to_contain_text("正在研究")
    browsing.snap(page, "receipt page")

    look_up_receipt(browsing, first_code, ["第十二条", CLEAN_UP_TEXT], phone=True)
    browsing.assert_same_origin()


def test_resident_comments_without_javascript(browsing: Browsing):
    page = browsing.page(phone=True, java_script_enabled=False)
    page.goto("/drafts/dogs")
    article = twelfth(page)
    article.get_by_text("提意见", exact=True).tap()       # <details> opens without script
    article.get_by_role("button", name="提交意见").tap()   # empty: the server says what is wrong
    expect(page.get_by_role("heading", level=1)).to_have_text("对第十二条提意见")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("请填写意见内容")
    box = page.get_by_label("对第十二条的意见")
    expect(box).to_have_attribute("aria-invalid", "true")
    browsing.snap(page, "error page")

    box.fill(CLEAN_UP_TEXT)
    page.get_by_role("button", name="提交意见").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("意见已收到，谢谢您！")
    first_code = page.locator(".receipt-code").inner_text()
    expect(page.locator("dl.facts")).to_contain_text("第十二条")
    browsing.snap(page, "receipt", doc="receipt")

    page.get_by_role("link", name="继续提意见").tap()
    overall = page.locator("#overall")
    overall.get_by_text("提总体意见").tap()
    overall.get_by_label("对草案的总体意见").fill(OVERALL_TEXT)
    overall.get_by_role("button", name="提交意见").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("意见已收到，谢谢您！")
    second_code = page.locator(".receipt-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{8}", second_code) and second_code != first_code
    expect(page.locator("dl.facts")).to_contain_text("总体意见")
    # Both comments of this visit, together, with one printable page.
    own = page.locator("section.own")
    expect(own).to_contain_text(first_code)
    expect(own).to_contain_text(second_code)
    browsing.snap(page, "receipt with this visit's comments", doc="receipt-all")
    own.get_by_role("link", name="打印全部意见和回执码").tap()
    expect(page.locator("ol.own-comments > li")).to_have_count(2)
    expect(page.locator("ol.own-comments")).to_contain_text(CLEAN_UP_TEXT)

    look_up_receipt(browsing, first_code, ["第十二条", CLEAN_UP_TEXT],
                    phone=True, java_script_enabled=False)
    browsing.assert_same_origin()


def font_size(page: Page, selector: str = "html") -> float:
    return page.eval_on_selector(selector, "el => parseFloat(getComputedStyle(el).fontSize)")


def test_large_text_survives_navigation(browsing: Browsing):
    for options in ({"phone": True}, {"phone": True, "java_script_enabled": False}):
        page = browsing.page(**options)
        page.goto("/")
        normal_html, normal_lead = font_size(page), font_size(page, "p.lead")
        expect(page.locator("html")).not_to_have_class("large")
        page.get_by_role("button", name="大字版").tap()
        expect(page.locator("html")).to_have_class("large")
        expect(page.get_by_role("button", name="标准字号")).to_have_attribute("aria-pressed", "true")
        assert font_size(page, "p.lead") > normal_lead * 1.2
        browsing.snap(page, "large home")

        for step, lands_on in (("draft", "/drafts/dogs"), ("receipt lookup", "/r"),
                               ("login", "/login")):
            if step == "draft":
                page.get_by_role("link", name=DOGS_TITLE, exact=True).tap()
            elif step == "receipt lookup":
                page.get_by_role("link", name="查回执").tap()
            else:
                page.goto("/login")
            expect(page).to_have_url(re.compile(re.escape(lands_on) + "$"))
            expect(page.locator("html")).to_have_class("large")
            assert font_size(page) > normal_html
        browsing.snap(page, "large login")

        page.get_by_role("button", name="标准字号").tap()
        expect(page.locator("html")).not_to_have_class("large")
        assert font_size(page) == normal_html
    browsing.assert_same_origin()


PAPER = [
    ("12", "建议明确“即时清除”的时限，比如五分钟之内。"),
    ("0", "总体赞成，建议多听取养犬人和不养犬居民双方意见。"),
    ("3", "建议写明居委会在养犬管理中的具体职责。"),
    ("第五条", "独户居住的条件过严，合租的年轻人也有养犬需要。"),
    ("12", "粪便清理应当同时适用于小区内部道路。"),
    ("七", "疫苗接种应当每年提醒一次，可以用短信通知。"),
    ("1", "立法目的中建议加上“促进人与动物和谐相处”。"),
    ("12", "建议物业在小区设置拾便袋取用点。"),
    ("13", "施行日期建议给出三个月的过渡期。"),
    ("11", "犬链长度应当有具体规定，不超过一点五米。"),
]


def spreadsheet(path, rows) -> str:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["条款", "意见内容", "姓名", "社区", "电话"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return str(path)


def test_host_runs_a_session_and_types_up_paper_comments(browsing: Browsing, site, tmp_path):
    page = browsing.page()
    page.goto("/manage/meetings")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    browsing.snap(page, "login", doc="login")
    page.get_by_label("用户名").fill("host1")
    page.get_by_label("密码").fill("host-pass-2024!")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/manage/meetings$"))

    page.get_by_role("link", name="新建座谈会").click()
    page.get_by_label("草案").select_option(label=f"{DOGS_TITLE}（征求意见中）")
    page.get_by_label("联系点").select_option(label=site.data.point_name)
    page.get_by_label("名称").fill("养犬条例第二场座谈会")
    page.get_by_label("日期").fill("2026-05-20")
    page.get_by_label("地点").fill("东风街道社区活动中心二楼")
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("养犬条例第二场座谈会")
    expect(page.locator(".flash")).to_contain_text("已创建")
    meeting_url = page.url

    page.get_by_role("link", name="打印二维码").click()
    code = page.get_by_role("img", name="扫码提意见")
    expect(code).to_be_visible()
    assert page.evaluate("document.querySelector('img.qr-code').naturalWidth") > 100
    expect(page.locator(".qr-link")).to_contain_text(f"{PUBLIC_URL}/s/")
    browsing.snap(page, "qr page", doc="meeting-qr", full_page=True)
    page.emulate_media(media="print")   # the poster prints without the site's header
    expect(page.locator("header.site")).to_be_hidden()
    expect(code).to_be_visible()
    page.emulate_media(media="screen")

    page.goto(meeting_url)
    page.get_by_role("link", name="逐条录入书面意见").click()
    article, text = page.get_by_label("条款"), page.get_by_label("意见内容")
    for index, (number, comment) in enumerate(PAPER):
        expect(article).to_be_focused()
        page.keyboard.type(number)
        if number == "12":
            expect(page.locator("#en-label")).to_contain_text("第十二条")
        page.keyboard.press("Tab" if index % 2 else "Enter")
        expect(text).to_be_focused()
        page.keyboard.type(comment)
        with page.expect_navigation():
            page.keyboard.press("Control+Enter")
        expect(page.locator(".flash")).to_contain_text("已录入：")
        expect(page.locator(".flash")).to_contain_text(comment[:10])
        if index == 4:
            browsing.snap(page, "keyboard entry", doc="entry")
    entered = page.locator("ol.entry-list > li")
    expect(entered).to_have_count(len(PAPER))
    expect(entered.first).to_contain_text("第十一条")
    expect(page.locator("ol.entry-list")).to_contain_text("总体意见")

    page.goto(meeting_url)
    page.get_by_role("link", name="导入表格").click()
    rows = [("12", "建议对遛狗不牵绳的行为加大处罚力度。", "李建国", "东风社区", "13912345678"),
            ("99", "第九十九条的意见（其实没有这一条）。", "", "", ""),
            ("总体", "希望条例早日出台。", "", "", "")]
    page.get_by_label("意见表格").set_input_files(spreadsheet(tmp_path / "意见.xlsx", rows))
    page.get_by_role("button", name="上传并预览").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("其中1行有错误，本次没有保存任何意见")
    expect(summary).to_contain_text("第3行")
    expect(page.locator("tr.bad")).to_contain_text("99")
    browsing.snap(page, "import preview with an error")

    page.get_by_role("link", name="重新上传").click()
    rows[1] = ("9", "犬只丢失后十五日内报告的期限太长。", "", "", "")
    page.get_by_label("意见表格").set_input_files(spreadsheet(tmp_path / "意见-改.xlsx", rows))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".notice.ok")).to_contain_text("共3行，全部可以导入")
    page.get_by_role("button", name="确认导入3条意见").click()
    expect(page).to_have_url(meeting_url)
    expect(page.locator(".flash")).to_contain_text("已导入3条意见")
    expect(page.get_by_role("heading", name="本场意见（13条）")).to_be_visible()
    browsing.assert_same_origin()


def test_staff_merge_decide_publish_and_export(browsing: Browsing, site, tmp_path):
    import docx

    from tests.browser.seed import MERGE_TITLE

    draft_id = site.data.drafts["merge"]
    page = browsing.page()
    browsing.login(page, "staff")
    page.goto(f"/manage/drafts/{draft_id}/opinions")
    expect(page.locator("main")).to_contain_text(f"{site.data.merge_comment_count} 条新意见尚未归并")
    # A secondary button looks secondary: white, not the filled primary colour.
    background = "el => getComputedStyle(el).backgroundColor"
    primary = page.get_by_role("button", name="归并新意见").evaluate(background)
    secondary = page.get_by_role("button", name="全部重新归并").evaluate(background)
    assert secondary == "rgb(255, 255, 255)" and primary != secondary
    page.get_by_role("button", name="归并新意见").click()
    progress = page.locator("progress#job-progress")
    expect(progress).to_be_visible()                 # the job runs while the page watches it
    expect(page.get_by_label("进度")).to_be_visible()
    browsing.snap(page, "merging")
    expect(progress).to_be_hidden(timeout=60_000)     # app.js reloads the page when it is done
    expect(page.locator(".job-panel")).to_contain_text("上次归并")
    expect(page.locator(".job-panel")).to_contain_text("归并完成")
    expect(page.get_by_role("button", name="归并新意见")).to_be_visible()

    row = page.locator("tr", has=page.get_by_role("cell", name="第十二条", exact=True))
    expect(row.locator("td.num").nth(0)).to_have_text("5")    # comments
    expect(row.locator("td.num").nth(1)).to_have_text("2")    # opinions
    row.get_by_role("link", name="审核与处理").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("第十二条的归纳意见")
    opinions = page.locator("section.opinion")
    expect(opinions).to_have_count(2)
    sizes = sorted(int(re.match(r"(\d+) 人提出", o.locator("p.meta").inner_text()).group(1))
                   for o in opinions.all())
    assert sizes == [2, 3]

    # Move one of the three "carry a bag" comments over to the "bins" opinion.
    bag = opinions.filter(has_text="3 人提出")
    member = bag.locator("li").first
    moved_text = member.locator(".comment-text").inner_text()
    assert "拾便袋" in moved_text
    bins = opinions.filter(has_text="2 人提出")
    bins_number = bins.get_attribute("id")[1:]
    member.get_by_role("checkbox").check()
    picker = page.get_by_label("移到归纳意见（编号）")
    picker.fill(bins_number)
    # The chosen opinion's text shows before anything moves.
    expect(page.locator("#members-target-text")).to_contain_text(f"归纳意见 {bins_number}：")
    page.get_by_role("button", name="移动", exact=True).click()
    expect(page.locator(".flash")).to_contain_text(f"已把1条意见移到归纳意见 {bins_number}")
    now_with = opinions.filter(has=page.locator(".comment-text", has_text=moved_text))
    expect(now_with).to_have_count(1)
    expect(now_with.locator(".comment-text", has_text="收集箱")).to_have_count(2)
    expect(now_with.locator("p.meta")).to_contain_text("3 人提出")
    expect(opinions.filter(has_text="2 人提出")).to_have_count(1)

    for box in page.get_by_role("checkbox", name=re.compile("^归纳意见")).all():
        box.check()
    bulk = page.get_by_role("group", name="批量处理勾选的归纳意见")
    bulk.get_by_label("处理结果").select_option("未采纳")
    bulk.get_by_label("常用理由").select_option(index=1)
    bulk.get_by_role("button", name="批量处理").click()
    expect(page.locator(".flash")).to_contain_text("已批量处理2条归纳意见")
    expect(opinions.locator(".badge", has_text="未采纳")).to_have_count(2)
    browsing.snap(page, "review")

    page.get_by_role("link", name="← 意见归并与处理").click()
    page.get_by_role("link", name="处理情况统计与报告").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("处理情况统计")
    page.get_by_role("button", name="公开处理结果").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("公开处理结果前请确认")
    expect(page.locator(".check-list")).to_contain_text("条归纳意见的文字尚未审核通过")
    page.get_by_role("button", name="确认公开").click()
    expect(page.locator(".flash")).to_contain_text("处理结果已公开")
    expect(page.get_by_role("button", name="撤回公开")).to_be_visible()
    page.wait_for_load_state("networkidle")
    charts = page.locator("figure.chart img")
    expect(charts).to_have_count(2)
    assert page.evaluate("[...document.querySelectorAll('figure.chart img')]"
                         ".every(i => i.complete && i.naturalWidth > 0)"), "a chart did not load"
    browsing.snap(page, "dispositions")

    page.get_by_label("格式").select_option("docx")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="下载").click()
    download = waiting.value
    assert download.suggested_filename == f"{MERGE_TITLE}-征求意见情况报告.docx"
    path = tmp_path / "report.docx"
    download.save_as(path)
    report = docx.Document(str(path))
    paragraphs = [p.text for p in report.paragraphs if p.text.strip()]
    # The title is broken after the book title: one paragraph, two lines.
    assert paragraphs[0] == f"关于《{MERGE_TITLE}》\n征求意见情况的报告", paragraphs[:3]
    assert any("未采纳" in cell.text for table in report.tables for row in table.rows
               for cell in row.cells)
    browsing.assert_same_origin()


def test_resident_finds_an_article_by_chapter_and_by_word_without_javascript(browsing: Browsing):
    page = browsing.page(phone=True, java_script_enabled=False)
    page.goto("/drafts/big")
    browsing.snap(page, "long draft, first screen", doc="draft-long")
    page.mouse.wheel(0, 4000)
    button = page.get_by_role("link", name="目录", exact=True)
    expect(button).to_be_in_viewport()            # still within reach after scrolling
    browsing.snap(page, "reading with the 目录 button", doc="draft-toc-button")
    button.tap()
    page.locator("#toc").get_by_role("link", name=re.compile("^第四章")).tap()
    expect(page).to_have_url(re.compile(r"/drafts/big/part/4#h\d+$"))
    expect(page.locator("h2.heading")).to_contain_text("第四章")
    expect(page.locator("section.article").first.locator("a.label")).to_have_text("第六十一条")
    browsing.snap(page, "a chapter page", doc="draft-chapter")

    page.get_by_label("在草案中查找").fill("业主大会")
    page.get_by_role("button", name="查找").tap()
    expect(page.locator("mark").first).to_have_text("业主大会")
    hits = page.locator("li.hit")
    assert hits.count() > 1
    browsing.snap(page, "search results", doc="draft-search")
    hits.first.get_by_role("link", name=re.compile("^对第.+条提意见$")).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^对第.+条提意见$"))
    expect(page.locator(".article-quote")).to_contain_text("业主大会")
    browsing.assert_same_origin()
