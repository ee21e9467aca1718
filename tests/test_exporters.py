"""The congress report read back with python-docx: every section, every figure, the attachments."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn

from legis.exporters.docx_report import INTERNAL_MARK, congress_report
from legis.exporters.drafting import Section, draft_sections, opposing
from legis.exporters.figures import ordered_opinions, percentages
from legis.exporters.model import STATES, Letterhead, ReportData, ReportOpinion
from legis.exporters.official import COMMON_FONTS
from legis.exporters.sample import sample_report_data

W_T = qn("w:t")


@pytest.fixture(scope="module")
def data() -> ReportData:
    return sample_report_data(opinions=45, comments=180, articles=25)


@pytest.fixture(scope="module")
def doc(data):
    return Document(BytesIO(congress_report(data)))


def cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs)


def table_with(doc, header: str):
    found = [t for t in doc.tables if header in [c.text for c in t.rows[0].cells]]
    assert len(found) == 1, f"one table with header {header!r}"
    return found[0]


def is_group_row(row) -> bool:
    """A row whose one cell spans every column (python-docx repeats the same cell)."""
    return len({id(c._tc) for c in row.cells}) == 1


def paragraphs(doc) -> list[str]:
    return [p.text.replace("\n", "") for p in doc.paragraphs]


def body_text(doc) -> str:
    return "\n".join(paragraphs(doc))


# -- structure -------------------------------------------------------------------------------
def test_report_has_every_part_in_the_order_it_is_sent(doc, data):
    text = paragraphs(doc)
    order = ["关于《某市历史文化街区保护条例（草案）》征求意见情况的报告", "市人大常委会：",
             "一、基本情况", "二、主要意见及采纳情况", "三、未采纳意见及理由", "四、修改情况",
             "五、下一步工作", "附件：1. 意见采纳情况对照表", "2. 原始意见", data.office,
             "2024年6月3日", "附件1", "意见采纳情况对照表", "附件2", "原始意见"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    # The 落款 comes after the body, not under the title.
    assert text.index(data.office) > text.index("五、下一步工作")
    # The opening names the office and the period.
    opening = text[text.index("市人大常委会：") + 1]
    assert opening.startswith(f"根据工作安排，{data.office}于2024年5月6日至2024年6月5日")


def test_basics_state_channels_points_and_online_comments_as_counted_here(doc, data):
    comments = [c for op in data.opinions for c in op.comments]
    by_channel = Counter(c.channel for c in comments)
    online_only = sum(1 for c in comments if c.contact_point is None)
    points = {c.contact_point for c in comments if c.contact_point}
    text = body_text(doc)
    basics = text[text.index("一、基本情况"):text.index("二、主要意见及采纳情况")]
    assert f"共有{len(points)}个基层立法联系点" in basics
    assert f"报送意见建议{len(comments) - online_only}条" in basics
    assert f"另通过网络征集意见建议{online_only}条" in basics
    channels = "、".join(f"{ch}{by_channel[ch]}条" for ch in ("现场", "线上", "书面", "电话")
                        if by_channel[ch])
    assert f"共收集意见建议{len(comments)}条，按渠道分：{channels}。" in basics
    assert f"组织座谈会等征求意见活动{len(data.meetings)}场" in basics
    assert f"参加群众{sum(s.participants for s in data.meetings)}人次" in basics
    assert f"归纳为意见{len(data.opinions)}条" in basics


def test_online_comments_are_credited_to_network_not_to_points():
    data = sample_report_data(opinions=20, comments=80)
    online = [c for op in data.opinions for c in op.comments if c.contact_point is None]
    assert online, "the sample has comments sent online without a contact point"
    doc = Document(BytesIO(congress_report(data)))
    contrast = table_with(doc, "条文")
    cells = "\n".join(cell_text(r.cells[1]) for r in contrast.rows[1:])
    assert cells.count("网络征集") == sum(
        1 for op in data.opinions if any(c.contact_point is None for c in op.comments))
    appendix = table_with(doc, "意见原文")
    units = [r.cells[3].text for r in appendix.rows[1:] if not is_group_row(r)]
    assert units.count("网络征集") == len(online)


def test_tally_table_counts_and_percentages_add_up(doc, data):
    table = table_with(doc, "占比")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    counted = Counter(op.state for op in data.opinions)
    assert [r[0] for r in rows] == [*STATES, "合计"]
    for state, count, share in rows[:-1]:
        assert int(count) == counted[state]
        assert abs(float(share[:-1]) - counted[state] * 100 / len(data.opinions)) <= 0.1
    assert int(rows[-1][1]) == len(data.opinions)
    assert sum(round(float(r[2][:-1]) * 10) for r in rows[:-1]) == 1000
    assert rows[-1][2] == "100.0%"
    summary = (f"共归纳意见{len(data.opinions)}条，采纳{counted['采纳']}条，部分采纳"
               f"{counted['部分采纳']}条，未采纳{counted['未采纳']}条，待研究{counted['待研究']}条。")
    assert summary in body_text(doc)


def test_main_opinions_go_article_by_article_with_counts(doc, data):
    text = body_text(doc)
    part = text[text.index("二、主要意见及采纳情况"):text.index("三、未采纳意见及理由")]
    labels = []
    for op in ordered_opinions(data.opinions):
        if op.article_label not in labels:
            labels.append(op.article_label)
    headings = re.findall(r"（[一二三四五六七八九十]+）关于(\S+?)\n", part)
    assert headings == labels
    for label in labels:
        ops = [op for op in data.opinions if op.article_label == label]
        scope = "对草案总体" if label == "总体意见" else "对本条"
        assert f"{scope}共收到意见{sum(op.supporters for op in ops)}条，归纳为{len(ops)}项。" in part
    top = max(data.opinions, key=lambda o: o.supporters)
    assert f"{top.supporters}条意见（" in part and top.text.rstrip("。") in part


@pytest.fixture(scope="module")
def thirds(data) -> ReportData:
    """45 opinions split 15/15/15 over three states: thirds that do not round to 100."""
    states = ["采纳", "部分采纳", "未采纳"]
    opinions = [replace(o, state=states[i % 3], reason="已有规定" if i % 3 else "",
                        change_note="" if i % 3 else "已修改")
                for i, o in enumerate(data.opinions)]
    return replace(data, opinions=opinions)


def test_thirds_print_as_shares_adding_up_to_the_total(thirds):
    table = table_with(Document(BytesIO(congress_report(thirds))), "占比")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    # Three thirds print as 33.4 + 33.3 + 33.3, so the column adds up to the 合计 row.
    assert rows == [["采纳", "15", "33.4%"], ["部分采纳", "15", "33.3%"],
                    ["未采纳", "15", "33.3%"], ["待研究", "0", "0.0%"], ["合计", "45", "100.0%"]]


def test_opposing_views_are_set_side_by_side():
    data = sample_report_data(opinions=4, comments=10)
    for op in data.opinions:
        op.article_ordinal, op.article_label = 3, "第三条"
    data.opinions[0].text, data.opinions[0].supporters = "建议提高罚款数额。", 6
    data.opinions[1].text, data.opinions[1].supporters = "建议降低罚款数额，以教育为主。", 3
    assert opposing(data.opinions) == (data.opinions[0], data.opinions[1])
    text = next(s.text for s in draft_sections(data) if s.key == "opinions")
    assert "意见不一：有6条意见（" in text and "提出，建议提高罚款数额；也有3条意见（" in text
    assert "建议降低罚款数额，以教育为主。" in text


def test_no_default_wording_that_can_be_false():
    data = sample_report_data(opinions=6, comments=12)
    support, pending = data.opinions[0], data.opinions[1]
    support.text, support.state, support.change_note, support.reason = "赞成尽快出台。", "采纳", "", ""
    pending.state, pending.reason, pending.change_note = "待研究", "", ""
    doc = Document(BytesIO(congress_report(data)))
    everything = body_text(doc) + "\n".join(
        cell_text(c) for t in doc.tables for r in t.rows for c in r.cells)
    assert "已按意见修改" not in everything and "正在研究。" not in everything
    contrast = table_with(doc, "条文")
    row = next(r for r in contrast.rows[1:] if "赞成尽快出台" in cell_text(r.cells[1]))
    assert cell_text(row.cells[2]) == "采纳"        # nothing made up beside the decision


def test_rejected_section_gives_each_reason(doc, data):
    text = body_text(doc)
    part = text[text.index("三、未采纳意见及理由"):text.index("四、修改情况")]
    rejected = [op for op in data.opinions if op.state == "未采纳"]
    assert f"共有{len(rejected)}项意见未予采纳（涉及原始意见{sum(o.supporters for o in rejected)}条）" in part
    for reason in {op.reason.rstrip("。") for op in rejected}:
        assert f"理由：{reason}。" in part


def test_next_steps_only_state_what_is_true():
    data = sample_report_data(opinions=10, comments=20)
    pending = sum(1 for op in data.opinions if op.state == "待研究")
    text = next(s.text for s in draft_sections(data) if s.key == "next")
    assert (f"对尚在研究的{pending}项意见" in text) == bool(pending)
    assert "已向社会公开" not in text
    data.published = True
    assert "意见采纳情况已向社会公开" in next(s.text for s in draft_sections(data) if s.key == "next")


def test_staff_sections_and_letterhead_are_what_is_printed(data):
    edited = [Section(s.key, s.title, s.text) for s in draft_sections(data)]
    edited[1] = Section("basics", "基本情况", "（一）总体情况\n这是工作人员改写的基本情况。")
    data2 = ReportData(**{**data.__dict__, "letterhead": Letterhead(
        addressee="市人大常委会办公厅", doc_number="某人大法工〔2024〕7号", signatory="法工委",
        attachments=["意见采纳情况对照表"])})
    doc = Document(BytesIO(congress_report(data2, edited)))
    text = paragraphs(doc)
    assert "某人大法工〔2024〕7号" in text and "市人大常委会办公厅：" in text
    assert "这是工作人员改写的基本情况。" in text and "（一）总体情况" in text
    heading = next(p for p in doc.paragraphs if p.text == "（一）总体情况")
    assert heading.style.name == "Heading 2"
    assert "附件：意见采纳情况对照表" in text and "原始意见" not in text
    assert text[-3:] != ["法工委"] and "法工委" in text


# -- attachments -----------------------------------------------------------------------------
def test_contrast_table_groups_opinions_under_the_article_text(doc, data):
    table = table_with(doc, "条文")
    assert [c.text for c in table.rows[0].cells] == ["条文", "意见", "采纳情况"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    rows = table.rows[1:]
    ordered = ordered_opinions(data.opinions)
    assert len(rows) == len(ordered)
    texts = {a.ordinal: a.text for a in data.articles}
    previous = None
    for n, (row, op) in enumerate(zip(rows, ordered), 1):
        article, opinion, outcome = (cell_text(c) for c in row.cells)
        assert opinion.startswith(f"{n}. {op.text}")
        assert f"（{op.supporters}条：" in opinion
        assert outcome.split("\n")[0] == op.state
        if op.article_ordinal != previous:
            expected = op.article_label + (f"　{texts[op.article_ordinal]}"
                                           if op.article_ordinal in texts else "")
            assert article == expected
        else:
            assert article == ""
        previous = op.article_ordinal
    assert rows[0].cells[0].text.startswith("总体意见") == (ordered[0].article_ordinal == 0)


def test_appendix_lists_every_comment_grouped_by_opinion(doc, data):
    table = table_with(doc, "意见原文")
    rows = table.rows[1:]
    groups = [r for r in rows if is_group_row(r)]
    comments = [r for r in rows if not is_group_row(r)]
    total = sum(len(o.comments) for o in data.opinions)
    assert len(comments) == total
    assert len(groups) == sum(1 for o in data.opinions if o.comments)
    assert [int(r.cells[0].text) for r in comments] == list(range(1, total + 1))
    expected = [c for o in ordered_opinions(data.opinions) for c in o.comments]
    for row, c in zip(comments, expected):
        assert cell_text(row.cells[2]) == c.text
        assert row.cells[3].text == (c.contact_point or "网络征集")
        assert row.cells[4].text == c.channel
        assert row.cells[6].text == c.phone
    first = ordered_opinions(data.opinions)[0]
    assert groups[0].cells[0].text.startswith(f"1. {first.article_label}：")
    assert groups[0].cells[0].text.endswith(f"原始意见{len(first.comments)}条）")
    assert f"（共{total}条，按归纳意见分组）" in body_text(doc)


def test_public_version_is_masked_and_internal_one_is_marked(doc):
    appendix = table_with(doc, "意见原文")
    phones = [r.cells[6].text for r in appendix.rows[1:] if not is_group_row(r)]
    assert all(re.fullmatch(r"1\d\d\*{4}\d{4}", p) for p in phones)
    names = [r.cells[5].text for r in appendix.rows[1:] if not is_group_row(r)]
    assert all(re.fullmatch(r"(欧阳|\w)某", n) for n in names)
    assert INTERNAL_MARK not in paragraphs(doc)

    internal = Document(BytesIO(congress_report(sample_report_data(8, 20, internal=True))))
    first = internal.paragraphs[0]
    assert first.text == INTERNAL_MARK                       # line 1, top left
    run = first.runs[0]._r.find(qn("w:rPr"))
    assert run.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    assert run.find(qn("w:sz")).get(qn("w:val")) == "32"     # 3号
    assert first.paragraph_format.first_line_indent in (None, 0)
    assert all(not s.header.paragraphs[0].text for s in internal.sections)
    appendix = table_with(internal, "意见原文")
    phones = [r.cells[6].text for r in appendix.rows[1:] if not is_group_row(r)]
    assert all(re.fullmatch(r"1\d{10}", p) for p in phones)


def test_changes_section_prints_each_paragraph_and_cites_opinions_by_text(doc, data):
    text = paragraphs(doc)
    for change in data.changes:
        first, *rest = change.new_text.splitlines()
        assert f"修改后：{change.new_label}　{first}" in text
        for line in rest:
            assert line in text
        for oid in change.opinion_ids:
            op = next(o for o in data.opinions if o.id == oid)
            assert any(f"“{op.text.rstrip('。')}”（{op.supporters}条）" in p for p in text)


def test_empty_report_and_awkward_text():
    data = sample_report_data(3, 3)
    data.opinions[0].text = "含<尖括号>&“引号”\x07和控制字符\n第二行"
    data.opinions = data.opinions[:1]
    doc = Document(BytesIO(congress_report(data)))
    row = table_with(doc, "条文").rows[1]
    assert cell_text(row.cells[1]).startswith("1. 含<尖括号>&“引号”和控制字符\n第二行")

    empty = ReportData(draft_title="空草案", office="法工委", report_date=data.report_date,
                       contact_point=None, contact_points=0, meetings=[], participants=0,
                       comments=0, opinions=[])
    doc = Document(BytesIO(congress_report(empty)))
    assert len(table_with(doc, "条文").rows) == 1
    tally = table_with(doc, "占比")
    assert [c.text for c in tally.rows[-1].cells] == ["合计", "0", "0.0%"]
    assert "未收到意见建议。" in body_text(doc)
    assert "没有未予采纳的意见" in body_text(doc)


def test_common_fonts_variant_uses_bold_songti_title():
    doc = Document(BytesIO(congress_report(sample_report_data(3, 3), fonts=COMMON_FONTS)))
    title = doc.styles["Legis Title"]
    assert title.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia")) == "宋体"
    assert title.font.bold


@pytest.mark.parametrize("counts", [[1, 1, 1, 0], [2, 1, 0, 0], [7, 9, 22, 2], [1, 0, 0, 0],
                                    [333, 333, 334, 1], [1, 1, 1, 1, 1, 1, 1]])
def test_percentages_always_sum_to_100(counts):
    shares = percentages(counts)
    assert sum(round(float(s[:-1]) * 10) for s in shares) == 1000
    for c, s in zip(counts, shares):
        assert abs(float(s[:-1]) - c * 100 / sum(counts)) < 0.1 + 1e-9


def test_opinion_without_comments_names_network():
    op = ReportOpinion(1, "第一条", 1, "建议。", 0, [], "采纳")
    from legis.exporters.figures import units_text

    assert units_text(op) == "网络征集"


def test_supportive_opinion_is_adopted_with_its_reason_not_rejected():
    data = sample_report_data(opinions=3, comments=3)
    support = data.opinions[0]
    support.text, support.state = "赞成尽快出台本条例。", "采纳"
    support.change_note, support.reason = "", "草案已有规定（已体现）"
    doc = Document(BytesIO(congress_report(data)))
    row = next(r for r in table_with(doc, "条文").rows[1:]
               if "赞成尽快出台" in cell_text(r.cells[1]))
    assert cell_text(row.cells[2]) == "采纳\n理由：草案已有规定（已体现）"
    opinions_text = next(s.text for s in draft_sections(data) if s.key == "opinions")
    assert "该意见已采纳，草案已有规定（已体现）。" in opinions_text


def test_opposing_views_beyond_direction_words_come_from_the_contrast_check():
    """允许 / 不允许 and 二百元 / 五千元 use no direction word: merging's contrast reasons
    (否定不同, 数字不同) find them; two different points (用词不同) are not opposite views."""
    data = sample_report_data(opinions=4, comments=12)
    texts = ["对不清理犬粪的，建议罚款二百元。", "对不清理犬粪的，建议罚款五千元。",
             "建议允许犬只进入城市公园。", "建议不允许犬只进入城市公园。"]
    for op, text, n in zip(data.opinions, texts, (2, 2, 5, 3), strict=True):
        op.article_ordinal, op.article_label, op.text, op.supporters = 3, "第三条", text, n
    ranked = sorted(data.opinions, key=lambda o: -o.supporters)
    assert opposing(ranked) == (data.opinions[2], data.opinions[3])
    assert opposing([data.opinions[0], data.opinions[1]]) == (data.opinions[0], data.opinions[1])
    text = next(s.text for s in draft_sections(data) if s.key == "opinions")
    assert "意见不一：有5条意见（" in text and "建议允许犬只进入城市公园；也有3条意见（" in text
    different = sample_report_data(opinions=2, comments=4)
    different.opinions[0].text = "建议由街道办事处负责犬只登记。"
    different.opinions[1].text = "建议由公安机关负责犬只登记。"
    assert opposing(different.opinions) is None


def test_direction_words_on_unrelated_matters_are_not_opposing_views():
    data = sample_report_data(opinions=2, comments=4)
    data.opinions[0].text = "建议删除居民自住房屋的改造由区人民政府负责的规定。"
    data.opinions[1].text = "建议增加商业招牌设置的具体标准，避免执法时无所适从。"
    assert opposing(data.opinions) is None
    assert "意见不一" not in next(s.text for s in draft_sections(data) if s.key == "opinions")


def test_point_submission_numbers_its_parts_only_when_there_are_several():
    """A point with meetings of its own only lists them without a lonely 「（一）」; with a
    child point's meeting, each point gets its numbered heading, the child's named."""
    from datetime import date

    from legis.exporters.model import ReportMeeting
    from legis.exporters.submission import point_submission

    data = sample_report_data(opinions=10, comments=30, contact_point="东湖街道代表之家")
    texts = paragraphs(Document(BytesIO(point_submission(data))))
    sessions = texts[texts.index("一、征求意见活动"):texts.index("二、收集的意见建议")]
    assert len(data.meetings) == 1 and not any(t.startswith("（一）") for t in sessions)
    assert any(t.startswith("1. ") and data.meetings[0].title in t for t in sessions)

    data.meetings.append(ReportMeeting("幸福社区居民恳谈会", "幸福社区联系点", date(2024, 5, 20),
                                       "幸福社区活动室", 14, "王某"))
    texts = paragraphs(Document(BytesIO(point_submission(data))))
    sessions = texts[texts.index("一、征求意见活动"):texts.index("二、收集的意见建议")]
    assert "（一）东湖街道代表之家" in sessions and "（二）幸福社区联系点（下级联系点）" in sessions
    assert sessions.index("（二）幸福社区联系点（下级联系点）") < next(
        i for i, t in enumerate(sessions) if "幸福社区居民恳谈会" in t)
