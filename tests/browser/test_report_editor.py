"""Staff finish the report in legis, in a real browser: edit a section, export, and see the
section flagged (never overwritten) when its figures change."""

from __future__ import annotations

import pytest

from tests.browser.conftest import MISSING

if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

import docx
from playwright.sync_api import expect
from sqlmodel import Session, select

from legis.db import make_engine
from legis.models import Opinion
from legis.services import dispositions
from tests.browser.conftest import Browsing

EDITED = "工作人员改写：关于第十二条，群众主要关心犬粪清理，我们已逐条研究。"


def download_report(page, tmp_path, name: str) -> str:
    with page.expect_download() as waiting:
        page.get_by_role("link", name="下载报告（Word）").click()
    path = tmp_path / name
    waiting.value.save_as(path)
    report = docx.Document(str(path))
    return "\n".join(p.text for p in report.paragraphs)


def decide(site, opinion_id: int, state: str, reason: str) -> None:
    engine = make_engine(site.env["DATABASE_URL"])
    try:
        with Session(engine) as session:
            dispositions.decide(session, opinion=session.get(Opinion, opinion_id), state=state,
                                reason=reason, actor="test")
            session.commit()
    finally:
        engine.dispose()


def test_staff_edit_a_section_and_it_is_kept_and_flagged_when_figures_change(
        browsing: Browsing, site, tmp_path):
    draft_id = site.data.drafts["a11y"]
    page = browsing.page()
    browsing.login(page, "staff")
    page.goto(f"/manage/drafts/{draft_id}/report")
    section = page.locator("#section-opinions")
    expect(section.locator(".badge")).to_have_text("系统起草")
    drafted = section.get_by_label("文字", exact=False).input_value()
    assert "共归纳意见" in drafted
    section.get_by_label("文字", exact=False).fill(EDITED)
    section.get_by_role("button", name="保存这一部分").click()
    section = page.locator("#section-opinions")
    expect(section.locator(".badge")).to_have_text("已修改")
    expect(section.get_by_label("文字", exact=False)).to_have_value(EDITED)
    expect(page.locator(".report-preview")).to_contain_text(EDITED)
    assert EDITED in download_report(page, tmp_path, "first.docx")

    # A decision changes: the tally in 主要意见 moves. The edited text stays, flagged.
    engine = make_engine(site.env["DATABASE_URL"])
    with Session(engine) as session:
        opinion = session.exec(select(Opinion).where(Opinion.draft_id == draft_id,
                                                     Opinion.state == "部分采纳")).first()
    engine.dispose()
    assert opinion is not None
    decide(site, opinion.id, "未采纳", "收集箱的设置属于各区职责。")
    try:
        page.reload()
        section = page.locator("#section-opinions")
        expect(section.locator(".badge")).to_have_text("数据已变化，请复核")
        expect(section.locator("pre.drafted")).to_contain_text("未采纳")
        expect(section.get_by_label("文字", exact=False)).to_have_value(EDITED)
        expect(page.locator("#checks")).to_contain_text(
            "以下部分在修改后数据又有变化，请复核：主要意见及采纳情况。")
        # Sections whose own figures did not move are not flagged.
        expect(page.locator("#section-basics .badge")).to_have_text("系统起草")
        browsing.snap(page, "report-editor-flagged")
        text = download_report(page, tmp_path, "again.docx")
        assert EDITED in text and "共归纳意见" not in text

        page.locator("#section-opinions").get_by_role("button", name="恢复起草稿").click()
        expect(page.locator("#section-opinions .badge")).to_have_text("系统起草")
        assert EDITED not in download_report(page, tmp_path, "reset.docx")
    finally:
        decide(site, opinion.id, "部分采纳", opinion.reason)
    browsing.assert_same_origin()
