"""Charts as inline SVG, drawn on the server (no script, no external library, CSP-safe).

Only presentation attributes are used (no ``style``), so the page's CSP needs no ``unsafe-inline``.
Every chart has ``role="img"``, a ``<title>`` and a ``<desc>``; the data table next to it is the
accessible equivalent.  Suppressed values are gaps in lines and hatched, labelled bars.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Colour-blind-safe palette (Okabe–Ito), darkened where needed for contrast on white.
PALETTE = ("#0b6fa4", "#c4510b", "#00876c", "#a8326e", "#6a4c93", "#8a6d00", "#3d3d3d", "#0072b2")


@dataclass(slots=True)
class Line:
    """One series of a line chart: label and (period, value or None when suppressed) points."""

    label: str
    points: list[tuple[str, float | None]]


@dataclass(slots=True)
class Bar:
    """One bar: label, value (None = suppressed or missing) and a note shown under the label."""

    label: str
    value: float | None
    note: str = ""


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:g}"


def _esc(text: str) -> str:
    return str(escape(text))


def line_chart(
    lines: Sequence[Line],
    title: str,
    desc: str,
    *,
    width: int = 720,
    height: int = 320,
    suppressed_label: str = "suppressed",
) -> Markup:
    """A line chart of periods (x, in order of first appearance sorted) against values (y)."""
    periods = sorted({p for ln in lines for p, _v in ln.points})
    values = [v for ln in lines for _p, v in ln.points if v is not None]
    left, right, top, bottom = 64, 16, 16, 40
    pw, ph = width - left - right, height - top - bottom
    ymax = _nice_max(max(values) if values else 1.0)
    ymin = min(0.0, min(values) if values else 0.0)
    span = (ymax - ymin) or 1.0

    def x(i: int) -> float:
        return left + (pw * (i + 0.5) / max(len(periods), 1))

    def y(v: float) -> float:
        return top + ph - (v - ymin) / span * ph

    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="lc-t lc-d" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="lc-t">{_esc(title)}</title><desc id="lc-d">{_esc(desc)}</desc>'
    ]
    for k in range(5):
        v = ymin + span * k / 4
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#d0d0d0" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12" fill="#333">{_esc(_fmt(v))}</text>'
        )
    step = max(1, math.ceil(len(periods) / 10))
    for i, p in enumerate(periods):
        if i % step == 0:
            out.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="12" fill="#333">{_esc(p)}</text>'
            )
    index = {p: i for i, p in enumerate(periods)}
    for n, ln in enumerate(lines):
        colour = PALETTE[n % len(PALETTE)]
        pts = sorted(ln.points, key=lambda pv: index[pv[0]])
        segment: list[str] = []
        segments: list[list[str]] = []
        for p, v in pts:
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(index[p]):.1f},{y(v):.1f}")
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                out.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
                )
        for p, v in pts:
            if v is None:
                out.append(
                    f'<text x="{x(index[p]):.1f}" y="{top + ph - 4}" text-anchor="middle" font-size="14" fill="{colour}">'
                    f"×<title>{_esc(ln.label)} {_esc(p)}: {_esc(suppressed_label)}</title></text>"
                )
            else:
                out.append(
                    f'<circle cx="{x(index[p]):.1f}" cy="{y(v):.1f}" r="4" fill="{colour}">'
                    f"<title>{_esc(ln.label)} {_esc(p)}: {_esc(_fmt(v))}</title></circle>"
                )
    out.append("</svg>")
    legend = "".join(
        f'<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="{PALETTE[n % len(PALETTE)]}"/></svg> {_esc(ln.label)}</li>'
        for n, ln in enumerate(lines)
    )
    return Markup("".join(out) + f'<ul class="legend">{legend}</ul>')


def bar_chart(
    bars: Sequence[Bar],
    title: str,
    desc: str,
    *,
    width: int = 720,
    suppressed_label: str = "suppressed",
) -> Markup:
    """A horizontal bar chart (readable on phones: labels never overlap)."""
    row, left, right, top = 30, 190, 80, 8
    height = top * 2 + row * max(len(bars), 1)
    values = [b.value for b in bars if b.value is not None]
    vmax = _nice_max(max(values) if values else 1.0)
    pw = width - left - right
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="bc-t bc-d" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="bc-t">{_esc(title)}</title><desc id="bc-d">{_esc(desc)}</desc>'
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#777" stroke-width="2"/></pattern></defs>'
    ]
    for i, b in enumerate(bars):
        yy = top + i * row
        text = b.label if len(b.label) <= 28 else b.label[:27] + "…"
        out.append(
            f'<text x="{left - 8}" y="{yy + row / 2 + 4:.1f}" text-anchor="end" font-size="13" fill="#222">{_esc(text)}<title>{_esc(b.label)}</title></text>'
        )
        if b.value is None:
            out.append(
                f'<rect x="{left}" y="{yy + 5}" width="{pw * 0.15:.1f}" height="{row - 10}" fill="url(#hatch)" stroke="#777"/>'
                f'<text x="{left + pw * 0.15 + 6:.1f}" y="{yy + row / 2 + 4:.1f}" font-size="12" fill="#444">{_esc(suppressed_label)}</text>'
            )
            continue
        w = max(0.0, b.value) / vmax * pw
        out.append(
            f'<rect x="{left}" y="{yy + 5}" width="{w:.1f}" height="{row - 10}" fill="{PALETTE[0]}">'
            f"<title>{_esc(b.label)}: {_esc(_fmt(b.value))}</title></rect>"
            f'<text x="{left + w + 6:.1f}" y="{yy + row / 2 + 4:.1f}" font-size="12" fill="#222">{_esc(_fmt(b.value))}{(" " + _esc(b.note)) if b.note else ""}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))
