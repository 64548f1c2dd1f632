"""Concurrent submissions: 10 clients upload 100k-observation files at once (gunicorn, PostgreSQL).

    python -m benchmarks.concurrent_submissions [--quick] [--clients 10] [--obs 100000]

The server is the product as deployed by ``idac serve --production``: ``gunicorn -w 2`` on
127.0.0.1, the embedded job runner (validation and loading in each worker's thread pool), a fresh
PostgreSQL schema seeded with the IDAC content, default rate limits.  The six migration
authorities (PAN_SNM, MEX_INM, COL_MIGRACION, CHL_SERMIG, HND_INM, SLV_DGME) each get an account
and a token.  Client *i* submits, with its provider's token, a valid SDMX-CSV 2.0 file of
about ``--obs`` observations for that provider's country (the 105 keys of the Panama example at
annual, half-year, quarterly and monthly frequency × consecutive years); clients 7–10 reuse the
tokens of the first four providers with the *previous* window of years, so two uploads of one
provider share every series key and race to create the same series rows (disjoint periods:
nothing is superseded).

Checks, after every client saw its submission done:

* every submission is ``loaded`` with a valid report counting exactly the observations sent;
* the store holds exactly the sum of the observations sent as current rows, none twice (one
  current row per series and period), and exactly one series row per key (the race is clean).

Figures: aggregate throughput (observations sent ÷ wall time from the first upload to the last
report) beside the throughput of one client alone measured in the same run (the baseline), and
p50/max of the per-client time from upload to report.  Bounded: every client has one upload and
polls its status at most ``POLL_LIMIT`` times; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.runner import Result  # noqa: E402
from benchmarks.server import free_port, stop, wait_ready  # noqa: E402

URL = os.environ.get("IDAC_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FLOW = "IDAC:DF_IDAC_CORE(1.0)"
#: (provider, country) of the migration authorities, whose agreements allow the example's
#: indicators.
PROVIDERS = [
    ("PAN_SNM", "PAN"),
    ("MEX_INM", "MEX"),
    ("COL_MIGRACION", "COL"),
    ("CHL_SERMIG", "CHL"),
    ("HND_INM", "HND"),
    ("SLV_DGME", "SLV"),
]
LAST_YEAR = 2024
POLL_LIMIT = 3000  # × POLL_SECONDS: a client gives up after 10 minutes
POLL_SECONDS = 0.2


# --- data -----------------------------------------------------------------------------------------


def _example() -> tuple[list[str], list[dict[str, str]]]:
    with (ROOT / "examples/core-pan-2024.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _periods(year: int) -> list[tuple[str, str, str]]:
    """(FREQ, TIME_PERIOD, a date inside it) for every period of ``year`` the dataflow allows."""
    out = [("A", str(year), f"{year}-12-31")]
    out += [("S", f"{year}-S{s}", f"{year}-{6 * s:02d}-28") for s in (1, 2)]
    out += [("Q", f"{year}-Q{q}", f"{year}-{3 * q:02d}-28") for q in (1, 2, 3, 4)]
    out += [("M", f"{year}-{m:02d}", f"{year}-{m:02d}-28") for m in range(1, 13)]
    return out


def write_file(path: Path, area: str, window: int, n_obs: int) -> int:
    """A valid SDMX-CSV 2.0 file for ``area``: the example's keys × annual to monthly periods of
    consecutive years (window 0 ends in 2024, window 1 is the years before it, …); its obs count.

    The dataflow allows A, S, Q and M (its constraint refuses daily data), so each key becomes four
    series and each year adds 19 observations per example row.
    """
    header, rows = _example()
    per_year = len(rows) * len(_periods(2000))
    years = max(1, -(-n_obs // per_year))
    last = LAST_YEAR - window * years
    n = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for r in rows:
            base = {**r, "REF_AREA": area}
            if r["COUNTERPART_AREA"] == area:  # a country is not its own counterpart
                base["COUNTERPART_AREA"] = "ECU"
            for year in range(last - years + 1, last + 1):
                for freq, period, inside in _periods(year):
                    w.writerow(
                        {
                            **base,
                            "FREQ": freq,
                            "TIME_PERIOD": period,
                            "TIME_DETAIL": inside if r["TIME_DETAIL"] else "",
                        }
                    )
                    n += 1
    return n


# --- server ---------------------------------------------------------------------------------------


def _prepare(url: str, instance: Path) -> dict[str, str]:
    """Migrate and seed the schema, create one submitter per provider; their tokens."""
    from api import create_app
    from registry.auth import accounts, tokens

    app = create_app(
        {
            "database_url": url,
            "instance_path": instance,
            "secret_key": "bench",
            "seed_content": True,
            "log_level": "WARNING",
        }
    )
    out = {}
    with app.extensions["idac.db"].transaction() as s:
        for provider, _area in PROVIDERS:
            user = accounts.create_user(
                s, f"bench-{provider.lower()}", password=None, grants=[("submitter", provider)]
            )
            out[provider] = tokens.issue_token(s, user, expires_days=1).secret
    app.extensions["idac.jobs"].shutdown()
    app.extensions["idac.db"].dispose()
    return out


# --- clients --------------------------------------------------------------------------------------


def _submit(port: int, token: str, provider: str, path: Path) -> dict[str, Any]:
    """Upload one file and poll until its report is there: the final description and timings."""
    body = path.read_bytes()
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(
        "POST",
        f"/api/submissions?dataflow={FLOW}&provider={provider}",
        body=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "text/csv",
            "Accept": "application/json",
        },
    )
    resp = conn.getresponse()
    created = json.loads(resp.read())
    if resp.status not in (200, 202):
        raise RuntimeError(f"upload answered {resp.status}: {created}")
    accepted = time.perf_counter() - t0
    for _ in range(POLL_LIMIT):
        conn.request(
            "GET",
            created["url"],
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        r = conn.getresponse()
        state = json.loads(r.read())
        if state.get("done"):
            conn.close()
            return {
                "state": state,
                "accepted_s": accepted,
                "done_s": time.perf_counter() - t0,
                "t0": t0,
            }
        time.sleep(POLL_SECONDS)
    conn.close()
    raise RuntimeError(
        f"submission {created['url']} not done after {POLL_LIMIT * POLL_SECONDS:.0f} s"
    )


def _concurrently(
    port: int, jobs: list[tuple[str, str, Path]]
) -> tuple[list[dict[str, Any]], float]:
    """Run every (token, provider, file) upload in its own thread, started together."""
    results: list[dict[str, Any] | BaseException] = [RuntimeError("not run")] * len(jobs)
    start = threading.Barrier(len(jobs))

    def client(i: int) -> None:
        token, provider, path = jobs[i]
        start.wait()
        try:
            results[i] = _submit(port, token, provider, path)
        except BaseException as exc:  # noqa: BLE001 - reported below
            results[i] = exc

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(jobs))]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        raise RuntimeError(f"{len(failed)} client(s) failed: {failed[0]}")
    return [r for r in results if isinstance(r, dict)], wall


def _wait_aggregated(url: str, timeout: float = 600.0) -> float:
    """Wait until no load of the flow waits for the regional aggregates; the time it happened."""
    from sqlalchemy import create_engine, func, select

    from registry.store.data_models import Submission

    engine = create_engine(url)
    waiting = (
        select(func.count())
        .select_from(Submission)
        .where(
            Submission.dataflow == FLOW,
            Submission.status == "loaded",
            Submission.aggregated_at.is_(None),
        )
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as c:
                if not c.scalar(waiting):
                    return time.perf_counter()
            time.sleep(0.25)
    finally:
        engine.dispose()
    raise RuntimeError(f"regional aggregates still pending after {timeout:.0f} s")


# --- checks ---------------------------------------------------------------------------------------


def _store_counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, func, select

    from registry.store.data_models import DataSeries, Observation

    engine = create_engine(url)
    # Current observations of the national flow (loads also store regional aggregates elsewhere).
    cur = (Observation.superseded_at.is_(None), DataSeries.dataflow == FLOW)
    joined = select(Observation.series_pk, Observation.time_period).join(
        DataSeries, DataSeries.pk == Observation.series_pk
    )
    with engine.connect() as c:
        current = c.scalar(select(func.count()).select_from(joined.where(*cur).subquery())) or 0
        distinct = (
            c.scalar(select(func.count()).select_from(joined.where(*cur).distinct().subquery()))
            or 0
        )
        series = (
            c.scalar(
                select(func.count()).select_from(DataSeries).where(DataSeries.dataflow == FLOW)
            )
            or 0
        )
        keys = (
            c.scalar(
                select(func.count(func.distinct(DataSeries.series_key))).where(
                    DataSeries.dataflow == FLOW
                )
            )
            or 0
        )
    engine.dispose()
    return {
        "current": int(current),
        "distinct": int(distinct),
        "series": int(series),
        "keys": int(keys),
    }


def _check(results: list[dict[str, Any]], expected: list[int]) -> list[str]:
    problems = []
    for r, n in zip(results, expected, strict=True):
        st = r["state"]
        summary = st.get("summary") or {}
        if st["status"] != "loaded" or not summary.get("valid"):
            problems.append(
                f"{st['provider']}: {st['status']} valid={summary.get('valid')} {st.get('error')}"
            )
        elif summary.get("observations") != n or st["progress"]["observations_loaded"] != n:
            problems.append(
                f"{st['provider']}: report {summary.get('observations')} / loaded "
                f"{st['progress']['observations_loaded']} obs, sent {n}"
            )
    return problems


# --- the benchmark --------------------------------------------------------------------------------


def run(quick: bool, clients: int | None = None, n_obs: int | None = None) -> list[Result]:
    """Gunicorn on a fresh schema: one client alone, then ``clients`` at once; check the store."""
    from sqlalchemy import create_engine, text

    clients = clients or (4 if quick else 10)
    n_obs = n_obs or (10_000 if quick else 100_000)
    schema = f"bench_conc_{os.getpid()}"
    admin = create_engine(URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in URL else "?"
    url = f"{URL}{sep}options=-csearch_path%3D{schema}"
    port = free_port()
    try:
        with tempfile.TemporaryDirectory(prefix="idac-bench-conc-") as tmp:
            folder = Path(tmp)
            tokens = _prepare(url, folder / "instance")
            # The baseline file is a window no client uses (the last one) of the first provider.
            plan = [(PROVIDERS[i % len(PROVIDERS)], i // len(PROVIDERS)) for i in range(clients)]
            windows = max(w for _p, w in plan) + 2
            files, expected = [], []
            for i, ((_prov, area), window) in enumerate(plan):
                path = folder / f"client-{i}.csv"
                expected.append(write_file(path, area, window, n_obs))
                files.append(path)
            solo = folder / "solo.csv"
            solo_n = write_file(solo, PROVIDERS[0][1], windows - 1, n_obs)
            env = {
                **os.environ,
                "IDAC_DATABASE_URL": url,
                "IDAC_INSTANCE_PATH": str(folder / "instance"),
                "IDAC_SECRET_KEY": "bench",
                "IDAC_SEED_CONTENT": "false",
                "IDAC_LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT),
            }
            proc = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{port}",
                    "--timeout",
                    "300",
                    "--log-level",
                    "warning",
                    "wsgi:app",
                ],
                env=env,
                cwd=str(ROOT),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            try:
                wait_ready(port, "/health")
                t_solo = time.perf_counter()
                alone = _submit(port, tokens[PROVIDERS[0][0]], PROVIDERS[0][0], solo)
                solo_agg = _wait_aggregated(url) - t_solo
                problems = _check([alone], [solo_n])
                solo_rate = solo_n / alone["done_s"]
                jobs = [(tokens[p], p, f) for ((p, _a), _w), f in zip(plan, files, strict=True)]
                t0 = time.perf_counter()
                results, wall = _concurrently(port, jobs)
                # Reports come first; the regional aggregates follow in the background.
                agg_wall = _wait_aggregated(url) - t0
            finally:
                stop(proc)
            problems += _check(results, expected)
            counts = _store_counts(url)
            total = sum(expected) + solo_n
            if counts["current"] != total:
                problems.append(
                    f"store holds {counts['current']:,} current observations, {total:,} were sent"
                )
            if counts["distinct"] != counts["current"]:
                problems.append(
                    f"{counts['current'] - counts['distinct']:,} observations are current twice"
                )
            if counts["series"] != counts["keys"]:
                problems.append(f"{counts['series'] - counts['keys']} series rows are duplicates")
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    sent = sum(expected)
    done = sorted(r["done_s"] for r in results)
    accepted = sorted(r["accepted_s"] for r in results)
    rate = sent / wall
    correct = not problems
    return [
        Result.rate(
            f"concurrent submissions: {clients} clients × {n_obs // 1000}k obs "
            "(gunicorn -w 2, PostgreSQL)",
            rate,
            "obs/s",
            solo_rate,
            "one client alone",
            note=f"{sent:,} obs in {wall:.1f} s; per client upload→report "
            f"p50 {done[len(done) // 2]:.1f} s, "
            f"max {done[-1]:.1f} s; upload accepted in ≤ {accepted[-1]:.1f} s; "
            f"alone {solo_n:,} obs in {alone['done_s']:.1f} s (aggregates {solo_agg:.1f} s); "
            f"regional aggregates of all loads done {agg_wall:.1f} s after the first upload",
        ),
        Result(
            "concurrent submissions: reports and store correct",
            float(len(results) - len([p for p in problems])),
            f"of {clients} clients",
            goal="all correct, no lost or duplicated obs",
            met=correct,
            note="; ".join(problems[:5])
            if problems
            else (
                f"{counts['current']:,} current observations = sent; "
                f"{counts['series']} series, none duplicated"
            ),
        ),
    ]


def main() -> None:
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--clients", type=int, default=None)
    ap.add_argument("--obs", type=int, default=None)
    args = ap.parse_args()
    from benchmarks.runner import report

    results = run(args.quick, args.clients, args.obs)
    print(report(results))


if __name__ == "__main__":
    main()
