"""The maintenance tests read back what they wrote without credentials: drafts are made public here
(``public_draft_agencies="*"``) so these tests stay about maintenance semantics.  Draft visibility
itself is tested in tests/api/structure/test_visibility.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_test_app


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[Any]:
    application = make_test_app(db_url, tmp_path / "instance", public_draft_agencies="*")
    yield application
    application.extensions["idac.db"].dispose()
