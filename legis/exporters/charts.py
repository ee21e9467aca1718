"""Charts of the dispositions: PNG for the report (Pillow), SVG for the web, from one layout."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from legis.exporters.figures import ArticleCount, article_counts, percentages, source_counts
from legis.exporters.model import CHANNELS, STATES, ReportOpinion
from legis.exporters.wordxml import escape
from legis.vocabulary import Channel, DispositionState


@dataclass(frozen=True)
class Fill:
    """A bar's fill: a colour, and a pattern so that it stays distinct printed in black and white."""

    colour: str
    pattern: str = "solid"     # solid / hatch (diagonal lines) / outline (white, dark border)
    ink: str = "#212121"       # colour of the hatch lines or the border


# Dark solid, hatched, mid-grey solid, white outlined: four greys apart on a laser printer.
STATE_FILLS = {DispositionState.ADOPTED: Fill("#1B5E20"),
               DispositionState.PARTIAL: Fill("#BBDEFB", "hatch", "#0D47A1"),
               DispositionState.REJECTED: Fill("#E57373"),
               DispositionState.PENDING: Fill("#FFFFFF", "outline", "#424242")}
STATE_COLOURS = {state: fill.colour for state, fill in STATE_FILLS.items()}
CHANNEL_FILLS = {Channel.ONSITE: Fill("#263238"), Channel.ONLINE: Fill("#CFD8DC", "hatch", "#263238"),
                 Channel.PAPER: Fill("#90A4AE"), Channel.PHONE: Fill("#FFFFFF", "outline", "#263238")}
MAX_BARS = 25              # articles in chart 1; more would not be readable on one page
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


@lru_cache(maxsize=16)
def _latin_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return _font(size)


def _draw_text(draw: ImageDraw.ImageDraw, label: Label, size: int) -> None:
    """Latin letters and digits in a Latin font: some CJK fonts (Droid Sans Fallback)
    have no digits and would print 「第12条」 as 「第□□条」."""
    runs: list[tuple[str, object]] = []
    for ch in label.text:
        font = _latin_font(size) if ch.isascii() else _font(size)
        if runs and runs[-1][1] is font:
            runs[-1] = (runs[-1][0] + ch, font)
        else:
            runs.append((ch, font))
    widths = [draw.textlength(text, font=font) for text, font in runs]
    total = sum(widths)
    x = label.x - {"l": 0, "m": total / 2, "r": total}[label.anchor[0]]
    for (text, font), width in zip(runs, widths):
        draw.text((x, label.y), text, font=font, fill="#212121", anchor="l" + label.anchor[1])
        x += width


# -- layout: the same boxes become PNG rectangles and SVG <rect>s ---------------------------
@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    fill: Fill
    tip: str = ""

    @property
    def colour(self) -> str:
        return self.fill.colour


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


def _legend(font_size: int, fills: dict[str, Fill], words) -> tuple[list[Box], list[Label]]:
    boxes, labels = [], []
    x, y = font_size * 4.0, font_size * 1.2
    for key, fill in fills.items():
        boxes.append(Box(x, y - font_size / 2, font_size * 1.4, font_size, fill))
        text = words(key)
        labels.append(Label(x + font_size * 1.8, y, text, "lm"))
        x += font_size * (3.0 + 0.62 * len(text.encode("gbk", "replace")))
    return boxes, labels


def _short_label(article: ArticleCount, cjk: bool) -> str:
    if article.ordinal == 0:
        return "总体意见" if cjk else "General"
    return f"第{article.ordinal}条" if cjk else f"Art. {article.ordinal}"


def stacked_layout(opinions: list[ReportOpinion], width: int = 1600, height: int | None = None,
                   *, cjk: bool = True) -> Layout:
    """Comments per article as horizontal bars (总体意见 first), stacked by the state of the
    opinion they were merged into; every bar labelled with its article and its total.

    More than :data:`MAX_BARS` articles: the ones with the most comments, in article order.
    """
    return counts_layout(article_counts(opinions), width, height, cjk=cjk)


