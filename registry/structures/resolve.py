"""Resolve what a data set needs from the store: DSD, dataflow, provision agreement, constraints, codelists.

Used by the schema resource, the submission pipeline (``StructureResolver`` for readers) and the data
API.  A reference may name a DSD, a dataflow or a provision agreement; versions may be queries
(``latest``).  The Allowed constraints returned are those attached to any of the three.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.errors import NotFound, Unprocessable
from registry.formats.base import ResolvedStructure
from registry.sdmx.model import Codelist, ContentConstraint, DataStructure, Dataflow, ProvisionAgreement
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store


def _attached_constraints(session: Session, refs: list[Ref]) -> list[ContentConstraint]:
    out: dict[Ref, ContentConstraint] = {}
    for ref in refs:
        for parent in store.referencing(session, ref):
            if parent.type is ArtefactType.CONTENT_CONSTRAINT and parent not in out:
                c = store.get(session, parent)
                if isinstance(c, ContentConstraint) and c.role == "Allowed":
                    out[parent] = c
    return list(out.values())


def resolve_structure(session: Session, ref: Ref) -> ResolvedStructure:
    """The structure a data set refers to (DSD, dataflow or provision agreement reference)."""
    art = store.resolve(session, ref)
    pa: ProvisionAgreement | None = None
    flow: Dataflow | None = None
    if isinstance(art, ProvisionAgreement):
        pa = art
        if pa.dataflow is None:
            raise Unprocessable(f"{pa.ref} names no dataflow")
        art = store.resolve(session, pa.dataflow)
    if isinstance(art, Dataflow):
        flow = art
        if flow.structure is None:
            raise Unprocessable(f"{flow.ref} names no data structure")
        art = store.resolve(session, flow.structure)
    if not isinstance(art, DataStructure):
        raise NotFound(f"{ref} is not a data structure, dataflow or provision agreement")
    refs = [a.ref for a in (art, flow, pa) if a is not None]
    return ResolvedStructure(dsd=art, dataflow=flow, provision_agreement=pa, constraints=_attached_constraints(session, refs))


def codelists_for(session: Session, dsd: DataStructure) -> dict[Ref, Codelist]:
    """The codelists the DSD's components are enumerated by (those in the store)."""
    out: dict[Ref, Codelist] = {}
    for comp in (*dsd.dimensions, *dsd.attributes, *dsd.measures):
        rep = comp.local_representation
        if rep is None or rep.enumeration is None or rep.enumeration.type is not ArtefactType.CODELIST:
            continue
        ref = rep.enumeration.maintainable
        if ref in out:
            continue
        try:
            cl = store.get(session, ref)
        except NotFound:
            continue
        if isinstance(cl, Codelist):
            out[ref] = cl
    return out
