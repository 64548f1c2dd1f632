"""Load speed of the submission loader (pass 2: re-read the stored upload + write the observations).

Usage::

    python benchmarks/load.py [--obs 1000000] [--db sqlite|postgresql|both] [--pg-url URL]

A synthetic SDMX-CSV 2.0 file for ``IDAC:DF_IDAC_CORE(1.0)`` is generated (the Panama example's rows
with many counterpart areas and periods, so every observation has its own key and period), stored
once, then loaded twice into a fresh seeded database: a first load (every series and observation
new) and a replace of the same file (every observation closed and inserted again).  Each load is
one transaction, committed, exactly as ``registry.submissions.pipeline.process_submission`` does;
validation (pass 1) is not included (see ``benchmarks/validate_engine.py``).  PostgreSQL uses the
``COPY`` path of ``registry.submissions.loader``.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from registry.store import migrate  # noqa: E402
from registry.store.db import Database  # noqa: E402
from registry.structures.seed import seed_if_empty  # noqa: E402
from registry.submissions.pipeline import load_file  # noqa: E402
from registry.submissions.structure import for_submission  # noqa: E402

FLOW = "IDAC:DF_IDAC_CORE(1.0)"


def generate(path: Path, n_obs: int) -> int:
    with (ROOT / "examples/core-pan-2024.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    periods = 50
    areas = max(1, n_obs // (len(rows) * periods))
    n = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for a in range(areas):
            for r in rows:
                base = {**r, "REF_AREA": f"R{a:05d}"}
                for year in range(2024 - periods + 1, 2025):
                    w.writerow({**base, "TIME_PERIOD": str(year), "OBS_VALUE": str(int(r["OBS_VALUE"]) + year)})
                    n += 1
    return n


def run(url: str, data: Path, n: int, label: str) -> None:
    db = Database(url)
    migrate.upgrade(db.engine)
    with db.transaction() as session:
        seed_if_empty(session, ROOT)
    with db.sessions() as session:
        resolved = for_submission(session, FLOW, "PAN_SNM")
    if label == "sqlite":
        read_only(data, resolved.structure)
    for attempt in ("first load", "replace"):
        t0 = time.perf_counter()
        with db.transaction() as session:
            stats = load_file(session.connection(), data, resolved.structure, max_size=10**12,
                              dataflow=resolved.dataflow_key, submission_id=None, provider="PAN_SNM",
                              action="replace")
        dt = time.perf_counter() - t0
        print(f"{label:10} {attempt:10} {stats.total:>9,} obs {dt:7.2f} s {stats.total / dt:>10,.0f} obs/s")
    db.dispose()


def read_only(data: Path, structure: object) -> None:
    """The reader alone: the floor under any load figure."""
    from registry.formats.sdmxcsv.reader import CsvReader

    t0 = time.perf_counter()
    count = 0
    with data.open("rb") as fh:
        for chunk in CsvReader().read(fh, lambda _r: structure):  # type: ignore[arg-type,return-value]
            count += len(chunk.observations)
    dt = time.perf_counter() - t0
    print(f"{'reader':10} {'CSV only':10} {count:>9,} obs {dt:7.2f} s {count / dt:>10,.0f} obs/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--obs", type=int, default=1_000_000)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--pg-url", default=os.environ.get("IDAC_TEST_DATABASE_URL",
                                                       "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="idac-load-"))
    try:
        data = tmp / "data.csv"
        n = generate(data, args.obs)
        print(f"generated {n:,} observations ({data.stat().st_size / 1e6:.0f} MB SDMX-CSV)")
        if args.db in ("sqlite", "both"):
            run(f"sqlite:///{tmp / 'bench.db'}", data, n, "sqlite")
        if args.db in ("postgresql", "both"):
            from sqlalchemy import create_engine, text

            schema = f"bench_{os.getpid()}"
            admin = create_engine(args.pg_url)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in args.pg_url else "?"
            try:
                run(f"{args.pg_url}{sep}options=-csearch_path%3D{schema}", data, n, "postgresql")
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
