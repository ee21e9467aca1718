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
is reported.

HAND (added by branch i13o) holds pairs written one by one, not from slots: for every
contrast kind issue 13 names (a negation anywhere in a clause, 不能不/未必/并非/别/不必 among
them; 应当/可以/不得; 以上/以下, 不超过/不低于, 全部/部分/半数/三分之二; a number or a unit
changed; 甲改为乙 against 乙改为甲; 消防检查/卫生检查, 财政补贴/居民自筹), each opinion with
harmless copies written by hand (a reason added, a particle, a homophone slip, a listed
synonym, a wrapper). They are all on the "held" half (rows marked "source": "hand"): they
measure the check, they were not read to change it.
Run: python tests/data/make_minimal_pairs.py
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


# (article, [(kind, [text, harmless copies ...]), ...]): the first group of an article is
# the opinion ("paraphrase"), each other one a contrast of the named kind. Every text of
# a group is the same opinion; every two groups of an article are different opinions.
HAND: list[tuple[str, list[tuple[str, list[str]]]]] = [
    ("路灯第八条", [
        ("paraphrase", ["背街小巷需要安装路灯", "背街小巷需要安装路灯吧",
                        "背街小巷需要安装路灯，方便居民夜间出行", "背街小巷需要按装路灯",
                        "我觉得背街小巷需要安装路灯，谢谢"]),
        ("negation", ["背街小巷未必需要安装路灯", "背街小巷未必需要安装路灯，晚上走的人很少"]),
        ("negation", ["背街小巷不需要安装路灯", "背街小巷不需要安装路灯啊"]),
    ]),
    ("电梯第二十一条", [
        ("paraphrase", ["电动自行车不得进入电梯", "电瓶车不得进入电梯",
                        "电动自行车不得进入电梯，容易起火", "电动自行车不得进入升降梯",
                        "电动自行车不得近入电梯"]),
        ("modality", ["电动自行车可以进入电梯", "电瓶车可以进入电梯，方便上楼充电"]),
    ]),
    ("物业第四十条", [
        ("paraphrase", ["物业公司调整收费标准应当经业主大会同意",
                        "物业服务企业调整收费标准应该经业主大会同意",
                        "物业公司调整收费标准应当经业主大会同意，不能说涨就涨",
                        "物业公司调整收费标准应当经业主大会同意的",
                        "物业公司调整收费标准因当经业主大会同意"]),
        ("modality", ["物业公司调整收费标准可以经业主大会同意",
                      "物业公司调整收费标准可以经业主大会同意吧"]),
        ("negation", ["物业公司调整收费标准不必经业主大会同意",
                      "物业公司调整收费标准不必经业主大会同意，公示就行"]),
        ("quantity", ["物业公司调整收费标准应当经半数业主同意",
                      "物业公司调整收费标准应当经半数业主同意，不然没人管"]),
        ("quantity", ["物业公司调整收费标准应当经三分之二业主同意",
                      "物业公司调整收费标准应该经三分之二业主同意"]),
    ]),
    ("停车第十二条", [
        ("paraphrase", ["住宅小区停车位租金每月不超过三百元", "住宅小区停车位租金每月不超过300元",
                        "住宅小区停车位租金每月不超过三百元，现在太贵了",
                        "住宅小区停车位租金每个月不超过三百元", "住宅小区车位租金每月不超过三百元"]),
        ("antonym", ["住宅小区停车位租金每月不低于三百元",
                     "住宅小区停车位租金每月不低于三百元，太便宜了没人腾车位"]),
        ("number", ["住宅小区停车位租金每月不超过五百元", "住宅小区停车位租金每月不超过500元"]),
        ("unit", ["住宅小区停车位租金每年不超过三百元", "住宅小区停车位租金每年不超过三百元吧"]),
    ]),
    ("消防第二十五条", [
        ("paraphrase", ["餐饮店每季度接受一次消防检查", "餐饮店每季度接受1次消防检查",
                        "餐饮店每季度接受一次消防检查，厨房油烟太容易着火了",
                        "餐饮店每个季度接受一次消防检查", "麻烦看一下，餐饮店每季度接受一次消防检查"]),
        ("wording", ["餐饮店每季度接受一次卫生检查", "餐饮店每季度接受一次卫生检查，后厨太脏了"]),
        ("wording", ["餐饮店每季度接受一次燃气检查", "餐饮店每季度接受1次燃气检查"]),
    ]),
    ("加装电梯第十六条", [
        ("paraphrase", ["老旧小区加装电梯的费用由财政补贴", "老旧小区加装电梯的费用由财政补贴吧",
                        "老旧小区加装电梯的费用由财政补贴，老人爬楼太难了",
                        "老旧小区加装升降梯的费用由财政补贴", "老旧小区加装电梯地费用由财政补贴"]),
        ("wording", ["老旧小区加装电梯的费用由居民自筹", "老旧小区加装电梯的费用由居民自筹，政府没有这笔钱"]),
        ("wording", ["老旧小区加装电梯的费用由开发商承担", "老旧小区加装电梯的费用由开发商承担吧"]),
    ]),
    ("垃圾分类第九条", [
        ("paraphrase", ["垃圾投放点的管理由物业公司改为居委会", "垃圾投放点的管理由物业服务企业改为居委会",
                        "垃圾投放点的管理由物业公司改成居委会",
                        "垃圾投放点的管理由物业公司改为居委会，物业根本不管",
                        "垃圾投放点的管理由物业公司改为居民委员会"]),
        ("swap", ["垃圾投放点的管理由居委会改为物业公司",
                  "垃圾投放点的管理由居委会改成物业公司，居委会人手不够"]),
    ]),
    ("噪声第十八条", [
        ("paraphrase", ["广场舞音响音量应当控制在六十分贝以下", "广场舞音响音量应当控制在60分贝以下",
                        "广场舞音响音量应该控制在六十分贝以下",
                        "广场舞音响音量应当控制在六十分贝以下，孩子晚上要睡觉",
                        "广场舞音响音量应当控制在六十分贝以下嘛"]),
        ("antonym", ["广场舞音响音量应当保持在六十分贝以上",
                     "广场舞音响音量应当保持在六十分贝以上，太小了听不见"]),
    ]),
    ("占道经营第七条", [
        ("paraphrase", ["早市摊贩收摊后应当清扫摊位", "早市摊贩收摊后应该清扫摊位",
                        "早市摊贩收摊后应当清扫摊位，不然满地都是菜叶",
                        "早市摊贩收摊后应当清扫一下摊位", "早市摊贩收摊后应当清扫摊位啊"]),
        ("negation", ["早市摊贩收摊后不必清扫摊位", "早市摊贩收摊后不必清扫摊位，有环卫工人扫"]),
    ]),
    ("控烟第十四条", [
        ("paraphrase", ["请勿在电梯里吸烟", "请勿在电梯里吸烟，烟味散不出去", "请勿再电梯里吸烟",
                        "请勿在升降梯里吸烟", "请勿在电梯里吸烟哦"]),
        ("wording", ["请勿在楼道里吸烟", "请勿在楼道里吸烟，烟味散不出去"]),
    ]),
    ("烟花爆竹第五条", [
        ("paraphrase", ["春节期间别在小区里放鞭炮", "春节期间别在小区里放鞭炮，吓到小孩",
                        "春节期间别在小区里放鞭炮了", "春节期间别再小区里放鞭炮",
                        "春节期间别在社区里放鞭炮"]),
        ("negation", ["春节期间允许在小区里放鞭炮", "春节期间允许在小区里放鞭炮，图个热闹"]),
    ]),
    ("维修资金第二十条", [
        ("paraphrase", ["维修资金的收益全部用于电梯维修", "维修资金的收益全部用于电梯维修，电梯老出故障",
                        "维修基金的收益全部用于电梯维修", "维修资金的收益全部用于升降梯维修",
                        "维修资金地收益全部用于电梯维修"]),
        ("quantity", ["维修资金的收益部分用于电梯维修", "维修资金的收益一部分用于电梯维修，剩下的存起来"]),
        ("quantity", ["维修资金的收益半数用于电梯维修", "维修资金的收益半数用于电梯维修吧"]),
    ]),
    ("业主大会第六条", [
        ("paraphrase", ["业主大会的决定应当在小区公告栏公示十五日", "业主大会的决定应当在小区公告栏公示15天",
                        "业主大会的决定应该在小区公告栏公示十五日",
                        "业主大会的决定应当在小区公告栏公布十五日",
                        "业主大会的决定应当在小区公告栏公示十五日，好让上班的人也能看到"]),
        ("number", ["业主大会的决定应当在小区公告栏公示三十日", "业主大会的决定应当在小区公告栏公示30日"]),
        ("unit", ["业主大会的决定应当在小区公告栏公示十五个月", "业主大会的决定应当在小区公告栏公示十五个月吧"]),
    ]),
    ("配套设施第十一条", [
        ("paraphrase", ["新建小区可以不配建幼儿园", "新建小区可以不配建幼儿园，周边已经有好几所",
                        "新建小区可不配建幼儿园", "新建小区可以不配建幼儿园吧", "新建小区可以不配建幼儿圆"]),
        ("negation", ["新建小区不能不配建幼儿园", "新建小区不能不配建幼儿园，孩子上学太远了"]),
    ]),
    ("共享单车第九条", [
        ("paraphrase", ["共享单车乱停主要是企业管理的问题", "共享单车乱停主要是企业管理的问题，调度员太少",
                        "共享单车乱停主要是企业管理地问题", "共享单车乱停主要是企业管理的问题吧",
                        "我认为共享单车乱停主要是企业管理的问题"]),
        ("negation", ["共享单车乱停并非主要是企业管理的问题",
                      "共享单车乱停并非主要是企业管理的问题，是骑车的人不自觉"]),
    ]),
    ("装修第十条", [
        ("paraphrase", ["业主装修可以在周末施工", "业主装修可以在周末施工，平时要上班没人看着",
                        "业主装修可在周末施工", "业主装修可以再周末施工", "业主装修可以在周末施工吧"]),
        ("modality", ["业主装修不得在周末施工", "业主装修不得在周末施工，大家要休息"]),
    ]),
]


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
    for article, groups in HAND:
        for kind, texts in groups:
            for n, body in enumerate(texts):
                rows.append({"id": f"m{len(rows) + 1:04d}", "article": article, "group": group,
                             "kind": kind, "split": "held", "text": body,
                             "variant": "base" if n == 0 else "harmless", "source": "hand"})
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
