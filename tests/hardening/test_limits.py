"""Size limits: upload (413), structure body (413), request URI (414), query expansion (bounded).

Each limit is checked with a declared ``Content-Length`` and with a chunked body that declares none
(a client that lies or streams), and the service must store nothing and stay up.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_test_app
from tests.hardening.conftest import (
    artefact_count,
    assert_sdmx_error,
    assert_still_up,
    observation_count,
)
from tests.hardening.payloads import ROOT

CORE = "IDAC:DF_IDAC_CORE(1.0)"


@pytest.fixture
def small_app(db_url: str, tmp_path: Path) -> Any:
    """A seeded app with tiny limits."""
    app = make_test_app(
        db_url,
        tmp_path / "instance",
        seed_content=True,
        max_upload_bytes=4_000,
        max_structure_bytes=3_000,
        max_uri_length=600,
    )
    yield app
    app.extensions["idac.jobs"].shutdown()
    app.extensions["idac.db"].dispose()


def _chunked(client: Any, path: str, body: bytes, headers: dict[str, str] | None = None) -> Any:
    """POST ``body`` without a Content-Length (chunked transfer)."""
    # gunicorn sets wsgi.input_terminated for chunked bodies; the test client must be told
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        environ_overrides={"wsgi.input_terminated": True},
        headers={
            "Transfer-Encoding": "chunked",
            "Content-Type": "application/octet-stream",
            "Accept": "application/json",
            **(headers or {}),
        },
    )


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_upload_over_limit_is_413(small_app: Any, chunked: bool) -> None:
    client = small_app.test_client()
    body = (ROOT / "examples/core-pan-2024.csv").read_bytes()
    assert len(body) > 4_000
    path = f"/api/submissions?dataflow={CORE}&provider=PAN_SNM"
    if chunked:
        resp = _chunked(client, path, body)
    else:
        resp = client.post(
            path, data=body, content_type="text/csv", headers={"Accept": "application/json"}
        )
    assert_sdmx_error(resp, 413)
    assert observation_count(small_app) == 0
    assert (
        client.get("/api/submissions", headers={"Accept": "application/json"}).json.get(
            "submissions", []
        )
        == []
    )
    assert_still_up(client)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_structure_body_over_limit_is_413(small_app: Any, chunked: bool) -> None:
    from tests.auth.helpers import add_user, bearer

    client = small_app.test_client()
    auth = bearer(add_user(small_app, "cur", ("curator", "IDAC")))
    body = (
        (ROOT / "codelists/SDMX-CL_SEX-2.1.xml")
        .read_bytes()
        .replace(b'id="CL_SEX"', b'id="CL_SEX_BIG"')
    )
    body = body.replace(b"</mes:Header>", b"</mes:Header>" + b"<!--" + b"x" * 5_000 + b"-->", 1)
    assert len(body) > 3_000
    before = artefact_count(small_app)
    if chunked:
        resp = _chunked(client, "/sdmx/v2/structure", body, auth)
    else:
        resp = client.post(
            "/sdmx/v2/structure", data=body, headers={**auth, "Content-Type": "application/xml"}
        )
    assert_sdmx_error(resp, 413)
    assert artefact_count(small_app) == before
    assert_still_up(client)


@pytest.mark.parametrize(
    "path",
    [
        "/sdmx/rest/codelist/SDMX/CL_SEX/" + "A" * 700,
        "/sdmx/rest/codelist/SDMX/CL_SEX?detail=" + "full" * 200,
        "/sdmx/v2/structure/codelist/IDAC/CL_AREA/1.0/" + ",".join(["PAN"] * 200),
        "/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/" + "+".join(["PAN"] * 200),
        "/api/submissions?dataflow=" + "X" * 700,
    ],
)
def test_uri_too_long_is_414(small_app: Any, path: str) -> None:
    client = small_app.test_client()
    method = client.post if path.startswith("/api/") else client.get
    resp = method(path)
    assert_sdmx_error(resp, 414)
    assert_still_up(client)


def test_query_expansion_is_bounded(hard_client: Any) -> None:
    """A data key with many alternatives (within the URI limit) is answered, not a 500 or a hang."""
    import time

    areas = "+".join(f"A{i:03d}" for i in range(900))
    t0 = time.perf_counter()
    resp = hard_client.get(f"/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/A.{areas}.IDAC_STK_REF")
    assert time.perf_counter() - t0 < 20
    assert resp.status_code in (200, 400, 404, 413), resp.data[:300]
    assert_still_up(hard_client)


def test_structure_item_list_is_bounded(hard_client: Any) -> None:
    """Thousands of item ids in a v2 item query: an answer, not a 500."""
    items = ",".join(f"C{i}" for i in range(1200))
    resp = hard_client.get(f"/sdmx/v2/structure/codelist/IDAC/CL_AREA/1.0/{items}")
    assert resp.status_code in (200, 400, 404, 413), resp.data[:300]
    assert_still_up(hard_client)
