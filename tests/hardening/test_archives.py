"""Hostile archives through the data submission endpoint: bombs, traversal names, nested archives.

``registry/formats/containers.py`` has its unit tests in ``tests/formats/test_containers.py``; these
prove the same refusals end to end: an SDMX error message with 400/413, nothing stored, no file
written outside the upload folder, the service still up.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.hardening.conftest import (
    assert_sdmx_error,
    assert_still_up,
    observation_count,
    wait_done,
)
from tests.hardening.payloads import ROOT

CORE_CSV = (ROOT / "examples/core-pan-2024.csv").read_bytes()


def _zip(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _bomb_zip() -> bytes:
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z,
        z.open("data.csv", "w", force_zip64=True) as f,
    ):
        f.write(CORE_CSV)
        zeros = b"0" * (1 << 20)
        for _ in range(64):
            f.write(zeros)
    return buf.getvalue()


def _gzip_bomb() -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as g:
        g.write(CORE_CSV)
        zeros = b"\n" * (1 << 20)
        for _ in range(64):
            g.write(zeros)
    return buf.getvalue()


CASES = {
    "traversal": _zip({"../../../../tmp/idac-pwned.csv": CORE_CSV}),
    "absolute": _zip({"/tmp/idac-pwned.csv": CORE_CSV}),  # noqa: S108 - the attack itself
    "backslash": _zip({"..\\..\\idac-pwned.csv": CORE_CSV}),
    "nested_zip": _zip({"inner.zip": _zip({"data.csv": CORE_CSV})}),
    "nested_gzip_in_zip": _zip({"data.csv.gz": gzip.compress(CORE_CSV)}),
    "gzip_in_gzip": gzip.compress(gzip.compress(CORE_CSV)),
    "two_data_files": _zip({"a.csv": CORE_CSV, "b.csv": CORE_CSV}),
    "empty_zip": _zip({}),
    "truncated_zip": _zip({"data.csv": CORE_CSV})[:-30],
    "corrupt_gzip": gzip.compress(CORE_CSV)[:-8] + b"\x00" * 8,
}


@pytest.fixture
def bomb_app(db_url: str, tmp_path: Path) -> Any:
    from tests.conftest import make_test_app

    app = make_test_app(
        db_url, tmp_path / "instance", seed_content=True, max_decompressed_bytes=8 * 1024 * 1024
    )
    yield app
    app.extensions["idac.jobs"].shutdown()
    app.extensions["idac.db"].dispose()


def _submit(client: Any, body: bytes) -> Any:
    return client.post(
        "/api/submissions?dataflow=IDAC:DF_IDAC_CORE(1.0)&provider=PAN_SNM",
        data=body,
        content_type="application/octet-stream",
        headers={"Accept": "application/json"},
    )


def _refused(client: Any, resp: Any, *statuses: int) -> dict[str, Any]:
    """Refused at once, or accepted and then rejected with a finding that says why."""
    if resp.status_code in (200, 202):
        status = wait_done(client, resp.headers["Location"])
        assert status in ("rejected", "failed"), status
        report = client.get(resp.headers["Location"] + "/report.json").json
        assert report["valid"] is False
        return dict(report)
    assert_sdmx_error(resp, *statuses)
    return dict(resp.json)


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_archives_are_refused(bomb_app: Any, case: str) -> None:
    client = bomb_app.test_client()
    before = set(Path("/tmp").glob("idac-pwned*"))  # noqa: S108
    _refused(client, _submit(client, CASES[case]), 400, 413, 415, 422)
    assert observation_count(bomb_app) == 0
    assert set(Path("/tmp").glob("idac-pwned*")) == before  # noqa: S108
    assert not list(Path(bomb_app.instance_path).rglob("idac-pwned*"))
    assert_still_up(client)


@pytest.mark.parametrize("bomb", [_bomb_zip, _gzip_bomb], ids=["zip", "gzip"])
def test_decompression_bombs_stop_at_the_limit(bomb_app: Any, bomb: Any) -> None:
    import time

    client = bomb_app.test_client()
    body = bomb()
    assert len(body) < 1_000_000
    t0 = time.perf_counter()
    report = _refused(client, _submit(client, body), 413, 400)
    assert time.perf_counter() - t0 < 30
    assert "limit" in str(report).lower() or "large" in str(report).lower(), report
    assert observation_count(bomb_app) == 0
    assert_still_up(client)


def test_a_plain_zip_still_works(bomb_app: Any) -> None:
    client = bomb_app.test_client()
    resp = _submit(client, _zip({"data.csv": CORE_CSV}))
    assert resp.status_code in (200, 202), resp.data[:300]
    assert wait_done(client, resp.headers["Location"]) == "loaded"
    assert observation_count(bomb_app) == 105
