"""legis.parsing refuses bad input with a DraftParseError in Chinese, never a traceback."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from legis.errors import DraftParseError
from legis.parsing import MAX_BYTES, parse_bytes, parse_file

DRAFT = "某条例（草案）\n第一条 为了规范管理，制定本条例。\n第二条 本条例自公布之日起施行。\n"


def refused(data: bytes, filename: str = "draft", **kwargs) -> str:
    with pytest.raises(DraftParseError) as info:
        parse_bytes(data, filename, **kwargs)
    message = info.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)   # told in Chinese
    return message


@pytest.mark.parametrize("data", [b"", b"   \r\n\t", "　\n".encode()])
def test_empty_file(data):
    assert "空" in refused(data, "draft.txt")


@pytest.mark.parametrize("data, words", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "图片"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "图片"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".doc"),
    (b"{\\rtf1\\ansi ...}", "RTF"),
])
def test_known_non_text_formats(data, words):
    message = refused(data, "upload.bin")
    assert words in message
    assert "请" in message        # and what to do


def test_binary_junk():
    junk = bytes((i * 7919 + 13) % 256 for i in range(5000))
    message = refused(junk, "draft.txt")
    assert "不是文字" in message


def test_binary_without_nul_bytes_is_not_taken_for_gb18030():
    junk = bytes(0x80 + (i * 37) % 0x7f for i in range(3000))
    message = refused(junk, "draft.txt")
    assert "编码" in message and "条文" not in message


def test_docx_name_but_not_a_zip():
    message = refused(DRAFT.encode("utf-8"), "draft.docx")
    assert ".docx" in message


def test_damaged_zip():
    message = refused(b"PK\x03\x04" + b"\x00garbage" * 20, "draft.docx")
    assert "Word" in message


def test_zip_without_document_xml():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    message = refused(buffer.getvalue(), "draft.docx")
    assert "word/document.xml" in message


def test_no_article():
    message = refused("关于某事项的说明\n这是说明文字，没有条文。\n".encode(), "a.txt")
    assert "条文" in message


def test_over_the_size_limit_in_bytes():
    message = refused(DRAFT.encode("utf-8"), "a.txt", max_bytes=10)
    assert "太大" in message


def test_file_size_checked_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:           # sparse: large on paper, nothing to read
        handle.truncate(MAX_BYTES + 1)

    def no_read(self):
        raise AssertionError("read the whole file before checking its size")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    with pytest.raises(DraftParseError, match="太大"):
        parse_file(path)


def test_parse_file_reads_a_good_file(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_bytes(DRAFT.encode("gb18030"))
    parsed = parse_file(str(path))
    assert parsed.title == "某条例（草案）"
    assert len(parsed.articles) == 2


def test_missing_file(tmp_path):
    with pytest.raises(DraftParseError, match="找不到"):
        parse_file(tmp_path / "nope.txt")


def test_directory(tmp_path):
    with pytest.raises(DraftParseError):
        parse_file(tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_bytes(DRAFT.encode("utf-8"))
    path.chmod(0)
    with pytest.raises(DraftParseError, match="权限"):
        parse_file(path)
