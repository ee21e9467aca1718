"""Generic spreadsheet writers: xlsx (openpyxl, write-only) and csv (UTF-8 with BOM for Excel)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# Excel (and LibreOffice) run a cell starting with these as a formula: a resident's
# "=HYPERLINK(...)" must stay text (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")

Sheet = tuple[str, Sequence[str], Iterable[Sequence[object]]]


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel opens Chinese text correctly.

    Text that Excel would evaluate as a formula is prefixed with an apostrophe.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([_csv_value(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


def to_xlsx(sheets: Sequence[Sheet], widths: dict[str, Sequence[float]] | None = None) -> bytes:
    """An .xlsx workbook with one sheet per ``(title, headers, rows)``; header row frozen.

    Strings are always stored as text (never as formulas); ``widths`` optionally
    gives column widths (in characters) per sheet title.
    """
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=_SHEET_TITLE_BAD.sub("_", title)[:31] or "Sheet")
        sheet.freeze_panes = "A2"
        for i, width in enumerate((widths or {}).get(title, ())):
            sheet.column_dimensions[_column_letter(i)].width = width
        head = []
        for h in headers:
            cell = WriteOnlyCell(sheet, value=h)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for row in rows:
            sheet.append([_xlsx_value(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(sheet, value: object) -> object:
    if not isinstance(value, str):
        return value
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
