"""Where templates, static files and sample drafts are, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_NAMES = {"templates": "templates", "static": "static", "drafts": "sample_drafts"}


def resource_dir(name: str) -> Path:
    """templates / static / drafts: inside the package when installed, beside it in a checkout."""
    installed = _PACKAGE / _NAMES[name]
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name
