"""Small functions templates call: labels, masking, status colours."""

from __future__ import annotations

from legis.models import STATUS_OPEN
from legis.services.drafts import is_open, shown_status

STATUS_CLASS = {STATUS_OPEN: "open", "已结束": "closed", "草稿": "draft", "即将开始": "draft"}
STATE_CLASS = {"采纳": "adopted", "部分采纳": "partial", "未采纳": "rejected", "待研究": "pending"}


def article_anchor(article) -> str:
    return f"a{article.number}" + (f"-{article.sub}" if article.sub else "")


GLOBALS = {
    "is_open": is_open,
    "shown_status": shown_status,
    "status_class": lambda status: STATUS_CLASS.get(status, "draft"),
    "state_class": lambda state: STATE_CLASS.get(state, "pending"),
    "article_anchor": article_anchor,
}
FILTERS: dict = {}
