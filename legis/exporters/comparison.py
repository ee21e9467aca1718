"""The 修改前后对照表: old article | new article (changed words marked) | reason and opinions."""

from __future__ import annotations

from difflib import SequenceMatcher

from legis.exporters.drafting import quote
from legis.exporters.model import ArticleChange, ReportData, ReportOpinion
from legis.exporters.official import GB_FONTS, Fonts, OfficialDocument
from legis.exporters.wordxml import Column, Rich

COMPARISON_COLUMNS = [Column("原条文", 95), Column("修改后条文", 95),
                      Column("修改理由及依据的意见", 53)]


def marked(old: str, new: str) -> tuple[Rich, Rich]:
    """Both texts with what changed marked: removed words struck in the old, added or
    changed words bold and underlined in the new (character diff, as Chinese has no spaces)."""
    olds: list[tuple[str, str]] = []
    news: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            olds.append((old[a0:a1], ""))
            news.append((new[b0:b1], ""))
            continue
        if a1 > a0:
            olds.append((old[a0:a1], "del"))
        if b1 > b0:
            news.append((new[b0:b1], "ins"))
    return Rich(tuple(olds)), Rich(tuple(news))


def cited(opinion_ids: list[int], opinions: dict[int, ReportOpinion]) -> str:
    """The opinions behind a change by their own words and counts, not by a number."""
    return "\n".join(f"“{quote(opinions[i].text, 80)}”（{opinions[i].supporters}条）"
                     for i in opinion_ids if i in opinions)


def comparison_rows(changes: list[ArticleChange],
                    opinions: dict[int, ReportOpinion] | None = None) -> list[list[object]]:
    """One row per change: old and new text with changes marked, reason and opinions."""
    opinions = opinions or {}
    rows: list[list[object]] = []
    for change in changes:
        if change.old_text and change.new_text:
            old, new = marked(f"{change.old_label}　{change.old_text}",
                              f"{change.new_label}　{change.new_text}")
        elif change.new_text:
            old, new = "（新增条文）", Rich(((f"{change.new_label}　{change.new_text}", "ins"),))
        else:
            old, new = Rich(((f"{change.old_label}　{change.old_text}", "del"),)), "（删除）"
        quoted = cited(change.opinion_ids, opinions)
        why = "\n".join(part for part in (
            f"修改理由：{change.reason}" if change.reason else "",
            f"依据的意见：\n{quoted}" if quoted else "") if part)
        rows.append([old, new, why])
    return rows


def comparison_table(data: ReportData, *, fonts: Fonts = GB_FONTS) -> bytes:
    """The 对照表 .docx on landscape A4 pages, header row repeated on every page."""
    doc = OfficialDocument(fonts, landscape=True)
    doc.title(f"《{data.draft_title}》修改前后对照表")
    doc.centered("（加粗并加下划线的为修改、增加的文字，加删除线的为删去的文字）")
    if data.changes:
        doc.table(COMPARISON_COLUMNS,
                  comparison_rows(data.changes, {op.id: op for op in data.opinions}))
    else:
        doc.para("本草案未作修改。")
    return doc.to_bytes()
