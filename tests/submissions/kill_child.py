"""Child process of the crash test: loads a large generated file and gets killed (-9) mid-load.

Usage: ``python kill_child.py DB_URL INSTANCE SUBMISSION_ID MARKER``.  The submission row and its
upload exist; this runs the load step exactly as ``process_submission`` does (status ``loading``,
heartbeat, one transaction) and touches ``MARKER`` after the first flushed batch, then keeps loading
slowly so that the parent's kill lands inside the transaction.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy import update

from registry.config import load_settings
from registry.store.base import utcnow
from registry.store.data_models import Submission
from registry.store.db import Database
from registry.submissions.jobs import Heartbeat
from registry.submissions.pipeline import load_file, upload_file
from registry.submissions.structure import for_submission


def main() -> None:
    url, instance, sub_id, marker = sys.argv[1:5]
    settings = load_settings({"database_url": url, "instance_path": instance, "seed_content": False})
    db = Database(url)
    with db.transaction() as session:
        session.execute(update(Submission).where(Submission.id == sub_id).values(
            status="loading", started_at=utcnow(), heartbeat_at=utcnow()))
        row = session.get(Submission, sub_id)
        assert row is not None
        resolved = for_submission(session, row.dataflow, row.provider)
        path = upload_file(settings, row)
        provider = row.provider

    def progress(n: int) -> None:
        Path(marker).write_text(str(n))
        time.sleep(0.5)  # a slow disk: the parent kills the process inside the transaction

    with Heartbeat(db, settings, sub_id) as hb, db.transaction() as session:
        hb.phase("loading")
        load_file(session.connection(), path, resolved.structure, max_size=settings.max_decompressed_bytes,
                  dataflow=resolved.dataflow_key, submission_id=sub_id, provider=provider, action="replace",
                  progress=progress)
        Path(marker).write_text("finished")  # never reached when the parent kills in time


if __name__ == "__main__":
    main()
