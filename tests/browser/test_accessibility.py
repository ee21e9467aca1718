"""Every main page, public and management, is usable with a screen reader, a keyboard and poor eyesight."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import check_page, focus_walk
from tests.browser.conftest import AXE, Browsing

AXE_MISSING = "" if AXE.exists() else (
    "axe-core not installed (npm install --no-save --prefix . axe-core): only our own rules ran")


def public_pages(site) -> list[str]:
    data = site.data
    return [
        "/",
        "/drafts/dogs",
        f"/drafts/dogs/comment?article={data.articles['dogs']}",
        "/drafts/dogs/feedback",
        "/drafts/big",
        "/drafts/big/part/3",
        "/drafts/big/search?q=业主大会",
        "/drafts/big/search?q=火星",
        "/drafts/dogs/mine",
        "/drafts/a11y/feedback",
        f"/s/{data.meeting_token}",
        "/r",
        "/r?code=%E5%95%8A",
        f"/r/{data.receipt}",
        "/drafts/no-such-draft",
        "/login",
    ]


def management_pages(site, role: str) -> list[str]:
    """The pages each kind of account works with (admins: the ones only they open)."""
    data = site.data
    a11y, meeting = data.drafts["a11y"], data.meeting_id
    meetings = [
        "/manage/meetings",
        "/manage/meetings/new",
        f"/manage/meetings/{meeting}",
        f"/manage/meetings/{meeting}/qr",
        f"/manage/meetings/{meeting}/entry",
        f"/manage/meetings/{meeting}/import",
    ]
    if role == "host":
        return ["/manage/", "/manage/points", *meetings, "/account/password"]
    if role == "admin":
        return ["/manage/points", f"/manage/points/{data.point_id}", "/manage/users",
                "/manage/audit"]
    return [
        "/manage/",
        f"/manage/drafts/{a11y}",
        f"/manage/drafts/{a11y}/comments",
        *meetings,
        f"/manage/drafts/{a11y}/opinions",
        f"/manage/drafts/{a11y}/opinions/{data.articles['a11y']}",
        f"/manage/drafts/{a11y}/opinions/overall",
        f"/manage/drafts/{a11y}/dispositions",
        "/manage/reasons",
    ]


def visit_all(page, urls, axe_source) -> list[str]:
    problems = []
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status < 500, f"{url}: {response and response.status}"
        problems += check_page(page, axe_source)
    return problems


def test_public_pages_are_accessible(browsing: Browsing, site, axe_source):
    page = browsing.page(bypass_csp=True)
    problems = visit_all(page, public_pages(site), axe_source)

    # The states people meet when something goes wrong.
    page.goto("/drafts/dogs")
    overall = page.locator("#overall")
    overall.get_by_text("提总体意见").click()
    overall.get_by_text("留下联系方式").click()
    overall.get_by_label("电话（手机或带区号的座机）").fill("12345")
    overall.get_by_role("button", name="提交意见").click()
    expect(overall.locator(".error").first).to_be_visible()
    problems += check_page(page, axe_source)

    # The server's own error page, as people without JavaScript get it.
    no_script = browsing.page(bypass_csp=True)
    no_script.route("**/static/*.js", lambda route: route.abort())
    no_script.goto("/drafts/dogs")
    form = no_script.locator("#overall")
    form.get_by_text("提总体意见").click()
    form.get_by_text("留下联系方式").click()
    form.get_by_label("姓名", exact=True).fill("王秀英")
    form.get_by_label("电话（手机或带区号的座机）").fill("12345")
    form.get_by_role("button", name="提交意见").click()
    expect(no_script.locator(".error-summary")).to_be_visible()
    problems += check_page(no_script, axe_source)

    page.goto("/login")
    page.get_by_label("用户名").fill("nobody")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems += check_page(page, axe_source)
    conclude(browsing, problems)


def conclude(browsing: Browsing, problems: list[str]) -> None:
    """Every page stayed on our own origin and passed; say so when axe-core was not there."""
    browsing.assert_same_origin()
    assert not problems, "accessibility problems:\n" + "\n".join(problems)
    if AXE_MISSING:
        pytest.skip(AXE_MISSING)


@pytest.mark.parametrize("role", ["admin", "staff", "host"])
def test_management_pages_are_accessible(browsing: Browsing, site, axe_source, role):
    page = browsing.page(bypass_csp=True)
    browsing.login(page, role)
    urls = management_pages(site, role)
    if role == "staff":   # the pictures in docs/screenshots (with LEGIS_SCREENSHOTS=1)
        a11y = site.data.drafts["a11y"]
        for name, url in (("review", f"/manage/drafts/{a11y}/opinions/{site.data.articles['a11y']}"),
                          ("dispositions", f"/manage/drafts/{a11y}/dispositions")):
            page.goto(url, wait_until="networkidle")
            browsing.snap(page, name, doc=name)
    problems = visit_all(page, urls, axe_source)

    if role == "host":
        page.goto(f"/manage/meetings/{site.data.meeting_id}/entry")
        page.get_by_label("条款").fill("99")
        page.get_by_label("意见内容").fill("好")
        page.get_by_role("button", name="保存").click()
        expect(page.locator(".error-summary")).to_be_visible()
        problems += check_page(page, axe_source)
    if role == "staff":
        page.goto("/manage/meetings/new")
        page.get_by_label("草案").select_option(label="某市养犬管理条例（草案）（征求意见中）")
        page.get_by_label("联系点").select_option(label="东风街道基层立法联系点")
        page.get_by_label("日期").fill("2026-05-20")
        page.get_by_label("预计人数").fill("三十来人")
        page.get_by_role("button", name="创建").click()
        expect(page.locator(".error-summary")).to_be_visible()
        problems += check_page(page, axe_source)
    conclude(browsing, problems)


def test_errors_sent_in_place_are_summarised(browsing: Browsing):
    page = browsing.page(phone=True)
    page.goto("/drafts/dogs")
    overall = page.locator("#overall")
    overall.get_by_text("提总体意见").tap()
    overall.get_by_text("留下联系方式").tap()
    overall.get_by_label("电话（手机或带区号的座机）").fill("12345")
    overall.get_by_role("button", name="提交意见").tap()
    expect(overall.locator(".error").first).to_be_visible()
    expect(overall.locator(".error-summary, [role=alert]")).to_be_visible(timeout=2000)


@pytest.mark.parametrize("url", ["/drafts/dogs", "/login", "entry"])
def test_keyboard_focus_is_visible(browsing: Browsing, site, url):
    page = browsing.page()
    if url == "entry":
        browsing.login(page, "host")
        url = f"/manage/meetings/{site.data.meeting_id}/entry"
    page.goto(url)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    walked = focus_walk(page)
    assert len(walked) >= 5, walked
    hidden = [w for w in walked if not w["ring"]]
    assert not hidden, f"focus not visible on: {hidden}"


def test_skip_link_comes_first_and_shows(browsing: Browsing):
    page = browsing.page(phone=True)
    page.goto("/drafts/dogs")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, box
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


BROKEN_PAGE = """<!doctype html><html lang="en"><head><title>x</title></head><body>
<h1>One</h1><h3>Skipped a level</h3><h1>Two</h1>
<p style="color:#bbb;background:#fff">faint text</p>
<input id="nolabel" name="q">
<div class="field invalid"><label for="bad">Phone</label><input id="bad" name="phone">
  <p class="error">Wrong number</p></div>
</body></html>"""


def test_the_checks_catch_what_they_look_for(browsing: Browsing, axe_source):
    page = browsing.page()
    page.set_content(BROKEN_PAGE)
    found = " ".join(check_page(page, axe_source))
    for rule in ("lang", "one-h1", "heading-order", "visible-label", "error-aria-invalid",
                 "error-next-to-field", "error-summary", "contrast"):
        assert f"{rule}:" in found, rule
    if axe_source:
        assert "axe serious color-contrast" in found and "axe critical label" in found, found
