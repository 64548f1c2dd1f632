"""Item-level editing of codelists: add, rename, reorder, re-parent, deprecate and remove codes.

Each operation loads the current codelist, changes a copy and saves it through
``registry.store.artefacts.save(mode="replace")``, so every store rule still applies and the old
state stays in history (``asOf``).  One audit entry is written per operation, in the same
transaction.

What a final codelist allows follows the store's rule (only names, descriptions and annotations of
a final artefact may change): renaming and deprecating (an annotation) work on final codelists too
— deprecation is precisely how a code is retired from a published list — while adding, removing,
reordering and re-parenting need a draft; on a final codelist they answer 409 and point to
``next-version``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from sqlalchemy.orm import Session

from registry import audit
from registry.audit import AuditContext
from registry.auth.principal import Principal
from registry.errors import Conflict, NotFound, Unprocessable
from registry.sdmx.model import Annotation, Code, Codelist, Item
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store

#: SDMX IDType (codes may start with a digit).
_CODE_ID = re.compile(r"^[A-Za-z0-9_@$\-]{1,200}$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
#: Annotation type marking a deprecated code.
DEPRECATED = "DEPRECATED"


def load_codelist(session: Session, ref: Ref) -> Codelist:
    """The current codelist ``ref`` (404 if absent, 422 if the identity is not a codelist)."""
    if ref.type is not ArtefactType.CODELIST:
        raise Unprocessable(f"{ref} is not a codelist")
    art = store.get(session, ref)
    if not isinstance(art, Codelist):
        raise Unprocessable(f"{ref} is not a codelist")
    return art


def _authorise(principal: Principal, ref: Ref) -> None:
    principal.require(
        principal.can_write_structure(ref.agency), f"edit structures maintained by {ref.agency}"
    )


def _require_draft(codelist: Codelist, what: str) -> None:
    if codelist.is_final:
        raise Conflict(
            f"{codelist.ref} is final: {what} changes its structure; create a new version first "
            "(POST …/next-version), edit the draft, then finalise it"
        )


def _index(codelist: Codelist, code_id: str) -> int:
    for i, item in enumerate(codelist.items):
        if item.id == code_id:
            return i
    raise NotFound(f"{codelist.ref} has no code {code_id!r}")


def _check_langs(texts: Mapping[str, str | None], field: str) -> None:
    bad = [k for k in texts if not _LANG.match(k)]
    if bad:
        raise Unprocessable(
            f"Invalid language tag(s) in {field}: {', '.join(bad)}",
            details={field: [f"invalid language tag {b!r}" for b in bad]},
        )


def _save(
    session: Session,
    before: Codelist,
    after: Codelist,
    action: str,
    code_id: str,
    *,
    ctx: AuditContext,
    details: dict[str, object],
) -> Codelist:
    store.save(session, [after], actor=ctx.actor, mode="replace")
    audit.record(
        session,
        ctx,
        action,
        target=before.ref,
        before_version=before.version,
        after_version=after.version,
        message=f"{action} {code_id} in {before.ref}",
        details={"code": code_id, **details},
    )
    return after


def _copy(codelist: Codelist) -> Codelist:
    items = [
        dataclasses.replace(
            i,
            names=dict(i.names),
            descriptions=dict(i.descriptions),
            annotations=list(i.annotations),
        )
        for i in codelist.items
    ]
    return dataclasses.replace(codelist, items=items)


def add_code(
    session: Session,
    ref: Ref,
    code_id: str,
    *,
    names: Mapping[str, str],
    descriptions: Mapping[str, str] | None = None,
    parent: str | None = None,
    position: int | None = None,
    principal: Principal,
    ctx: AuditContext,
) -> Codelist:
    """Add a code (at the end, or at ``position``) to a draft codelist."""
    _authorise(principal, ref)
    before = load_codelist(session, ref)
    _require_draft(before, "adding a code")
    if not _CODE_ID.match(code_id):
        raise Unprocessable(
            f"Invalid code id {code_id!r}", details={"id": ["letters, digits, _ @ $ - only"]}
        )
    if any(i.id == code_id for i in before.items):
        raise Conflict(f"{ref} already has a code {code_id!r}")
    if not names:
        raise Unprocessable(
            "A code needs a name in at least one language", details={"names": ["required"]}
        )
    _check_langs(names, "names")
    if parent is not None:
        _index(before, parent)
    after = _copy(before)
    code = Code(id=code_id, names=dict(names), descriptions=dict(descriptions or {}), parent=parent)
    pos = len(after.items) if position is None else max(0, min(position, len(after.items)))
    after.items.insert(pos, code)
    return _save(
        session,
        before,
        after,
        "code.add",
        code_id,
        ctx=ctx,
        details={"position": pos, "parent": parent, "names": dict(names)},
    )


def rename_code(
    session: Session,
    ref: Ref,
    code_id: str,
    *,
    names: Mapping[str, str | None] | None = None,
    descriptions: Mapping[str, str | None] | None = None,
    principal: Principal,
    ctx: AuditContext,
) -> Codelist:
    """Change a code's names/descriptions per language (``None`` removes a language)."""
    _authorise(principal, ref)
    before = load_codelist(session, ref)
    idx = _index(before, code_id)
    after = _copy(before)
    item = after.items[idx]
    changes: dict[str, object] = {}
    for field, texts in (("names", names), ("descriptions", descriptions)):
        if not texts:
            continue
        _check_langs(texts, field)
        target: dict[str, str] = getattr(item, field)
        old = dict(target)
        for lang, text in texts.items():
            if text is None or not str(text).strip():
                target.pop(lang, None)
            else:
                target[lang] = str(text)
        changes[field] = {"from": old, "to": dict(target)}
    if not item.names:
        raise Unprocessable(
            "A code must keep a name in at least one language", details={"names": ["required"]}
        )
    if not changes:
        raise Unprocessable(
            "Nothing to change: give names and/or descriptions",
            details={"names": ["names or descriptions required"]},
        )
    return _save(session, before, after, "code.rename", code_id, ctx=ctx, details=changes)


