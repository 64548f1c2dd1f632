"""SDMX time periods: recognise the format and the frequency a period implies.

SDMX 2.1 Technical Notes §4.2 ("Time and time format") / SDMX 3.0 section 6 define:

* Gregorian periods: ``YYYY`` (year), ``YYYY-MM`` (month), ``YYYY-MM-DD`` (day);
* date-times: ``YYYY-MM-DDThh:mm:ss[.s][Z|±hh:mm]``;
* reporting periods: ``YYYY-A1``, ``YYYY-S1..2``, ``YYYY-T1..3``, ``YYYY-Q1..4``, ``YYYY-M01..12``,
  ``YYYY-W01..53``, ``YYYY-D001..366`` (each optionally with a time-zone offset);
* time ranges: ``<start date or date-time>/<ISO 8601 duration>``, e.g. ``2024-01-01/P1Y``.

``period_kind`` returns the frequency code a period implies (``A``, ``S``, ``T``, ``Q``, ``M``, ``W``,
``D``, ``DT`` for date-times, ``R`` for a range whose duration has no frequency), or ``None`` when the
text is not a valid period.  Callers cache the answer per distinct period string: a file has few.
"""

from __future__ import annotations

import re
from datetime import date

_TZ = r"(?:Z|[+-]\d{2}:\d{2})?"
_PERIOD = re.compile(
    r"(?P<year>\d{4})(?:"
    r"(?P<tz_y>" + _TZ + r")"
    r"|-(?P<month>\d{2})(?:-(?P<day>\d{2})(?:T(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
    + _TZ
    + r")?)?"
    r"|-(?P<rtype>[ASTQMWD])(?P<rnum>\d{1,3})" + _TZ + r")$"
)
_DURATION = re.compile(
    r"P(?!$)(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$"
)
#: Reporting period type -> (digits, maximum).
_REPORTING = {
    "A": (1, 1),
    "S": (1, 2),
    "T": (1, 3),
    "Q": (1, 4),
    "M": (2, 12),
    "W": (2, 53),
    "D": (3, 366),
}
_DURATION_KIND = {
    ("Y", 1): "A",
    ("M", 6): "S",
    ("M", 4): "T",
    ("M", 3): "Q",
    ("M", 1): "M",
    ("W", 1): "W",
    ("D", 7): "W",
    ("D", 1): "D",
}
#: FREQ code (SDMX:CL_FREQ) -> period kinds consistent with it.  Unknown FREQ codes are not checked.
FREQ_KINDS: dict[str, frozenset[str]] = {
    "A": frozenset({"A"}),
    "S": frozenset({"S"}),
    "T": frozenset({"T"}),
    "Q": frozenset({"Q"}),
    "M": frozenset({"M"}),
    "W": frozenset({"W"}),
    "D": frozenset({"D"}),
    "B": frozenset({"D"}),
    "H": frozenset({"DT"}),
    "N": frozenset({"DT"}),
}
#: Human names of the kinds, for messages.
KIND_NAMES = {
    "A": "annual",
    "S": "half-yearly",
    "T": "four-monthly",
    "Q": "quarterly",
    "M": "monthly",
    "W": "weekly",
    "D": "daily",
    "DT": "date-time",
    "R": "time-range",
}


def period_kind(text: str) -> str | None:
    """The frequency kind of an SDMX time period, or None if ``text`` is not one."""
    if "/" in text:
        start, _, duration = text.partition("/")
        if period_kind(start) not in ("D", "DT") or start[5:6] == "D":
            return None
        m = _DURATION.match(duration)
        if not m:
            return None
        parts = [(unit, int(n)) for unit, n in m.groupdict().items() if n]
        if len(parts) == 1 and "T" not in duration:
            return _DURATION_KIND.get(parts[0], "R")
        return "R"
    m = _PERIOD.match(text)
    if not m:
        return None
    year = int(m["year"])
    if m["rtype"]:
        digits, top = _REPORTING[m["rtype"]]
        num = m["rnum"]
        if len(num) != digits or not 1 <= int(num) <= top:
            return None
        return m["rtype"]
    if m["month"] is None:
        return "A"
    month = int(m["month"])
    if not 1 <= month <= 12:
        return None
    if m["day"] is None:
        return "M"
    try:
        date(year, month, int(m["day"]))
    except ValueError:
        return None
    return "DT" if m["time"] else "D"


def period_start(text: str) -> str | None:
    """The first day of a period as ``YYYY-MM-DD`` (for comparing with constraint time ranges)."""
    kind = period_kind(text)
    if kind is None:
        return None
    if "/" in text:
        text = text.partition("/")[0]
    year = text[:4]
    if kind in ("D", "DT") and text[4:5] == "-" and text[5:6] != "D":
        return text[:10]
    if kind == "M" and text[5:6] != "M":
        return f"{text[:7]}-01"
    if kind == "A":
        return f"{year}-01-01"
    rtype = text[5]
    num = int(re.match(r"\d+", text[6:]).group())  # type: ignore[union-attr]
    if rtype == "D":
        return date.fromordinal(date(int(year), 1, 1).toordinal() + num - 1).isoformat()
    if rtype == "W":
        return (
            date.fromisocalendar(int(year), num, 1).isoformat()
            if num <= 52 or _has_w53(int(year))
            else None
        )
    months = {"A": 12, "S": 6, "T": 4, "Q": 3, "M": 1}[rtype]
    return f"{year}-{(num - 1) * months + 1:02d}-01"


def _has_w53(year: int) -> bool:
    return date(year, 12, 28).isocalendar()[1] == 53
