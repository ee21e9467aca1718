"""PDF drafts and text copied out of PDFs: page furniture dropped, wrapped lines joined."""

from __future__ import annotations

import pytest

from legis.errors import DraftParseError
from legis.numerals import int_to_cn
from legis.parsing import parse_bytes, parse_text
from tests.copytext import copied_text
from tests.pdfmaker import Page, make_pdf, typeset

TITLE = "某市物业管理条例（草案）"
CHAPTERS = ("总则", "业主和业主大会")
BODY = [
    ("为了规范物业管理活动，维护业主、物业服务企业的合法权益，改善人民群众的生活和工作环境，"
    "根据《物业管理条例》等法律、行政法规，结合本市实际，制定本条例。"),
    ("本条例所称物业管理，是指业主通过选聘物业服务企业，由业主和物业服务企业按照物业服务合同约定，"
    "对房屋及配套的设施设备和相关场地进行维修、养护、管理，维护相关区域内的环境卫生和秩序的活动。"),
    "业主也可以根据法律、法规的规定，对物业实施自行管理。",
    ("市、区人民政府应当将物业管理纳入现代服务业发展规划、社区治理体系，建立健全物业管理综合协调机制；"
    "街道办事处、乡镇人民政府负责组织、指导本辖区内业主大会成立和业主委员会选举工作。"),
    None,
    "业主在物业管理活动中，享有下列权利：",
    "（一）按照物业服务合同的约定，接受物业服务企业提供的服务；",
    "（二）提议召开业主大会会议，并就物业管理的有关事项提出建议；",
    "（三）提出制定和修改管理规约、业主大会议事规则的建议；",
    "（四）参加业主大会会议，行使投票权；",
    "（五）法律、法规规定的其他权利。",
    ("业主大会由物业管理区域内全体业主组成，代表和维护物业管理区域内全体业主在物业管理活动中的合法权益。"
    "一个物业管理区域成立一个业主大会。"),
]
_NUMERALS = "一二三四五六七八九十"


def _numeral(n: int) -> str:
    return _NUMERALS[n - 1] if n <= 10 else "十" + _NUMERALS[n - 11] if n < 20 else "二十" + (
        _NUMERALS[n - 21] if n > 20 else "")


def _sample() -> tuple[list[str], tuple[str, ...]]:
    """Three rounds of two chapters: articles numbered on, 款 and 项 as in real drafts."""
    paragraphs, headings, article, chapter = [], [], 0, 0
    for _ in range(3):
        for i, text in enumerate(BODY):
            if i == 0 or text is None:
                chapter += 1
                heading = f"第{_numeral(chapter)}章 {CHAPTERS[(chapter - 1) % 2]}"
                paragraphs.append(heading)
                headings.append(heading)
                if text is None:
                    continue
            if i in (0, 1, 3, 5, 11):
                article += 1
                text = f"第{_numeral(article)}条 {text}"
            paragraphs.append(text)
    return paragraphs, tuple(headings)


PARAGRAPHS, HEADINGS = _sample()


def expected_articles():
    """The source's articles as (label, paragraphs) — the truth a reader would check against."""
    out = []
    for para in PARAGRAPHS:
        if para in HEADINGS:
            continue
        if para.startswith("第") and "条 " in para[:8]:
            label, first = para.split(" ", 1)
            out.append((label, [first]))
        else:
            out[-1][1].append(para)
    return out


def articles_of(parsed):
    return [(a.label, a.paragraphs) for a in parsed.articles]


@pytest.mark.parametrize("footer", ["— {n} —", "第{n}页 共{total}页", "- {n} -", "{n}"])
def test_pdf_gives_title_stage_and_every_paragraph_whole(footer):
    data = typeset(TITLE, PARAGRAPHS, header=f"《{TITLE}》（征求意见稿）", footer=footer,
                   headings=HEADINGS)
    parsed = parse_bytes(data, "draft.pdf")
    assert parsed.title == TITLE
    assert parsed.stage == "征求意见稿"
    assert articles_of(parsed) == expected_articles()
    assert [h.full for h in parsed.headings] == [h for h in PARAGRAPHS if h in HEADINGS]


def test_pdf_set_flush_left_falls_back_to_punctuation():
    data = typeset(TITLE, PARAGRAPHS, indent=0, headings=HEADINGS, chars=30)
    parsed = parse_bytes(data, "draft.pdf")
    assert parsed.title == TITLE
    assert articles_of(parsed) == expected_articles()


def test_pdf_width_and_page_length_are_read_from_the_layout():
    data = typeset(TITLE, PARAGRAPHS, chars=22, size=12, lines_per_page=26, headings=HEADINGS,
                   header="某市人民代表大会常务委员会公告")
    parsed = parse_bytes(data, "draft.pdf")
    assert parsed.title == TITLE
    assert parsed.stage == ""
    assert articles_of(parsed) == expected_articles()


def test_pdf_is_recognised_by_content_not_by_name():
    data = typeset(TITLE, PARAGRAPHS[:4], headings=HEADINGS)
    assert parse_bytes(data, "draft.txt").title == TITLE


