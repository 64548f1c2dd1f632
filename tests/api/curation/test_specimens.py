"""Real third-party structure messages submitted through the maintenance API, and served back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sdmx

from tests.auth.helpers import add_user, assert_xml_valid, bearer, message_texts, results

XML21 = {"Accept": "application/vnd.sdmx.structure+xml;version=2.1"}
MISSING = "CategoryScheme=ECB:MOBILE_NAVI(1.0)"
CATEGORISATION = "Categorisation=ECB:53A341E8-D48B-767E-D5FF-E2E3E0E2BB19(1.0)"


@pytest.fixture
def admin(app: Any) -> dict[str, str]:
    return bearer(add_user(app, "admin", ("admin", None)))


def test_ecb_with_a_dangling_categorisation_is_refused_whole(
    client: Any, admin: dict[str, str], specimens: Path
) -> None:
    body = (specimens / "ECB" / "ECB_EXR1-structure-full.xml").read_bytes()
    resp = client.post("/sdmx/v2/structure", data=body, headers=admin)
    assert resp.status_code == 409
    got = results(resp.data)
    assert len(got) == 17
    assert {status for _a, _u, status, _c in got} == {"Failure"}
    text = message_texts(resp.data)
    assert MISSING in text
    assert "neither in the registry nor in this submission" in text
    failing = [urn for _a, urn, _s, code in got if code == "409" and "Categorisation" in urn]
    assert failing == [
        "urn:sdmx:org.sdmx.infomodel.categoryscheme.Categorisation=ECB:53A341E8-D48B-767E-D5FF-"
        "E2E3E0E2BB19(1.0)"
    ]
    # Nothing was stored.
    assert client.get("/sdmx/rest/dataflow/ECB/EXR/1.0").status_code == 404
    assert client.get("/sdmx/rest/codelist/ECB/CL_FREQ/1.0").status_code == 404


def test_ecb_with_partial_true_is_stored_without_the_categorisation(
    client: Any, admin: dict[str, str], specimens: Path
) -> None:
    body = (specimens / "ECB" / "ECB_EXR1-structure-full.xml").read_bytes()
    resp = client.post("/sdmx/v2/structure?partial=true", data=body, headers=admin)
    assert resp.status_code == 207
    got = results(resp.data)
    failed = [(urn, code) for _a, urn, status, code in got if status == "Failure"]
    assert len(failed) == 1
    assert "Categorisation" in failed[0][0]
    assert failed[0][1] == "409"
    assert sum(1 for r in got if r[2] == "Success") == 16
    # Round trip: the stored DSD with everything it references, XSD-valid and readable by sdmx1.
    resp = client.get(
        "/sdmx/rest/datastructure/ECB/ECB_EXR1/1.0?references=children", headers=XML21
    )
    assert resp.status_code == 200
    assert_xml_valid(resp.data)
    msg = sdmx.read_sdmx(__import__("io").BytesIO(resp.data))
    dsd = msg.structure["ECB_EXR1"]
    assert [d.id for d in dsd.dimensions] == [
        "FREQ",
        "CURRENCY",
        "CURRENCY_DENOM",
        "EXR_TYPE",
        "EXR_SUFFIX",
        "TIME_PERIOD",
    ]
    assert len(msg.codelist["CL_CURRENCY"]) > 300
    assert (
        client.get(
            f"/sdmx/rest/categorisation/ECB/{CATEGORISATION.split(':')[1].split('(')[0]}"
        ).status_code
        == 404
    )
    # Audit: one entry per stored artefact, with the actor.
    entries = client.get("/api/audit?action=structure.create&limit=1000", headers=admin).json[
        "entries"
    ]
    assert len(entries) == 16
    assert {e["actor"] for e in entries} == {"admin"}


def test_unicef_cme_is_stored_and_served_back(
    client: Any, admin: dict[str, str], specimens: Path
) -> None:
    body = (specimens / "UNICEF" / "CME-dataflow-dsd.xml").read_bytes()
    resp = client.post("/sdmx/v2/structure", data=body, headers=admin)
    assert resp.status_code == 201, message_texts(resp.data)[:2000]
    assert all(r[2] == "Success" for r in results(resp.data))
    resp = client.get("/sdmx/rest/dataflow/UNICEF/CME/1.0?references=descendants", headers=XML21)
    assert resp.status_code == 200
    assert_xml_valid(resp.data)
    msg = sdmx.read_sdmx(__import__("io").BytesIO(resp.data))
    assert "CME" in msg.dataflow
    assert "DSD_CME" in msg.structure
    # The same message again changes nothing.
    again = client.post("/sdmx/v2/structure", data=body, headers=admin)
    assert again.status_code == 200
    assert {r[2] for r in results(again.data)} == {"Warning"}


def test_a_curator_of_one_agency_cannot_submit_another_agencys_message(
    app: Any, client: Any, specimens: Path
) -> None:
    idac = bearer(add_user(app, "idac-curator", ("curator", "IDAC")))
    body = (specimens / "UNICEF" / "CME-dataflow-dsd.xml").read_bytes()
    resp = client.post("/sdmx/v2/structure", data=body, headers=idac)
    assert resp.status_code == 403
    assert "may not maintain artefacts of agency UNICEF" in message_texts(resp.data)
