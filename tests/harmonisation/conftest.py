"""Fixtures: a seeded application with a clean database per test (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_test_app


@pytest.fixture
def seeded(db_url: str, tmp_path: Path) -> Iterator[Any]:
    """An application with the IDAC content and an empty data store (writable)."""
    application = make_test_app(db_url, tmp_path / "instance", seed_content=True)
    yield application
    application.extensions["idac.db"].dispose()


@pytest.fixture
def db(seeded: Any) -> Any:
    """The application's Database."""
    return seeded.extensions["idac.db"]
