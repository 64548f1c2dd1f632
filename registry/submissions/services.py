"""Submission services: create (store the upload, idempotently), authorise, find and describe.

The HTTP API and the CLI call these with the session and the actor as arguments (no request
globals).  Uploads are streamed to ``instance/uploads/`` while their SHA-256 is computed, so a body
is never held in memory; the size limit is enforced while copying (a body without
``Content-Length`` cannot get past it).

Idempotency: a submission is identified by (content hash, dataflow, provider, action).  Sending the
same file again returns the existing submission, unless that one failed (then the file is taken as a
new attempt).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.auth.principal import Principal
from registry.config import Settings
from registry.errors import InsufficientStorage, InvalidRequest, NotFound, PayloadTooLarge, is_out_of_space
from registry.store.data_models import Submission
from registry.submissions.pipeline import DONE
from registry.submissions.structure import for_submission

ACTIONS = ("replace", "merge", "delete")
_ACTION_ALIASES = {"append": "merge", "information": "replace", "i": "replace", "r": "replace", "a": "merge",
                   "m": "merge", "d": "delete"}
_COPY_CHUNK = 1024 * 1024
_ID = re.compile(r"^[0-9a-f]{32}$")


def authorize_submission(principal: Principal | None, provider: str, *, allow_anonymous: bool = False) -> None:
    """Allow ``principal`` to submit data on behalf of data provider ``provider``, or raise.

    Every submission passes through here before anything is stored: the single place where
    permissions attach.  Submitters may report only for their own provider(s), admins for any;
    anonymous callers get ``Unauthorized`` unless the operator enabled ``allow_anonymous_submissions``
    (a closed intranet test installation).  ``None`` means a trusted caller (the command line).
    """
    if principal is None:
        return
    if principal.is_anonymous and allow_anonymous:
        return
    principal.require(principal.can_submit_for(provider), f"submit data for {provider}")


def normalise_action(action: str | None) -> str:
    """``replace``, ``merge`` or ``delete`` (SDMX names such as ``Append`` are accepted)."""
    a = (action or "replace").strip().lower()
    a = _ACTION_ALIASES.get(a, a)
    if a not in ACTIONS:
        raise InvalidRequest(f"action must be one of {', '.join(ACTIONS)} (got {action!r})")
    return a


def parse_embargo(text: str | None) -> datetime | None:
    """An ISO 8601 date-time (UTC assumed without an offset)."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(f"embargo must be an ISO 8601 date-time, e.g. 2026-01-31T09:00:00Z (got {text!r})") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(slots=True)
class StoredUpload:
    """An upload copied to disk."""

    path: Path
    sha256: str
    size: int


