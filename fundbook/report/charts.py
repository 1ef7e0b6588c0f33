"""Inline SVG charts drawn in Python: grouped bar charts with a target line, and the J-curve."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from fundbook.report.i18n import N_, Translate

PALETTE = ("#1f3b73", "#3f8f8a", "#c58b2b", "#7a5195")
TARGET_COLOUR = "#c0392b"
FONT = 'font-family="Noto Sans CJK TC, Liberation Sans, DejaVu Sans, sans-serif" font-size="10"'
Fmt = Callable[[float | None], str]
# The J-curve's legend.
NET_FLOW = N_("Net cash flow in the quarter")
CUMULATIVE = N_("Cumulative net cash flow")


@dataclass(frozen=True)
class Series:
    """One named series of a chart; None marks an undefined value (drawn as no bar)."""

    name: str
    values: Sequence[float | None]


def _text(x: float, y: float, label: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} {extra}>'
        f"{escape(label)}</text>"
    )


def _legend(
    series: Sequence[Series], x: float, y: float, target_label: str | None, line_last: bool = False
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
        parts.append(_text(cx + 14, y, s.name))
    if target_label:
        tx = x + len(series) * 190
        parts.append(
            f'<line x1="{tx:.1f}" y1="{y - 3:.1f}" x2="{tx + 14:.1f}" y2="{y - 3:.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="4 2"/>'
        )
        parts.append(_text(tx + 18, y, target_label))
    return parts


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
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
) -> Markup:
    """Horizontal grouped bars, one group per label, optional vertical target line."""
    bar_h, gap = 10, 7
    group_h = bar_h * len(series) + gap
    top, bottom = 26, 22
    height = top + group_h * len(labels) + bottom
    plot_w = width - label_width - 70
    finite = [v for s in series for v in s.values if v is not None and math.isfinite(v)]
    vmax = max([0.0, *finite, target or 0.0]) or 1.0
    scale = plot_w / (vmax * 1.08)
    body = _legend(series, 8, 12, target_label)
    for row, label in enumerate(labels):
        gy = top + row * group_h
        body.append(_text(label_width - 8, gy + group_h / 2, _clip(label, 46), "end"))
        values = [s.values[row] for s in series]
        body += _bar_group(values, label_width, gy, bar_h, scale, fmt)
    axis_y = top + group_h * len(labels)
    body.append(
        f'<line x1="{label_width}" y1="{top - 4}" x2="{label_width}" y2="{axis_y}" '
        'stroke="#555" stroke-width="0.8"/>'
    )
    if target is not None:
        tx = label_width + target * scale
        body.append(
            f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{axis_y}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
        body.append(_text(tx, axis_y + 14, fmt(target), "middle", f'fill="{TARGET_COLOUR}"'))
    return _svg(width, height, title, body)


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
    """Horizontal grid lines with their labels, and the zero line."""
    body = []
    for t in ticks:
        body.append(
            f'<line x1="{frame.left}" y1="{frame.y(t):.1f}" x2="{frame.right}" '
            f'y2="{frame.y(t):.1f}" stroke="#ddd" stroke-width="0.6"/>'
        )
        body.append(_text(frame.left - 6, frame.y(t) + 3, fmt(t), "end"))
    body.append(
        f'<line x1="{frame.left}" y1="{frame.y(0):.1f}" x2="{frame.right}" '
        f'y2="{frame.y(0):.1f}" stroke="#555" stroke-width="0.8"/>'
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
    translate: Translate = str,
) -> Markup:
    """Bars of each period's net cash flow and a line of the cumulative net cash flow (the
    legend in the report's language: `translate`)."""
    ticks = _nice_ticks(min(0.0, *net_flows, *cumulative), max(0.0, *net_flows, *cumulative))
    frame = _Frame(78, width - 12, 26, height - 26 - 40, ticks[0], ticks[-1])
    n = max(len(labels), 1)
    step = (frame.right - frame.left) / n
    bar_w = min(step * 0.6, 36.0)
    body = _legend(
        [Series(translate(NET_FLOW), []), Series(translate(CUMULATIVE), [])],
        frame.left,
        12,
        None,
        line_last=True,
    )
    body += _grid(frame, ticks, fmt)
    points = []
    for i, (label, flow, cum) in enumerate(zip(labels, net_flows, cumulative, strict=True)):
        x = frame.left + i * step
        y0, y1 = sorted((frame.y(0), frame.y(flow)))
        body.append(
            f'<rect x="{x + (step - bar_w) / 2:.1f}" y="{y0:.1f}" width="{bar_w:.1f}" '
            f'height="{max(y1 - y0, 0.5):.1f}" fill="{PALETTE[0]}"/>'
        )
        points.append((x + step / 2, frame.y(cum)))
        if n <= 14 or i % math.ceil(n / 14) == 0:
            body.append(_text(x + step / 2, height - 26, label, "middle"))
    return _svg(width, height, title, body + _line(points))
