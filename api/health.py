"""Liveness and readiness probes."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from api.db import database
from registry.store import migrate

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> ResponseReturnValue:
    """Liveness: the process answers."""
    return jsonify(status="ok")


@bp.get("/ready")
def ready() -> ResponseReturnValue:
    """Readiness: the database answers and its schema is at the latest migration."""
    db = database()
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current = migrate.is_current(db.engine)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the reason is reported
        return jsonify(status="unavailable", database="unreachable", error=exc.__class__.__name__), 503, {"Retry-After": "10"}
    if not current:
        return jsonify(status="unavailable", database="reachable", migrations="pending"), 503, {"Retry-After": "10"}
    return jsonify(status="ready", database=db.engine.dialect.name, migrations="current")
