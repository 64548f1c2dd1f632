"""The append-only audit trail: who did what, to which artefact or submission, when, from where.

``record`` adds one entry inside the caller's transaction, so an entry exists exactly when the
change it describes was committed.  Failures (refused submissions, failed logins, rejected
tokens) are recorded with ``record_apart``, which commits in its own transaction because the
request's own transaction is about to be rolled back.

There is deliberately no update or delete function; the database refuses both (triggers in
migration ``0003_auth``).

Actions are dotted verbs: ``structure.create|replace|delete|submit``, ``code.add|rename|reorder|
reparent|deprecate|remove``, ``structure.next_version|finalise``, ``auth.login|logout``,
``token.issue|revoke|use``, ``user.create|update``, ``submission.*`` (data submissions).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.sdmx.refs import Ref
from registry.store.base import utcnow
from registry.store.db import Database
from registry.store.models_auth import AuditEntry

CSV_COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "outcome",
    "target",
    "agency",
    "provider",
    "before_version",
    "after_version",
    "client_ip",
    "request_id",
    "message",
)
MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class AuditContext:
    """Where a change comes from: the acting principal's name, client address, request id."""

    actor: str = "system"
    client_ip: str | None = None
    request_id: str | None = None


def record(
    session: Session,
    ctx: AuditContext,
    action: str,
    *,
    target: str | Ref | None = None,
    agency: str | None = None,
    provider: str | None = None,
    before_version: str | None = None,
    after_version: str | None = None,
    outcome: str = "success",
    message: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction."""
    if isinstance(target, Ref):
        agency = agency or target.agency
        target = str(target)
    entry = AuditEntry(
        at=utcnow(),
        actor=ctx.actor[:100],
        action=action[:60],
        outcome=outcome,
        target=(target or None) and target[:400],
        agency=agency,
        provider=provider,
        before_version=before_version,
        after_version=after_version,
        client_ip=(ctx.client_ip or "")[:64] or None,
        request_id=(ctx.request_id or "")[:64] or None,
        message=message,
        details=details or {},
    )
    session.add(entry)
    session.flush()
    return entry


def record_apart(database: Database, ctx: AuditContext, action: str, **kwargs: Any) -> None:
    """Append one entry in a transaction of its own (for failures whose request is rolled back).

    Roll the request's transaction back first: on SQLite an open write transaction on another
    connection would block this one.
    """
    with database.transaction() as session:
        record(session, ctx, action, **kwargs)


def query(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    agencies: Iterable[str] | None = None,
    include_actor: str | None = None,
    outcome: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
    newest_first: bool = True,
) -> Sequence[AuditEntry]:
    """Entries matching the filters.

    ``action`` matches a prefix (``structure.`` selects every structure action); ``target`` a
    substring.  ``agencies`` restricts to entries about those agencies — plus, with
    ``include_actor``, that actor's own entries (how a curator's view is scoped).
    """
    stmt = select(AuditEntry)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True))
    if target:
        stmt = stmt.where(AuditEntry.target.contains(target, autoescape=True))
    if outcome:
        stmt = stmt.where(AuditEntry.outcome == outcome)
    if agencies is not None:
        scoped = AuditEntry.agency.in_(list(agencies))
        stmt = stmt.where(
            or_(scoped, AuditEntry.actor == include_actor) if include_actor else scoped
        )
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    order = (
        (AuditEntry.at.desc(), AuditEntry.pk.desc())
        if newest_first
        else (AuditEntry.at, AuditEntry.pk)
    )
    stmt = stmt.order_by(*order).limit(max(1, min(limit, MAX_PAGE))).offset(max(0, offset))
    return session.scalars(stmt).all()


def count_failures(session: Session, action: str, target: str, since: datetime) -> int:
    """How many failed ``action`` entries about ``target`` since ``since`` (login throttling)."""
    from sqlalchemy import func

    return int(
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == action,
                AuditEntry.outcome == "failure",
                AuditEntry.target == target,
                AuditEntry.at >= since,
            )
        )
        or 0
    )


def as_dict(entry: AuditEntry) -> dict[str, Any]:
    """A JSON-ready entry."""
    from registry.auth.accounts import aware

    at = aware(entry.at)
    return {
        "id": entry.pk,
        "at": at.isoformat() if at else None,
        "actor": entry.actor,
        "action": entry.action,
        "outcome": entry.outcome,
        "target": entry.target,
        "agency": entry.agency,
        "provider": entry.provider,
        "beforeVersion": entry.before_version,
        "afterVersion": entry.after_version,
        "clientIp": entry.client_ip,
        "requestId": entry.request_id,
        "message": entry.message,
        "details": entry.details or {},
    }


def _csv_safe(value: object) -> str:
    """Text of a cell; formula-like text is prefixed with ``'`` (CSV injection in spreadsheets)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """CSV text, header first, one chunk per entry (for streaming answers)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield buf.getvalue()
    for e in entries:
        buf.seek(0)
        buf.truncate()
        d = as_dict(e)
        writer.writerow(
            [
                _csv_safe(v)
                for v in (
                    d["id"],
                    d["at"],
                    d["actor"],
                    d["action"],
                    d["outcome"],
                    d["target"],
                    d["agency"],
                    d["provider"],
                    d["beforeVersion"],
                    d["afterVersion"],
                    d["clientIp"],
                    d["requestId"],
                    d["message"],
                )
            ]
        )
        yield buf.getvalue()
