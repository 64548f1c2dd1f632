"""SDMX-REST v1.5 data queries: flowRef forms, keys, providers, periods, detail, first/last N,
formats, status codes, caching and compression."""

from __future__ import annotations

import csv
import gzip
import io
from typing import Any

import pytest

from tests.api.data.conftest import assert_ss_valid, assert_xml_valid
from tests.data.fixtures import key

BASE = "/sdmx/rest/data"
CSV2 = "application/vnd.sdmx.data+csv;version=2.0.0"
SS = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
GEN = "application/vnd.sdmx.genericdata+xml;version=2.1"
MEX_USA = "A.MEX.IDAC_FLW_RET_MIG.F.._T.RET_FROM.USA._Z._T"


def rows(resp: Any) -> list[dict[str, str]]:
    assert resp.status_code == 200, resp.data[:500]
    return list(csv.DictReader(io.StringIO(resp.data.decode())))


def get_csv(dc: Any, url: str) -> list[dict[str, str]]:
    return rows(dc.get(url, headers={"Accept": CSV2}))


@pytest.mark.parametrize(
    "flow",
    ["DF_IDAC_CORE", "IDAC,DF_IDAC_CORE", "IDAC,DF_IDAC_CORE,1.0", "IDAC,DF_IDAC_CORE,latest"],
)
def test_flow_ref_forms(dc: Any, flow: str) -> None:
    got = get_csv(dc, f"{BASE}/{flow}/{MEX_USA}")
    assert len(got) == 5  # Y0T17 and the four age bands
    assert {r["AGE"] for r in got} == {"Y0T17", "Y0T4", "Y5T9", "Y10T14", "Y15T17"}


def test_default_format_is_generic_data_21(dc: Any) -> None:
    resp = dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0/{MEX_USA}")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == GEN
    assert_xml_valid(resp.data)


def test_key_wildcard_and_or(dc: Any) -> None:
    both = get_csv(
        dc, f"{BASE}/IDAC,DF_IDAC_CORE,1.0/A.MEX.IDAC_FLW_RET_MIG.F+M.Y0T17._T.RET_FROM.USA._Z._T"
    )
    assert {r["SEX"] for r in both} == {"F", "M"}
    everything = get_csv(dc, f"{BASE}/IDAC,DF_IDAC_CORE,1.0/A.MEX........")
    assert len(everything) == 35
    assert all(r["REF_AREA"] == "MEX" for r in everything)
    by_provider = get_csv(dc, f"{BASE}/IDAC,DF_IDAC_CORE,1.0/all/MEX_INM")
    assert [r["OBS_VALUE"] for r in by_provider] == [r["OBS_VALUE"] for r in everything]
    # A provider query names the provision agreement (SDMX-CSV 2.0 STRUCTURE=dataprovision).
    assert by_provider[0]["STRUCTURE_ID"] == "IDAC:PA_MEX_INM_CORE(1.0)"


def test_key_with_wrong_length_is_400(dc: Any) -> None:
    resp = dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0/A.MEX")
    assert resp.status_code == 400
    assert b'code="140"' in resp.data


@pytest.mark.parametrize(
    "provider", ["MEX_INM", "IDAC,MEX_INM", "MEX_INM+COL_MIGRACION", "MEX_INM,COL_MIGRACION"]
)
def test_provider_forms(dc: Any, provider: str) -> None:
    got = get_csv(dc, f"{BASE}/IDAC,DF_IDAC_CORE,1.0/all/{provider}")
    areas = {r["REF_AREA"] for r in got}
    assert "MEX" in areas
    assert "PAN" not in areas
    assert ("COL" in areas) == ("COL_MIGRACION" in provider)


def test_provider_query_names_the_provision_agreement(dc: Any, data_app: Any) -> None:
    resp = dc.get(
        f"{BASE}/IDAC,DF_IDAC_CORE,1.0/all/MEX_INM?detail=serieskeysonly", headers={"Accept": SS}
    )
    assert b"PA_MEX_INM_CORE" in resp.data
    assert_ss_valid(data_app, resp.data)


