"""One entry point for every benchmark: ``python -m benchmarks [--quick] [--json out.json] [--only NAME]``.

Each benchmark module exposes ``run(quick: bool) -> list[Result]``.  Modules written as stand-alone
scripts (``readers.py``, ``writers.py``, ``validate_engine.py``, ``load.py``) are not rewritten: the
adapters below import their functions and turn what they measure into ``Result``s.  A module that is
absent (a colleague has not committed it yet) is skipped and listed; one that fails is reported as a
failed row, and the other benchmarks still run.

A ``Result`` is one measured figure beside the baseline it is judged against *in the same run* (bare
lxml, the csv module, sdmx1, a trivial endpoint…), the ratio of the two and the goal on that ratio.
``ratio`` is always "how many times better than the baseline" (higher is better) unless the goal
says otherwise; ``met`` is ``None`` when a figure has no goal.

Budget: the full run stays under 10 minutes on the 2-core reference machine, ``--quick`` under one
minute or so (each adapter uses smaller sizes when ``quick``).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import json
import platform
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass(slots=True)
class Result:
    """One figure of one benchmark, judged against a baseline measured in the same run."""

    name: str
    figure: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None
    note: str = ""

    @staticmethod
    def rate(
        name: str,
        figure: float,
        unit: str,
        baseline: float | None = None,
        baseline_name: str = "",
        goal_ratio: float | None = None,
        goal: str = "",
        note: str = "",
    ) -> Result:
        """A higher-is-better figure; ``ratio = figure / baseline``; met when ratio ≥ ``goal_ratio``."""
        ratio = figure / baseline if baseline else None
        met = None if goal_ratio is None or ratio is None else ratio >= goal_ratio
        if goal_ratio is not None and not goal:
            goal = f"≥ {goal_ratio:g}x"
        return Result(name, figure, unit, baseline, baseline_name, ratio, goal, met, note)


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:,.1f}"
    return f"{x:,.2f}"


def report(results: list[Result]) -> str:
    """The table followed by each figure's note: what every benchmark prints."""
    return "\n".join([table(results), *(f"  {r.name}: {r.note}" for r in results if r.note)])


