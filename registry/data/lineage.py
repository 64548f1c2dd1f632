"""Lineage of one observation: who reported each version of the value, from which file, when.

The versions come through ``pipeline.published`` with history, so the audience sees exactly what the
data API would show it: for the public, a version that was suppressed while it was current has no
value (and an embargoed one is not listed), while provenance (provider, submission, file, load time)
stays visible because it reveals nothing about the value.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.data.pipeline import DataContext, published
from registry.data.query import DataQuery, parse_v1_key, period_end, period_start
from registry.errors import InvalidRequest, NotFound
from registry.store.data_models import Submission


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def lineage(session: Session, ctx: DataContext, key: str, period: str) -> dict[str, Any]:
    """Current value and history of the observation ``key`` at ``period``."""
    n = len(ctx.key_dims)
    patterns = parse_v1_key(key, n)
    if patterns is None or any(p is None or len(p) != 1 for p in patterns[0]):
        raise InvalidRequest(
            f"key must be a full series key ({n} dimensions, no wildcard), got {key[:200]!r}"
        )
    query = DataQuery(
        keys=patterns, start=period_start(period), end=period_end(period), include_history=True
    )
    versions = [
        o for s in published(session, ctx, query) for o in s.observations if o.time_period == period
    ]
    if not versions:
        raise NotFound(f"No observation {key} at {period} in {ctx.flow_key}")
    versions.sort(key=lambda o: (o.loaded_at is None, o.loaded_at))
    sub_ids = {o.submission_id for o in versions if o.submission_id}
    files: dict[str, tuple[str | None, str | None]] = {}
    if sub_ids:
        for sid, filename, fmt in session.execute(
            select(Submission.id, Submission.filename, Submission.format_name).where(
                Submission.id.in_(sub_ids)
            )
        ):
            files[sid] = (filename, fmt)

    def entry(o: Any) -> dict[str, Any]:
        filename, fmt = files.get(o.submission_id or "", (None, None))
        return {
            "value": o.value,
            "obs_status": o.attrs.get("OBS_STATUS", o.obs_status),
            "conf_status": o.attrs.get("CONF_STATUS", o.conf_status),
            "provider": o.provider,
            "submission": o.submission_id,
            "file": filename,
            "format": fmt,
            "loaded_at": _iso(o.loaded_at),
            "superseded_at": _iso(o.superseded_at),
        }

    history = [entry(o) for o in versions]
    current = next((h for h in reversed(history) if h["superseded_at"] is None), None)
    return {
        "dataflow": ctx.flow_key,
        "key": key,
        "period": period,
        "audience": str(ctx.audience),
        "current": current,
        "history": history,
    }
