"""Structure maintenance (SDMX-REST v2 ``doc/maintenance.md``): submit, replace, delete.

``submit`` decides the fate of every artefact of a structure message *before* anything is written:

1. permission — the principal must curate the artefact's agency (403);
2. identity — ``replace`` (HTTP PUT) needs an existing artefact (404);
3. versioning — a final artefact's structure is frozen (409: submit a new version);
4. partial item schemes (``isPartial="true"``) are merged into the stored scheme: submitted items
   replace stored ones in place or are appended, names and descriptions merged per language;
5. references — resolved against the store and the *accepted* artefacts of the same message,
   repeated until nothing changes, so an artefact that depends on a refused one is refused too
   (409, naming what is missing and why).

Without ``partial`` one failure refuses the whole message and nothing is stored (SDMX maintenance is
atomic by default).  With ``partial`` the accepted artefacts are stored and the answer is 207.
The store (``registry.store.artefacts.save``) then re-checks every rule inside the transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from registry import audit
from registry.audit import AuditContext
from registry.auth.principal import Principal
from registry.errors import NotFound, Unprocessable
from registry.sdmx.model import ItemScheme, MaintainableArtefact
from registry.sdmx.refs import Ref
from registry.store import artefacts as store
from registry.store.artefacts import _structural_part  # the store's own definition of "structure"

#: Failure statuses, most telling first (the overall status of a refused message).
_PRECEDENCE = (403, 404, 409, 422)


@dataclass(slots=True)
class ArtefactResult:
    """The outcome for one artefact: SDMX action, HTTP-style status, readable reason."""

    ref: Ref
    action: str  # Append, Replace, Delete, Information
    status: int
    message: str
    stored: bool = False
    before_version: str | None = None

    @property
    def failed(self) -> bool:
        """True for refused artefacts (status ≥ 400)."""
        return self.status >= 400


@dataclass(slots=True)
class SubmissionOutcome:
    """Results per artefact and whether anything was stored."""

    results: list[ArtefactResult] = field(default_factory=list)
    partial: bool = False

    @property
    def failures(self) -> list[ArtefactResult]:
        """The refused artefacts (not the ones only held back by atomicity)."""
        return [r for r in self.results if r.failed and r.action != "Information"]

    @property
    def stored(self) -> list[ArtefactResult]:
        """Artefacts created or replaced."""
        return [r for r in self.results if r.stored]

    @property
    def http_status(self) -> int:
        """201 created, 200 replaced/unchanged, 207 partly done, else the failure's status."""
        failures = self.failures
        if not failures:
            return 201 if any(r.status == 201 for r in self.results) else 200
        if self.partial and any(not r.failed for r in self.results):
            return 207
        codes = {r.status for r in failures}
        return next((c for c in _PRECEDENCE if c in codes), max(codes))

    def summary(self) -> str:
        """One readable sentence about the whole submission."""
        failures = self.failures
        if not failures:
            unchanged = len(self.results) - len(self.stored)
            return f"{len(self.stored)} artefact(s) stored, {unchanged} unchanged"
        names = "; ".join(f"{r.ref}: {r.message}" for r in failures[:5])
        if self.partial:
            return f"{len(self.stored)} artefact(s) stored, {len(failures)} refused ({names})"
        return f"Nothing stored: {len(failures)} artefact(s) refused ({names})"


def _merge_partial(stored: ItemScheme, part: ItemScheme) -> ItemScheme:
    """SDMX partial update: items replaced in place or appended; texts merged per language."""
    items = list(stored.items)
    index = {it.id: n for n, it in enumerate(items)}
    for item in part.items:
        if item.id in index:
            old = items[index[item.id]]
            items[index[item.id]] = dataclasses.replace(
                item,
                names={**old.names, **item.names},
                descriptions={**old.descriptions, **item.descriptions},
            )
        else:
            index[item.id] = len(items)
            items.append(item)
    return dataclasses.replace(
        stored,
        items=items,
        is_partial=False,
        names={**stored.names, **part.names},
        descriptions={**stored.descriptions, **part.descriptions},
        annotations=part.annotations or stored.annotations,
    )


