"""Every sample draft shipped in drafts/ parses cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from legis.parsing import parse_file

DRAFTS = Path(__file__).resolve().parents[1] / "legis" / "sample_drafts"
SAMPLES = sorted(p for p in DRAFTS.glob("*") if p.suffix in (".txt", ".docx", ".md")
                 and p.name != "README.md")


def test_there_are_text_and_word_samples():
    suffixes = [p.suffix for p in SAMPLES]
    assert suffixes.count(".txt") >= 2 and suffixes.count(".docx") >= 1


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_draft_parses_cleanly(path):
    parsed = parse_file(path)
    assert parsed.title.endswith("（草案）")
    assert len(parsed.articles) >= 30
    assert parsed.warnings == []
    assert parsed.preamble == ""
    assert [a.number for a in parsed.articles] == list(range(1, len(parsed.articles) + 1))


def test_one_sample_has_chapters_and_an_article_twelve():
    assert any(
        parsed.headings and any(a.number == 12 for a in parsed.articles)
        for parsed in map(parse_file, SAMPLES)
    )
