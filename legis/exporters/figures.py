"""Figures and wording every writer shares, so the report, the sheets and the web page agree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from legis.exporters.model import STATES, ReportData, ReportOpinion
from legis.vocabulary import DispositionState


def percentages(counts: list[int]) -> list[str]:
    """Shares of the total to one decimal, rounded so that they add up to exactly 100.0%.

    Largest-remainder rounding: plain rounding of 1/3, 1/3, 1/3 would print
    33.3% three times and a total row of 100.0% that the column does not sum to.
    """
    total = sum(counts)
    if total == 0:
        return ["0.0%"] * len(counts)
    exact = [c * 1000 / total for c in counts]          # in tenths of a percent
    tenths = [int(x) for x in exact]
    short = 1000 - sum(tenths)
    by_remainder = sorted(range(len(counts)), key=lambda i: exact[i] - tenths[i], reverse=True)
    for i in by_remainder[:short]:
        tenths[i] += 1
    return [f"{t // 10}.{t % 10}%" for t in tenths]


def tally_rows(data: ReportData) -> list[list[object]]:
    """[state, count, share] per state and a 合计 row: the tally table in every format."""
    tally = data.tally()
    counts = [tally[s] for s in STATES]
    rows: list[list[object]] = [[s, c, p] for s, c, p in zip(STATES, counts, percentages(counts))]
    rows.append(["合计", sum(counts), "100.0%" if sum(counts) else "0.0%"])
    return rows


def ordered_opinions(opinions: list[ReportOpinion]) -> list[ReportOpinion]:
    """Opinions article by article (总体意见 first), keeping the given order within an article."""
    return sorted(opinions, key=lambda o: o.article_ordinal)


def units_text(opinion: ReportOpinion) -> str:
    """The 提出单位 cell: contact points, or 网络征集 when it came in online without one."""
    return "、".join(opinion.contact_points) if opinion.contact_points else "网络征集"


def disposition_text(opinion: ReportOpinion) -> str:
    """The 理由或修改情况 cell: how the text changed and/or why."""
    note, reason = opinion.change_note.strip(), opinion.reason.strip()
    if opinion.state == DispositionState.ADOPTED:
        return note or reason or "已按意见修改。"
    if opinion.state == DispositionState.PARTIAL:
        parts = [f"修改情况：{note}" if note else "", f"理由：{reason}" if reason else ""]
        return "\n".join(p for p in parts if p)
    if opinion.state == DispositionState.PENDING:
        return reason or "正在研究。"
    return reason


def summary_line(data: ReportData) -> str:
    """「共归纳意见N条，采纳a条，部分采纳b条，未采纳c条，待研究d条」."""
    tally = data.tally()
    parts = "，".join(f"{state}{tally[state]}条" for state in STATES)
    return f"共归纳意见{len(data.opinions)}条，{parts}。"


def overview_sentence(data: ReportData) -> str:
    """The overview paragraph with the figures of the whole collection."""
    scope = (f"{data.contact_point}" if data.contact_point
             else f"{data.contact_points}个基层立法联系点")
    return (f"本次征求意见，{scope}共组织征求意见活动{len(data.sessions)}场，"
            f"参与群众{data.participants}人次，收集意见建议{data.comments}条，"
            f"经梳理归纳为意见{len(data.opinions)}条。")


def cited_opinions(opinion_ids: list[int], numbers: dict[int, int] | None) -> str:
    """「意见3、意见5」 by the report's 序号; ids the report does not number stay as 意见编号N."""
    numbers = numbers or {}
    return "、".join(f"意见{numbers[i]}" if i in numbers else f"意见编号{i}"
                    for i in opinion_ids)


def cn_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


@dataclass
class ArticleCount:
    """Opinions on one article, per disposition state (for the stacked bar chart)."""

    ordinal: int
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def article_counts(opinions: list[ReportOpinion]) -> list[ArticleCount]:
    """Per-article counts in article order."""
    by_article: dict[int, ArticleCount] = {}
    counts: defaultdict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
    for op in opinions:
        counts[op.article_ordinal][op.state] += 1
        by_article.setdefault(op.article_ordinal,
                              ArticleCount(op.article_ordinal, op.article_label, {}))
    for ordinal, item in by_article.items():
        item.counts = counts[ordinal]
    return [by_article[k] for k in sorted(by_article)]
