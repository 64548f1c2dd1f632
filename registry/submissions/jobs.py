"""The submission worker: a bounded thread pool in the service, or RQ on Redis in production.

Job state lives in the ``submission`` row, never only in the queue: ``received`` -> ``queued`` ->
``validating`` -> ``loading`` -> ``loaded`` | ``rejected`` | ``failed``.

* **Claiming.** A worker starts a job with one conditional update (``queued``/``received`` ->
  ``validating``); if another worker got there first the job is skipped, so re-queuing is always safe.
* **Embedded** (default, ``IDAC_REDIS_URL`` empty): a ``ThreadPoolExecutor`` of ``workers`` threads in
  the service process, with at most ``max_pending`` jobs waiting (beyond that the API answers 503).
* **Production** (``IDAC_REDIS_URL`` set): jobs go to the RQ queue ``idac-submissions``; run workers with
  ``rq worker --url $IDAC_REDIS_URL idac-submissions`` in an environment with the same ``IDAC_*``
  settings (the job reads them with ``load_settings()``).
* **Heartbeat.** While a job runs, a thread records a sign of life every ``HEARTBEAT_SECONDS``: the
  mtime of ``uploads/<id>.alive`` always, and ``heartbeat_at``/``observations_read`` in the row except
  while loading on SQLite (the load's write transaction holds the database lock; another writer would
  wait for it).
* **Recovery** (``recover``, run when the service starts): a ``validating`` or ``loading`` submission
  whose last sign of life is older than ``STALE_SECONDS`` was left by a dead process.  Its load
  transaction, if any, was rolled back by the database, so it is marked ``failed`` with a message
  saying nothing was loaded (sending the file again starts a new attempt).  ``received`` and
  ``queued`` submissions are queued again.  So a restart neither loses a submission nor leaves one
  running forever.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from registry.config import Settings
from registry.errors import Unavailable, is_out_of_space
from registry.store.base import utcnow
from registry.store.data_models import Submission
from registry.store.db import Database
from registry.submissions.pipeline import Monitor, process_submission

log = logging.getLogger("idac.jobs")

HEARTBEAT_SECONDS = 2.0
STALE_SECONDS = 60.0
QUEUE_NAME = "idac-submissions"
#: RQ job timeout: the longest a submission may run.
JOB_TIMEOUT = 6 * 3600


def alive_file(settings: Settings, sub_id: str) -> Path:
    """The file whose mtime is the job's heartbeat."""
    return Path(settings.instance_path) / "uploads" / f"{sub_id}.alive"


