"""The OpenAPI 3.0 description of this service, served at ``/sdmx/openapi.json``.

It describes what *we* serve (not the whole SDMX-REST specification): the resources, parameters
with their allowed values, media types and status codes.  schemathesis fuzzes the service against
it in the test-suite, so it must stay exact: a parameter documented here must be honoured, and
every status code the service returns must be listed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, jsonify
from flask.typing import ResponseReturnValue

from registry.sdmx.mediatypes import MediaType
from registry.sdmx.refs import ArtefactType

bp = Blueprint("openapi", __name__)

_ID = r"^[A-Za-z0-9_@$\-]+$"
_AGENCY = r"^[A-Za-z][A-Za-z0-9_\-]*(\.[A-Za-z][A-Za-z0-9_\-]*)*$"
_AGENCY_1 = r"^[A-Za-z][A-Za-z0-9_\-]*(\.[A-Za-z][A-Za-z0-9_\-]*)*"
#: Multiple values: ``+`` in v1, ``,`` in v2; ``*``/``all`` for all.
_AGENCIES_V1 = rf"^(all|{_AGENCY_1[1:]}(\+{_AGENCY_1[1:]})*)$"
_AGENCIES_V2 = rf"^(\*|{_AGENCY_1[1:]}(,{_AGENCY_1[1:]})*)$"
_IDS_V1 = r"^(all|[A-Za-z0-9_@$\-]+(\+[A-Za-z0-9_@$\-]+)*)$"
_IDS_V2 = r"^(\*|[A-Za-z0-9_@$\-]+(,[A-Za-z0-9_@$\-]+)*)$"
_VERSION_1 = r"(all|latest|[0-9]+(\.[0-9]+){0,2}(-[A-Za-z0-9]+)?)"
_VERSIONS_V1 = rf"^{_VERSION_1}(\+{_VERSION_1})*$"
_VERSION_2 = r"(\*|~|\+|[0-9]+(\.[0-9]+){0,2}(-[A-Za-z0-9]+)?|[0-9]+\+?(\.[0-9]+\+?){0,2})"
_VERSIONS_V2 = rf"^{_VERSION_2}(,{_VERSION_2})*$"
_STRUCT_MEDIA = [MediaType.STRUCTURE_ML_21, MediaType.STRUCTURE_ML_30, MediaType.STRUCTURE_JSON_10,
                 MediaType.STRUCTURE_JSON_20]
_ERROR_CODES = ("400", "404", "406", "413", "414", "500", "501", "503")

V1_RESOURCES = sorted(
    {t.rest_v1 for t in ArtefactType}
    | {"structure", "organisationscheme", "actualconstraint", "allowedconstraint"}
)
V2_TYPES = sorted({t.rest_v2 for t in ArtefactType} | {"*"})
ITEM_SCHEMES_V1 = sorted({t.rest_v1 for t in ArtefactType if t.is_item_scheme} | {"hierarchicalcodelist", "organisationscheme"})
ITEM_SCHEMES_V2 = sorted({t.rest_v2 for t in ArtefactType if t.is_item_scheme} | {"*"})
DETAILS = ["full", "allstubs", "referencestubs", "allcompletestubs", "referencecompletestubs", "referencepartial"]
REFERENCES = ["none", "parents", "parentsandsiblings", "children", "descendants", "all"]


def _path_param(name: str, pattern: str | None = None, enum: list[str] | None = None, desc: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if pattern:
        schema["pattern"] = pattern
    if enum:
        schema["enum"] = enum
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": desc}


def _query(name: str, enum: list[str] | None = None, desc: str = "", fmt: str | None = None,
           pattern: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if enum:
        schema["enum"] = enum
    if pattern:
        schema["pattern"] = pattern
    if fmt:
        schema["format"] = fmt
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": desc}


def _responses(media: list[MediaType], ok: str = "OK") -> dict[str, Any]:
    out: dict[str, Any] = {
        "200": {"description": ok, "content": {
            m.value: {"schema": {"type": "object"} if "json" in m.value else {"type": "string"}} for m in media
        }},
        "304": {"description": "Not modified (If-None-Match / If-Modified-Since)"},
    }
    for code in _ERROR_CODES:
        out[code] = {
            "description": "SDMX error message",
            "content": {"application/xml": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}},
        }
    return out


def _get(summary: str, params: list[dict[str, Any]], media: list[MediaType], tag: str) -> dict[str, Any]:
    return {"get": {"summary": summary, "tags": [tag], "parameters": params, "responses": _responses(media)}}


def build() -> dict[str, Any]:
    """The OpenAPI document."""
    paths: dict[str, Any] = {}
    ref_types = sorted({t.rest_v1 for t in ArtefactType} | {"organisationscheme"})
    v1_query = [_query("detail", DETAILS), _query("references", REFERENCES + ref_types),
                _query("format", ["sdmx-ml", "sdmx-ml-2.1", "sdmx-ml-3.0", "sdmx-json", "sdmx-json-1.0", "sdmx-json-2.0"]),
                _query("asOf", fmt="date-time")]
    agency = _path_param("agencyID", _AGENCIES_V1, desc="Agency, `all`, or several joined by `+`")
    rid = _path_param("resourceID", _IDS_V1, desc="Id, `all`, or several joined by `+`")
    version = _path_param("version", _VERSIONS_V1, desc="Version, `all` or `latest`")
    paths["/sdmx/rest/{resource}/{agencyID}/{resourceID}/{version}"] = _get(
        "Structure query (SDMX-REST v1.5)",
        [_path_param("resource", enum=V1_RESOURCES), agency, rid, version, *v1_query], _STRUCT_MEDIA, "Structure v1")
    paths["/sdmx/rest/{itemScheme}/{agencyID}/{resourceID}/{version}/{itemID}"] = _get(
        "Item query (SDMX-REST v1.5)",
        [_path_param("itemScheme", enum=ITEM_SCHEMES_V1), agency, rid, version, _path_param("itemID", _IDS_V1), *v1_query],
        _STRUCT_MEDIA, "Structure v1")
    v2_query = [_query("detail", DETAILS + ["raw"]),
                _query("references", REFERENCES + ["ancestors"] + sorted({t.rest_v2 for t in ArtefactType})),
                _query("asOf", fmt="date-time"), v1_query[2]]
    paths["/sdmx/v2/structure/{structureType}/{agencyID}/{resourceID}/{version}"] = _get(
        "Structure query (SDMX-REST v2)",
        [_path_param("structureType", enum=V2_TYPES), _path_param("agencyID", _AGENCIES_V2, desc="Agencies (`,`) or `*`"),
         _path_param("resourceID", _IDS_V2, desc="Ids (`,`) or `*`"),
         _path_param("version", _VERSIONS_V2, desc="Versions (`,`), `*`, `~` (latest), `+` (latest stable), `1.2+.0`"),
         *v2_query],
        _STRUCT_MEDIA, "Structure v2")
    paths["/sdmx/v2/structure/{itemSchemeType}/{agencyID}/{resourceID}/{version}/{itemID}"] = _get(
        "Item query (SDMX-REST v2)",
        [_path_param("itemSchemeType", enum=ITEM_SCHEMES_V2), _path_param("agencyID", _AGENCIES_V2),
         _path_param("resourceID", _IDS_V2), _path_param("version", _VERSIONS_V2),
         _path_param("itemID", _IDS_V2, desc="Items (`,`) or `*`"), *v2_query],
        _STRUCT_MEDIA, "Structure v2")
    schema_media = [MediaType.SCHEMA_ML_21, MediaType.SCHEMA_ML_30, *_STRUCT_MEDIA]
    schema_params = [
        _path_param("context", enum=["datastructure", "dataflow", "provisionagreement"]),
        _path_param("agencyID", _AGENCY), _path_param("resourceID", _ID), _path_param("version", _VERSIONS_V2),
        _query("dimensionAtObservation", pattern=_ID), _query("explicitMeasure", ["true", "false"]),
    ]
    paths["/sdmx/rest/schema/{context}/{agencyID}/{resourceID}/{version}"] = _get(
        "Schema query (SDMX-REST v1.5): structure-specific XSD with constraints applied", schema_params,
        schema_media, "Schema")
    paths["/sdmx/v2/schema/{context}/{agencyID}/{resourceID}/{version}"] = _get(
        "Schema query (SDMX-REST v2)", schema_params, schema_media, "Schema")
    paths["/health"] = {"get": {"summary": "Liveness", "tags": ["Operations"], "parameters": [],
                                "responses": {"200": {"description": "Alive", "content": {"application/json": {"schema": {"type": "object"}}}}}}}
    paths["/ready"] = {"get": {"summary": "Readiness (database reachable, migrations current)", "tags": ["Operations"], "parameters": [],
                               "responses": {"200": {"description": "Ready", "content": {"application/json": {"schema": {"type": "object"}}}},
                                             "503": {"description": "Not ready", "content": {"application/json": {"schema": {"type": "object"}}}}}}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "IDAC SDMX Registry",
            "version": "0.1.0",
            "description": "SDMX-REST v1.5 and v2 structure, schema and data services of the International "
                           "Data Alliance for Children on the Move (IDAC) registry.",
        },
        "paths": paths,
    }


@bp.get("/sdmx/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI document of this service."""
    return jsonify(build())


def register(app: Flask) -> None:
    """Attach the OpenAPI endpoint."""
    app.register_blueprint(bp)
