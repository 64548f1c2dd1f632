"""Faults: the database goes away during structure queries, then comes back.

The application reaches PostgreSQL through a tiny TCP proxy started by the test; stopping the proxy
(listener closed, every open connection cut) is a database outage, starting it again on the same port
is the recovery.  During the outage a query must answer 503 with ``Retry-After`` (an SDMX error
message, no stack trace); after it the same queries answer 200 again without restarting the app.
Needs PostgreSQL (``IDAC_TEST_DATABASE_URL``, or the local default when reachable).
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_test_app
from tests.hardening.conftest import assert_sdmx_error

PG = os.environ.get("IDAC_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
pytestmark = pytest.mark.postgres


class Proxy:
    """Forward 127.0.0.1:<port> to the database; ``stop()`` cuts everything, ``start()`` listens again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        lst = socket.socket()
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lst.bind(("127.0.0.1", self.port))
        lst.listen(16)
        self._listener = lst
        threading.Thread(target=self._accept, args=(lst,), daemon=True).start()

    def _accept(self, lst: socket.socket) -> None:
        while True:
            try:
                client, _ = lst.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1.0)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()

    def stop(self) -> None:
        if self._listener is not None:
            # shutdown wakes the thread blocked in accept(); close alone leaves the port listening
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            conns, self._conns = self._conns, []
        for s in conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()


def _pg_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def outage_app(tmp_path: Path) -> Iterator[tuple[Any, Proxy]]:
    """A seeded app whose database connection goes through a ``Proxy``."""
    if not PG.startswith("postgresql") or not _pg_reachable():
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(PG)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    schema = f"t_fault_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    sep = "&" if "?" in proxied else "?"
    app = make_test_app(
        f"{proxied}{sep}options=-csearch_path%3D{schema}&connect_timeout=3",
        tmp_path / "instance",
        seed_content=True,
    )
    try:
        yield app, proxy
    finally:
        proxy.stop()
        jobs = app.extensions.get("idac.jobs")
        if jobs is not None:
            jobs.shutdown()
        app.extensions["idac.db"].dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


QUERIES = [
    "/sdmx/rest/codelist/SDMX/CL_SEX",
    "/sdmx/v2/structure/datastructure/IDAC/DSD_IDAC_CORE/1.0?references=all",
    "/sdmx/rest/dataflow/IDAC",
]


def test_database_outage_is_503_and_recovers(outage_app: tuple[Any, Proxy]) -> None:
    app, proxy = outage_app
    client = app.test_client()
    for q in QUERIES:
        assert client.get(q).status_code == 200, q
    proxy.stop()
    for q in QUERIES:
        resp = client.get(q)
        assert_sdmx_error(resp, 503)
        assert int(resp.headers["Retry-After"]) > 0
    ready = client.get("/ready")
    assert ready.status_code == 503, ready.data
    assert client.get("/health").status_code == 200  # liveness does not depend on the database
    proxy.start()
    for q in QUERIES:
        assert client.get(q).status_code == 200, q
    assert client.get("/ready").status_code == 200


def test_outage_during_conditional_request(outage_app: tuple[Any, Proxy]) -> None:
    """A cached ETag is no reason to answer 304 when the store cannot be asked: 503 or 304, never 500."""
    app, proxy = outage_app
    client = app.test_client()
    first = client.get(QUERIES[0])
    etag = first.headers["ETag"]
    proxy.stop()
    resp = client.get(QUERIES[0], headers={"If-None-Match": etag})
    assert resp.status_code in (304, 503), resp.data[:300]
    if resp.status_code == 503:
        assert "Retry-After" in resp.headers
    proxy.start()
    assert client.get(QUERIES[0], headers={"If-None-Match": etag}).status_code == 304


def test_database_unreachable_from_the_start(tmp_path: Path) -> None:
    """An app pointed at a closed port: structure queries answer 503 with Retry-After, not 500."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/test?connect_timeout=2"
    try:
        app = make_test_app(url, tmp_path / "instance", seed_content=False)
    except Exception as exc:  # noqa: BLE001 - refusing to start is acceptable; say clearly why
        assert "database" in str(exc).lower() or "connect" in str(exc).lower(), exc
        return
    client = app.test_client()
    resp = client.get("/sdmx/rest/codelist/SDMX/CL_SEX")
    assert_sdmx_error(resp, 503)
    assert "Retry-After" in resp.headers
    assert client.get("/ready").status_code == 503
    jobs = app.extensions.get("idac.jobs")
    if jobs is not None:
        jobs.shutdown()
    app.extensions["idac.db"].dispose()