def counts_layout(articles: list[ArticleCount], width: int = 1600, height: int | None = None,
                  *, cjk: bool = True) -> Layout:
    """:func:`stacked_layout` from counts already made (the staff page counts in the database)."""
    fs = max(12, width // 48)
    if len(articles) > MAX_BARS:
        keep = sorted(articles, key=lambda a: (-a.total, a.ordinal))[:MAX_BARS]
        articles = sorted(keep, key=lambda a: a.ordinal)
    row = fs * 1.5
    top, bottom = fs * 3.0, fs * 2.2
    height = height or int(top + bottom + row * max(len(articles), 1))
    left = fs * (5.6 if cjk else 5.0)
    right = fs * 3.5
    plot_w = width - left - right
    plot_h = height - top - bottom
    row = plot_h / max(len(articles), 1)
    top_total = max((a.total for a in articles), default=0)
    step = _nice_step(top_total)
    x_max = max(step, math.ceil(max(top_total, 1) / step) * step)
    boxes, labels = _legend(fs, STATE_FILLS, lambda s: s if cjk else STATE_ASCII[s])
    lines = [(left, top, left, top + plot_h)]
    for value in range(0, x_max + 1, step):
        x = left + plot_w * value / x_max
        labels.append(Label(x, top + plot_h + fs * 0.9, str(value)))
        if value:
            lines.append((x, top, x, top + plot_h))
    for i, article in enumerate(articles):
        y = top + row * i + row * 0.15
        x = left
        for state in STATES:
            count = article.counts[state]
            if count:
                w = plot_w * count / x_max
                boxes.append(Box(x, y, w, max(row * 0.7, 1.0), STATE_FILLS[state],
                                 f"{article.label} {state} {count}"))
                x += w
        labels.append(Label(left - fs * 0.4, top + row * (i + 0.5), _short_label(article, cjk),
                            "rm"))
        labels.append(Label(x + fs * 0.4, top + row * (i + 0.5), str(article.total), "lm"))
    return Layout(width, height, boxes, labels, lines, fs)


def sources_layout(opinions: list[ReportOpinion], width: int = 1600, *,
                   cjk: bool = True) -> Layout:
    """Comments per source (each contact point, then 网络征集) stacked by channel, labelled."""
    fs = max(12, width // 48)
    sources = source_counts(opinions)
    row = fs * 2.0
    top, bottom = fs * 3.0, fs * 2.2
    height = int(top + bottom + row * max(len(sources), 1))
    longest = max((len(name) for name, _ in sources), default=4)
    left = fs * min(1.1 * longest + 1, 14) if cjk else fs * 6
    right = fs * 3.5
    plot_w = width - left - right
    top_total = max((sum(c.values()) for _, c in sources), default=0)
    step = _nice_step(top_total)
    x_max = max(step, math.ceil(max(top_total, 1) / step) * step)
    boxes, labels = _legend(fs, CHANNEL_FILLS, lambda c: c if cjk else _CHANNEL_ASCII[c])
    lines = [(left, top, left, top + row * len(sources))]
    for value in range(0, x_max + 1, step):
        x = left + plot_w * value / x_max
        labels.append(Label(x, top + row * len(sources) + fs * 0.9, str(value)))
        if value:
            lines.append((x, top, x, top + row * len(sources)))
    for i, (name, counts) in enumerate(sources):
        y = top + row * i + row * 0.15
        x = left
        for channel in CHANNELS:
            count = counts.get(channel, 0)
            if count:
                w = plot_w * count / x_max
                boxes.append(Box(x, y, w, row * 0.7, CHANNEL_FILLS[channel],
                                 f"{name} {channel} {count}"))
                x += w
        shown = name if cjk else f"Source {i + 1}"
        if cjk and len(shown) > 13:
            shown = shown[:12] + "…"
        labels.append(Label(left - fs * 0.4, top + row * (i + 0.5), shown, "rm"))
        labels.append(Label(x + fs * 0.4, top + row * (i + 0.5), str(sum(counts.values())),
                            "lm"))
    return Layout(width, height, boxes, labels, lines, fs)


_CHANNEL_ASCII = {Channel.ONSITE: "On site", Channel.ONLINE: "Online", Channel.PAPER: "Paper",
                  Channel.PHONE: "Phone"}


def tally_layout(tally: dict[str, int], width: int = 1600, height: int = 520,
                 *, cjk: bool = True) -> Layout:
    """One horizontal bar per state with its count and share (the web overview)."""
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
        boxes.append(Box(left, y + row_h * 0.2, max(w, 1.0), row_h * 0.6, STATE_FILLS[state],
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
        _draw_box(draw, b)
    for label in layout.labels:
        _draw_text(draw, label, layout.font_size)
    out = BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def _draw_box(draw: ImageDraw.ImageDraw, b: Box) -> None:
    x0, y0, x1, y1 = b.x, b.y, b.x + b.w, b.y + b.h
    f = b.fill
    if f.pattern == "outline":
        draw.rectangle((x0, y0, x1, y1), fill=f.colour, outline=f.ink, width=3)
        return
    draw.rectangle((x0, y0, x1, y1), fill=f.colour)
    if f.pattern == "hatch":
        gap = 10
        # Diagonal lines x - y = c, clipped to the box by hand (Pillow has no clip path).
        c = x0 - y1
        while c < x1 - y0:
            ys = max(y0, x0 - c)
            ye = min(y1, x1 - c)
            if ye > ys:
                draw.line((ys + c, ys, ye + c, ye), fill=f.ink, width=3)
            c += gap
        draw.rectangle((x0, y0, x1, y1), outline=f.ink, width=2)


def _svg_fill(fill: Fill) -> str:
    if fill.pattern == "hatch":
        return f'fill="url(#hatch-{fill.ink[1:]}-{fill.colour[1:]})" stroke="{fill.ink}"'
    if fill.pattern == "outline":
        return f'fill="{fill.colour}" stroke="{fill.ink}" stroke-width="3"'
    return f'fill="{fill.colour}"'


def render_svg(layout: Layout) -> str:
    anchor = {"l": "start", "m": "middle", "r": "end"}
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width} '
              f'{layout.height}" role="img" font-family="{_SVG_FONT}" '
              f'font-size="{layout.font_size}">')]
    hatches = {b.fill for b in layout.boxes if b.fill.pattern == "hatch"}
    if hatches:
        parts.append("<defs>" + "".join(
            f'<pattern id="hatch-{f.ink[1:]}-{f.colour[1:]}" width="10" height="10" '
            'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="10" height="10" fill="{f.colour}"/>'
            f'<line x1="0" y1="0" x2="0" y2="10" stroke="{f.ink}" stroke-width="4"/></pattern>'
            for f in sorted(hatches, key=lambda f: f.colour)) + "</defs>")
    parts += [f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
              'stroke="#BDBDBD" stroke-width="2"/>' for x0, y0, x1, y1 in layout.lines]
    for b in layout.boxes:
        tip = f"<title>{escape(b.tip)}</title>" if b.tip else ""
        parts.append(f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" '
                     f'{_svg_fill(b.fill)}>{tip}</rect>')
    for label in layout.labels:
        parts.append(f'<text x="{label.x:.1f}" y="{label.y:.1f}" '
                     f'text-anchor="{anchor[label.anchor[0]]}" dominant-baseline="middle" '
                     f'fill="#212121">{escape(label.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars_png(opinions: list[ReportOpinion], width: int = 1600,
                     height: int | None = None) -> bytes:
    """PNG of comments per article stacked by state; ASCII labels when no CJK font exists."""
    return render_png(stacked_layout(opinions, width, height, cjk=has_cjk_font()))


def sources_png(opinions: list[ReportOpinion], width: int = 1600) -> bytes:
    """PNG of comments per contact point (and 网络征集) stacked by channel."""
    return render_png(sources_layout(opinions, width, cjk=has_cjk_font()))


def tally_png(tally: dict[str, int], width: int = 1600, height: int = 520) -> bytes:
    """PNG of the tally: one bar per state with count and percentage."""
    return render_png(tally_layout(tally, width, height, cjk=has_cjk_font()))


def stacked_bars_svg(opinions: list[ReportOpinion], width: int = 1600,
                     height: int | None = None) -> str:
    """The same chart as :func:`stacked_bars_png` as inline SVG (browsers draw the CJK text)."""
    return render_svg(stacked_layout(opinions, width, height, cjk=True))


def tally_svg(tally: dict[str, int], width: int = 1600, height: int = 520) -> str:
    return render_svg(tally_layout(tally, width, height, cjk=True))
