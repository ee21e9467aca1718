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
    return sample_report_data(opinions=60, comments=200, articles=40).opinions


def test_png_charts_are_images(opinions):
    bars = Image.open(io.BytesIO(charts.stacked_bars_png(opinions, 1200)))
    assert bars.format == "PNG" and bars.width == 1200
    sources = Image.open(io.BytesIO(charts.sources_png(opinions)))
    assert sources.format == "PNG"
    colours = {c for _, c in bars.getcolors(bars.width * bars.height)}
    for hex_ in charts.STATE_COLOURS.values():
        assert tuple(int(hex_[i:i + 2], 16) for i in (1, 3, 5)) in colours


def test_chart_1_counts_comments_not_opinions(opinions):
    heights: dict[str, int] = {}
    for box in charts.stacked_layout(opinions).boxes:
        if box.tip:
            label, _state, count = box.tip.split(" ")
            heights[label] = heights.get(label, 0) + int(count)
    expected: dict[str, int] = {}
    order = {}
    for op in opinions:
        expected[op.article_label] = expected.get(op.article_label, 0) + len(op.comments)
        order[op.article_label] = op.article_ordinal
    assert len(expected) > charts.MAX_BARS      # the busiest articles are the ones shown
    shown = sorted(expected, key=lambda k: (-expected[k], order[k]))[:charts.MAX_BARS]
    assert heights == {k: expected[k] for k in shown}


def test_every_bar_is_labelled_with_its_article_and_total(opinions):
    layout = charts.stacked_layout(opinions)
    texts = [label.text for label in layout.labels]
    totals: dict[int, int] = {}
    for op in opinions:
        totals[op.article_ordinal] = totals.get(op.article_ordinal, 0) + op.supporters
    shown = sorted(totals, key=lambda k: (-totals[k], k))[:charts.MAX_BARS]
    for ordinal in shown:
        assert ("总体意见" if ordinal == 0 else f"第{ordinal}条") in texts
        assert str(totals[ordinal]) in texts
    # Horizontal bars: one row per article, bars start at the same left edge.
    lefts = {round(b.x) for b in layout.boxes if b.tip and b.tip.split(" ")[1] == "采纳"}
    assert len(lefts) == 1


def test_states_stay_distinct_printed_in_black_and_white(opinions):
    """Greyscale each state's legend swatch: mean grey and texture (hatch) tell them apart."""
    layout = charts.stacked_layout(opinions)
    image = Image.open(io.BytesIO(charts.render_png(layout))).convert("L")
    swatches = [b for b in layout.boxes if not b.tip]
    assert len(swatches) == 4
    looks = []
    for b in swatches:
        crop = image.crop((int(b.x) + 2, int(b.y) + 2, int(b.x + b.w) - 2, int(b.y + b.h) - 2))
        pixels = crop.tobytes()
        mean = sum(pixels) / len(pixels)
        spread = max(pixels) - min(pixels)
        looks.append((round(mean / 40), spread > 60))
    assert len(set(looks)) == 4, looks


def test_chart_2_shows_sources_by_channel_not_the_tally(opinions):
    layout = charts.sources_layout(opinions)
    per_source: dict[str, int] = {}
    for box in layout.boxes:
        if box.tip:
            name, _channel, count = box.tip.rsplit(" ", 2)
            per_source[name] = per_source.get(name, 0) + int(count)
    expected: dict[str, int] = {}
    for op in opinions:
        for c in op.comments:
            key = c.contact_point or "网络征集"
            expected[key] = expected.get(key, 0) + 1
    assert per_source == expected
    assert list(per_source)[-1] == "网络征集"


def test_svg_draws_the_same_bars_as_the_png(opinions):
    layout = charts.stacked_layout(opinions)
    root = ET.fromstring(charts.stacked_bars_svg(opinions))
    rects = root.findall(f"{SVG}rect")
    assert len([r for r in rects if r.get("x")]) == len(layout.boxes)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "采纳" in texts and "待研究" in texts
    assert root.find(f"{SVG}defs/{SVG}pattern") is not None     # the hatch of 部分采纳


def test_without_a_cjk_font_labels_stay_ascii(monkeypatch, opinions):
    monkeypatch.setenv("LEGIS_CJK_FONT", "/nonexistent/font.ttf")
    charts.cjk_font.cache_clear()
    charts._font.cache_clear()
    try:
        assert not charts.has_cjk_font()
        layout = charts.stacked_layout(opinions, cjk=charts.has_cjk_font())
        assert all(label.text.isascii() for label in layout.labels)
        assert "Adopted" in [label.text for label in layout.labels]
        assert all(label.text.isascii()
                   for label in charts.sources_layout(opinions, cjk=False).labels)
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
