"""legis.parsing on small inline texts: structure, encodings, captions, warnings, to_json."""

from __future__ import annotations

import pytest

from legis.errors import DraftParseError
from legis.parsing import parse_bytes, parse_text, to_json

BASIC = """某市物业管理条例（草案）
（2024年5月28日某市第十六届人民代表大会常务委员会第十次会议通过）
第一章 总则
第一条 为了规范物业管理活动，制定本条例。
第二条 本条例适用于本市行政区域内的物业管理活动。
物业管理应当遵循公开、公平的原则。
第二章 业主
第三条 业主享有下列权利：
（一）按照物业服务合同的约定，接受物业服务；
（二）提议召开业主大会会议；
1.业主大会会议；
2.临时会议。
业主应当履行下列义务。
第四条 依照本条例第十二条的规定，业主可以委托他人。
第十二条规定的事项，由业主大会决定。
第五条 本条例自2025年1月1日起施行。
"""


def keys(parsed):
    return [(a.number, a.sub) for a in parsed.articles]


def test_basic_structure_title_dates_and_paths():
    parsed = parse_text(BASIC)
    assert parsed.title == "某市物业管理条例（草案）"
    assert keys(parsed) == [(1, 0), (2, 0), (3, 0), (4, 0), (5, 0)]
    # The adoption-dates line is neither preamble nor an article.
    assert parsed.preamble == ""
    assert "2024年" not in "".join(a.text for a in parsed.articles)
    assert [h.path for h in parsed.headings] == [("第一章 总则",), ("第二章 业主",)]
    assert parsed.articles[0].path == ("第一章 总则",)
    assert parsed.articles[2].path == ("第二章 业主",)
    assert parsed.articles[0].label == "第一条"
    assert parsed.articles[0].text == "为了规范物业管理活动，制定本条例。"
    assert parsed.warnings == []


def test_kuan_xiang_mu_stay_inside_their_article():
    parsed = parse_text(BASIC)
    second, third = parsed.articles[1], parsed.articles[2]
    assert second.paragraphs == ["本条例适用于本市行政区域内的物业管理活动。", "物业管理应当遵循公开、公平的原则。"]
    assert third.paragraphs == [
        "业主享有下列权利：",
        "（一）按照物业服务合同的约定，接受物业服务；",
        "（二）提议召开业主大会会议；",
        "1.业主大会会议；",
        "2.临时会议。",
        "业主应当履行下列义务。",
    ]
    assert third.text == "\n".join(third.paragraphs)


def test_mention_of_an_article_does_not_start_one():
    parsed = parse_text(BASIC)
    fourth = parsed.articles[3]
    assert fourth.number == 4
    assert fourth.paragraphs[1] == "第十二条规定的事项，由业主大会决定。"
    assert 12 not in [a.number for a in parsed.articles]


def test_unseparated_label_in_sequence_is_an_article():
    parsed = parse_text("某条例\n第一条为了规范管理，制定本条例。\n第二条本条例自公布之日起施行。\n")
    assert keys(parsed) == [(1, 0), (2, 0)]
    assert parsed.articles[1].text == "本条例自公布之日起施行。"


def test_crlf_gb18030_and_gbk():
    text = BASIC.replace("\n", "\r\n")
    for encoding in ("gb18030", "gbk"):
        parsed = parse_bytes(text.encode(encoding), "draft.txt")
        assert parsed.title == "某市物业管理条例（草案）"
        assert keys(parsed) == [(n, 0) for n in range(1, 6)]
        assert all("\r" not in p for a in parsed.articles for p in a.paragraphs)


@pytest.mark.parametrize("encoded", [
    b"\xef\xbb\xbf" + BASIC.encode("utf-8"),
    BASIC.encode("utf-16"),                      # BOM, native order
    b"\xfe\xff" + BASIC.encode("utf-16-be"),
    b"\xff\xfe" + BASIC.replace("\n", "\r\n").encode("utf-16-le"),
], ids=["utf8-bom", "utf16", "utf16-be-bom", "utf16-le-bom-crlf"])
def test_bom_encodings(encoded):
    parsed = parse_bytes(encoded, "draft.txt")
    assert parsed.title == "某市物业管理条例（草案）"   # no BOM glued to the title
    assert keys(parsed) == [(n, 0) for n in range(1, 6)]


