"""Request checks, hostile input and the report resources of /api/submissions."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.api.submissions.conftest import CORE, all_observations, submit

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SPECIMENS = Path(__file__).resolve().parents[4] / "shared" / "specimens"


def _error(resp: Any) -> str:
    return str(resp.get_json()["errors"][0]["title"])


@pytest.mark.parametrize(("params", "status", "needle"), [
    ({"provider": "NOBODY"}, 422, "Unknown data provider 'NOBODY'"),
    ({"provider": "COL_DANE", "dataflow": "IDAC:DF_NOPE(1.0)"}, 422, "Unknown dataflow IDAC:DF_NOPE(1.0)"),
    ({"provider": "PAN_MEDUCA"}, 422, "no provision agreement for dataflow IDAC:DF_IDAC_CORE(1.0)"),
    ({"provider": ""}, 422, "provider is required"),
    ({"dataflow": "DF_IDAC_CORE"}, 422, "AGENCY:ID(VERSION)"),
    ({"action": "upsert"}, 400, "action must be one of replace, merge, delete"),
    ({"embargo": "tomorrow"}, 400, "embargo must be an ISO 8601 date-time"),
    ({"partial": "maybe"}, 400, "partial must be true or false"),
])
def test_bad_requests(sub_client: Any, params: dict[str, str], status: int, needle: str) -> None:
    query = {"dataflow": CORE, "provider": "PAN_SNM", **params}
    dataflow = query.pop("dataflow")
    provider = query.pop("provider")
    resp = submit(sub_client, b"STRUCTURE,STRUCTURE_ID\n", dataflow=dataflow, provider=provider, **query)
    assert resp.status_code == status, resp.data
    assert needle in _error(resp)


def test_provider_without_agreement_is_422_before_storing(sub_app: Any, sub_client: Any) -> None:
    resp = submit(sub_client, (EXAMPLES / "core-pan-2024.csv").read_bytes(), provider="PAN_MEDUCA")
    assert resp.status_code == 422
    uploads = Path(sub_app.instance_path) / "uploads"
    assert not uploads.exists() or not list(uploads.glob("*.upload"))


@pytest.mark.parametrize(("body", "needle"), [
    (b"hello, world\n1,2\n", "not a data format this service reads"),
    (b"<html><body>no</body></html>", "not a data format this service reads"),
    (b"<?xml version='1.0'?><a><b>", "not a data format this service reads"),
])
def test_unusable_files_are_rejected_with_a_clear_message(sub_client: Any, body: bytes, needle: str) -> None:
    resp = submit(sub_client, body)
    status = sub_client.get(resp.get_json()["url"]).get_json()
    assert status["status"] == "rejected"
    report = status["report"]
    assert report["rules"] == {"VAL-101": 1}
    assert needle in report["findings"][0]["message"]


def test_sdmx_error_message_is_rejected(sub_client: Any) -> None:
    resp = submit(sub_client, (SPECIMENS / "EDGE" / "error-150.xml").read_bytes())
    report = sub_client.get(resp.get_json()["url"]).get_json()["report"]
    assert report["rules"] == {"VAL-101": 1}
    assert "SDMX error message, code 150" in report["findings"][0]["message"]


def test_truncated_xml_loads_nothing(sub_app: Any, sub_client: Any) -> None:
    data = (EXAMPLES / "core-col-2024.xml").read_bytes()
    resp = submit(sub_client, data[: len(data) * 2 // 3], provider="COL_MIGRACION", partial="true")
    status = sub_client.get(resp.get_json()["url"]).get_json()
    assert status["status"] == "rejected"
    finding = [f for f in status["report"]["findings"] if f["code"] == "VAL-101"][0]
    assert finding["location"]["line"]
    assert all_observations(sub_app) == 0


def test_gzip_and_zip_uploads(sub_app: Any, sub_client: Any) -> None:
    data = (EXAMPLES / "core-pan-2024.csv").read_bytes()
    resp = submit(sub_client, gzip.compress(data))
    assert sub_client.get(resp.get_json()["url"]).get_json()["status"] == "loaded"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mex.csv", (EXAMPLES / "core-mex-2024.csv").read_bytes())
    resp = submit(sub_client, buf.getvalue(), provider="MEX_INM")
    assert sub_client.get(resp.get_json()["url"]).get_json()["status"] == "loaded"
    assert all_observations(sub_app) == 140


def test_upload_size_limit(db_url: str, tmp_path: Path) -> None:
    from tests.conftest import make_test_app

    app = make_test_app(db_url, tmp_path / "i", seed_content=True, max_upload_bytes=1000)
    try:
        resp = submit(app.test_client(), (EXAMPLES / "core-pan-2024.csv").read_bytes())
        assert resp.status_code == 413
    finally:
        app.extensions["idac.db"].dispose()


def test_decompression_bomb_is_refused(db_url: str, tmp_path: Path) -> None:
    from tests.conftest import make_test_app

    app = make_test_app(db_url, tmp_path / "i", seed_content=True, max_decompressed_bytes=50_000)
    try:
        header = (EXAMPLES / "core-pan-2024.csv").read_bytes()
        bomb = gzip.compress(header + b"\n" * 5_000_000)
        client = app.test_client()
        resp = submit(client, bomb)
        assert resp.status_code == 202
        report = client.get(resp.get_json()["url"]).get_json()["report"]
        assert report["rules"] == {"VAL-101": 1}
        assert "limit of 50,000 bytes" in report["findings"][0]["message"]
        assert all_observations(app) == 0
    finally:
        app.extensions["idac.db"].dispose()


def test_report_html_is_escaped_and_bilingual(sub_client: Any) -> None:
    data = (EXAMPLES / "core-pan-2024-invalid.csv").read_bytes().replace(b",VNZ,", b",<b>VNZ</b>,")
    url = submit(sub_client, data).get_json()["url"]
    html = sub_client.get(f"{url}/report.html?lang=en").data.decode()
    assert "<b>VNZ</b>" not in html and "&lt;b&gt;VNZ&lt;/b&gt;" in html
    assert '<html lang="en">' in html and "Validation report" in html
    es = sub_client.get(f"{url}/report.html", headers={"Accept-Language": "es-PA,es;q=0.9"})
    assert es.headers["Content-Language"] == "es"
    assert "Informe de validación" in es.data.decode()
    report_es = sub_client.get(f"{url}/report.json?lang=es").get_json()
    assert any("no está en la lista de códigos" in f["message"] for f in report_es["findings"])
    assert sub_client.get(f"{url}/report.html?lang=fr").status_code == 400


def test_unknown_submission_and_parameters(sub_client: Any) -> None:
    assert sub_client.get("/api/submissions/0123456789abcdef0123456789abcdef",
                          headers={"Accept": "application/json"}).status_code == 404
    assert sub_client.get("/api/submissions/../../etc", headers={"Accept": "application/json"}).status_code == 404
    resp = submit(sub_client, b"x", force="yes")
    assert resp.status_code == 400 and "unknown parameter" in _error(resp)


def test_embargo_is_kept(sub_app: Any, sub_client: Any) -> None:
    from tests.api.submissions.conftest import current

    resp = submit(sub_client, (EXAMPLES / "core-mex-2024.csv").read_bytes(), provider="MEX_INM",
                  embargo="2030-01-31T09:00:00Z")
    assert sub_client.get(resp.get_json()["url"]).get_json()["embargo"] == "2030-01-31T09:00:00Z"
    assert all(o.embargo_until is not None and o.embargo_until.year == 2030 for o in current(sub_app).values())
