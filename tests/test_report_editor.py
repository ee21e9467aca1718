"""The report staff finish in legis: figures from the database, edits kept across re-exports,
flags when figures move, letterhead, checks before export, a point's own submission."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest
from docx import Document
from sqlmodel import select

from legis.models import Comment, Opinion
from legis.services import comments as comment_service
from legis.services import dispositions, merging, report_texts, reports
from legis.services.accounts import create_user
from tests.factories import article, make_draft, make_meeting, make_point

OFFICE = "某市人大常委会法制工作委员会"


@pytest.fixture
def case(engine, db):
    """Comments at a station's session, at a child point's session, by phone at the station,
    and online with no contact point at all; merged into opinions."""
    draft = make_draft(db, slug="dogs")
    station = make_point(db, name="东风街道联络站", kind="站")
    child = make_point(db, name="幸福社区联系点", kind="点", parent=station)
    other = make_point(db, name="西湖社区联系点", kind="点")
    own = make_meeting(db, draft=draft, point=station, title="东风街道座谈会",
                       participant_count=20, place="街道会议室", host_name="李联络")
    kid = make_meeting(db, draft=draft, point=child, title="幸福社区恳谈会", participant_count=12)
    plan = [  # (article, text, channel, session, point)
        (8, "建议将变更登记期限由三十日延长至六十日", "现场", own, None),
        (8, "建议将变更登记期限由三十日延长到六十日。", "现场", kid, None),
        (8, "建议将变更登记期限延长至六十日", "电话", None, station),
        (8, "建议将变更登记期限延长至六十日。", "线上", None, None),
        (11, "建议明确犬链长度不超过一点五米", "线上", None, None),
        (12, "建议对不清理犬粪的行为加大处罚力度，我的电话13812345678", "书面", None, other),
    ]
    for number, text, channel, cs, point in plan:
        comment_service.submit_comment(
            db, draft=draft, channel=channel, meeting=cs,
            contact_point_id=point.id if point else None,
            data=comment_service.CommentInput(text=text, article_id=article(db, draft, number).id,
                                              name="王小明", phone="13900001111", consent=True))
    merging.merge_draft(engine, draft_id=draft.id)
    db.expire_all()
    return draft, (station, child, other)


def opinion_with(db, words: str) -> Opinion:
    return next(o for o in db.exec(select(Opinion)) if words in o.text)


def docx_text(blob: bytes) -> str:
    document = Document(io.BytesIO(blob))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text.replace("\n", "") for p in document.paragraphs] + cells)


def test_figures_come_from_the_database_and_online_is_not_a_point(db, case):
    draft, (station, child, other) = case
    data = reports.build_report(db, draft_id=draft.id, office=OFFICE)
    comments = list(db.exec(select(Comment).where(Comment.draft_id == draft.id)))
    assert data.comments == len(comments) == 6
    assert data.online_without_point() == sum(1 for c in comments if c.contact_point_id is None) == 2
    assert data.channels() == {"现场": 2, "线上": 2, "书面": 1, "电话": 1}
    assert set(data.point_names) == {station.name, child.name, other.name}
    assert data.period == (draft.comment_start, draft.comment_end)
    eighth = article(db, draft, 8)
    assert any(a.label == eighth.label and a.text == eighth.text for a in data.articles)
    text = docx_text(reports.render(data, fmt="docx"))
    assert "共有3个基层立法联系点" in text and "另通过网络征集意见建议2条" in text
    assert "按渠道分：现场2条、线上2条、书面1条、电话1条。" in text
    assert f"{eighth.label}　{eighth.text.splitlines()[0]}" in text      # 条文 as consulted


def test_staff_edits_are_kept_and_flagged_when_figures_move(client, db, case):
    draft, _points = case
    data = reports.build_report(db, draft_id=draft.id, office=OFFICE)
    report_texts.save_section(db, data=data, key="basics", actor="clerk",
                              text="（一）总体情况\n本次征求意见得到群众积极响应，这是工作人员写的。")
    db.commit()
    page = client.get(f"/manage/drafts/{draft.id}/report")
    assert page.status_code == 200 and "已修改" in page.text and "数据已变化" not in page.text
    first = client.get(f"/manage/drafts/{draft.id}/export?format=docx")
    assert "这是工作人员写的" in docx_text(first.content)

    # A new comment arrives and is merged: legis's draft of 基本情况 changes.
    comment_service.submit_comment(
        db, draft=draft, channel="线上",
        data=comment_service.CommentInput(text="建议增加犬只免疫的规定",
                                          article_id=article(db, draft, 12).id))
    merging.merge_draft(db.get_bind(), draft_id=draft.id)
    db.expire_all()
    again = docx_text(client.get(f"/manage/drafts/{draft.id}/export?format=docx").content)
    assert "这是工作人员写的" in again                 # never silently overwritten
    page = client.get(f"/manage/drafts/{draft.id}/report")
    assert "数据已变化，请复核" in page.text
    assert "以下部分在修改后数据又有变化，请复核：基本情况。" in page.text

    response = client.post(f"/manage/drafts/{draft.id}/report/sections/basics",
                           data={"reset": "1"})
    assert response.status_code == 303
    text = docx_text(client.get(f"/manage/drafts/{draft.id}/export?format=docx").content)
    assert "这是工作人员写的" not in text and "共收集意见建议7条" in text


def test_section_and_letterhead_forms_explain_bad_input(client, db, case):
    draft, _points = case
    url = f"/manage/drafts/{draft.id}/report"
    response = client.post(f"{url}/sections/basics", data={"text": "   "})
    assert response.status_code == 400 and "这一部分不能为空" in response.text
    response = client.post(f"{url}/letterhead", data={
        "addressee": "市人大常委会", "report_date": "2024/6/3", "signatory": "法工委",
        "doc_number": "", "attachments": "意见采纳情况对照表"})
    assert response.status_code == 400 and "日期格式应为 2024-06-03。" in response.text
    assert 'value="法工委"' in response.text            # what was typed is kept
    response = client.post(f"{url}/letterhead", data={
        "addressee": "市人大常委会办公厅", "report_date": "2024-06-03", "signatory": "法工委",
        "doc_number": "某人大法工〔2024〕7号", "attachments": "1. 意见采纳情况对照表\n2. 原始意见"})
    assert response.status_code == 303
    text = docx_text(client.get(f"/manage/drafts/{draft.id}/export?format=docx").content)
    assert "市人大常委会办公厅：" in text and "某人大法工〔2024〕7号" in text
    assert "2024年6月3日" in text and "附件：1. 意见采纳情况对照表" in text
    page = client.get(url)
    assert "某人大法工〔2024〕7号" in page.text and "市人大常委会办公厅：" in page.text   # preview


def test_checks_on_the_page_and_in_the_cli(client, db, case, settings, tmp_path, monkeypatch,
                                           capsys):
    from legis.cli import main

    draft, _points = case
    supportive = opinion_with(db, "犬链")
    dispositions.decide(db, opinion=supportive, state="采纳", actor="clerk")
    comment_service.submit_comment(
        db, draft=draft, channel="线上",
        data=comment_service.CommentInput(text="还没有归纳的意见", article_id=None))
    db.commit()
    page = client.get(f"/manage/drafts/{draft.id}/report").text
    assert "有1条意见尚未归纳" in page
    assert "有1项意见为“采纳”，但没有填写修改情况或说明" in page
    assert "仍为“待研究”" in page
    assert "有1条意见原文中写有个人信息" in page

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    out = tmp_path / "report.docx"
    assert main(["export", "dogs", "--format", "docx", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "有1条意见尚未归纳" in err and "--allow-unmerged" in err and not out.exists()
    assert main(["export", "dogs", "--format", "docx", "-o", str(out), "--allow-unmerged"]) == 0
    assert out.exists()
    comparison = tmp_path / "comparison.docx"
    assert main(["export", "dogs", "--format", "docx", "--kind", "comparison",
                 "-o", str(comparison), "--allow-unmerged"]) == 0
    assert "修改前后对照表" in docx_text(comparison.read_bytes())
    assert main(["export", "dogs", "--format", "xlsx", "--kind", "comparison",
                 "-o", str(comparison)]) == 1
    assert "修改前后对照表只有 docx 格式" in capsys.readouterr().err


def test_point_submission_is_the_points_own_and_its_host_may_download_it(
        db, case, signed_in):
    draft, (station, _child, other) = case
    create_user(db, username="stationhost", role="host", password="Tr0ub4dor&3-horse!",
                contact_point_id=station.id, display_name="李联络")
    db.commit()
    host = signed_in("host2", "host", station)
    url = f"/manage/points/{station.id}/drafts/{draft.id}/submission.docx"
    assert url in host.get("/manage/").text         # offered on the host's own page
    response = host.get(url)
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "东风街道联络站关于《某市养犬管理条例（草案）》征求意见情况的报告" in text
    # Signed by the point and its hosts, not by the office.
    assert "东风街道联络站（联络员：李联络、host2）" in text
    # Its meetings named; the child's under the child.
    assert "东风街道座谈会" in text and "幸福社区恳谈会" in text
    assert text.index("（二）幸福社区联系点（下级联系点）") < text.index("幸福社区恳谈会")
    # Its comments only (4: station session, child session, phone), grouped by article.
    assert "共收集意见建议3条" in text and "犬粪" not in text
    assert "采纳情况" not in text                            # not published yet
    assert not any(state in text for state in ("待研究", "未采纳", "（采纳"))
    # Another point's host may not.
    stranger = signed_in("westhost", "host", other)
    assert stranger.get(url).status_code == 403

    opinion = opinion_with(db, "六十日")
    dispositions.decide(db, opinion=opinion, state="采纳", change_note="第八条改为六十日",
                        actor="clerk")
    dispositions.set_published(db, draft=draft, published=True, actor="clerk")
    db.commit()
    text = docx_text(host.get(url).content)
    assert "三、采纳情况" in text and "采纳，第八条改为六十日" in text


def test_session_sheet_times_are_real_date_times(client, db, case):
    _draft, (station, _c, _o) = case
    from legis.models import Meeting

    cs = db.exec(select(Meeting).where(Meeting.contact_point_id == station.id)).one()
    sheet = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/manage/meetings/{cs.id}/export.xlsx").content)).worksheets[0]
    assert isinstance(sheet.cell(row=2, column=9).value, datetime)
    assert sheet.cell(row=2, column=3).alignment.wrap_text
    assert sheet.auto_filter.ref


def test_masked_export_holds_no_phone_or_id_number_anywhere(client, db, case):
    draft, _points = case
    comment_service.submit_comment(
        db, draft=draft, channel="线上",
        data=comment_service.CommentInput(
            text="我的身份证号110101199003071234，建议放宽登记", article_id=article(db, draft, 8).id,
            name="张大山", phone="13700002222", consent=True))
    merging.merge_draft(db.get_bind(), draft_id=draft.id)
    db.expire_all()
    import re

    for url in (f"/manage/drafts/{draft.id}/export?format=docx",
                f"/manage/drafts/{draft.id}/export?format=xlsx&kind=comments",
                f"/manage/drafts/{draft.id}/export?format=csv&kind=comments"):
        body = client.get(url).content
        text = docx_text(body) if "docx" in url else (
            body.decode("utf-8-sig") if "csv" in url else "\n".join(
                str(v) for row in openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
                .iter_rows(values_only=True) for v in row if v is not None))
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text), url
        assert not re.search(r"(?<!\d)\d{17}[\dXx]", text), url
        assert "张大山" not in text and "王小明" not in text, url
