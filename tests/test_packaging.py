"""A non-editable install carries the templates, static files and sample drafts."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_templates_static_and_sample_drafts(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(tmp_path.glob("legis-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "legis/templates/base.html" in names
    assert "legis/templates/manage/index.html" in names
    assert "legis/static/app.css" in names and "legis/static/app.js" in names
    assert "legis/exporters/__init__.py" in names
    samples = [n for n in names if n.startswith("legis/sample_drafts/")]
    assert any(n.endswith(".docx") for n in samples)
    assert sum(n.endswith(".txt") for n in samples) >= 2
    # Every module and data file of the package is in the wheel.
    for path in (ROOT / "legis").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert path.relative_to(ROOT).as_posix() in names, path
    # Every template, static file and sample draft of the checkout is in the wheel (the loop
    # above covers them: they live inside the package).
    assert sum(n.startswith("legis/templates/") for n in names) == len(
        list((ROOT / "legis" / "templates").rglob("*.html")))
