"""Spreadsheet import of paper comments: article numbers, reading files safely, preview, all-or-nothing."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from legis.errors import LegisError, TooLarge
from legis.models import Comment, PendingImport, utcnow
from legis.services import paper_import, pending
from legis.services.paper_import import (
    OVERALL,
    parse_article_ref,
    pick_article,
    resolve_article,
)
from legis.services.uploaded_tables import read_table
from legis.timefmt import today
from tests.factories import article, make_draft, make_meeting, make_point

ARTICLES = [SimpleNamespace(number=n, sub=s, label=label, id=i, text="")
            for i, (n, s, label) in enumerate(
                [(1, 0, "第一条"), (10, 0, "第十条"), (10, 1, "第十条之一"), (12, 0, "第十二条"),
                 (105, 0, "第一百零五条")], start=1)]


@pytest.mark.parametrize("raw, expected", [
    ("12", "第十二条"), ("１２", "第十二条"), (" 12 ", "第十二条"), ("第十二条", "第十二条"),
    ("十二", "第十二条"), ("第12条", "第十二条"), ("10-1", "第十条之一"), ("10之1", "第十条之一"),
    ("第十条之一", "第十条之一"), ("十之一", "第十条之一"), ("10－1", "第十条之一"),
    ("一百零五", "第一百零五条"), ("105", "第一百零五条"),
])
def test_resolve_article(raw, expected):
    assert resolve_article(ARTICLES, raw).label == expected


@pytest.mark.parametrize("raw", ["0", "总", "总体", "总体意见", "整体"])
def test_overall_words(raw):
    assert parse_article_ref(raw) == OVERALL
    assert resolve_article(ARTICLES, raw) is None
    assert pick_article(ARTICLES, raw).label == "总体意见"


@pytest.mark.parametrize("raw, message", [
    ("13", "草案中没有第十三条（本草案为第一条至第一百零五条）"),
    ("10-2", "草案中没有第十条之二"),
    ("abc", "无法识别条款“abc”"),
    ("12.5", "无法识别条款"),
    ("", "请填写条款"),
])
def test_unknown_articles_are_explained(raw, message):
    assert resolve_article(ARTICLES, raw) is None
    pick = pick_article(ARTICLES, raw)
    assert not pick.ok and message in pick.error


def _xlsx(rows, *, sheet_title="意见") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_read_table_xlsx_and_csv_encodings():
    rows = [["条款", "意见内容"], [12, "意见甲"], ["总体", "意见乙"]]
    assert read_table(_xlsx(rows)) == [["条款", "意见内容"], ["12", "意见甲"], ["总体", "意见乙"]]
    text = "条款,意见内容\r\n12,意见甲\r\n总体,\"有逗号,的意见\"\r\n"
    expected = [["条款", "意见内容"], ["12", "意见甲"], ["总体", "有逗号,的意见"]]
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        assert read_table(text.encode(encoding)) == expected, encoding
    assert read_table(text.replace(",", "\t").encode("utf-16")) == [
        ["条款", "意见内容"], ["12", "意见甲"], ["总体", "有逗号\t的意见"]]


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (120 * 1024 * 1024))
    return out.getvalue()


def _with_entity() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_xlsx([["条款", "意见内容"], ["1", "好"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            blob = source.read(info)
            if info.filename.endswith("sheet1.xml"):
                blob = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + blob.split(b"?>", 1)[-1]
            archive.writestr(info, blob)
    return out.getvalue()


@pytest.mark.parametrize("data, message", [
    (b"", "上传的文件是空的"),
    (b"   \r\n", "上传的文件是空的"),
    (b"%PDF-1.7 ...", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel（.xls）"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "图片"),
    (b"PK\x03\x04 not really a zip", "不是有效的 Excel 文件"),
    (bytes(range(256)) * 4, "不是"),
])
def test_wrong_files_are_refused_with_a_reason(data, message):
    with pytest.raises(LegisError) as caught:
        read_table(data)
    assert message in caught.value.message


def test_zip_bomb_and_xml_entities_are_refused():
    with pytest.raises(LegisError) as caught:
        read_table(_bomb())
    assert "压缩炸弹" in caught.value.message
    with pytest.raises(LegisError) as caught:
        read_table(_with_entity())
    assert "DOCTYPE" in caught.value.message


def test_a_word_file_is_not_a_spreadsheet():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(LegisError) as caught:
        read_table(out.getvalue())
    assert "xl/workbook.xml" in caught.value.message


def test_validate_rows_reports_every_problem():
    rows = [
        ["条款", "意见内容", "姓名（选填）", "社区", "电话"],
        ["12", "好意见", "王小明", "东风社区", "13812345678"],
        ["99", "条号不对", "", "", ""],
        ["", "", "", "", ""],                       # blank rows are skipped
        ["1", "", "", "", ""],
        ["总体", "长" * 2001, "", "", ""],
        ["10-1", "电话错了", "", "", "12345"],
    ]
    checked = paper_import.validate_paper_rows(rows, ARTICLES)
    assert [r.line for r in checked] == [2, 3, 5, 6, 7]
    assert checked[0].ok and checked[0].article_id == 4 and checked[0].phone == "13812345678"
    assert "草案中没有第九十九条" in checked[1].errors[0]
    assert checked[2].errors == ["请填写意见内容。"]
    assert "超过了2000字" in checked[3].errors[0] and checked[3].article_label == "总体意见"
    assert "电话号码格式不对" in checked[4].errors[0]


def test_missing_text_column_is_explained():
    with pytest.raises(LegisError) as caught:
        paper_import.validate_paper_rows([["条款", "备注"], ["1", "x"]], ARTICLES)
    assert "缺少“意见内容”列" in caught.value.message and "模板" in caught.value.message
    with pytest.raises(LegisError) as caught:
        paper_import.validate_paper_rows([["条款", "意见内容"]], ARTICLES)
    assert "没有数据行" in caught.value.message


def test_excel_date_in_article_column_is_explained():
    from datetime import datetime

    pick = pick_article(ARTICLES, datetime(2026, 12, 1))
    assert "被 Excel 当成了日期" in pick.error


# ---------------------------------------------------------------- through the pages


@pytest.fixture
def setup(db):
    draft = make_draft(db, slug="dogs")
    point = make_point(db)
    cs = make_meeting(db, draft=draft, point=point, held_on=today())
    return draft, point, cs


def _comments(db) -> list[Comment]:
    db.expire_all()
    return list(db.exec(select(Comment).order_by(Comment.id)))


def _upload(client, cs, data: bytes, name: str = "意见.xlsx", channel: str = "书面"):
    return client.post(f"/manage/meetings/{cs.id}/import", data={"channel": channel},
                       files={"file": (name, data, "application/octet-stream")})


def _confirm(client, cs, preview_html: str):
    pending = re.search(r'name="pending" value="([^"]+)"', preview_html).group(1)
    return client.post(f"/manage/meetings/{cs.id}/import/confirm", data={"pending": pending})


BAD_ROWS = [
    ["条款", "意见内容", "姓名", "社区", "电话"],
    ["第十二条", "粪便要及时清理。", "王小明", "东风社区", "13812345678"],
    ["第二十条", "这一条不存在。", "", "", ""],
    ["5", "", "", "", ""],
    ["十之一", "条例只有十三条。", "", "", ""],
    ["总体", "<script>alert(1)</script>", "", "", "110"],
]


def test_xlsx_with_bad_rows_saves_nothing_then_fixed_file_saves_all(client, db, setup):
    draft, point, cs = setup
    preview = _upload(client, cs, _xlsx(BAD_ROWS))
    assert preview.status_code == 422
    text = preview.text
    assert "其中4行有错误，本次没有保存任何意见" in text
    for message in ("第3行：草案中没有第二十条", "第4行：请填写意见内容", "第5行：草案中没有第十条之一",
                    "第6行：电话号码格式不对"):
        assert message in text, message
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "确认导入" not in text
    assert _comments(db) == []

    fixed = [BAD_ROWS[0], BAD_ROWS[1], ["第2条", "适用范围要写清楚。", "", "", ""],
             ["5", "独户居住不合理。", "李四", "", ""], ["十二", "第二条对十二条的意见。", "", "", ""],
             ["总体", "<script>alert(1)</script>", "", "", ""]]
    preview = _upload(client, cs, _xlsx(fixed), channel="现场")
    assert preview.status_code == 200, preview.text
    assert "全部可以导入" in preview.text
    assert _comments(db) == []           # still nothing until confirmed
    done = _confirm(client, cs, preview.text)
    assert done.status_code == 303 and done.headers["location"] == f"/manage/meetings/{cs.id}"
    saved = _comments(db)
    assert [c.article_id for c in saved] == [article(db, draft, 12).id, article(db, draft, 2).id,
                                             article(db, draft, 5).id, article(db, draft, 12).id,
                                             None]
    assert {(c.meeting_id, c.contact_point_id, c.channel) for c in saved} == {
        (cs.id, point.id, "现场")}
    assert saved[0].name == "王小明" and saved[0].consent
    assert len({c.receipt_code for c in saved}) == 5
    # Confirming the same preview again stores nothing more.
    assert _confirm(client, cs, preview.text).status_code == 409
    assert len(_comments(db)) == 5


def test_csv_gb18030_import(client, db, setup):
    _draft, _point, cs = setup
    csv_text = "条款,意见内容,姓名\r\n12,建议设置犬只便溺箱。,张三\r\n总,支持出台。,\r\n"
    preview = _upload(client, cs, csv_text.encode("gb18030"), name="意见.csv")
    assert preview.status_code == 200, preview.text
    _confirm(client, cs, preview.text)
    assert [c.text for c in _comments(db)] == ["建议设置犬只便溺箱。", "支持出台。"]


def test_import_is_all_or_nothing_even_when_saving_fails(client, db, setup, monkeypatch):
    _draft, _point, cs = setup
    rows = [["条款", "意见内容"], ["1", "第一行。"], ["2", "第二行。"], ["3", "第三行。"]]
    preview = _upload(client, cs, _xlsx(rows))
    real = paper_import.submit_comment
    calls = []

    def failing(session, **kwargs):
        calls.append(kwargs["data"].text)
        if len(calls) == 3:
            raise LegisError("数据库出错了")
        return real(session, **kwargs)

    monkeypatch.setattr(paper_import, "submit_comment", failing)
    response = _confirm(client, cs, preview.text)
    assert response.status_code == 400 and "第4行：数据库出错了" in response.text
    assert _comments(db) == []
    monkeypatch.setattr(paper_import, "submit_comment", real)
    assert _confirm(client, cs, preview.text).status_code == 303
    assert len(_comments(db)) == 3


@pytest.mark.parametrize("data, name, message", [
    (b"", "a.xlsx", "上传的文件是空的"),
    (b"%PDF-1.4", "a.xlsx", "PDF"),
    (None, "bomb.xlsx", "压缩炸弹"),
    ("条款,备注\n1,x\n".encode(), "a.csv", "缺少“意见内容”列"),
])
def test_bad_uploads_show_a_message_on_the_form(client, db, setup, data, name, message):
    _draft, _point, cs = setup
    response = _upload(client, cs, _bomb() if data is None else data, name=name)
    assert response.status_code >= 400
    assert message in response.text
    assert 'name="file"' in response.text   # the upload form again, not a dead end
    assert _comments(db) == []


def test_a_preview_too_large_to_keep_is_refused_on_the_form(client, db, setup, monkeypatch):
    _draft, _point, cs = setup
    monkeypatch.setattr(pending, "MAX_PENDING_BYTES", 2_000)   # a small limit, a small file
    rows = [["条款", "意见内容"]] + [["第八条", f"建议把变更登记的期限缩短为十五日，第{n}条。"]
                                    for n in range(60)]
    response = _upload(client, cs, _xlsx(rows))
    assert response.status_code == 413
    assert "请把文件拆分成几份" in response.text and 'name="file"' in response.text
    assert db.exec(select(PendingImport)).all() == [] and _comments(db) == []


def test_template_examples_are_never_imported(client, db, setup):
    _draft, _point, cs = setup
    response = client.get("/manage/meetings/import-template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet, examples = book.worksheets
    assert [c for c in next(sheet.iter_rows(values_only=True))] == list(paper_import.PAPER_HEADERS)
    assert all(v is None for row in sheet.iter_rows(min_row=2, values_only=True) for v in row)
    assert "不会导入" in examples.title
    # Uploaded untouched, the template holds no comment.
    preview = _upload(client, cs, response.content)
    assert preview.status_code >= 400 and "王小明" not in preview.text
    # Examples copied onto the first sheet are recognised and refused, next to real rows.
    copied = [*examples.iter_rows(min_row=2, max_row=3, values_only=True),
              ("3", "建议明确由街道负责组织实施。", "", "", "")]
    for line, row in enumerate(copied, start=2):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=line, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    preview = _upload(client, cs, out.getvalue())
    assert preview.status_code == 422
    assert preview.text.count("这是导入模板中的示例行") >= 2
    assert _comments(db) == []


def test_a_preview_is_only_confirmed_by_its_owner_for_its_session(db):
    for bad in ("../secret", "secret", "x" * 100, ""):
        with pytest.raises(LegisError):
            pending.load_pending(db, bad, kind="paper", scope="1", owner="host")
    saved = pending.save_pending(db, kind="paper", scope="1", owner="host", payload={"a": 1})
    assert pending.load_pending(db, saved, kind="paper", scope="1", owner="host") == {"a": 1}
    for kind, scope, owner in (("paper", "2", "host"), ("points", "1", "host"),
                               ("paper", "1", "other")):
        with pytest.raises(LegisError, match="预览已失效"):
            pending.load_pending(db, saved, kind=kind, scope=scope, owner=owner)
    pending.drop_pending(db, saved, owner="other")   # not theirs: kept
    assert pending.load_pending(db, saved, kind="paper", scope="1", owner="host") == {"a": 1}
    pending.drop_pending(db, saved, owner="host")
    with pytest.raises(LegisError, match="预览已失效"):
        pending.load_pending(db, saved, kind="paper", scope="1", owner="host")


def test_an_expired_preview_is_refused_and_pruned(db):
    old = pending.save_pending(db, kind="paper", scope="1", owner="host", payload=[1])
    row = db.get(PendingImport, old)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()
    with pytest.raises(LegisError, match="请重新上传文件"):
        pending.load_pending(db, old, kind="paper", scope="1", owner="host")
    fresh = pending.save_pending(db, kind="paper", scope="1", owner="host", payload=[2])
    db.expire_all()
    assert db.get(PendingImport, old) is None       # pruned when the next preview was saved
    assert pending.load_pending(db, fresh, kind="paper", scope="1", owner="host") == [2]


def test_a_preview_too_large_to_keep_is_refused_with_a_message(db):
    rows = [{"text": "建议" * 500}] * 200
    with pytest.raises(TooLarge, match="请把文件拆分成几份"):
        pending.save_pending(db, kind="paper", scope="1", owner="host", payload=rows,
                             max_bytes=100_000)
    assert db.exec(select(PendingImport)).all() == []