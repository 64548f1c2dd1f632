"""Charts as inline SVG, drawn on the server (no script, no external library, CSP-safe).

Only presentation attributes are used (no ``style``), so the page's CSP needs no ``unsafe-inline``.
Every chart has ``role="img"``, a ``<title>`` and a ``<desc>``; the data table next to it is the
accessible equivalent.  Suppressed values are gaps in lines (marked ×) and hatched, labelled bars.
Every text and attribute value goes through ``_el``/``_text``, which escape it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Colour-blind-safe palette (Okabe–Ito), darkened where needed for contrast on white.
PALETTE = ("#0b6fa4", "#c4510b", "#00876c", "#a8326e", "#6a4c93", "#8a6d00", "#3d3d3d", "#0072b2")
_HATCH = (
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)">'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#777" stroke-width="2"/>'
    "</pattern></defs>"
)


@dataclass(slots=True)
class Line:
    """One series of a line chart: label and (period, value or None when suppressed) points."""

    label: str
    points: list[tuple[str, float | None]]


@dataclass(slots=True)
class Bar:
    """One bar: label, value (None = suppressed or missing) and a note shown after the value."""

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
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"


def _el(tag: str, content: str = "", **attrs: object) -> str:
    """An SVG element; attribute values are escaped, ``content`` must already be safe."""
    parts = " ".join(
        f'{k.rstrip("_").replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items()
    )
    head = f"{tag} {parts}" if parts else tag
    return f"<{head}>{content}</{tag}>" if content else f"<{head}/>"


def _text(text: str) -> str:
    return str(escape(text))


def _open(width: int, height: int, ident: str, title: str, desc: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-t">{_text(title)}</title><desc id="{ident}-d">{_text(desc)}</desc>'
    )


@dataclass(slots=True)
class _Frame:
    """The plotting area of a line chart and its scales."""

    width: int
    height: int
    periods: list[str]
    ymin: float
    ymax: float
    left: int = 64
    right: int = 16
    top: int = 16
    bottom: int = 40

    def x(self, i: int) -> float:
        pw = self.width - self.left - self.right
        return self.left + pw * (i + 0.5) / max(len(self.periods), 1)

    def y(self, v: float) -> float:
        ph = self.height - self.top - self.bottom
        return self.top + ph - (v - self.ymin) / ((self.ymax - self.ymin) or 1.0) * ph

    def axes(self) -> list[str]:
        out = []
        for k in range(5):
            v = self.ymin + (self.ymax - self.ymin) * k / 4
            yy = round(self.y(v), 1)
            out.append(
                _el(
                    "line", x1=self.left, x2=self.width - self.right, y1=yy, y2=yy, stroke="#d0d0d0"
                )
            )
            out.append(
                _el(
                    "text",
                    _text(_fmt(v)),
                    x=self.left - 6,
                    y=yy + 4,
                    text_anchor="end",
                    font_size=12,
                    fill="#333",
                )
            )
        step = max(1, math.ceil(len(self.periods) / 10))
        for i, p in enumerate(self.periods):
            if i % step == 0:
                out.append(
                    _el(
                        "text",
                        _text(p),
                        x=round(self.x(i), 1),
                        y=self.height - self.bottom + 18,
                        text_anchor="middle",
                        font_size=12,
                        fill="#333",
                    )
                )
        return out


def _series(frame: _Frame, line: Line, colour: str, suppressed_label: str) -> list[str]:
    index = {p: i for i, p in enumerate(frame.periods)}
    pts = sorted(line.points, key=lambda pv: index[pv[0]])
    out: list[str] = []
    run: list[str] = []
    for p, v in [*pts, ("", None)]:
        if v is None:
            if len(run) > 1:
                out.append(
                    _el(
                        "polyline",
                        points=" ".join(run),
                        fill="none",
                        stroke=colour,
                        stroke_width=2.5,
                    )
                )
            run = []
            if p:
                tip = _el("title", _text(f"{line.label} {p}: {suppressed_label}"))
                out.append(
                    _el(
                        "text",
                        "×" + tip,
                        x=round(frame.x(index[p]), 1),
                        y=frame.height - frame.bottom - 4,
                        text_anchor="middle",
                        font_size=14,
                        fill=colour,
                    )
                )
            continue
        cx, cy = round(frame.x(index[p]), 1), round(frame.y(v), 1)
        run.append(f"{cx},{cy}")
        out.append(
            _el(
                "circle",
                _el("title", _text(f"{line.label} {p}: {_fmt(v)}")),
                cx=cx,
                cy=cy,
                r=4,
                fill=colour,
            )
        )
    return out


def line_chart(
    lines: Sequence[Line],
    title: str,
    desc: str,
    *,
    width: int = 720,
    height: int = 320,
    suppressed_label: str = "suppressed",
) -> Markup:
    """A line chart of periods (x, sorted) against values (y), one colour per series."""
    values = [v for ln in lines for _p, v in ln.points if v is not None]
    frame = _Frame(
        width,
        height,
        sorted({p for ln in lines for p, _v in ln.points}),
        min(0.0, min(values, default=0.0)),
        _nice_max(max(values, default=1.0)),
    )
    out = [_open(width, height, "lc", title, desc), *frame.axes()]
    for n, ln in enumerate(lines):
        out.extend(_series(frame, ln, PALETTE[n % len(PALETTE)], suppressed_label))
    out.append("</svg>")
    legend = "".join(
        f'<li><svg width="14" height="14" aria-hidden="true">'
        f"{_el('rect', width=14, height=14, fill=PALETTE[n % len(PALETTE)])}</svg> "
        f"{_text(ln.label)}</li>"
        for n, ln in enumerate(lines)
    )
    return Markup("".join(out) + f'<ul class="legend">{legend}</ul>')  # noqa: S704 - every part escaped


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
    vmax = _nice_max(max((b.value for b in bars if b.value is not None), default=1.0))
    pw = width - left - right
    out = [_open(width, height, "bc", title, desc), _HATCH]
    for i, b in enumerate(bars):
        yy = top + i * row
        mid = round(yy + row / 2 + 4, 1)
        short = b.label if len(b.label) <= 28 else b.label[:27] + "…"
        out.append(
            _el(
                "text",
                _text(short) + _el("title", _text(b.label)),
                x=left - 8,
                y=mid,
                text_anchor="end",
                font_size=13,
                fill="#222",
            )
        )
        if b.value is None:
            w = round(pw * 0.15, 1)
            out.append(
                _el(
                    "rect",
                    x=left,
                    y=yy + 5,
                    width=w,
                    height=row - 10,
                    fill="url(#hatch)",
                    stroke="#777",
                )
            )
            out.append(
                _el(
                    "text",
                    _text(suppressed_label),
                    x=left + w + 6,
                    y=mid,
                    font_size=12,
                    fill="#444",
                )
            )
            continue
        w = round(max(0.0, b.value) / vmax * pw, 1)
        tip = _el("title", _text(f"{b.label}: {_fmt(b.value)}"))
        out.append(_el("rect", tip, x=left, y=yy + 5, width=w, height=row - 10, fill=PALETTE[0]))
        note = f" {b.note}" if b.note else ""
        out.append(
            _el(
                "text",
                _text(_fmt(b.value) + note),
                x=left + w + 6,
                y=mid,
                font_size=12,
                fill="#222",
            )
        )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every part escaped
