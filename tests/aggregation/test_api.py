"""/api/aggregates: explain (public view hides suppressed values), recompute (curators only), regions."""

from __future__ import annotations

from typing import Any

from registry.aggregation.compute import recompute
from registry.aggregation.core import AggregationConfig
from registry.aggregation.hierarchy import expand_region, split_areas
from tests.aggregation.helpers import key, load

LA6 = "A.IDAC_LA6.IDAC_STK_REF._T.Y0T17._T.ORIGIN._T._Z._T"


def test_explain_names_countries_observations_and_submissions(seeded: Any, db: Any) -> None:
    with db.transaction() as session:
        mex = load(session, [(key("MEX"), "2024", "500", {})], provider="MEX_INM")
        load(session, [(key("COL"), "2024", "250", {})], provider="COL_MIGRACION")
        load(session, [(key("PAN"), "2024", "3", {})], provider="PAN_SNM")
        load(session, [(key("SLV"), "2024", "2", {})], provider="SLV_DGME")
        recompute(session, config=AggregationConfig(min_coverage=50.0))
    client = seeded.test_client()
    r = client.get(
        "/api/aggregates/explain",
        query_string={"flow": "IDAC:DF_IDAC_REGIONAL(1.0)", "key": LA6, "period": "2024"},
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["value"] == "755"
    assert body["status"] == "published"
    assert body["members"] == ["CHL", "COL", "HND", "MEX", "PAN", "SLV"]
    assert body["missing"] == ["CHL", "HND"]
    assert body["coverage"]["members"] == 66.7
    by_area = {c["area"]: c for c in body["contributors"]}
    assert by_area["MEX"]["value"] == "500"
    assert by_area["MEX"]["submission"] == mex
    assert by_area["MEX"]["key"] == "A.MEX.IDAC_STK_REF._T.Y0T17._T.ORIGIN._T._Z._T"
    # Suppressed national cells are named but their values are not shown to the public.
    assert by_area["PAN"]["value"] is None and by_area["PAN"]["suppressed_for_public"]
    assert body["stored"]["value"] == "755"
    assert mex in body["submissions"]


def test_explain_errors(seeded: Any) -> None:
    client = seeded.test_client()
    assert client.get("/api/aggregates/explain").status_code == 400
    r = client.get(
        "/api/aggregates/explain",
        query_string={"flow": "IDAC:DF_IDAC_REGIONAL(1.0)", "key": "A.B", "period": "2024"},
    )
    assert r.status_code == 400


def test_recompute_requires_a_curator(seeded: Any) -> None:
    r = seeded.test_client().post("/api/aggregates/recompute", json={})
    assert r.status_code in (401, 403)


def test_recompute_through_the_authorisation_hook(seeded: Any, db: Any) -> None:
    with db.transaction() as session:
        load(session, [(key("MEX"), "2024", "500", {})], provider="MEX_INM")
        load(session, [(key("COL"), "2024", "250", {})], provider="COL_MIGRACION")
        load(session, [(key("HND"), "2024", "40", {})], provider="HND_INM")
    seeded.extensions["idac.aggregates_authoriser"] = lambda _req: "curator-test"
    r = seeded.test_client().post(
        "/api/aggregates/recompute", json={"indicators": ["IDAC_STK_REF"]}
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["indicators"] == ["IDAC_STK_REF"]
    assert body["written"] >= 1 and body["run_id"]


def test_regions_and_expansion(seeded: Any, db: Any) -> None:
    client = seeded.test_client()
    r = client.get("/api/aggregates/regions/UNSDG_CENTRALAMR")
    assert r.get_json()["members"] == ["BLZ", "CRI", "GTM", "HND", "MEX", "NIC", "PAN", "SLV"]
    with db.transaction() as session:
        assert expand_region(session, "IDAC_LA6") == ["CHL", "COL", "HND", "MEX", "PAN", "SLV"]
        assert len(expand_region(session, "UNSDG_LAC")) == 52
        assert len(expand_region(session, "UNICEF_LACRO")) == 36
        assert expand_region(session, "PAN") == []
        assert split_areas(session, ["PAN", "IDAC_LA6"]) == (["PAN"], ["IDAC_LA6"])