def test_markdown_marks_are_stripped():
    text = "# 某市养犬管理条例（草案）\n\n## 第一章 总则\n\n**第一条** 为了规范养犬行为，制定本条例。\n\n" \
           "**第二条** 本条例适用于本市。\n\n## 第二章 附则\n\n**第三条** 本条例自公布之日起施行。\n"
    parsed = parse_text(text)
    assert parsed.title == "某市养犬管理条例（草案）"
    assert keys(parsed) == [(1, 0), (2, 0), (3, 0)]
    assert [h.label for h in parsed.headings] == ["第一章", "第二章"]
    assert parsed.articles[0].text == "为了规范养犬行为，制定本条例。"


TOC = """某市市容管理条例
目　　录
第一章　总　　则
第二章　市容管理
第一节　一般规定
第二节　户外广告
第三章　附　　则
第一章　总　　则
　　第一条　为了加强市容管理，制定本条例。
第二章　市容管理
第一节　一般规定
　　第二条　建筑物应当保持整洁。
第二节　户外广告
　　第三条　设置户外广告应当符合规划。
第三章　附　　则
　　第四条　本条例自2025年1月1日起施行。
"""


def test_table_of_contents_is_skipped_and_full_width_spaces_removed():
    parsed = parse_text(TOC)
    assert parsed.title == "某市市容管理条例"
    assert keys(parsed) == [(1, 0), (2, 0), (3, 0), (4, 0)]
    assert [h.path[-1] for h in parsed.headings] == [
        "第一章 总则", "第二章 市容管理", "第一节 一般规定", "第二节 户外广告", "第三章 附则",
    ]
    assert parsed.headings[0].title == "总则"
    assert parsed.articles[2].path == ("第二章 市容管理", "第二节 户外广告")
    assert parsed.articles[0].text == "为了加强市容管理，制定本条例。"
    assert parsed.preamble == ""


def test_toc_without_marker_is_not_counted_twice():
    text = TOC.replace("目　　录\n", "")
    parsed = parse_text(text)
    assert len(parsed.headings) == 5
    assert keys(parsed) == [(1, 0), (2, 0), (3, 0), (4, 0)]


NOTICE = """关于公开征求《某市电梯安全条例（草案）》意见的公告
为了推进科学立法、民主立法，现将《某市电梯安全条例（草案）》全文公布，征求社会各界意见。
征求意见截止日期为2026年12月31日。
附件：某市电梯安全条例（草案）
某市电梯安全条例（草案）
第一条 为了加强电梯安全管理，制定本条例。
第二条 本条例自公布之日起施行。
"""


def test_consultation_notice_before_the_title():
    parsed = parse_text(NOTICE)
    assert parsed.title == "某市电梯安全条例（草案）"
    assert parsed.preamble == ""
    assert keys(parsed) == [(1, 0), (2, 0)]


def test_title_in_book_marks_and_draft_suffix_on_its_own_line():
    parsed = parse_text("《某市节约用水条例》\n（草案）\n第一条 为了节约用水，制定本条例。\n")
    assert parsed.title == "某市节约用水条例（草案）"


def test_preface_goes_to_preamble():
    text = ("某法\n（2020年1月1日通过）\n序　　言\n中国是世界上历史最悠久的国家之一。\n"
            "本法规定了国家的根本制度。\n第一章 总纲\n第一条 国家实行社会主义制度。\n")
    parsed = parse_text(text)
    assert parsed.preamble == "中国是世界上历史最悠久的国家之一。\n本法规定了国家的根本制度。"
    assert keys(parsed) == [(1, 0)]
    assert [h.label for h in parsed.headings] == ["第一章"]


