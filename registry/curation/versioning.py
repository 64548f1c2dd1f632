"""Version life cycle: create the next (draft) version of an artefact, finalise a draft.

``next_version`` copies the artefact (any type) under a new version, as a draft; the old version is
untouched and still served.  The new version number is the next minor version (``1.0`` → ``1.1``,
``1.2.0`` → ``1.3.0``) unless the caller gives one, and must sort after every existing version.

``finalise`` makes a draft final.  A final artefact must not depend on work in progress, so it is
refused (409) while the artefact references drafts (SDMX 3.0 section 6: stable artefacts reference
stable artefacts).
"""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy.orm import Session

from registry import audit
from registry.audit import AuditContext
from registry.auth.principal import Principal
from registry.errors import Conflict, Unprocessable
from registry.sdmx.model import MaintainableArtefact
from registry.sdmx.refs import Ref
from registry.sdmx.versions import sort_key
from registry.store import artefacts as store

_VERSION = re.compile(r"^\d+(\.\d+){0,2}(-[0-9A-Za-z.\-]+)?$")
_NUMERIC = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?$")


def bump(version: str) -> str:
    """The next minor version of ``version`` (keeps its number of components)."""
    m = _NUMERIC.match(version.split("-", 1)[0])
    if not m:
        raise Unprocessable(
            f"Cannot derive a next version from {version!r}; give one explicitly",
            details={"version": ["required"]},
        )
    major, minor, patch = m.group(1), m.group(2), m.group(3)
    if minor is None:
        return str(int(major) + 1)
    if patch is None:
        return f"{major}.{int(minor) + 1}"
    return f"{major}.{int(minor) + 1}.0"


def next_version(
    session: Session,
    ref: Ref,
    *,
    version: str | None = None,
    principal: Principal,
    ctx: AuditContext,
) -> MaintainableArtefact:
    """Create ``version`` (default: the next minor version) of ``ref`` as a draft copy."""
    principal.require(
        principal.can_write_structure(ref.agency), f"version structures maintained by {ref.agency}"
    )
    source = store.get(session, ref)
    new_version = version or bump(ref.version)
    if not _VERSION.match(new_version):
        raise Unprocessable(
            f"Invalid version {new_version!r}", details={"version": ["e.g. 1.1 or 1.1.0"]}
        )
    existing = store.versions_of(session, ref.type, ref.agency, ref.id)
    if new_version in existing:
        raise Conflict(f"{dataclasses.replace(ref, version=new_version)} already exists")
    if existing and sort_key(new_version) <= sort_key(existing[-1]):
        raise Conflict(f"Version {new_version} must come after the latest version {existing[-1]}")
    draft = dataclasses.replace(source, version=new_version, is_final=False)
    store.save(session, [draft], actor=ctx.actor, mode="create")
    audit.record(
        session,
        ctx,
        "structure.next_version",
        target=draft.ref,
        before_version=ref.version,
        after_version=new_version,
        message=f"{draft.ref} created as a draft from {ref}",
        details={"from": str(ref)},
    )
    return draft


def finalise(
    session: Session, ref: Ref, *, principal: Principal, ctx: AuditContext
) -> MaintainableArtefact:
    """Make a draft final (idempotent for a final artefact)."""
    principal.require(
        principal.can_write_structure(ref.agency), f"finalise structures maintained by {ref.agency}"
    )
    art = store.get(session, ref)
    if art.is_final:
        return art
    drafts = []
    for target in store.references_of(art):
        found = store.find(session, [target.type], [target.agency], [target.id], [target.version])
        if found and not found[-1].artefact.is_final:
            drafts.append(target)
    if drafts:
        raise Conflict(
            f"{ref} references draft artefacts ({', '.join(str(d) for d in drafts[:10])}): "
            "finalise them first",
            details={"drafts": [str(d) for d in drafts]},
        )
    final = dataclasses.replace(art, is_final=True)
    store.save(session, [final], actor=ctx.actor, mode="replace")
    audit.record(
        session,
        ctx,
        "structure.finalise",
        target=ref,
        before_version=ref.version,
        after_version=ref.version,
        message=f"{ref} is now final",
        details={"isFinal": True},
    )
    return final
