"""The audit trail over HTTP: ``GET /api/audit`` (JSON, paged), ``GET /api/audit.csv`` (all).

Admins see every entry; curators see the entries about their agencies' artefacts and their own
actions.  Filters: ``actor``, ``action`` (prefix), ``target`` (substring), ``outcome``, ``since``,
``until`` (ISO 8601), ``limit`` (≤ 1000), ``offset``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from api.auth import current_principal, json_errors
from api.db import database, get_session
from registry import audit
from registry.auth.principal import ANY, Role
from registry.errors import InvalidRequest

bp = Blueprint("curation_audit", __name__, url_prefix="/api")
json_errors(bp)

_PARAMS = {"actor", "action", "target", "outcome", "since", "until", "limit", "offset"}


def _time(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(
            f"{name} must be an ISO 8601 date-time", details={name: ["ISO 8601 date-time"]}
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _int(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidRequest(f"{name} must be an integer", details={name: ["integer"]}) from None


def _filters() -> dict[str, Any]:
    principal = current_principal()
    principal.require(principal.can_read_audit(), "read the audit log")
    unknown = set(request.args) - _PARAMS
    if unknown:
        raise InvalidRequest(
            f"Unknown query parameter(s): {', '.join(sorted(unknown))}",
            details={k: ["unknown parameter"] for k in unknown},
        )
    filters: dict[str, Any] = {
        "actor": request.args.get("actor") or None,
        "action": request.args.get("action") or None,
        "target": request.args.get("target") or None,
        "outcome": request.args.get("outcome") or None,
        "since": _time("since"),
        "until": _time("until"),
    }
    agencies = principal.scopes(Role.CURATOR)
    if not principal.is_admin and ANY not in agencies:
        filters["agencies"] = sorted(agencies)
        filters["include_actor"] = principal.name
    return filters


@bp.get("/audit")
def audit_json() -> Response:
    """A page of audit entries, newest first."""
    filters = _filters()
    limit, offset = _int("limit", 100), _int("offset", 0)
    entries = audit.query(get_session(), limit=limit, offset=offset, **filters)
    return jsonify(
        {
            "entries": [audit.as_dict(e) for e in entries],
            "limit": min(max(limit, 1), audit.MAX_PAGE),
            "offset": max(offset, 0),
        }
    )


@bp.get("/audit.csv")
def audit_csv() -> Response:
    """Every matching entry as CSV, oldest first, streamed page by page."""
    filters = _filters()
    db = database()

    def entries() -> Iterator[Any]:
        # A session of its own, closed as soon as the last page is read: a streamed answer outlives
        # the request's session handling, and an idle transaction would hold locks meanwhile.
        with db.sessions() as session:
            offset = 0
            while True:
                page = audit.query(
                    session, limit=audit.MAX_PAGE, offset=offset, newest_first=False, **filters
                )
                yield from page
                if len(page) < audit.MAX_PAGE:
                    return
                offset += len(page)

    resp = Response(audit.export_csv(entries()), mimetype="text/csv")
    resp.headers["Content-Disposition"] = 'attachment; filename="idac-audit.csv"'
    return resp
