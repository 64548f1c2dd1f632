"""Crash safety: kill -9 during a load leaves the previous data intact; recovery marks it failed."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from registry.store.data_models import Observation, Submission
from registry.submissions import services
from registry.submissions.jobs import recover
from tests.conftest import PG_URL, _drop_pg_schema, _new_pg_schema, make_test_app

ROOT = Path(__file__).resolve().parents[2]
CORE = "IDAC:DF_IDAC_CORE(1.0)"


def _big_file(n_periods: int) -> bytes:
    """The Panama example's 105 keys with new 2024 values, then the same keys for many more periods."""
    with (ROOT / "examples/core-pan-2024.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    w.writeheader()
    for year in range(2024, 2024 - n_periods, -1):
        for r in rows:
            w.writerow({**r, "TIME_PERIOD": str(year), "OBS_VALUE": str(int(r["OBS_VALUE"]) + 1000)})
    return out.getvalue().encode()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: Any, tmp_path: Path) -> Any:
    """A file-based SQLite database, and PostgreSQL when IDAC_TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kill.db'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL: set IDAC_TEST_DATABASE_URL")
    url, handle = _new_pg_schema()
    yield url
    _drop_pg_schema(handle)


def _current(app: Any) -> dict[tuple[int, str], float | None]:
    with app.extensions["idac.db"].sessions() as session:
        return {(o.series_pk, o.time_period): o.value for o in session.scalars(
            select(Observation).where(Observation.superseded_at.is_(None)))}


@pytest.mark.slow
def test_kill_during_load_keeps_previous_data(any_db: str, tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    app = make_test_app(any_db, instance, seed_content=True)
    try:
        client = app.test_client()
        first = client.post(f"/api/submissions?dataflow={CORE}&provider=PAN_SNM",
                            data=(ROOT / "examples/core-pan-2024.csv").read_bytes())
        assert client.get(first.get_json()["url"]).get_json()["status"] == "loaded"
        before = _current(app)
        assert len(before) == 105
        settings = app.extensions["idac.settings"]
        db = app.extensions["idac.db"]
        with db.transaction() as session:
            row, _ = services.create_submission(session, settings, io.BytesIO(_big_file(1000)),
                                                dataflow=CORE, provider="PAN_SNM")
            sub_id = row.id
        marker = tmp_path / "marker"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("kill_child.py")), any_db,
                                  str(instance), sub_id, str(marker)], env=env, cwd=ROOT)
        deadline = time.monotonic() + 120
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert marker.exists(), f"the child did not start loading (exit {child.poll()})"
        assert marker.read_text() != "finished"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        with db.sessions() as session:
            assert session.get(Submission, sub_id).status == "loading"  # left behind by the dead process
        # a fresh heartbeat protects a job that may still be running elsewhere
        assert recover(db, settings, stale_after=3600).failed == []
        result = recover(db, settings, stale_after=0)
        assert result.failed == [sub_id]
        with db.sessions() as session:
            row = session.get(Submission, sub_id)
            assert row.status == "failed" and "nothing was loaded" in (row.error or "")
            assert session.scalars(select(Observation.pk).where(Observation.submission_id == sub_id)).all() == []
        assert _current(app) == before
        # the service recovers on start-up too, and a re-sent file is a new attempt
        status = client.get(f"/api/submissions/{sub_id}").get_json()
        assert status["status"] == "failed"
    finally:
        app.extensions["idac.jobs"].shutdown()
        app.extensions["idac.db"].dispose()