def test_unknown_flow_404_empty_404_unknown_param_400(dc: Any) -> None:
    assert dc.get(f"{BASE}/IDAC,NOPE,1.0").status_code == 404
    assert dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0/A.URY........").status_code == 404
    resp = dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0?colour=blue")
    assert resp.status_code == 400
    assert b"colour" in resp.data


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("startPeriod=2022", {"2022", "2023"}),
        ("startPeriod=2022-Q3", {"2022", "2023"}),  # annual 2022 overlaps Q3
        ("endPeriod=2021-12", {"2021"}),
        ("startPeriod=2022-W05&endPeriod=2022-S1", {"2022"}),
        ("startPeriod=2023-M03&endPeriod=2023-03-31", {"2023"}),
        ("startPeriod=2022-01-01T00:00:00", {"2022", "2023"}),
        ("startPeriod=2025", set()),
    ],
)
def test_period_formats(dc: Any, params: str, expected: set[str]) -> None:
    resp = dc.get(
        f"{BASE}/IDAC,DF_IDAC_CORE,1.0/A.SLV.IDAC_FLW_IMM.......?{params}", headers={"Accept": CSV2}
    )
    got = {r["TIME_PERIOD"] for r in rows(resp)} if resp.status_code == 200 else set()
    assert got == expected or (not expected and resp.status_code == 404)


def test_bad_period_is_400(dc: Any) -> None:
    assert dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0?startPeriod=2024-Q5").status_code == 400
    assert dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0?firstNObservations=0").status_code == 400
    assert dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0?detail=some").status_code == 400
    assert dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0?dimensionAtObservation=NOPE").status_code == 400


def test_first_and_last_n(dc: Any) -> None:
    k = key(REF_AREA="SLV", INDICATOR="IDAC_FLW_IMM")
    first = get_csv(dc, f"{BASE}/IDAC,DF_IDAC_CORE,1.0/{k}?firstNObservations=2")
    assert [r["TIME_PERIOD"] for r in first] == ["2021", "2022"]
    last = get_csv(dc, f"{BASE}/IDAC,DF_IDAC_CORE,1.0/{k}?lastNObservations=2")
    assert [r["TIME_PERIOD"] for r in last] == ["2022", "2023"]
    window = get_csv(
        dc, f"{BASE}/IDAC,DF_IDAC_CORE,1.0/{k}?lastNObservations=1&startPeriod=2021&endPeriod=2022"
    )
    assert [r["TIME_PERIOD"] for r in window] == ["2022"]


@pytest.mark.parametrize("detail", ["full", "dataonly", "serieskeysonly", "nodata"])
def test_detail(dc: Any, data_app: Any, detail: str) -> None:
    resp = dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0/{MEX_USA}?detail={detail}", headers={"Accept": SS})
    doc = assert_ss_valid(data_app, resp.data)
    obs = doc.findall(".//Obs")
    series = doc.findall(".//Series")
    assert len(series) == 5
    assert bool(obs) == (detail in ("full", "dataonly"))
    if detail == "dataonly":
        assert all("UNIT_MEASURE" not in s.attrib for s in series)
    if detail == "serieskeysonly":
        assert all(
            set(s.attrib)
            <= {
                "FREQ",
                "REF_AREA",
                "INDICATOR",
                "SEX",
                "AGE",
                "ACCOMPANIMENT",
                "ORIGIN_BASIS",
                "COUNTERPART_AREA",
                "DISPL_CAUSE",
                "URBANISATION",
            }
            for s in series
        )


@pytest.mark.parametrize("dao", ["TIME_PERIOD", "AGE", "AllDimensions"])
def test_dimension_at_observation(dc: Any, data_app: Any, dao: str) -> None:
    resp = dc.get(
        f"{BASE}/IDAC,DF_IDAC_CORE,1.0/A.MEX.IDAC_FLW_RET_MIG.F+M.._T.RET_FROM.USA._Z._T"
        f"?dimensionAtObservation={dao}",
        headers={"Accept": SS},
    )
    doc = assert_ss_valid(data_app, resp.data, dao=dao)
    obs = doc.findall(".//Obs")
    assert len(obs) == 10
    if dao == "AllDimensions":
        assert not doc.findall(".//Series")
        assert all("SEX" in o.attrib and "TIME_PERIOD" in o.attrib for o in obs)
    elif dao == "AGE":
        series = doc.findall(".//Series")
        assert len(series) == 2  # F and M, each with 5 ages
        assert all(s.get("TIME_PERIOD") == "2024" for s in series)
        assert all("AGE" in o.attrib for o in obs)