def move_code(
    session: Session,
    ref: Ref,
    code_id: str,
    position: int,
    *,
    principal: Principal,
    ctx: AuditContext,
) -> Codelist:
    """Move a code to ``position`` (0-based) in a draft codelist."""
    _authorise(principal, ref)
    before = load_codelist(session, ref)
    _require_draft(before, "reordering codes")
    idx = _index(before, code_id)
    after = _copy(before)
    item = after.items.pop(idx)
    pos = max(0, min(position, len(after.items)))
    after.items.insert(pos, item)
    return _save(
        session, before, after, "code.reorder", code_id, ctx=ctx, details={"from": idx, "to": pos}
    )


def _ancestors(items: dict[str, Item], code_id: str | None) -> list[str]:
    out: list[str] = []
    while code_id is not None and code_id not in out:
        out.append(code_id)
        code_id = items[code_id].parent if code_id in items else None
    return out


def reparent_code(
    session: Session,
    ref: Ref,
    code_id: str,
    parent: str | None,
    *,
    principal: Principal,
    ctx: AuditContext,
) -> Codelist:
    """Give a code another parent (``None``: a top-level code) in a draft codelist; no cycles."""
    _authorise(principal, ref)
    before = load_codelist(session, ref)
    _require_draft(before, "re-parenting a code")
    idx = _index(before, code_id)
    if parent is not None:
        _index(before, parent)
        if code_id in _ancestors(before.item_map(), parent):
            raise Conflict(
                f"{parent!r} is {code_id!r} itself or one of its descendants: "
                "that would make a cycle"
            )
    after = _copy(before)
    old = after.items[idx].parent
    after.items[idx].parent = parent
    return _save(
        session,
        before,
        after,
        "code.reparent",
        code_id,
        ctx=ctx,
        details={"from": old, "to": parent},
    )


def is_deprecated(item: Item) -> bool:
    """True when the item carries the deprecation annotation."""
    return any(a.type == DEPRECATED for a in item.annotations)


def deprecate_code(
    session: Session,
    ref: Ref,
    code_id: str,
    *,
    reason: Mapping[str, str] | None = None,
    replaced_by: str | None = None,
    principal: Principal,
    ctx: AuditContext,
) -> Codelist:
    """Mark a code deprecated with an annotation (type ``DEPRECATED``); works on final codelists.

    The annotation's ``title`` names the replacement code, if any, and its text the reason.
    Deprecating again replaces the annotation.
    """
    _authorise(principal, ref)
    before = load_codelist(session, ref)
    idx = _index(before, code_id)
    if replaced_by is not None:
        if replaced_by == code_id:
            raise Unprocessable(
                "A code cannot replace itself", details={"replacedBy": ["must be another code"]}
            )
        _index(before, replaced_by)
    if reason:
        _check_langs(reason, "reason")
    after = _copy(before)
    item = after.items[idx]
    note = Annotation(
        id=DEPRECATED,
        type=DEPRECATED,
        title=replaced_by,
        text=dict(reason or {"en": "Deprecated: do not use in new data"}),
    )
    item.annotations = [a for a in item.annotations if a.type != DEPRECATED] + [note]
    return _save(
        session,
        before,
        after,
        "code.deprecate",
        code_id,
        ctx=ctx,
        details={"replacedBy": replaced_by, "reason": dict(note.text)},
    )


def remove_code(
    session: Session, ref: Ref, code_id: str, *, principal: Principal, ctx: AuditContext
) -> Codelist:
    """Remove a code from a draft codelist (refused while other codes have it as parent)."""
    _authorise(principal, ref)
    before = load_codelist(session, ref)
    _require_draft(before, "removing a code")
    idx = _index(before, code_id)
    children = [i.id for i in before.items if i.parent == code_id]
    if children:
        raise Conflict(
            f"{code_id!r} is the parent of {', '.join(children[:10])}: re-parent them first"
        )
    after = _copy(before)
    after.items.pop(idx)
    return _save(session, before, after, "code.remove", code_id, ctx=ctx, details={"position": idx})
