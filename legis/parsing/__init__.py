"""Draft files -> title, preamble, 编/章/节 headings and 条 (pure functions, no DB, no web)."""

from __future__ import annotations

import os
from pathlib import Path

from legis.errors import DraftParseError
from legis.parsing.decode import REPLACEMENT, decode_text, file_kind
from legis.parsing.docx_reader import read_docx
from legis.parsing.model import Line, ParsedArticle, ParsedDraft, ParsedHeading, to_json
from legis.parsing.pagination import clean_copied_text
from legis.parsing.pdf_reader import read_pdf
from legis.parsing.structure import parse_lines

__all__ = [
    "MAX_BYTES", "DraftParseError", "ParsedArticle", "ParsedDraft", "ParsedHeading",
    "parse_bytes", "parse_file", "parse_text", "to_json",
]

MAX_BYTES = 20 * 1024 * 1024


def parse_text(text: str) -> ParsedDraft:
    """Parse draft text (plain or Markdown; any line endings), also text copied out of a PDF.

    Page numbers and running headers are dropped and lines wrapped at the page
    width joined, when the text shows them.
    """
    lines, headers = clean_copied_text(text)
    return parse_lines([Line(line) for line in lines], headers)


def parse_bytes(data: bytes, filename: str = "", *, max_bytes: int = MAX_BYTES) -> ParsedDraft:
    """Parse an uploaded file: .docx (zip) and .pdf are recognised by content, anything else as text."""
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes)
    if not data.strip():
        raise DraftParseError("文件是空的，没有任何文字。请检查是否选错了文件。")
    suffix = Path(filename).suffix.lower()
    kind = file_kind(data)
    if kind == "docx":
        parsed = parse_lines(read_docx(data))
    elif kind == "pdf":
        parsed = parse_lines(*read_pdf(data))
    else:
        if suffix == ".pdf":
            raise DraftParseError(
                "文件扩展名是 .pdf，但内容不是 PDF（可能已损坏或只是改了扩展名）。"
                "请重新导出 PDF，或改用 Word（.docx）/ 纯文本（.txt）文件。"
            )
        if suffix in (".docx", ".xlsx", ".pptx"):
            raise DraftParseError(
                f"文件扩展名是 {suffix}，但内容不是有效的 Word 文件（可能已损坏或只是改了扩展名）。"
                "请在 Word 中打开并另存为 .docx 后再上传。"
            )
        text = decode_text(data)
        parsed = parse_text(text)
        broken = text.count(REPLACEMENT)
        if broken:
            parsed.warnings.insert(
                0, f"文件中有 {broken} 处字节无法按文字读取，已显示为“{REPLACEMENT}”，请核对原文")
    if not parsed.title and filename:
        parsed.title = Path(filename).stem
    return parsed


def parse_file(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> ParsedDraft:
    """Parse a draft file on disk, refusing it by size before reading it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise DraftParseError(f"“{path.name}”不是文件。请选择草案文件。")
        if size > max_bytes:
            raise _too_big(size, max_bytes)
        data = path.read_bytes()
    except FileNotFoundError:
        raise DraftParseError(f"找不到文件“{path}”。请检查路径。") from None
    except PermissionError:
        raise DraftParseError(f"没有权限读取文件“{path}”。") from None
    except OSError as exc:
        raise DraftParseError(f"无法读取文件“{path}”：{exc.strerror or exc}。") from None
    return parse_bytes(data, path.name, max_bytes=max_bytes)


def _too_big(size: int, limit: int) -> DraftParseError:
    return DraftParseError(
        f"文件太大（{size / 1024 / 1024:.1f} MB），上限为 {limit / 1024 / 1024:.0f} MB。"
        "请删去图片等嵌入对象，或把草案正文另存为纯文本后再上传。"
    )
