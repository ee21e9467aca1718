"""Beijing time for display: the database keeps UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))


def now_beijing() -> datetime:
    return datetime.now(BEIJING)


def today() -> date:
    """The date in Beijing: comment periods are days in China, not in UTC."""
    return now_beijing().date()


def to_beijing(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BEIJING)


def fmt_datetime(value: datetime | None) -> str:
    local = to_beijing(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def fmt_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def parse_date(raw: object) -> date | None:
    """A date typed as 2026-12-31; None when empty or not a date."""
    text = str(raw or "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
