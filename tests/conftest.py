"""Shared fixtures.

Database: SQLite in a temporary folder by default; the real PostgreSQL when
``IDAC_TEST_DATABASE_URL`` is set (``.ci/run`` sets it).  Every ``db_url`` gets a clean schema:
a fresh file on SQLite, a fresh ``search_path`` schema on PostgreSQL, dropped afterwards.

Specimen files live in ``../shared/specimens`` beside the repository (``IDAC_SPECIMENS`` overrides).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# sdmx1 process-wide quirk: import the 3.0 reader before any 2.1 structure-specific read.
import sdmx.reader.xml.v30  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
SPECIMENS = Path(os.environ.get("IDAC_SPECIMENS", ROOT.parent / "shared" / "specimens"))
PG_URL = os.environ.get("IDAC_TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def specimens() -> Path:
    """Folder of the real SDMX specimen files (see its INDEX.md)."""
    if not SPECIMENS.is_dir():
        pytest.fail(f"specimen folder not found: {SPECIMENS} (set IDAC_SPECIMENS)")
    return SPECIMENS


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return ROOT


def _new_pg_schema() -> tuple[str, Any]:
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", (admin, schema)


def _drop_pg_schema(handle: Any) -> None:
    from sqlalchemy import text

    admin, schema = handle
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A database URL with an empty schema, on SQLite or (in CI) PostgreSQL."""
    if PG_URL:
        url, handle = _new_pg_schema()
        yield url
        _drop_pg_schema(handle)
    else:
        yield f"sqlite:///{tmp_path / 'test.db'}"


def make_test_app(url: str, instance: Path, **overrides: Any) -> Any:
    """An application bound to ``url`` with test settings."""
    from api import create_app

    config: dict[str, Any] = {
        "database_url": url,
        "instance_path": instance,
        "secret_key": "test-secret",
        "testing": True,
        "seed_content": False,
        "log_level": "WARNING",
        # Most tests submit without credentials; permissions are tested explicitly with this off
        # (tests/api/submissions/test_permissions.py).  The product default is False.
        "allow_anonymous_submissions": True,
        # The limiter runs on every expensive request, but a whole test module against one app
        # must not exhaust the product budgets; tests/api/test_ratelimits.py sets small ones.
        "rate_limit_queries": "1000000 per minute",
        "rate_limit_uploads": "1000000 per minute",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[Any]:
    """An empty application (no IDAC content), with a clean database."""
    application = make_test_app(db_url, tmp_path / "instance")
    yield application
    application.extensions["idac.db"].dispose()


@pytest.fixture
def client(app: Any) -> Any:
    """A test client of the empty application."""
    return app.test_client()


@pytest.fixture(scope="session")
def seeded_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An application with the IDAC content loaded, shared by read-only tests of one session."""
    tmp = tmp_path_factory.mktemp("seeded")
    handle = None
    if PG_URL:
        url, handle = _new_pg_schema()
    else:
        url = f"sqlite:///{tmp / 'seeded.db'}"
    application = make_test_app(url, tmp / "instance", seed_content=True)
    yield application
    application.extensions["idac.db"].dispose()
    if handle is not None:
        _drop_pg_schema(handle)


@pytest.fixture
def seeded_client(seeded_app: Any) -> Any:
    """A test client of the seeded application (do not write through it)."""
    return seeded_app.test_client()
