"""Liveness, readiness and the error contract."""

from __future__ import annotations

from lxml import etree

from registry.sdmx.schemas import xml_schema


def test_health(client) -> None:
    resp = client.get("/health")
    assert resp.status_code == 200
    assert resp.json == {"status": "ok"}
    assert resp.headers["X-Request-Id"]


def test_ready_reports_current_migrations(client) -> None:
    resp = client.get("/ready")
    assert resp.status_code == 200
    assert resp.json["migrations"] == "current"


def test_unknown_path_is_an_sdmx_error_message(client) -> None:
    resp = client.get("/no/such/thing")
    assert resp.status_code == 404
    doc = etree.fromstring(resp.data)
    assert xml_schema("2.1").validate(doc), xml_schema("2.1").error_log
    assert doc.find(".//{*}ErrorMessage").get("code") == "100"


def test_json_clients_get_json_errors(client) -> None:
    resp = client.get("/no/such/thing", headers={"Accept": "application/json"})
    assert resp.status_code == 404
    assert resp.json["errors"][0]["code"] == 100


def test_unexpected_exception_returns_500_with_request_id(app) -> None:
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    resp = app.test_client().get("/boom")
    assert resp.status_code == 500
    assert b"secret detail" not in resp.data
    assert b"Traceback" not in resp.data
    assert resp.headers["X-Request-Id"].encode() in resp.data


def test_overlong_uri_is_414(client) -> None:
    resp = client.get("/sdmx/rest/codelist/" + "A" * 9000)
    assert resp.status_code == 414
    assert b"ErrorMessage" in resp.data