def claim(db: Database, sub_id: str) -> bool:
    """Take a queued submission for this worker; False if it is not waiting (any more)."""
    now = utcnow()
    with db.transaction() as session:
        result = session.execute(
            update(Submission)
            .where(Submission.id == sub_id, Submission.status.in_(("received", "queued")))
            .values(status="validating", started_at=now, heartbeat_at=now)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


class Heartbeat(Monitor):
    """Records progress and signs of life of one running job (see the module docstring)."""

    def __init__(self, db: Database, settings: Settings, sub_id: str, interval: float = HEARTBEAT_SECONDS) -> None:
        self.db = db
        self.sub_id = sub_id
        self.file = alive_file(settings, sub_id)
        self.interval = interval
        self.observations = 0
        self.loaded_count = 0
        self.status = "validating"
        self._written = -1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{sub_id[:8]}", daemon=True)

    def progress(self, observations: int) -> None:
        self.observations = observations

    def phase(self, status: str) -> None:
        self.status = status
        self._beat()

    def loaded(self, observations: int) -> None:
        self.loaded_count = observations

    def __enter__(self) -> Heartbeat:
        self._beat()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.file.unlink(missing_ok=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._beat()

    def _beat(self) -> None:
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self.file.touch()
        except OSError:  # pragma: no cover - disk full or read-only instance folder
            log.warning("cannot touch %s", self.file)
        if self.status == "loading" and self.db.is_sqlite:
            return
        values: dict[str, Any] = {"heartbeat_at": utcnow()}
        if self.status == "validating" and self.observations != self._written:
            values["observations_read"] = self.observations
            self._written = self.observations
        elif self.status == "loading":
            values["observations_loaded"] = self.loaded_count
        try:
            with self.db.transaction() as session:
                session.execute(update(Submission).where(
                    Submission.id == self.sub_id, Submission.status.in_(("validating", "loading"))).values(**values))
        except Exception:  # noqa: BLE001 - a missed heartbeat must never stop the job
            log.warning("heartbeat of %s not recorded", self.sub_id, exc_info=True)


def run_job(db: Database, settings: Settings, sub_id: str) -> str | None:
    """Claim and process one submission; None when another worker has it."""
    if not claim(db, sub_id):
        return None
    with Heartbeat(db, settings, sub_id) as hb:
        try:
            return process_submission(db, settings, sub_id, hb)
        except Exception as exc:
            log.exception("submission %s failed", sub_id)
            if is_out_of_space(exc):
                error = ("The service ran out of disk space while checking the file; nothing was "
                         "loaded and the previous data are unchanged. Submit the file again later.")
            else:
                error = f"Internal error while processing; nothing was loaded ({exc.__class__.__name__})"
            with db.transaction() as session:
                session.execute(update(Submission).where(Submission.id == sub_id).values(
                    status="failed", finished_at=utcnow(), error=error))
            return "failed"


def rq_aggregate(sub_id: str) -> None:
    """The RQ entry point of an aggregation left waiting (``Recovery.aggregating``)."""
    from registry.aggregation.compute import on_submission_loaded
    from registry.config import load_settings

    settings = load_settings()
    db = Database(settings.database_url)
    try:
        on_submission_loaded(db, settings, sub_id)
    finally:
        db.dispose()


def rq_job(sub_id: str) -> str | None:
    """The RQ entry point: settings from the worker's environment, one database per job."""
    from registry.config import load_settings

    settings = load_settings()
    db = Database(settings.database_url)
    try:
        return run_job(db, settings, sub_id)
    finally:
        db.dispose()


# --- recovery ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Recovery:
    """What ``recover`` did."""

    failed: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    #: One loaded submission per dataflow whose loads still wait for the regional aggregates (a
    #: worker stopped between its load and the aggregation): its hook takes them all.
    aggregating: list[str] = field(default_factory=list)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def last_sign_of_life(settings: Settings, row: Submission) -> datetime | None:
    """The latest of the row's heartbeat and the heartbeat file's mtime."""
    times = [t for t in (_aware(row.heartbeat_at), _aware(row.started_at)) if t is not None]
    f = alive_file(settings, row.id)
    with contextlib.suppress(OSError):  # no heartbeat file: the job never started here
        times.append(datetime.fromtimestamp(f.stat().st_mtime, UTC))
    return max(times) if times else None


def recover(db: Database, settings: Settings, stale_after: float = STALE_SECONDS) -> Recovery:
    """Fail submissions left running by a dead process; list the waiting ones to queue again."""
    out = Recovery()
    limit = utcnow() - timedelta(seconds=stale_after)
    with db.sessions() as session:
        rows = list(session.scalars(select(Submission).where(
            Submission.status.in_(("received", "queued", "validating", "loading")))))
    for row in rows:
        if row.status in ("received", "queued"):
            out.requeued.append(row.id)
            continue
        last = last_sign_of_life(settings, row)
        if last is not None and last > limit:
            continue
        phase = row.status
        with db.transaction() as session:
            result = session.execute(update(Submission).where(
                Submission.id == row.id, Submission.status == phase).values(
                status="failed", finished_at=utcnow(),
                error=f"The worker stopped while {phase} (the service was restarted or crashed); nothing was "
                      "loaded and the previous data are unchanged. Send the file again."))
        if result.rowcount:  # type: ignore[attr-defined]
            alive_file(settings, row.id).unlink(missing_ok=True)
            out.failed.append(row.id)
            log.warning("submission %s was left %s by a dead worker: marked failed", row.id, phase)
    from registry.aggregation.compute import FLOW_PAIRS, pending_loads

    with db.sessions() as session:
        for source in FLOW_PAIRS:
            waiting = pending_loads(session, source)
            if waiting:
                out.aggregating.append(waiting[-1].id)
    return out


# --- the runner ----------------------------------------------------------------------------------


class JobRunner:
    """Queues submissions on the embedded thread pool or on RQ."""

    def __init__(self, db: Database, settings: Settings, *, workers: int = 2, max_pending: int = 100) -> None:
        self.db = db
        self.settings = settings
        self.redis_url = settings.redis_url
        self.max_pending = max_pending
        self._pending = 0
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._queue: Any = None
        if self.redis_url:
            from redis import Redis
            from rq import Queue

            self._queue = Queue(QUEUE_NAME, connection=Redis.from_url(self.redis_url))
        else:
            self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="idac-submission")

    @property
    def mode(self) -> str:
        """``rq`` or ``threads``."""
        return "rq" if self._queue is not None else "threads"

    def check_capacity(self) -> None:
        """Refuse new work when the embedded queue is full (``Unavailable``, 503 with Retry-After)."""
        if self._pool is not None and self._pending >= self.max_pending:
            raise Unavailable(f"{self._pending} submissions are waiting to be processed; retry in a minute")

    def enqueue(self, sub_id: str) -> None:
        """Mark the submission queued and hand it to a worker."""
        with self.db.transaction() as session:
            session.execute(update(Submission).where(
                Submission.id == sub_id, Submission.status == "received").values(status="queued"))
        if self._queue is not None:
            self._queue.enqueue("registry.submissions.jobs.rq_job", sub_id, job_id=f"submission-{sub_id}",
                                job_timeout=JOB_TIMEOUT, result_ttl=3600, failure_ttl=7 * 86400)
            return
        assert self._pool is not None
        with self._lock:
            self._pending += 1
        self._pool.submit(self._run, sub_id)

    def _run(self, sub_id: str) -> None:
        try:
            run_job(self.db, self.settings, sub_id)
        finally:
            with self._lock:
                self._pending -= 1

    def run_inline(self, sub_id: str) -> str | None:
        """Process a (small) submission now, in the calling thread."""
        return run_job(self.db, self.settings, sub_id)

    def recover(self, stale_after: float = STALE_SECONDS) -> Recovery:
        """Start-up recovery, then queue the waiting submissions again."""
        result = recover(self.db, self.settings, stale_after)
        for sub_id in result.requeued:
            try:
                self.enqueue(sub_id)
            except Exception:  # noqa: BLE001 - a queue outage must not stop the service from starting
                log.warning("could not queue submission %s again", sub_id, exc_info=True)
        for sub_id in result.aggregating:
            try:
                self.aggregate_later(sub_id)
            except Exception:  # noqa: BLE001 - as above
                log.warning("could not queue the aggregation after %s", sub_id, exc_info=True)
        return result

    def aggregate_later(self, sub_id: str) -> None:
        """Bring the loads still waiting for the regional aggregates in, in the background."""
        if self._queue is not None:
            self._queue.enqueue("registry.submissions.jobs.rq_aggregate", sub_id,
                                job_id=f"aggregation-{sub_id}", job_timeout=JOB_TIMEOUT,
                                result_ttl=3600, failure_ttl=7 * 86400)
            return
        assert self._pool is not None
        from registry.aggregation.compute import on_submission_loaded

        with self._lock:
            self._pending += 1

        def run() -> None:
            try:
                on_submission_loaded(self.db, self.settings, sub_id)
            finally:
                with self._lock:
                    self._pending -= 1

        self._pool.submit(run)

    def wait(self, timeout: float = 60.0) -> None:
        """Wait until the embedded pool has no pending job (tests)."""
        deadline = time.monotonic() + timeout
        while self._pending and time.monotonic() < deadline:
            time.sleep(0.02)

    def shutdown(self, wait: bool = True) -> None:
        """Stop the embedded pool."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait)
