"""Rules for an uploaded file, whatever it is for (a draft, a version, comments, contact points)."""

from __future__ import annotations

from legis.errors import TooLarge, ValidationError


def check_upload(data: bytes, *, limit: int) -> None:
    """Refuse an empty or oversized upload with a message saying what to do.

    ``data`` may hold one byte more than ``limit``: the caller reads no further,
    so a huge file is never read whole.
    """
    if len(data) > limit:
        raise TooLarge(f"文件超过{limit // (1024 * 1024)}MB的上限，请压缩图片或拆分后再上传。",
                       field="file")
    if not data:
        raise ValidationError("上传的文件是空的，请检查后重新选择。", field="file")