def test_scanned_pdf_without_text_says_so_and_what_to_do():
    with pytest.raises(DraftParseError, match="没有可读取的文字.*扫描件.*OCR"):
        parse_bytes(make_pdf([Page(), Page()]), "scan.pdf")


def test_broken_pdf_is_refused_with_a_message():
    data = typeset(TITLE, PARAGRAPHS)
    with pytest.raises(DraftParseError, match="无法读取这个 PDF"):
        parse_bytes(data[:300], "draft.pdf")


def test_file_named_pdf_that_is_not_one():
    with pytest.raises(DraftParseError, match="扩展名是 .pdf，但内容不是 PDF"):
        parse_bytes("第一条 内容。".encode(), "draft.pdf")


def test_copied_text_drops_page_numbers_and_header_and_joins_lines():
    text = copied_text(TITLE, PARAGRAPHS, header=f"{TITLE}（征求意见稿）", headings=HEADINGS)
    parsed = parse_text(text)
    assert parsed.title == TITLE
    assert parsed.stage == "征求意见稿"
    assert articles_of(parsed) == expected_articles()


def test_copied_text_without_indents_never_splits_a_sentence():
    # Without indents a line ending a sentence exactly at the page width, followed
    # by a short line, may end its 款 or not: the text cannot tell. Everything
    # else must come out whole.
    text = copied_text(TITLE, PARAGRAPHS, header=f"《{TITLE}》（征求意见稿）", headings=HEADINGS,
                       keep_indent=False, footer="第{n}页 共{total}页")
    parsed = parse_text(text)
    assert parsed.title == TITLE
    assert [a.label for a in parsed.articles] == [label for label, _ in expected_articles()]
    found = [p for a in parsed.articles for p in a.paragraphs]
    assert all(p.endswith(("。", "；", "：")) for p in found)
    assert "".join(found) == "".join(p for _, ps in expected_articles() for p in ps)
    assert all("页" not in p and "征求意见稿" not in p for p in found)


def test_issue_example_article_one_of_a_code_is_one_paragraph():
    text = (
        "中华人民共和国刑法\n"
        "第一条 为了惩罚犯罪，保护人民，根据宪法，结合我国同犯罪作斗争的具体经验及实际\n"
        "情况，制定本法。\n"
        "第二条 中华人民共和国刑法的任务，是用刑罚同一切犯罪行为作斗争，以保卫国家安\n"
        "全，保卫人民民主专政的政权和社会主义制度，保护国有财产和劳动群众集体所有的\n"
        "财产，保护公民私人所有的财产，保护公民的人身权利、民主权利和其他权利，维护\n"
        "社会秩序、经济秩序，保障社会主义建设事业的顺利进行。\n"
        "第三条 法律明文规定为犯罪行为的，依照法律定罪处刑；法律没有明文规定为犯罪\n"
        "行为的，不得定罪处刑。\n"
        "\n— 1 —\n"
    )
    parsed = parse_text(text)
    assert parsed.articles[0].paragraphs == [
        "为了惩罚犯罪，保护人民，根据宪法，结合我国同犯罪作斗争的具体经验及实际情况，制定本法。"]
    assert [len(a.paragraphs) for a in parsed.articles] == [1, 1, 1]


def test_plain_text_with_one_paragraph_per_line_is_not_joined():
    text = "某条例\n第一条 总则的规定\n第二条 甲\n乙方的义务\n丙\n"
    parsed = parse_text(text)
    assert [a.paragraphs for a in parsed.articles] == [["总则的规定"], ["甲", "乙方的义务", "丙"]]


def test_running_header_that_repeats_the_title_exactly():
    data = typeset(TITLE, PARAGRAPHS, header=TITLE, headings=HEADINGS, footer="第{n}页 共{total}页")
    parsed = parse_bytes(data, "draft.pdf")
    assert parsed.title == TITLE
    assert articles_of(parsed) == expected_articles()
    text = copied_text(TITLE, PARAGRAPHS, header=TITLE, headings=HEADINGS)
    parsed = parse_text(text)
    assert parsed.title == TITLE
    assert articles_of(parsed) == expected_articles()


@pytest.mark.parametrize("items", [False, True])
def test_articles_of_equal_length_one_a_line_are_never_joined(items):
    # Every line the same width looks like text wrapped at a page width, but a line that
    # opens an article (第二十一条　…) never continues the one before, nor does an item
    # after a finished sentence.
    body = "\n（一）甲乙丙丁戊己庚辛壬癸子丑寅卯；\n（二）甲乙丙丁戊己庚辛壬癸子丑寅卯。" if items else ""
    text = "某市测试条例（草案）\n" + "\n".join(
        f"第{int_to_cn(n)}条　有关单位应当依法办理登记。{body}" for n in range(1, 52))
    parsed = parse_text(text)
    assert [a.number for a in parsed.articles] == list(range(1, 52))
    assert parsed.warnings == []
    assert {len(a.paragraphs) for a in parsed.articles} == {3 if items else 1}
