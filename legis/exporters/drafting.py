"""The report's text drafted from the data: every section a staff member would otherwise write.

Every sentence states a figure or a decision that is in the data; nothing is a
default that can be false ("已按意见修改" only when a change was recorded). Staff
edit the drafts in legis (see legis/services/report_texts.py); these functions
only ever produce the first draft.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from legis.exporters.figures import cn_date, ordered_opinions, source_text, summary_line
from legis.exporters.model import CHANNELS, ONLINE_UNIT, ReportData, ReportOpinion
from legis.numerals import int_to_cn
from legis.vocabulary import DispositionState

MAX_ARTICLES = 40          # articles discussed one by one in 主要意见; the rest are in 附件1
MAX_PER_ARTICLE = 3        # opinions quoted per article, most supported first
MAX_REJECTED = 30          # 未采纳 opinions quoted in 未采纳意见及理由
QUOTE_CHARS = 120


@dataclass(frozen=True)
class Section:
    """One editable part of the report: ``key`` identifies it across re-drafts."""

    key: str
    title: str                 # heading without its number; "" for the opening paragraph
    text: str                  # paragraphs separated by newlines; "（一）…" lines are subheadings


SECTION_TITLES = {"opening": "", "basics": "基本情况", "opinions": "主要意见及采纳情况",
                  "rejected": "未采纳意见及理由", "next": "下一步工作"}


def draft_sections(data: ReportData) -> list[Section]:
    """The office's report to the congress, section by section, from the figures in ``data``."""
    return [Section(key, SECTION_TITLES[key], text) for key, text in (
        ("opening", _opening(data)), ("basics", _basics(data)), ("opinions", _opinions(data)),
        ("rejected", _rejected(data)), ("next", _next_steps(data)))]


def period_text(data: ReportData) -> str:
    start, end = data.period
    if start and end:
        return f"{cn_date(start)}至{cn_date(end)}"
    return cn_date(start or end)


def _opening(data: ReportData) -> str:
    when = period_text(data)
    return (f"根据工作安排，{data.office}" + (f"于{when}" if when else "")
            + f"就《{data.draft_title}》征求意见。现将有关情况报告如下：")


def channel_text(data: ReportData) -> str:
    """「现场12条、线上30条」: the channels that brought comments, in the usual order."""
    counts = data.channels()
    return "、".join(f"{c}{counts[c]}条" for c in CHANNELS if counts.get(c))


def _basics(data: ReportData) -> str:
    paragraphs = []
    online = data.online_without_point()
    via_points = data.comments - online
    names = data.point_names
    listed = "、".join(names[:8]) + ("等" if len(names) > 8 else "")
    first = ""
    if names:
        first += f"共有{len(names)}个基层立法联系点（{listed}）参与征求意见"
        first += (f"，组织座谈会等征求意见活动{len(data.meetings)}场，参加群众{data.participants}人次"
                  if data.meetings else "")
        first += f"，报送意见建议{via_points}条"
        if online:
            first += f"；另通过网络征集意见建议{online}条"
    else:
        first += f"通过网络征集意见建议{online}条" if online else "未收到意见建议"
    first += "。"
    paragraphs.append(first)
    if data.comments:
        paragraphs.append(f"共收集意见建议{data.comments}条，按渠道分：{channel_text(data)}。"
                          f"经梳理归纳为意见{len(data.opinions)}条。")
        top = _busiest_articles(data.opinions, 3)
        if top:
            paragraphs.append("从意见分布看，群众关注较多的是"
                              + "、".join(f"{label}（{n}条）" for label, n in top) + "。")
    return "\n".join(paragraphs)


def _busiest_articles(opinions: list[ReportOpinion], n: int) -> list[tuple[str, int]]:
    totals: dict[str, int] = defaultdict(int)
    order: dict[str, int] = {}
    for op in opinions:
        if op.article_ordinal:
            totals[op.article_label] += op.supporters
            order[op.article_label] = op.article_ordinal
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], order[kv[0]]))
    return ranked[:n]


def _opinions(data: ReportData) -> str:
    lines = [summary_line(data)]
    groups = _by_article(data.opinions)
    if len(groups) > MAX_ARTICLES:
        kept = sorted(groups, key=lambda g: -sum(op.supporters for op in g[1]))[:MAX_ARTICLES]
        left_out = len(groups) - MAX_ARTICLES
        groups = sorted(kept, key=lambda g: g[1][0].article_ordinal)
    else:
        left_out = 0
    for i, (label, ops) in enumerate(groups, 1):
        lines.append(f"（{int_to_cn(i)}）关于{label}")
        lines.append(_article_paragraph(ops))
    if left_out:
        lines.append(f"另有{left_out}条条文收到的意见较少，具体意见及采纳情况见附件1。")
    return "\n".join(lines)


def _by_article(opinions: list[ReportOpinion]) -> list[tuple[str, list[ReportOpinion]]]:
    groups: dict[int, list[ReportOpinion]] = defaultdict(list)
    for op in ordered_opinions(opinions):
        groups[op.article_ordinal].append(op)
    return [(ops[0].article_label, sorted(ops, key=lambda o: (-o.supporters, o.id)))
            for _, ops in sorted(groups.items())]


