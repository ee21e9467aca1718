"""Titles: nested book-title marks come out whole; stage lines become the version's name."""

from __future__ import annotations

import io

import docx
import pytest

from legis.parsing import parse_bytes, parse_text

BODY = "第一条 为了规范本办法的适用，制定本办法。\n第二条 本办法自公布之日起施行。\n"


@pytest.mark.parametrize("title", [
    "浙江省实施《中华人民共和国消费者权益保护法》办法（草案）",
    "最高人民法院关于适用《中华人民共和国民法典》合同编通则若干问题的解释（一）（草案）",
    "关于修改《某市〈物业管理条例〉实施细则》的决定（草案）",
    "某省实施《中华人民共和国〈老年人权益保障法〉》若干规定（草案）",
])
def test_nested_book_titles_in_a_consultation_notice_come_out_whole(title):
    text = (f"关于公开征求《{title}》意见的公告\n"
            f"现将《{title}》全文公布，征求社会各界意见。\n"
            f"{title}\n{BODY}")
    parsed = parse_text(text)
    assert parsed.title == title
    assert len(parsed.articles) == 2


def test_notice_without_the_title_line_uses_the_name_in_the_notice():
    title = "浙江省实施《中华人民共和国消费者权益保护法》办法（草案）"
    parsed = parse_text(f"关于征求《{title}》修改意见的通知\n各有关单位：\n{BODY}")
    assert parsed.title == title


def test_title_line_wrapped_in_book_marks_with_a_nested_title():
    parsed = parse_text("《某省实施〈中华人民共和国道路交通安全法〉办法》\n" + BODY)
    assert parsed.title == "某省实施〈中华人民共和国道路交通安全法〉办法"


@pytest.mark.parametrize("stage", ["征求意见稿", "草案修改稿", "二次审议稿", "送审稿", "第二次征求意见稿"])
def test_stage_line_after_the_title_is_the_stage_not_the_title(stage):
    parsed = parse_text(f"某市物业管理条例（草案）\n（{stage}）\n{BODY}")
    assert parsed.title == "某市物业管理条例（草案）"
    assert parsed.stage == stage
    assert parsed.preamble == ""


def test_stage_printed_in_the_title_line_or_above_it():
    parsed = parse_text("某市养犬管理条例（征求意见稿）\n" + BODY)
    assert (parsed.title, parsed.stage) == ("某市养犬管理条例", "征求意见稿")
    parsed = parse_text("征求意见稿\n某市养犬管理条例\n" + BODY)
    assert (parsed.title, parsed.stage) == ("某市养犬管理条例", "征求意见稿")


def test_draft_suffix_on_its_own_line_stays_in_the_title():
    parsed = parse_text("某市养犬管理条例\n（草案）\n（征求意见稿）\n" + BODY)
    assert (parsed.title, parsed.stage) == ("某市养犬管理条例（草案）", "征求意见稿")


def test_docx_with_its_own_stage_line():
    document = docx.Document()
    document.add_paragraph("某市历史文化街区保护条例（草案）", style="Title")
    document.add_paragraph("（征求意见稿）")
    document.add_paragraph("第一条 为了保护历史文化街区，制定本条例。")
    document.add_paragraph("第二条 本条例自公布之日起施行。")
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = parse_bytes(buffer.getvalue(), "draft.docx")
    assert parsed.title == "某市历史文化街区保护条例（草案）"
    assert parsed.stage == "征求意见稿"
    assert [a.label for a in parsed.articles] == ["第一条", "第二条"]