def store_upload(folder: Path, source: IO[bytes], max_bytes: int) -> StoredUpload:
    """Copy ``source`` to a temporary file in ``folder``, hashing it; ``PayloadTooLarge`` past the limit."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"incoming-{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with tmp.open("wb") as out:
            while chunk := source.read(_COPY_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(f"the upload is larger than the limit of {max_bytes:,} bytes",
                                          details={"limit": max_bytes})
                digest.update(chunk)
                out.write(chunk)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if is_out_of_space(exc):
            raise InsufficientStorage(
                "The service has no disk space left to store the upload; nothing was stored. "
                "Try again later; if it persists, tell the service's operators."
            ) from None
        raise
    if size == 0:
        tmp.unlink(missing_ok=True)
        raise InvalidRequest("the request has no file: send the data file as the body or as multipart field 'file'")
    return StoredUpload(tmp, digest.hexdigest(), size)


def find_duplicate(session: Session, sha256: str, dataflow: str, provider: str | None, action: str) -> Submission | None:
    """An earlier, not failed, submission of the same file to the same dataflow, provider and action."""
    return session.scalars(
        select(Submission).where(
            Submission.content_hash == sha256, Submission.dataflow == dataflow,
            Submission.provider == provider, Submission.action == action, Submission.status != "failed",
        ).order_by(Submission.created_at.desc()).limit(1)
    ).first()


def create_submission(
    session: Session,
    settings: Settings,
    source: IO[bytes],
    *,
    dataflow: str,
    provider: str | None,
    action: str | None = "replace",
    partial: bool = False,
    embargo: str | None = None,
    filename: str | None = None,
    media_type: str | None = None,
    actor: str = "anonymous",
    principal: Principal | None = None,
) -> tuple[Submission, bool]:
    """Store an upload and create its ``received`` row; returns ``(row, created)``.

    Checks come before the body is read: action, embargo, permission, dataflow, provider and provision
    agreement (422 with what to fix).  The caller commits.
    """
    act = normalise_action(action)
    embargo_until = parse_embargo(embargo)
    if not provider:
        for_submission(session, dataflow, provider)  # raises the "provider is required" message
    authorize_submission(principal, provider or "", allow_anonymous=settings.allow_anonymous_submissions)
    resolved = for_submission(session, dataflow, provider)
    flow_key = resolved.dataflow_key
    folder = Path(settings.instance_path) / "uploads"
    upload = store_upload(folder, source, settings.max_upload_bytes)
    existing = find_duplicate(session, upload.sha256, flow_key, provider, act)
    if existing is not None:
        upload.path.unlink(missing_ok=True)
        return existing, False
    sub_id = uuid.uuid4().hex
    relative = f"uploads/{sub_id}.upload"
    upload.path.replace(Path(settings.instance_path) / relative)
    row = Submission(
        id=sub_id, dataflow=flow_key, provider=provider, action=act, status="received",
        filename=(filename or None) and Path(filename).name[:255], media_type=(media_type or None) and media_type[:200],
        size_bytes=upload.size, content_hash=upload.sha256, observations_read=0, observations_loaded=0,
        accept_partial=partial, actor=actor, embargo_until=embargo_until, upload_path=relative,
    )
    session.add(row)
    session.flush()
    return row, True


def can_read_submission(principal: Principal | None, provider: str | None, *, allow_anonymous: bool = False) -> bool:
    """Submissions (their reports quote the submitted values) are seen by the provider's own
    submitters and by admins; ``None`` is a trusted caller (command line, jobs)."""
    if principal is None:
        return True
    if principal.is_anonymous:
        return allow_anonymous
    return principal.can_see_confidential(provider)


def get_submission(session: Session, sub_id: str, *, principal: Principal | None = None,
                   allow_anonymous: bool = False) -> Submission:
    """A submission by id; ``NotFound`` when absent or not readable (existence is not revealed)."""
    row = session.get(Submission, sub_id) if _ID.match(sub_id) else None
    if row is None or not can_read_submission(principal, row.provider, allow_anonymous=allow_anonymous):
        raise NotFound(f"No submission {sub_id!r}")
    return row


def list_submissions(session: Session, dataflow: str | None = None, provider: str | None = None,
                     status: str | None = None, limit: int = 100, *, principal: Principal | None = None,
                     allow_anonymous: bool = False) -> list[Submission]:
    """Submissions the principal may read, newest first, filtered by dataflow, provider and status."""
    stmt = select(Submission).order_by(Submission.created_at.desc()).limit(max(1, min(limit, 1000)))
    if principal is not None and not (principal.is_admin or (principal.is_anonymous and allow_anonymous)):
        scopes = principal.scopes("submitter")
        if principal.is_anonymous or not scopes:
            return []
        if "*" not in scopes:
            stmt = stmt.where(Submission.provider.in_(sorted(scopes)))
    if dataflow:
        stmt = stmt.where(Submission.dataflow == dataflow)
    if provider:
        stmt = stmt.where(Submission.provider == provider)
    if status:
        stmt = stmt.where(Submission.status == status)
    return list(session.scalars(stmt))


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat().replace("+00:00", "Z")


def describe(row: Submission, *, with_report: bool = True) -> dict[str, Any]:
    """The JSON description of a submission (status, progress, and the report when done)."""
    url = f"/api/submissions/{row.id}"
    body: dict[str, Any] = {
        "id": row.id, "status": row.status, "url": url, "done": row.status in DONE,
        "dataflow": row.dataflow, "provider": row.provider, "action": row.action, "partial": row.accept_partial,
        "actor": row.actor, "filename": row.filename, "format": row.format_name, "size": row.size_bytes,
        "sha256": row.content_hash, "embargo": _iso(row.embargo_until),
        "created": _iso(row.created_at), "started": _iso(row.started_at), "finished": _iso(row.finished_at),
        "progress": {"observations_read": row.observations_read, "observations_loaded": row.observations_loaded},
        "error": row.error,
    }
    if row.report is not None:
        rep = row.report
        body["summary"] = {k: rep.get(k) for k in ("valid", "observations", "series", "errors", "warnings",
                                                   "rules", "partial")}
        body["links"] = {"report": f"{url}/report.json", "html": f"{url}/report.html"}
        if rep.get("rejected_rows"):
            body["links"]["rejected"] = f"{url}/rejected.csv"
        if with_report and row.status in DONE:
            body["report"] = rep
    return body
