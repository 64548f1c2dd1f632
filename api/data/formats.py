"""Data representations: the media types offered (v1 and v2 defaults), the writer for each, the
SDMX-CSV options carried as media-type parameters, and the name lookup for labels.

Defaults (NOTES.md §2.5): v1 answers SDMX-ML 2.1 GenericData, v2 answers SDMX-JSON 2.0.0 ("SDMX 3.0
services default to SDMX-JSON", SDMX-REST ``doc/tips.md``).  SDMX-CSV ``labels``, ``timeFormat`` and
``keys`` may come as parameters of the Accept media type (``…data+csv;version=2.0.0;labels=both``)
or as query parameters, which win.  Answers carry the exact media type, without those parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from api.negotiation import Offer
from registry.data.provenance import ProvenanceJsonWriter10, ProvenanceJsonWriter20
from registry.errors import InvalidRequest, NotFound
from registry.formats.base import DataWriter, ResolvedStructure
from registry.formats.sdmxcsv.writer import CsvWriter10, CsvWriter20, NameLookup, PlainCsvWriter
from registry.formats.sdmxjson.data_writer import JsonDataWriter10, JsonDataWriter20
from registry.formats.sdmxml21.generic_writer import GenericDataWriter21
from registry.formats.sdmxml21.ss_writer import StructureSpecificWriter21
from registry.formats.sdmxml30.data_writer import DataWriter30
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import Codelist, ConceptScheme
from registry.sdmx.refs import Ref
from registry.store import artefacts as store
from registry.structures.resolve import codelists_for

M = MediaType
_ALL = tuple(
    m.value
    for m in (
        M.GENERIC_DATA_21,
        M.GENERIC_TS_DATA_21,
        M.SS_DATA_21,
        M.SS_TS_DATA_21,
        M.DATA_ML_30,
        M.DATA_JSON_10,
        M.DATA_JSON_20,
        M.DATA_CSV_10,
        M.DATA_CSV_20,
        M.CSV,
    )
)
_FORMATS = {
    "genericdata": M.GENERIC_DATA_21.value,
    "generictimeseriesdata": M.GENERIC_TS_DATA_21.value,
    "structurespecificdata": M.SS_DATA_21.value,
    "structurespecifictimeseriesdata": M.SS_TS_DATA_21.value,
    "sdmx-ml-2.1": M.GENERIC_DATA_21.value,
    "sdmx-ml-3.0": M.DATA_ML_30.value,
    "sdmx-ml": M.GENERIC_DATA_21.value,
    "jsondata": M.DATA_JSON_10.value,
    "sdmx-json-1.0": M.DATA_JSON_10.value,
    "sdmx-json-2.0": M.DATA_JSON_20.value,
    "csvfile": M.DATA_CSV_10.value,
    "sdmx-csv-1.0": M.DATA_CSV_10.value,
    "sdmx-csv-2.0": M.DATA_CSV_20.value,
    "csv": M.CSV.value,
}
_COMMON_ALIASES = {
    "application/vnd.sdmx.genericdata+xml": M.GENERIC_DATA_21.value,
    "application/vnd.sdmx.structurespecificdata+xml": M.SS_DATA_21.value,
    "application/vnd.sdmx.generictimeseriesdata+xml": M.GENERIC_TS_DATA_21.value,
    "application/vnd.sdmx.structurespecifictimeseriesdata+xml": M.SS_TS_DATA_21.value,
    "application/vnd.sdmx.data+xml": M.DATA_ML_30.value,
    "application/vnd.sdmx.data+xml;version=3.0": M.DATA_ML_30.value,
    "application/vnd.sdmx.data+json;version=1.0": M.DATA_JSON_10.value,
    "application/vnd.sdmx.data+json;version=2.0": M.DATA_JSON_20.value,
    "application/vnd.sdmx.data+csv;version=1.0": M.DATA_CSV_10.value,
    "application/vnd.sdmx.data+csv;version=2.0": M.DATA_CSV_20.value,
}
V1_OFFER = Offer(
    media_types=_ALL,
    default=M.GENERIC_DATA_21.value,
    aliases={
        **_COMMON_ALIASES,
        "application/xml": M.GENERIC_DATA_21.value,
        "text/xml": M.GENERIC_DATA_21.value,
        "application/json": M.DATA_JSON_10.value,
        "application/vnd.sdmx.data+json": M.DATA_JSON_10.value,
        "application/vnd.sdmx.data+csv": M.DATA_CSV_10.value,
    },
    formats=_FORMATS,
)
V2_OFFER = Offer(
    media_types=(M.DATA_JSON_20.value, *[m for m in _ALL if m != M.DATA_JSON_20.value]),
    default=M.DATA_JSON_20.value,
    aliases={
        **_COMMON_ALIASES,
        "application/xml": M.DATA_ML_30.value,
        "text/xml": M.DATA_ML_30.value,
        "application/json": M.DATA_JSON_20.value,
        "application/vnd.sdmx.data+json": M.DATA_JSON_20.value,
        "application/vnd.sdmx.data+csv": M.DATA_CSV_20.value,
    },
    formats=_FORMATS,
)

#: Media-type parameters that are SDMX-CSV options, not part of the type.
CSV_PARAMETERS = {"labels": "labels", "timeformat": "time_format", "keys": "keys"}
CSV_TYPES = frozenset({M.DATA_CSV_10.value, M.DATA_CSV_20.value, M.CSV.value})
JSON_TYPES = frozenset({M.DATA_JSON_10.value, M.DATA_JSON_20.value})
_ALLOWED = {
    "labels": {
        M.DATA_CSV_10.value: ("id", "both"),
        M.DATA_CSV_20.value: ("id", "name", "both"),
        M.CSV.value: ("id", "name", "both"),
    },
    "time_format": ("original", "normalized"),
    "keys": ("none", "obs", "series", "both"),
}


def split_accept(accept: str | None) -> tuple[str | None, dict[str, dict[str, str]]]:
    """The Accept header without CSV parameters, and those parameters per (bare) media type."""
    if not accept:
        return accept, {}
    entries = []
    params: dict[str, dict[str, str]] = {}
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        kept = [pieces[0]]
        found: dict[str, str] = {}
        for p in pieces[1:]:
            name, _, value = p.partition("=")
            key = CSV_PARAMETERS.get(name.strip().lower())
            if key is not None:
                found[key] = value.strip().strip('"')
            elif p:
                kept.append(p)
        entry = ";".join(kept)
        entries.append(entry)
        if found:
            params[entry.replace(" ", "").lower()] = found
    return ", ".join(entries), params


def csv_options(media: str, accept_params: dict[str, dict[str, str]], args: Any) -> dict[str, str]:
    """labels/time_format/keys for the chosen media type (query parameters win), validated."""
    found: dict[str, str] = {}
    for entry, values in accept_params.items():
        if entry.startswith(media.split(";")[0]) and (
            media.replace(" ", "").lower() in entry or "version" not in entry
        ):
            found.update(values)
    for qname, key in (("labels", "labels"), ("timeFormat", "time_format"), ("keys", "keys")):
        if qname in args:
            found[key] = args[qname]
    if found and media not in CSV_TYPES:
        raise InvalidRequest(f"labels, timeFormat and keys apply to SDMX-CSV only, not to {media}")
    for key, value in found.items():
        allowed = _ALLOWED[key]
        choices = allowed.get(media, ()) if isinstance(allowed, dict) else allowed
        if key == "keys" and media != M.DATA_CSV_20.value:
            choices = ("none",)
        if value not in choices:
            raise InvalidRequest(
                f"Invalid {key} {value!r} for {media}; expected one of {', '.join(choices)}"
            )
    return found


WriterFactory = Callable[[NameLookup | None, bool], DataWriter]
WRITERS: dict[str, WriterFactory] = {
    M.GENERIC_DATA_21.value: lambda n, p: GenericDataWriter21(),
    M.GENERIC_TS_DATA_21.value: lambda n, p: GenericDataWriter21(),
    M.SS_DATA_21.value: lambda n, p: StructureSpecificWriter21(),
    M.SS_TS_DATA_21.value: lambda n, p: StructureSpecificWriter21(),
    M.DATA_ML_30.value: lambda n, p: DataWriter30(),
    M.DATA_JSON_10.value: lambda n, p: ProvenanceJsonWriter10(n) if p else JsonDataWriter10(n),
    M.DATA_JSON_20.value: lambda n, p: ProvenanceJsonWriter20(n) if p else JsonDataWriter20(n),
    M.DATA_CSV_10.value: lambda n, p: CsvWriter10(n),
    M.DATA_CSV_20.value: lambda n, p: CsvWriter20(n),
    M.CSV.value: lambda n, p: PlainCsvWriter(n),
}
#: Representations that can carry provenance (columns or annotations).
PROVENANCE_TYPES = CSV_TYPES | JSON_TYPES
#: Time-series-only representations (dimension at observation must be the time dimension).
TIME_SERIES_TYPES = frozenset({M.GENERIC_TS_DATA_21.value, M.SS_TS_DATA_21.value})


def _concept_names(session: Session, structure: ResolvedStructure) -> dict[str, dict[str, str]]:
    """Component id -> names of its concept (from the stored concept schemes)."""
    schemes: dict[Ref, ConceptScheme | None] = {}
    out: dict[str, dict[str, str]] = {}
    dsd = structure.dsd
    for comp in (*dsd.dimensions, *dsd.attributes, *dsd.measures):
        if comp.concept is None or not comp.concept.item:
            continue
        ref = comp.concept.maintainable
        if ref not in schemes:
            try:
                found = store.get(session, ref)
            except NotFound:
                found = None
            schemes[ref] = found if isinstance(found, ConceptScheme) else None
        scheme = schemes[ref]
        items = scheme.items if scheme is not None else []
        item = next((i for i in items if i.id == comp.concept.item), None)
        if item is not None:
            out[comp.id] = item.names
    return out


def _component_codelists(session: Session, structure: ResolvedStructure) -> dict[str, Codelist]:
    """Component id -> the stored codelist enumerating it."""
    dsd = structure.dsd
    codelists = codelists_for(session, dsd)
    out: dict[str, Codelist] = {}
    for comp in (*dsd.dimensions, *dsd.attributes, *dsd.measures):
        rep = comp.local_representation
        enum = rep.enumeration if rep is not None else None
        if enum is not None and enum.maintainable in codelists:
            out[comp.id] = codelists[enum.maintainable]
    return out


def name_lookup(
    session: Session, structure: ResolvedStructure, langs: tuple[str, ...]
) -> NameLookup:
    """``(component, code) -> name`` from the stored concept schemes and codelists."""
    comp_names = _concept_names(session, structure)
    comp_codes = _component_codelists(session, structure)
    code_names: dict[str, dict[str, dict[str, str]]] = {}
    flow = structure.dataflow

    def best(names: dict[str, str]) -> str | None:
        for lang in langs:
            if lang in names:
                return names[lang]
        return next(iter(names.values()), None)

    def lookup(component: str, code: str | None) -> str | None:
        if code is None:
            if flow is not None and component == flow.id:
                return best(flow.names)
            names = comp_names.get(component)
            return best(names) if names else None
        cl = comp_codes.get(component)
        if cl is None:
            return None
        table = code_names.get(component)
        if table is None:
            table = code_names[component] = {i.id: i.names for i in cl.items}
        names = table.get(code)
        return best(names) if names else None

    return lookup
