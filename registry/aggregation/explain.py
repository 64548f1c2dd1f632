"""Which countries, observations and submissions went into an aggregate value.

``explain(session, flow, key, period, audience=…)`` takes a regional key (REF_AREA = a region code).
For a stored aggregate it rebuilds the computation **as of the instant the value was stored** (national
observations current then, read from history), so the answer names exactly the observations and
submissions behind the stored value even after they have been replaced; its earlier versions are listed
too.  For a value that is not stored (below the minimum coverage) it explains the current computation.

Nothing here reveals a suppressed value: for the public, a contributor that the public cannot see is
listed (country, provider, submission) without its value, and a withdrawn aggregate is shown without
its value, as the data API shows it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from registry.aggregation.compute import FLOW_PAIRS, Context, compute_indicator, flow_ref
from registry.aggregation.core import AggregationConfig, format_number
from registry.data.disclosure import Audience, DisclosurePolicy
from registry.data.fetch import fetch_series
from registry.errors import InvalidRequest, NotFound
from registry.store.data_models import Submission


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def source_of(flow: str) -> str:
    """The national dataflow a regional dataflow is computed from (a national flow stays itself)."""
    for source, target in FLOW_PAIRS.items():
        if target == flow:
            return source
    return flow


def explain(
    session: Session,
    flow: str,
    key: str,
    period: str,
    *,
    audience: Audience | None = None,
    settings: Any | None = None,
    config: AggregationConfig | None = None,
    policy: DisclosurePolicy | None = None,
) -> dict[str, Any]:
    """The provenance of one aggregate value (see the module docstring)."""
    audience = audience or Audience.public()
    flow_ref(flow)  # validates the form
    source = source_of(flow)
    ctx = Context.build(session, source, settings=settings, config=config, policy=policy)
    parts = tuple(key.split("."))
    if len(parts) != len(ctx.key_dims) or any(not p for p in parts):
        raise InvalidRequest(
            f"key must be a full series key of {len(ctx.key_dims)} dimensions "
            f"({'.'.join(ctx.key_dims)}), got {key[:200]!r}"
        )
    region = parts[ctx.layout.area_pos]
    if region not in {r.code for r in ctx.regions}:
        raise NotFound(
            f"{region} is not an aggregated region (regions: {', '.join(r.code for r in ctx.regions)})"
        )
    versions = []
    if flow != source:
        for s in fetch_series(
            session, flow, ctx.key_dims, [tuple(frozenset({p}) for p in parts)], history=True
        ):
            versions += [o for o in s.observations if o.time_period == period]
    versions.sort(key=lambda o: o.loaded_at or 0)
    current = next((o for o in versions if o.superseded_at is None), None)
    as_of = current.loaded_at if current is not None else None
    indicator = parts[ctx.key_dims.index("INDICATOR")]
    agg = next(
        (
            a
            for a in compute_indicator(session, ctx, indicator, as_of=as_of)
            if a.key == parts and a.period == period
        ),
        None,
    )
    if agg is None and current is None:
        raise NotFound(f"No member of {region} reports {key} at {period}")
    sees_all = audience.kind == "curator"
    subs = {c.submission_id for c in (agg.contributors if agg else []) if c.submission_id}
    files = (
        {s.id: s.filename for s in session.query(Submission).filter(Submission.id.in_(subs))}
        if subs
        else {}
    )

    def contributor(c: Any) -> dict[str, Any]:
        visible = sees_all or not c.suppressed or audience.sees_true(c.provider)
        return {
            "area": c.area,
            "key": ".".join(c.key),
            "period": c.period,
            "value": format_number(c.value) if visible and c.value is not None else None,
            "suppressed_for_public": c.suppressed,
            "unit": c.unit,
            "provider": c.provider,
            "submission": c.submission_id,
            "file": files.get(c.submission_id or ""),
            "loaded_at": _iso(c.loaded_at),
        }

    def version(o: Any) -> dict[str, Any]:
        withheld = (o.attrs.get("CONF_STATUS") or o.conf_status) not in (None, "F") and not sees_all
        return {
            "value": None if withheld else o.value,
            "attributes": {} if withheld else o.attrs,
            "submission": o.submission_id,
            "loaded_at": _iso(o.loaded_at),
            "superseded_at": _iso(o.superseded_at),
        }

    out: dict[str, Any] = {
        "dataflow": flow,
        "source_dataflow": source,
        "key": key,
        "period": period,
        "region": region,
        "audience": str(audience),
        "computed_as_of": _iso(as_of),
        "stored": version(current) if current is not None else None,
        "history": [version(o) for o in versions],
    }
    if agg is not None:
        withheld = agg.status == "suppressed" and not sees_all
        out.update(
            {
                "status": agg.status,
                "value": None if withheld or agg.value is None else format_number(agg.value),
                "unit": agg.unit,
                "method": "sum of numerators / sum of denominators"
                if agg.numer is not None
                else "sum",
                "members": list(agg.members),
                "contributors": [
                    contributor(c) for c in sorted(agg.contributors, key=lambda c: c.area)
                ],
                "excluded": [{"area": a, "reason": r} for a, r in agg.excluded],
                "missing": sorted(
                    set(agg.members)
                    - {c.area for c in agg.contributors}
                    - {a for a, _r in agg.excluded}
                ),
                "coverage": {
                    "members": round(agg.coverage_members, 1),
                    "population": None
                    if agg.coverage_population is None
                    else round(agg.coverage_population, 1),
                    "minimum": ctx.config.min_coverage,
                },
                "submissions": sorted(subs),
            }
        )
    return out
