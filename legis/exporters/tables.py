"""Generic spreadsheet writers: xlsx (openpyxl, write-only) and csv (UTF-8 with BOM for Excel)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from legis.exporters import sheetxml

# Excel (and LibreOffice) run a cell starting with these as a formula: a resident's
# "=HYPERLINK(...)" must stay text (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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
    the columns holding fractions shown as percentages (0.216 -> 21.6%). Rows are
    written as they come (legis/exporters/sheetxml.py).
    """
    parts = []
    for title, headers, rows in sheets:
        styles = {i: sheetxml.WRAPPED for i in (wrap or {}).get(title, ())}
        styles.update({i: sheetxml.PERCENT for i in (percent or {}).get(title, ())})
        parts.append((_SHEET_TITLE_BAD.sub("_", title)[:31] or "Sheet", headers, rows,
                      (widths or {}).get(title, ()), styles))
    out = io.BytesIO()
    sheetxml.write_workbook(out, parts)
    return out.getvalue()
