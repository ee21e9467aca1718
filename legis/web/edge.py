"""What is refused before any handler runs: control characters in the address, unknown hosts,
bodies over the limit (checked by web/front.py)."""

from __future__ import annotations

from urllib.parse import unquote

from starlette.responses import HTMLResponse
from starlette.types import Message, Receive, Scope, Send

from legis.config import Settings
from legis.errors import TooLarge
from legis.textclean import has_address_controls

# Room for the text fields that travel with an upload in the same form.
FORM_SLACK = 1024 * 1024

PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<title>{title}</title><body><h1>{title}</h1><p>{message}</p><p><a href="/">返回首页</a></p></body></html>"""

BAD_ADDRESS = ("网址无效", "网址中含有不可见的控制字符，请检查链接或重新输入网址（回执码为8位字母和数字）。")
BAD_HOST = ("网址无效", "这个网址的主机名不是本平台的地址。请使用管理员告知的网址访问。")
TOO_LARGE = ("上传的内容太大", "提交的内容超过了{mb}MB的上限，请压缩或拆分文件后再上传。")


class BodyTooLarge(TooLarge):
    """A request body that went past the upload limit while it was being read."""


def bad_address(scope: Scope) -> bool:
    """A control character in the path or the (decoded) query: refused with 400."""
    if has_address_controls(scope["path"]):
        return True
    raw = scope.get("query_string", b"")
    if not raw:
        return False
    query = unquote(raw.decode("latin-1"), errors="replace")
    return has_address_controls(query.replace("\t", "").replace("\n", "").replace("\r", ""))


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """``host`` (with or without a port) matches one of ``allowed``; "*.example.cn" covers subdomains."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    for pattern in allowed:
        if pattern == "*" or name == pattern or (
                pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False


def capped(receive: Receive, limit: int, settings: Settings) -> Receive:
    """A receive that stops the request once more than ``limit`` body bytes arrived (chunked bodies)."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message_ = await receive()
        if message_["type"] == "http.request":
            seen += len(message_.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(TOO_LARGE[1].format(mb=settings.max_upload_bytes // 2**20))
        return message_

    return wrapped


async def refuse(scope: Scope, receive: Receive, send: Send, status: int, title: str,
                  message: str) -> None:
    response = HTMLResponse(PAGE.format(title=title, message=message), status_code=status,
                            headers={"Connection": "close"} if status == 413 else None)
    await response(scope, receive, send)
