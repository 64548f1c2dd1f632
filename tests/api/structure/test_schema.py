"""The schema resource: structure-specific XSD for a dataflow, or its structures in SDMX-JSON."""

from __future__ import annotations

import pytest
from lxml import etree

from registry.sdmx.schemas import xml_schema_path
from tests.api.structure.conftest import assert_json_valid


def _compile(body: bytes, version: str) -> etree.XMLSchema:
    # The answer imports the official schema from this service's /sdmx/schemas/ URL; tests have no
    # HTTP server for lxml to fetch from, so point it at the same file on disk.
    local = str(xml_schema_path(version, "SDMXDataStructureSpecific.xsd"))
    body = body.replace(f"http://localhost/sdmx/schemas/{version}/SDMXDataStructureSpecific.xsd".encode(), local.encode())
    return etree.XMLSchema(etree.fromstring(body))


@pytest.mark.parametrize(("path", "version"), [
    ("/sdmx/rest/schema/dataflow/ECB/EXR/1.0", "2.1"),
    ("/sdmx/rest/schema/datastructure/ECB/ECB_EXR1", "2.1"),
    ("/sdmx/v2/schema/dataflow/ECB/EXR/1.0", "3.0"),
    ("/sdmx/rest/schema/dataflow/ECB/EXR/1.0?dimensionAtObservation=CURRENCY", "2.1"),
])
def test_xsd_answer_compiles(ecb, path: str, version: str) -> None:
    resp = ecb.get(path)
    assert resp.status_code == 200, resp.data[:300]
    assert resp.headers["Content-Type"].startswith("application/vnd.sdmx.schema+xml")
    schema = _compile(resp.data, version)
    assert schema is not None


def test_structure_format_answer(ecb) -> None:
    resp = ecb.get("/sdmx/v2/schema/dataflow/ECB/EXR/1.0", headers={"Accept": "application/vnd.sdmx.structure+json;version=2.0.0"})
    assert resp.status_code == 200
    doc = assert_json_valid(resp.data)
    assert doc["data"]["dataStructures"][0]["id"] == "ECB_EXR1"


@pytest.mark.parametrize(("path", "status"), [
    ("/sdmx/rest/schema/dataflow/ECB/NOPE/1.0", 404),
    ("/sdmx/rest/schema/codelist/ECB/CL_FREQ/1.0", 400),
    ("/sdmx/rest/schema/dataflow/ECB/EXR/1.0?dimensionAtObservation=NOPE", 400),
    ("/sdmx/rest/schema/metadataflow/ECB/EXR/1.0", 404),
])
def test_schema_errors(ecb, path: str, status: int) -> None:
    assert ecb.get(path).status_code == status


def test_official_schemas_are_served(ecb) -> None:
    resp = ecb.get("/sdmx/schemas/2.1/SDMXDataStructureSpecific.xsd")
    assert resp.status_code == 200
    assert b"xs:schema" in resp.data
    assert ecb.get("/sdmx/schemas/2.1/..%2F..%2Fetc%2Fpasswd").status_code == 404
