"""Where templates, static files and sample drafts are: inside the package, installed or not."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_NAMES = {"templates": "templates", "static": "static", "drafts": "sample_drafts"}


def resource_dir(name: str) -> Path:
    """templates / static / drafts (the sample drafts): folders of the legis package."""
    return _PACKAGE / _NAMES[name]
