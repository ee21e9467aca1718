"""A made-up but realistic ReportData, for benchmarks, rendering checks, tests and demos."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from legis.exporters.masking import mask_name, mask_phone
from legis.exporters.model import (
    STATES,
    ArticleChange,
    ReportArticle,
    ReportComment,
    ReportData,
    ReportMeeting,
    ReportOpinion,
)
from legis.numerals import article_label

CONTACT_POINTS = ["东湖街道代表之家", "西城社区联络站", "南山村联络站", "滨江法院联络站",
                  "高新区企业联络站", "北门律师事务所联络站", "老城社区联络站", "新港社区联络站"]
CHANNELS = ("现场", "线上", "书面", "电话")
_TOPICS = ["历史建筑的修缮责任", "街区内机动车停放", "商业招牌的设置", "居民自住房屋的改造",
           "非物质文化遗产的传承", "保护资金的来源", "违法拆除的处罚", "公众参与的程序"]
_ASKS = ["建议明确", "建议增加", "建议删除", "建议细化", "建议将", "希望规定"]
_TAILS = ["的具体标准，避免执法时无所适从。", "由区人民政府负责，并明确时限。",
          "中的“等”字，列举应当完整。", "的罚款数额，与上位法保持一致。",
          "征求居民意见的方式，不能只在网上公示。", "，对困难家庭给予补助。"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗欧阳"


def _sentence(rng: random.Random) -> str:
    return rng.choice(_ASKS) + rng.choice(_TOPICS) + rng.choice(_TAILS)


def sample_report_data(opinions: int = 40, comments: int = 160, articles: int = 30,
                       *, seed: int = 7, internal: bool = False,
                       contact_point: str | None = None) -> ReportData:
    """A draft with ``opinions`` merged opinions holding ``comments`` comments in all."""
    rng = random.Random(seed)
    points = [contact_point] if contact_point else CONTACT_POINTS
    start = datetime(2024, 5, 6, 9, 0)
    meetings = [ReportMeeting(f"{p}征求意见座谈会", p, date(2024, 5, 6 + i % 20),
                              f"{p}会议室", rng.randint(12, 40))
                for i, p in enumerate(points)]
    # Every opinion gets at least one comment; the rest are spread unevenly.
    sizes = [1] * opinions
    for _ in range(max(comments - opinions, 0)):
        sizes[min(int(rng.expovariate(1 / max(opinions / 6, 1))), opinions - 1)] += 1
    result: list[ReportOpinion] = []
    cid = 0
    for oid in range(1, opinions + 1):
        ordinal = 0 if rng.random() < 0.08 else rng.randint(1, articles)
        label = "总体意见" if ordinal == 0 else article_label(ordinal)
        state = rng.choices(STATES, weights=(3, 2, 4, 1))[0]
        text = _sentence(rng)
        items = []
        for _ in range(sizes[oid - 1]):
            cid += 1
            point = contact_point or rng.choice([*points, None])
            name = rng.choice(_SURNAMES) + rng.choice("小晓建国秀丽") + rng.choice("明华英军")
            phone = f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
            items.append(ReportComment(
                id=cid, text=text.replace("建议", rng.choice(["我建议", "建议", "希望"]), 1)
                + ("\n另外，" + _sentence(rng) if rng.random() < 0.1 else ""),
                article_label=label, contact_point=point,
                meeting=f"{point}征求意见座谈会" if point else None,
                channel=rng.choice(CHANNELS) if point else "线上",
                created_at=start + timedelta(minutes=7 * cid),
                name=name if internal else mask_name(name),
                community=rng.choice(["东湖社区", "西城社区", "南山村"]),
                phone=phone if internal else mask_phone(phone),
                receipt_code=f"R{cid:07d}"))
        names = [c.contact_point for c in items if c.contact_point]
        ranked = sorted(set(names), key=lambda n: (-names.count(n), n))
        reason = {"采纳": "", "部分采纳": "上位法已有规定，仅作文字调整。",
                  "未采纳": "该事项属于区人民政府职责，不宜在条例中规定。",
                  "待研究": "涉及多个部门职责，需进一步调研。"}[state]
        note = "已在该条增加相应规定。" if state in ("采纳", "部分采纳") else ""
        result.append(ReportOpinion(oid, label, ordinal, text, len(items), ranked, state,
                                    reason, note, items))
    # One change per article, in article order, as a revision gives them.
    first = {o.article_ordinal: o for o in reversed(result)
             if o.state == "采纳" and o.article_ordinal}
    adopted = [first[n] for n in sorted(first)][:6]
    changes = [ArticleChange(o.article_label, "历史文化街区内的建筑物，应当按照规定进行保护。",
                             o.article_label,
                             "历史文化街区内的建筑物，由所有人负责修缮，区人民政府给予指导和补助。",
                             [o.id], "采纳群众意见，明确修缮责任。") for o in adopted]
    used = {c.contact_point for o in result for c in o.comments if c.contact_point}
    return ReportData(
        draft_title="某市历史文化街区保护条例（草案）", office="某市人大常委会法制工作委员会",
        report_date=date(2024, 6, 3), contact_point=contact_point,
        contact_points=len(used),
        point_names=[p for p in points if p in used],
        period=(date(2024, 5, 6), date(2024, 6, 5)),
        articles=[ReportArticle(n, article_label(n), _article_text(rng, n))
                  for n in range(1, articles + 1)],
        meetings=meetings, participants=sum(s.participants for s in meetings),
        comments=cid, opinions=result, internal=internal, changes=changes)


def _article_text(rng: random.Random, n: int) -> str:
    """An article of one to three 款, the way the parser stores it (款 on separate lines)."""
    paragraphs = ["历史文化街区内的" + rng.choice(_TOPICS) + "，应当遵守本条例和有关法律、法规的规定。",
                  "区人民政府应当组织编制保护规划，明确" + rng.choice(_TOPICS) + "的具体要求，"
                  "并向社会公布。", "违反本条规定的，由有关部门责令限期改正。"]
    return "\n".join(paragraphs[: 1 + n % 3])
