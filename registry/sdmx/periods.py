"""Start and end dates of SDMX time periods, for storage and period filters.

The data store keeps each observation's period as submitted plus its first and last day as
``YYYY-MM-DD`` strings (``period_start``/``period_end``), so ``startPeriod``/``endPeriod`` queries are
index range scans whatever the frequency.  SDMX 2.1 Technical Notes §4.2 / SDMX 3.0 section 6 define
the formats handled here:

* Gregorian: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``; date-times ``YYYY-MM-DDThh:mm[:ss[.s]][Z|±hh:mm]``
  (the day is the period);
* reporting periods: ``YYYY-A1``, ``YYYY-S1..2``, ``YYYY-T1..3``, ``YYYY-Q1..4``, ``YYYY-M01..12``,
  ``YYYY-W01..53`` (ISO weeks, Monday to Sunday), ``YYYY-D001..366``, with an optional time-zone
  offset (ignored: a period is a calendar span here).  The reporting year is taken to start on
  1 January (the default ``REPORTING_YEAR_START_DAY``);
* time ranges ``<start>/<ISO 8601 duration>``: the end is start + duration - 1 day.

``period_bounds`` caches its answers: a file has few distinct periods and this runs per observation.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

_TZ = r"(?:Z|[+-]\d{2}:\d{2})?"
_GREGORIAN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T[\d:.]+)?)?)?" + _TZ + "$")
_REPORTING = re.compile(r"(\d{4})-([ASTQMWD])(\d{1,3})" + _TZ + "$")
_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?$")
_MONTHS_PER = {"A": 12, "S": 6, "T": 4, "Q": 3, "M": 1}
_MAX_NUM = {"A": 1, "S": 2, "T": 3, "Q": 4, "M": 12, "W": 53, "D": 366}


class PeriodError(ValueError):
    """The text is not an SDMX time period."""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _bounds(text: str) -> tuple[date, date]:
    if "/" in text:
        start_text, _, duration = text.partition("/")
        start = _bounds(start_text)[0]
        m = _DURATION.match(duration)
        if not m or not any(m.groups()[:4]):
            raise PeriodError(f"not an ISO 8601 duration: {duration!r}")
        years, months, weeks, days = (int(g or 0) for g in m.groups()[:4])
        end = _add_months(start, 12 * years + months) + timedelta(weeks=weeks, days=days)
        return start, max(start, end - timedelta(days=1))
    m = _REPORTING.match(text)
    if m:
        year, kind, num = int(m[1]), m[2], int(m[3])
        if not 1 <= num <= _MAX_NUM[kind]:
            raise PeriodError(f"reporting period out of range: {text!r}")
        if kind == "D":
            start = date(year, 1, 1) + timedelta(days=num - 1)
            if start.year != year:
                raise PeriodError(f"day out of range: {text!r}")
            return start, start
        if kind == "W":
            try:
                start = date.fromisocalendar(year, num, 1)
            except ValueError:
                raise PeriodError(f"week out of range: {text!r}") from None
            return start, start + timedelta(days=6)
        span = _MONTHS_PER[kind]
        first = (num - 1) * span + 1
        return date(year, first, 1), _month_end(year, first + span - 1)
    m = _GREGORIAN.match(text)
    if not m:
        raise PeriodError(f"not an SDMX time period: {text!r}")
    year = int(m[1])
    try:
        if m[2] is None:
            return date(year, 1, 1), date(year, 12, 31)
        month = int(m[2])
        if m[3] is None:
            return date(year, month, 1), _month_end(year, month)
        day = date(year, month, int(m[3]))
    except ValueError:
        raise PeriodError(f"not a valid date: {text!r}") from None
    return day, day


@lru_cache(maxsize=65536)
def period_bounds(text: str) -> tuple[str, str]:
    """``(first day, last day)`` of an SDMX time period as ``YYYY-MM-DD``; ``PeriodError`` if invalid."""
    start, end = _bounds(text.strip())
    return start.isoformat(), end.isoformat()
