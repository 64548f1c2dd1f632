"""Test helpers for the SDMX-ML data readers: specimen DSDs, a recording resolver, a summary of a
read, and a small structure-specific 2.1 writer (test-local, independent of the service's writers)
for generated files and property tests."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO
from xml.sax.saxutils import quoteattr

from registry.formats.base import DataChunk, DataSetInfo, Obs, ResolvedStructure, Series
from registry.sdmx.model import DataAttribute, DataStructure, Dimension, Measure
from registry.sdmx.refs import ArtefactType, Ref

#: Specimen data file -> (structure file, DSD id).
SPECIMEN_DSDS: dict[str, tuple[str, str]] = {
    "ECB/M.USD.EUR.SP00.A.xml": ("ECB/ECB_EXR1-structure-stubs.xml", "ECB_EXR1"),
    "SDMX-TWG/v21/sg-ts.xml": ("SDMX-TWG/v21/sg-structure-full.xml", "ECB_EXR_SG"),
    "SDMX-TWG/v21/sg-xs-ss.xml": ("SDMX-TWG/v21/sg-structure-full.xml", "ECB_EXR_SG"),
    "ISTAT/22_289.xml": ("ISTAT/22_289-structure.xml", "DCIS_POPRES1"),
    "ESTAT/NRG_BAL_S-data.xml": ("ESTAT/NRG_BAL_S-structure.xml", "NRG_BAL_S"),
    "ESTAT/footer.xml": ("ECB/ECB_EXR1-structure-stubs.xml", "ECB_EXR1"),
    "BIS/BIS_DER-gen_all.xml": ("BIS/BIS-3DSD-structure.xml", "BIS_DER"),
    "BIS/BIS_DER-str_ser.xml": ("BIS/BIS-3DSD-structure.xml", "BIS_DER"),
    "UNICEF/CME-serieskeys.xml": ("UNICEF/CME-dataflow-dsd.xml", "DSD_CME"),
    "UNICEF/CME-world-serieskeys.xml": ("UNICEF/CME-dataflow-dsd.xml", "DSD_CME"),
    "EDGE/DS1-invalid-constraint.xml": ("EDGE/DS1-structure-with-constraints.xml", "DS1"),
    "SDMX-TWG/v30/ECB_EXR0.xml": ("SDMX-TWG/v30/ECB_EXR1.xml", "ECB_EXR"),
}


@cache
def _structure_message(path: Path):  # type: ignore[no-untyped-def]
    data = path.read_bytes()
    if b"/schemas/v3_0/" in data[:4096]:
        from registry.formats.sdmxml30.structure_reader import StructureReader30

        return StructureReader30().read(data)
    from registry.formats.sdmxml21.structure_reader import StructureReader21

    return StructureReader21().read(data)


def specimen_dsd(specimens: Path, data_file: str) -> DataStructure:
    """The DSD of a specimen data file, read from its structure file with the service's readers."""
    structure_file, dsd_id = SPECIMEN_DSDS[data_file]
    for dsd in _structure_message(specimens / structure_file).of_type(ArtefactType.DATA_STRUCTURE):
        if dsd.id == dsd_id:
            assert isinstance(dsd, DataStructure)
            return dsd
    raise LookupError(dsd_id)


@dataclass
class RecordingResolver:
    """A resolver that answers every reference with one structure and records what it was asked."""

    structure: ResolvedStructure
    asked: list[Ref | None] = field(default_factory=list)

    def __call__(self, ref: Ref | None) -> ResolvedStructure:
        self.asked.append(ref)
        return self.structure


@dataclass
class Summary:
    """Everything a read produced, checked for the streaming invariants on the way."""

    datasets: list[DataSetInfo] = field(default_factory=list)
    observations: list[Obs] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    empty_series: list[Series] = field(default_factory=list)
    chunks: int = 0
    max_chunk: int = 0

    @property
    def all_series(self) -> list[Series]:
        """Series with observations, then series without."""
        return self.series + self.empty_series


def summarise(chunks: Iterable[DataChunk], batch_size: int | None = None) -> Summary:
    """Consume a read, checking chunk bounds and that series are shared by identity."""
    out = Summary()
    seen: set[int] = set()
    for chunk in chunks:
        out.chunks += 1
        out.max_chunk = max(out.max_chunk, len(chunk.observations))
        if batch_size is not None:
            assert len(chunk.observations) <= batch_size
            assert len(chunk.empty_series) <= batch_size
        if not out.datasets or out.datasets[-1] is not chunk.dataset:
            assert all(d is not chunk.dataset for d in out.datasets), "data set chunks interleaved"
            out.datasets.append(chunk.dataset)
        for obs in chunk.observations:
            if id(obs.series) not in seen:
                seen.add(id(obs.series))
                out.series.append(obs.series)
            out.observations.append(obs)
        out.empty_series.extend(chunk.empty_series)
    return out


