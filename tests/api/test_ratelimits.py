"""Per-principal rate limits on expensive endpoints (``api.ratelimits``).

Budgets are counted per API token, else per user, else per client address; a breach answers 429
with ``Retry-After`` and an SDMX error message, stores nothing, and leaves other principals and
cheap endpoints untouched.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.auth.helpers import add_user, bearer
from tests.conftest import make_test_app
from tests.hardening.conftest import assert_sdmx_error, assert_still_up
from tests.hardening.payloads import ROOT

CORE = "IDAC:DF_IDAC_CORE(1.0)"
DATA = "/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/all"
JSON = {"Accept": "application/json"}


@pytest.fixture
def make_app(db_url: str, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Seeded apps on the test database with the given settings, closed after the test."""
    apps: list[Any] = []

    def make(folder: str = "instance", **overrides: Any) -> Any:
        app = make_test_app(db_url, tmp_path / folder, seed_content=True, **overrides)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["idac.jobs"].shutdown()
        app.extensions["idac.db"].dispose()


@pytest.fixture
def limited_app(make_app: Callable[..., Any]) -> Any:
    """A seeded app with a budget of 3 queries and 2 uploads per minute."""
    return make_app(rate_limit_queries="3 per minute", rate_limit_uploads="2 per minute")


def _retry_after(resp: Any) -> int:
    value = resp.headers.get("Retry-After", "")
    assert value.isdigit(), resp.headers
    return int(value)


def test_query_budget_per_client_address(limited_app: Any) -> None:
    client = limited_app.test_client()
    for _ in range(3):
        assert client.get(DATA).status_code in (200, 404)  # 404: no data yet, still a query
    resp = client.get(DATA, headers=JSON)
    assert_sdmx_error(resp, 429)
    assert 1 <= _retry_after(resp) <= 60
    assert resp.json["errors"][0]["code"] == 503  # SDMX "service unavailable" for throttling
    assert "queries" in resp.json["errors"][0]["title"]
    # availability and lineage spend the same budget
    assert client.get("/sdmx/rest/availableconstraint/IDAC,DF_IDAC_CORE,1.0").status_code == 429
    # the XML error form carries the same header
    xml = client.get(DATA)
    assert xml.status_code == 429
    assert b"ErrorMessage" in xml.data
    assert _retry_after(xml) >= 1
    # cheap answers are not limited
    for _ in range(10):
        assert client.get("/sdmx/rest/codelist/SDMX/CL_SEX").status_code == 200
    assert_still_up(client)


def test_each_token_has_its_own_budget(limited_app: Any) -> None:
    client = limited_app.test_client()
    first = bearer(add_user(limited_app, "harvester", ("reader", None)))
    for _ in range(3):
        assert client.get(DATA, headers=first).status_code in (200, 404)
    assert client.get(DATA, headers=first).status_code == 429
    # anonymous readers from the same address and another user's token are unaffected
    assert client.get(DATA).status_code in (200, 404)
    other = bearer(add_user(limited_app, "analyst", ("reader", None)))
    assert client.get(DATA, headers=other).status_code in (200, 404)


def test_upload_budget_refuses_before_storing(limited_app: Any) -> None:
    client = limited_app.test_client()
    body = (ROOT / "examples/core-pan-2024.csv").read_bytes()
    path = f"/api/submissions?dataflow={CORE}&provider=PAN_SNM"

    def post(extra: bytes = b"") -> Any:
        return client.post(path, data=body + extra, content_type="text/csv", headers=JSON)

    # two different bodies (the second is not a duplicate of the first)
    assert post().status_code in (200, 202)
    assert post(b"\r\n").status_code in (200, 202)
    listed = client.get("/api/submissions", headers=JSON).json["submissions"]
    resp = post(b"\r\n\r\n")
    assert_sdmx_error(resp, 429)
    assert _retry_after(resp) >= 1
    assert client.get("/api/submissions", headers=JSON).json["submissions"] == listed
    # queries have a budget of their own
    assert client.get(DATA).status_code == 200


def test_structure_submissions_spend_the_upload_budget(limited_app: Any) -> None:
    client = limited_app.test_client()
    auth = bearer(add_user(limited_app, "cur", ("curator", "IDAC")))
    body = (ROOT / "codelists/SDMX-CL_SEX-2.1.xml").read_bytes()
    for _ in range(2):
        resp = client.post(
            "/sdmx/v2/structure", data=body, headers={**auth, "Content-Type": "application/xml"}
        )
        assert resp.status_code < 429, resp.data[:300]
    resp = client.post(
        "/sdmx/v2/structure",
        data=body,
        headers={**auth, "Content-Type": "application/xml", **JSON},
    )
    assert_sdmx_error(resp, 429)


def test_longest_window_sets_retry_after(make_app: Callable[..., Any]) -> None:
    app = make_app(rate_limit_queries="100 per minute;2 per hour")
    client = app.test_client()
    for _ in range(2):
        assert client.get(DATA).status_code in (200, 404)
    resp = client.get(DATA)
    assert resp.status_code == 429
    assert _retry_after(resp) > 60  # the hourly window refused it


def test_empty_rate_disables_a_budget(make_app: Callable[..., Any]) -> None:
    app = make_app(rate_limit_queries="", rate_limit_uploads="1 per hour")
    client = app.test_client()
    for _ in range(20):
        assert client.get(DATA).status_code in (200, 404)


def test_counter_storage_outage_fails_open(make_app: Callable[..., Any]) -> None:
    """With the counter store unreachable, queries are served (and the outage is logged)."""
    app = make_app(
        rate_limit_queries="1 per minute",
        ratelimit_storage_url="redis://127.0.0.1:9/0",  # discard port: nothing listens
    )
    client = app.test_client()
    for _ in range(3):
        assert client.get(DATA).status_code in (200, 404)


def test_web_form_upload_is_limited_with_a_page(limited_app: Any) -> None:
    from tests.auth.helpers import login

    client = limited_app.test_client()
    add_user(limited_app, "officer", ("submitter", "PAN_SNM"))
    csrf = login(client, "officer")
    statuses = []
    for i in range(3):
        resp = client.post(
            "/submit",
            data={
                "dataflow": CORE,
                "provider": "PAN_SNM",
                "csrf_token": csrf,
                "file": (io.BytesIO(b"x" * (i + 1)), "data.csv"),
            },
            content_type="multipart/form-data",
        )
        statuses.append(resp.status_code)
    assert 429 not in statuses[:2], statuses
    assert statuses[2] == 429
    assert _retry_after(resp) >= 1
    assert b"<html" in resp.data.lower() or b"<!doctype" in resp.data.lower()


def test_unknown_budget_is_a_programming_error() -> None:
    from api.ratelimits import limited

    with pytest.raises(ValueError, match="budget"):
        limited("everything")


def test_workers_share_budgets_through_redis(make_app: Callable[..., Any]) -> None:
    """Two workers (two apps on one database) with IDAC_REDIS_URL count one budget together."""
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    limits = {"rate_limit_queries": "2 per minute", "redis_url": url}
    first = make_app("one", **limits)
    second = make_app("two", **limits)
    token = bearer(add_user(first, "harvester", ("reader", None)))  # a fresh token: fresh budget
    assert first.test_client().get(DATA, headers=token).status_code in (200, 404)
    assert second.test_client().get(DATA, headers=token).status_code in (200, 404)
    assert second.test_client().get(DATA, headers=token).status_code == 429
    assert first.test_client().get(DATA, headers=token).status_code == 429
