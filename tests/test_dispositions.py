"""Dispositions: decisions with reasons and history, bulk, publication, receipts, 回音壁, exports."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from docx import Document
from sqlmodel import select

from legis.errors import LegisError
from legis.models import Disposition, Opinion
from legis.services import comments as comment_service
from legis.services import dispositions, merging
from legis.services import opinions as opinion_service
from tests.factories import article, make_draft, make_meeting, make_point

TEXTS = {
    8: ["建议将变更登记期限由三十日延长至六十日", "我建议变更登记期限由三十日延长到六十日。",
        "建议取消变更登记，改为网上备案"],
    11: ["建议明确犬链长度不超过一点五米", "犬链长度建议不超过一点五米"],
    12: ["建议对不清理犬粪的行为加大处罚力度"],
}


@pytest.fixture
def merged(engine, db):
    """A draft with comments from two contact points, merged into opinions."""
    draft = make_draft(db, slug="dogs")
    east = make_point(db, name="东风街道联系点")
    west = make_point(db, name="西湖社区联系点", kind="点")
    meeting_east = make_meeting(db, draft=draft, point=east, title="东风座谈会",
                                participant_count=25)
    receipts = []
    for number, texts in TEXTS.items():
        for i, text in enumerate(texts):
            data = comment_service.CommentInput(
                text=text, article_id=article(db, draft, number).id,
                name="王小明", phone="13812345678", consent=True)
            comment, _ = comment_service.submit_comment(
                db, draft=draft, data=data, channel="现场",
                meeting=meeting_east if i % 2 == 0 else None,
                contact_point_id=None if i % 2 == 0 else west.id)
            receipts.append(comment.receipt_code)
    merging.merge_draft(engine, draft_id=draft.id)
    db.expire_all()
    opinions = {o.text: o for o in db.exec(select(Opinion))}
    return draft, opinions, receipts, (east, west)


def test_reason_required_for_partial_and_rejected(db, merged):
    _draft, opinions, _r, _p = merged
    opinion = next(iter(opinions.values()))
    for state in ("部分采纳", "未采纳"):
        with pytest.raises(LegisError, match="需要填写理由"):
            dispositions.decide(db, opinion=opinion, state=state, reason=" ", actor="staff")
    with pytest.raises(LegisError):
        dispositions.decide(db, opinion=opinion, state="同意", actor="staff")
    dispositions.decide(db, opinion=opinion, state="采纳", change_note="第八条改为六十日", actor="staff")
    assert opinion.state == "采纳" and opinion.change_note == "第八条改为六十日"


def test_history_records_who_when_from_to(client, db, merged):
    _draft, opinions, _r, _p = merged
    opinion = next(iter(opinions.values()))
    dispositions.decide(db, opinion=opinion, state="未采纳", reason="不属于本法规调整范围", actor="张三")
    dispositions.decide(db, opinion=opinion, state="部分采纳", reason="部分吸收", actor="李四")
    db.commit()
    rows = db.exec(select(Disposition).where(Disposition.opinion_id == opinion.id)
                   .order_by(Disposition.id)).all()
    assert [(r.previous_state, r.state, r.decided_by) for r in rows] == [
        ("待研究", "未采纳", "张三"), ("未采纳", "部分采纳", "李四")]
    page = client.get(f"/manage/drafts/{opinion.draft_id}/opinions/{opinion.article_id}")
    # The history sits with the opinion's disposition form, opened by its link.
    assert f'href="?edit={opinion.id}#o{opinion.id}">修改文字或处理结果（处理记录2条）' in page.text
    page = client.get(f"/manage/drafts/{opinion.draft_id}/opinions/{opinion.article_id}?edit={opinion.id}")
    assert "张三：待研究 → <strong>未采纳</strong>" in page.text


def test_bulk_disposition_with_template(client, db, merged):
    draft, opinions, _r, _p = merged
    templates = dispositions.reason_templates(db)
    db.commit()
    ids = [str(o.id) for o in opinions.values()][:3]
    response = client.post(f"/manage/drafts/{draft.id}/dispositions/bulk", data={
        "opinion": ids, "state": "未采纳", "template": str(templates[1].id), "back": "overall"})
    assert response.status_code == 303
    db.expire_all()
    decided = [db.get(Opinion, int(i)) for i in ids]
    assert {(o.state, o.reason) for o in decided} == {("未采纳", templates[1].text)}


def test_bulk_without_reason_changes_nothing(client, db, merged):
    draft, opinions, _r, _p = merged
    ids = [str(o.id) for o in opinions.values()]
    client.post(f"/manage/drafts/{draft.id}/dispositions/bulk",
                data={"opinion": ids, "state": "未采纳", "back": "overall"})
    db.expire_all()
    assert {db.get(Opinion, int(i)).state for i in ids} == {"待研究"}


def test_reason_templates_are_editable(client, db):
    page = client.get("/manage/reasons")
    assert "上位法已有规定" in page.text
    client.post("/manage/reasons", data={"text": "已在实施细则中体现"})
    assert "已在实施细则中体现" in client.get("/manage/reasons").text


def test_overview_counts_per_state_article_and_point(client, db, merged):
    draft, opinions, _r, _p = merged
    first = opinions["建议将变更登记期限由三十日延长至六十日"]
    dispositions.decide(db, opinion=first, state="采纳", actor="staff")
    db.commit()
    view = dispositions.overview(db, draft_id=draft.id)
    assert view.totals.total == len(opinions) == 4
    assert view.totals.counts["采纳"] == 1 and view.pending == 3
    assert [r.label for r in view.by_article] == ["第八条", "第十一条", "第十二条"]
    assert {r.label for r in view.by_point} == {"东风街道联系点", "西湖社区联系点"}
    page = client.get(f"/manage/drafts/{draft.id}/dispositions")
    assert "25.0%" in page.text and f'/manage/drafts/{draft.id}/charts/articles.svg"' in page.text
    chart = client.get(f"/manage/drafts/{draft.id}/charts/articles.svg")
    assert chart.headers["content-type"].startswith("image/svg+xml") and "<svg" in chart.text


def test_publication_shows_outcome_on_receipt_and_wall_without_personal_data(client, db, merged):
    draft, opinions, receipts, _p = merged
    first = opinions["建议将变更登记期限由三十日延长至六十日"]
    dispositions.decide(db, opinion=first, state="部分采纳", reason="期限调整为四十五日", actor="staff")
    db.commit()
    receipt = client.get(f"/r/{receipts[0]}")
    assert "正在研究" in receipt.text and "期限调整为四十五日" not in receipt.text
    assert "正在研究" in client.get("/drafts/dogs/feedback").text
    check = client.post(f"/manage/drafts/{draft.id}/publish", data={"publish": "1"})
    assert "公开处理结果前请确认" in check.text and draft.feedback_published_at is None
    client.post(f"/manage/drafts/{draft.id}/publish", data={"publish": "1", "confirm": "1"})
    receipt = client.get(f"/r/{receipts[0]}")
    # Published, but its text is not approved yet: nothing of it shows.
    assert "意见正在整理中" in receipt.text and "期限调整为四十五日" not in receipt.text
    opinion_service.approve(db, draft_id=draft.id, opinion_ids=[first.id], actor="staff")
    db.commit()
    receipt = client.get(f"/r/{receipts[0]}")
    assert "部分采纳" in receipt.text and "期限调整为四十五日" in receipt.text
    wall = client.get("/drafts/dogs/feedback")
    assert "期限调整为四十五日" in wall.text and "2 人提出" in wall.text
    for private in ("王小明", "13812345678", "138****5678", "王某"):
        assert private not in wall.text
    client.post(f"/manage/drafts/{draft.id}/publish", data={"publish": "0"})
    assert "期限调整为四十五日" not in client.get(f"/r/{receipts[0]}").text


def docx_text(content: bytes) -> tuple[str, list]:
    document = Document(io.BytesIO(content))
    # A title broken over two lines is one paragraph with a line break in it.
    text = "\n".join(p.text.replace("\n", "") for p in document.paragraphs)
    return text, document.tables


def test_docx_report_figures_agree_with_database(client, db, merged):
    draft, opinions, _r, _p = merged
    dispositions.decide(db, opinion=opinions["建议将变更登记期限由三十日延长至六十日"],
                        state="采纳", actor="staff")
    dispositions.decide(db, opinion=opinions["建议取消变更登记，改为网上备案"],
                        state="未采纳", reason="上位法有规定", actor="staff")
    db.commit()
    response = client.get(f"/manage/drafts/{draft.id}/export?format=docx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    text, tables = docx_text(response.content)
    assert "关于《某市养犬管理条例（草案）》征求意见情况的报告" in text
    assert re.search(r"6\s*条", text)          # comments
    assert "共归纳意见4条，采纳1条，部分采纳0条，未采纳1条，待研究2条" in text.replace(" ", "")
    cells = [[c.text for c in row.cells] for t in tables for row in t.rows]
    flat = "\n".join("|".join(r) for r in cells)
    assert "上位法有规定" in flat
    for private in ("王小明", "13812345678"):
        assert private not in flat and private not in text
    assert "138****5678" in flat


def test_internal_export_unmasked_for_staff_only_and_audited(client, signed_in, db, merged):
    draft, *_ = merged
    url = f"/manage/drafts/{draft.id}/export?format=csv&kind=comments&internal=1"
    staff = signed_in("clerk", "staff")
    rows = list(csv.reader(io.StringIO(staff.get(url).content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 6
    assert any("13812345678" in row for row in rows)
    from legis.models import AuditLog

    entry = db.exec(select(AuditLog).where(AuditLog.action == "export.internal")).one()
    assert entry.actor == "clerk"
    # The administrator asking for the internal version still gets it masked.
    masked = client.get(url).content.decode("utf-8-sig")
    assert "13812345678" not in masked and "138****5678" in masked


def test_xlsx_and_contact_point_submission(client, db, merged):
    draft, _o, _r, (east, _west) = merged
    response = client.get(f"/manage/drafts/{draft.id}/export?format=xlsx&kind=opinions")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.max_row == 1 + 4
    point = client.get(f"/manage/drafts/{draft.id}/export?format=docx&point={east.id}")
    text, _tables = docx_text(point.content)
    assert "东风街道联系点" in text


def test_cli_export_matches_download(merged, settings, tmp_path, monkeypatch, capsys):
    from legis.cli import main

    draft, *_ = merged
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    out = tmp_path / "report.docx"
    assert main(["export", "dogs", "--format", "docx", "-o", str(out)]) == 0
    text, tables = docx_text(out.read_bytes())
    assert "关于《某市养犬管理条例（草案）》征求意见情况的报告" in text
    assert "138****5678" in "\n".join(c.text for t in tables for r in t.rows for c in r.cells)
    csv_out = tmp_path / "comments.csv"
    assert main(["export", str(draft.id), "--format", "csv", "--kind", "comments", "--internal",
                 "-o", str(csv_out)]) == 0
    assert "13812345678" in csv_out.read_text(encoding="utf-8-sig")
    assert main(["export", "nope", "-o", str(out)]) == 1
    assert "没有找到这部草案" in capsys.readouterr().err


def test_large_export_runs_as_a_job_and_offers_the_file(client, signed_in, db, merged, monkeypatch):
    import time

    from legis.models import Job
    from legis.web import manage_dispositions

    draft, *_ = merged
    monkeypatch.setattr(manage_dispositions, "LARGE_EXPORT", 2)
    response = client.get(f"/manage/drafts/{draft.id}/export?format=docx")
    assert response.status_code == 303 and "/manage/jobs/" in response.headers["location"]
    job = db.exec(select(Job).where(Job.kind.startswith("export"))).one()
    for _ in range(200):
        db.expire_all()
        if db.get(Job, job.id).status in ("done", "failed"):
            break
        time.sleep(0.05)
    page = client.get(response.headers["location"])
    assert "下载" in page.text
    download = client.get(f"/manage/jobs/{job.id}/download")
    text, _tables = docx_text(download.content)
    assert "征求意见情况的报告" in text
    # An internal export made in the background is for legislative staff only.
    staff = signed_in("clerk", "staff")
    internal = staff.get(f"/manage/drafts/{draft.id}/export?format=csv&kind=comments&internal=1")
    internal_job = db.exec(select(Job).where(Job.kind.endswith("-1"))).one()
    for _ in range(200):
        db.expire_all()
        if db.get(Job, internal_job.id).status in ("done", "failed"):
            break
        time.sleep(0.05)
    assert internal.status_code == 303
    assert "13812345678" in staff.get(f"/manage/jobs/{internal_job.id}/download").content.decode("utf-8-sig")
    assert client.get(f"/manage/jobs/{internal_job.id}/download").status_code == 403
