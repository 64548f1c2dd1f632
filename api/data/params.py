"""Query-string parameters of the data and availability resources → ``DataQuery``.

Parameters outside the specification are refused with 400; standard parameters this service does not
implement are refused with 501 (SDMX-REST: "every standard interface should exist, even if it only
returns 501"), so nothing is silently ignored.  Extensions (non-normative, ``doc/extend.md``):
``format``, ``provenance`` (provenance columns/annotations), and the SDMX-CSV
``labels``/``timeFormat``/``keys``.
"""

from __future__ import annotations

from collections.abc import Mapping

from registry.data.query import (
    ALL_DIMENSIONS,
    DETAILS,
    TIME_PERIOD,
    DataQuery,
    parse_bool,
    parse_datetime,
    parse_filters,
    parse_positive_int,
    period_end,
    period_start,
)
from registry.errors import InvalidRequest, NotImplementedFeature
from registry.formats.base import ResolvedStructure

_CSV = {"labels", "timeFormat", "keys"}
V1_DATA = {
    "startPeriod",
    "endPeriod",
    "updatedAfter",
    "firstNObservations",
    "lastNObservations",
    "dimensionAtObservation",
    "detail",
    "includeHistory",
    "format",
    "provenance",
} | _CSV
V1_AVAILABILITY = {"startPeriod", "endPeriod", "updatedAfter", "mode", "references", "format"}
V2_DATA = {
    "updatedAfter",
    "firstNObservations",
    "lastNObservations",
    "dimensionAtObservation",
    "attributes",
    "measures",
    "includeHistory",
    "asOf",
    "format",
    "provenance",
} | _CSV
V2_AVAILABILITY = {"updatedAfter", "mode", "references", "asOf", "format"}
#: Standard v2 parameters not implemented (501).
V2_NOT_IMPLEMENTED = {"offset", "limit", "sort", "reportingYearStartDay"}
AVAILABILITY_REFERENCES = (
    "none",
    "all",
    "datastructure",
    "conceptscheme",
    "codelist",
    "dataproviderscheme",
    "dataflow",
)
_ATTRIBUTE_KEYWORDS = ("dsd", "msd", "dataset", "series", "obs", "all", "none")


def check_params(args: Mapping[str, str], allowed: set[str], *, v2: bool) -> None:
    """400 for unknown parameters, 501 for standard ones not implemented."""
    names = set(args)
    if v2:
        missing = sorted(names & V2_NOT_IMPLEMENTED)
        if missing:
            raise NotImplementedFeature(
                f"Parameter(s) not implemented by this service: {', '.join(missing)}"
            )
        names = {n for n in names if not (n.startswith("c[") and n.endswith("]"))}
    unknown = sorted(names - allowed)
    if unknown:
        hint = (
            " (v2 uses c[TIME_PERIOD]=ge:…+le:… instead of startPeriod/endPeriod)"
            if v2 and ({"startPeriod", "endPeriod"} & set(unknown))
            else ""
        )
        raise InvalidRequest(
            f"Unknown query parameter(s): {', '.join(unknown)}{hint}; "
            f"supported: {', '.join(sorted(allowed))}"
        )


def _dimension_at_observation(value: str | None, structure: ResolvedStructure) -> str:
    dsd = structure.dsd
    time = dsd.time_dimension
    if value is None:
        if time is not None:
            return time.id
        return ALL_DIMENSIONS
    if value == ALL_DIMENSIONS or (time is not None and value == time.id):
        return value
    if value == TIME_PERIOD and time is None:
        raise InvalidRequest(
            "dimensionAtObservation=TIME_PERIOD but the data structure has no time dimension"
        )
    if value not in {d.id for d in dsd.dimensions}:
        raise InvalidRequest(
            f"dimensionAtObservation {value!r} is not a dimension of {dsd.ref.short}"
        )
    return value


def _selection(text: str, keywords: tuple[str, ...]) -> str | frozenset[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) == 1 and parts[0] in keywords:
        return parts[0]
    if not parts or any(p in keywords for p in parts):
        raise InvalidRequest(
            f"Invalid value {text[:100]!r}: use one of {', '.join(keywords)} or component ids"
        )
    return frozenset(parts)


def _time_parameters(args: Mapping[str, str], q: DataQuery) -> None:
    """startPeriod, endPeriod, updatedAfter, asOf."""
    if "startPeriod" in args:
        q.start = period_start(args["startPeriod"])
    if "endPeriod" in args:
        q.end = period_end(args["endPeriod"])
    if q.start and q.end and q.start > q.end:
        raise InvalidRequest("startPeriod is after endPeriod")
    if "updatedAfter" in args:
        q.updated_after = parse_datetime(args["updatedAfter"], "updatedAfter")
    if "asOf" in args:
        q.as_of = parse_datetime(args["asOf"], "asOf")
        if q.updated_after is not None and q.updated_after > q.as_of:
            raise InvalidRequest("updatedAfter must not be later than asOf")


def _shape_parameters(args: Mapping[str, str], q: DataQuery, structure: ResolvedStructure) -> None:
    """firstN/lastN, dimensionAtObservation, detail, includeHistory, attributes, measures, mode."""
    if "firstNObservations" in args:
        q.first_n = parse_positive_int(args["firstNObservations"], "firstNObservations")
    if "lastNObservations" in args:
        q.last_n = parse_positive_int(args["lastNObservations"], "lastNObservations")
    q.dimension_at_observation = _dimension_at_observation(
        args.get("dimensionAtObservation"), structure
    )
    q.detail = args.get("detail", "full")
    if q.detail not in DETAILS:
        raise InvalidRequest(f"Invalid detail {q.detail!r}; expected one of {', '.join(DETAILS)}")
    if "includeHistory" in args:
        q.include_history = parse_bool(args["includeHistory"], "includeHistory")
    if "attributes" in args:
        q.attributes = _selection(args["attributes"], _ATTRIBUTE_KEYWORDS)
    if "measures" in args:
        q.measures = _selection(args["measures"], ("all", "none"))
    q.mode = args.get("mode", "exact")
    if q.mode not in ("exact", "available"):
        raise InvalidRequest(f"Invalid mode {q.mode!r}; expected exact or available")


def data_query(args: Mapping[str, str], structure: ResolvedStructure, *, v2: bool) -> DataQuery:
    """The parameters common to data and availability queries."""
    q = DataQuery()
    _time_parameters(args, q)
    _shape_parameters(args, q, structure)
    q.filters = parse_filters(args)
    dsd = structure.dsd
    known = {c.id for c in (*dsd.dimensions, *dsd.attributes, *dsd.measures)}
    unknown = sorted(set(q.filters) - known - {TIME_PERIOD})
    if unknown:
        raise InvalidRequest(
            f"c[…] names component(s) not in {dsd.ref.short}: {', '.join(unknown)}"
        )
    return q


def references(args: Mapping[str, str], *, v2: bool) -> list[str]:
    """Availability ``references`` (one value in v1, comma-separated in v2)."""
    raw = args.get("references", "none")
    values = [v.strip() for v in raw.split(",")] if v2 else [raw.strip()]
    for v in values:
        if v not in AVAILABILITY_REFERENCES:
            if v2 and v == "valuelist":
                continue  # no value lists are held: nothing to add
            raise InvalidRequest(
                f"Invalid references {v!r}; expected one of {', '.join(AVAILABILITY_REFERENCES)}"
            )
    return values
