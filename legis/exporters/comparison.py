"""The 修改前后对照表: old article | new article | reason and the opinions behind it."""

from __future__ import annotations

from legis.exporters.figures import cited_opinions
from legis.exporters.model import ArticleChange
from legis.exporters.official import GB_FONTS, Fonts, OfficialDocument
from legis.exporters.wordxml import Column

COMPARISON_COLUMNS = [Column("原条文", 95), Column("修改后条文", 95),
                      Column("修改理由/依据的意见", 53)]


def comparison_rows(changes: list[ArticleChange],
                    opinion_numbers: dict[int, int] | None = None) -> list[list[str]]:
    """One row per change; opinions cited by report 序号 when known, else by id."""
    rows = []
    for change in changes:
        old = f"{change.old_label}　{change.old_text}" if change.old_text else "（新增条文）"
        new = f"{change.new_label}　{change.new_text}" if change.new_text else "（删除）"
        cited = cited_opinions(change.opinion_ids, opinion_numbers)
        why = "\n".join(part for part in (
            change.reason, f"依据的意见：{cited}" if cited else "") if part)
        rows.append([old, new, why])
    return rows


def comparison_table(changes: list[ArticleChange], title: str, *,
                     opinion_numbers: dict[int, int] | None = None,
                     fonts: Fonts = GB_FONTS) -> bytes:
    """The 对照表 .docx on landscape A4 pages, header row repeated on every page."""
    doc = OfficialDocument(fonts, landscape=True)
    doc.title(title)
    doc.blank()
    if changes:
        doc.table(COMPARISON_COLUMNS, comparison_rows(changes, opinion_numbers))
    else:
        doc.para("本草案未作修改。")
    return doc.to_bytes()
