"""Refuse hostile Office (zip + XML) files before any XML parser sees them: zip bombs, XXE."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from legis.errors import DraftParseError

MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200          # uncompressed / compressed, per member
MAX_MEMBERS = 5_000
_RATIO_FLOOR = 1024 * 1024   # small members may compress absurdly well; that is harmless

_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def check_office_zip(
    data: bytes,
    *,
    required: str | None = None,
    kind: str = "Office",
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: int = MAX_RATIO,
) -> None:
    """Raise DraftParseError unless ``data`` is a sane Office zip.

    Checks the declared sizes (total and per-member compression ratio) before
    anything is decompressed, that ``required`` (e.g. ``word/document.xml`` or
    ``xl/workbook.xml``) is present, and that no XML part carries a DOCTYPE or
    ENTITY declaration. ``kind`` names the file in messages ("Word", "Excel").
    """
    damaged = DraftParseError(
        f"文件不是有效的 {kind} 文件（压缩包结构已损坏，或只是改了扩展名）。"
        f"请在 {kind} 中打开并重新保存后再上传。"
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise damaged from None
    if len(members) > MAX_MEMBERS:
        raise _bomb(kind)
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and (
            info.compress_size == 0 or info.file_size / info.compress_size > max_ratio
        ):
            raise _bomb(kind)
    if total > max_uncompressed:
        raise _bomb(kind, total)
    names = {info.filename for info in members}
    if required and required not in names:
        raise DraftParseError(
            f"文件是压缩包，但不是 {kind} 文件（缺少 {required}）。"
            f"请上传用 {kind} 正常保存的文件。"
        )
    for info in members:
        # Every part, whatever its name: Word parses a part as XML when
        # [Content_Types].xml says so, not by its extension.
        if info.is_dir():
            continue
        try:
            # ZipExtFile never returns more than the declared file_size, so the
            # total checked above bounds what is read here.
            with archive.open(info) as member:
                blob = member.read()
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError,
                ValueError, OSError, EOFError):
            raise damaged from None
        if _has_dtd(blob):
            raise DraftParseError(
                f"{kind} 文件中含有不允许的 XML 声明（DOCTYPE/ENTITY），出于安全原因拒绝读取。"
                f"请在 {kind} 中打开后另存为新文件再上传。"
            )


# How an XML parser tells the encoding from the first bytes (XML 1.0, appendix F).
_SNIFF = (
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
    (b"\x00<\x00", "utf-16-be"), (b"<\x00", "utf-16-le"),
    (b"\xef\xbb\xbf", "utf-8"), (b"\x4c\x6f\xa7\x94", "cp037"),   # "<?xm" in EBCDIC
)
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")


def _has_dtd(blob: bytes) -> bool:
    """True when ``blob``, read as the XML parser would read it, declares a DTD or an entity.

    Checked in every encoding the parser could choose: the one its first bytes
    imply, the one its XML declaration names, and UTF-8. A part whose declared
    encoding we cannot decode counts as hostile.
    """
    if _DTD.search(blob):
        return True
    encodings = {"utf-8"}
    for prefix, encoding in _SNIFF:
        if blob.startswith(prefix):
            encodings.add(encoding)
            break
    declared = _DECLARED.match(blob.lstrip(b"\xef\xbb\xbf"))
    if declared:
        encodings.add(declared.group(1).decode("ascii").lower())
    for encoding in encodings:
        try:
            text = blob.decode(encoding, errors="replace")
        except LookupError:
            return True
        if _DTD.search(text.encode("utf-8", "replace")):
            return True
    return False


def _bomb(kind: str, total: int | None = None) -> DraftParseError:
    size = f"（解压后约 {total / 1024 / 1024:.0f} MB）" if total else ""
    return DraftParseError(
        f"{kind} 文件解压后异常巨大{size}，疑似压缩炸弹，已拒绝读取。"
        f"请检查文件来源，或在 {kind} 中删去嵌入的大对象后重新保存再上传。"
    )
