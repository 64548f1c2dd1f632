"""``idac submit`` against a live server (the Flask app on a local port)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from registry.cli import main
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[str]:
    app = make_test_app(db_url, tmp_path / "i", seed_content=True, inline_validation_bytes=1000)
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    app.extensions["idac.jobs"].shutdown()
    app.extensions["idac.db"].dispose()


def _submit(server: str, name: str, *extra: str) -> Any:
    return CliRunner().invoke(main, ["submit", str(ROOT / "examples" / name), "--url", server,
                                     "--dataflow", "IDAC:DF_IDAC_CORE(1.0)", "--provider", "PAN_SNM", *extra])


def test_submit_valid_file(server: str) -> None:
    result = _submit(server, "core-pan-2024.csv")
    assert result.exit_code == 0, result.output
    assert ": loaded (" in result.output and "VALID: 105 observations" in result.output


def test_submit_invalid_file(server: str) -> None:
    result = _submit(server, "core-pan-2024-invalid.csv", "--lang", "es")
    assert result.exit_code == 1, result.output
    assert ": rejected" in result.output and "VAL-301" in result.output


def test_submit_refused(server: str) -> None:
    result = CliRunner().invoke(main, ["submit", str(ROOT / "examples/core-pan-2024.csv"), "--url", server,
                                       "--dataflow", "IDAC:DF_IDAC_CORE(1.0)", "--provider", "NOBODY"])
    assert result.exit_code == 2
    assert "HTTP 422" in result.output and "Unknown data provider 'NOBODY'" in result.output


def test_server_unreachable() -> None:
    result = CliRunner().invoke(main, ["submit", str(ROOT / "examples/core-pan-2024.csv"), "--url",
                                       "http://127.0.0.1:9", "--dataflow", "IDAC:DF_IDAC_CORE(1.0)"])
    assert result.exit_code == 2 and "cannot reach" in result.output


def test_bad_token_is_refused(server: str) -> None:
    result = _submit(server, "core-pan-2024.csv", "--token", "not-a-token")
    assert result.exit_code == 2 and "HTTP 401" in result.output
