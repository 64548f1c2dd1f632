"""Shared fixtures.  Specimen files live in ``../shared/specimens`` beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPECIMENS = Path(os.environ.get("IDAC_SPECIMENS", ROOT.parent / "shared" / "specimens"))


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
