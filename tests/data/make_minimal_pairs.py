"""Writes tests/data/minimal_pairs.jsonl: comments on drafts the labelled set does not
cover, built as systematic variants of a few base opinions.

Written as another author than the matcher's rules: the base texts, the roles, the
politeness, the reasons and the slips below were written for this file without reading
legis/matching/data, and every contrast is made by a rule on the text (a slot filled with
another value), not picked because the matcher catches it.

Each base is one opinion with slots in braces: {modal}, {role}, {period}, {number},
{direction}, {scope} and {verb}. A slot is filled with its first value for the base
opinion; a contrast group fills one slot with another value (a duty against a
discretion, another party, another period, another number, the opposite direction,
another share of people, the same verb negated). Each group holds the text and a few
copies with harmless noise (wrappers, a reason added, a homophone slip, traditional
characters, digits, a synonym from the base's own list, clauses in another order).

Rows carry "split": bases are split in two halves by their place in BASES (even: "dev",
odd: "held"); only the "dev" half may be read while changing the matcher, the "held" half
is reported. Run: python tests/data/make_minimal_pairs.py
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import opencc

SEED = 20261207
OUT = Path(__file__).with_name("minimal_pairs.jsonl")

# Slot values: the first is the base opinion's, each other makes a contrast group.
SLOTS: dict[str, list[str]] = {
    "modal": ["必须", "可以"],
    "period": ["每个月", "每年"],
    "direction": ["提高", "降低"],
    "scope": ["所有", "一部分"],
}
# Contrasts a slot makes, named as the kind of contrast.
KIND = {"modal": "modality", "role": "who_decides", "period": "unit", "number": "number",
        "direction": "antonym", "scope": "quantity", "verb": "negation"}

# (article, text with slots, {slot: [values]} for slots whose values belong to this base,
# [(word, synonym)] the same base may be written with).
BASES: list[tuple[str, str, dict[str, list[str]], list[tuple[str, str]]]] = [
    ("控烟第九条", "{scope}室内公共场所{modal}张贴禁止吸烟的标识，由{role}负责检查",
     {"role": ["场所经营者", "卫生健康部门"]},
     [("张贴", "贴出")]),
    ("养老第十四条", "社区养老服务站{modal}{period}上门探访独居老人{number}次，由{role}登记探访情况",
     {"role": ["社区居委会", "老人子女"], "number": ["一", "三"]}, [("独居老人", "一个人住的老人")]),
    ("河道第二十条", "河道两侧{number}米以内{verb}，违者由{role}处罚",
     {"number": ["五", "十五"], "verb": ["禁止钓鱼", "允许钓鱼"], "role": ["水务部门", "街道办事处"]},
     [("违者", "违反的")]),
    ("共享单车第七条", "共享单车企业{modal}{period}清理一次{scope}地铁站口的乱停车辆",
     {}, [("乱停车辆", "乱停的车")]),
    ("摊贩第十一条", "流动摊贩{modal}在{role}划定的区域内经营，收费标准应当{direction}",
     {"role": ["街道办事处", "市场监管部门"]}, [("经营", "摆摊")]),
    ("校园周边第五条", "学校门口{number}百米范围内{verb}网吧和歌舞厅",
     {"number": ["二", "五"], "verb": ["不得开设", "可以开设"]}, [("网吧", "网咖")]),
    ("燃气第十六条", "燃气公司{modal}{period}入户安全检查{number}次，检查费用由{role}承担",
     {"number": ["一", "两"], "role": ["燃气公司", "用户"]}, [("入户", "上门")]),
    ("快递第八条", "快递柜超过{number}小时的保管费{modal}由{role}支付，建议{direction}收费标准",
     {"number": ["十二", "二十四"], "role": ["快递公司", "收件人"]}, [("保管费", "超时费")]),
    ("公厕第十条", "{scope}公共厕所{modal}全天开放，夜间由{role}安排专人保洁",
     {"role": ["环卫部门", "所在社区"]}, [("保洁", "打扫")]),
    ("噪声第二十二条", "夜间施工{modal}提前{number}天告知周边居民，由{role}审批",
     {"number": ["三", "七"], "role": ["住建部门", "生态环境部门"]}, [("告知", "通知")]),
    ("绿化第十二条", "小区绿地{verb}改成停车位，改变用途{modal}经{scope}业主同意",
     {"verb": ["不得", "可以"]}, [("绿地", "绿化带")]),
    ("消防第十九条", "高层住宅的消防设施{modal}{period}检测一次，检测报告由{role}公示",
     {"role": ["物业服务企业", "消防救援机构"]}, [("公示", "公开")]),
    ("菜市场第六条", "农贸市场的摊位费{modal}{direction}，每个摊位每月不超过{number}百元",
     {"number": ["五", "八"]}, [("摊位费", "摊位租金")]),
    ("文明养犬第十三条", "大型犬{verb}，由{role}发放养犬登记证",
     {"verb": ["登记后才能饲养", "不登记也能饲养"], "role": ["公安机关", "农业农村部门"]}, [("饲养", "养")]),
    ("物业第三十条", "物业服务企业{modal}{period}公布公共收益，公共收益的{scope}用于小区维修",
     {}, [("公共收益", "公共部分的收入")]),
    ("加装电梯第九条", "加装电梯的维护费用由{role}分摊，一楼住户{verb}",
     {"role": ["全体住户", "二楼以上住户"], "verb": ["不用分摊", "也要分摊"]}, [("住户", "住的人家")]),
]

WRAP_BEFORE = ["我说一点想法：", "提个小建议，", "麻烦领导看一下：", "作为老住户，", "个人一点浅见，"]
WRAP_AFTER = ["麻烦考虑一下。", "感谢倾听！", "就这些，辛苦了。", "盼回复。", "以上是我的一点想法。"]
REASONS = ["现在这方面问题挺多的。", "我们楼里的老人都有这个想法。", "上次开会时好多人都提了。",
           "这样大家都放心。", "不然总有人钻空子。"]
# Homophone slips people type on phones (the right character, the slip).
SLIPS = [("应", "因"), ("在", "再"), ("做", "作"), ("部", "布"), ("以", "已"), ("检", "捡"),
         ("公", "工"), ("期", "其"), ("次", "此"), ("理", "里")]
DIGITS = {"一": "1", "两": "2", "二": "2", "三": "3", "五": "5", "七": "7", "八": "8",
          "十": "10", "十二": "12", "十五": "15", "二十四": "24"}
_T = opencc.OpenCC("s2t")


def _fill(template: str, own: dict[str, list[str]], changed: str | None) -> str:
    def value(m: re.Match[str]) -> str:
        slot = m.group(1)
        values = own.get(slot) or SLOTS[slot]
        return values[1] if slot == changed else values[0]
    return re.sub(r"\{(\w+)\}", value, template)


def _noisy(text: str, synonyms: list[tuple[str, str]], rng: random.Random) -> str:
    kinds = rng.sample(["wrap", "reason", "slip", "traditional", "digits", "synonym", "order"], 2)
    for kind in kinds:
        if kind == "wrap":
            text = rng.choice(WRAP_BEFORE) + text + rng.choice(WRAP_AFTER)
        elif kind == "reason":
            text = text + "，" + rng.choice(REASONS)
        elif kind == "slip":
            found = [(right, slip) for right, slip in SLIPS if right in text]
            if found:
                right, slip = rng.choice(found)
                text = text.replace(right, slip, 1)
        elif kind == "traditional":
            text = _T.convert(text)
        elif kind == "digits":
            for word in sorted(DIGITS, key=len, reverse=True):
                if word + "次" in text or word + "米" in text or word + "天" in text:
                    text = text.replace(word, DIGITS[word], 1)
                    break
        elif kind == "synonym":
            for word, other in synonyms:
                text = text.replace(word, other)
        elif kind == "order" and "，" in text:
            first, _, rest = text.partition("，")
            text = rest + "，" + first
    return text


def generate() -> list[dict]:
    rng = random.Random(SEED)
    rows: list[dict] = []
    group = 0
    for place, (article, template, own, synonyms) in enumerate(BASES):
        split = "dev" if place % 2 == 0 else "held"
        slots = re.findall(r"\{(\w+)\}", template)
        for changed in [None, *slots]:
            text = _fill(template, own, changed)
            kind = "paraphrase" if changed is None else KIND[changed]
            copies = 5 if changed is None else 3
            texts = [text] + [_noisy(text, synonyms, rng) for _ in range(copies)]
            for n, body in enumerate(texts):
                rows.append({"id": f"m{len(rows) + 1:04d}", "article": article, "group": group,
                             "kind": kind, "split": split, "text": body,
                             "variant": "base" if n == 0 else "noisy"})
            group += 1
    return rows


def main() -> None:
    rows = generate()
    with OUT.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} comments, {len({r['group'] for r in rows})} groups -> {OUT}")


if __name__ == "__main__":
    main()
