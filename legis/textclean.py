"""Control characters: what no form, address or uploaded text may carry into the database."""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return; DEL. PostgreSQL refuses
# NUL in text outright, and none of them is anything a resident typed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_IN_ADDRESS = re.compile("[\x00-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """``text`` without control characters; a vertical tab or form feed becomes a line break."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


def has_address_controls(text: str) -> bool:
    """True when a path or query value holds a control character (an address never needs one)."""
    return _CONTROL_IN_ADDRESS.search(text) is not None