def _dedupe(artefacts: Sequence[MaintainableArtefact]) -> list[MaintainableArtefact]:
    found: dict[Ref, MaintainableArtefact] = {}
    for art in artefacts:
        found[art.ref] = art
    return list(found.values())


def _precheck(
    session: Session, art: MaintainableArtefact, *, principal: Principal, mode: str
) -> tuple[MaintainableArtefact, ArtefactResult | None, MaintainableArtefact | None]:
    """(possibly merged artefact, failure or None, stored artefact or None)."""
    ref = art.ref
    try:
        current = store.get(session, ref)
    except NotFound:
        current = None
    if not principal.can_write_structure(art.agency):
        return (
            art,
            ArtefactResult(
                ref,
                "Append" if current is None else "Replace",
                403,
                f"{principal.name} may not maintain artefacts of agency {art.agency}",
            ),
            None,
        )
    if current is None:
        if mode == "replace":
            return (
                art,
                ArtefactResult(ref, "Replace", 404, f"{ref} does not exist and cannot be replaced"),
                None,
            )
        if isinstance(art, ItemScheme) and art.is_partial:
            return (
                art,
                ArtefactResult(
                    ref,
                    "Replace",
                    404,
                    f"{ref} is a partial item scheme but no such scheme is stored to update",
                ),
                None,
            )
        return art, None, None
    if art.is_external_reference:
        return art, None, current
    if isinstance(art, ItemScheme) and art.is_partial and isinstance(current, ItemScheme):
        art = _merge_partial(current, art)
    if current.is_final and (
        not art.is_final or _structural_part(current) != _structural_part(art)
    ):
        return (
            art,
            ArtefactResult(
                ref,
                "Replace",
                409,
                f"{ref} is final: only names, descriptions and annotations may change; "
                "submit the structural change as a new version",
            ),
            current,
        )
    return art, None, current


def submit(
    session: Session,
    artefacts: Sequence[MaintainableArtefact],
    *,
    principal: Principal,
    ctx: AuditContext,
    mode: str = "upsert",
    partial: bool = False,
) -> SubmissionOutcome:
    """Create or replace the artefacts of one message.

    ``mode`` is ``upsert`` (POST) or ``replace`` (PUT).  Writes happen in the caller's
    transaction; when the outcome has failures and ``partial`` is False nothing was written.
    """
    unique = _dedupe(artefacts)
    results: dict[Ref, ArtefactResult] = {}
    accepted: dict[Ref, MaintainableArtefact] = {}
    current: dict[Ref, MaintainableArtefact | None] = {}
    for original in unique:
        art, failure, stored = _precheck(session, original, principal=principal, mode=mode)
        current[art.ref] = stored
        if failure is not None:
            results[art.ref] = failure
        elif art.is_external_reference and stored is not None:
            results[art.ref] = ArtefactResult(
                art.ref, "Information", 200, "External reference: the stored artefact is kept"
            )
        else:
            accepted[art.ref] = art
    _resolve_references(session, accepted, results, current)
    outcome = SubmissionOutcome(partial=partial)
    if any(r.failed for r in results.values()) and not partial:
        _hold_back(outcome, results, accepted, [a.ref for a in unique])
        return outcome
    if accepted:
        _store(session, accepted, results, current, ctx=ctx, mode=mode, partial=partial)
    outcome.results = [results[a.ref] for a in unique]
    return outcome


def _hold_back(
    outcome: SubmissionOutcome,
    results: dict[Ref, ArtefactResult],
    accepted: dict[Ref, MaintainableArtefact],
    order: list[Ref],
) -> None:
    """Atomic refusal: acceptable artefacts are reported as not stored, with the overall status."""
    held = (
        "Not stored: the submission is atomic and another artefact was refused "
        "(submit with ?partial=true to store the valid artefacts)"
    )
    for ref in accepted:
        results[ref] = ArtefactResult(ref, "Information", 0, held)
    outcome.results = [results[r] for r in order]
    status = outcome.http_status
    for r in outcome.results:
        if r.status == 0:
            r.status = status


