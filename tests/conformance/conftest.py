"""Fixtures of the conformance suite: a registry with the IDAC content (and ECB's, for variety)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.catalogue import FULL_LIST


@pytest.fixture(scope="session")
def tck_available() -> None:
    if not FULL_LIST.is_file():
        pytest.fail(f"TCK test list not found at {FULL_LIST} (set IDAC_CONFORMANCE)")


@pytest.fixture(scope="module")
def registry(seeded_app: Any, tck_available: None) -> Any:
    """Test client of the seeded registry (read-only)."""
    return seeded_app.test_client()
