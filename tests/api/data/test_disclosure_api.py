"""Disclosure control through every output path: data (v1, v2, every format), availability, lineage;
embargo; includeHistory and asOf; audiences."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from registry.data.disclosure import Audience
from tests.data.fixtures import CHL, key

BASE = "/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0"
CSV2 = "application/vnd.sdmx.data+csv;version=2.0.0"
STK = "A.CHL.IDAC_STK_REF..Y0T17._T.ORIGIN._T._Z._T"
ASY = "A.CHL.IDAC_FLW_ASY_APP..Y0T17._T.ORIGIN._T._Z._T"


def by_sex(resp: Any) -> dict[str, dict[str, str]]:
    assert resp.status_code == 200, resp.data[:400]
    return {r["SEX"]: r for r in csv.DictReader(io.StringIO(resp.data.decode()))}


@pytest.fixture
def as_audience(data_app: Any) -> Iterator[Any]:
    """Set the audience every request gets (the authentication layer's hook)."""

    def setter(audience: Audience) -> None:
        data_app.extensions["idac.audience_resolver"] = lambda _request: audience

    yield setter
    data_app.extensions.pop("idac.audience_resolver", None)


def test_total_minus_part_does_not_reveal_the_small_count(dc: Any) -> None:
    got = by_sex(dc.get(f"{BASE}/{STK}", headers={"Accept": CSV2}))
    assert got["_T"]["OBS_VALUE"] == "10"
    assert (got["F"]["OBS_VALUE"], got["F"]["OBS_STATUS"], got["F"]["CONF_STATUS"]) == (
        "",
        "Q",
        "A",
    )
    assert (got["M"]["OBS_VALUE"], got["M"]["OBS_STATUS"], got["M"]["CONF_STATUS"]) == (
        "",
        "Q",
        "S",
    )


def test_suppression_does_not_depend_on_the_query(dc: Any) -> None:
    """Asking only for M and _T (without F) must not publish M."""
    got = by_sex(
        dc.get(f"{BASE}/A.CHL.IDAC_STK_REF.M+_T.Y0T17._T.ORIGIN._T._Z._T", headers={"Accept": CSV2})
    )
    assert set(got) == {"M", "_T"}
    assert got["M"]["OBS_VALUE"] == ""
    v2 = dc.get(
        "/sdmx/v2/data/dataflow/IDAC/DF_IDAC_CORE/1.0/A.CHL.IDAC_STK_REF.M",
        headers={"Accept": CSV2},
    )
    assert by_sex(v2)["M"]["OBS_VALUE"] == ""


def test_value_filters_see_published_values_only(dc: Any) -> None:
    resp = dc.get(
        "/sdmx/v2/data/dataflow/IDAC/DF_IDAC_CORE/1.0/A.CHL.IDAC_STK_REF?c[OBS_VALUE]=lt:5",
        headers={"Accept": CSV2},
    )
    assert resp.status_code == 204  # the 3 is not published, so nothing is below 5


@pytest.mark.parametrize(
    "accept",
    [
        "application/vnd.sdmx.genericdata+xml;version=2.1",
        "application/vnd.sdmx.structurespecificdata+xml;version=2.1",
        "application/vnd.sdmx.data+json;version=1.0.0",
        "application/vnd.sdmx.data+json;version=2.0.0",
        "application/vnd.sdmx.data+xml;version=3.0.0",
        "application/vnd.sdmx.data+csv;version=1.0.0",
        "text/csv",
    ],
)
def test_no_format_leaks_the_suppressed_values(dc: Any, accept: str) -> None:
    body = dc.get(f"{BASE}/{STK}", headers={"Accept": accept}).data.decode()
    for hidden in ('"3"', '"7"', ",3,", ",7,", "[3,", "[7,", "[3]", "[7]"):
        assert hidden not in body, (accept, hidden)


def test_embargoed_cell_is_invisible_and_protected(dc: Any) -> None:
    got = by_sex(dc.get(f"{BASE}/{ASY}", headers={"Accept": CSV2}))
    assert "F" not in got
    assert got["_T"]["OBS_VALUE"] == "50"
    assert (got["M"]["OBS_VALUE"], got["M"]["CONF_STATUS"]) == ("", "S")


def test_embargo_and_true_values_for_provider_and_curator(dc: Any, as_audience: Any) -> None:
    as_audience(Audience.provider("CHL_SERMIG"))
    own = by_sex(dc.get(f"{BASE}/{ASY}", headers={"Accept": CSV2}))
    assert own["F"]["OBS_VALUE"] == "20"
    assert own["M"]["OBS_VALUE"] == "30"
    as_audience(Audience.provider("PAN_SNM"))
    other = by_sex(dc.get(f"{BASE}/{STK}", headers={"Accept": CSV2}))
    assert other["F"]["OBS_VALUE"] == ""
    as_audience(Audience.curator())
    cur = by_sex(dc.get(f"{BASE}/{STK}", headers={"Accept": CSV2}))
    assert (cur["F"]["OBS_VALUE"], cur["F"]["CONF_STATUS"]) == ("3", "F")


def test_audiences_get_different_etags(dc: Any, as_audience: Any) -> None:
    public = dc.get(f"{BASE}/{STK}", headers={"Accept": CSV2}).headers["ETag"]
    as_audience(Audience.curator())
    curator = dc.get(f"{BASE}/{STK}", headers={"Accept": CSV2}).headers["ETag"]
    assert public != curator


def test_availability_does_not_reveal_embargoed_cells(dc: Any) -> None:
    resp = dc.get(
        "/sdmx/rest/availableconstraint/IDAC,DF_IDAC_CORE,1.0/A.CHL.IDAC_FLW_ASY_APP......."
    )
    assert resp.status_code == 200
    body = resp.data.decode()
    assert "<com:Value>M</com:Value>" in body
    assert "<com:Value>_T</com:Value>" in body
    assert "<com:Value>F</com:Value>" not in body  # the embargoed F does not "exist" for the public
    assert '<com:Annotation id="obs_count"><com:AnnotationTitle>2<' in body
    only_f = dc.get(
        "/sdmx/rest/availableconstraint/IDAC,DF_IDAC_CORE,1.0/A.CHL.IDAC_FLW_ASY_APP.F......"
    )
    assert only_f.status_code == 200
    assert "<com:KeyValue" not in only_f.data.decode()  # an empty cube region
    assert '<com:Annotation id="obs_count"><com:AnnotationTitle>0<' in only_f.data.decode()


def test_include_history_and_as_of(dc: Any) -> None:
    k = key(INDICATOR="IDAC_FLW_ENTRY", **CHL)
    url = f"/sdmx/v2/data/dataflow/IDAC/DF_IDAC_CORE/1.0/{k}"
    current = list(csv.DictReader(io.StringIO(dc.get(url, headers={"Accept": CSV2}).data.decode())))
    assert [r["OBS_VALUE"] for r in current] == ["120"]
    hist = dc.get(url + "?includeHistory=true&provenance=true", headers={"Accept": CSV2})
    rows = list(csv.DictReader(io.StringIO(hist.data.decode())))
    assert [r["OBS_VALUE"] for r in rows] == ["100", "120"]
    assert rows[0]["SUPERSEDED_AT"].startswith("2025-06-01")
    assert [r["SUBMISSION"] for r in rows] == ["SUBCHL1", "SUBCHL2"]
    before = dc.get(url + "?asOf=2025-03-01T00:00:00Z", headers={"Accept": CSV2})
    assert [r["OBS_VALUE"] for r in csv.DictReader(io.StringIO(before.data.decode()))] == ["100"]
    assert dc.get(url + "?asOf=2024-01-01T00:00:00Z", headers={"Accept": CSV2}).status_code == 204
    v1 = dc.get(f"{BASE}/{k}?includeHistory=true", headers={"Accept": CSV2})
    assert len(list(csv.DictReader(io.StringIO(v1.data.decode())))) == 2


def test_updated_after(dc: Any) -> None:
    k = key(INDICATOR="IDAC_FLW_ENTRY", **CHL)
    got = dc.get(f"{BASE}/{k}?updatedAfter=2025-03-01T00:00:00Z", headers={"Accept": CSV2})
    assert got.status_code == 200
    assert dc.get(f"{BASE}/{k}?updatedAfter=2025-07-01T00:00:00Z").status_code == 404
    assert dc.get(f"{BASE}/{k}?updatedAfter=2019-Q3").status_code == 200  # the TCK's lenient form
    assert dc.get(f"{BASE}/{k}?updatedAfter=yesterday").status_code == 400


def test_lineage(dc: Any) -> None:
    k = key(INDICATOR="IDAC_FLW_ENTRY", **CHL)
    resp = dc.get(f"/api/observations/lineage?flow=IDAC:DF_IDAC_CORE(1.0)&key={k}&period=2023")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["current"]["value"] == "120"
    assert body["current"]["file"] == "chl-2024-rev.csv"
    assert [h["value"] for h in body["history"]] == ["100", "120"]
    assert body["history"][0]["provider"] == "CHL_SERMIG"
    assert body["history"][0]["superseded_at"].startswith("2025-06-01")


def test_lineage_applies_disclosure(dc: Any, as_audience: Any) -> None:
    k = key(SEX="F", **CHL)
    body = dc.get(f"/api/observations/lineage?flow=DF_IDAC_CORE&key={k}&period=2024").get_json()
    assert body["current"]["value"] is None
    assert body["current"]["conf_status"] == "A"
    assert body["current"]["submission"] == "SUBCHL1"
    as_audience(Audience.curator())
    body = dc.get(f"/api/observations/lineage?flow=DF_IDAC_CORE&key={k}&period=2024").get_json()
    assert body["current"]["value"] == "3"
    embargoed = key(SEX="F", INDICATOR="IDAC_FLW_ASY_APP", **CHL)
    as_audience(Audience.public())
    assert (
        dc.get(
            f"/api/observations/lineage?flow=DF_IDAC_CORE&key={embargoed}&period=2024"
        ).status_code
        == 404
    )


def test_lineage_errors(dc: Any) -> None:
    assert dc.get("/api/observations/lineage?flow=DF_IDAC_CORE").status_code == 400
    assert (
        dc.get("/api/observations/lineage?flow=DF_IDAC_CORE&key=A.PAN&period=2024").status_code
        == 400
    )
    assert (
        dc.get("/api/observations/lineage?flow=DF_IDAC_CORE&key=A.PAN&period=2024&x=1").status_code
        == 400
    )
