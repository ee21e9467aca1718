"""Charts: real PNG images, an SVG of the same layout, and no tofu without a CJK font."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from legis.exporters import charts
from legis.exporters.sample import sample_report_data

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def opinions():
    return sample_report_data(opinions=60, comments=100, articles=40).opinions


def test_png_charts_are_images_of_the_requested_size(opinions):
    bars = Image.open(io.BytesIO(charts.stacked_bars_png(opinions, 1200, 500)))
    assert bars.format == "PNG" and bars.size == (1200, 500)
    tally = Image.open(io.BytesIO(charts.tally_png({"采纳": 3, "未采纳": 1})))
    assert tally.format == "PNG"
    # Something was drawn in each state's colour.
    colours = {c for _, c in bars.getcolors(1200 * 500)}
    for hex_ in charts.STATE_COLOURS.values():
        assert tuple(int(hex_[i:i + 2], 16) for i in (1, 3, 5)) in colours


def test_svg_draws_the_same_bars_as_the_png(opinions):
    layout = charts.stacked_layout(opinions)
    root = ET.fromstring(charts.stacked_bars_svg(opinions))
    rects = root.findall(f"{SVG}rect")
    assert len(rects) == len(layout.boxes)
    tips = [r.findtext(f"{SVG}title") for r in rects if r.find(f"{SVG}title") is not None]
    # One titled segment per (article, state) with opinions; the counts add up.
    assert sum(int(t.rsplit(" ", 1)[1]) for t in tips) == len(opinions)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "采纳" in texts and "待研究" in texts


def test_stacks_add_up_per_article(opinions):
    heights: dict[str, int] = {}
    for box in charts.stacked_layout(opinions).boxes:
        if box.tip:
            label, _state, count = box.tip.split(" ")
            heights[label] = heights.get(label, 0) + int(count)
    expected: dict[str, int] = {}
    for op in opinions:
        expected[op.article_label] = expected.get(op.article_label, 0) + 1
    assert heights == expected


def test_without_a_cjk_font_labels_stay_ascii(monkeypatch, opinions):
    monkeypatch.setenv("LEGIS_CJK_FONT", "/nonexistent/font.ttf")
    charts.cjk_font.cache_clear()
    charts._font.cache_clear()
    try:
        assert not charts.has_cjk_font()
        layout = charts.stacked_layout(opinions, cjk=charts.has_cjk_font())
        assert all(label.text.isascii() for label in layout.labels)
        assert "Adopted" in [label.text for label in layout.labels]
        png = charts.stacked_bars_png(opinions)
        assert Image.open(io.BytesIO(png)).format == "PNG"
        tally = charts.tally_layout({"采纳": 2}, cjk=False)
        assert all(label.text.isascii() for label in tally.labels)
    finally:
        monkeypatch.delenv("LEGIS_CJK_FONT")
        charts.cjk_font.cache_clear()
        charts._font.cache_clear()


def test_cjk_font_search_finds_an_installed_font():
    found = charts.cjk_font()
    if found is None:
        pytest.skip("no CJK font on this machine")
    from PIL import ImageFont
    font = ImageFont.truetype(found[0], 20, index=found[1])
    # A real glyph is wider than nothing and differs from the missing-glyph box of U+FFFF.
    assert font.getmask("采").getbbox() != font.getmask("\uffff").getbbox()