@pytest.mark.parametrize("line, caption", [
    ("第一条（立法目的）为了规范管理，制定本条例。", "立法目的"),
    ("第一条　（立法目的）　为了规范管理，制定本条例。", "立法目的"),
    ("第一条〖目的依据〗为了规范管理，制定本条例。", "目的依据"),
    ("第一条 【目的依据】 为了规范管理，制定本条例。", "目的依据"),
])
def test_captions_are_kept_out_of_the_text(line, caption):
    parsed = parse_text(f"某条例\n{line}\n第二条 本条例自公布之日起施行。\n")
    first = parsed.articles[0]
    assert first.caption == caption
    assert first.text == "为了规范管理，制定本条例。"
    assert parsed.articles[1].caption is None


def test_item_right_after_label_is_not_a_caption():
    parsed = parse_text("某条例\n第一条 （一）本项不是标题。\n")
    assert parsed.articles[0].caption is None
    assert parsed.articles[0].text == "（一）本项不是标题。"


def test_inserted_articles_and_large_numbers():
    text = ("某法\n第一编 总则\n第一分编 通则\n第一章 一般规定\n第一节 适用\n"
            "第四百六十三条 本编调整因合同产生的民事关系。\n第四百六十三条之一 插入的条文。\n"
            "第四百六十三条之二 又一条插入的条文。\n第四百六十四条 合同是协议。\n"
            "第二编 分则\n第一千二百六十条 本法自2021年1月1日起施行。\n")
    parsed = parse_text(text)
    assert keys(parsed) == [(463, 0), (463, 1), (463, 2), (464, 0), (1260, 0)]
    assert parsed.articles[1].label == "第四百六十三条之一"
    assert parsed.articles[0].path == (
        "第一编 总则", "第一分编 通则", "第一章 一般规定", "第一节 适用")
    assert parsed.articles[-1].path == ("第二编 分则",)
    assert [h.level for h in parsed.headings] == ["编", "分编", "章", "节", "编"]
    # Numbering that starts at 463 is fine; only 464 -> 1260 is a gap.
    assert parsed.warnings == ["第四百六十四条之后是第一千二百六十条，缺少第四百六十五条至第一千二百五十九条"]


def test_arabic_article_numbers():
    parsed = parse_text("某办法\n第1条 为了规范管理，制定本办法。\n第2条 第1条所称管理……\n第12条 施行。\n")
    assert keys(parsed) == [(1, 0), (2, 0), (12, 0)]
    assert parsed.articles[2].label == "第12条"
    assert parsed.articles[1].text == "第1条所称管理……"


def test_traditional_characters():
    text = ("機動車登記規定\n目　　錄\n第一章 總　　則\n第二章 附　　則\n第一章 總　　則\n"
            "　　第一條　爲了規範機動車登記，制定本規定。\n第二章 附　　則\n"
            "　　第二條之一　本規定自公布之日起施行。\n")
    parsed = parse_text(text)
    assert parsed.title == "機動車登記規定"                # titles stay as printed
    assert [h.path[-1] for h in parsed.headings] == ["第一章 总则", "第二章 附则"]
    assert [a.label for a in parsed.articles] == ["第一条", "第二条之一"]
    assert parsed.articles[0].text == "爲了規範機動車登記，制定本規定。"
    assert keys(parsed) == [(1, 0), (2, 1)]


def test_bare_fuze_heading_and_appendix_after_the_articles():
    text = ("某法\n第一章 总则\n第一条 总则条文。\n附则\n第二条 本法自公布之日起施行。\n"
            "附件一\n1．某某决定\n2．某某规定\n")
    parsed = parse_text(text)
    assert keys(parsed) == [(1, 0), (2, 0)]
    assert parsed.articles[1].path == ("附则",)
    assert parsed.articles[1].text == "本法自公布之日起施行。"    # appendix lines are not in it
    assert [h.title for h in parsed.headings] == ["总则", "附则", "附件一"]
    assert any("附件一" in w for w in parsed.warnings)


