"""The job runner: background processing on the thread pool and on RQ, start-up recovery."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from registry.store.base import utcnow
from registry.store.data_models import Submission
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parents[2]
CORE = "IDAC:DF_IDAC_CORE(1.0)"
PAN = (ROOT / "examples/core-pan-2024.csv").read_bytes()


def _post(client: Any, body: bytes = PAN) -> Any:
    return client.post(f"/api/submissions?dataflow={CORE}&provider=PAN_SNM", data=body)


def _wait_done(client: Any, url: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(url).get_json()
        if body["done"]:
            return body  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"{url} not done: {body['status']}")


def test_large_files_are_processed_in_the_background(db_url: str, tmp_path: Path) -> None:
    app = make_test_app(db_url, tmp_path / "i", seed_content=True, inline_validation_bytes=0)
    try:
        client = app.test_client()
        resp = _post(client)
        assert resp.status_code == 202
        assert resp.get_json()["status"] in ("queued", "validating", "loading", "loaded")
        body = _wait_done(client, resp.headers["Location"])
        assert body["status"] == "loaded"
        assert body["progress"]["observations_read"] == 105
        assert body["report"]["valid"] is True
    finally:
        app.extensions["idac.jobs"].shutdown()
        app.extensions["idac.db"].dispose()


def test_startup_recovery(db_url: str, tmp_path: Path) -> None:
    """A restart fails jobs left running by a dead process and queues the waiting ones again."""
    app = make_test_app(db_url, tmp_path / "i", seed_content=True, inline_validation_bytes=0)
    runner = app.extensions["idac.jobs"]
    runner.shutdown()  # the "dead" process: nothing will run its jobs
    runner._pool = None
    runner._queue = type("Q", (), {"enqueue": lambda *a, **k: None})()  # accept and drop
    client = app.test_client()
    ids = [_post(client, PAN).get_json()["id"],
           _post(client, PAN.replace(b"2024,888", b"2024,888 ")).get_json()["id"]]
    stale = utcnow() - timedelta(hours=1)
    db = app.extensions["idac.db"]
    with db.transaction() as session:
        session.execute(update(Submission).where(Submission.id == ids[0]).values(
            status="validating", started_at=stale, heartbeat_at=stale))
    app.extensions["idac.db"].dispose()

    restarted = make_test_app(db_url, tmp_path / "i", seed_content=True)
    try:
        client = restarted.test_client()
        failed = client.get(f"/api/submissions/{ids[0]}").get_json()
        assert failed["status"] == "failed" and "stopped while validating" in failed["error"]
        requeued = _wait_done(client, f"/api/submissions/{ids[1]}")
        assert requeued["status"] in ("loaded", "rejected")
        # a failed submission does not block re-sending the same file
        again = _post(client, PAN)
        assert again.status_code == 202 and again.get_json()["id"] not in ids
    finally:
        restarted.extensions["idac.jobs"].shutdown()
        restarted.extensions["idac.db"].dispose()


def _redis() -> Any:
    try:
        from redis import Redis

        r = Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1)
        r.ping()
        return r
    except Exception:  # noqa: BLE001
        pytest.skip("Redis at 127.0.0.1:6379 is not available")


def test_rq_worker(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rq import Queue, SimpleWorker

    redis = _redis()
    queue = Queue("idac-submissions", connection=redis)
    queue.empty()
    instance = tmp_path / "i"
    app = make_test_app(db_url, instance, seed_content=True, inline_validation_bytes=0,
                        redis_url="redis://127.0.0.1:6379/0")
    try:
        assert app.extensions["idac.jobs"].mode == "rq"
        client = app.test_client()
        resp = _post(client)
        assert resp.get_json()["status"] == "queued"
        monkeypatch.setenv("IDAC_DATABASE_URL", db_url)
        monkeypatch.setenv("IDAC_INSTANCE_PATH", str(instance))
        monkeypatch.setenv("IDAC_SEED_CONTENT", "false")
        SimpleWorker([queue], connection=redis).work(burst=True)
        body = client.get(resp.headers["Location"]).get_json()
        assert body["status"] == "loaded", body
        assert body["progress"]["observations_loaded"] == 105
    finally:
        queue.empty()
        app.extensions["idac.db"].dispose()


def test_startup_brings_waiting_loads_into_the_aggregates(db_url: str, tmp_path: Path) -> None:
    """A worker stopped between a load and its aggregation: the next start aggregates it."""
    from registry.aggregation.compute import pending_loads
    from registry.data.fetch import fetch_series
    from tests.aggregation.helpers import CORE, KEY_DIMS, REGIONAL, key, load

    first = make_test_app(db_url, tmp_path / "one", seed_content=True)
    db = first.extensions["idac.db"]
    with db.transaction() as session:  # loads committed, no hook ran: the worker "died"
        for area, value in (("MEX", "500"), ("COL", "250"), ("HND", "40")):
            load(session, [(key(area), "2024", value, {})], provider=f"{area}_X")
    first.extensions["idac.jobs"].shutdown()
    db.dispose()
    again = make_test_app(db_url, tmp_path / "two", seed_content=True)
    try:
        again.extensions["idac.jobs"].wait(60)
        db = again.extensions["idac.db"]
        with db.sessions() as session:
            assert pending_loads(session, CORE) == []
            la6 = [
                o.value
                for s in fetch_series(session, REGIONAL, KEY_DIMS, None)
                if s.key[1] == "IDAC_LA6"
                for o in s.observations
            ]
        assert la6 == ["790"]
    finally:
        again.extensions["idac.jobs"].shutdown()
        again.extensions["idac.db"].dispose()
