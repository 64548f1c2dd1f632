"""Fuzz corpus: truncated and mutated specimen files against every data reader and structure reader.

For each specimen (the data files of ``/work/shared/specimens`` and the IDAC examples; the structure
files and the IDAC codelists/DSDs) a fixed, seeded corpus of variants is built: truncations at several
points, byte flips, deleted and duplicated slices, a stray ``<``/``"``/``,``, invalid UTF-8.  Every
variant is read to the end by every reader that claims it (data: ``FormatRegistry.detect`` then the
reader, plus each reader of the same syntax forced on it; structures: ``default_codecs().read``).
Allowed outcomes: success, or an ``IdacError`` subclass (``MessageSyntaxError``, ``StructureError``,
``UnsupportedMediaType``…).  Any other exception is a crash; more than ``PER_FILE`` seconds is a hang.
Syntax errors must carry a location (line, or row for CSV) or name what is wrong.

Hypothesis adds property tests: arbitrary bytes, and arbitrary splices of a real message, never crash
a reader (``tests/formats`` already has round-trip properties; these are about robustness).
"""

from __future__ import annotations

import contextlib
import io
import random
import signal
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.errors import IdacError, MessageSyntaxError
from registry.formats.registry import default_registry
from registry.formats.structures import default_codecs
from registry.submissions.structure import MessageStructures
from tests.conftest import SPECIMENS
from tests.hardening.payloads import ROOT

PER_FILE = 20.0
VARIANTS = 24

#: data specimen -> structure specimen (the resolver of the readers)
DATA = {
    "BIS/BIS_DER-str_ser.xml": "BIS/BIS-3DSD-structure.xml",
    "BIS/BIS_DER-gen_all.xml": "BIS/BIS-3DSD-structure.xml",
    "BIS/BIS_DER-data_v1.csv": "BIS/BIS-3DSD-structure.xml",
    "BIS/BIS_DER-data_v2.csv": "BIS/BIS-3DSD-structure.xml",
    "ECB/M.USD.EUR.SP00.A.xml": "ECB/ECB_EXR1-structure-full.xml",
    "ECB/exr-ts.json": "ECB/ECB_EXR1-structure-full.xml",
    "ECB/exr-action-delete.json": "ECB/ECB_EXR1-structure-full.xml",
    "SDMX-TWG/v21/sg-ts.xml": "SDMX-TWG/v21/sg-structure-full.xml",
    "SDMX-TWG/v21/sg-xs-ss.xml": "SDMX-TWG/v21/sg-structure-full.xml",
    "SDMX-TWG/v30/ECB_EXR0.xml": "SDMX-TWG/v30/ECB_EXR1.xml",
    "ISTAT/22_289.xml": "ISTAT/22_289-structure.xml",
    "ESTAT/NRG_BAL_S-data.xml": "ESTAT/NRG_BAL_S-structure.xml",
    "EDGE/DS1-invalid-constraint.xml": "EDGE/DS1-structure-with-constraints.xml",
}
STRUCTURES = [
    "BIS/BIS-3DSD-structure.xml",
    "ECB/ECB_EXR1-structure-full.xml",
    "ECB/ECB_EXR1-structure-stubs.xml",
    "SDMX-TWG/v21/sg-structure-full.xml",
    "SDMX-TWG/v30/ECB_EXR1.xml",
    "ISTAT/22_289-structure.xml",
    "ESTAT/NRG_BAL_S-structure.xml",
    "EDGE/DS1-structure-with-constraints.xml",
    "UNICEF/CME-dataflow-dsd.xml",
]
IDAC_STRUCTURES = [
    "dsd/IDAC-DSD_IDAC_CORE-1.0.xml",
    "dsd/IDAC-constraints-dataflows-1.0.xml",
    "codelists/IDAC-CL_AREA-1.0.xml",
]


def mutations(data: bytes, seed: int, n: int = VARIANTS) -> Iterator[tuple[str, bytes]]:
    """A deterministic corpus of damaged copies of ``data``."""
    rnd = random.Random(seed)  # noqa: S311 - reproducible fuzzing, not cryptography
    size = len(data)
    for frac in (0.0, 0.01, 0.1, 0.33, 0.5, 0.9, 0.999):
        cut = int(size * frac)
        yield f"truncate@{cut}", data[:cut]
    made = 0
    while made < n:
        pos = rnd.randrange(max(size, 1))
        op = rnd.choice(("flip", "delete", "duplicate", "insert", "utf8"))
        if op == "flip":
            out = data[:pos] + bytes([data[pos] ^ (1 << rnd.randrange(8))]) + data[pos + 1 :]
        elif op == "delete":
            out = data[:pos] + data[pos + rnd.randrange(1, 200) :]
        elif op == "duplicate":
            out = data[:pos] + data[pos : pos + rnd.randrange(1, 400)] * 2 + data[pos + 400 :]
        elif op == "insert":
            out = (
                data[:pos]
                + rnd.choice((b"<", b'"', b",", b"\n", b"{", b"&", b"]]>", b"\x00"))
                + data[pos:]
            )
        else:
            out = data[:pos] + b"\xff\xfe\xc3" + data[pos:]
        made += 1
        yield f"{op}@{pos}", out


class Hang(Exception):
    """Reading took longer than ``PER_FILE``."""


def _alarm(_sig: int, _frame: Any) -> None:
    raise Hang