@pytest.mark.parametrize("numbers, warning", [
    ("一 二 三 五", "第三条之后是第五条，缺少第四条"),
    ("十一 十二 十四", "第十二条之后是第十四条，缺少第十三条"),
    ("一 二 六", "第二条之后是第六条，缺少第三条至第五条"),
    ("一 二 二 三", "第二条重复出现（出现在第二条之后）"),
    ("一 三 二 四", "第三条之后是第二条，条文序号顺序颠倒"),
])
def test_numbering_problems_are_warned_not_fixed(numbers, warning):
    text = "某条例\n" + "".join(f"第{n}条 内容。\n" for n in numbers.split())
    parsed = parse_text(text)
    assert warning in parsed.warnings
    assert len(parsed.articles) == len(numbers.split())   # nothing dropped or renumbered


def test_inserted_article_gap():
    parsed = parse_text("某法\n第十条 甲。\n第十条之一 乙。\n第十条之三 丙。\n第十一条 丁。\n")
    assert parsed.warnings == ["第十条之一之后是第十条之三，缺少第十条之二"]


def test_to_json_has_exactly_the_agreed_shape():
    data = to_json(parse_text(BASIC), file="wuye.txt")
    assert set(data) == {"file", "title", "stage", "preamble", "headings", "articles", "warnings"}
    assert data["file"] == "wuye.txt"
    assert set(data["articles"][0]) == {
        "number", "sub", "label", "caption", "path", "text", "paragraphs"}
    assert data["articles"][0]["path"] == ["第一章 总则"]
    assert data["headings"][0] == {"level": "章", "label": "第一章", "title": "总则",
                                   "number": 1, "path": ["第一章 总则"]}


def test_no_article_found():
    with pytest.raises(DraftParseError, match="没有找到任何条文"):
        parse_text("某市物业管理条例\n这只是一段说明文字。\n依照第十二条的规定办理。\n")


def test_empty_text():
    with pytest.raises(DraftParseError, match="空"):
        parse_text(" \n　\n")


def test_toc_with_page_numbers():
    text = ("某条例\n目录\n第一章 总则……………1\n第二章 附则……………3\n"
            "第一章 总则\n第一条 甲。\n第二章 附则\n第二条 乙。\n")
    parsed = parse_text(text)
    assert [h.path[-1] for h in parsed.headings] == ["第一章 总则", "第二章 附则"]
    assert keys(parsed) == [(1, 0), (2, 0)]


def test_heading_title_on_the_next_line():
    parsed = parse_text("某条例\n第一章\n总则\n第一条 为了规范管理，制定本条例。\n")
    assert parsed.headings[0].path == ("第一章 总则",)
    assert parsed.articles[0].text == "为了规范管理，制定本条例。"


def test_missing_title_is_warned_and_filled_from_the_file_name():
    data = "第一章 总则\n第一条 为了规范管理，制定本条例。\n".encode()
    parsed = parse_bytes(data, "养犬管理条例.txt")
    assert parsed.title == "养犬管理条例"
    assert any("标题" in w for w in parsed.warnings)
    assert keys(parsed) == [(1, 0)]


def test_attachment_marker_above_the_title():
    parsed = parse_text("附件1\n某市养犬管理条例（草案）\n第一条 为了规范养犬行为，制定本条例。\n")
    assert parsed.title == "某市养犬管理条例（草案）"


def test_a_stray_broken_byte_keeps_the_text_and_warns():
    data = BASIC.encode("utf-8").replace("本条例适用于".encode(), b"\xff" + "本条例适用于".encode())
    parsed = parse_bytes(data, "draft.txt")
    assert keys(parsed) == [(n, 0) for n in range(1, 6)]
    assert "无法按文字读取" in parsed.warnings[0]


def test_repealed_article_text_is_not_a_caption():
    parsed = parse_text("某法\n第一条 甲。\n第二条 （删去）\n第三条 丙。\n")
    assert parsed.articles[1].caption is None
    assert parsed.articles[1].text == "（删去）"
