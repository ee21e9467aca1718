"""Uploaded spreadsheets (.xlsx or .csv in UTF-8, GB18030 or UTF-16): read safely into rows of text."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from legis.errors import LegisError, TooLarge, ValidationError
from legis.parsing.safezip import check_office_zip

MAX_ROWS = 5000
MAX_COLUMNS = 30
# An .xlsx may claim a million rows; stop reading after this many blank ones in a row.
MAX_BLANK_RUN = 500

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_NOT_A_TABLE = (
    (b"\xd0\xcf\x11\xe0", "旧版 Excel（.xls）或其他 Office 97-2003 文件",
     "请在 Excel 中打开，“另存为” Excel 工作簿（.xlsx）后再上传"),
    (b"%PDF", "PDF 文件", "请上传 Excel 工作簿（.xlsx）或 CSV 文件"),
    (b"\x89PNG", "图片", "图片中的文字无法读取，请把意见录入模板后上传 .xlsx 或 CSV 文件"),
    (b"\xff\xd8\xff", "图片", "图片中的文字无法读取，请把意见录入模板后上传 .xlsx 或 CSV 文件"),
    (b"GIF8", "图片", "图片中的文字无法读取，请把意见录入模板后上传 .xlsx 或 CSV 文件"),
    (b"\x1f\x8b", "压缩包", "请解压后上传其中的 .xlsx 或 CSV 文件"),
    (b"Rar!", "压缩包", "请解压后上传其中的 .xlsx 或 CSV 文件"),
    (b"7z\xbc\xaf", "压缩包", "请解压后上传其中的 .xlsx 或 CSV 文件"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_table(data: bytes) -> list[list[str]]:
    """The first sheet of an .xlsx, or a CSV file, as rows of strings.

    The kind is decided by content, not by file name: a zip is an .xlsx
    (checked against zip bombs and XML entity tricks first), anything else
    must be CSV text in UTF-8 (with or without BOM), GB18030 or UTF-16.
    """
    if not data or not data.strip():
        raise ValidationError("上传的文件是空的，请检查是否选错了文件。", field="file")
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    for magic, what, todo in _NOT_A_TABLE:
        if data.startswith(magic):
            raise ValidationError(f"上传的是{what}，不是表格文件。{todo}。", field="file")
    return _read_csv(data)


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    check_office_zip(data, required="xl/workbook.xml", kind="Excel")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ValidationError(
            "无法读取这个 Excel 文件（可能已损坏）。请在 Excel 中打开并另存为 .xlsx 后再上传。",
            field="file",
        ) from exc
    try:
        if not workbook.worksheets:
            raise ValidationError("Excel 文件中没有工作表。", field="file")
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        blank_run = 0
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            row = [_cell_text(v) for v in values]
            while row and row[-1] == "":
                row.pop()
            if row:
                blank_run = 0
            else:
                blank_run += 1
                if blank_run > MAX_BLANK_RUN:
                    break
            rows.append(row)
            _check_size(rows)
    except LegisError:
        raise
    except Exception as exc:
        raise ValidationError(
            "读取 Excel 文件时出错（文件可能已损坏）。请在 Excel 中打开并另存为 .xlsx 后再上传。",
            field="file",
        ) from exc
    finally:
        workbook.close()
    return _trim(rows)


def _cell_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value  # kept as is so the article column can explain Excel's date guess
    return str(value)


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode_csv(data)
    if _CONTROL.search(text[:100_000]):
        raise ValidationError(
            "文件内容不是文字表格。请上传 Excel 工作簿（.xlsx）或 CSV 文件。", field="file"
        )
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append([cell for cell in row[:MAX_COLUMNS]])
            _check_size(rows)
    except csv.Error as exc:
        raise ValidationError(
            "CSV 文件格式有误（可能有未闭合的引号）。请在 Excel 中打开并另存为 CSV 后再上传。",
            field="file",
        ) from exc
    return _trim(rows)


def _decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with tabs.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        # Excel on Windows saves "CSV (逗号分隔)" in GB18030/GBK; "CSV UTF-8" with a BOM.
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise ValidationError(
        "无法识别文件的文字编码，或文件不是表格。请上传 Excel 工作簿（.xlsx），"
        "或在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”后再上传。",
        field="file",
    )


def _check_size(rows: list) -> None:
    if len(rows) > MAX_ROWS + 1:
        raise TooLarge(f"文件超过{MAX_ROWS}行，请拆分成几个文件分别导入。", field="file")


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    while rows and not any(cell_text(c) for c in rows[-1]):
        rows.pop()
    return rows


def cell_text(value: Any) -> str:
    """A cell as stripped text; empty for None."""
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _header_key(cell: Any) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(cell)))
    # "姓名(选填)", "*意见内容": the name is what is left of the decoration.
    return re.sub(r"\(.*?\)|[*＊:：]", "", text)


def table_records(
    rows: list[list[Any]], columns: dict[str, Sequence[str]], *, required: Sequence[str]
) -> list[tuple[int, dict[str, Any]]]:
    """Map a table with a header row to records ``(row number, {field: value})``.

    ``columns`` gives each field its accepted header names (the first is the
    official one); blank rows are skipped; row numbers are as Excel shows them.
    """
    start = next((i for i, row in enumerate(rows) if any(cell_text(c) for c in row)), None)
    if start is None:
        raise ValidationError("文件中没有任何内容，请按模板填写后再上传。", field="file")
    header = [_header_key(c) for c in rows[start]]
    positions: dict[str, int] = {}
    for name, aliases in columns.items():
        for alias in aliases:
            if alias in header:
                positions[name] = header.index(alias)
                break
    missing = [columns[name][0] for name in required if name not in positions]
    if missing:
        found = "、".join(h for h in header if h) or "（空）"
        raise ValidationError(
            f"文件缺少“{'”“'.join(missing)}”列。第一行应是列名，现在是：{found[:200]}。"
            "请下载模板，按模板的列名填写后再上传。",
            field="file",
        )
    records = []
    for index in range(start + 1, len(rows)):
        row = rows[index]
        if not any(cell_text(c) for c in row):
            continue
        record = {
            name: (row[pos] if pos < len(row) else "") for name, pos in positions.items()
        }
        records.append((index + 1, {k: v if isinstance(v, (date, datetime)) else cell_text(v)
                                    for k, v in record.items()}))
    if not records:
        raise ValidationError("文件中只有列名，没有数据行。请填写后再上传。", field="file")
    return records
