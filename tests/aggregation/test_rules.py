"""Aggregation rules: rates from summed numerators/denominators, units, coverage, flags, history, hook."""

from __future__ import annotations

from typing import Any

from registry.aggregation.compute import on_submission_loaded, recompute
from registry.aggregation.core import AggregationConfig, MemberCell, aggregate_one
from registry.aggregation.hierarchy import Member, Region
from registry.data.fetch import fetch_series
from tests.aggregation.helpers import KEY_DIMS, REGIONAL, key, load

REGION = Region("R", "t", (Member("AAA"), Member("BBB"), Member("CCC")))
KEY = ("A", "R", "IND")


def cell(area: str, value: float | None, unit: str = "PS", **kw: Any) -> MemberCell:
    return MemberCell(area, ("A", area, "IND"), "2024", value, unit=unit, **kw)


def test_rates_are_recomputed_from_numerators_and_denominators_never_averaged() -> None:
    cells = {
        "AAA": cell("AAA", 50.0, "PCNT", numer=10, denom=20),
        "BBB": cell("BBB", 10.0, "PCNT", numer=8, denom=80),
        "CCC": cell("CCC", 90.0, "PCNT"),
    }  # no numerator/denominator: cannot contribute
    agg = aggregate_one(REGION, KEY, "2024", "2024-01-01", "2024-12-31", cells, AggregationConfig())
    assert agg is not None
    assert agg.value == 18.0  # 100 x (10 + 8) / (20 + 80); the mean of 50 and 10 would be 30
    assert (agg.numer, agg.denom) == (18, 100)
    assert [a for a, _r in agg.excluded] == ["CCC"] and "never averaged" in agg.excluded[0][1]
    assert round(agg.coverage_members, 1) == 66.7
    assert agg.status == "published"


def test_units_unit_mult_coverage_population_and_flags() -> None:
    cells = {
        "AAA": cell("AAA", 2.0, unit_mult=3, obs_status="E", time_detail="2024-12-31"),
        "BBB": cell("BBB", 500.0, time_detail="2024-06-30"),
        "CCC": cell("CCC", 7.0, "PER100000"),
    }
    pops = {"AAA": 600.0, "BBB": 300.0, "CCC": 100.0}
    config = AggregationConfig(min_coverage=95.0, population=lambda area, _s, _e: pops[area])
    agg = aggregate_one(REGION, KEY, "2024", "2024-01-01", "2024-12-31", cells, config)
    assert agg is not None
    assert agg.unit == "PS" and agg.value == 2500.0  # 2 x 10^3 + 500
    assert agg.excluded == [("CCC", "UNIT_MEASURE PER100000 differs from the regional unit PS")]
    assert round(agg.coverage_members, 1) == 66.7 and agg.coverage_population == 90.0
    assert agg.status == "below_coverage"  # 90 % of the child population < 95 %
    assert agg.obs_attrs["NATURE"] == "E" and agg.obs_attrs["OBS_STATUS"] == "E"
    assert "reference dates differ" in agg.obs_attrs["COMMENT_OBS"]


def test_recompute_after_a_load_keeps_the_previous_aggregate_in_history(
    seeded: Any, db: Any
) -> None:
    settings = seeded.extensions["idac.settings"]
    with db.transaction() as session:
        load(session, [(key("MEX"), "2024", "500", {})], provider="MEX_INM")
        load(session, [(key("COL"), "2024", "250", {})], provider="COL_MIGRACION")
        load(session, [(key("HND"), "2024", "40", {})], provider="HND_INM")
    with db.transaction() as session:
        first = recompute(session)
        assert first.written >= 1 and first.run_id
    with db.transaction() as session:
        sub = load(session, [(key("MEX"), "2024", "510", {})], provider="MEX_INM")
    result = on_submission_loaded(db, settings, sub)
    assert result is not None and result.indicators == ["IDAC_STK_REF"] and result.written >= 1
    with db.transaction() as session:
        versions = [
            o
            for s in fetch_series(session, REGIONAL, KEY_DIMS, None, history=True)
            if s.key[1] == "IDAC_LA6"
            for o in s.observations
        ]
        assert [(o.value, o.superseded_at is None) for o in versions] == [
            ("790", False),
            ("800", True),
        ]
        assert versions[1].submission_id == result.run_id
    # Unchanged data: nothing written, no new history.
    with db.transaction() as session:
        again = recompute(session)
        assert again.written == 0 and again.closed == 0 and again.run_id is None


def test_an_aggregate_that_loses_coverage_is_closed(db: Any) -> None:
    with db.transaction() as session:
        load(session, [(key("MEX"), "2024", "500", {})], provider="MEX_INM")
        load(session, [(key("COL"), "2024", "250", {})], provider="COL_MIGRACION")
        load(session, [(key("HND"), "2024", "40", {})], provider="HND_INM")
        recompute(session)
    with db.transaction() as session:
        load(session, [(key("HND"), "2024", None, {})], provider="HND_INM", action="delete")
        result = recompute(session)
        assert result.closed == 1  # 2 of 6 members left: below 50 %
    with db.transaction() as session:
        current = [
            s for s in fetch_series(session, REGIONAL, KEY_DIMS, None) if s.key[1] == "IDAC_LA6"
        ]
        assert current == []
