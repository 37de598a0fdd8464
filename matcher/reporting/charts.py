"""Bar charts as inline SVG strings, drawn from plain numbers.

Pure: no Flask, no database, no JavaScript. The console's CSP allows no inline
styles, so everything is drawn with SVG presentation attributes (fill,
font-size), which a CSP does not govern. Every piece of text is escaped.
"""
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

BAR = "#1d5e8c"        # the console's accent colour
INK = "#1d1d1d"
MUTED = "#4a4a4a"
GRID = "#cccccc"
FONT = "system-ui, sans-serif"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, or None when the value is not shown."""

    label: str
    value: float | None
    note: str = ""      # a second line under the label, such as the year; drawn when it changes


def _text(x: float, y: float, words: str, size: int = 12, anchor: str = "middle", fill: str = INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-family="{FONT}" '
            f'text-anchor="{anchor}" fill="{fill}">{escape(words)}</text>')


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) or value >= 100 else f"{value:.1f}"


def _axis_step(values: Sequence[float]) -> tuple[float, int]:
    """Return a round gridline step (1, 2 or 5 times a power of ten) and how many steps reach the top."""
    largest = max(values, default=0)
    if largest <= 0:
        return 1, 4
    power = 10 ** math.floor(math.log10(largest / 4))
    step = next(power * nice for nice in (1, 2, 5, 10) if power * nice * 4 >= largest)
    return step, max(1, math.ceil(largest / step))


def describe(summary: str, bars: Sequence[Bar], unit: str, hidden_words: str) -> str:
    """Return a sentence for <desc>: the summary, the highest value, and what missing bars mean."""
    shown = [bar for bar in bars if bar.value is not None]
    words = [summary]
    if shown:
        top = max(shown, key=lambda bar: bar.value or 0)  # `or 0` for the type checker: none is None here
        words.append(f"Highest: {_number(top.value or 0)} {unit} ({top.label} {top.note}".rstrip() + ").")
    if len(shown) < len(bars):
        words.append(f"No bar is drawn where the figure is {hidden_words}.")
    return " ".join(words)


def _open_svg(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'),
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]


def _axis_title(x: float, y: float, words: str, vertical: bool = False) -> str:
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if vertical else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="12" font-family="{FONT}" font-weight="bold" '
            f'text-anchor="middle" fill="{INK}"{turn}>{escape(words)}</text>')


def month_bar_chart(chart_id: str, title: str, summary: str, bars: Sequence[Bar], unit: str,
                    hidden_words: str = "not shown") -> str:
    """Return a vertical bar chart, one bar per month, with both axes titled, as an SVG string."""
    width, height, left, top, bottom = 720, 340, 64, 24, 64
    plot_height = height - top - bottom
    slot = (width - left - 8) / max(len(bars), 1)
    step, steps = _axis_step([bar.value for bar in bars if bar.value is not None])
    scale = step * steps
    label_every = max(1, math.ceil(len(bars) / 12))  # room for about twelve labels
    parts = _open_svg(chart_id, width, height, title, describe(summary, bars, unit, hidden_words))
    parts += _axis(left, top, width, plot_height, step, steps)
    parts.append(_axis_title(16, top + plot_height / 2, unit.capitalize(), vertical=True))
    parts.append(_axis_title(left + (width - left) / 2, height - 6, "Month"))
    last_note = ""
    for index, bar in enumerate(bars):
        x = left + index * slot
        if bar.value is not None:
            bar_height = plot_height * bar.value / scale
            parts.append(f'<rect x="{x + slot * 0.15:.1f}" y="{top + plot_height - bar_height:.1f}" '
                         f'width="{slot * 0.7:.1f}" height="{bar_height:.1f}" fill="{BAR}"/>')
            if len(bars) <= 24:
                parts.append(_text(x + slot / 2, top + plot_height - bar_height - 4, _number(bar.value), 11))
        if index % label_every == 0:
            parts.append(_text(x + slot / 2, top + plot_height + 16, bar.label, 11))
            if bar.note != last_note:   # the year, under its first labelled month
                parts.append(_text(x + slot / 2, top + plot_height + 30, bar.note, 10, fill=MUTED))
                last_note = bar.note
    parts.append("</svg>")
    return "\n".join(parts)


def _axis(left: int, top: int, width: int, plot_height: int, step: float, steps: int) -> list[str]:
    parts = []
    for index in range(steps + 1):
        value = step * index
        y = top + plot_height - plot_height * index / steps
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(left - 6, y + 4, _number(value), 11, anchor="end", fill=MUTED))
    return parts


def horizontal_bar_chart(chart_id: str, title: str, summary: str, bars: Sequence[Bar], unit: str,
                         hidden_words: str = "not shown") -> str:
    """Return a horizontal bar chart, one labelled row per category, its value axis titled, as an SVG string."""
    width, row, label_width, top = 720, 28, 300, 8
    height = top * 2 + row * max(len(bars), 1) + 24
    plot_width = width - label_width - 48
    step, steps = _axis_step([bar.value for bar in bars if bar.value is not None])
    scale = step * steps
    parts = _open_svg(chart_id, width, height, title, describe(summary, bars, unit, hidden_words))
    for index, bar in enumerate(bars):
        y = top + index * row
        parts.append(_text(label_width - 8, y + row * 0.65, bar.label, 12, anchor="end"))
        if bar.value is None:
            parts.append(_text(label_width + 4, y + row * 0.65, hidden_words, 11, anchor="start", fill=MUTED))
            continue
        bar_width = plot_width * bar.value / scale
        parts.append(f'<rect x="{label_width}" y="{y + row * 0.2:.1f}" width="{bar_width:.1f}" '
                     f'height="{row * 0.6:.1f}" fill="{BAR}"/>')
        parts.append(_text(label_width + bar_width + 4, y + row * 0.65, _number(bar.value), 11, anchor="start"))
    parts.append(_axis_title(label_width + plot_width / 2, height - 8, f"Number of {unit}"))
    parts.append("</svg>")
    return "\n".join(parts)
