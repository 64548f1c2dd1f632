"""SDMX-REST structure queries, v1.5 (``/sdmx/rest/{resource}/…``) and v2 (``/sdmx/v2/structure/…``).

Path segments may be left off from the end (defaults: all agencies, all ids, latest version), as the
TCK's "short" URLs do.  Multiple values: ``,`` in v2 (``+`` is a version wildcard there); ``+`` or
``,`` in v1.  Query parameters outside the spec are refused with 400, so nothing is silently ignored.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, Response, current_app, request

from api.auth import current_principal
from api.db import database, get_session
from registry.auth import drafts_visible
from api.http_cache import cached_answer, make_etag
from api.negotiation import Offer, languages, negotiate
from registry.errors import InvalidRequest, NotFound
from registry.formats.structure_base import MessageHeader
from registry.formats.structures import StructureCodecs, default_codecs
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.refs import ArtefactType
from registry.store import artefacts as store
from registry.structures.query import StructureQuery, execute

bp = Blueprint("structure", __name__)

_XML21 = MediaType.STRUCTURE_ML_21.value
_XML30 = MediaType.STRUCTURE_ML_30.value
_JSON10 = MediaType.STRUCTURE_JSON_10.value
_JSON20 = MediaType.STRUCTURE_JSON_20.value
_FORMATS = {
    "sdmx-ml": _XML21, "sdmx-ml-2.1": _XML21, "xml": _XML21, "structure": _XML21,
    "sdmx-ml-3.0": _XML30, "sdmx-json": _JSON20, "json": _JSON20, "sdmx-json-1.0": _JSON10,
    "sdmx-json-2.0": _JSON20,
}

V1_OFFER = Offer(
    media_types=(_XML21, _XML30, _JSON10, _JSON20),
    default=_XML21,
    aliases={
        "application/xml": _XML21, "text/xml": _XML21, "application/json": _JSON10,
        "application/vnd.sdmx.structure+xml": _XML21, "application/vnd.sdmx.structure+json": _JSON10,
        "application/vnd.sdmx.structure+xml;version=3.0": _XML30,
        "application/vnd.sdmx.structure+json;version=1.0": _JSON10,
        "application/vnd.sdmx.structure+json;version=2.0": _JSON20,
    },
    formats=_FORMATS,
)
V2_OFFER = Offer(
    media_types=(_JSON20, _XML30, _XML21, _JSON10),
    default=_JSON20,
    aliases={
        "application/xml": _XML30, "text/xml": _XML30, "application/json": _JSON20,
        "application/vnd.sdmx.structure+xml": _XML30, "application/vnd.sdmx.structure+json": _JSON20,
        "application/vnd.sdmx.structure+xml;version=3.0": _XML30,
        "application/vnd.sdmx.structure+json;version=2.0": _JSON20,
        "application/vnd.sdmx.structure+json;version=1.0": _JSON10,
    },
    formats=_FORMATS,
)

#: v1 resources that exist in the spec but that this registry never holds: "no results".
_V1_NOT_HELD = {
    "metadatastructure", "metadataflow", "reportingtaxonomy", "process", "attachmentconstraint",
    "transformationscheme", "rulesetscheme", "userdefinedoperatorscheme", "customtypescheme",
    "namepersonalisationscheme", "namealiasscheme", "vtlmappingscheme",
}
_V2_NOT_HELD = {
    "metadatastructure", "metadataflow", "process", "metadataconstraint", "transformationscheme",
    "rulesetscheme", "userdefinedoperatorscheme", "customtypescheme", "namepersonalisationscheme",
    "vtlmappingscheme", "conceptschememap", "categoryschememap", "organisationschememap",
    "reportingtaxonomymap", "metadataproviderscheme", "reportingtaxonomy", "metadataprovisionagreement",
    "namealiasscheme",
}
_ORG_SCHEMES = [
    ArtefactType.AGENCY_SCHEME, ArtefactType.DATA_PROVIDER_SCHEME, ArtefactType.DATA_CONSUMER_SCHEME,
    ArtefactType.ORGANISATION_UNIT_SCHEME,
]
_V1_PARAMS = {"detail", "references", "format", "asOf"}
_V2_PARAMS = {"detail", "references", "asOf", "format"}


def _codecs() -> StructureCodecs:
    codecs = current_app.extensions.get("idac.structure_codecs")
    if codecs is None:
        codecs = current_app.extensions.setdefault("idac.structure_codecs", default_codecs())
    return codecs  # type: ignore[no-any-return]


def _public_draft_agencies() -> tuple[str, ...]:
    raw = current_app.extensions["idac.settings"].public_draft_agencies
    return tuple(a.strip() for a in raw.split(",") if a.strip())


def _split(value: str | None, seps: str) -> list[str] | None:
    """Multiple values; ``None`` for the "all" keywords."""
    if value is None or value in ("all", "*"):
        return None
    out = [value]
    for sep in seps:
        out = [p for part in out for p in part.split(sep)]
    out = [p for p in out if p]
    if not out:
        raise InvalidRequest(f"Empty value in path segment {value!r}")
    return None if any(p in ("all", "*") for p in out) else out


def _check_params(allowed: set[str]) -> None:
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise InvalidRequest(f"Unknown query parameter(s): {', '.join(unknown)}; supported: {', '.join(sorted(allowed))}")


def _as_of() -> datetime | None:
    raw = request.args.get("asOf")
    if raw is None:
        return None
    if not raw:
        raise InvalidRequest("asOf must be an ISO 8601 date-time, got an empty value")
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(f"asOf must be an ISO 8601 date-time, got {raw!r}") from None
    if value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value


def _answer(query: StructureQuery, offer: Offer) -> Response:
    media = negotiate(offer, request.headers.get("Accept"), request.args.get("format"))
    langs = languages(request.headers.get("Accept-Language"))
    # Anonymous readers and submitters see final structures only; curators see drafts too.
    drafts = drafts_visible(current_principal())
    query.include_drafts = drafts
    query.public_draft_agencies = _public_draft_agencies()
    # The conditional path (304, or a cached body) needs only the generation counter: read it on a
    # pooled connection, without an ORM session, so revalidation costs one small query.
    with database().engine.connect() as conn:
        gen, changed = store.generation(conn)
    etag = make_etag(gen, media, langs, request.full_path, drafts)
    base = request.host_url.rstrip("/")
    stub_url = base + "/sdmx/rest/{type}/{agency}/{id}/{version}"

    def produce() -> bytes:
        items = execute(get_session(), query, structure_url=stub_url)
        header = MessageHeader(id=f"IDAC-{etag.strip(chr(34))[:12]}", langs=langs)
        return _codecs().writer(media).write(items, header)

    resp = cached_answer(request, etag=etag, last_modified=changed, media_type=media, produce=produce)
    if drafts:
        # An answer that may hold drafts must not be stored by shared caches.
        resp.headers["Cache-Control"] = "private, no-cache"
        resp.headers["Vary"] = "Accept, Accept-Encoding, Accept-Language, Authorization, Cookie"
    return resp


def _types_v1(resource: str) -> list[ArtefactType]:
    if resource == "structure":
        return list(ArtefactType)
    if resource == "organisationscheme":
        return list(_ORG_SCHEMES)
    if resource in ("actualconstraint", "allowedconstraint"):
        return [ArtefactType.CONTENT_CONSTRAINT]
    return [ArtefactType.from_rest(resource)]


@bp.get("/sdmx/rest/<resource>")
@bp.get("/sdmx/rest/<resource>/<agency>")
@bp.get("/sdmx/rest/<resource>/<agency>/<resource_id>")
@bp.get("/sdmx/rest/<resource>/<agency>/<resource_id>/<version>")
@bp.get("/sdmx/rest/<resource>/<agency>/<resource_id>/<version>/<item>")
def v1_structure(
    resource: str, agency: str = "all", resource_id: str = "all", version: str = "latest", item: str | None = None
) -> Response:
    """SDMX-REST v1.5 structure and item queries."""
    _check_params(_V1_PARAMS)
    if resource in _V1_NOT_HELD:
        raise NotFound(f"This registry holds no {resource} artefacts")
    types = _types_v1(resource)
    references = request.args.get("references", "none")
    query = StructureQuery(
        types=types,
        agencies=_split(agency, "+,"),
        ids=_split(resource_id, "+,"),
        versions=_v1_versions(version),
        items=_items(item, types),
        detail=request.args.get("detail", "full"),
        references=[references],
        as_of=_as_of(),
    )
    if resource in ("actualconstraint", "allowedconstraint"):
        return _answer_constraints(query, "Actual" if resource == "actualconstraint" else "Allowed")
    return _answer(query, V1_OFFER)


def _v1_versions(version: str) -> list[str]:
    if version == "latest":
        return ["+"]
    return ["+" if v == "latest" else v for v in (_split(version, "+,") or ["*"])]


def _answer_constraints(query: StructureQuery, role: str) -> Response:
    session = get_session()
    found = store.find(session, query.types, query.agencies, query.ids, query.versions, as_of=query.as_of)
    ids = [f.artefact.id for f in found if getattr(f.artefact, "role", None) == role]
    if not ids:
        raise NotFound(f"No {role.lower()} constraints match the query")
    query.ids = ids
    return _answer(query, V1_OFFER)


def _items(item: str | None, types: list[ArtefactType]) -> list[str] | None:
    if item is None or item in ("all", "*"):
        return None
    if not all(t.is_item_scheme or t is ArtefactType.HIERARCHICAL_CODELIST for t in types):
        raise InvalidRequest("Item queries are only possible on item schemes and hierarchical codelists")
    return _split(item, "+,")


@bp.get("/sdmx/v2/structure")
@bp.get("/sdmx/v2/structure/<rtype>")
@bp.get("/sdmx/v2/structure/<rtype>/<agency>")
@bp.get("/sdmx/v2/structure/<rtype>/<agency>/<resource_id>")
@bp.get("/sdmx/v2/structure/<rtype>/<agency>/<resource_id>/<version>")
@bp.get("/sdmx/v2/structure/<rtype>/<agency>/<resource_id>/<version>/<item>")
def v2_structure(
    rtype: str = "*", agency: str = "*", resource_id: str = "*", version: str = "~", item: str | None = None
) -> Response:
    """SDMX-REST v2 structure and item queries."""
    _check_params(_V2_PARAMS)
    if rtype in _V2_NOT_HELD:
        raise NotFound(f"This registry holds no {rtype} artefacts")
    types = list(ArtefactType) if rtype == "*" else [ArtefactType.from_rest(rtype)]
    if rtype == "*" and item is not None:
        types = [t for t in types if t.is_item_scheme]
    refs = [r for r in request.args.get("references", "none").split(",") if r] or ["none"]
    query = StructureQuery(
        types=types,
        agencies=_split(agency, ","),
        ids=_split(resource_id, ","),
        versions=[v for v in version.split(",") if v] or ["~"],
        items=_items(item, types),
        detail=request.args.get("detail", "full"),
        references=refs,
        as_of=_as_of(),
    )
    return _answer(query, V2_OFFER)


def register(app: Flask) -> None:
    """Attach the structure API (and the schema resource) to the app."""
    from api.structure.schema import bp as schema_bp

    app.register_blueprint(schema_bp)
    app.register_blueprint(bp)
