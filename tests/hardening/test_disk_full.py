"""Faults: the disk fills up while a submission is stored or checked.

A real full disk where the machine allows it: a 16 KiB tmpfs mounted on the instance's upload
folder (needs root, as CI has; skipped otherwise), so the kernel itself refuses the write with
ENOSPC.  The later stages (the validator's spill files) are reached by making the validator's write
fail the same way.  Every case must end in a clear answer (507 with ``Retry-After`` for an upload,
a failed submission whose message says why), nothing stored or half-written, no temporary file
left behind, the previous data intact, and the service still up.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_test_app
from tests.hardening.conftest import (
    assert_sdmx_error,
    assert_still_up,
    observation_count,
    wait_done,
)
from tests.hardening.payloads import ROOT

CORE = "IDAC:DF_IDAC_CORE(1.0)"
UPLOAD = f"/api/submissions?dataflow={CORE}&provider=PAN_SNM"
JSON = {"Accept": "application/json"}
BODY = (ROOT / "examples/core-pan-2024.csv").read_bytes()


@pytest.fixture
def disk_app(db_url: str, tmp_path: Path) -> Iterator[Any]:
    """A seeded application of its own."""
    app = make_test_app(db_url, tmp_path / "instance", seed_content=True)
    yield app
    app.extensions["idac.jobs"].shutdown()
    app.extensions["idac.db"].dispose()


@pytest.fixture
def full_uploads(disk_app: Any) -> Iterator[Path]:
    """The upload folder on a 16 KiB tmpfs: a real device that fills up."""
    folder = Path(disk_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    mounted, why = _mount_tmpfs(folder, "16k")
    if not mounted:
        pytest.skip(f"cannot mount a tmpfs here: {why}")
    try:
        yield folder
    finally:
        _umount(folder)


def _mount_tmpfs(folder: Path, size: str) -> tuple[bool, str]:
    """Mount a tmpfs of ``size`` on ``folder`` (root only); (mounted, why not)."""
    if os.geteuid() != 0:
        return False, "mounting a small tmpfs needs root (CI runs as root)"
    done = subprocess.run(  # noqa: S603 - fixed arguments, a test folder
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],  # noqa: S607
        capture_output=True,
        check=False,
    )
    return done.returncode == 0, done.stderr.decode(errors="replace").strip()


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], check=False)  # noqa: S603, S607 - test folder


def _submissions(client: Any) -> list[Any]:
    return list(client.get("/api/submissions", headers=JSON).json["submissions"])


def test_upload_on_a_full_disk_is_507_and_leaves_nothing(disk_app: Any, full_uploads: Path) -> None:
    assert len(BODY) > 16 * 1024  # larger than the device
    client = disk_app.test_client()
    resp = client.post(UPLOAD, data=BODY, content_type="text/csv", headers=JSON)
    assert_sdmx_error(resp, 507)
    assert int(resp.headers["Retry-After"]) > 0
    assert "disk space" in resp.json["errors"][0]["title"]
    assert list(full_uploads.iterdir()) == []  # the partial file was removed
    assert _submissions(client) == []
    assert observation_count(disk_app) == 0
    assert_still_up(client)
    # Space comes back: the same file is accepted without restarting anything.
    _umount(full_uploads)
    again = client.post(UPLOAD, data=BODY, content_type="text/csv", headers=JSON)
    assert again.status_code == 202, again.data[:300]
    assert wait_done(client, again.json["url"]) == "loaded"


def test_web_form_upload_on_a_full_disk_is_a_page(disk_app: Any, full_uploads: Path) -> None:
    from tests.auth.helpers import add_user, login

    client = disk_app.test_client()
    add_user(disk_app, "officer", ("submitter", "PAN_SNM"))
    csrf = login(client, "officer")
    resp = client.post(
        "/submit",
        data={
            "dataflow": CORE,
            "provider": "PAN_SNM",
            "csrf_token": csrf,
            "file": (io.BytesIO(BODY), "core-pan-2024.csv"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 507
    assert int(resp.headers["Retry-After"]) > 0
    assert b"<html" in resp.data.lower()
    assert b"Traceback" not in resp.data
    assert list(full_uploads.iterdir()) == []
    assert observation_count(disk_app) == 0


@pytest.fixture
def full_spill_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A spill directory with no room: a filled 16 KiB tmpfs (root), else refused writes."""
    from registry.validation import spill

    folder = tmp_path / "spill"
    folder.mkdir()
    mounted, _why = _mount_tmpfs(folder, "16k")
    try:
        if mounted:
            _fill(folder / "filler")
        else:

            def refuse(self: Any, *args: Any, **kwargs: Any) -> None:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            monkeypatch.setattr(spill.DigestRuns, "add", refuse)
        yield folder
    finally:
        if mounted:
            _umount(folder)


def _fill(path: Path) -> None:
    """Write to ``path`` until its device is full (ENOSPC)."""
    with path.open("wb", buffering=0) as f:
        while True:
            try:
                f.write(b"\0" * 4096)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                return


def test_out_of_space_while_checking_fails_cleanly(
    disk_app: Any, full_spill_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The validator's spill files hit a full disk: failed, said so, previous data unchanged."""
    from registry.submissions import pipeline

    client = disk_app.test_client()
    first = client.post(UPLOAD, data=BODY, content_type="text/csv", headers=JSON)
    assert wait_done(client, first.json["url"]) == "loaded"
    before = observation_count(disk_app)
    assert before > 0

    real_options = pipeline.validation_options

    def spilling(action: str, rules: Any) -> Any:
        # Spill the duplicate check to disk after 10 keys, into the full directory.
        options = real_options(action, rules)
        options.memory_duplicate_keys = 10
        options.spill_dir = str(full_spill_dir)
        return options

    monkeypatch.setattr(pipeline, "validation_options", spilling)
    # A changed file (one more blank line), so it is not answered as a duplicate.
    resp = client.post(UPLOAD, data=BODY + b"\r\n", content_type="text/csv", headers=JSON)
    assert resp.status_code in (200, 202), resp.data[:300]
    assert wait_done(client, resp.json["url"]) == "failed"
    body = client.get(resp.json["url"], headers=JSON).json
    assert "disk space" in body["error"], body
    assert observation_count(disk_app) == before
    leftovers = [p.name for p in (Path(disk_app.instance_path) / "uploads").glob("*.part")]
    assert leftovers == []
    assert_still_up(client)
