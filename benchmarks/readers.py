"""Micro-benchmark: SDMX-ML data readers against bare lxml ``iterparse`` on the same file.

Generates a structure-specific SDMX-ML 2.1 file (10-dimension DSD: 9 series dimensions +
TIME_PERIOD, two series attributes, one observation attribute) and prints observations per second
for:

* ``bare iterparse``  — ``etree.iterparse`` with end events, counting ``Obs`` and clearing each element
  (the floor: what parsing alone costs);
* ``bare + attrs``     — the same plus ``dict(el.items())`` per observation (the least a reader must do);
* ``StructureSpecificReader21`` — the real reader, consuming every chunk;
* ``GenericDataReader21`` on the same data written as GenericData (if ``--generic``).

Usage::

    python benchmarks/readers.py [--obs 1000000] [--per-series 100] [--keep PATH] [--generic]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from registry.formats.base import ResolvedStructure  # noqa: E402
from registry.formats.sdmxml21.generic_reader import GenericDataReader21  # noqa: E402
from registry.formats.sdmxml21.ss_reader import StructureSpecificReader21  # noqa: E402
from registry.sdmx.model import DataAttribute, DataStructure, Dimension, Measure  # noqa: E402

DIMS = [f"D{i}" for i in range(9)]
MES = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<message:{{root}} xmlns:message="{MES}" '
    'xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific" '
    'xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic" '
    'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    "<message:Header><message:ID>BENCH</message:ID><message:Test>true</message:Test>"
    '<message:Prepared>2024-01-01T00:00:00</message:Prepared><message:Sender id="BENCH"/>'
    '<message:Structure structureID="S" dimensionAtObservation="TIME_PERIOD"><common:Structure>'
    '<Ref agencyID="BENCH" id="DSD10" version="1.0"/></common:Structure></message:Structure>'
    "</message:Header>\n"
)


def dsd() -> DataStructure:
    """The benchmark DSD."""
    dims = [Dimension(d, position=i) for i, d in enumerate(DIMS)]
    dims.append(Dimension("TIME_PERIOD", position=len(DIMS), kind="time"))
    attrs = [DataAttribute(a) for a in ("UNIT_MULT", "DECIMALS", "OBS_STATUS")]
    return DataStructure(
        "BENCH", "DSD10", dimensions=dims, attributes=attrs, measures=[Measure("OBS_VALUE")]
    )


def _key(s: int) -> list[tuple[str, str]]:
    return [(d, f"V{(s >> i) % 7}") for i, d in enumerate(DIMS)]


def write_ss(path: Path, n_obs: int, per_series: int) -> None:
    """Write a structure-specific file with ``n_obs`` observations."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEAD.format(root="StructureSpecificData"))
        f.write('<message:DataSet ss:structureRef="S" action="Replace">\n')
        for s in range((n_obs + per_series - 1) // per_series):
            key = " ".join(f'{d}="{v}"' for d, v in _key(s))
            f.write(f'<Series {key} UNIT_MULT="0" DECIMALS="2">\n')
            for o in range(min(per_series, n_obs - s * per_series)):
                f.write(
                    f'<Obs TIME_PERIOD="{1900 + o // 12}-{o % 12 + 1:02d}" OBS_VALUE="{s}.{o}" OBS_STATUS="A"/>\n'
                )
            f.write("</Series>\n")
        f.write("</message:DataSet>\n</message:StructureSpecificData>\n")


def write_generic(path: Path, n_obs: int, per_series: int) -> None:
    """The same data as GenericData."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEAD.format(root="GenericData"))
        f.write('<message:DataSet structureRef="S" action="Replace">\n')
        for s in range((n_obs + per_series - 1) // per_series):
            f.write("<generic:Series><generic:SeriesKey>")
            f.write("".join(f'<generic:Value id="{d}" value="{v}"/>' for d, v in _key(s)))
            f.write(
                '</generic:SeriesKey><generic:Attributes><generic:Value id="UNIT_MULT" value="0"/>'
                '<generic:Value id="DECIMALS" value="2"/></generic:Attributes>\n'
            )
            for o in range(min(per_series, n_obs - s * per_series)):
                f.write(
                    f'<generic:Obs><generic:ObsDimension value="{1900 + o // 12}-{o % 12 + 1:02d}"/>'
                    f'<generic:ObsValue value="{s}.{o}"/><generic:Attributes>'
                    '<generic:Value id="OBS_STATUS" value="A"/></generic:Attributes></generic:Obs>\n'
                )
            f.write("</generic:Series>\n")
        f.write("</message:DataSet>\n</message:GenericData>\n")


def bare(path: Path) -> int:
    """Bare iterparse: end events, count observations, clear."""
    n = 0
    for _, el in etree.iterparse(str(path), events=("end",)):
        if (
            el.tag == "Obs"
            or el.tag == "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic}Obs"
        ):
            n += 1
        el.clear()
    return n


def bare_attrs(path: Path) -> int:
    """Bare iterparse plus one dict of the attributes per observation."""
    n = 0
    for _, el in etree.iterparse(str(path), events=("end",)):
        if el.tag == "Obs":
            dict(el.items())
            n += 1
        el.clear()
    return n


def run_reader(reader: object, path: Path) -> int:
    """Read the file with a data reader, consuming every chunk."""
    structure = ResolvedStructure(dsd())
    n = 0
    with open(path, "rb") as f:
        for chunk in reader.read(f, lambda ref: structure):  # type: ignore[attr-defined]
            n += len(chunk.observations)
    return n


def timed(label: str, fn: Callable[[], int], repeat: int) -> float:
    """Best of ``repeat`` runs; prints and returns obs/s."""
    best = float("inf")
    n = 0
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        n = fn()
        best = min(best, time.perf_counter() - t0)
    rate = n / best
    print(f"{label:34s} {n:>9,} obs  {best:6.2f} s  {rate / 1e3:8.0f} k obs/s")
    return rate


def main() -> None:
    """Generate the file(s) and print the figures."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--obs", type=int, default=1_000_000)
    ap.add_argument("--per-series", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="folder to write the generated files to (kept)")
    ap.add_argument("--generic", action="store_true", help="also benchmark GenericData")
    args = ap.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="idac-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    ss = folder / f"ss-{args.obs}.xml"
    if not ss.exists():
        write_ss(ss, args.obs, args.per_series)
    print(f"structure-specific 2.1: {ss} ({os.path.getsize(ss) / 1e6:.1f} MB)")
    floor = timed("bare iterparse", lambda: bare(ss), args.repeat)
    timed("bare iterparse + attribute dicts", lambda: bare_attrs(ss), args.repeat)
    rate = timed(
        "StructureSpecificReader21",
        lambda: run_reader(StructureSpecificReader21(), ss),
        args.repeat,
    )
    print(f"reader / bare iterparse: {floor / rate:.2f}x the time")
    if args.generic:
        gen = folder / f"generic-{args.obs}.xml"
        if not gen.exists():
            write_generic(gen, args.obs, args.per_series)
        print(f"generic 2.1: {gen} ({os.path.getsize(gen) / 1e6:.1f} MB)")
        gfloor = timed("bare iterparse", lambda: bare(gen), args.repeat)
        grate = timed(
            "GenericDataReader21", lambda: run_reader(GenericDataReader21(), gen), args.repeat
        )
        print(f"reader / bare iterparse: {gfloor / grate:.2f}x the time")
    if args.keep is None:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
