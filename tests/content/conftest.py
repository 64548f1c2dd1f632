"""Fixtures for the IDAC content tests: the committed files, read with the registry's 2.1 reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.formats.sdmxml21.structure_reader import StructureReader21
from registry.sdmx.model import MaintainableArtefact

ROOT = Path(__file__).resolve().parents[2]
STRUCTURE_FILES = sorted([*(ROOT / "codelists").glob("*.xml"), *(ROOT / "dsd").glob("*.xml")])


@pytest.fixture(scope="session")
def artefacts() -> dict[tuple[str, str, str, str], MaintainableArtefact]:
    """Every committed artefact by (class name, agency, id, version)."""
    out = {}
    for path in STRUCTURE_FILES:
        for a in StructureReader21().read(path.read_bytes()).artefacts:
            out[(a.type.class_name, a.agency, a.id, a.version)] = a
    return out
