"""TCK data index: every Data and Data Availability test of the Full list (D1–D34, AV0–AV15,
NOTES.md §1.4.2–1.4.3), run against a registry with data, with the TCK's assertions — and its quirks
fixed where NOTES.md says so (P1+P2 sent as ``P1,P2``, ``updatedAfter`` as a period, ISO
If-Modified-Since).

Placeholders are filled the way the TCK's driver fills them: the dataflow with data is
IDAC:DF_IDAC_CORE(1.0), the providers are those with data, keys are picked from the parent's answer.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from lxml import etree

from registry.sdmx.schemas import xml_schema
from tests.api.data.conftest import assert_ss_valid
from tests.conformance.catalogue import TckCase, load_cases
from tests.data.fixtures import data_registry

CASES = [c for c in load_cases() if c.index == "Data"]
FLOW = "IDAC,DF_IDAC_CORE,1.0"
URN = "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=IDAC:DF_IDAC_CORE(1.0)"
SS = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
MES = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message}"
STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"
COM = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common}"
DIMS = [
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
]
#: The indicative series (3 observations: 2021, 2022, 2023).
INDICATIVE = "A.SLV.IDAC_FLW_IMM._T.Y0T17._T.ORIGIN._T._Z._T"


@pytest.fixture(scope="module")
def data_app(tmp_path_factory: pytest.TempPathFactory, tck_available: None) -> Iterator[Any]:
    yield from data_registry(tmp_path_factory.mktemp("tck-data"))


@pytest.fixture(scope="module")
def tck(data_app: Any) -> Any:
    client = data_app.test_client()
    client.application = data_app
    return client


# --- helpers
# ---------------------------------------------------------------------------------------------


def ss(tck: Any, url: str, **headers: str) -> etree._Element:
    resp = tck.get(f"/sdmx/rest{url}", headers={"Accept": SS, **headers})
    assert resp.status_code == 200, (url, resp.data[:300])
    assert resp.headers["Content-Type"] == SS
    dao = (
        url.split("dimensionAtObservation=")[1].split("&")[0]
        if "dimensionAtObservation=" in url
        else "TIME_PERIOD"
    )
    return assert_ss_valid(tck.application, resp.data, dao=dao)


def datasets(doc: etree._Element) -> list[etree._Element]:
    return doc.findall(f"{MES}DataSet")


def header_urn(doc: etree._Element) -> str:
    return doc.find(f"{MES}Header/{MES}Structure").get("namespace")


def series(doc: etree._Element) -> list[etree._Element]:
    return doc.findall(f".//{MES}DataSet/Series")


def key_of(el: etree._Element) -> list[str]:
    return [el.get(d) for d in DIMS]


def obs_periods(doc: etree._Element) -> list[str]:
    return [o.get("TIME_PERIOD") for o in doc.iter("Obs")]


def structure(tck: Any, url: str) -> etree._Element:
    resp = tck.get(f"/sdmx/rest{url}")
    assert resp.status_code == 200, (url, resp.data[:300])
    assert resp.headers["Content-Type"] == "application/vnd.sdmx.structure+xml;version=2.1"
    doc = etree.fromstring(resp.data)
    assert xml_schema("2.1").validate(doc), xml_schema("2.1").error_log
    return doc


def cube(doc: etree._Element) -> dict[str, list[str]]:
    ccs = doc.findall(f".//{STR}ContentConstraint")
    assert len(ccs) == 1
    cc = ccs[0]
    assert cc.get("type") == "Actual"
    att = cc.find(f"{STR}ConstraintAttachment/{STR}Dataflow/Ref")
    assert (att.get("agencyID"), att.get("id"), att.get("version")) == (
        "IDAC",
        "DF_IDAC_CORE",
        "1.0",
    )
    regions = cc.findall(f"{STR}CubeRegion")
    assert len(regions) == 1
    return {
        kv.get("id"): [v.text for v in kv.findall(f"{COM}Value")]
        for kv in regions[0].findall(f"{COM}KeyValue")
    }


# --- D1–D34
# ---------------------------------------------------------------------------------------------


def d_flow(tck: Any) -> None:  # D1
    doc = ss(tck, f"/data/{FLOW}?detail=serieskeysonly")
    assert len(datasets(doc)) == 1
    assert header_urn(doc).startswith(URN)


def d_agency_id(tck: Any) -> None:  # D2
    doc = ss(tck, "/data/IDAC,DF_IDAC_CORE?detail=serieskeysonly")
    assert len(datasets(doc)) == 1
    assert "=IDAC:DF_IDAC_CORE(" in header_urn(doc)


def d_id(tck: Any) -> None:  # D3
    doc = ss(tck, "/data/DF_IDAC_CORE?detail=serieskeysonly")
    assert ":DF_IDAC_CORE(" in header_urn(doc)


def _provider_checks(doc: etree._Element, provider: str) -> None:
    assert len(datasets(doc)) == 1
    pa = doc.find(f"{MES}Header/{MES}Structure/{COM}ProvisionAgrement/Ref")
    assert pa is not None
    assert pa.get("id") == f"PA_{provider}_CORE"


def d_agency_provider(tck: Any) -> None:  # D4
    _provider_checks(ss(tck, f"/data/{FLOW}/all/IDAC,MEX_INM?detail=serieskeysonly"), "MEX_INM")


def d_provider(tck: Any) -> None:  # D5
    _provider_checks(ss(tck, f"/data/{FLOW}/all/PAN_SNM?detail=serieskeysonly"), "PAN_SNM")


def d_two_providers(
    tck: Any,
) -> None:  # D6: the TCK sends P1,P2 and no Accept header (generic data)
    resp = tck.get(f"/sdmx/rest/data/{FLOW}/all/MEX_INM,PAN_SNM?detail=serieskeysonly")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/vnd.sdmx.genericdata+xml;version=2.1"
    body = resp.data.decode()
    areas = 'id="REF_AREA" value="{}"'.format
    assert areas("MEX") in body
    assert areas("PAN") in body
    assert areas("COL") not in body


def d_all(tck: Any) -> None:  # D7
    assert len(series(ss(tck, f"/data/{FLOW}/all?detail=serieskeysonly"))) >= 2


def _two_keys(tck: Any) -> list[list[str]]:
    found = series(ss(tck, f"/data/{FLOW}/A.MEX........?detail=serieskeysonly"))
    return [key_of(found[0]), key_of(found[-1])]


def d_full_key(tck: Any) -> None:  # D8
    k = _two_keys(tck)[0]
    found = series(ss(tck, f"/data/{FLOW}/{'.'.join(k)}?detail=serieskeysonly"))
    assert found
    assert all(key_of(s) == k for s in found)


def d_partial_key(tck: Any) -> None:  # D9
    k = _two_keys(tck)[0]
    k[4] = ""
    found = series(ss(tck, f"/data/{FLOW}/{'.'.join(k)}?detail=serieskeysonly"))
    assert len(found) > 1
    assert all(
        all(a == b for n, (a, b) in enumerate(zip(key_of(s), k, strict=True)) if n != 4)
        for s in found
    )


def d_or_key(tck: Any) -> None:  # D10
    a, b = _two_keys(tck)
    k = list(a)
    k[3] = "F+M"
    found = series(ss(tck, f"/data/{FLOW}/{'.'.join(k)}?detail=serieskeysonly"))
    assert {s.get("SEX") for s in found} == {"F", "M"}
    assert b  # the second key exists


def d_start(tck: Any) -> None:  # D11
    assert obs_periods(ss(tck, f"/data/{FLOW}/{INDICATIVE}?startPeriod=2022")) == ["2022", "2023"]


def d_end(tck: Any) -> None:  # D12
    assert obs_periods(ss(tck, f"/data/{FLOW}/{INDICATIVE}?endPeriod=2022")) == ["2021", "2022"]


def d_start_end(tck: Any) -> None:  # D13
    assert obs_periods(ss(tck, f"/data/{FLOW}/{INDICATIVE}?startPeriod=2022&endPeriod=2022")) == [
        "2022"
    ]


def d_last_window(tck: Any) -> None:  # D14
    got = obs_periods(
        ss(tck, f"/data/{FLOW}/{INDICATIVE}?lastNObservations=1&endPeriod=2022&startPeriod=2021")
    )
    assert got == ["2022"]


def d_updated_after(tck: Any) -> None:  # D15: the TCK sends a period, not an xs:dateTime
    resp = tck.get(f"/sdmx/rest/data/{FLOW}/all?updatedAfter=2019-Q3", headers={"Accept": SS})
    assert resp.status_code == 200


def d_first(tck: Any) -> None:  # D16
    assert obs_periods(ss(tck, f"/data/{FLOW}/{INDICATIVE}?firstNObservations=2")) == [
        "2021",
        "2022",
    ]


def d_last(tck: Any) -> None:  # D17
    assert obs_periods(ss(tck, f"/data/{FLOW}/{INDICATIVE}?lastNObservations=2")) == [
        "2022",
        "2023",
    ]


def d_detail_full(tck: Any) -> None:  # D18
    assert series(ss(tck, f"/data/{FLOW}/all?detail=full"))


def d_dataonly(tck: Any) -> None:  # D19
    doc = ss(tck, f"/data/{FLOW}/all?detail=dataonly")
    found = series(doc)
    assert found
    assert list(doc.iter("Obs"))
    assert not list(doc.iter("Group"))
    assert all(set(s.attrib) <= set(DIMS) for s in found)


def d_serieskeysonly(tck: Any) -> None:  # D20
    doc = ss(tck, f"/data/{FLOW}/all?detail=serieskeysonly")
    assert series(doc)
    assert not list(doc.iter("Obs"))
    assert not list(doc.iter("Group"))
    assert all(set(s.attrib) <= set(DIMS) for s in series(doc))


def d_nodata(tck: Any) -> None:  # D21
    doc = ss(tck, f"/data/{FLOW}/all?detail=nodata")
    assert series(doc)
    assert not list(doc.iter("Obs"))
    assert any("UNIT_MEASURE" in s.attrib for s in series(doc))


def d_dao_time(tck: Any) -> None:  # D22
    doc = ss(tck, f"/data/{FLOW}/all?dimensionAtObservation=TIME_PERIOD")
    assert all(s.findall("Obs") for s in series(doc))
    assert all(o.get("TIME_PERIOD") for o in doc.iter("Obs"))


def d_dao_dim(tck: Any) -> None:  # D23
    doc = ss(tck, f"/data/{FLOW}/all?dimensionAtObservation=SEX")
    assert all(s.get("TIME_PERIOD") for s in series(doc))
    assert all(o.get("SEX") for o in doc.iter("Obs"))


def d_dao_all(tck: Any) -> None:  # D24
    doc = ss(tck, f"/data/{FLOW}/all?dimensionAtObservation=AllDimensions")
    assert not series(doc)
    assert not list(doc.iter("Group"))
    assert datasets(doc)[0].findall("Obs")


def d_history(tck: Any) -> None:  # D25
    assert (
        tck.get(
            f"/sdmx/rest/data/{FLOW}/all?includeHistory=true", headers={"Accept": SS}
        ).status_code
        == 200
    )


def representation(media: str) -> Callable[[Any], None]:  # D26–D31
    def check(tck: Any) -> None:
        resp = tck.get(f"/sdmx/rest/data/{FLOW}?detail=serieskeysonly", headers={"Accept": media})
        assert resp.status_code == 200
        assert resp.headers["Content-Type"].replace("; version=", ";version=") == media

    return check


def d_compression(tck: Any) -> None:  # D32
    resp = tck.get(f"/sdmx/rest/data/{FLOW}/all", headers={"Accept": SS, "Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert etree.fromstring(gzip.decompress(resp.data)).tag == f"{MES}StructureSpecificData"


def d_language(tck: Any) -> None:  # D33
    assert (
        tck.get(
            f"/sdmx/rest/data/{FLOW}/all", headers={"Accept": SS, "Accept-Language": "en"}
        ).status_code
        == 200
    )


def d_caching(tck: Any) -> None:  # D34: an ISO 8601 If-Modified-Since after the last load
    resp = tck.get(
        f"/sdmx/rest/data/{FLOW}/all",
        headers={"Accept": SS, "If-Modified-Since": "2099-06-26T08:40:29.123Z"},
    )
    assert resp.status_code == 304


# --- AV0–AV15
# -------------------------------------------------------------------------------------------


AV = f"/availableconstraint/{FLOW}"
MEX_KEY = ["A", "MEX", "IDAC_FLW_RET_MIG", "F", "Y0T17", "_T", "RET_FROM", "USA", "_Z", "_T"]


def av_parent(tck: Any) -> None:  # AV0
    got = cube(structure(tck, AV))
    assert got
    assert all(v for k, v in got.items() if k != "TIME_PERIOD")


def av_exact(tck: Any) -> None:  # AV1
    got = cube(structure(tck, f"{AV}/{'.'.join(MEX_KEY)}?mode=exact"))
    for dim, code in zip(DIMS, MEX_KEY, strict=True):
        assert got[dim] == [code]


def av_available(tck: Any) -> None:  # AV2
    got = cube(structure(tck, f"{AV}/{'.'.join(MEX_KEY)}?mode=available"))
    assert any(code in got.get(dim, []) for dim, code in zip(DIMS, MEX_KEY, strict=True))
    assert set(got["AGE"]) > {"Y0T17"}  # the other ages can still be chosen


def av_start(tck: Any) -> None:  # AV5
    doc = structure(tck, f"{AV}/all?startPeriod=2010-01")
    tr = doc.find(f".//{COM}TimeRange/{COM}StartPeriod")
    assert tr is not None
    assert tr.text >= "2010"


def av_end(tck: Any) -> None:  # AV6
    doc = structure(tck, f"{AV}/all?endPeriod=2020-01")
    assert doc.find(f".//{COM}TimeRange") is None  # nothing before 2020


def av_start_end(tck: Any) -> None:  # AV7
    doc = structure(tck, f"{AV}/all?startPeriod=2010-01&endPeriod=2020-01")
    assert cube(doc) == {}  # no data before 2021: an empty cube region


def av_metrics(tck: Any) -> None:  # AV8 (the check the TCK intends)
    doc = structure(tck, f"{AV}/all")
    metrics = {a.get("id"): a for a in doc.iter(f"{COM}Annotation")}
    for name in ("series_count", "obs_count"):
        assert metrics[name].find(f"{COM}AnnotationType").text == "sdmx_metrics"
        assert int(metrics[name].find(f"{COM}AnnotationTitle").text) > 0


def av_component(tck: Any) -> None:  # AV9
    parent = cube(structure(tck, AV))
    got = cube(structure(tck, f"{AV}/all/all/SEX"))
    assert list(got) == ["SEX"]
    assert got["SEX"] == parent["SEX"]


def av_or_exact(tck: Any) -> None:  # AV3
    k = list(MEX_KEY)
    k[3] = "F+M"
    got = cube(structure(tck, f"{AV}/{'.'.join(k)}?mode=exact"))
    assert sorted(got["SEX"]) == ["F", "M"]


def av_or_available(tck: Any) -> None:  # AV4
    k = list(MEX_KEY)
    k[3] = "F+M"
    got = cube(structure(tck, f"{AV}/{'.'.join(k)}?mode=available"))
    assert {"F", "M"} <= set(got["SEX"])


def _refs(tck: Any, which: str) -> etree._Element:
    return structure(tck, f"{AV}/all?references={which}")


def av_refs_all(tck: Any) -> None:  # AV10
    for check in (av_refs_dsd, av_refs_flow, av_refs_codelist, av_refs_concepts):
        check(tck)
    doc = _refs(tck, "all")
    assert doc.findall(f".//{STR}DataStructure")
    assert doc.findall(f".//{STR}Dataflow")


def av_refs_dsd(tck: Any) -> None:  # AV11
    dsds = _refs(tck, "datastructure").findall(f".//{STR}DataStructures/{STR}DataStructure")
    assert [d.get("id") for d in dsds] == ["DSD_IDAC_CORE"]


def av_refs_flow(tck: Any) -> None:  # AV12
    flows = _refs(tck, "dataflow").findall(f".//{STR}Dataflows/{STR}Dataflow")
    assert [f.get("id") for f in flows] == ["DF_IDAC_CORE"]


def av_refs_codelist(tck: Any) -> None:  # AV13
    doc = _refs(tck, "codelist")
    got = cube(doc)
    codelists = {c.get("id"): c for c in doc.iter(f"{STR}Codelist")}
    assert codelists
    area = {c.get("id") for c in codelists["CL_AREA"].iter(f"{STR}Code")}
    assert set(got["REF_AREA"]) <= area
    assert codelists["CL_AREA"].get("isPartial") == "true"
    sex = {c.get("id") for c in codelists["CL_SEX"].iter(f"{STR}Code")}
    assert sex == set(got["SEX"])


def av_refs_concepts(tck: Any) -> None:  # AV14
    doc = _refs(tck, "conceptscheme")
    got = cube(doc)
    schemes = doc.findall(f".//{STR}ConceptScheme")
    assert schemes
    for scheme in schemes:
        ids = {c.get("id") for c in scheme.iter(f"{STR}Concept")}
        assert set(got) <= ids | {"TIME_PERIOD"}


def av_refs_providers(tck: Any) -> None:  # AV15
    doc = structure(tck, f"{AV}/all/MEX_INM?references=dataproviderscheme")
    schemes = doc.findall(f".//{STR}DataProviderScheme")
    assert len(schemes) == 1
    assert [p.get("id") for p in schemes[0].iter(f"{STR}DataProvider")] == ["MEX_INM"]


CHECKS: dict[tuple[str, str | None], Callable[[Any], None]] = {
    ("/data/agency,id,version", None): d_flow,
    ("/data/agency,id", None): d_agency_id,
    ("/data/id", None): d_id,
    ("/data/agency,id,version/all/agency,providerId", None): d_agency_provider,
    ("/data/agency,id,version/all/providerId", None): d_provider,
    ("/data/agency,id,version/all/providerId1+providerId2", None): d_two_providers,
    ("/data/agency,id,version/all", None): d_all,
    ("/data/agency,id,version/DIM1.DIM2.DIM3.DIMn", None): d_full_key,
    ("/data/agency,id,version/DIM1.DIM2..DIMn", None): d_partial_key,
    ("/data/agency,id,version/DIM1.DIM2.DIM31+DIM32.DIMn", None): d_or_key,
    ("/data/agency,id,version/all?startPeriod=YYYYDDMM", None): d_start,
    ("/data/agency,id,version/all?endPeriod=YYYYDDMM", None): d_end,
    ("/data/agency,id,version/all?startPeriod=YYYYDDMM&endPeriod=YYYYDDMM", None): d_start_end,
    (
        "/data/agency,id,version/all?lastNObservations=X&startPeriod=YYYYDDMM&endPeriod=YYYYDDMM",
        None,
    ): d_last_window,
    ("/data/agency,id,version/all?updatedAfter=YYYYDDMM", None): d_updated_after,
    ("/data/agency,id,version/all?firstNObservations=X", None): d_first,
    ("/data/agency,id,version/all?lastNObservations=X", None): d_last,
    ("/data/agency,id,version/all?detail=full", None): d_detail_full,
    ("/data/agency,id,version/all?detail=dataonly", None): d_dataonly,
    ("/data/agency,id,version/all?detail=serieskeysonly", None): d_serieskeysonly,
    ("/data/agency,id,version/all?detail=nodata", None): d_nodata,
    ("/data/agency,id,version/all?dimensionAtObservation=TIME_PERIOD", None): d_dao_time,
    ("/data/agency,id,version/all?dimensionAtObservation=DIM", None): d_dao_dim,
    ("/data/agency,id,version/all?dimensionAtObservation=AllDimensions", None): d_dao_all,
    ("/data/agency,id,version/all?includeHistory=true", None): d_history,
    ("/data/agency,dataflowId,version/all", "COMPRESSION"): d_compression,
    ("/data/agency,dataflowId,version/all", "LANGUAGE"): d_language,
    ("/data/agency,dataflowId,version/all", "CACHING"): d_caching,
    ("/availableconstraint/agency,dataflowId,version/all", None): av_parent,
    ("/availableconstraint/agency,dataflowId,version/A.B.C?mode=exact", None): av_exact,
    ("/availableconstraint/agency,dataflowId,version/A.B.C?mode=available", None): av_available,
    ("/availableconstraint/agency,dataflowId,version/all?startPeriod=2010-01", None): av_start,
    ("/availableconstraint/agency,dataflowId,version/all?endPeriod=2020-01", None): av_end,
    (
        "/availableconstraint/agency,dataflowId,version/all?startPeriod=2010-01&endPeriod=2020-01",
        None,
    ): av_start_end,
    ("/availableconstraint/agency,dataflowId,version/all", "metrics"): av_metrics,
    ("/availableconstraint/agency,dataflowId,version/all/all/DIM1", None): av_component,
    ("/availableconstraint/agency,dataflowId,version/A1+A2.B.C?mode=exact", None): av_or_exact,
    (
        "/availableconstraint/agency,dataflowId,version/A1+A2.B.C?mode=available",
        None,
    ): av_or_available,
    ("/availableconstraint/agency,dataflowId,version/all?references=all", None): av_refs_all,
    (
        "/availableconstraint/agency,dataflowId,version/all?references=datastructure",
        None,
    ): av_refs_dsd,
    ("/availableconstraint/agency,dataflowId,version/all?references=dataflow", None): av_refs_flow,
    (
        "/availableconstraint/agency,dataflowId,version/all?references=codelist",
        None,
    ): av_refs_codelist,
    (
        "/availableconstraint/agency,dataflowId,version/all?references=conceptschemes",
        None,
    ): av_refs_concepts,
    (
        "/availableconstraint/agency,dataflowId,version/all/PROVIDER?references=dataproviderscheme",
        None,
    ): av_refs_providers,
}


def check_for(case: TckCase) -> Callable[[Any], None]:
    """The check of one TCK case (representation tests are parametrised by their media type)."""
    if case.kind == "Data Representation Support Parameters":
        return representation(case.template.split("/all/", 1)[1])
    return CHECKS[(case.template, case.note)]


def test_every_case_has_a_check() -> None:
    assert len(CASES) == 50
    for case in CASES:
        assert check_for(case) is not None


@pytest.mark.parametrize("case", CASES, ids=str)
def test_tck_data_case(tck: Any, case: TckCase) -> None:
    check_for(case)(tck)
