"""The SDMX-REST ``schema`` resource (v1 ``/sdmx/rest/schema/…``, v2 ``/sdmx/v2/schema/…``).

Answers with the structure-specific XSD of a DSD, dataflow or provision agreement, with the allowed
constraints applied to the enumerations — or, when the client asks for a structure format, with the
structures that define validity (DSD, the codelists restricted by the constraints, concepts and
constraints), as the v2 specification allows.  The official SDMX schemas the XSD imports are served
under ``/sdmx/schemas/{version}/`` so standard XML tools can validate without internet access.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, request

from api.db import get_session
from api.http_cache import cached_answer, make_etag
from api.negotiation import Offer, languages, negotiate
from api.structure.blueprint import _codecs, _XML21, _XML30, _JSON20, _JSON10
from registry.errors import InvalidRequest
from registry.formats.structure_base import MessageHeader
from registry.formats.xsdgen import structure_specific_xsd
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.refs import ArtefactType, Ref
from registry.sdmx.schemas import xml_schema_path
from registry.store import artefacts as store
from registry.structures.query import StructureQuery, execute
from registry.structures.resolve import codelists_for, resolve_structure

bp = Blueprint("schema", __name__)

_SCHEMA21 = MediaType.SCHEMA_ML_21.value
_SCHEMA30 = MediaType.SCHEMA_ML_30.value
_CONTEXTS = {
    "datastructure": ArtefactType.DATA_STRUCTURE,
    "dataflow": ArtefactType.DATAFLOW,
    "provisionagreement": ArtefactType.PROVISION_AGREEMENT,
}
_UNSUPPORTED_CONTEXTS = {"metadatastructure", "metadataflow", "metadataprovisionagreement"}


def _offer(v2: bool) -> Offer:
    xsd = _SCHEMA30 if v2 else _SCHEMA21
    return Offer(
        media_types=(xsd, _SCHEMA21, _SCHEMA30, _JSON20, _XML21, _XML30, _JSON10),
        default=xsd,
        aliases={"application/xml": xsd, "text/xml": xsd, "application/vnd.sdmx.schema+xml": xsd,
                 "application/json": _JSON20, "application/vnd.sdmx.schema+json;version=2.0.0": _JSON20},
        formats={"xsd": xsd, "sdmx-json": _JSON20},
    )


def _answer(context: str, agency: str, resource_id: str, version: str, v2: bool) -> Response:
    allowed = {"dimensionAtObservation", "explicitMeasure", "format", "asOf"}
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise InvalidRequest(f"Unknown query parameter(s): {', '.join(unknown)}")
    if context in _UNSUPPORTED_CONTEXTS:
        from registry.errors import NotFound

        raise NotFound(f"This registry holds no {context} artefacts")
    rtype = _CONTEXTS.get(context)
    if rtype is None:
        raise InvalidRequest(f"Unknown schema context {context!r}; expected one of {', '.join(_CONTEXTS)}")
    if request.args.get("asOf"):
        from registry.errors import NotImplementedFeature

        raise NotImplementedFeature("asOf is not implemented for schema queries")
    if version in ("latest", "~", "+"):
        version = "+"
    media = negotiate(_offer(v2), request.headers.get("Accept"), request.args.get("format"))
    dao = request.args.get("dimensionAtObservation", "TIME_PERIOD")
    explicit = request.args.get("explicitMeasure", "false").lower()
    if explicit not in ("true", "false"):
        raise InvalidRequest("explicitMeasure must be true or false")
    session = get_session()
    gen, changed = store.generation(session)
    etag = make_etag("schema", gen, media, request.full_path, languages(request.headers.get("Accept-Language")))
    ref = Ref(rtype, agency, resource_id, version)

    def produce() -> bytes:
        if media in (_SCHEMA21, _SCHEMA30):
            structure = resolve_structure(session, ref)
            ver = "3.0" if media == _SCHEMA30 else "2.1"
            try:
                return structure_specific_xsd(
                    structure, version=ver, dimension_at_observation=dao, explicit_measure=explicit == "true",
                    codelists=codelists_for(session, structure.dsd),
                    schema_location=f"{request.host_url}sdmx/schemas/{ver}/SDMXDataStructureSpecific.xsd",
                )
            except ValueError as exc:
                raise InvalidRequest(str(exc)) from None
        query = StructureQuery(
            types=[rtype], agencies=[agency], ids=[resource_id], versions=[version],
            detail="referencepartial", references=["descendants", "contentconstraint"],
        )
        items = execute(session, query)
        return _codecs().writer(media).write(items, MessageHeader(langs=languages(request.headers.get("Accept-Language"))))

    return cached_answer(request, etag=etag, last_modified=changed, media_type=media, produce=produce)


@bp.get("/sdmx/rest/schema/<context>/<agency>/<resource_id>")
@bp.get("/sdmx/rest/schema/<context>/<agency>/<resource_id>/<version>")
def v1_schema(context: str, agency: str, resource_id: str, version: str = "latest") -> Response:
    """SDMX-REST v1.5 schema query."""
    return _answer(context, agency, resource_id, version, v2=False)


@bp.get("/sdmx/v2/schema/<context>/<agency>/<resource_id>")
@bp.get("/sdmx/v2/schema/<context>/<agency>/<resource_id>/<version>")
def v2_schema(context: str, agency: str, resource_id: str, version: str = "~") -> Response:
    """SDMX-REST v2 schema query."""
    return _answer(context, agency, resource_id, version, v2=True)


@bp.get("/sdmx/schemas/<version>/<name>")
def official_schema(version: str, name: str) -> Response:
    """The official SDMX-ML XSD files that generated schemas import."""
    if version not in ("2.1", "3.0") or not name.endswith(".xsd") or "/" in name or ".." in name:
        abort(404)
    path: Path = xml_schema_path(version, name)
    if not path.is_file():
        abort(404)
    resp = Response(path.read_bytes(), mimetype="application/xml")
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp
