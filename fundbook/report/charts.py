"""Inline SVG charts drawn in Python: grouped bar charts with a target line, and the J-curve.

Every chart has axis lines, tick marks with their labels and a label on each value, and says
what it shows in words too: a <title> (a PDF's alternate text) and a <desc> listing the values,
for a reader who cannot see the picture. The chart's own words are marked for the catalogue and
translated with the `gettext` the caller passes (the report's language).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from fundbook.report.i18n import N_

PALETTE = ("#1f3b73", "#3f8f8a", "#c58b2b", "#7a5195")
TARGET_COLOUR = "#c0392b"
FONT = 'font-family="Noto Sans CJK TC, Liberation Sans, DejaVu Sans, sans-serif" font-size="10"'
Fmt = Callable[[float | None], str]
Gettext = Callable[[str], str]
AXIS = 'stroke="#555" stroke-width="0.8"'
TICK = 4  # length of a tick mark
NET_FLOW = N_("Net cash flow in the quarter")
CUMULATIVE = N_("Cumulative net cash flow")


def _identity(message: str) -> str:
    return message


@dataclass(frozen=True)
class Series:
    """One named series of a chart; None marks an undefined value (drawn as no bar)."""

    name: str
    values: Sequence[float | None]


def _text_width(label: str) -> float:
    """About how wide `label` is written in FONT, px: a CJK character twice a digit's width."""
    return sum(10.0 if ord(ch) > 0x2E80 else 5.6 for ch in label)


def _text(x: float, y: float, label: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} {extra}>'
        f"{escape(label)}</text>"
    )


