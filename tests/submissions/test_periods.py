"""SDMX time periods to first and last day."""

from __future__ import annotations

import pytest

from registry.sdmx.periods import PeriodError, period_bounds


@pytest.mark.parametrize(("period", "start", "end"), [
    ("2024", "2024-01-01", "2024-12-31"),
    ("2024-A1", "2024-01-01", "2024-12-31"),
    ("2024-S2", "2024-07-01", "2024-12-31"),
    ("2024-T2", "2024-05-01", "2024-08-31"),
    ("2024-Q1", "2024-01-01", "2024-03-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),
    ("2023-M02", "2023-02-01", "2023-02-28"),
    ("2024-W01", "2024-01-01", "2024-01-07"),
    ("2020-W53", "2020-12-28", "2021-01-03"),
    ("2024-D060", "2024-02-29", "2024-02-29"),
    ("2024-03-15", "2024-03-15", "2024-03-15"),
    ("2024-03-15T10:30:00Z", "2024-03-15", "2024-03-15"),
    ("2023-Q4+01:00", "2023-10-01", "2023-12-31"),
    ("2024-01-01/P1Y", "2024-01-01", "2024-12-31"),
    ("2024-03/P3M", "2024-03-01", "2024-05-31"),
    ("2024-01-01/P7D", "2024-01-01", "2024-01-07"),
])
def test_bounds(period: str, start: str, end: str) -> None:
    assert period_bounds(period) == (start, end)


@pytest.mark.parametrize("bad", ["", "24", "2024-13", "2024-Q5", "2021-W53", "2023-D366", "2024-02-30",
                                 "2024-01-01/PXY", "2024-01-01/P", "abcd"])
def test_invalid(bad: str) -> None:
    with pytest.raises(PeriodError):
        period_bounds(bad)
