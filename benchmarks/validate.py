"""Validation of a whole file (``idac validate``) against the floor and against the reference clients.

    python -m benchmarks.validate [--quick] [--sizes 100000,1000000,5000000]

Generates a structure-specific SDMX-ML 2.1 file and an SDMX-CSV 2.0 file of 100k, 1M and 5M valid
observations for ``IDAC:DF_IDAC_CORE(1.0)`` (the 105 keys of ``examples/core-pan-2024.csv`` — codes
from ``codelists/``, keys inside the ``dsd/`` constraints, breakdowns that add up — repeated over
monthly periods 2005-01…2024-12 and over the countries of ``CL_AREA``, each country's values scaled
by one factor per period so every additivity rule still holds), then measures, each in its own
subprocess so that the peak RSS (``ru_maxrss``) is that measurement's alone:

* ``lxml``   — bare ``lxml.etree.iterparse`` counting ``Obs`` and clearing elements (the floor for XML);
* ``csv``    — the ``csv`` module plus one dict lookup per dimension value (the floor for CSV: what any
  validator must at least do);
* ``ours``   — ``idac validate FILE --structure urn:…Dataflow=IDAC:DF_IDAC_CORE(1.0)`` run in-process
  (``registry.cli.main``) against a seeded SQLite store: container sniffing, format detection, the
  streaming reader, every validation check and the IDAC content rules, report written;
* ``sdmx1``  — ``sdmx.read_sdmx(file, structure=dsd)`` (100k only: it builds the whole data set in
  memory and is slow);
* ``pysdmx`` — ``pysdmx.io.read_sdmx(file, validate=False)`` (no XSD validation, the fastest mode; 100k
  only, it builds pandas frames in memory).

Times are CPU seconds (user + system) of the measuring subprocess around the measured call, so the
load of other processes on a shared 2-core machine distorts them less; imports and structure loading
are outside the timed part.  Generated files are cached in ``$IDAC_BENCH_CACHE`` (default
``/tmp/idac-bench-validate``) and reused by later runs.

Goals (issue "Benchmarks, load and hostile-input hardening"): ours within 2x of bare lxml on XML,
faster than the bare csv-module floor on CSV, ≥ 20x sdmx1, ≥ 5x pysdmx, peak RSS growing less than
50 MB from 1M to 5M observations.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.runner import Result  # noqa: E402

FLOW_URN = "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=IDAC:DF_IDAC_CORE(1.0)"
CACHE = Path(
    os.environ.get("IDAC_BENCH_CACHE", Path(tempfile.gettempdir()) / "idac-bench-validate")
)
PERIODS = [f"{y}-{m:02d}" for y in range(2005, 2025) for m in range(1, 13)]
DIMS = [
    "FREQ",
    "REF_AREA",
    "INDICATOR",
    "SEX",
    "AGE",
    "ACCOMPANIMENT",
    "ORIGIN_BASIS",
    "COUNTERPART_AREA",
    "DISPL_CAUSE",
    "URBANISATION",
]
SERIES_ATTRS = ["UNIT_MEASURE", "UNIT_MULT", "SOURCE_TYPE", "COMMENT_TS"]
OBS_ATTRS = ["OBS_STATUS", "CONF_STATUS", "SOURCE_DETAIL", "TIME_DETAIL"]
CSV_HEADER = [
    "STRUCTURE",
    "STRUCTURE_ID",
    "ACTION",
    *DIMS,
    "TIME_PERIOD",
    "OBS_VALUE",
    *OBS_ATTRS,
    *SERIES_ATTRS,
]
SIZES = (100_000, 1_000_000, 5_000_000)
#: Largest size whose floors are measured; larger sizes are judged against this one's floors.
FLOOR_MAX_SIZE = 1_000_000
#: Formats run only up to FLOOR_MAX_SIZE in the full run: the memory-bound parts of validation
#: (duplicate-key spill, content groups) are the same whatever the reader, so the 5M file is
#: validated as XML only, which keeps ``python -m benchmarks`` under 10 minutes.
SMALL_ONLY = frozenset({"csv"})
NS = {
    "message": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "ss": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
OBS_NS = "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=IDAC:DF_IDAC_CORE(1.0):ObsLevelDim:TIME_PERIOD"


# --- data generation ------------------------------------------------------------------------------


def countries() -> list[str]:
    """Country codes of CL_AREA (three letters), except those the example uses as counterparts."""
    from lxml import etree

    tree = etree.parse(str(ROOT / "codelists/IDAC-CL_AREA-1.0.xml"))  # noqa: S320 - our own file
    ids = [c.get("id") for c in tree.iter("{*}Code")]
    return [i for i in ids if i and len(i) == 3 and i.isalpha() and i not in ("VEN", "COL", "NIC")]


def base_rows() -> list[dict[str, str]]:
    """The valid keys of the Panama example."""
    with (ROOT / "examples/core-pan-2024.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def series(
    n_obs: int,
) -> Iterator[tuple[dict[str, str], dict[str, str], list[tuple[str, str, dict[str, str]]]]]:
    """(key, series attributes, [(period, value, obs attributes)]) until ``n_obs`` observations."""
    rows = base_rows()
    made = 0
    for ai, area in enumerate(countries()):
        for r in rows:
            key = {d: r[d] for d in DIMS}
            key["FREQ"] = "M"
            key["REF_AREA"] = area
            sattrs = {
                "UNIT_MEASURE": r["UNIT_MEASURE"],
                "UNIT_MULT": r["UNIT_MULT"],
                "SOURCE_TYPE": r["SOURCE_TYPE"],
                "COMMENT_TS": "SYNTHETIC",
            }
            obs = []
            for pi, p in enumerate(PERIODS):
                value = str(int(r["OBS_VALUE"]) * (ai + 1) * (1 + pi % 5))
                attrs = {
                    "OBS_STATUS": r["OBS_STATUS"],
                    "CONF_STATUS": r["CONF_STATUS"],
                    "SOURCE_DETAIL": "Synthetic",
                }
                if r["TIME_DETAIL"]:
                    attrs["TIME_DETAIL"] = f"{p}-28"
                obs.append((p, value, attrs))
                made += 1
                if made >= n_obs:
                    break
            yield key, sattrs, obs
            if made >= n_obs:
                return
    raise ValueError(f"at most {made:,} observations can be generated")


def _attrs(d: dict[str, str]) -> str:
    return " ".join(f'{k}="{v}"' for k, v in d.items())


def write_xml(path: Path, n_obs: int) -> None:
    """Structure-specific SDMX-ML 2.1 (time series), like ``examples/core-col-2024.xml``."""
    with path.open("w", encoding="utf-8") as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<message:StructureSpecificData '
            + " ".join(f'xmlns:{p}="{u}"' for p, u in NS.items())
            + f' xmlns:ns1="{OBS_NS}">\n'
            "<message:Header><message:ID>BENCH</message:ID><message:Test>true</message:Test>"
            '<message:Prepared>2025-01-01T00:00:00Z</message:Prepared><message:Sender id="PAN_SNM"/>'
            f'<message:Structure structureID="IDAC_DF_IDAC_CORE_1_0" namespace="{OBS_NS}" '
            'dimensionAtObservation="TIME_PERIOD"><com:StructureUsage>'
            '<Ref agencyID="IDAC" id="DF_IDAC_CORE" version="1.0"/></com:StructureUsage></message:Structure>'
            "</message:Header>\n"
            '<message:DataSet ss:structureRef="IDAC_DF_IDAC_CORE_1_0" xsi:type="ns1:DataSetType" '
            'ss:dataScope="Dataflow" action="Information">\n'
        )
        for key, sattrs, obs in series(n_obs):
            f.write(f"<Series {_attrs(key)} {_attrs(sattrs)}>\n")
            f.writelines(
                f'<Obs TIME_PERIOD="{p}" OBS_VALUE="{v}" {_attrs(a)}/>\n' for p, v, a in obs
            )
            f.write("</Series>\n")
        f.write("</message:DataSet>\n</message:StructureSpecificData>\n")


def write_csv(path: Path, n_obs: int) -> None:
    """SDMX-CSV 2.0 with the same observations."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CSV_HEADER)
        for key, sattrs, obs in series(n_obs):
            head = ["dataflow", "IDAC:DF_IDAC_CORE(1.0)", "I", *key.values()]
            tail = [sattrs[a] for a in SERIES_ATTRS]
            w.writerows([*head, p, v, *(a.get(x, "") for x in OBS_ATTRS), *tail] for p, v, a in obs)


