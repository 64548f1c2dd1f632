"""TCK schema index: every schema test of the Full list (XSD answers that compile, constraints applied)."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from registry.sdmx.schemas import xml_schema_path
from tests.conformance.catalogue import TckCase, load_cases

CASES = [c for c in load_cases() if c.index == "Schema"]
XS = "{http://www.w3.org/2001/XMLSchema}"
#: CONSTRAINABLE: artefacts with Allowed constraints; RANDOM: any artefact of the context.
TARGETS = {
    ("datastructure", "CONSTRAINABLE"): ("IDAC", "DSD_IDAC_CORE", "1.0"),
    ("datastructure", "RANDOM"): ("IDAC", "DSD_IDAC_THEMATIC", "1.0"),
    ("dataflow", "CONSTRAINABLE"): ("IDAC", "DF_IDAC_CORE", "1.0"),
    ("dataflow", "RANDOM"): ("IDAC", "DF_IDAC_REGIONAL", "1.0"),
    ("provisionagreement", "CONSTRAINABLE"): ("IDAC", "PA_PAN_SNM_CORE", "1.0"),
    ("provisionagreement", "RANDOM"): ("IDAC", "PA_COL_DANE_CORE", "1.0"),
}


def _compile(body: bytes) -> etree._Element:
    local = str(xml_schema_path("2.1", "SDMXDataStructureSpecific.xsd"))
    body = body.replace(b"http://localhost/sdmx/schemas/2.1/SDMXDataStructureSpecific.xsd", local.encode())
    doc = etree.fromstring(body)
    etree.XMLSchema(doc)
    return doc


def _enumeration(doc: etree._Element, type_name: str) -> set[str]:
    for st in doc.iter(f"{XS}simpleType"):
        if st.get("name") == type_name:
            return {e.get("value") for e in st.iter(f"{XS}enumeration")}
    return set()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_tck_schema_case(registry: Any, case: TckCase) -> None:
    context = case.template.split("/")[2]
    agency, rid, version = TARGETS[(context, case.note)]
    url = "/sdmx/rest" + case.template.replace("agency/id/version", f"{agency}/{rid}/{version}").replace(
        "agency/id", f"{agency}/{rid}").replace("dimensionAtObservation=id", "dimensionAtObservation=REF_AREA")
    resp = registry.get(url)
    assert resp.status_code == 200, f"{url}: {resp.data[:300]!r}"
    assert resp.headers["Content-Type"] == "application/vnd.sdmx.schema+xml;version=2.1"
    doc = _compile(resp.data)
    if case.note == "CONSTRAINABLE" and context != "datastructure":
        # The dataflow constraint restricts FREQ to A, S, Q, M (DOMAIN.md 7.2).
        assert _enumeration(doc, "FREQ.Type") <= {"A", "S", "Q", "M"}
        assert _enumeration(doc, "FREQ.Type")
