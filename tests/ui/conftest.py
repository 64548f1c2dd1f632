"""Fixtures of the web interface tests: a seeded app with example data, a live server, Chromium.

Browser tests (``@pytest.mark.browser``) drive the system Chromium through chromedriver (Selenium).
They **fail** when Chromium or chromedriver is missing — CI installs them
(``apt-get install -y chromium chromium-driver``) and a missing browser must not pass silently.
Screenshots of the main pages in both languages go to ``test-artifacts/screenshots/`` (gitignored).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.conftest import PG_URL, ROOT, _drop_pg_schema, _new_pg_schema, make_test_app

EXAMPLES = ROOT / "examples"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "a long test password 42"  # noqa: S105 - test fixture
#: The valid example files and their providers (loaded before the explorer and crawl tests).
VALID_EXAMPLES = (
    ("core-pan-2024.csv", "IDAC:DF_IDAC_CORE(1.0)", "PAN_SNM"),
    ("core-mex-2024.csv", "IDAC:DF_IDAC_CORE(1.0)", "MEX_INM"),
    ("core-col-2024.xml", "IDAC:DF_IDAC_CORE(1.0)", "COL_MIGRACION"),
)


def new_app(tmp: Path) -> tuple[Any, Any]:
    """A seeded application on a clean database (SQLite, or a PostgreSQL schema in CI)."""
    handle = None
    if PG_URL:
        url, handle = _new_pg_schema()
    else:
        url = f"sqlite:///{tmp / 'ui.db'}"
    return make_test_app(
        url, tmp / "instance", seed_content=True, inline_validation_bytes=64 * 1024 * 1024
    ), handle


def close_app(app: Any, handle: Any) -> None:
    """Dispose of an app made by ``new_app``."""
    jobs = app.extensions.get("idac.jobs")
    if jobs is not None:
        jobs.shutdown(wait=True)
    app.extensions["idac.db"].dispose()
    if handle is not None:
        _drop_pg_schema(handle)


def add_user(app: Any, name: str, *grants: tuple[str, str | None]) -> None:
    """Create an account with a password."""
    from registry.auth import accounts

    with app.extensions["idac.db"].transaction() as s:
        accounts.create_user(s, name, password=PASSWORD, grants=list(grants))


def load_examples(app: Any) -> None:
    """Submit the valid example files through the API (so the explorer has data)."""
    client = app.test_client()
    for name, flow, provider in VALID_EXAMPLES:
        resp = client.post(
            f"/api/submissions?dataflow={flow}&provider={provider}",
            data=(EXAMPLES / name).read_bytes(),
            content_type="application/octet-stream",
        )
        assert resp.status_code in (200, 202), resp.data
        assert resp.json["status"] == "loaded", resp.json


@pytest.fixture(scope="module")
def ui_app() -> Iterator[Any]:
    """A seeded app with the valid examples loaded and a curator and an admin account."""
    with tempfile.TemporaryDirectory(prefix="idac-ui-") as tmp:
        app, handle = new_app(Path(tmp))
        load_examples(app)
        add_user(app, "curadora", ("curator", "IDAC"))
        add_user(app, "admin1", ("admin", None))
        yield app
        close_app(app, handle)


@pytest.fixture(scope="module")
def live_url(ui_app: Any) -> Iterator[str]:
    """The app served on 127.0.0.1 in a thread."""
    server = make_server("127.0.0.1", 0, ui_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _chromium() -> tuple[str, str]:
    browser = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.fail(
            "Chromium and chromedriver are required for the browser tests: "
            "apt-get update && apt-get install -y chromium chromium-driver"
        )
    return browser, driver


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (fresh profile), 1280×900."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = _chromium()
    profile = tempfile.mkdtemp(prefix="idac-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
        "--lang=en-US",
    ):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    drv = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where screenshots are saved."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
