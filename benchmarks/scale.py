"""Data store at scale on PostgreSQL: 10M observations, 6 countries × 2 dataflows.

    python -m benchmarks.scale [--quick] [--pg-url URL]

The ``data_series`` and ``observation`` tables of ``registry/store/data_models.py`` are created in a
dedicated schema (dropped afterwards) and bulk-filled with ``COPY`` (rows generated in Python, streamed
to the server in blocks): 6 countries × 2 dataflows (``DF_IDAC_CORE``, ``DF_IDAC_REGIONAL``) × 14
indicators × 4 sexes × 7 age bands × 6 accompaniment × 10 counterpart areas = 282,240 series, annual
periods enough to reach the target.  Loading happens in two steps, 10% then the remaining 90%, so
the same queries are timed at 1M and at 10M observations (100k / 1M with ``--quick``) and the growth
is reported.

Queries (each the median of 7 runs after one warm-up, ``SELECT`` through SQLAlchemy Core like
``registry/data/fetch.py``):

* **country-indicator key** — ``A.PAN.IDAC_STK_REF.*.*.*.*.*.*.*`` on ``DF_IDAC_CORE``: the series by
  ``series_key LIKE 'A.PAN.IDAC_STK_REF.%'`` (as ``registry/data/fetch.py`` does), then
  their current observations through ``ix_observation_series_period``; every row fetched;
* **regional aggregate** — the sum per period of ``IDAC_STK_REF`` totals (``_T`` sex, ``Y0T17``,
  ``_T`` accompaniment and counterpart) over the 6 countries: six exact series keys (index lookups),
  joined to their current observations, ``GROUP BY time_period``.

The foreign keys of ``observation`` are dropped before the bulk load (their per-row triggers would
make the setup several times slower; queries do not use them).  Indexes are the model's own, built after the first bulk load (faster than maintaining them row by
row) and present during the second load (as in production):

* ``uq_data_series_key`` (dataflow, series_key) — unique; serves exact keys (``IN``).  It does *not*
  serve the ``LIKE 'prefix%'`` patterns of partial keys unless the column's collation is ``C``;
* ``ix_data_series_key_pattern`` (dataflow, series_key ``varchar_pattern_ops``), PostgreSQL only
  (migration 0004) — serves those prefixes: the plan printed for the country-indicator key shows a
  bitmap index scan on it instead of a sequential scan of ``data_series``;
* ``uq_observation_current`` (series_pk, time_period) WHERE superseded_at IS NULL — one current row
  per period, and the lookup path of the current rows of a series;
* ``ix_observation_series_period`` (series_pk, period_start) — range scans of a series' periods
  (``startPeriod``/``endPeriod``) in period order, which is the order answers are written in.

The plans are printed (``EXPLAIN``) so a regression to a sequential scan is visible.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from itertools import product
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.runner import Result  # noqa: E402

PG_URL = os.environ.get(
    "IDAC_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
COUNTRIES = ["PAN", "COL", "MEX", "GTM", "HND", "SLV"]
FLOWS = ["IDAC:DF_IDAC_CORE(1.0)", "IDAC:DF_IDAC_REGIONAL(1.0)"]
INDICATORS = [
    "IDAC_STK_INTL_MIG",
    "IDAC_STK_REF",
    "IDAC_STK_ASY",
    "IDAC_STK_IDP",
    "IDAC_STK_STA",
    "IDAC_FLW_IMM",
    "IDAC_FLW_EMI",
    "IDAC_FLW_ASY_APP",
    "IDAC_FLW_NEW_IDP",
    "IDAC_FLW_RET_REF",
    "IDAC_FLW_RET_IDP",
    "IDAC_FLW_RET_MIG",
    "IDAC_FLW_ENTRY",
    "IDAC_FLW_EXIT",
]
SEXES = ["F", "M", "_T", "_U"]
AGES = ["Y0T17", "Y0T4", "Y5T9", "Y10T14", "Y15T17", "Y5T11", "Y12T17"]
ACCS = ["_T", "ACC", "UASC", "UNACC", "SEP", "_U"]
CPS = ["_T", "VEN", "COL", "NIC", "HTI", "CUB", "ECU", "USA", "_U", "_Z"]


def all_series(quick: bool = False) -> list[tuple[str, str, dict[str, str]]]:
    """(dataflow, series key, dims) of every series (``quick``: 9,408 series, 2 accompaniments, 1 counterpart)."""
    out = []
    accs, cps = (ACCS[:2], CPS[:1]) if quick else (ACCS, CPS)
    for flow, area, ind, sex, age, acc, cp in product(
        FLOWS, COUNTRIES, INDICATORS, SEXES, AGES, accs, cps
    ):
        dims = {
            "FREQ": "A",
            "REF_AREA": area,
            "INDICATOR": ind,
            "SEX": sex,
            "AGE": age,
            "ACCOMPANIMENT": acc,
            "ORIGIN_BASIS": "ORIGIN",
            "COUNTERPART_AREA": cp,
            "DISPL_CAUSE": "_Z",
            "URBANISATION": "_T",
        }
        out.append((flow, ".".join(dims.values()), dims))
    return out


def _blocks(lines: Iterator[str], size: int = 1 << 22) -> Iterator[bytes]:
    buf = io.StringIO()
    for line in lines:
        buf.write(line)
        if buf.tell() >= size:
            yield buf.getvalue().encode()
            buf = io.StringIO()
    if buf.tell():
        yield buf.getvalue().encode()


def _obs_lines(n_series: int, years: range, first_pk: int) -> Iterator[str]:
    pk = first_pk
    for year in years:
        start, end = f"{year}-01-01", f"{year}-12-31"
        for s in range(1, n_series + 1):
            yield (
                f"{pk}\t{s}\t{year}\t{start}\t{end}\t{(s * 31 + year) % 9973}\t{{}}\tA\tF\tPAN_SNM\t"
                "2025-01-01 00:00:00+00\n"
            )
            pk += 1


def _copy(raw: Any, sql: str, lines: Iterator[str]) -> None:
    with raw.cursor() as cur, cur.copy(sql) as cp:
        for block in _blocks(lines):
            cp.write(block)
    raw.commit()


OBS_COLS = (
    "pk, series_pk, time_period, period_start, period_end, value, attrs, obs_status, conf_status, "
    "provider, loaded_at"
)


def _median_ms(conn: Any, stmt: Any, params: dict[str, Any], runs: int = 7) -> tuple[float, int]:
    rows = conn.execute(stmt, params).fetchall()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = conn.execute(stmt, params).fetchall()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, len(rows)


def _queries() -> dict[str, tuple[Any, dict[str, Any]]]:
    from sqlalchemy import func, select

    from registry.store.data_models import DataSeries, Observation

    current = Observation.superseded_at.is_(None)
    key_q = (
        select(DataSeries.series_key, Observation.time_period, Observation.value)
        .join(Observation, Observation.series_pk == DataSeries.pk)
        .where(
            DataSeries.dataflow == FLOWS[0],
            DataSeries.series_key.like("A.PAN.IDAC_STK_REF.%"),
            current,
        )
        .order_by(DataSeries.series_key, Observation.period_start)
    )
    totals = [f"A.{c}.IDAC_STK_REF._T.Y0T17._T.ORIGIN._T._Z._T" for c in COUNTRIES]
    agg_q = (
        select(Observation.time_period, func.sum(Observation.value), func.count())
        .join(DataSeries, Observation.series_pk == DataSeries.pk)
        .where(DataSeries.dataflow == FLOWS[0], DataSeries.series_key.in_(totals), current)
        .group_by(Observation.time_period)
        .order_by(Observation.time_period)
    )
    return {"country-indicator key": (key_q, {}), "regional aggregate": (agg_q, {})}


def _explain(conn: Any, stmt: Any) -> str:
    from sqlalchemy import text

    sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
    plan = conn.execute(text("EXPLAIN (FORMAT JSON) " + sql)).scalar_one()
    nodes: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        label = node["Node Type"] + (f" {node['Index Name']}" if "Index Name" in node else "")
        nodes.append(label)
        for child in node.get("Plans", []):
            walk(child)

    walk((plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"])
    return " / ".join(nodes)


def run(quick: bool, pg_url: str = PG_URL) -> list[Result]:
    """Build, load in two steps, query at each size."""
    from sqlalchemy import create_engine, text

    from registry.store.base import Base
    from registry.store.data_models import DataSeries, Observation, Submission

    target = 100_000 if quick else 10_000_000
    series = all_series(quick)
    n_series = len(series)
    n_years = max(1, round(target / n_series))
    years = range(2025 - n_years, 2025)
    first_years = years[: max(1, n_years // 10)]
    rest_years = years[len(first_years) :]
    schema = f"bench_scale_{os.getpid()}"
    admin = create_engine(pg_url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url else "?"
    engine = create_engine(f"{pg_url}{sep}options=-csearch_path%3D{schema}")
    results: list[Result] = []
    figures: dict[str, dict[str, float]] = {}
    try:
        tables = [Submission.__table__, DataSeries.__table__, Observation.__table__]
        # tables without their indexes first; the indexes are built after the first bulk load
        indexes = [ix for t in tables for ix in t.indexes]
        saved = {t: set(t.indexes) for t in tables}
        for t in tables:
            t.indexes.clear()
        try:
            Base.metadata.create_all(engine, tables=tables)
        finally:
            for t, ixs in saved.items():
                t.indexes.update(ixs)
        with (
            engine.begin() as c
        ):  # foreign-key triggers would dominate the bulk load (setup, not measured)
            for fk in (
                c.execute(
                    text(
                        "SELECT conname FROM pg_constraint WHERE contype = 'f' AND "
                        "conrelid = 'observation'::regclass"
                    )
                )
                .scalars()
                .all()
            ):
                c.execute(text(f'ALTER TABLE observation DROP CONSTRAINT "{fk}"'))
        raw = engine.raw_connection().driver_connection
        t0 = time.perf_counter()
        _copy(
            raw,
            "COPY data_series (pk, dataflow, series_key, dims, attrs, updated_at) FROM STDIN",
            (
                f"{i}\t{flow}\t{key}\t{json.dumps(dims)}\t{{}}\t2025-01-01 00:00:00+00\n"
                for i, (flow, key, dims) in enumerate(series, 1)
            ),
        )
        _copy(
            raw, f"COPY observation ({OBS_COLS}) FROM STDIN", _obs_lines(n_series, first_years, 1)
        )
        load1 = time.perf_counter() - t0
        t0 = time.perf_counter()
        with engine.begin() as c:
            for ix in indexes:
                ix.create(c)
            c.execute(text("ANALYZE data_series; ANALYZE observation"))
        index_s = time.perf_counter() - t0
        n1 = n_series * len(first_years)
        with engine.connect() as c:
            figures["small"] = {name: _median_ms(c, q, p)[0] for name, (q, p) in _queries().items()}
        t0 = time.perf_counter()
        _copy(
            raw,
            f"COPY observation ({OBS_COLS}) FROM STDIN",
            _obs_lines(n_series, rest_years, n1 + 1),
        )
        with engine.begin() as c:
            c.execute(text("ANALYZE observation"))
        load2 = time.perf_counter() - t0
        n2 = n_series * len(years)
        plans = {}
        rows = {}
        with engine.connect() as c:
            figures["large"] = {}
            for name, (q, p) in _queries().items():
                ms, count = _median_ms(c, q, p)
                figures["large"][name] = ms
                rows[name] = count
                plans[name] = _explain(c, q)
            size = c.execute(text("SELECT pg_total_relation_size('observation')")).scalar_one()
        raw.close()
        results.append(
            Result.rate(
                f"scale: COPY load, first {n1:,} obs (no indexes)",
                n1 / load1,
                "obs/s",
                note=f"{load1:.1f} s; indexes built in {index_s:.1f} s",
            )
        )
        results.append(
            Result.rate(
                f"scale: COPY load, next {n2 - n1:,} obs (with indexes)",
                (n2 - n1) / load2,
                "obs/s",
                note=f"{load2:.1f} s; observation table + indexes {size / 1e9:.2f} GB",
            )
        )
        for name in ("country-indicator key", "regional aggregate"):
            small, large = figures["small"][name], figures["large"][name]
            growth = large / small
            results.append(
                Result(
                    f"scale: {name} at {n2:,} obs",
                    large,
                    "ms",
                    small,
                    f"at {n1:,} obs",
                    growth,
                    f"< {n2 / n1:.0f}x data growth",
                    growth < n2 / n1,
                    f"{rows[name]:,} rows; plan: {plans[name]}",
                )
            )
    finally:
        engine.dispose()
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    return results


def main() -> None:
    """Command line."""
    from benchmarks.runner import report

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--pg-url", default=PG_URL)
    args = ap.parse_args()
    results = run(args.quick, args.pg_url)
    print(report(results))


if __name__ == "__main__":
    main()