def table(results: list[Result]) -> str:
    """The one table: name, figure, baseline, ratio, goal, met?"""
    rows = [("benchmark", "figure", "baseline", "ratio", "goal", "met?")]
    for r in results:
        base = (
            f"{_fmt(r.baseline)} ({r.baseline_name})"
            if r.baseline is not None
            else r.baseline_name or "—"
        )
        met = {True: "yes", False: "NO", None: "—"}[r.met]
        rows.append(
            (
                r.name,
                f"{_fmt(r.figure)} {r.unit}",
                base,
                f"{r.ratio:.2f}x" if r.ratio is not None else "—",
                r.goal or "—",
                met,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


# --- adapters of the stand-alone scripts ----------------------------------------------------------


def _best_rate(fn: Callable[[], int], repeat: int) -> float:
    best, n = float("inf"), 0
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        n = fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def _readers(quick: bool) -> list[Result]:
    from benchmarks import readers as m

    n = 100_000 if quick else 1_000_000
    repeat = 1
    with tempfile.TemporaryDirectory(prefix="idac-bench-readers-") as tmp:
        ss = Path(tmp) / "ss.xml"
        m.write_ss(ss, n, 100)
        floor = _best_rate(lambda: m.bare(ss), repeat)
        rate = _best_rate(lambda: m.run_reader(m.StructureSpecificReader21(), ss), repeat)
        out = [
            Result.rate(
                f"readers: StructureSpecificReader21 ({n:,} obs)",
                rate,
                "obs/s",
                floor,
                "bare iterparse",
                goal_ratio=0.5,
                goal="≥ 0.5x (within 2x)",
            )
        ]
        if not quick:
            gen = Path(tmp) / "generic.xml"
            m.write_generic(gen, n, 100)
            gfloor = _best_rate(lambda: m.bare(gen), repeat)
            grate = _best_rate(lambda: m.run_reader(m.GenericDataReader21(), gen), repeat)
            out.append(
                Result.rate(
                    f"readers: GenericDataReader21 ({n:,} obs)",
                    grate,
                    "obs/s",
                    gfloor,
                    "bare iterparse",
                    goal_ratio=0.5,
                    goal="≥ 0.5x (within 2x)",
                )
            )
    return out


def _writers(quick: bool) -> list[Result]:
    from benchmarks import writers as m

    n = 20_000 if quick else 100_000
    t_ours, _ = m.ours(n)
    t_theirs, _ = m.theirs(n)
    return [
        Result.rate(
            f"writers: StructureSpecificWriter21 ({n:,} obs)",
            n / t_ours,
            "obs/s",
            n / t_theirs,
            "sdmx1 to_xml",
            goal_ratio=None,
        )
    ]


def _validate_engine(quick: bool) -> list[Result]:
    from benchmarks import validate_engine as m

    n = 100_000 if quick else 1_000_000
    t0 = time.process_time()
    for _ in m.generate(n, False):
        pass
    t_gen = time.process_time() - t0
    v = m.make_validator(True)
    t0 = time.process_time()
    report = v.validate(m.generate(n, False))
    t_val = max(time.process_time() - t0 - t_gen, 1e-9)
    return [
        Result.rate(
            f"validate_engine: Validator alone ({n:,} obs, CPU)",
            report.observations / t_val,
            "obs/s",
            note=f"errors={report.errors}",
        )
    ]


def _load(quick: bool) -> list[Result]:
    """The loader on PostgreSQL (COPY path) and SQLite: first load of a generated SDMX-CSV file."""
    from benchmarks import load as m

    n = 20_000 if quick else 100_000
    out: list[Result] = []
    import contextlib
    import io

    with tempfile.TemporaryDirectory(prefix="idac-bench-load-") as tmp:
        data = Path(tmp) / "data.csv"
        total = m.generate(data, n)
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            m.run(f"sqlite:///{Path(tmp) / 'bench.db'}", data, total, "sqlite")
        out.extend(_parse_load(buf.getvalue(), "sqlite"))
        if not quick:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                _load_pg(m, data, total)
            out.extend(_parse_load(buf.getvalue(), "postgresql"))
    return out


def _load_pg(m: Any, data: Path, total: int) -> None:
    import os

    from sqlalchemy import create_engine, text

    url = os.environ.get(
        "IDAC_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    schema = f"bench_load_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        m.run(
            f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}",
            data,
            total,
            "postgresql",
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _parse_load(text: str, label: str) -> list[Result]:
    out = []
    pattern = re.compile(
        rf"^{label}\s+(first load|replace)\s+([\d,]+) obs\s+[\d.]+ s\s+([\d,]+) obs/s"
    )
    for line in text.splitlines():
        if m := pattern.match(line):
            out.append(
                Result.rate(
                    f"load: {label} {m[1]} ({m[2]} obs)", float(m[3].replace(",", "")), "obs/s"
                )
            )
    return out


#: (name, module, adapter or None when the module has its own ``run(quick)``)
BENCHMARKS: tuple[tuple[str, str, Callable[[bool], list[Result]] | None], ...] = (
    ("readers", "benchmarks.readers", _readers),
    ("writers", "benchmarks.writers", _writers),
    ("validate_engine", "benchmarks.validate_engine", _validate_engine),
    ("validate", "benchmarks.validate", None),
    ("load", "benchmarks.load", _load),
    ("data_query", "benchmarks.data_query", None),
    ("http_load", "benchmarks.http_load", None),
    ("concurrent_submissions", "benchmarks.concurrent_submissions", None),
    ("scale", "benchmarks.scale", None),
)


def run_all(
    quick: bool, only: list[str] | None = None
) -> tuple[list[Result], list[str], dict[str, float]]:
    """Run every benchmark present; returns (results, skipped/failed notes, seconds per benchmark)."""
    results: list[Result] = []
    notes: list[str] = []
    times: dict[str, float] = {}
    for name, module, adapter in BENCHMARKS:
        if only and name not in only:
            continue
        if importlib.util.find_spec(module) is None:
            notes.append(f"{name}: not present, skipped")
            continue
        t0 = time.perf_counter()
        print(f"--- {name} …", file=sys.stderr, flush=True)
        try:
            if adapter is not None:
                got = adapter(quick)
            else:
                mod = importlib.import_module(module)
                fn: Any = getattr(mod, "run", None)
                if fn is None:
                    notes.append(f"{name}: has no run(quick) function, skipped")
                    continue
                got = list(fn(quick))
            results.extend(got)
        except Exception as exc:  # noqa: BLE001 - one failing benchmark must not hide the others
            traceback.print_exc(file=sys.stderr)
            notes.append(f"{name}: FAILED ({exc.__class__.__name__}: {exc})")
            results.append(
                Result(f"{name}: failed", float("nan"), "", goal="runs", met=False, note=str(exc))
            )
        times[name] = time.perf_counter() - t0
        print(f"--- {name} done in {times[name]:.0f} s", file=sys.stderr, flush=True)
    return results, notes, times


def main(argv: list[str] | None = None) -> int:
    """Command line: run, print the table, write the JSON."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (under a minute)")
    ap.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    ap.add_argument(
        "--only", action="append", default=None, help="run only this benchmark (repeatable)"
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    results, notes, times = run_all(args.quick, args.only)
    total = time.perf_counter() - t0
    machine = (
        f"{platform.node()} {platform.machine()} {_cpus()} CPUs, Python {platform.python_version()}"
    )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print()
    print(
        f"IDAC benchmarks ({'quick' if args.quick else 'full'}), {when}, {machine}, {total:.0f} s"
    )
    print(report(results))
    for n in notes:
        print(f"  note: {n}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "date": when,
                    "machine": machine,
                    "quick": args.quick,
                    "seconds": total,
                    "seconds_per_benchmark": times,
                    "notes": notes,
                    "results": [asdict(r) for r in results],
                },
                indent=2,
                default=str,
            ),
            encoding="utf-8",
        )
    return 0 if all(r.met is not False for r in results) else 1


def _cpus() -> int:
    import os

    return (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )
