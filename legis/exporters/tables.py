"""Generic spreadsheet writers: xlsx (openpyxl, write-only) and csv (UTF-8 with BOM for Excel)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

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


def to_xlsx(sheets: Sequence[Sheet], widths: dict[str, Sequence[float]] | None = None, *,
            wrap: dict[str, Sequence[int]] | None = None,
            percent: dict[str, Sequence[int]] | None = None) -> bytes:
    """An .xlsx workbook with one sheet per ``(title, headers, rows)``, ready to read and print.

    Every sheet has its header row frozen, filters on the header, the header repeated
    on every printed page, landscape pages one page wide. Strings are stored as text
    (never as formulas); dates and times as real date-times; ``widths`` gives column
    widths (characters), ``wrap`` the columns (0-based) whose text wraps, ``percent``
    the columns holding fractions shown as percentages (0.216 -> 21.6%).
    """
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    head_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=_SHEET_TITLE_BAD.sub("_", title)[:31] or "Sheet")
        sheet.freeze_panes = "A2"
        for i, width in enumerate((widths or {}).get(title, ())):
            sheet.column_dimensions[_column_letter(i)].width = width
        wrap_at = set((wrap or {}).get(title, ()))
        percent_at = set((percent or {}).get(title, ()))
        head = []
        for h in headers:
            cell = WriteOnlyCell(sheet, value=h)
            cell.font = bold
            cell.alignment = head_align
            head.append(cell)
        sheet.append(head)
        count = 0
        for row in rows:
            values = [_xlsx_value(sheet, v) for v in row]
            for i in wrap_at:
                if i < len(values) and isinstance(values[i], str):
                    cell = WriteOnlyCell(sheet, value=values[i])
                    cell.alignment = wrapped
                    values[i] = cell
            for i in percent_at:
                if i < len(values) and isinstance(values[i], float):
                    cell = WriteOnlyCell(sheet, value=values[i])
                    cell.number_format = "0.0%"
                    values[i] = cell
            sheet.append(values)
            count += 1
        last = _column_letter(max(len(headers) - 1, 0))
        sheet.auto_filter.ref = f"A1:{last}{count + 1}"
        sheet.print_title_rows = "1:1"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"   # A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(sheet, value: object) -> object:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
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