def _bounded(fn: Any, *args: Any) -> Any:
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, PER_FILE)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _check_error(exc: IdacError, label: str) -> None:
    assert str(exc).strip(), f"{label}: empty error message"
    if isinstance(exc, MessageSyntaxError) and "line" not in str(exc) and "row" not in str(exc):
        # not every syntax error has a position (empty body, unknown root), but it must say what
        assert len(str(exc)) > 15, f"{label}: error without location or explanation: {exc!r}"


def _read_data(cls: type, data: bytes, resolver: Any) -> int:
    n = 0
    for chunk in cls().read(io.BytesIO(data), resolver):
        n += len(chunk.observations)
    return n


_SYNTAX = {
    "xml": ("StructureSpecificReader21", "GenericDataReader21", "DataReader30"),
    "csv": ("CsvReader",),
    "json": ("JsonDataReader",),
}


def _readers_for(name: str) -> list[type]:
    kind = name.rsplit(".", 1)[-1]
    by_name = {c.__name__: c for c in default_registry().readers}
    return [by_name[n] for n in _SYNTAX[kind] if n in by_name]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DATA))
def test_data_readers_survive_damaged_specimens(name: str) -> None:
    data = (SPECIMENS / name).read_bytes()
    resolver = MessageStructures(
        default_codecs().read((SPECIMENS / DATA[name]).read_bytes())
    ).resolve
    registry = default_registry()
    crashes = []
    for label, variant in mutations(data, seed=zlib.crc32(name.encode())):
        candidates: list[Any] = []
        try:
            candidates.append(registry.detect(variant[:4096]))
        except IdacError as exc:
            _check_error(exc, f"{name} {label} detect")
        candidates += [c for c in _readers_for(name) if c not in candidates]
        for cls in candidates:
            try:
                _bounded(_read_data, cls, variant, resolver)
            except IdacError as exc:
                _check_error(exc, f"{name} {label} {cls.__name__}")
            except Hang:
                crashes.append(f"{label} {cls.__name__}: no answer after {PER_FILE} s")
            except Exception as exc:  # noqa: BLE001 - collecting crashes is the point
                crashes.append(f"{label} {cls.__name__}: {exc.__class__.__name__}: {exc}"[:300])
    assert not crashes, "\n".join(crashes)


@pytest.mark.slow
@pytest.mark.parametrize("name", STRUCTURES + IDAC_STRUCTURES)
def test_structure_readers_survive_damaged_specimens(name: str) -> None:
    path = ROOT / name if name.startswith(("dsd/", "codelists/")) else SPECIMENS / name
    data = path.read_bytes()
    codecs = default_codecs()
    crashes = []
    for label, variant in mutations(data, seed=zlib.crc32(name.encode()), n=16):
        try:
            _bounded(codecs.read, variant)
        except IdacError as exc:
            _check_error(exc, f"{name} {label}")
        except Hang:
            crashes.append(f"{label}: no answer after {PER_FILE} s")
        except Exception as exc:  # noqa: BLE001 - collecting crashes is the point
            crashes.append(f"{label}: {exc.__class__.__name__}: {exc}"[:300])
    assert not crashes, "\n".join(crashes)


def test_json_structure_reader_survives_damaged_json() -> None:
    from registry.formats.sdmxjson.structure_writer import StructureWriterJson20

    message = default_codecs().read((ROOT / "codelists/SDMX-CL_SEX-2.1.xml").read_bytes())
    from registry.formats.structure_base import MessageHeader, WriteItem

    writer = StructureWriterJson20()
    data = b"".join(
        _as_bytes(writer.write([WriteItem(a) for a in message.artefacts], MessageHeader()))
    )
    crashes = []
    for label, variant in mutations(data, seed=7):
        try:
            _bounded(default_codecs().read, variant)
        except IdacError as exc:
            _check_error(exc, label)
        except Exception as exc:  # noqa: BLE001
            crashes.append(f"{label}: {exc.__class__.__name__}: {exc}"[:300])
    assert not crashes, "\n".join(crashes)


def _as_bytes(out: Any) -> list[bytes]:
    if isinstance(out, bytes | str):
        out = [out]
    return [p.encode() if isinstance(p, str) else bytes(p) for p in out]


# --- Hypothesis ------------------------------------------------------------------------------------

_BIS_STRUCTURE = None


def _bis_resolver() -> Any:
    global _BIS_STRUCTURE
    if _BIS_STRUCTURE is None:
        _BIS_STRUCTURE = MessageStructures(
            default_codecs().read((SPECIMENS / "BIS/BIS-3DSD-structure.xml").read_bytes())
        ).resolve
    return _BIS_STRUCTURE


def _any_reader_on(data: bytes) -> None:
    for cls in default_registry().readers:
        with contextlib.suppress(IdacError):
            _read_data(cls, data, _bis_resolver())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_readers_never_crash_on_arbitrary_bytes(data: bytes) -> None:
    _any_reader_on(data)
    with contextlib.suppress(IdacError):
        default_codecs().read(data)


_SEED_XML = (
    (SPECIMENS / "BIS/BIS_DER-str_ser.xml").read_bytes()[:6000] if SPECIMENS.is_dir() else b""
)
_SEED_CSV = (
    (SPECIMENS / "BIS/BIS_DER-data_v2.csv").read_bytes()[:3000] if SPECIMENS.is_dir() else b""
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([_SEED_XML, _SEED_CSV]),
    st.integers(0, 6000),
    st.integers(0, 6000),
    st.binary(max_size=40),
)
def test_readers_never_crash_on_spliced_messages(seed: bytes, a: int, b: int, junk: bytes) -> None:
    lo, hi = sorted((a % (len(seed) + 1), b % (len(seed) + 1)))
    _any_reader_on(seed[:lo] + junk + seed[hi:])
