"""Fixtures of the hostile-input tests: a writable seeded app, a curator, a canary file, a trap port.

Every test here proves a *clean* failure: a clear error of the service's taxonomy (``IdacError``
subclasses in-process, an SDMX error message with the right status over HTTP), nothing stored, and
the service still answering afterwards (``assert_still_up``).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import make_test_app
from tests.hardening.payloads import SECRET


@pytest.fixture
def hard_app(db_url: str, tmp_path: Path) -> Iterator[Any]:
    """A seeded application of its own (tests here try to write)."""
    application = make_test_app(db_url, tmp_path / "instance", seed_content=True)
    yield application
    jobs = application.extensions.get("idac.jobs")
    if jobs is not None:
        jobs.shutdown()
    application.extensions["idac.db"].dispose()


@pytest.fixture
def hard_client(hard_app: Any) -> Any:
    """A test client of ``hard_app``."""
    return hard_app.test_client()


@pytest.fixture
def curator(hard_app: Any) -> dict[str, str]:
    """Authorization header of an IDAC curator."""
    from tests.auth.helpers import add_user, bearer

    return bearer(add_user(hard_app, "hardening-curator", ("curator", "IDAC")))


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    """A file whose content must never show up in an answer (the XXE target)."""
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


class Trap:
    """A listening TCP socket that counts connection attempts (the XXE network target)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def trap() -> Iterator[Trap]:
    """A port that records whether anything tried to fetch from it."""
    t = Trap()
    yield t
    t.close()


def artefact_count(app: Any) -> int:
    """Current artefact rows of the store."""
    from registry.store.models import Artefact

    with app.extensions["idac.db"].sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Artefact)) or 0)


def observation_count(app: Any) -> int:
    """Observation rows (current and history)."""
    from registry.store.data_models import Observation

    with app.extensions["idac.db"].sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Observation)) or 0)


def assert_still_up(client: Any) -> None:
    """The service still answers a health check and a structure query."""
    assert client.get("/health").status_code == 200
    resp = client.get("/sdmx/rest/codelist/SDMX/CL_SEX")
    assert resp.status_code == 200, resp.data[:300]


def assert_sdmx_error(resp: Any, *statuses: int) -> None:
    """An SDMX error message (XML or JSON) with one of ``statuses``, and no stack trace or secret."""
    assert resp.status_code in statuses, (resp.status_code, resp.data[:500])
    body = resp.get_data(as_text=True)
    assert "Traceback" not in body
    assert SECRET not in body
    assert "root:x:0:0" not in body
    assert ("ErrorMessage" in body) or ('"errors"' in body), body[:300]


def wait_done(client: Any, url: str, timeout: float = 60.0) -> str:
    """Poll a submission until it is done; its final status."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        body = client.get(url, headers={"Accept": "application/json"}).json
        if body.get("done"):
            return str(body["status"])
        if time.monotonic() > deadline:
            raise AssertionError(f"submission not done after {timeout} s: {body}")
        time.sleep(0.2)