def _article_paragraph(ops: list[ReportOpinion]) -> str:
    comments = sum(op.supporters for op in ops)
    scope = "对草案总体" if ops[0].article_ordinal == 0 else "对本条"
    head = f"{scope}共收到意见{comments}条，归纳为{len(ops)}项。"
    pair = opposing(ops)
    quoted: list[ReportOpinion] = []
    parts = []
    if pair:
        one, other = pair
        parts.append(f"意见不一：{_claim(one, '有')}；{_claim(other, '也有')}。"
                     f"{_outcome(one)}{_outcome(other)}")
        quoted += [one, other]
    for op in ops:
        if len(quoted) >= MAX_PER_ARTICLE:
            break
        if op in quoted:
            continue
        parts.append(f"{_claim(op, '有')}。{_outcome(op)}")
        quoted.append(op)
    rest = len(ops) - len(quoted)
    tail = f"其余{rest}项意见见附件1。" if rest else ""
    return head + "".join(parts) + tail


def _claim(op: ReportOpinion, lead: str) -> str:
    return f"{lead}{op.supporters}条意见（{source_text(op)}）提出，{quote(op.text)}"


def _outcome(op: ReportOpinion) -> str:
    """What became of one opinion, only from what staff recorded."""
    note, reason = _sentence(op.change_note), _sentence(op.reason)
    if op.state == DispositionState.ADOPTED:
        return "该意见已采纳" + (f"：{note}" if note else (f"，{reason}" if reason else "")) + "。"
    if op.state == DispositionState.PARTIAL:
        return "该意见部分采纳" + (f"：{note}" if note else "") + (
            f"；{reason}" if reason else "") + "。"
    if op.state == DispositionState.REJECTED:
        return "该意见未采纳" + (f"，理由是：{reason}" if reason else "") + "。"
    return "该意见尚在研究，未作决定。"


def _sentence(text: str) -> str:
    return " ".join(text.split()).rstrip("。；;.")


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """An opinion's text on one line without its final full stop, clipped when very long."""
    text = _sentence(text)
    return text if len(text) <= limit else text[: limit - 1] + "……"


def opposing(ops: list[ReportOpinion]) -> tuple[ReportOpinion, ReportOpinion] | None:
    """The most supported pair of opinions on one article that pull opposite ways on an axis
    (提高 / 降低, 增加 / 删除, 支持 / 反对 …, the same word lists merging uses)."""
    from legis.matching.lexicon import directions
    from legis.matching.normalise import basic

    sides = [(op, directions(basic(op.text))) for op in ops[:20]]   # most supported
    best = None
    for i, (a, da) in enumerate(sides):
        for b, db in sides[i + 1:]:
            if any(ax == bx and s != t for ax, s in da for bx, t in db):
                weight = a.supporters + b.supporters
                if best is None or weight > best[0]:
                    best = (weight, a, b)
    return (best[1], best[2]) if best else None


def _rejected(data: ReportData) -> str:
    rejected = [op for op in ordered_opinions(data.opinions) if op.state == DispositionState.REJECTED]
    if not rejected:
        return "本次征求意见中，没有未予采纳的意见。"
    lines = [(f"共有{len(rejected)}项意见未予采纳（涉及原始意见"
              f"{sum(op.supporters for op in rejected)}条），主要情况如下：")]
    by_reason: dict[str, list[ReportOpinion]] = defaultdict(list)
    for op in rejected:
        by_reason[_sentence(op.reason) or "（未填写理由）"].append(op)
    groups = sorted(by_reason.items(), key=lambda kv: -sum(op.supporters for op in kv[1]))
    shown = covered = 0
    for n, (reason, ops) in enumerate(groups, 1):
        if shown >= MAX_REJECTED:
            break
        items = sorted(ops, key=lambda o: (-o.supporters, o.article_ordinal))[:5]
        shown += len(items)
        covered += len(ops)
        listed = "；".join(f"{op.article_label}“{quote(op.text, 60)}”（{op.supporters}条）"
                          for op in items)
        more = f"等{len(ops)}项意见" if len(ops) > len(items) else ""
        lines.append(f"{n}. {listed}{more}。理由：{reason}。")
    if covered < len(rejected):
        lines.append(f"其余{len(rejected) - covered}项未采纳意见及理由见附件1。")
    return "\n".join(lines)


def _next_steps(data: ReportData) -> str:
    pending = sum(1 for op in data.opinions if op.state == DispositionState.PENDING)
    lines = [("下一步，我们将根据常委会组成人员的审议意见和本次征求意见情况，"
              "会同有关方面对草案作进一步修改完善。")]
    if pending:
        lines.append(f"对尚在研究的{pending}项意见，将继续研究论证，在草案修改中统筹考虑。")
    lines.append("意见采纳情况已向社会公开，群众可凭回执码查询。" if data.published else
                 "审议结束后，将通过各基层立法联系点和网上回音壁向提出意见的群众反馈采纳情况。")
    return "\n".join(lines)


def points_sentence(data: ReportData) -> str:
    """Who the comments came from, for the 附件 and the point's submission."""
    names = list(data.point_names)
    if data.online_without_point():
        names.append(ONLINE_UNIT)
    return "、".join(names)
