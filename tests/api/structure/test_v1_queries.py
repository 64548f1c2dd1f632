"""SDMX-REST v1.5 structure queries (TCK structure catalogue S1–S13, short URLs, detail × references)."""

from __future__ import annotations

import gzip

import pytest

from tests.api.structure.conftest import assert_xml_valid

XML21 = "application/vnd.sdmx.structure+xml;version=2.1"
STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"


def test_default_format_is_sdmx_ml_21_without_charset(ecb) -> None:
    resp = ecb.get("/sdmx/rest/dataflow")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == XML21
    doc = assert_xml_valid(resp.data)
    assert [e.get("id") for e in doc.iter(f"{STR}Dataflow")] == ["EXR"]


@pytest.mark.parametrize(
    "path",
    [
        "/sdmx/rest/codelist/all/all/all?detail=allstubs",
        "/sdmx/rest/codelist/ECB",
        "/sdmx/rest/codelist/ECB/CL_FREQ",
        "/sdmx/rest/codelist/ECB/CL_FREQ/1.0",
        "/sdmx/rest/codelist/all/CL_FREQ/1.0",
        "/sdmx/rest/codelist/ECB/all/1.0",
        "/sdmx/rest/codelist/ECB/CL_FREQ/all",
        "/sdmx/rest/codelist/ECB/CL_FREQ/latest",
        "/sdmx/rest/structure/ECB",
        "/sdmx/rest/datastructure/ECB/ECB_EXR1/1.0?references=all",
    ],
)
def test_short_and_keyword_urls(ecb, path: str) -> None:
    resp = ecb.get(path)
    assert resp.status_code == 200, resp.data[:300]
    assert_xml_valid(resp.data)


def test_item_query_returns_only_requested_codes(ecb) -> None:
    resp = ecb.get("/sdmx/rest/codelist/ECB/CL_FREQ/1.0/A+M")
    assert resp.status_code == 200
    doc = assert_xml_valid(resp.data)
    assert sorted(c.get("id") for c in doc.iter(f"{STR}Code")) == ["A", "M"]
    assert doc.find(f".//{STR}Codelist").get("isPartial") == "true"


def test_multiple_ids(ecb) -> None:
    doc = assert_xml_valid(ecb.get("/sdmx/rest/codelist/ECB/CL_FREQ+CL_CURRENCY").data)
    assert sorted(c.get("id") for c in doc.iter(f"{STR}Codelist")) == ["CL_CURRENCY", "CL_FREQ"]


DETAILS = ["full", "allstubs", "referencestubs", "allcompletestubs", "referencecompletestubs", "referencepartial"]
REFERENCES = ["none", "parents", "parentsandsiblings", "children", "descendants", "all", "codelist"]


@pytest.mark.parametrize("detail", DETAILS)
@pytest.mark.parametrize("references", REFERENCES)
def test_detail_references_matrix(ecb, detail: str, references: str) -> None:
    resp = ecb.get(f"/sdmx/rest/datastructure/ECB/ECB_EXR1/1.0?detail={detail}&references={references}")
    assert resp.status_code == 200, resp.data[:300]
    doc = assert_xml_valid(resp.data)
    dsd = doc.find(f".//{STR}DataStructure")
    full_dsd = dsd.find(f"{STR}DataStructureComponents") is not None
    assert full_dsd == (detail not in ("allstubs", "allcompletestubs"))
    codelists = list(doc.iter(f"{STR}Codelist"))
    flows = list(doc.iter(f"{STR}Dataflow"))
    if references in ("children", "descendants", "all", "codelist"):
        assert len(codelists) >= 5
        has_codes = any(cl.find(f"{STR}Code") is not None for cl in codelists)
        assert has_codes == (detail in ("full", "referencepartial"))
    if references == "none":
        assert not codelists and not flows
    if references in ("parents", "parentsandsiblings", "all"):
        assert [f.get("id") for f in flows] == ["EXR"]


def test_children_of_a_dataflow_is_its_dsd(ecb) -> None:
    doc = assert_xml_valid(ecb.get("/sdmx/rest/dataflow/ECB/EXR/1.0?references=children").data)
    assert [d.get("id") for d in doc.iter(f"{STR}DataStructure")] == ["ECB_EXR1"]


def test_referencepartial_restricts_codelists_to_constraint(ecb) -> None:
    full = assert_xml_valid(ecb.get("/sdmx/rest/dataflow/ECB/EXR/1.0?references=descendants").data)
    part = assert_xml_valid(ecb.get("/sdmx/rest/dataflow/ECB/EXR/1.0?references=descendants&detail=referencepartial").data)
    n_full = sum(1 for _ in full.iter(f"{STR}Code"))
    n_part = sum(1 for _ in part.iter(f"{STR}Code"))
    assert 0 < n_part < n_full


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/sdmx/rest/codelist/ECB/NO_SUCH_LIST", 404),
        ("/sdmx/rest/metadataflow", 404),
        ("/sdmx/rest/codelist/ECB/CL_FREQ/9.9", 404),
        ("/sdmx/rest/codelist?detail=everything", 400),
        ("/sdmx/rest/codelist?colour=blue", 400),
        ("/sdmx/rest/codelist?references=nonsense", 400),
        ("/sdmx/rest/dataflow/ECB/EXR/1.0/A", 400),
    ],
)
def test_errors_are_sdmx_messages_with_spec_status(ecb, path: str, status: int) -> None:
    resp = ecb.get(path)
    assert resp.status_code == status
    doc = assert_xml_valid(resp.data)
    assert doc.tag.endswith("Error")


def test_unsupported_media_type_is_406(ecb) -> None:
    resp = ecb.get("/sdmx/rest/codelist", headers={"Accept": "text/html"})
    assert resp.status_code == 406


@pytest.mark.parametrize("accept", ["application/xml", XML21, "*/*", "application/vnd.sdmx.structure+xml; version=2.1"])
def test_xml_accept_forms_give_21(ecb, accept: str) -> None:
    resp = ecb.get("/sdmx/rest/codelist/ECB/CL_FREQ", headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == XML21


def test_etag_and_last_modified_give_304(ecb) -> None:
    first = ecb.get("/sdmx/rest/codelist/ECB/CL_FREQ")
    etag = first.headers["ETag"]
    assert ecb.get("/sdmx/rest/codelist/ECB/CL_FREQ", headers={"If-None-Match": etag}).status_code == 304
    lm = first.headers["Last-Modified"]
    assert ecb.get("/sdmx/rest/codelist/ECB/CL_FREQ", headers={"If-Modified-Since": lm}).status_code == 304
    other = ecb.get("/sdmx/rest/codelist/ECB/CL_CURRENCY", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_gzip_when_asked(ecb) -> None:
    resp = ecb.get("/sdmx/rest/codelist/ECB/CL_CURRENCY", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert_xml_valid(gzip.decompress(resp.data))
