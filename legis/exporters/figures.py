"""Figures and wording every writer shares, so the report, the sheets and the web page agree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from legis.exporters.model import CHANNELS, ONLINE_UNIT, STATES, ReportData, ReportOpinion
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


def share_value(text: str) -> float:
    """「21.6%」 as the number 0.216, for a spreadsheet cell formatted as a percentage."""
    return round(float(text.rstrip("%")) / 100, 4)


def ordered_opinions(opinions: list[ReportOpinion]) -> list[ReportOpinion]:
    """Opinions article by article (总体意见 first), keeping the given order within an article."""
    return sorted(opinions, key=lambda o: o.article_ordinal)


def units_text(opinion: ReportOpinion) -> str:
    """The 提出单位 cell: contact points, and 网络征集 for comments sent online without one."""
    names = list(opinion.contact_points)
    if not names or ONLINE_UNIT in opinion.source_tally():
        names.append(ONLINE_UNIT)
    return "、".join(names)


def source_text(opinion: ReportOpinion) -> str:
    """「东湖街道代表之家2条、网络征集1条」: where an opinion's comments came from."""
    counts = {key: sum(row.values()) for key, row in opinion.source_tally().items()}
    if not counts:
        return units_text(opinion)
    online = counts.pop(ONLINE_UNIT, 0)
    parts = [f"{name}{n}条" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "、".join(parts + ([f"{ONLINE_UNIT}{online}条"] if online else []))


def disposition_text(opinion: ReportOpinion) -> str:
    """The 理由或修改情况 cell: only what staff recorded (how the text changed, and why).

    Nothing is filled in by default: "已按意见修改" for an opinion that changed no
    text, or "正在研究" given as a reason, would be false. The checks before export
    list opinions missing a change note or a reason instead.
    """
    note, reason = opinion.change_note.strip(), opinion.reason.strip()
    parts = [f"修改情况：{note}" if note else "", f"理由：{reason}" if reason else ""]
    if opinion.state == DispositionState.ADOPTED and note and not reason:
        return note
    return "\n".join(p for p in parts if p)


def summary_line(data: ReportData) -> str:
    """「共归纳意见N条，采纳a条，部分采纳b条，未采纳c条，待研究d条」."""
    tally = data.tally()
    parts = "，".join(f"{state}{tally[state]}条" for state in STATES)
    return f"共归纳意见{len(data.opinions)}条，{parts}。"


def cited_opinions(opinion_ids: list[int], numbers: dict[int, int] | None) -> str:
    """「意见3、意见5」 by the report's 序号; ids the report does not number stay as 意见编号N."""
    numbers = numbers or {}
    return "、".join(f"意见{numbers[i]}" if i in numbers else f"意见编号{i}"
                    for i in opinion_ids)


def cn_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


@dataclass
class ArticleCount:
    """Comments on one article, per disposition state (for the stacked bar chart)."""

    ordinal: int
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def article_counts(opinions: list[ReportOpinion]) -> list[ArticleCount]:
    """Comments per article and disposition state (of the opinion each joined), article order."""
    by_article: dict[int, ArticleCount] = {}
    counts: defaultdict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
    for op in opinions:
        counts[op.article_ordinal][op.state] += op.supporters
        by_article.setdefault(op.article_ordinal,
                              ArticleCount(op.article_ordinal, op.article_label, {}))
    for ordinal, item in by_article.items():
        item.counts = counts[ordinal]
    return [by_article[k] for k in sorted(by_article)]


def source_counts(opinions: list[ReportOpinion]) -> list[tuple[str, dict[str, int]]]:
    """Comments per contact point and channel, most first; 网络征集 (no point) last."""
    counts: defaultdict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CHANNELS, 0))
    for op in opinions:
        for source, channels in op.source_tally().items():
            row = counts[source]
            for channel, n in channels.items():
                row[channel] = row.get(channel, 0) + n
    online = counts.pop(ONLINE_UNIT, None)
    ordered = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return ordered + ([(ONLINE_UNIT, online)] if online else [])