@pytest.mark.parametrize(
    "accept",
    [
        "application/vnd.sdmx.genericdata+xml;version=2.1",
        "application/vnd.sdmx.structurespecificdata+xml;version=2.1",
        "application/vnd.sdmx.generictimeseriesdata+xml;version=2.1",
        "application/vnd.sdmx.structurespecifictimeseriesdata+xml;version=2.1",
        "application/vnd.sdmx.data+json;version=1.0.0",
        "application/vnd.sdmx.data+json;version=2.0.0",
        "application/vnd.sdmx.data+csv;version=1.0.0",
        "application/vnd.sdmx.data+csv;version=2.0.0",
        "application/vnd.sdmx.data+xml;version=3.0.0",
        "text/csv",
    ],
)
def test_representations_exact_media_type(dc: Any, accept: str) -> None:
    resp = dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0?detail=serieskeysonly", headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == accept


def test_406_for_unknown_representation(dc: Any) -> None:
    assert (
        dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0", headers={"Accept": "image/png"}).status_code == 406
    )


def test_csv_options_from_media_type_parameters_and_query(dc: Any) -> None:
    resp = dc.get(
        f"{BASE}/IDAC,DF_IDAC_CORE,1.0/{MEX_USA}", headers={"Accept": CSV2 + ";labels=both"}
    )
    assert resp.headers["Content-Type"] == CSV2
    header = resp.data.decode().splitlines()[0]
    assert header.startswith("STRUCTURE,STRUCTURE_ID,ACTION,FREQ: Frequency")
    first = rows(
        dc.get(
            f"{BASE}/IDAC,DF_IDAC_CORE,1.0/{MEX_USA}?timeFormat=normalized&keys=both",
            headers={"Accept": CSV2},
        )
    )[0]
    assert first["TIME_PERIOD"] == "2024-01-01"
    assert first["SERIES_KEY"].startswith("A.MEX.IDAC_FLW_RET_MIG.F.")
    assert (
        dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0?labels=weird", headers={"Accept": CSV2}).status_code
        == 400
    )
    assert (
        dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0?labels=both", headers={"Accept": GEN}).status_code
        == 400
    )


def test_provenance_columns(dc: Any) -> None:
    got = get_csv(dc, f"{BASE}/IDAC,DF_IDAC_CORE,1.0/{MEX_USA}?provenance=true")
    assert {r["PROVIDER"] for r in got} == {"MEX_INM"}
    assert all(r["SUBMISSION"] and r["LOADED_AT"] for r in got)
    assert (
        dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0?provenance=true", headers={"Accept": GEN}).status_code
        == 501
    )


def test_gzip_and_conditional_requests(dc: Any, data_app: Any) -> None:
    resp = dc.get(
        f"{BASE}/IDAC,DF_IDAC_CORE,1.0", headers={"Accept": SS, "Accept-Encoding": "gzip"}
    )
    assert resp.headers["Content-Encoding"] == "gzip"
    assert_ss_valid(data_app, gzip.decompress(resp.data))
    etag = resp.headers["ETag"]
    again = dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0", headers={"Accept": SS, "If-None-Match": etag})
    assert again.status_code == 304
    since = dc.get(
        f"{BASE}/IDAC,DF_IDAC_CORE,1.0",
        headers={"Accept": SS, "If-Modified-Since": "2099-01-01T00:00:00.000Z"},
    )
    assert since.status_code == 304


def test_answer_is_streamed(dc: Any) -> None:
    resp = dc.get(f"{BASE}/IDAC,DF_IDAC_CORE,1.0", headers={"Accept": SS})
    assert resp.is_streamed
    pieces = list(resp.response)
    assert len(pieces) >= 2  # header, body pieces, footer
