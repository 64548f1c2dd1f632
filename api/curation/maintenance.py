"""SDMX-REST structure maintenance: create, replace and delete structures over HTTP.

v2 (``doc/maintenance.md``): ``POST /sdmx/v2/structure[/{type}]`` (201 created, 200 replaced, 207
partly), ``PUT /sdmx/v2/structure/{type}/{agency}/{id}/{version}`` (200; 404 missing; 422 when the
body's artefact is not the one in the URL), ``DELETE`` on the same path (200; 404; 409 while
referenced).  v1 registry style: ``POST /sdmx/rest/structure`` and ``DELETE /sdmx/rest/{type}/…``.

Bodies are SDMX-ML 2.1, SDMX-ML 3.0 or SDMX-JSON 2.0 structure messages, recognised by content.
The answer is an SDMX-ML 2.1 ``RegistryInterface/SubmitStructureResponse`` listing every artefact's
action, status and reason.  A message is atomic unless ``?partial=true``.  Bodies larger than
``max_structure_bytes`` are refused with 413 before they are read.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from api.auth import audit_context, current_principal
from api.db import database, get_session
from api.ratelimits import limited
from registry import audit
from registry.curation import submit as maintenance
from registry.curation.response import MEDIA_TYPE, submit_structure_response
from registry.errors import (
    Conflict,
    IdacError,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
)
from registry.formats.structures import StructureCodecs, default_codecs
from registry.sdmx.model import MaintainableArtefact
from registry.sdmx.refs import ArtefactType, Ref

bp = Blueprint("curation_maintenance", __name__)

_TRUE = {"true", "1", "yes"}


def _codecs() -> StructureCodecs:
    codecs = current_app.extensions.get("idac.structure_codecs")
    if codecs is None:
        codecs = current_app.extensions.setdefault("idac.structure_codecs", default_codecs())
    return codecs  # type: ignore[no-any-return]


def _require_curator() -> None:
    principal = current_principal()
    principal.require(principal.is_curator, "maintain structures")


def _body() -> bytes:
    limit = int(current_app.extensions["idac.settings"].max_structure_bytes)
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"Structure messages are limited to {limit:,} bytes")
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"Structure messages are limited to {limit:,} bytes")
    if not data.strip():
        raise InvalidRequest("The body is empty: send an SDMX structure message")
    return data


def _read() -> list[MaintainableArtefact]:
    message = _codecs().read(_body())
    if not message.artefacts:
        raise Unprocessable("The structure message holds no artefacts")
    return message.artefacts


def _partial() -> bool:
    return request.args.get("partial", "false").lower() in _TRUE


def _answer(outcome: maintenance.SubmissionOutcome) -> Response:
    status = outcome.http_status
    ctx = audit_context()
    details = {
        "results": [{"ref": str(r.ref), "status": r.status} for r in outcome.results],
        "partial": outcome.partial,
    }
    if outcome.failures and not outcome.stored:
        get_session().rollback()
        audit.record_apart(
            database(),
            ctx,
            "structure.submit",
            outcome="failure",
            message=outcome.summary(),
            details=details,
        )
    else:
        s = get_session()
        audit.record(
            s,
            ctx,
            "structure.submit",
            outcome="partial" if outcome.failures else "success",
            message=outcome.summary(),
            details=details,
        )
        s.commit()
    body = submit_structure_response(outcome.results, receiver=current_principal().name)
    resp = Response(body, status=status, content_type=MEDIA_TYPE)
    created = [r for r in outcome.results if r.status == 201]
    if len(created) == 1:
        ref = created[0].ref
        resp.headers["Location"] = (
            f"/sdmx/v2/structure/{ref.type.rest_v2}/{ref.agency}/{ref.id}/{ref.version}"
        )
    return resp


def _submit(types: list[ArtefactType] | None) -> Response:
    _require_curator()
    artefacts = _read()
    if types is not None:
        wrong = [
            str(a.ref) for a in artefacts if a.type not in types and not a.is_external_reference
        ]
        if wrong:
            raise Unprocessable(
                f"The URL names {types[0].rest_v2} but the body holds {', '.join(wrong[:10])}",
                details={"unexpected": wrong},
            )
    outcome = maintenance.submit(
        get_session(),
        artefacts,
        principal=current_principal(),
        ctx=audit_context(),
        partial=_partial(),
    )
    return _answer(outcome)


@bp.post("/sdmx/v2/structure")
@bp.post("/sdmx/rest/structure")
@limited("uploads")
def create_any() -> Response:
    """Create or replace the artefacts of a structure message (any types)."""
    return _submit(None)


@bp.post("/sdmx/v2/structure/<rtype>")
@limited("uploads")
def create_typed(rtype: str) -> Response:
    """Create or replace artefacts of one type."""
    return _submit([ArtefactType.from_rest(rtype)])


@bp.put("/sdmx/v2/structure/<rtype>/<agency>/<resource_id>/<version>")
@limited("uploads")
def replace(rtype: str, agency: str, resource_id: str, version: str) -> Response:
    """Replace one artefact; the body must hold exactly that artefact."""
    _require_curator()
    expected = Ref(ArtefactType.from_rest(rtype), agency, resource_id, version)
    art = maintenance.expect_single(_read(), expected)
    outcome = maintenance.submit(
        get_session(), [art], principal=current_principal(), ctx=audit_context(), mode="replace"
    )
    return _answer(outcome)


@bp.delete("/sdmx/v2/structure/<rtype>/<agency>/<resource_id>/<version>")
@bp.delete("/sdmx/rest/<rtype>/<agency>/<resource_id>/<version>")
@limited("uploads")
def remove(rtype: str, agency: str, resource_id: str, version: str) -> Response:
    """Delete one artefact version (history keeps it for ``asOf``)."""
    _require_curator()
    ref = Ref(ArtefactType.from_rest(rtype), agency, resource_id, version)
    s = get_session()
    try:
        result = maintenance.delete(s, ref, principal=current_principal(), ctx=audit_context())
    except (Conflict, NotFound) as exc:
        s.rollback()
        audit.record_apart(
            database(),
            audit_context(),
            "structure.delete",
            target=ref,
            outcome="failure",
            before_version=ref.version,
            message=exc.message,
        )
        raise
    except IdacError:
        s.rollback()
        raise
    s.commit()
    body = submit_structure_response([result], receiver=current_principal().name)
    return Response(body, status=200, content_type=MEDIA_TYPE)
