"""Load SDMX structure files into the store (``idac load``, first-start seeding, tests)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from registry.formats.structures import StructureCodecs, default_codecs
from registry.sdmx.model import MaintainableArtefact
from registry.store import artefacts as store
from registry.store.artefacts import SaveResult

log = logging.getLogger("idac.load")


def read_files(paths: Iterable[Path], codecs: StructureCodecs | None = None) -> list[MaintainableArtefact]:
    """Read structure files; artefacts in file order, de-duplicated by identity (last wins)."""
    codecs = codecs or default_codecs()
    found: dict[object, MaintainableArtefact] = {}
    for path in paths:
        message = codecs.read(Path(path).read_bytes())
        for art in message.artefacts:
            found[art.ref] = art
    return list(found.values())


def load_files(
    session: Session,
    paths: Iterable[Path],
    *,
    actor: str = "system",
    require_references: bool = True,
    codecs: StructureCodecs | None = None,
) -> list[SaveResult]:
    """Read structure files and save their artefacts in one transaction (the caller's)."""
    artefacts = read_files(paths, codecs)
    # External-reference stubs only point at an artefact held elsewhere: never overwrite a full one.
    keep = [a for a in artefacts if not (a.is_external_reference and store.exists(session, a.ref))]
    return store.save(session, keep, actor=actor, require_references=require_references)