def _legend(
    series: Sequence[Series],
    x: float,
    y: float,
    target_label: str | None,
    gettext: Gettext,
    line_last: bool = False,
) -> list[str]:
    parts = []
    for i, s in enumerate(series):
        cx = x + i * 190
        colour = PALETTE[i % len(PALETTE)]
        if line_last and i == len(series) - 1:
            parts.append(
                f'<line x1="{cx:.1f}" y1="{y - 3:.1f}" x2="{cx + 10:.1f}" y2="{y - 3:.1f}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        else:
            parts.append(
                f'<rect x="{cx:.1f}" y="{y - 8:.1f}" width="10" height="10" fill="{colour}"/>'
            )
        parts.append(_text(cx + 14, y, gettext(s.name)))
    if target_label:
        tx = x + len(series) * 190
        parts.append(
            f'<line x1="{tx:.1f}" y1="{y - 3:.1f}" x2="{tx + 14:.1f}" y2="{y - 3:.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="4 2"/>'
        )
        parts.append(_text(tx + 18, y, gettext(target_label)))
    return parts


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    """The chart with its title (the PDF's alternate text) and a description of its values."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
    )
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Fmt,
    target: float | None = None,
    target_label: str | None = None,
    width: int = 640,
    label_width: int = 255,
    gettext: Gettext = _identity,
) -> Markup:
    """Horizontal grouped bars, one group per label, a value axis with ticks below, optional
    vertical target line (its value under the axis). `gettext` translates the title, series
    names and target label (the caller's N_-marked words); the labels are data, shown as given."""
    bar_h, gap = 10, 7
    group_h = bar_h * len(series) + gap
    top, bottom = 26, 36 if target is not None else 24
    height = top + group_h * len(labels) + bottom
    plot_w = width - label_width - 70
    finite = [v for s in series for v in s.values if v is not None and math.isfinite(v)]
    vmax = max([0.0, *finite, target or 0.0]) or 1.0
    scale = plot_w / (vmax * 1.08)
    body = _legend(series, 8, 12, target_label, gettext)
    for row, label in enumerate(labels):
        gy = top + row * group_h
        body.append(_text(label_width - 8, gy + group_h / 2, _clip(label, 46), "end"))
        values = [s.values[row] for s in series]
        body += _bar_group(values, label_width, gy, bar_h, scale, fmt)
    axis_y = top + group_h * len(labels)
    body += _value_axis(label_width, top - 4, axis_y, scale, vmax * 1.08, fmt)
    if target is not None:
        tx = label_width + target * scale
        body.append(
            f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{axis_y}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
        body.append(_text(tx, axis_y + 28, fmt(target), "middle", f'fill="{TARGET_COLOUR}"'))
    return _svg(width, height, gettext(title), _bar_desc(labels, series, fmt, gettext), body)


def _value_axis(
    x0: float, y_top: float, axis_y: float, scale: float, vmax: float, fmt: Fmt
) -> list[str]:
    """The category axis (vertical, at zero) and the value axis (horizontal, under the bars)
    with a tick mark and a label at each round value."""
    x_end = x0 + vmax * scale
    body = [
        f'<line x1="{x0}" y1="{y_top}" x2="{x0}" y2="{axis_y}" {AXIS}/>',
        f'<line x1="{x0}" y1="{axis_y}" x2="{x_end:.1f}" y2="{axis_y}" {AXIS}/>',
    ]
    for t in _nice_ticks(0.0, vmax):
        x = x0 + t * scale
        if x > x_end + 0.5:
            break
        body.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + TICK}" {AXIS}/>')
        body.append(_text(x, axis_y + 14, fmt(t), "middle", 'class="tick"'))
    return body


def _bar_desc(labels: Sequence[str], series: Sequence[Series], fmt: Fmt, gettext: Gettext) -> str:
    """Every value of the chart in words: "label: series value, series value; ..."."""
    rows = []
    for row, label in enumerate(labels):
        values = ", ".join(f"{gettext(s.name)} {_shown(s.values[row], fmt)}" for s in series)
        rows.append(f"{label}: {values}")
    return "; ".join(rows)


def _shown(value: float | None, fmt: Fmt) -> str:
    return "—" if value is None or not math.isfinite(value) else fmt(value)


def _bar_group(
    values: Sequence[float | None], x0: float, y0: float, bar_h: float, scale: float, fmt: Fmt
) -> list[str]:
    """One bar per series for one label; an undefined value shows an em dash."""
    body = []
    for i, value in enumerate(values):
        y = y0 + i * bar_h
        if value is None or not math.isfinite(value):
            body.append(_text(x0 + 4, y + bar_h - 2, "—"))
            continue
        w = max(value, 0.0) * scale
        body.append(
            f'<rect x="{x0}" y="{y:.1f}" width="{w:.1f}" height="{bar_h - 1}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        body.append(_text(x0 + w + 4, y + bar_h - 2, fmt(value)))
    return body


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    span = hi - lo or 1.0
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(lo / step) * step
    ticks, t = [], start
    while t <= hi + step * 0.5:
        ticks.append(t)
        t += step
    return ticks


@dataclass(frozen=True)
class _Frame:
    """The plot area of a chart with a vertical value axis."""

    left: float
    right: float
    top: float
    plot_h: float
    lo: float
    hi: float

    def y(self, value: float) -> float:
        return self.top + (self.hi - value) / (self.hi - self.lo or 1.0) * self.plot_h


def _grid(frame: _Frame, ticks: list[float], fmt: Fmt) -> list[str]:
    """The value axis (left) with a tick mark, a label and a grid line at each tick; the zero
    line."""
    body = [
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" '
        f'y2="{frame.top + frame.plot_h}" {AXIS}/>'
    ]
    for t in ticks:
        y = frame.y(t)
        body.append(
            f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.right}" '
            f'y2="{y:.1f}" stroke="#ddd" stroke-width="0.6"/>'
        )
        body.append(
            f'<line x1="{frame.left - TICK}" y1="{y:.1f}" x2="{frame.left}" y2="{y:.1f}" {AXIS}/>'
        )
        body.append(_text(frame.left - 6, y + 3, fmt(t), "end", 'class="tick"'))
    body.append(
        f'<line x1="{frame.left}" y1="{frame.y(0):.1f}" x2="{frame.right}" '
        f'y2="{frame.y(0):.1f}" {AXIS}/>'
    )
    return body


def _line(points: list[tuple[float, float]]) -> list[str]:
    """A polyline with a dot on each point."""
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    body = [f'<polyline points="{coords}" fill="none" stroke="{PALETTE[1]}" stroke-width="2"/>']
    body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{PALETTE[1]}"/>' for x, y in points]
    return body


def jcurve_chart(
    title: str,
    labels: Sequence[str],
    net_flows: Sequence[float],
    cumulative: Sequence[float],
    fmt: Fmt,
    width: int = 640,
    height: int = 260,
    gettext: Gettext = _identity,
) -> Markup:
    """Bars of each period's net cash flow (each with its value) and a line of the cumulative
    net cash flow (its last value labelled), on a value axis and a time axis with ticks."""
    lo, hi = min(0.0, *net_flows, *cumulative), max(0.0, *net_flows, *cumulative)
    pad = (hi - lo) * 0.08  # room for the value beyond a bar's end
    ticks = _nice_ticks(lo - (pad if lo < 0 else 0.0), hi + (pad if hi > 0 else 0.0))
    frame = _Frame(78, width - 60, 26, height - 26 - 40, ticks[0], ticks[-1])
    n = max(len(labels), 1)
    step = (frame.right - frame.left) / n
    body = _legend(
        [Series(NET_FLOW, []), Series(CUMULATIVE, [])], frame.left, 12, None, gettext, True
    )
    body += _grid(frame, ticks, fmt)
    body += _time_axis(frame, labels, height)
    body += _flow_bars(frame, net_flows, step, fmt)
    points = [(frame.left + (i + 0.5) * step, frame.y(c)) for i, c in enumerate(cumulative)]
    body += _line(points)
    if points:
        x, y = points[-1]
        body.append(_text(x + 6, y + 3, fmt(cumulative[-1]), extra=f'fill="{PALETTE[1]}"'))
    desc = "; ".join(
        f"{label}: {gettext(NET_FLOW)} {fmt(flow)}, {gettext(CUMULATIVE)} {fmt(cum)}"
        for label, flow, cum in zip(labels, net_flows, cumulative, strict=True)
    )
    return _svg(width, height, gettext(title), desc, body)


def _time_axis(frame: _Frame, labels: Sequence[str], height: int) -> list[str]:
    """The time axis under the plot: a tick mark at each period, a label at up to 14 of them."""
    n = max(len(labels), 1)
    step = (frame.right - frame.left) / n
    bottom = frame.top + frame.plot_h
    body = [
        f'<line x1="{frame.left}" y1="{bottom:.1f}" x2="{frame.right}" y2="{bottom:.1f}" {AXIS}/>'
    ]
    for i, label in enumerate(labels):
        x = frame.left + (i + 0.5) * step
        body.append(
            f'<line x1="{x:.1f}" y1="{bottom:.1f}" x2="{x:.1f}" y2="{bottom + TICK:.1f}" {AXIS}/>'
        )
        if n <= 14 or i % math.ceil(n / 14) == 0:
            body.append(_text(x, height - 26, label, "middle", 'class="tick"'))
    return body


def _flow_bars(frame: _Frame, flows: Sequence[float], step: float, fmt: Fmt) -> list[str]:
    """One bar per period from zero to its net flow, its value beyond the bar's end (up to 14)."""
    bar_w = min(step * 0.6, 36.0)
    body = []
    for i, flow in enumerate(flows):
        x = frame.left + i * step
        y0, y1 = sorted((frame.y(0), frame.y(flow)))
        body.append(
            f'<rect x="{x + (step - bar_w) / 2:.1f}" y="{y0:.1f}" width="{bar_w:.1f}" '
            f'height="{max(y1 - y0, 0.5):.1f}" fill="{PALETTE[0]}"/>'
        )
        if len(flows) <= 14:
            y = y0 - 3 if flow >= 0 else y1 + 11
            body.append(_text(x + step / 2, y, fmt(flow), "middle", 'class="value"'))
    return body


@dataclass(frozen=True)
class BandSeries:
    """A series of vertical bars with a band around each value (low to high, e.g. 5-95 %)."""

    name: str
    values: Sequence[float]
    low: Sequence[float]
    high: Sequence[float]


def band_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[BandSeries],
    band_label: str,
    fmt: Fmt,
    width: int = 640,
    height: int = 260,
    gettext: Gettext = _identity,
) -> Markup:
    """Vertical grouped bars, one group per label (a forecast year), each bar with its value
    and a whisker from its band's low to its high, on a value axis and a time axis with ticks;
    the band's words in the legend and every value and band in the description."""
    every = [v for s in series for v in (*s.values, *s.low, *s.high)]
    hi = max([0.0, *every])
    ticks = _nice_ticks(0.0, hi * 1.08 or 1.0)
    plot_h = height - 26 - 40
    # room above the highest whisker for its value, written upward (a bar is narrower than it)
    longest = max((_text_width(fmt(v)) for s in series for v in s.values), default=0.0)
    top = max(ticks[-1], hi / max(1.0 - (longest + 8) / plot_h, 0.5))
    frame = _Frame(78, width - 20, 26, plot_h, ticks[0], top)
    body = _legend([Series(s.name, []) for s in series], frame.left, 12, None, gettext)
    lx = frame.left + len(series) * 190
    body.append(
        f'<line x1="{lx:.1f}" y1="{4:.1f}" x2="{lx:.1f}" y2="{14:.1f}" stroke="#333" '
        'stroke-width="1.2"/>'
    )
    body.append(_text(lx + 6, 12, gettext(band_label)))
    body += _grid(frame, ticks, fmt)
    body += _time_axis(frame, labels, height)
    step = (frame.right - frame.left) / max(len(labels), 1)
    bar_w = min(step * 0.8 / max(len(series), 1), 26.0)
    for i in range(len(labels)):
        x0 = frame.left + i * step + (step - bar_w * len(series)) / 2
        for k, s in enumerate(series):
            body += _band_bar(frame, x0 + k * bar_w, bar_w, s, i, PALETTE[k % len(PALETTE)])
            if len(labels) <= 14:  # upward from the whisker's top: never over the next bar
                x, y = x0 + (k + 0.5) * bar_w + 3, frame.y(s.high[i]) - 4
                body.append(
                    _text(
                        x, y, fmt(s.values[i]), "start",
                        f'class="value" transform="rotate(-90 {x:.1f} {y:.1f})"',
                    )
                )  # fmt: skip
    desc = "; ".join(
        f"{label}: "
        + ", ".join(
            f"{gettext(s.name)} {fmt(s.values[i])} ({gettext(band_label)} {fmt(s.low[i])} – "
            f"{fmt(s.high[i])})"
            for s in series
        )
        for i, label in enumerate(labels)
    )
    return _svg(width, height, gettext(title), desc, body)


def _band_bar(frame: _Frame, x: float, w: float, s: BandSeries, i: int, colour: str) -> list[str]:
    """One bar from zero to its value and its band's whisker (a line with end caps)."""
    y0, y1 = sorted((frame.y(0), frame.y(s.values[i])))
    cx, lo, hi = x + w / 2, frame.y(s.low[i]), frame.y(s.high[i])
    return [
        f'<rect x="{x + 1:.1f}" y="{y0:.1f}" width="{w - 2:.1f}" height="{max(y1 - y0, 0.5):.1f}" '
        f'fill="{colour}"/>',
        f'<line x1="{cx:.1f}" y1="{lo:.1f}" x2="{cx:.1f}" y2="{hi:.1f}" stroke="#333" '
        'stroke-width="1.2"/>',
        *(
            f'<line x1="{cx - 3:.1f}" y1="{y:.1f}" x2="{cx + 3:.1f}" y2="{y:.1f}" stroke="#333" '
            'stroke-width="1.2"/>'
            for y in (lo, hi)
        ),
    ]
