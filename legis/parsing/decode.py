"""Bytes -> text: recognise the file kind by content and decode UTF-8/UTF-16/GB18030 text."""

from __future__ import annotations

import re

from legis.errors import DraftParseError
from legis.textclean import strip_controls

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
REPLACEMENT = "\ufffd"

# Magic prefixes of files people upload by mistake, by kind. Shared with other
# importers through binary_format(); each importer words its own advice.
MAGIC = (
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0", "ole"),          # .doc / .xls / .wps (Office 97-2003)
    (b"{\\rtf", "rtf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"\x1f\x8b", "archive"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf", "archive"),
)
_IMAGE_ADVICE = "图片中的文字无法读取，请上传 Word（.docx）或纯文本（.txt）文件"
_ADVICE = {
    "pdf": ("损坏的 PDF 文件", "请重新导出 PDF，或改用 Word（.docx）/ 纯文本（.txt）文件"),
    "ole": ("旧版 Word（.doc）或其他 Office 97-2003 文件", "请在 Word 中打开，另存为 .docx 后再上传"),
    "rtf": ("RTF 文件", "请在 Word 中打开，另存为 .docx 后再上传"),
    "image": ("图片", _IMAGE_ADVICE),
    "archive": ("压缩包", "请解压后上传其中的 Word（.docx）或纯文本（.txt）文件"),
}

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Characters a Chinese draft is made of; anything else in quantity means the
# bytes were not text (or were decoded with the wrong encoding).
_UNUSUAL = re.compile(
    "[^\t\n\r\f\x20-\x7e\u00a0-\u024f\u2000-\u206f\u2100-\u27ff\u3000-\u303f"
    "\u3040-\u30ff\u3100-\u312f\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_SAMPLE = 200_000


def binary_format(data: bytes) -> str | None:
    """'pdf', 'ole', 'rtf', 'image' or 'archive' when the bytes start like one, else None."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    return None


def is_pdf(data: bytes) -> bool:
    """Whether the bytes are a PDF: the %PDF- header, which may follow up to 1 KB of junk."""
    return b"%PDF-" in data[:1024]


def file_kind(data: bytes) -> str:
    """'docx' for a zip container, 'pdf', or 'text'; refuses known non-text formats."""
    if data.startswith(ZIP_MAGIC):
        return "docx"
    if is_pdf(data):
        return "pdf"
    kind = binary_format(data)
    if kind is not None:
        what, todo = _ADVICE[kind]
        raise DraftParseError(f"上传的是{what}，无法读取草案正文。{todo}。")
    return "text"


def decode_text(data: bytes) -> str:
    """Decode a text file: BOM first, then UTF-8, then GB18030 (which covers GBK/GB2312).

    Control characters (a NUL, an escape) are dropped: no draft needs them and
    PostgreSQL refuses a NUL in text.
    """
    return strip_controls(_decode(data))


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding))
            except UnicodeDecodeError:
                raise DraftParseError(
                    "文件开头标明是 Unicode 文本，但内容无法按该编码读取，文件可能已损坏。"
                    "请重新保存为 UTF-8 文本后再上传。"
                ) from None
    if b"\x00" in data[:4096]:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
        raise _not_text()
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text
    # A few broken bytes (a file cut short, one pasted fragment in another
    # encoding) should not cost the whole draft: keep the text, mark the spots
    # with U+FFFD, and let the caller warn about them.
    for encoding in ("utf-8", "gb18030"):
        text = data.decode(encoding, errors="replace")
        if text.count(REPLACEMENT) <= max(1, len(text) // 1000) and _plausible(text):
            return text
    raise DraftParseError(
        "无法识别文件的文字编码，或文件不是文本文件。"
        "请上传 Word（.docx）文件，或保存为 UTF-8 / GBK 编码的纯文本（.txt）后再上传。"
    )


def _utf16_without_bom(data: bytes) -> str | None:
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _plausible(text):
            return text
    return None


def _plausible(text: str) -> bool:
    sample = text[:_SAMPLE]
    if not sample:
        return True
    unusual = len(_UNUSUAL.findall(sample))
    return unusual <= max(2, len(sample) // 100)


def _checked(text: str) -> str:
    if not _plausible(text):
        raise _not_text()
    return text


def _not_text() -> DraftParseError:
    return DraftParseError(
        "文件内容不是文字（可能是图片、压缩包或其他二进制文件）。"
        "请上传 Word（.docx）文件或纯文本（.txt）文件。"
    )
