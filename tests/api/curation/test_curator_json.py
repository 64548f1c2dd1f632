"""Curator JSON endpoints over HTTP: codes, versions, diffs, draft visibility, audit trail."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.auth.helpers import add_user, bearer, codelist, message

BASE = "/api/structures/codelist/IDAC/CL_TEST/1.0"


@pytest.fixture
def cur(app: Any, client: Any) -> dict[str, str]:
    headers = bearer(add_user(app, "cur", ("curator", "IDAC")))
    assert (
        client.post("/sdmx/v2/structure", data=message(codelist()), headers=headers).status_code
        == 201
    )
    return headers


def ids(resp: Any) -> list[str]:
    return [c["id"] for c in resp.json["codes"]]


def test_add_rename_reparent_reorder_deprecate(client: Any, cur: dict[str, str]) -> None:
    resp = client.post(
        f"{BASE}/codes",
        json={"id": "D", "names": {"en": "Dee", "es": "De"}, "parent": "A"},
        headers=cur,
    )
    assert resp.status_code == 201
    assert ids(resp) == ["A", "B", "C", "D"]
    resp = client.patch(
        f"{BASE}/codes/D",
        json={"names": {"es": "Dé", "en": None}, "parent": None, "position": 0},
        headers=cur,
    )
    assert resp.status_code == 200
    first = resp.json["codes"][0]
    assert first["id"] == "D"
    assert first["names"] == {"es": "Dé"}
    assert first["parent"] is None
    resp = client.delete(
        f"{BASE}/codes/B", json={"reason": {"en": "merged"}, "replacedBy": "C"}, headers=cur
    )
    assert resp.status_code == 200
    b = next(c for c in resp.json["codes"] if c["id"] == "B")
    assert b["deprecated"]
    assert b["annotations"][0]["title"] == "C"
    resp = client.delete(f"{BASE}/codes/C?remove=true", headers=cur)
    assert resp.status_code == 200
    assert ids(resp) == ["D", "A", "B"]
    # The change is served by the structure API.
    served = client.get("/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0").json
    assert [c["id"] for c in served["data"]["codelists"][0]["codes"]] == ["D", "A", "B"]


def test_field_level_errors(client: Any, cur: dict[str, str]) -> None:
    resp = client.post(f"{BASE}/codes", json={"id": "bad id", "names": {}}, headers=cur)
    assert resp.status_code == 422
    fields = resp.json["errors"][0]["detail"]["fields"]
    assert set(fields) == {"id", "names"}
    assert client.post(f"{BASE}/codes", data="nope", headers=cur).status_code == 400
    resp = client.patch(f"{BASE}/codes/A", json={}, headers=cur)
    assert resp.status_code == 422
    assert "_schema" in resp.json["errors"][0]["detail"]["fields"]
    assert client.patch(f"{BASE}/codes/A", json={"position": -1}, headers=cur).status_code == 422
    assert client.patch(f"{BASE}/codes/NOPE", json={"position": 1}, headers=cur).status_code == 404
    resp = client.post(f"{BASE}/codes", json={"id": "A", "names": {"en": "again"}}, headers=cur)
    assert resp.status_code == 409
    assert resp.headers["Content-Type"] == "application/json"


def test_next_version_finalise_and_diff(client: Any, cur: dict[str, str]) -> None:
    assert client.post(f"{BASE}/finalise", headers=cur).json["isFinal"] is True
    resp = client.post(f"{BASE}/codes", json={"id": "D", "names": {"en": "Dee"}}, headers=cur)
    assert resp.status_code == 409
    assert "next-version" in resp.json["errors"][0]["title"]
    resp = client.post(f"{BASE}/next-version", headers=cur)
    assert resp.status_code == 201
    assert resp.json["version"] == "1.1"
    assert resp.json["isFinal"] is False
    new = "/api/structures/codelist/IDAC/CL_TEST/1.1"
    assert (
        client.post(
            f"{new}/codes", json={"id": "D", "names": {"en": "Dee"}}, headers=cur
        ).status_code
        == 201
    )
    assert (
        client.patch(f"{new}/codes/A", json={"names": {"en": "Ay"}}, headers=cur).status_code == 200
    )
    assert client.delete(f"{new}/codes/B?remove=true", headers=cur).status_code == 200
    diff = client.get(
        "/api/structures/codelist/IDAC/CL_TEST/diff?from=1.0&to=1.1", headers=cur
    ).json
    assert diff["items"]["added"] == ["D"]
    assert diff["items"]["removed"] == ["B"]
    assert diff["items"]["renamed"] == [{"id": "A", "lang": "en", "from": "Code A", "to": "Ay"}]
    assert diff["properties"]["is_final"] == {"from": True, "to": False}
    # The final 1.0 is still served unchanged.
    old = client.get("/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.0").json["data"]["codelists"][0]
    assert [c["id"] for c in old["codes"]] == ["A", "B", "C"]
    assert client.post(f"{new}/next-version", json={"version": "x"}, headers=cur).status_code == 422
    resp = client.get("/api/structures/codelist/IDAC/CL_TEST/diff?from=1.0", headers=cur)
    assert resp.status_code == 400
    assert "to" in resp.json["errors"][0]["detail"]


def test_drafts_are_hidden_from_non_curators(app: Any, client: Any, cur: dict[str, str]) -> None:
    pan = bearer(add_user(app, "pan", ("submitter", "PAN_SNM")))
    for headers in ({}, pan):
        assert client.get(f"{BASE}/codes", headers=headers).status_code == 404
        assert (
            client.get(
                "/api/structures/codelist/IDAC/CL_TEST/diff?from=1.0&to=1.0", headers=headers
            ).status_code
            == 404
        )
        assert client.get(f"{BASE}/history", headers=headers).status_code == 404
    assert client.get(f"{BASE}/codes", headers=cur).status_code == 200
    client.post(f"{BASE}/finalise", headers=cur)
    assert client.get(f"{BASE}/codes").status_code == 200
    states = client.get(f"{BASE}/history").json["states"]
    assert [s["isFinal"] for s in states] == [True]  # the draft state stays hidden


def test_writes_need_a_curator_of_the_agency(app: Any, client: Any, cur: dict[str, str]) -> None:
    ecb = bearer(add_user(app, "ecb", ("curator", "ECB")))
    assert client.post(f"{BASE}/codes", json={"id": "X", "names": {"en": "x"}}).status_code == 401
    assert (
        client.post(
            f"{BASE}/codes", json={"id": "X", "names": {"en": "x"}}, headers=ecb
        ).status_code
        == 403
    )
    assert client.post(f"{BASE}/finalise", headers=ecb).status_code == 403


def test_every_change_is_in_the_audit_log_with_its_actor(
    app: Any, client: Any, cur: dict[str, str]
) -> None:
    client.post(f"{BASE}/codes", json={"id": "D", "names": {"en": "Dee"}}, headers=cur)
    client.post(f"{BASE}/finalise", headers=cur)
    client.post(f"{BASE}/next-version", headers=cur)
    client.delete("/sdmx/v2/structure/codelist/IDAC/CL_TEST/1.1", headers=cur)
    client.delete("/sdmx/v2/structure/codelist/IDAC/CL_TEST/9.9", headers=cur)
    entries = client.get("/api/audit?limit=1000", headers=cur).json["entries"]
    changes = [
        (e["action"], e["target"], e["beforeVersion"], e["afterVersion"], e["outcome"])
        for e in reversed(entries)
        if e["action"] != "token.use" and e["target"]
    ]
    assert changes == [
        ("structure.create", "Codelist=IDAC:CL_TEST(1.0)", None, "1.0", "success"),
        ("code.add", "Codelist=IDAC:CL_TEST(1.0)", "1.0", "1.0", "success"),
        ("structure.finalise", "Codelist=IDAC:CL_TEST(1.0)", "1.0", "1.0", "success"),
        ("structure.next_version", "Codelist=IDAC:CL_TEST(1.1)", "1.0", "1.1", "success"),
        ("structure.delete", "Codelist=IDAC:CL_TEST(1.1)", "1.1", None, "success"),
        ("structure.delete", "Codelist=IDAC:CL_TEST(9.9)", "9.9", None, "failure"),
    ]
    assert {e["actor"] for e in entries} == {"cur"}
    assert all(e["clientIp"] == "127.0.0.1" and e["requestId"] for e in entries)


def test_audit_scoping_filters_and_csv(app: Any, client: Any, cur: dict[str, str]) -> None:
    admin = bearer(add_user(app, "admin", ("admin", None)))
    ecb = bearer(add_user(app, "ecb", ("curator", "ECB")))
    client.post("/sdmx/v2/structure", data=message(codelist(agency="ECB")), headers=ecb)
    mine = client.get("/api/audit?action=structure.create", headers=cur).json["entries"]
    assert [e["agency"] for e in mine] == ["IDAC"]
    everything = client.get("/api/audit?action=structure.create", headers=admin).json["entries"]
    assert sorted(e["agency"] for e in everything) == ["ECB", "IDAC"]
    assert client.get("/api/audit?bogus=1", headers=admin).status_code == 400
    assert client.get("/api/audit?since=yesterday", headers=admin).status_code == 400
    resp = client.get("/api/audit.csv?action=structure.", headers=admin)
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [(r["actor"], r["action"]) for r in rows if r["target"]] == [
        ("cur", "structure.create"),
        ("ecb", "structure.create"),
    ]
