"""The structural store: save, find, replace and delete maintainable artefacts.

All functions take the SQLAlchemy session and the acting user's name as arguments (never request
globals).  The rules of SDMX maintenance (SDMX-REST ``doc/maintenance.md``) live here so every entry
point (HTTP, CLI, seeding) obeys them:

* a final artefact's structure cannot change: only names, descriptions and annotations (and
  validity dates) may, otherwise a new version is needed (``Conflict``);
* a draft may be replaced freely;
* an artefact cannot be deleted while a current artefact references it (``Conflict``);
* references must resolve, either in the same submission or in the store (``Conflict``), unless the
  caller explicitly allows dangling references (e.g. when loading third-party stub messages).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from registry.errors import Conflict, NotFound
from registry.sdmx.model import ItemScheme, MaintainableArtefact
from registry.sdmx.refs import ArtefactType, Ref
from registry.sdmx.versions import select as select_versions
from registry.sdmx.versions import sort_key
from registry.store.base import utcnow
from registry.store.codec import from_document, to_document
from registry.store.models import Artefact, ArtefactItem, ArtefactReference, StoreState

#: Types shown to every reader whatever their isFinal flag (SDMX 2.1 cannot finalise them).
ALWAYS_PUBLIC = (
    ArtefactType.AGENCY_SCHEME, ArtefactType.DATA_PROVIDER_SCHEME, ArtefactType.DATA_CONSUMER_SCHEME,
    ArtefactType.ORGANISATION_UNIT_SCHEME,
)

#: Fields a curator may change on a final artefact without a new version.
_MUTABLE_WHEN_FINAL = {"names", "descriptions", "annotations", "valid_from", "valid_to", "uri"}


@dataclass(slots=True)
class StoredArtefact:
    """An artefact with its storage facts."""

    artefact: MaintainableArtefact
    pk: int
    valid_since: datetime
    actor: str


@dataclass(slots=True)
class SaveResult:
    """Outcome of saving one artefact: ``action`` is created, replaced or unchanged."""

    ref: Ref
    action: str


def _row_ref(row: Artefact) -> Ref:
    return Ref(ArtefactType[row.type], row.agency, row.resource_id, row.version)


def _current(session: Session, ref: Ref) -> Artefact | None:
    return session.scalars(
        select(Artefact).where(
            Artefact.type == ref.type.name,
            Artefact.agency == ref.agency,
            Artefact.resource_id == ref.id,
            Artefact.version == ref.version,
            Artefact.superseded_at.is_(None),
        )
    ).one_or_none()


def _structural_part(artefact: MaintainableArtefact) -> dict[str, object]:
    doc = to_document(artefact)
    for key in _MUTABLE_WHEN_FINAL | {"is_final"}:
        doc.pop(key, None)
    if isinstance(artefact, ItemScheme):
        # Item names/descriptions/annotations are editable on final schemes too; ids and parents are not.
        doc["items"] = [(i.id, i.parent) for i in artefact.items]
    return doc


def bump_generation(session: Session, note: str | None = None) -> None:
    """Record that the structural content changed (invalidates structure ETags)."""
    state = session.get(StoreState, 1)
    if state is None:
        session.add(StoreState(pk=1, generation=1, changed_at=utcnow(), note=note))
    else:
        state.generation += 1
        state.changed_at = utcnow()
        state.note = note


_GENERATION = select(StoreState.generation, StoreState.changed_at).where(StoreState.pk == 1)


def generation(session: Session | Connection) -> tuple[int, datetime | None]:
    """The store generation counter and when it last changed.

    A plain Core select (no identity map): it runs on every conditional structure request, so
    it must cost as little as the database round trip itself.
    """
    row = session.execute(_GENERATION).first()
    return (0, None) if row is None else (row[0], row[1])


def exists(session: Session, ref: Ref) -> bool:
    """True if a current artefact with exactly this identity is stored."""
    return _current(session, ref) is not None


def get(session: Session, ref: Ref) -> MaintainableArtefact:
    """The current artefact with exactly this identity (``NotFound`` otherwise)."""
    row = _current(session, ref)
    if row is None:
        raise NotFound(f"{ref} is not in the registry")
    return from_document(row.document)


def resolve(session: Session, ref: Ref) -> MaintainableArtefact:
    """Like ``get`` but ``ref.version`` may be a version query (``latest``, ``~``, ``1.0+.0``)."""
    found = find(session, [ref.type], [ref.agency], [ref.id], [ref.version])
    if not found:
        raise NotFound(f"{ref} is not in the registry")
    return found[-1].artefact


def find(
    session: Session,
    types: Sequence[ArtefactType],
    agencies: Sequence[str] | None = None,
    ids: Sequence[str] | None = None,
    versions: Sequence[str] = ("*",),
    *,
    as_of: datetime | None = None,
    final_only: bool = False,
    public_draft_agencies: Sequence[str] = (),
) -> list[StoredArtefact]:
    """Artefacts matching a structure query.

    ``agencies``/``ids`` None means all; ``versions`` are version query values (``*``, ``~``,
    ``latest``, ``1.0``, ``1.2+.0``) applied per (type, agency, id).  ``as_of`` returns the rows
    that were current at that time.  Results are ordered by type, agency, id, version.
    """
    stmt = select(Artefact).where(Artefact.type.in_([t.name for t in types]))
    if agencies is not None:
        stmt = stmt.where(Artefact.agency.in_(list(agencies)))
    if ids is not None:
        stmt = stmt.where(Artefact.resource_id.in_(list(ids)))
    if final_only and "*" not in public_draft_agencies:
        # Organisation schemes cannot be final in SDMX 2.1 (the schema fixes isFinal=false), so
        # they are always public; agencies listed as public-draft (third-party mirrors) too.
        visible = [Artefact.is_final.is_(True), Artefact.type.in_([t.name for t in ALWAYS_PUBLIC])]
        if public_draft_agencies:
            visible.append(Artefact.agency.in_(list(public_draft_agencies)))
        stmt = stmt.where(or_(*visible))
    if as_of is None:
        stmt = stmt.where(Artefact.superseded_at.is_(None))
    else:
        stmt = stmt.where(
            Artefact.valid_since <= as_of,
            or_(Artefact.superseded_at.is_(None), Artefact.superseded_at > as_of),
        )
    rows = session.scalars(stmt).all()
    groups: dict[tuple[str, str, str], list[Artefact]] = {}
    for row in rows:
        groups.setdefault((row.type, row.agency, row.resource_id), []).append(row)
    out: list[StoredArtefact] = []
    for key in sorted(groups):
        by_version = {r.version: r for r in groups[key]}
        chosen: list[str] = []
        for spec in versions:
            for v in select_versions(spec, by_version):
                if v not in chosen:
                    chosen.append(v)
        for v in sorted(chosen, key=sort_key):
            row = by_version[v]
            out.append(StoredArtefact(from_document(row.document), row.pk, row.valid_since, row.actor))
    return out


def versions_of(session: Session, rtype: ArtefactType, agency: str, resource_id: str) -> list[str]:
    """All current versions of one artefact, oldest first."""
    rows = session.scalars(
        select(Artefact.version).where(
            Artefact.type == rtype.name,
            Artefact.agency == agency,
            Artefact.resource_id == resource_id,
            Artefact.superseded_at.is_(None),
        )
    ).all()
    return sorted(rows, key=sort_key)


def history(session: Session, ref: Ref) -> list[StoredArtefact]:
    """Every stored row of one artefact version, oldest first (current last)."""
    rows = session.scalars(
        select(Artefact)
        .where(
            Artefact.type == ref.type.name,
            Artefact.agency == ref.agency,
            Artefact.resource_id == ref.id,
            Artefact.version == ref.version,
        )
        .order_by(Artefact.valid_since, Artefact.pk)
    ).all()
    return [StoredArtefact(from_document(r.document), r.pk, r.valid_since, r.actor) for r in rows]


def referencing(session: Session, ref: Ref) -> list[Ref]:
    """Current artefacts that reference ``ref`` (its parents in SDMX-REST terms)."""
    rows = session.execute(
        select(Artefact.type, Artefact.agency, Artefact.resource_id, Artefact.version)
        .join(ArtefactReference, ArtefactReference.source_pk == Artefact.pk)
        .where(
            ArtefactReference.target_type == ref.type.name,
            ArtefactReference.target_agency == ref.agency,
            ArtefactReference.target_id == ref.id,
            ArtefactReference.target_version == ref.version,
            Artefact.superseded_at.is_(None),
        )
        .distinct()
    ).all()
    return sorted(
        {Ref(ArtefactType[t], a, i, v) for t, a, i, v in rows}, key=lambda r: (r.type.name, r.agency, r.id, r.version)
    )


def references_of(artefact: MaintainableArtefact) -> list[Ref]:
    """The distinct maintainable references of an artefact, excluding itself."""
    seen: dict[Ref, None] = {}
    own = artefact.ref
    for r in artefact.references():
        m = r.maintainable
        if m != own:
            seen.setdefault(m, None)
    return list(seen)


def _insert(session: Session, artefact: MaintainableArtefact, actor: str, now: datetime) -> Artefact:
    row = Artefact(
        type=artefact.type.name,
        agency=artefact.agency,
        resource_id=artefact.id,
        version=artefact.version,
        version_key=sort_key(artefact.version),
        is_final=artefact.is_final,
        names=dict(artefact.names),
        document=to_document(artefact),
        created_at=now,
        valid_since=now,
        actor=actor,
    )
    session.add(row)
    session.flush()
    if isinstance(artefact, ItemScheme) and artefact.items:
        session.execute(
            ArtefactItem.__table__.insert(),
            [
                {
                    "artefact_pk": row.pk,
                    "item_id": item.id,
                    "parent_id": item.parent,
                    "position": pos,
                    "names": dict(item.names),
                }
                for pos, item in enumerate(artefact.items)
            ],
        )
    refs = references_of(artefact)
    if refs:
        session.execute(
            ArtefactReference.__table__.insert(),
            [
                {
                    "source_pk": row.pk,
                    "target_type": r.type.name,
                    "target_agency": r.agency,
                    "target_id": r.id,
                    "target_version": r.version,
                }
                for r in refs
            ],
        )
    return row


def _close(session: Session, row: Artefact, now: datetime) -> None:
    session.execute(update(Artefact).where(Artefact.pk == row.pk).values(superseded_at=now))
    # Items are only kept for current rows: they serve item queries and code look-ups.
    session.execute(delete(ArtefactItem).where(ArtefactItem.artefact_pk == row.pk))


def check_references(
    session: Session, artefacts: Iterable[MaintainableArtefact], *, pending: Iterable[Ref] = ()
) -> list[tuple[Ref, Ref]]:
    """(source, missing target) pairs for references that resolve neither in ``pending`` nor the store."""
    available = set(pending)
    missing: list[tuple[Ref, Ref]] = []
    for art in artefacts:
        for ref in references_of(art):
            if ref in available or exists(session, ref):
                continue
            missing.append((art.ref, ref))
    return missing


def save(
    session: Session,
    artefacts: Sequence[MaintainableArtefact],
    *,
    actor: str = "system",
    mode: str = "upsert",
    require_references: bool = True,
) -> list[SaveResult]:
    """Create or replace artefacts, atomically within the caller's transaction.

    ``mode``: ``create`` refuses existing artefacts, ``replace`` requires them, ``upsert`` does either.
    Identical re-submissions are ``unchanged`` and leave history untouched.
    """
    if require_references:
        missing = check_references(session, artefacts, pending=[a.ref for a in artefacts])
        if missing:
            lines = "; ".join(f"{src} references {dst}, which is not in the registry" for src, dst in missing[:20])
            raise Conflict(f"Unresolved references: {lines}", details={"missing": [str(d) for _, d in missing]})
    now = utcnow()
    results: list[SaveResult] = []
    for art in artefacts:
        row = _current(session, art.ref)
        if row is None:
            if mode == "replace":
                raise NotFound(f"{art.ref} does not exist and cannot be replaced")
            _insert(session, art, actor, now)
            results.append(SaveResult(art.ref, "created"))
            continue
        if mode == "create":
            raise Conflict(f"{art.ref} already exists; submit a new version or replace it")
        if row.document == to_document(art):
            results.append(SaveResult(art.ref, "unchanged"))
            continue
        if row.is_final:
            old = from_document(row.document)
            if _structural_part(old) != _structural_part(art) or not art.is_final:
                raise Conflict(
                    f"{art.ref} is final: only names, descriptions and annotations may change; "
                    "create a new version for structural changes"
                )
        _close(session, row, now)
        _insert(session, art, actor, now)
        results.append(SaveResult(art.ref, "replaced"))
    if any(r.action != "unchanged" for r in results):
        bump_generation(session, f"save by {actor}")
    return results


def remove(session: Session, ref: Ref, *, actor: str = "system") -> None:
    """Delete the current version of an artefact (kept in history).  Refused while referenced."""
    row = _current(session, ref)
    if row is None:
        raise NotFound(f"{ref} is not in the registry")
    parents = [p for p in referencing(session, ref) if p != ref]
    if parents:
        names = ", ".join(str(p) for p in parents[:10])
        raise Conflict(f"{ref} cannot be deleted: it is referenced by {names}", details={"referenced_by": [str(p) for p in parents]})
    _close(session, row, utcnow())
    bump_generation(session, f"delete {ref} by {actor}")


def item_lookup(session: Session, ref: Ref, item_ids: Sequence[str]) -> dict[str, str | None]:
    """Item id -> parent id for the requested items of a current item scheme (missing ids omitted)."""
    row = _current(session, ref)
    if row is None:
        raise NotFound(f"{ref} is not in the registry")
    rows = session.execute(
        select(ArtefactItem.item_id, ArtefactItem.parent_id).where(
            and_(ArtefactItem.artefact_pk == row.pk, ArtefactItem.item_id.in_(list(item_ids)))
        )
    ).all()
    return dict(rows)


def count(session: Session) -> dict[str, int]:
    """Number of current artefacts per type name."""
    rows = session.execute(
        select(Artefact.type, func.count()).where(Artefact.superseded_at.is_(None)).group_by(Artefact.type)
    ).all()
    return dict(rows)


def replace_fields(artefact: MaintainableArtefact, **changes: object) -> MaintainableArtefact:
    """A copy of an artefact with some fields changed (dataclasses.replace, typed)."""
    return dataclasses.replace(artefact, **changes)
