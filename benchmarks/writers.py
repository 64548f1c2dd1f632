"""Benchmark: StructureSpecificWriter21 against sdmx1 (model objects + ``sdmx.to_xml``).

Generates N observations (default 100,000) in series of 100 for the ECB EXR DSD (read from the
specimen with ``StructureReader21`` for us and with ``sdmx.read_sdmx`` for sdmx1), writes them as
SDMX-ML 2.1 StructureSpecificData both ways and prints observations per second and the ratio.

    python benchmarks/writers.py [N]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sdmx  # noqa: E402
import sdmx.reader.xml.v30  # noqa: E402, F401  (sdmx1 needs its 3.0 reader registered before 2.1 reads)
from sdmx.message import DataMessage  # noqa: E402
from sdmx.model import v21  # noqa: E402

from registry.formats.base import DataSetInfo, OutObs, OutSeries, ResolvedStructure, WriteOptions  # noqa: E402
from registry.formats.sdmxml21.ss_writer import StructureSpecificWriter21  # noqa: E402
from registry.formats.sdmxml21.structure_reader import StructureReader21  # noqa: E402
from registry.sdmx.refs import ArtefactType  # noqa: E402

SPECIMEN = Path(__file__).resolve().parents[1].parent / "shared/specimens/ECB/ECB_EXR1-structure-full.xml"
CURRENCIES = ["USD", "JPY", "GBP", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN"]
PER_SERIES = 100


def keys(n_obs: int) -> Iterator[tuple[dict[str, str], list[tuple[str, str]]]]:
    n_series = max(1, n_obs // PER_SERIES)
    for i in range(n_series):
        key = {"FREQ": "M", "CURRENCY": CURRENCIES[i % len(CURRENCIES)], "CURRENCY_DENOM": "EUR",
               "EXR_TYPE": f"SP0{i // len(CURRENCIES) % 10}", "EXR_SUFFIX": "A"}
        obs = [(f"{1900 + j // 12}-{j % 12 + 1:02d}", f"{i}.{j}") for j in range(PER_SERIES)]
        yield key, obs


def ours(n_obs: int) -> tuple[float, int]:
    msg = StructureReader21().read(SPECIMEN.read_bytes())
    structure = ResolvedStructure(msg.of_type(ArtefactType.DATA_STRUCTURE)[0])  # type: ignore[arg-type]
    t0 = time.perf_counter()
    series = (
        OutSeries(k, {"TITLE": "Exchange rate", "UNIT": k["CURRENCY"]},
                  (OutObs({"TIME_PERIOD": t}, v, {"OBS_STATUS": "A"}) for t, v in obs))
        for k, obs in keys(n_obs)
    )
    size = 0
    for piece in StructureSpecificWriter21().write(structure, DataSetInfo(None), series, WriteOptions()):
        size += len(piece)
    return time.perf_counter() - t0, size


def theirs(n_obs: int) -> tuple[float, int]:
    dsd = sdmx.read_sdmx(SPECIMEN).structure["ECB_EXR1"]
    t0 = time.perf_counter()
    ds = v21.StructureSpecificDataSet(structured_by=dsd)
    status = dsd.attributes.get("OBS_STATUS")
    title = dsd.attributes.get("TITLE")
    measure = dsd.measures[0]
    for k, obs in keys(n_obs):
        skey = dsd.make_key(v21.SeriesKey, k)
        skey.attrib["TITLE"] = v21.AttributeValue(value="Exchange rate", value_for=title)
        observations = [
            v21.Observation(
                dimension=dsd.make_key(v21.Key, {"TIME_PERIOD": t}), value=v, value_for=measure,
                attached_attribute={"OBS_STATUS": v21.AttributeValue(value="A", value_for=status)},
            )
            for t, v in obs
        ]
        ds.add_obs(observations, series_key=skey)
    msg = DataMessage(data=[ds], dataflow=v21.DataflowDefinition(id="EXR", structure=dsd))
    data = sdmx.to_xml(msg)
    return time.perf_counter() - t0, len(data)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t_ours, size_ours = ours(n)
    print(f"IDAC StructureSpecificWriter21: {n:,} obs in {t_ours:.2f} s = {n / t_ours:,.0f} obs/s ({size_ours:,} bytes)")
    t_theirs, size_theirs = theirs(n)
    print(f"sdmx1 model + sdmx.to_xml:      {n:,} obs in {t_theirs:.2f} s = {n / t_theirs:,.0f} obs/s "
          f"({size_theirs:,} bytes)")
    print(f"ratio: {t_theirs / t_ours:.1f}x faster")


if __name__ == "__main__":
    main()