def read_specimen(
    reader: object, specimens: Path, data_file: str, **kw: int
) -> tuple[Summary, RecordingResolver]:
    """Read a specimen with its DSD; returns the summary and the resolver (for the refs asked)."""
    resolver = RecordingResolver(ResolvedStructure(specimen_dsd(specimens, data_file)))
    with open(specimens / data_file, "rb") as f:
        summary = summarise(reader.read(f, resolver, **kw), kw.get("batch_size"))  # type: ignore[attr-defined]
    return summary, resolver


# --- synthetic DSD and a tiny structure-specific writer --------------------------------------------

MES21 = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
MES30 = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message"


def toy_dsd(
    n_dims: int = 3, attrs: Iterable[str] = ("OBS_STATUS", "UNIT_MULT", "TITLE")
) -> DataStructure:
    """A DSD with dimensions D0…Dn-1, TIME_PERIOD, the given attributes and OBS_VALUE."""
    dims = [Dimension(f"D{i}", position=i) for i in range(n_dims)]
    dims.append(Dimension("TIME_PERIOD", position=n_dims, kind="time"))
    return DataStructure(
        "TEST",
        "TOY",
        dimensions=dims,
        attributes=[DataAttribute(a) for a in attrs],
        measures=[Measure("OBS_VALUE")],
    )


@dataclass
class WSeries:
    """A series to write with the test writer."""

    key: dict[str, str]
    attrs: dict[str, str] = field(default_factory=dict)
    obs: Iterable[tuple[dict[str, str], str | None, dict[str, str]]] = field(default_factory=list)


def _attrs(values: dict[str, str | None]) -> str:
    return "".join(f" {k}={quoteattr(v)}" for k, v in values.items() if v is not None)


def ss_message(
    datasets: Iterable[tuple[dict[str, str], Iterable[WSeries]]],
    *,
    dao: str = "TIME_PERIOD",
    version: str = "2.1",
    structure: str = '<Ref agencyID="TEST" id="TOY" version="1.0"/>',
    flat: bool = False,
) -> Iterator[bytes]:
    """Encode data sets (dataset XML attributes, series) as structure-specific XML, in pieces."""
    mes = MES21 if version == "2.1" else MES30
    ss = mes.replace("/message", "/data/structurespecific")
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<message:StructureSpecificData xmlns:message="{mes}" '
        f'xmlns:ss="{ss}" xmlns:common="{mes.replace("/message", "/common")}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        "<message:Header><message:ID>T</message:ID><message:Test>true</message:Test>"
        '<message:Prepared>2024-01-01T00:00:00</message:Prepared><message:Sender id="T"/>'
        f'<message:Structure structureID="S" dimensionAtObservation="{dao}">'
        f"<common:Structure>{structure}</common:Structure></message:Structure></message:Header>\n"
    ).encode()
    for ds_attrs, series in datasets:
        yield f'<message:DataSet ss:structureRef="S"{_attrs(dict(ds_attrs))}>\n'.encode()
        for s in series:
            opened = False
            if not flat:
                yield f"<Series{_attrs({**s.key, **s.attrs})}".encode()
            for dims, value, oattrs in s.obs:
                if not flat and not opened:
                    yield b">\n"
                    opened = True
                full = {**(s.key if flat else {}), **dims, "OBS_VALUE": value, **oattrs}
                yield f"<Obs{_attrs(full)}/>\n".encode()
            if not flat:
                yield b"</Series>\n" if opened else b"/>\n"
        yield b"</message:DataSet>\n"
    yield b"</message:StructureSpecificData>\n"


class GeneratedStream(io.RawIOBase):
    """A readable stream over generated pieces (a big file that never exists in memory at once)."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        super().__init__()
        self._pieces = pieces
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while not self._buf:
            try:
                self._buf = next(self._pieces)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._buf))
        buffer[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def big_series(n_obs: int, per_series: int = 100, n_dims: int = 3) -> Iterator[WSeries]:
    """``n_obs`` observations in series of ``per_series`` (generated lazily)."""
    for s in range((n_obs + per_series - 1) // per_series):
        key = {f"D{i}": f"V{(s >> i) % 5}" for i in range(n_dims)}
        count = min(per_series, n_obs - s * per_series)
        yield WSeries(
            key,
            {"UNIT_MULT": "0"},
            (
                ({"TIME_PERIOD": f"{1900 + o}"}, f"{s}.{o}", {"OBS_STATUS": "A"})
                for o in range(count)
            ),
        )


def open_generated(pieces: Iterator[bytes]) -> IO[bytes]:
    """A buffered binary stream over generated pieces."""
    return io.BufferedReader(GeneratedStream(pieces), 64 * 1024)
