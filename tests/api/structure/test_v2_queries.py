"""SDMX-REST v2 structure queries: wildcards, multiple values, formats, languages, asOf."""

from __future__ import annotations

import pytest

from tests.api.structure.conftest import assert_json_valid, assert_xml_valid

JSON20 = "application/vnd.sdmx.structure+json;version=2.0.0"
XML30 = "application/vnd.sdmx.structure+xml;version=3.0.0"
JSON10 = "application/vnd.sdmx.structure+json;version=1.0.0"


def test_default_is_sdmx_json_20(ecb) -> None:
    resp = ecb.get("/sdmx/v2/structure/codelist/ECB/CL_FREQ/~")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == JSON20
    doc = assert_json_valid(resp.data, "2.0")
    assert [c["id"] for c in doc["data"]["codelists"]] == ["CL_FREQ"]


@pytest.mark.parametrize(
    "path",
    [
        "/sdmx/v2/structure/codelist/*/*/*",
        "/sdmx/v2/structure/codelist/ECB/CL_FREQ,CL_CURRENCY/1.0",
        "/sdmx/v2/structure/codelist/ECB/CL_FREQ/1.0+.0",
        "/sdmx/v2/structure/*/ECB/*/~",
        "/sdmx/v2/structure/datastructure/ECB/ECB_EXR1/1.0?references=children,dataflow",
        "/sdmx/v2/structure/dataconstraint",
        "/sdmx/v2/structure/codelist/ECB/CL_FREQ/1.0/A,Q",
    ],
)
def test_v2_queries_in_xml30_and_json20(ecb, path: str) -> None:
    r30 = ecb.get(path, headers={"Accept": XML30})
    assert r30.status_code == 200, r30.data[:300]
    assert r30.headers["Content-Type"] == XML30
    assert_xml_valid(r30.data, "3.0")
    rj = ecb.get(path)
    assert rj.status_code == 200
    assert_json_valid(rj.data, "2.0")


def test_json10_is_valid(ecb) -> None:
    resp = ecb.get("/sdmx/v2/structure/datastructure/ECB/ECB_EXR1/1.0?references=all", headers={"Accept": JSON10})
    assert resp.headers["Content-Type"] == JSON10
    assert_json_valid(resp.data, "1.0")


def test_no_results_is_404(ecb) -> None:
    assert ecb.get("/sdmx/v2/structure/codelist/XX").status_code == 404
    assert ecb.get("/sdmx/v2/structure/metadataflow").status_code == 404


def test_bad_as_of_is_400_and_past_as_of_finds_nothing(ecb) -> None:
    assert ecb.get("/sdmx/v2/structure/codelist?asOf=yesterday").status_code == 400
    assert ecb.get("/sdmx/v2/structure/codelist?asOf=2001-01-01T00:00:00Z").status_code == 404
    assert ecb.get("/sdmx/v2/structure/codelist?asOf=2999-01-01T00:00:00Z").status_code == 200


def test_format_parameter_overrides_accept(ecb) -> None:
    resp = ecb.get("/sdmx/v2/structure/codelist/ECB/CL_FREQ?format=sdmx-ml-3.0", headers={"Accept": JSON20})
    assert resp.headers["Content-Type"] == XML30
