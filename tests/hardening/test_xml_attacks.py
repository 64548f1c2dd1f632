"""XML attacks against every XML entry point: structure codecs, data readers, HTTP structure and data submission.

Attacks (``payloads.ATTACKS``): external entities (a local file, a network URL, a parameter entity
fetching a remote DTD), billion laughs, quadratic blowup, 50,000-deep nesting, a 12 MB attribute, a
bare DOCTYPE, and a DOCTYPE hidden after 70 KB of comment (past the byte-prefix checks of
``xmlsafe.parse_document``).  Each is spliced into a real message the entry point would otherwise
accept.  A clean failure is: an ``IdacError`` subclass (``MessageSyntaxError`` for the parser's own
refusals) within a few seconds, no file content and no expanded entity in the message, no connection
to the trap port; over HTTP an SDMX error message with 400/413/415/422, nothing stored, the service
still up.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registry.errors import IdacError
from registry.formats.structures import default_codecs
from registry.submissions.structure import MessageStructures
from tests.hardening.conftest import (
    Trap,
    artefact_count,
    assert_sdmx_error,
    assert_still_up,
    observation_count,
    wait_done,
)
from tests.hardening.payloads import ATTACKS, ROOT, SECRET, attack

#: Seconds within which any refusal must come.
FAST = 10.0

#: (reader class path, data template, structure message) relative to the specimen folder.
DATA_READERS = {
    "StructureSpecificReader21": (
        "registry.formats.sdmxml21.ss_reader",
        "BIS/BIS_DER-str_ser.xml",
        "BIS/BIS-3DSD-structure.xml",
    ),
    "GenericDataReader21": (
        "registry.formats.sdmxml21.generic_reader",
        "ECB/M.USD.EUR.SP00.A.xml",
        "ECB/ECB_EXR1-structure-full.xml",
    ),
    "DataReader30": (
        "registry.formats.sdmxml30.data_reader",
        "SDMX-TWG/v30/ECB_EXR0.xml",
        "SDMX-TWG/v30/ECB_EXR1.xml",
    ),
}
STRUCTURE_TEMPLATES = {
    "sdmxml21": ROOT / "codelists/SDMX-CL_SEX-2.1.xml",
    "sdmxml30": "SDMX-TWG/v30/ECB_EXR1.xml",
}


def _payload(template: bytes, kind: str, canary: Path, trap: Trap) -> bytes:
    return attack(template, kind, secret_file=canary, port=trap.port)


def _assert_clean(fn: Callable[[], Any], trap: Trap) -> IdacError:
    t0 = time.perf_counter()
    with pytest.raises(IdacError) as info:
        fn()
    elapsed = time.perf_counter() - t0
    assert elapsed < FAST, f"refusal took {elapsed:.1f} s"
    text = str(info.value)
    assert SECRET not in text
    assert "root:x:0:0" not in text
    assert "lollol" not in text
    assert trap.connections == 0, "the parser connected to the network"
    return info.value


@pytest.mark.parametrize("kind", ATTACKS)
@pytest.mark.parametrize("codec", sorted(STRUCTURE_TEMPLATES))
def test_structure_readers(
    specimens: Path, canary: Path, trap: Trap, codec: str, kind: str
) -> None:
    src = STRUCTURE_TEMPLATES[codec]
    template = (src if isinstance(src, Path) else specimens / src).read_bytes()
    data = _payload(template, kind, canary, trap)
    _assert_clean(lambda: default_codecs().read(data), trap)


def _read_all(cls: type, data: bytes, structure: bytes) -> int:
    resolver = MessageStructures(default_codecs().read(structure)).resolve
    n = 0
    for chunk in cls().read(io.BytesIO(data), resolver):
        n += len(chunk.observations)
    return n


def _reader(name: str) -> type:
    import importlib

    module, _t, _s = DATA_READERS[name]
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def test_templates_are_accepted(specimens: Path) -> None:
    """The attacks are spliced into documents each reader reads without complaint."""
    for name, (_m, template, structure) in DATA_READERS.items():
        n = _read_all(
            _reader(name), (specimens / template).read_bytes(), (specimens / structure).read_bytes()
        )
        assert n > 0, name
    for src in STRUCTURE_TEMPLATES.values():
        path = src if isinstance(src, Path) else specimens / src
        assert default_codecs().read(path.read_bytes()).artefacts


@pytest.mark.parametrize("kind", ATTACKS)
@pytest.mark.parametrize("reader", sorted(DATA_READERS))
def test_data_readers(specimens: Path, canary: Path, trap: Trap, reader: str, kind: str) -> None:
    _m, template, structure = DATA_READERS[reader]
    data = _payload((specimens / template).read_bytes(), kind, canary, trap)
    st = (specimens / structure).read_bytes()
    _assert_clean(lambda: _read_all(_reader(reader), data, st), trap)


@pytest.mark.parametrize("kind", ATTACKS)
def test_data_registry_detection_path(specimens: Path, canary: Path, trap: Trap, kind: str) -> None:
    """Through the format registry, as uploads are read: detect by content, then read."""
    from registry.formats.registry import default_registry

    _m, template, structure = DATA_READERS["StructureSpecificReader21"]
    data = _payload((specimens / template).read_bytes(), kind, canary, trap)
    st = (specimens / structure).read_bytes()

    def run() -> int:
        cls = default_registry().detect(data[:4096])
        return _read_all(cls, data, st)

    _assert_clean(run, trap)


# --- over HTTP ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ATTACKS)
def test_http_structure_submission(
    hard_app: Any, hard_client: Any, curator: dict[str, str], canary: Path, trap: Trap, kind: str
) -> None:
    template = (
        (ROOT / "codelists/SDMX-CL_SEX-2.1.xml")
        .read_bytes()
        .replace(b'id="CL_SEX"', b'id="CL_SEX_X"')
    )
    before = artefact_count(hard_app)
    resp = hard_client.post(
        "/sdmx/v2/structure",
        data=_payload(template, kind, canary, trap),
        headers={**curator, "Content-Type": "application/xml"},
    )
    assert_sdmx_error(resp, 400, 413, 415, 422)
    assert trap.connections == 0
    assert artefact_count(hard_app) == before
    assert hard_client.get("/sdmx/rest/codelist/SDMX/CL_SEX_X").status_code == 404
    assert_still_up(hard_client)


@pytest.mark.parametrize("kind", ATTACKS)
def test_http_data_submission(
    hard_app: Any, hard_client: Any, canary: Path, trap: Trap, kind: str
) -> None:
    template = (ROOT / "examples/core-col-2024.xml").read_bytes()
    resp = hard_client.post(
        "/api/submissions?dataflow=IDAC:DF_IDAC_CORE(1.0)&provider=COL_MIGRACION",
        data=_payload(template, kind, canary, trap),
        content_type="application/xml",
        headers={"Accept": "application/json"},
    )
    body = resp.get_data(as_text=True)
    assert SECRET not in body
    assert "root:x:0:0" not in body
    assert trap.connections == 0
    if resp.status_code in (200, 202):
        # accepted for processing (queued when larger than the inline limit): it must end rejected
        status = wait_done(hard_client, resp.headers["Location"])
        assert status in ("rejected", "failed"), status
        report = hard_client.get(resp.headers["Location"] + "/report.json").json
        assert SECRET not in str(report)
        assert report["valid"] is False
    else:
        assert_sdmx_error(resp, 400, 413, 415, 422)
    assert observation_count(hard_app) == 0
    assert_still_up(hard_client)
