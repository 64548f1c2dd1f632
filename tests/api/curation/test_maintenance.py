"""SDMX-REST structure maintenance over HTTP: every store rule, through real requests."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.auth.helpers import (
    add_user,
    assert_xml_valid,
    bearer,
    codelist,
    concept_scheme,
    dsd,
    message,
    message_texts,
    results,
)

XML21 = {"Accept": "application/vnd.sdmx.structure+xml;version=2.1"}
REG_TYPE = "application/vnd.sdmx.registry+xml;version=2.1"


@pytest.fixture
def curator(app: Any) -> dict[str, str]:
    return bearer(add_user(app, "cur", ("curator", "IDAC")))


def post(
    client: Any, body: bytes, headers: dict[str, str], path: str = "/sdmx/v2/structure"
) -> Any:
    return client.post(path, data=body, headers=headers)


def codes_served(client: Any, cid: str, version: str, **params: str) -> list[str]:
    resp = client.get(
        f"/sdmx/v2/structure/codelist/IDAC/{cid}/{version}", query_string=params, headers=XML21
    )
    assert resp.status_code == 200, resp.data
    doc = assert_xml_valid(resp.data)
    ns = {"str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"}
    return [c.get("id") for c in doc.iterfind(".//str:Code", ns)]


def codes_json(client: Any, cid: str, version: str) -> list[str]:
    resp = client.get(f"/sdmx/v2/structure/codelist/IDAC/{cid}/{version}")
    assert resp.status_code == 200, resp.data
    return [c["id"] for c in resp.json["data"]["codelists"][0]["codes"]]


def test_create_answers_201_with_a_valid_submit_structure_response(
    client: Any, curator: dict[str, str]
) -> None:
    resp = post(client, message(codelist()), curator)
    assert resp.status_code == 201
    assert resp.headers["Content-Type"] == REG_TYPE
    assert resp.headers["Location"] == "/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0"
    assert results(resp.data) == [
        (
            "Append",
            "urn:sdmx:org.sdmx.infomodel.codelist.Codelist=IDAC:CL_TEST(1.0)",
            "Success",
            "201",
        )
    ]
    assert codes_served(client, "CL_TEST", "1.0") == ["A", "B", "C"]


@pytest.mark.parametrize("fmt", ["2.1", "3.0", "json"])
def test_bodies_in_every_structure_format(client: Any, curator: dict[str, str], fmt: str) -> None:
    cl = codelist()
    cs = concept_scheme(cl=cl)
    resp = post(client, message(cl, cs, dsd(cl, cs), fmt=fmt), curator)
    assert resp.status_code == 201, message_texts(resp.data)
    assert {r[2] for r in results(resp.data)} == {"Success"}
    assert (
        client.get("/sdmx/v2/structure/datastructure/IDAC/DSD_TEST/1.0", headers=XML21).status_code
        == 200
    )


def test_unresolved_reference_is_409_and_nothing_is_stored(
    client: Any, curator: dict[str, str]
) -> None:
    cl = codelist()
    cs = concept_scheme(cl=cl)
    resp = post(client, message(cs, dsd(cl, cs)), curator)  # the codelist is missing
    assert resp.status_code == 409
    text = message_texts(resp.data)
    assert "Codelist=IDAC:CL_TEST(1.0)" in text
    assert "neither in the registry nor in this submission" in text
    assert {r[2] for r in results(resp.data)} == {"Failure"}
    assert (
        client.get("/sdmx/v2/structure/conceptscheme/IDAC/CS_TEST/1.0", headers=XML21).status_code
        == 404
    )


def test_partial_true_stores_the_valid_part_with_207(client: Any, curator: dict[str, str]) -> None:
    cl = codelist()
    cs = concept_scheme(cl=cl)
    other = codelist("CL_OTHER")
    resp = post(client, message(cs, other), curator, "/sdmx/v2/structure?partial=true")
    assert resp.status_code == 207
    by_urn = {urn.rsplit("=", 1)[1]: (status, code) for _a, urn, status, code in results(resp.data)}
    assert by_urn == {
        "IDAC:CS_TEST(1.0)": ("Failure", "409"),
        "IDAC:CL_OTHER(1.0)": ("Success", "201"),
    }
    assert codes_served(client, "CL_OTHER", "1.0") == ["A", "B", "C"]


def test_final_structural_change_is_409_and_a_new_version_is_accepted(
    client: Any, curator: dict[str, str]
) -> None:
    assert post(client, message(codelist(final=True)), curator).status_code == 201
    changed = codelist(final=True, codes=("A", "B", "C", "D"))
    resp = post(client, message(changed), curator)
    assert resp.status_code == 409
    assert "is final" in message_texts(resp.data)
    assert "new version" in message_texts(resp.data)
    # Names may change on a final artefact.
    renamed = codelist(final=True, name="Renamed")
    resp = post(client, message(renamed), curator)
    assert resp.status_code == 200
    assert results(resp.data)[0][:3] == (
        "Replace",
        "urn:sdmx:org.sdmx.infomodel.codelist.Codelist=IDAC:CL_TEST(1.0)",
        "Success",
    )
    # The structural change as a new version is accepted; the old version is still served.
    resp = post(
        client, message(codelist(version="1.1", final=True, codes=("A", "B", "C", "D"))), curator
    )
    assert resp.status_code == 201
    assert codes_served(client, "CL_TEST", "1.0") == ["A", "B", "C"]
    assert codes_served(client, "CL_TEST", "1.1") == ["A", "B", "C", "D"]


def test_draft_is_replaced_with_put(client: Any, curator: dict[str, str]) -> None:
    assert post(client, message(codelist()), curator).status_code == 201
    resp = client.put(
        "/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0",
        data=message(codelist(codes=("X", "Y"))),
        headers=curator,
    )
    assert resp.status_code == 200
    assert results(resp.data)[0][0] == "Replace"
    assert codes_served(client, "CL_TEST", "1.0") == ["X", "Y"]


def test_put_of_a_missing_artefact_is_404(client: Any, curator: dict[str, str]) -> None:
    resp = client.put(
        "/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0", data=message(codelist()), headers=curator
    )
    assert resp.status_code == 404
    assert results(resp.data)[0][2:] == ("Failure", "404")


def test_put_with_a_body_that_does_not_match_the_url_is_422(
    client: Any, curator: dict[str, str]
) -> None:
    assert post(client, message(codelist()), curator).status_code == 201
    for url in (
        "/sdmx/v2/structure/codelist/IDAC/CL_TEST/2.0",
        "/sdmx/v2/structure/conceptscheme/IDAC/CL_TEST/1.0",
        "/sdmx/v2/structure/codelist/IDAC/CL_OTHER/1.0",
    ):
        resp = client.put(url, data=message(codelist()), headers=curator)
        assert resp.status_code == 422, url
    two = message(codelist(), codelist("CL_OTHER"))
    assert (
        client.put(
            "/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0", data=two, headers=curator
        ).status_code
        == 422
    )


def test_typed_post_refuses_other_types(client: Any, curator: dict[str, str]) -> None:
    cl = codelist()
    resp = post(client, message(cl, concept_scheme(cl=cl)), curator, "/sdmx/v2/structure/codelist")
    assert resp.status_code == 422
    assert post(client, message(cl), curator, "/sdmx/v2/structure/codelist").status_code == 201


def test_delete_refused_while_referenced_then_allowed(client: Any, curator: dict[str, str]) -> None:
    cl = codelist()
    cs = concept_scheme(cl=cl)
    assert post(client, message(cl, cs), curator).status_code == 201
    resp = client.delete("/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0", headers=curator)
    assert resp.status_code == 409
    assert b"ConceptScheme=IDAC:CS_TEST(1.0)" in resp.data
    assert (
        client.delete(
            "/sdmx/v2/structure/conceptscheme/IDAC/CS_TEST/1.0", headers=curator
        ).status_code
        == 200
    )
    resp = client.delete("/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0", headers=curator)
    assert resp.status_code == 200
    assert results(resp.data) == [
        (
            "Delete",
            "urn:sdmx:org.sdmx.infomodel.codelist.Codelist=IDAC:CL_TEST(1.0)",
            "Success",
            "200",
        )
    ]
    assert (
        client.get("/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0", headers=XML21).status_code == 404
    )
    assert (
        client.delete("/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0", headers=curator).status_code
        == 404
    )


def test_v1_registry_style_post_and_delete(client: Any, curator: dict[str, str]) -> None:
    resp = post(client, message(codelist()), curator, "/sdmx/rest/structure")
    assert resp.status_code == 201
    assert results(resp.data)[0][2] == "Success"
    assert client.get("/sdmx/rest/codelist/IDAC/CL_TEST/1.0").status_code == 200
    assert client.delete("/sdmx/rest/codelist/IDAC/CL_TEST/1.0", headers=curator).status_code == 200


def test_latest_and_semantic_version_order(client: Any, curator: dict[str, str]) -> None:
    for version, codes in (
        ("1.2.0", ("A",)),
        ("1.10.0", ("A", "B")),
        ("1.9.0", ("C",)),
        ("2.0.0-draft", ("D",)),
    ):
        assert (
            post(
                client, message(codelist(version=version, final=True, codes=codes)), curator
            ).status_code
            == 201
        )
    # ~ is the latest of any status, + the latest stable one; 1.10.0 sorts after 1.9.0.
    assert codes_json(client, "CL_TEST", "~") == ["D"]  # SDMX-ML 2.1 cannot carry 2.0.0-draft
    assert codes_served(client, "CL_TEST", "+") == ["A", "B"]
    assert codes_served(client, "CL_TEST", "1.2+.0") == ["A", "B"]
    resp = client.get("/sdmx/rest/codelist/IDAC/CL_TEST/latest")
    assert resp.status_code == 200
    assert b'version="1.10.0"' in resp.data


def test_as_of_returns_the_old_state(client: Any, curator: dict[str, str]) -> None:
    assert post(client, message(codelist()), curator).status_code == 201
    time.sleep(0.05)
    between = datetime.now(UTC).isoformat()
    time.sleep(0.05)
    assert (
        client.put(
            "/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0",
            data=message(codelist(codes=("Z",))),
            headers=curator,
        ).status_code
        == 200
    )
    assert codes_served(client, "CL_TEST", "1.0") == ["Z"]
    assert codes_served(client, "CL_TEST", "1.0", asOf=between) == ["A", "B", "C"]


def test_identical_resubmission_is_unchanged(client: Any, curator: dict[str, str]) -> None:
    assert post(client, message(codelist()), curator).status_code == 201
    resp = post(client, message(codelist()), curator)
    assert resp.status_code == 200
    assert "Unchanged" in message_texts(resp.data)


def test_partial_item_scheme_update_merges_items(client: Any, curator: dict[str, str]) -> None:
    assert post(client, message(codelist()), curator).status_code == 201
    part = codelist(codes=("B", "D"))
    part = dataclasses.replace(part, is_partial=True)
    part.items[0].names = {"es": "Código B"}
    resp = post(client, message(part), curator)
    assert resp.status_code == 200, message_texts(resp.data)
    assert codes_served(client, "CL_TEST", "1.0") == ["A", "B", "C", "D"]


def test_body_limit_is_413(app: Any, client: Any, curator: dict[str, str]) -> None:
    app.extensions["idac.settings"].max_structure_bytes = 200
    resp = post(client, message(codelist()), curator)
    assert resp.status_code == 413


@pytest.mark.parametrize(
    ("body", "status"), [(b"", 400), (b"not sdmx at all", 415), (b"<?xml version='1.0'?><x", 415)]
)
def test_bad_bodies(client: Any, curator: dict[str, str], body: bytes, status: int) -> None:
    assert post(client, body, curator).status_code == status


def test_authorisation_401_403_and_agency_scope(app: Any, client: Any) -> None:
    body = message(codelist())
    assert post(client, body, {}).status_code == 401
    submitter = bearer(add_user(app, "sub", ("submitter", "PAN_SNM")))
    assert post(client, body, submitter).status_code == 403
    other = bearer(add_user(app, "ecb-curator", ("curator", "ECB")))
    resp = post(client, body, other)
    assert resp.status_code == 403
    assert "may not maintain artefacts of agency IDAC" in message_texts(resp.data)
    assert (
        client.delete("/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0", headers=submitter).status_code
        == 403
    )
    assert client.delete("/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0").status_code == 401
