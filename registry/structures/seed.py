"""First-start seeding of the IDAC structural content from ``codelists/`` and ``dsd/``."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.orm import Session

from registry.store import artefacts as store
from registry.structures.loader import load_files

log = logging.getLogger("idac.seed")


def content_files(root: Path) -> list[Path]:
    """The IDAC SDMX files, codelists first (order does not matter for references, only for logs)."""
    files: list[Path] = []
    for folder in ("codelists", "dsd"):
        files.extend(sorted((root / folder).glob("*.xml")))
    return files


def seed_if_empty(session: Session, root: Path) -> int:
    """Load the IDAC content when the store holds no artefact; returns how many were saved."""
    if store.count(session):
        return 0
    files = content_files(root)
    if not files:
        log.warning("no IDAC content found under %s", root)
        return 0
    results = load_files(session, files, actor="seed")
    return sum(1 for r in results if r.action != "unchanged")
