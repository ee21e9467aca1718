"""Charts of the dispositions: PNG for the report (Pillow), SVG for the web, from one layout."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from legis.exporters.figures import article_counts, percentages
from legis.exporters.model import STATES, ReportOpinion
from legis.exporters.wordxml import escape
from legis.vocabulary import DispositionState

STATE_COLOURS = {DispositionState.ADOPTED: "#2E7D32", DispositionState.PARTIAL: "#1E88E5",
                 DispositionState.REJECTED: "#E53935", DispositionState.PENDING: "#9E9E9E"}
# Legend words when no CJK font is installed: a label in tofu boxes helps nobody.
STATE_ASCII = {state: state.english for state in DispositionState}
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
              "/System/Library/Fonts", "/Library/Fonts", "C:/Windows/Fonts")
# Preferred CJK font files, best first (file-name fragments, lower case).
_CJK_FONTS = ("notosanscjk", "notosanssc", "sourcehansans", "wqy-microhei", "wqy-zenhei",
              "simhei", "msyh", "notoserifcjk", "simsun", "droidsansfallback", "pingfang")
_SVG_FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, int] | None:
    """(path, face index) of a font with Chinese glyphs, or None; ``LEGIS_CJK_FONT`` overrides."""
    override = os.environ.get("LEGIS_CJK_FONT")
    if override:
        return (override, 0) if Path(override).is_file() else None
    found: dict[str, Path] = {}
    for root in _FONT_DIRS:
        base = Path(root).expanduser()
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            name = path.name.lower()
            if path.suffix.lower() not in (".ttf", ".ttc", ".otf"):
                continue
            for key in _CJK_FONTS:
                if key in name and "bold" not in name and "black" not in name:
                    found.setdefault(key, path)
    for key in _CJK_FONTS:
        if key in found:
            return str(found[key]), _simplified_face(found[key])
    return None


def _simplified_face(path: Path) -> int:
    """In a collection (.ttc) pick the Simplified Chinese face (Noto CJK holds JP, KR, SC, …)."""
    if path.suffix.lower() != ".ttc":
        return 0
    for index in range(10):
        try:
            family = ImageFont.truetype(str(path), 12, index=index).getname()[0]
        except OSError:
            break
        if " SC" in family or "GB" in family or family.endswith("SC"):
            return index
    return 0


def has_cjk_font() -> bool:
    return cjk_font() is not None


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    found = cjk_font()
    if found:
        return ImageFont.truetype(found[0], size, index=found[1])
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


# -- layout: the same boxes become PNG rectangles and SVG <rect>s ---------------------------
@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    colour: str
    tip: str = ""


@dataclass
class Label:
    x: float
    y: float
    text: str
    anchor: str = "mm"     # Pillow anchors: l/m/r + t/m/b (here only lm, mm, rm)


@dataclass
class Layout:
    width: int
    height: int
    boxes: list[Box]
    labels: list[Label]
    lines: list[tuple[float, float, float, float]]
    font_size: int


def _nice_step(top: int, ticks: int = 5) -> int:
    raw = max(top, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw)) or 1


def _legend(font_size: int, states_label) -> tuple[list[Box], list[Label]]:
    boxes, labels = [], []
    x, y = font_size * 4.0, font_size * 1.2
    for state in STATES:
        boxes.append(Box(x, y - font_size / 2, font_size, font_size, STATE_COLOURS[state]))
        text = states_label(state)
        labels.append(Label(x + font_size * 1.4, y, text, "lm"))
        x += font_size * (2.6 + 0.62 * len(text.encode("gbk", "replace")))
    return boxes, labels


def stacked_layout(opinions: list[ReportOpinion], width: int = 1600, height: int = 760,
                   *, cjk: bool = True) -> Layout:
    """Bars of opinions per article (x: article number, 总体 first), stacked by state."""
    fs = max(12, width // 48)
    articles = article_counts(opinions)
    left, right, top, bottom = fs * 4.0, fs * 1.0, fs * 3.2, fs * 2.4
    plot_w, plot_h = width - left - right, height - top - bottom
    step = _nice_step(max((a.total for a in articles), default=0))
    y_max = max(step, math.ceil(max((a.total for a in articles), default=1) / step) * step)
    boxes, labels = _legend(fs, lambda s: s if cjk else STATE_ASCII[s])
    lines = [(left, top + plot_h, left + plot_w, top + plot_h)]
    for value in range(0, y_max + 1, step):
        y = top + plot_h - plot_h * value / y_max
        labels.append(Label(left - fs * 0.5, y, str(value), "rm"))
        if value:
            lines.append((left, y, left + plot_w, y))
    n = max(len(articles), 1)
    slot = plot_w / n
    every = max(1, math.ceil(n * fs * 2.2 / plot_w))
    for i, article in enumerate(articles):
        x = left + slot * i + slot * 0.15
        y = top + plot_h
        for state in STATES:
            count = article.counts[state]
            if count:
                h = plot_h * count / y_max
                y -= h
                boxes.append(Box(x, y, max(slot * 0.7, 1.0), h, STATE_COLOURS[state],
                                 f"{article.label} {state} {count}"))
        if i % every == 0:
            text = ("总体" if cjk else "0") if article.ordinal == 0 else str(article.ordinal)
            labels.append(Label(left + slot * (i + 0.5), top + plot_h + fs * 0.9, text))
    return Layout(width, height, boxes, labels, lines, fs)


def tally_layout(tally: dict[str, int], width: int = 1600, height: int = 520,
                 *, cjk: bool = True) -> Layout:
    """One horizontal bar per state with its count and share."""
    fs = max(12, width // 40)
    counts = [tally.get(s, 0) for s in STATES]
    shares = percentages(counts)
    left = fs * (6.5 if cjk else 8.5)
    right = fs * 7.0
    row_h = (height - fs * 1.5) / len(STATES)
    top_count = max(max(counts), 1)
    boxes, labels, lines = [], [], []
    for i, (state, count, share) in enumerate(zip(STATES, counts, shares)):
        y = fs * 0.75 + row_h * i
        w = (width - left - right) * count / top_count
        boxes.append(Box(left, y + row_h * 0.2, max(w, 1.0), row_h * 0.6, STATE_COLOURS[state],
                         f"{state} {count}"))
        labels.append(Label(left - fs * 0.5, y + row_h / 2, state if cjk else STATE_ASCII[state],
                            "rm"))
        labels.append(Label(left + w + fs * 0.5, y + row_h / 2, f"{count} ({share})", "lm"))
    lines.append((left, fs * 0.5, left, height - fs * 0.5))
    return Layout(width, height, boxes, labels, lines, fs)


# -- renderers --------------------------------------------------------------------------------
def render_png(layout: Layout) -> bytes:
    image = Image.new("RGB", (layout.width, layout.height), "white")
    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1 in layout.lines:
        draw.line((x0, y0, x1, y1), fill="#BDBDBD", width=2)
    for b in layout.boxes:
        draw.rectangle((b.x, b.y, b.x + b.w, b.y + b.h), fill=b.colour)
    font = _font(layout.font_size)
    for label in layout.labels:
        draw.text((label.x, label.y), label.text, font=font, fill="#212121", anchor=label.anchor)
    out = BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def render_svg(layout: Layout) -> str:
    anchor = {"l": "start", "m": "middle", "r": "end"}
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width} '
              f'{layout.height}" role="img" font-family="{_SVG_FONT}" '
              f'font-size="{layout.font_size}">')]
    parts += [f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
              'stroke="#BDBDBD" stroke-width="2"/>' for x0, y0, x1, y1 in layout.lines]
    for b in layout.boxes:
        tip = f"<title>{escape(b.tip)}</title>" if b.tip else ""
        parts.append(f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" '
                     f'fill="{b.colour}">{tip}</rect>')
    for label in layout.labels:
        parts.append(f'<text x="{label.x:.1f}" y="{label.y:.1f}" '
                     f'text-anchor="{anchor[label.anchor[0]]}" dominant-baseline="middle" '
                     f'fill="#212121">{escape(label.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars_png(opinions: list[ReportOpinion], width: int = 1600, height: int = 760) -> bytes:
    """PNG of opinions per article stacked by state; ASCII labels when no CJK font exists."""
    return render_png(stacked_layout(opinions, width, height, cjk=has_cjk_font()))


def tally_png(tally: dict[str, int], width: int = 1600, height: int = 520) -> bytes:
    """PNG of the tally: one bar per state with count and percentage."""
    return render_png(tally_layout(tally, width, height, cjk=has_cjk_font()))


def stacked_bars_svg(opinions: list[ReportOpinion], width: int = 1600, height: int = 760) -> str:
    """The same chart as :func:`stacked_bars_png` as inline SVG (browsers draw the CJK text)."""
    return render_svg(stacked_layout(opinions, width, height, cjk=True))


def tally_svg(tally: dict[str, int], width: int = 1600, height: int = 520) -> str:
    return render_svg(tally_layout(tally, width, height, cjk=True))
