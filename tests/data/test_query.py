"""Parsing of data queries (keys, providers, filters, periods, dates); the SQL key condition."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registry.data.fetch import MAX_KEY_EXPANSION, format_value, key_condition
from registry.data.query import (
    Condition,
    key_matches,
    key_matches_except,
    parse_datetime,
    parse_filter,
    parse_providers,
    parse_v1_key,
    parse_v2_keys,
    period_end,
    period_passes,
    period_start,
    value_passes,
    widen,
)
from registry.errors import InvalidRequest


def test_v1_keys() -> None:
    assert parse_v1_key("all", 3) is None
    assert parse_v1_key("..", 3) is None
    assert parse_v1_key("A.PAN+MEX.", 3) == [(frozenset({"A"}), frozenset({"PAN", "MEX"}), None)]
    with pytest.raises(InvalidRequest):
        parse_v1_key("A.PAN", 3)


def test_v2_keys() -> None:
    assert parse_v2_keys("*", 3) is None
    assert parse_v2_keys("A", 3) == [(frozenset({"A"}), None, None)]
    assert parse_v2_keys("A.*.X,M", 3) == [
        (frozenset({"A"}), None, frozenset({"X"})),
        (frozenset({"M"}), None, None),
    ]
    assert parse_v2_keys("A,*", 3) is None
    with pytest.raises(InvalidRequest):
        parse_v2_keys("A.B.C.D", 3)


def test_matching_and_widening() -> None:
    pats = parse_v1_key("A.PAN+MEX.F", 3)
    assert pats is not None
    assert key_matches(pats, ("A", "MEX", "F"))
    assert not key_matches(pats, ("A", "COL", "F"))
    assert key_matches_except(pats, ("A", "COL", "F"), 1)
    assert widen(pats, [2]) == [(frozenset({"A"}), frozenset({"PAN", "MEX"}), None)]
    assert widen(parse_v1_key("..F", 3), [2]) is None


def test_providers() -> None:
    agencies = {"IDAC"}.__contains__
    assert parse_providers("all", agencies) is None
    assert parse_providers("P1", agencies) == {"P1"}
    assert parse_providers("IDAC,P1", agencies) == {"P1"}
    assert parse_providers("P1,P2", agencies) == {"P1", "P2"}  # the TCK's "P1+P2" sent with a comma
    assert parse_providers("P1+IDAC,P2", agencies) == {"P1", "P2"}
    assert parse_providers("P1,P2", agencies, v2=True) == {"P1", "P2"}


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", "2024-01-01", "2024-12-31"),
        ("2024-Q1", "2024-01-01", "2024-03-31"),
        ("2024-S2", "2024-07-01", "2024-12-31"),
        ("2024-W05", "2024-01-29", "2024-02-04"),
        ("2024-M03", "2024-03-01", "2024-03-31"),
        ("2024-03", "2024-03-01", "2024-03-31"),
        ("2024-02-29", "2024-02-29", "2024-02-29"),
        ("2024-T3", "2024-09-01", "2024-12-31"),
        ("2024-D032", "2024-02-01", "2024-02-01"),
    ],
)
def test_periods(text: str, start: str, end: str) -> None:
    assert (period_start(text), period_end(text)) == (start, end)


def test_bad_periods() -> None:
    for bad in ("2024-Q5", "24", "soon", "2024-M13"):
        with pytest.raises(InvalidRequest):
            period_start(bad)


def test_datetimes() -> None:
    assert parse_datetime("2025-01-01T10:00:00Z", "x") == datetime(2025, 1, 1, 10, tzinfo=UTC)
    # '+01:00' unencoded arrives as ' 01:00'; times are normalised to UTC
    assert parse_datetime("2025-01-01T10:00:00 01:00", "x") == datetime(2025, 1, 1, 9, tzinfo=UTC)
    assert parse_datetime("2019-Q3", "x") == datetime(2019, 7, 1, tzinfo=UTC)
    with pytest.raises(InvalidRequest):
        parse_datetime("yesterday", "x")


def test_filters() -> None:
    f = parse_filter("AGE", "sw:Y1,eq:_T")
    assert f == ((Condition("sw", "Y1"),), (Condition("eq", "_T"),))
    assert value_passes(f, "Y10T14")
    assert value_passes(f, "_T")
    assert not value_passes(f, "Y0T4")
    both = parse_filter("OBS_VALUE", "gt:5 lt:10")  # '+' arrives as a space
    assert value_passes(both, "7")
    assert not value_passes(both, "12")
    assert not value_passes(both, None)
    assert value_passes(parse_filter("X", "ne:A"), None)
    t = parse_filter("TIME_PERIOD", "ge:2024-Q2+le:2024-Q3")
    assert period_passes(t, "2024-05", "2024-05-01", "2024-05-31")
    assert period_passes(t, "2024", "2024-01-01", "2024-12-31")  # overlaps
    assert not period_passes(t, "2023", "2023-01-01", "2023-12-31")
    assert period_passes(parse_filter("TIME_PERIOD", "eq:2024"), "2024", "2024-01-01", "2024-12-31")
    with pytest.raises(InvalidRequest):
        parse_filter("TIME_PERIOD", "ge:whenever")


def test_sql_key_condition() -> None:
    cond = key_condition(parse_v1_key("A.PAN+MEX._T", 3))
    sql = str(cond.compile(compile_kwargs={"literal_binds": True}))
    assert "IN ('A.MEX._T', 'A.PAN._T')" in sql
    like = str(
        key_condition(parse_v1_key("A..F_X", 3)).compile(compile_kwargs={"literal_binds": True})
    )
    assert "LIKE 'A.%.F\\_X'" in like
    many = [tuple(frozenset(str(i) for i in range(30)) for _ in range(3))]
    assert key_condition(many) is None  # 27,000 combinations: filtered per series in Python
    assert MAX_KEY_EXPANSION < 27_000


def test_format_value() -> None:
    assert format_value(888.0, None) == "888"
    assert format_value(1.5, None) == "1.5"
    assert format_value(None, "NaN") == "NaN"
    assert format_value(None, None) is None
