"""Hand-checked aggregates: three reporting countries, one missing, one suppressed (exact values)."""

from __future__ import annotations

from typing import Any

from registry.aggregation.compute import Context, compute_indicator, recompute
from registry.aggregation.core import AggregationConfig
from registry.data.fetch import fetch_series
from tests.aggregation.helpers import CORE, KEY_DIMS, REGIONAL, key, load

LA6_KEY = ("A", "IDAC_LA6", "IDAC_STK_REF", "_T", "Y0T17", "_T", "ORIGIN", "_T", "_Z", "_T")


def _stored(session: Any, history: bool = False) -> dict[tuple[str, str], list[Any]]:
    out: dict[tuple[str, str], list[Any]] = {}
    for s in fetch_series(session, REGIONAL, KEY_DIMS, None, history=history):
        for o in s.observations:
            out.setdefault((s.key[1], o.time_period), []).append(o)
    return out


def _by_region(aggs: list[Any]) -> dict[str, Any]:
    return {a.region: a for a in aggs if a.key == LA6_KEY[:1] + (a.region,) + LA6_KEY[2:]}


def test_one_suppressed_member_withdraws_the_aggregate(db: Any) -> None:
    # IDAC_LA6 = CHL, COL, SLV, HND, MEX, PAN.  Reporting: MEX 500, COL 250, PAN 3 (a count of 1-4 is
    # suppressed for the public); HND, CHL, SLV missing.  Coverage 3/6 = 50 % (the minimum: published
    # unless disclosure forbids).  LA6 - MEX - COL = PAN, so the aggregate is withdrawn (CONF_STATUS=S).
    with db.transaction() as session:
        load(session, [(key("MEX"), "2024", "500", {})], provider="MEX_INM")
        load(session, [(key("COL"), "2024", "250", {})], provider="COL_MIGRACION")
        load(session, [(key("PAN"), "2024", "3", {})], provider="PAN_SNM")
    with db.transaction() as session:
        ctx = Context.build(session, CORE, config=AggregationConfig(min_coverage=50.0))
        aggs = _by_region(compute_indicator(session, ctx, "IDAC_STK_REF"))
        la6 = aggs["IDAC_LA6"]
        assert la6.value == 753
        assert sorted(c.area for c in la6.contributors) == ["COL", "MEX", "PAN"]
        assert la6.coverage_members == 50.0
        assert la6.status == "suppressed"
        assert la6.obs_attrs["CONF_STATUS"] == "S"
        assert la6.obs_attrs["AGG_COVERAGE"] == "50"
        # Central America: MEX, PAN of 8 members = 25 % < 50 %: not published at all.
        assert aggs["UNSDG_CENTRALAMR"].status == "below_coverage"
        assert aggs["UNSDG_CENTRALAMR"].coverage_members == 25.0
        result = recompute(session, config=AggregationConfig(min_coverage=50.0))
        assert result.suppressed >= 1
    with db.transaction() as session:
        stored = _stored(session)
        assert set(stored) == {("IDAC_LA6", "2024")}
        (obs,) = stored[("IDAC_LA6", "2024")]
        assert obs.value == "753"
        assert obs.attrs["CONF_STATUS"] == "S"
        assert obs.provider == "computed"


def test_two_suppressed_members_protect_each_other(db: Any) -> None:
    # Add SLV 2 (suppressed): LA6 = 500 + 250 + 3 + 2 = 755 over 4/6 members (66.7 %).  LA6 minus the
    # published members gives PAN + SLV = 5, which determines neither: the aggregate is published.
    with db.transaction() as session:
        load(session, [(key("MEX"), "2024", "500", {})], provider="MEX_INM")
        load(session, [(key("COL"), "2024", "250", {})], provider="COL_MIGRACION")
        load(session, [(key("PAN"), "2024", "3", {})], provider="PAN_SNM")
        load(session, [(key("SLV"), "2024", "2", {})], provider="SLV_DGME")
    with db.transaction() as session:
        recompute(session, config=AggregationConfig(min_coverage=50.0))
    with db.transaction() as session:
        (obs,) = _stored(session)[("IDAC_LA6", "2024")]
        assert obs.value == "755"
        assert obs.attrs["CONF_STATUS"] == "F"
        assert obs.attrs["OBS_STATUS"] == "A"
        assert obs.attrs["AGG_COVERAGE"] == "66.7"
        assert "contributors: COL, MEX, PAN, SLV" in obs.attrs["COMMENT_OBS"]
