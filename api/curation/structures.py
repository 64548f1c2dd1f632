"""Curator JSON endpoints (``/api/structures``): codes, versions, differences, history.

``/api/structures/codelist/{agency}/{id}/{version}/codes``: ``GET`` lists, ``POST`` adds, ``PATCH
…/codes/{code}`` renames/re-parents/reorders, ``DELETE …/codes/{code}`` deprecates (``?remove=true``
removes it from a draft).  ``POST /api/structures/{type}/{agency}/{id}/{version}/next-version`` and
``…/finalise`` manage versions; ``GET /api/structures/{type}/{agency}/{id}/diff?from=1.0&to=1.1``
compares two versions (``fromAsOf``/``toAsOf`` compare two states of one version).

Reads of drafts need a curator; otherwise the answer is 404, as if the artefact did not exist.
Errors are JSON (``{"errors": [...]}``), with field-level messages for 400/422.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from api.auth import audit_context, current_principal, json_errors, load_json
from api.curation.schemas import (
    CodeChangeSchema,
    DeprecationSchema,
    NewCodeSchema,
    NextVersionSchema,
)
from api.db import get_session
from registry.auth.visibility import ensure_readable
from registry.curation import codes, versioning
from registry.curation.diff import diff
from registry.errors import InvalidRequest, NotFound
from registry.sdmx.model import Codelist, Item, MaintainableArtefact
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store

bp = Blueprint("curation_json", __name__, url_prefix="/api/structures")
json_errors(bp)

_CODES = "/codelist/<agency>/<resource_id>/<version>/codes"


def _ref(rtype: str, agency: str, resource_id: str, version: str) -> Ref:
    return Ref(ArtefactType.from_rest(rtype), agency, resource_id, version)


def _item_json(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "names": item.names,
        "descriptions": item.descriptions,
        "parent": item.parent,
        "deprecated": codes.is_deprecated(item),
        "annotations": [
            {"id": a.id, "type": a.type, "title": a.title, "text": a.text} for a in item.annotations
        ],
    }


def _codelist_json(codelist: Codelist) -> dict[str, Any]:
    return {
        "codelist": str(codelist.ref),
        "urn": codelist.urn,
        "isFinal": codelist.is_final,
        "names": codelist.names,
        "codes": [_item_json(i) for i in codelist.items],
    }


def _readable(art: MaintainableArtefact) -> MaintainableArtefact:
    return ensure_readable(current_principal(), art)


def _commit() -> None:
    get_session().commit()


@bp.get(_CODES)
def list_codes(agency: str, resource_id: str, version: str) -> Response:
    """The codes of a codelist (drafts for curators only)."""
    cl = codes.load_codelist(
        get_session(), Ref(ArtefactType.CODELIST, agency, resource_id, version)
    )
    _readable(cl)
    return jsonify(_codelist_json(cl))


@bp.post(_CODES)
def add_code(agency: str, resource_id: str, version: str) -> tuple[Response, int]:
    """Add a code to a draft codelist."""
    data = load_json(NewCodeSchema())
    cl = codes.add_code(
        get_session(),
        Ref(ArtefactType.CODELIST, agency, resource_id, version),
        data["id"],
        names=data["names"],
        descriptions=data["descriptions"],
        parent=data["parent"],
        position=data["position"],
        principal=current_principal(),
        ctx=audit_context(),
    )
    _commit()
    return jsonify(_codelist_json(cl)), 201


@bp.patch(_CODES + "/<code>")
def change_code(agency: str, resource_id: str, version: str, code: str) -> Response:
    """Rename (per language), re-parent and/or move one code."""
    data = load_json(CodeChangeSchema())
    ref = Ref(ArtefactType.CODELIST, agency, resource_id, version)
    s, principal, ctx = get_session(), current_principal(), audit_context()
    cl: Codelist | None = None
    if "names" in data or "descriptions" in data:
        cl = codes.rename_code(
            s,
            ref,
            code,
            names=data.get("names"),
            descriptions=data.get("descriptions"),
            principal=principal,
            ctx=ctx,
        )
    if "parent" in data:
        cl = codes.reparent_code(s, ref, code, data["parent"], principal=principal, ctx=ctx)
    if "position" in data:
        cl = codes.move_code(s, ref, code, data["position"], principal=principal, ctx=ctx)
    _commit()
    assert cl is not None  # the schema requires at least one change
    return jsonify(_codelist_json(cl))


@bp.delete(_CODES + "/<code>")
def deprecate_code(agency: str, resource_id: str, version: str, code: str) -> Response:
    """Deprecate a code (an annotation); ``?remove=true`` removes it from a draft instead."""
    ref = Ref(ArtefactType.CODELIST, agency, resource_id, version)
    s, principal, ctx = get_session(), current_principal(), audit_context()
    if request.args.get("remove", "false").lower() in ("true", "1", "yes"):
        cl = codes.remove_code(s, ref, code, principal=principal, ctx=ctx)
    else:
        data = (
            load_json(DeprecationSchema())
            if request.get_data()
            else {"reason": None, "replacedBy": None}
        )
        cl = codes.deprecate_code(
            s,
            ref,
            code,
            reason=data["reason"],
            replaced_by=data["replacedBy"],
            principal=principal,
            ctx=ctx,
        )
    _commit()
    return jsonify(_codelist_json(cl))


@bp.post("/<rtype>/<agency>/<resource_id>/<version>/next-version")
def next_version(rtype: str, agency: str, resource_id: str, version: str) -> tuple[Response, int]:
    """Create the next version as a draft copy; the source version is unchanged."""
    data = load_json(NextVersionSchema()) if request.get_data() else {"version": None}
    art = versioning.next_version(
        get_session(),
        _ref(rtype, agency, resource_id, version),
        version=data["version"],
        principal=current_principal(),
        ctx=audit_context(),
    )
    _commit()
    return jsonify(
        {
            "artefact": str(art.ref),
            "urn": art.urn,
            "version": art.version,
            "isFinal": art.is_final,
            "from": version,
        }
    ), 201


@bp.post("/<rtype>/<agency>/<resource_id>/<version>/finalise")
def finalise(rtype: str, agency: str, resource_id: str, version: str) -> Response:
    """Make a draft final (refused while it references drafts)."""
    art = versioning.finalise(
        get_session(),
        _ref(rtype, agency, resource_id, version),
        principal=current_principal(),
        ctx=audit_context(),
    )
    _commit()
    return jsonify(
        {"artefact": str(art.ref), "urn": art.urn, "version": art.version, "isFinal": art.is_final}
    )


def _parse_time(name: str) -> datetime | None:
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


def _state(ref: Ref, as_of: datetime | None) -> MaintainableArtefact:
    found = store.find(
        get_session(), [ref.type], [ref.agency], [ref.id], [ref.version], as_of=as_of
    )
    if not found:
        raise NotFound(
            f"{ref} is not in the registry" + (f" as of {as_of.isoformat()}" if as_of else "")
        )
    return _readable(found[-1].artefact)


@bp.get("/<rtype>/<agency>/<resource_id>/diff")
def structure_diff(rtype: str, agency: str, resource_id: str) -> Response:
    """Differences between versions ``from`` and ``to`` (or states: ``fromAsOf``/``toAsOf``)."""
    unknown = set(request.args) - {"from", "to", "fromAsOf", "toAsOf"}
    if unknown:
        raise InvalidRequest(
            f"Unknown query parameter(s): {', '.join(sorted(unknown))}",
            details={k: ["unknown parameter"] for k in unknown},
        )
    old_v, new_v = request.args.get("from"), request.args.get("to")
    missing = [k for k, v in (("from", old_v), ("to", new_v)) if not v]
    if missing:
        raise InvalidRequest(
            "from and to (versions) are required", details={k: ["required"] for k in missing}
        )
    rt = ArtefactType.from_rest(rtype)
    old = _state(Ref(rt, agency, resource_id, old_v or ""), _parse_time("fromAsOf"))
    new = _state(Ref(rt, agency, resource_id, new_v or ""), _parse_time("toAsOf"))
    return jsonify(diff(old, new).as_dict())


@bp.get("/<rtype>/<agency>/<resource_id>/<version>/history")
def history(rtype: str, agency: str, resource_id: str, version: str) -> Response:
    """Every stored state of one artefact version (for ``asOf`` and diffs)."""
    ref = _ref(rtype, agency, resource_id, version)
    rows = store.history(get_session(), ref)
    visible = [
        r for r in rows if r.artefact.is_final or current_principal().can_see_drafts(ref.agency)
    ]
    if not visible:
        raise NotFound(f"{ref} is not in the registry")
    return jsonify(
        {
            "artefact": str(ref),
            "states": [
                {
                    "validSince": (
                        r.valid_since if r.valid_since.tzinfo else r.valid_since.replace(tzinfo=UTC)
                    ).isoformat(),
                    "actor": r.actor,
                    "isFinal": r.artefact.is_final,
                }
                for r in visible
            ],
        }
    )
