"""``/api/aggregates``: explain an aggregate, recompute aggregates, list regions and their members.

* ``GET /api/aggregates/explain?flow=IDAC:DF_IDAC_REGIONAL(1.0)&key=…&period=…`` — which countries,
  observations and submissions went into the value (``registry.aggregation.explain``), for the
  request's audience (suppressed values stay hidden from the public);
* ``POST /api/aggregates/recompute`` (curators) — optional JSON/form ``source`` (default
  DF_IDAC_CORE) and ``indicators`` (list or comma-separated); answers the recomputation summary;
* ``GET /api/aggregates/regions`` and ``GET /api/aggregates/regions/<code>`` — regions and members
  (``registry.aggregation.hierarchy.expand_region`` is what the data API calls).

**Authorisation** goes through one hook, ``authorise_recompute()``: it asks the app's
``idac.aggregates_authoriser`` (a callable taking the request, installed by the authentication layer)
and otherwise requires an authenticated curator or admin (``api.auth.current_principal().is_curator``:
401 anonymous, 403 otherwise).  The audience of ``explain`` comes from the data
API's ``current_audience()`` (public unless the auth layer says otherwise).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from api.db import get_session
from api.ratelimits import limited
from registry.aggregation.compute import SOURCE_FLOW, recompute
from registry.aggregation.core import AggregationConfig
from registry.aggregation.explain import explain
from registry.aggregation.hierarchy import load_regions
from registry.data.disclosure import Audience
from registry.errors import Forbidden, InvalidRequest, NotFound

bp = Blueprint("aggregates", __name__, url_prefix="/api/aggregates")


def _audience() -> Audience:
    """The same audience as the data API gives this request."""
    from api.data.blueprint import current_audience

    return current_audience()


def authorise_recompute() -> str:
    """The one authorisation hook of this blueprint: the actor's name, or ``Forbidden``."""
    hook = current_app.extensions.get("idac.aggregates_authoriser")
    if hook is not None:
        actor = hook(request)
        if not actor:
            raise Forbidden("Recomputing aggregates is reserved to curators")
        return str(actor)
    from api.auth import current_principal

    principal = current_principal()
    principal.require(principal.is_curator, "recompute regional aggregates")
    return principal.name


def _config() -> AggregationConfig:
    cfg = current_app.extensions.get("idac.aggregation_config")
    return cfg if isinstance(cfg, AggregationConfig) else AggregationConfig.from_env()


@bp.get("/explain")
def explain_value() -> ResponseReturnValue:
    """Provenance of one aggregate value (JSON)."""
    args = request.args
    unknown = sorted(set(args) - {"flow", "key", "period"})
    if unknown:
        raise InvalidRequest(
            f"Unknown query parameter(s): {', '.join(unknown)}; supported: flow, key, period"
        )
    missing = [p for p in ("flow", "key", "period") if not args.get(p)]
    if missing:
        raise InvalidRequest(
            f"Missing parameter(s): {', '.join(missing)} (flow=AGENCY:ID(VERSION), key, period)"
        )
    body = explain(
        get_session(),
        args["flow"],
        args["key"],
        args["period"],
        audience=_audience(),
        settings=current_app.extensions["idac.settings"],
        config=_config(),
    )
    return jsonify(body)


@bp.post("/recompute")
@limited("uploads")
def recompute_values() -> ResponseReturnValue:
    """Recompute and store aggregates (curators)."""
    actor = authorise_recompute()
    data: dict[str, Any] = request.get_json(silent=True) or dict(request.form)
    source = str(data.get("source") or SOURCE_FLOW)
    raw = data.get("indicators")
    indicators = None
    if isinstance(raw, str) and raw.strip():
        indicators = [i.strip() for i in raw.split(",") if i.strip()]
    elif isinstance(raw, list):
        indicators = [str(i) for i in raw]
    session = get_session()
    try:
        result = recompute(
            session,
            source=source,
            indicators=indicators,
            settings=current_app.extensions["idac.settings"],
            config=_config(),
            actor=actor,
        )
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    session.commit()
    return jsonify(result.to_dict())


@bp.get("/regions")
def regions() -> ResponseReturnValue:
    """Every region with its member count and hierarchy."""
    found = load_regions(get_session())
    return jsonify(
        [
            {"code": r.code, "hierarchy": r.hierarchy, "members": len(r.members)}
            for r in found.values()
        ]
    )


@bp.get("/regions/<code>")
def region(code: str) -> ResponseReturnValue:
    """One region's member countries."""
    found = load_regions(get_session()).get(code)
    if found is None:
        raise NotFound(f"{code} is not a region of the area hierarchies")
    return jsonify(
        {
            "code": found.code,
            "hierarchy": found.hierarchy,
            "members": [m.code for m in found.members],
        }
    )


def register(app: Flask) -> None:
    """Attach the blueprint."""
    app.register_blueprint(bp)
