"""A fresh start serves every IDAC artefact of dsd/ and codelists/ through the structure API."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.structures.loader import read_files
from registry.structures.seed import content_files
from tests.api.structure.conftest import assert_json_valid, assert_xml_valid

ROOT = Path(__file__).resolve().parents[3]
ARTEFACTS = read_files(content_files(ROOT))


def test_content_is_not_empty() -> None:
    kinds = {a.type.rest_v1 for a in ARTEFACTS}
    assert {"codelist", "conceptscheme", "datastructure", "dataflow", "contentconstraint",
            "provisionagreement", "dataproviderscheme", "hierarchicalcodelist", "agencyscheme"} <= kinds


@pytest.mark.parametrize("artefact", ARTEFACTS, ids=lambda a: f"{a.type.rest_v1}-{a.agency}-{a.id}")
def test_each_artefact_is_served_in_v1_and_v2(seeded_client, artefact) -> None:
    t = artefact.type
    v1 = seeded_client.get(f"/sdmx/rest/{t.rest_v1}/{artefact.agency}/{artefact.id}/{artefact.version}")
    assert v1.status_code == 200, v1.data[:300]
    doc = assert_xml_valid(v1.data)
    assert any(e.get("id") == artefact.id for e in doc.iter() if e.get("agencyID") == artefact.agency)
    v2 = seeded_client.get(f"/sdmx/v2/structure/{t.rest_v2}/{artefact.agency}/{artefact.id}/{artefact.version}")
    assert v2.status_code == 200, v2.data[:300]
    assert_json_valid(v2.data)


@pytest.mark.parametrize("flow", ["DF_IDAC_CORE", "DF_IDAC_THEMATIC"])
def test_dataflow_with_all_references_in_every_format(seeded_client, flow: str) -> None:
    path = f"/sdmx/rest/dataflow/IDAC/{flow}/1.0?references=all"
    assert_xml_valid(seeded_client.get(path).data, "2.1")
    assert_xml_valid(seeded_client.get(path, headers={"Accept": "application/vnd.sdmx.structure+xml;version=3.0.0"}).data, "3.0")
    assert_json_valid(seeded_client.get(path, headers={"Accept": "application/vnd.sdmx.structure+json;version=2.0.0"}).data, "2.0")
    assert_json_valid(seeded_client.get(path, headers={"Accept": "application/vnd.sdmx.structure+json;version=1.0.0"}).data, "1.0")


def test_spanish_names_in_json(seeded_client) -> None:
    doc = assert_json_valid(
        seeded_client.get("/sdmx/v2/structure/codelist/SDMX/CL_SEX/~", headers={"Accept-Language": "es"}).data
    )
    codes = {c["id"]: c["name"] for c in doc["data"]["codelists"][0]["codes"]}
    assert codes["F"].lower().startswith("mujer") or codes["F"].lower().startswith("femenino")
