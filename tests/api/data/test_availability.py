"""Availability: v1 /availableconstraint and v2 /availability (modes, component, periods,
references, formats, status codes)."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from tests.api.data.conftest import assert_json_valid, assert_xml_valid

V1 = "/sdmx/rest/availableconstraint/IDAC,DF_IDAC_CORE,1.0"
V2 = "/sdmx/v2/availability/dataflow/IDAC/DF_IDAC_CORE/1.0"
NS = {
    "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}


def region(body: bytes) -> dict[str, list[str]]:
    doc = assert_xml_valid(body)
    ccs = doc.findall(".//str:ContentConstraint", NS)
    assert len(ccs) == 1
    assert ccs[0].get("type") == "Actual"
    out = {}
    for kv in ccs[0].findall(".//str:CubeRegion/com:KeyValue", NS):
        values = [v.text for v in kv.findall("com:Value", NS)]
        if not values:
            tr = kv.find("com:TimeRange", NS)
            values = [e.text for e in tr] if tr is not None else []
        out[kv.get("id")] = values
    return out


def metric(body: bytes, name: str) -> int:
    doc = etree.fromstring(body)
    for ann in doc.iter("{%s}Annotation" % NS["com"]):
        if ann.get("id") == name:
            return int(ann.find("com:AnnotationTitle", NS).text)
    raise KeyError(name)


def test_whole_flow(dc: Any) -> None:
    resp = dc.get(V1)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/vnd.sdmx.structure+xml;version=2.1"
    got = region(resp.data)
    assert set(got["REF_AREA"]) == {"PAN", "MEX", "COL", "CHL", "SLV"}
    assert got["TIME_PERIOD"] == ["2021", "2024"]
    assert metric(resp.data, "obs_count") > 100
    assert b'<str:Dataflow><Ref agencyID="IDAC" id="DF_IDAC_CORE" version="1.0"' in resp.data


def test_exact_and_available_modes(dc: Any) -> None:
    exact = region(dc.get(f"{V1}/A.MEX+PAN.IDAC_FLW_RET_MIG.......").data)
    assert exact["REF_AREA"] == ["MEX"]  # PAN has no returned migrants
    assert exact["INDICATOR"] == ["IDAC_FLW_RET_MIG"]
    available = region(dc.get(f"{V1}/A.MEX+PAN.IDAC_FLW_RET_MIG.......?mode=available").data)
    assert available["REF_AREA"] == ["MEX"]
    # With the indicator free, every indicator of MEX or PAN can still be chosen.
    assert set(available["INDICATOR"]) >= {"IDAC_FLW_RET_MIG", "IDAC_STK_REF"}


def test_component_and_provider(dc: Any) -> None:
    got = region(dc.get(f"{V1}/all/all/SEX").data)
    assert list(got) == ["SEX"]
    assert set(got["SEX"]) == {"F", "M", "_T"}
    by_provider = region(dc.get(f"{V1}/all/MEX_INM").data)
    assert by_provider["REF_AREA"] == ["MEX"]
    assert dc.get(f"{V1}/all/all/NOPE").status_code == 400


def test_periods(dc: Any) -> None:
    got = region(dc.get(f"{V1}?startPeriod=2022&endPeriod=2023").data)
    assert got["TIME_PERIOD"] == ["2022", "2023"]
    empty = dc.get(f"{V1}?startPeriod=2030")
    assert region(empty.data) == {}
    assert metric(empty.data, "obs_count") == 0


@pytest.mark.parametrize(
    ("references", "types"),
    [
        ("datastructure", {"DataStructure"}),
        ("dataflow", {"Dataflow"}),
        ("codelist", {"Codelist"}),
        ("conceptscheme", {"ConceptScheme"}),
        ("dataproviderscheme", {"DataProviderScheme"}),
        ("all", {"DataStructure", "Dataflow", "Codelist", "ConceptScheme", "DataProviderScheme"}),
    ],
)
def test_references(dc: Any, references: str, types: set[str]) -> None:
    resp = dc.get(f"{V1}/A.MEX........?references={references}")
    doc = assert_xml_valid(resp.data)
    found = {
        el.tag.split("}")[1]
        for el in doc.iter()
        if el.get("urn")
        and "}" in el.tag
        and el.tag.split("}")[1]
        not in (
            "Code",
            "Concept",
            "DataProvider",
            "ContentConstraint",
            "Dimension",
            "TimeDimension",
            "Attribute",
            "PrimaryMeasure",
        )
    }
    found = {
        t
        for t in found
        if t in {"DataStructure", "Dataflow", "Codelist", "ConceptScheme", "DataProviderScheme"}
    }
    assert found == types
    if references == "codelist":
        areas = [c for c in doc.iter("{%s}Codelist" % NS["str"]) if c.get("id") == "CL_AREA"]
        assert areas[0].get("isPartial") == "true"
        assert {c.get("id") for c in areas[0].iter("{%s}Code" % NS["str"])} == {"MEX"}
    if references == "dataproviderscheme":
        providers = {p.get("id") for p in doc.iter("{%s}DataProvider" % NS["str"])}
        assert providers == {"MEX_INM"}


def test_v2_availability(dc: Any) -> None:
    resp = dc.get(f"{V2}/A.MEX")
    assert resp.headers["Content-Type"] == "application/vnd.sdmx.structure+json;version=2.0.0"
    doc = assert_json_valid(resp.data, "2.0", "structure")
    cc = doc["data"]["dataConstraints"][0]
    assert cc["role"] == "Actual"
    keyvalues = {kv["id"]: kv for kv in cc["cubeRegions"][0]["keyValues"]}
    assert [v.get("value", v) for v in keyvalues["REF_AREA"]["values"]] == ["MEX"]
    xml = dc.get(
        f"{V2}/A.MEX/SEX?c[AGE]=Y0T17&mode=available",
        headers={"Accept": "application/vnd.sdmx.structure+xml;version=2.1"},
    )
    assert set(region(xml.data)["SEX"]) == {"F", "M", "_T"}
    assert dc.get(f"{V2}/A.URY").status_code == 200  # an empty cube region
    assert dc.get("/sdmx/v2/availability/*/IDAC/DF_IDAC_CORE/1.0").status_code == 400
    assert dc.get(f"{V2}?reportingYearStartDay=--07-01").status_code == 501
    assert dc.get(f"{V1}?mode=everything").status_code == 400
    assert dc.get(f"{V1}?references=process").status_code == 400