def files(n_obs: int, kinds: tuple[str, ...] = ("xml", "csv")) -> dict[str, Path]:
    """The cached XML and/or CSV files of ``n_obs`` observations (generated on first use)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out = {}
    for kind, writer in (("xml", write_xml), ("csv", write_csv)):
        if kind not in kinds:
            continue
        path = CACHE / f"core-{n_obs}.{kind}"
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            writer(tmp, n_obs)
            tmp.rename(path)
        out[kind] = path
    return out


def store_url() -> str:
    """A SQLite store seeded with the IDAC content (made once, cached)."""
    db = CACHE / "registry.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        from registry.store import migrate
        from registry.store.db import Database
        from registry.structures.seed import seed_if_empty

        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = CACHE / "registry.tmp.db"
        tmp.unlink(missing_ok=True)
        database = Database(f"sqlite:///{tmp}")
        migrate.upgrade(database.engine)
        with database.transaction() as session:
            seed_if_empty(session, ROOT)
        database.dispose()
        tmp.rename(db)
    return url


# --- measurements (each in a subprocess) ----------------------------------------------------------


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _peak_rss_mb() -> float:
    """Peak RSS of this process: ``VmHWM`` (reset by exec), not ``ru_maxrss`` (kept across execve on
    Linux, so a child of a large parent would report the parent's size)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure_lxml(path: Path) -> int:
    from lxml import etree

    n = 0
    for _, el in etree.iterparse(str(path), events=("end",)):
        if el.tag == "Obs":
            n += 1
        el.clear()
    return n


def _csv_setup() -> Any:
    from registry.formats.structures import default_codecs

    codes: dict[str, set[str]] = {}
    for f in (ROOT / "codelists").glob("*.xml"):
        for cl in default_codecs().read(f.read_bytes()).artefacts:
            codes[cl.id] = {c.id for c in getattr(cl, "items", ())}
    # dimension -> allowed codes (the codelist each dimension uses in DSD_IDAC_CORE)
    cl_of = {
        "FREQ": "CL_FREQ",
        "REF_AREA": "CL_AREA",
        "INDICATOR": "CL_IDAC_INDICATOR",
        "SEX": "CL_SEX",
        "AGE": "CL_AGE_IDAC",
        "ACCOMPANIMENT": "CL_ACCOMPANIMENT",
        "ORIGIN_BASIS": "CL_ORIGIN_BASIS",
        "COUNTERPART_AREA": "CL_AREA_CP",
        "DISPL_CAUSE": "CL_DISPL_CAUSE",
        "URBANISATION": "CL_URBANISATION",
    }
    return {d: dict.fromkeys(codes[c], True) for d, c in cl_of.items()}


def _measure_csv(path: Path, lookups: Any) -> int:
    cols = [(CSV_HEADER.index(d), lookups[d]) for d in DIMS]
    n = bad = 0
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        next(rows)
        for row in rows:
            for i, table in cols:
                if table.get(row[i]) is None:
                    bad += 1
            n += 1
    if bad:
        raise AssertionError(f"{bad} invalid codes in the generated file")
    return n


def _measure_ours(path: Path) -> tuple[int, dict[str, Any]]:
    from registry.cli import main

    report = path.parent / f"report-{os.getpid()}.json"
    try:
        main(
            ["validate", str(path), "--structure", FLOW_URN, "--report", str(report)],
            standalone_mode=False,
        )
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    data = json.loads(report.read_text())
    report.unlink()
    return int(data["observations"]), {
        "exit": code,
        "valid": data["valid"],
        "errors": data["errors"],
        "warnings": data["warnings"],
        "rules": data.get("rules"),
    }


def measure(kind: str, path: Path) -> dict[str, Any]:
    """One measurement in this process (called in the subprocess)."""
    extra: dict[str, Any] = {}
    setup: Any = None
    if kind == "csv":
        setup = _csv_setup()
    elif kind == "sdmx1":
        import sdmx
        import sdmx.reader.xml.v30  # noqa: F401  (sdmx1 quirk, see docs/ARCHITECTURE.md)

        setup = sdmx.read_sdmx(ROOT / "dsd/IDAC-DSD_IDAC_CORE-1.0.xml").structure["DSD_IDAC_CORE"]
    elif kind == "pysdmx":
        from pysdmx.io import read_sdmx  # noqa: F401
    elif kind == "ours":
        import registry.cli  # noqa: F401
        import registry.submissions.pipeline  # noqa: F401
    t0 = _cpu()
    if kind == "lxml":
        n = _measure_lxml(path)
    elif kind == "csv":
        n = _measure_csv(path, setup)
    elif kind == "ours":
        n, extra = _measure_ours(path)
    elif kind == "sdmx1":
        import sdmx

        msg = sdmx.read_sdmx(path, structure=setup)
        n = sum(len(ds.obs) for ds in msg.data)
    elif kind == "pysdmx":
        from pysdmx.io import read_sdmx

        msg = read_sdmx(path, validate=False)
        n = sum(len(ds.data) for ds in msg.data)
    else:
        raise ValueError(kind)
    cpu = _cpu() - t0
    rss_mb = _peak_rss_mb()
    return {
        "kind": kind,
        "obs": n,
        "cpu": cpu,
        "rate": n / max(cpu, 1e-9),
        "rss_mb": rss_mb,
        **extra,
    }


def in_subprocess(kind: str, path: Path, url: str, timeout: float = 600) -> dict[str, Any]:
    """Run ``measure`` in a fresh interpreter; returns its JSON."""
    env = {
        **os.environ,
        "IDAC_DATABASE_URL": url,
        "IDAC_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.validate", "--measure", kind, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=str(ROOT),
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} on {path.name} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the benchmark --------------------------------------------------------------------------------


def run(quick: bool, sizes: tuple[int, ...] | None = None) -> list[Result]:
    """Generate (or reuse) the files, measure, and judge against the goals."""
    sizes = sizes or ((100_000,) if quick else SIZES)
    url = store_url()
    results: list[Result] = []
    ours: dict[tuple[str, int], dict[str, Any]] = {}
    floors: dict[str, dict[str, Any]] = {}
    for n in sizes:
        paths = files(n, ("xml",) if n > FLOOR_MAX_SIZE else ("xml", "csv"))
        for fmt, floor_kind, floor_name, goal_ratio, goal in (
            ("xml", "lxml", "bare lxml iterparse", 0.5, "≥ 0.5x (within 2x)"),
            ("csv", "csv", "csv module + dict lookups", 1.0, "≥ 1x (faster)"),
        ):
            if fmt in SMALL_ONLY and n > FLOOR_MAX_SIZE:
                continue
            if n <= FLOOR_MAX_SIZE or fmt not in floors:
                floor = floors[fmt] = in_subprocess(floor_kind, paths[fmt], url)
            else:
                # The floors run at a constant rate whatever the size (measured: ±5 % from 100k
                # to 5M); the largest files reuse the 1M figure, which keeps the full run < 10 min.
                floor = floors[fmt]
                floor_name = f"{floor_name}, at 1M"
            mine = in_subprocess("ours", paths[fmt], url)
            ours[(fmt, n)] = mine
            if mine["obs"] != n or not mine["valid"]:
                raise AssertionError(f"generated {fmt} file of {n:,} obs: {mine}")
            results.append(
                Result.rate(
                    f"validate {fmt.upper()} {n:,} obs: idac validate",
                    mine["rate"],
                    "obs/s",
                    floor["rate"],
                    floor_name,
                    goal_ratio=goal_ratio,
                    goal=goal,
                    note=f"peak RSS {mine['rss_mb']:.0f} MB (floor {floor['rss_mb']:.0f} MB), "
                    f"{mine['cpu']:.1f} s CPU, valid={mine['valid']}",
                )
            )
        if n == 100_000:
            for kind, goal_ratio, fmts in (
                ("sdmx1", 20.0, ("xml",)),
                ("pysdmx", 5.0, ("xml",) if quick else ("xml", "csv")),
            ):
                for fmt in fmts:
                    try:
                        theirs = in_subprocess(kind, paths[fmt], url)
                    except (RuntimeError, subprocess.TimeoutExpired) as exc:
                        results.append(
                            Result(
                                f"validate {fmt.upper()} {n:,} obs vs {kind}",
                                float("nan"),
                                "",
                                goal=f"≥ {goal_ratio:g}x",
                                met=None,
                                note=f"{kind} failed: {exc}",
                            )
                        )
                        continue
                    results.append(
                        Result.rate(
                            f"validate {fmt.upper()} {n:,} obs vs {kind}",
                            ours[(fmt, n)]["rate"],
                            "obs/s",
                            theirs["rate"],
                            f"{kind} read",
                            goal_ratio=goal_ratio,
                            note=f"{kind} peak RSS {theirs['rss_mb']:.0f} MB",
                        )
                    )
    for fmt in ("xml", "csv"):
        if (fmt, 1_000_000) in ours and (fmt, 5_000_000) in ours:
            a, b = ours[(fmt, 1_000_000)]["rss_mb"], ours[(fmt, 5_000_000)]["rss_mb"]
            growth = b - a
            results.append(
                Result(
                    f"validate {fmt.upper()} peak RSS growth 1M→5M",
                    growth,
                    "MB",
                    a,
                    "peak RSS at 1M",
                    b / a,
                    "< 50 MB",
                    growth < 50,
                    f"{a:.0f} MB → {b:.0f} MB",
                )
            )
    return results


def main() -> None:
    """Command line (``--measure KIND FILE`` is the subprocess side)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", default=None, help="comma-separated observation counts")
    ap.add_argument("--measure", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    from benchmarks.runner import report

    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
    results = run(args.quick, sizes)
    print(report(results))


if __name__ == "__main__":
    main()