def _store(
    session: Session,
    accepted: dict[Ref, MaintainableArtefact],
    results: dict[Ref, ArtefactResult],
    current: dict[Ref, MaintainableArtefact | None],
    *,
    ctx: AuditContext,
    mode: str,
    partial: bool,
) -> None:
    """Save the accepted artefacts (the store re-checks every rule) and audit each change."""
    saved = store.save(
        session,
        list(accepted.values()),
        actor=ctx.actor,
        mode="replace" if mode == "replace" else "upsert",
    )
    for res in saved:
        before = current.get(res.ref)
        if res.action == "unchanged":
            results[res.ref] = ArtefactResult(
                res.ref, "Replace", 200, "Unchanged: identical to the stored artefact"
            )
            continue
        created = res.action == "created"
        results[res.ref] = ArtefactResult(
            res.ref,
            "Append" if created else "Replace",
            201 if created else 200,
            "Created" if created else "Replaced",
            stored=True,
            before_version=before.version if before else None,
        )
        audit.record(
            session,
            ctx,
            "structure.create" if created else "structure.replace",
            target=res.ref,
            before_version=None if created else res.ref.version,
            after_version=res.ref.version,
            details={"isFinal": accepted[res.ref].is_final, "partial": partial},
        )


def _resolve_references(
    session: Session,
    accepted: dict[Ref, MaintainableArtefact],
    results: dict[Ref, ArtefactResult],
    current: dict[Ref, MaintainableArtefact | None],
) -> None:
    """Refuse accepted artefacts whose references resolve neither in the store nor the message."""
    in_store: dict[Ref, bool] = {}

    def exists(ref: Ref) -> bool:
        if ref not in in_store:
            in_store[ref] = store.exists(session, ref)
        return in_store[ref]

    changed = True
    while changed:
        changed = False
        for ref, art in list(accepted.items()):
            missing = [t for t in store.references_of(art) if t not in accepted and not exists(t)]
            if not missing:
                continue
            reasons = []
            for t in missing[:10]:
                why = results.get(t)
                reasons.append(
                    f"{t} (refused in this submission: {why.message})"
                    if why
                    else f"{t}, which is neither in the registry nor in this submission"
                )
            action = "Append" if current.get(ref) is None else "Replace"
            results[ref] = ArtefactResult(
                ref, action, 409, "Unresolved reference(s): " + "; ".join(reasons)
            )
            del accepted[ref]
            changed = True


def expect_single(artefacts: Sequence[MaintainableArtefact], expected: Ref) -> MaintainableArtefact:
    """The one artefact of a PUT body, which must be ``expected`` (422 otherwise).

    External-reference stubs beside it are ignored.
    """
    real = [a for a in artefacts if not a.is_external_reference] or list(artefacts)
    if len(real) != 1:
        raise Unprocessable(
            f"A replacement must carry exactly one artefact; the body holds {len(real)}",
            details={"artefacts": [str(a.ref) for a in real][:20]},
        )
    art = real[0]
    if art.ref != expected:
        raise Unprocessable(
            f"The body holds {art.ref} but the URL names {expected}",
            details={"expected": str(expected), "found": str(art.ref)},
        )
    return art


def delete(
    session: Session, ref: Ref, *, principal: Principal, ctx: AuditContext
) -> ArtefactResult:
    """Delete one artefact version (kept in history for ``asOf``); 409 while referenced."""
    principal.require(
        principal.can_write_structure(ref.agency), f"delete structures maintained by {ref.agency}"
    )
    art = store.get(session, ref)
    store.remove(session, ref, actor=ctx.actor)
    audit.record(
        session,
        ctx,
        "structure.delete",
        target=ref,
        before_version=ref.version,
        after_version=None,
        details={"isFinal": art.is_final},
    )
    return ArtefactResult(ref, "Delete", 200, "Deleted", stored=True, before_version=ref.version)
