"""Format facts and shared encoders of SDMX-JSON structure messages 1.0 and 2.0.

Design decisions:

* One ``JsonVersion`` value holds every difference between SDMX-JSON structure 1.0 (SDMX 2.1
  information model) and 2.0 (SDMX 3.0): property names, the ``data`` key of each artefact type and
  the schema URL.  Encoders take it as an argument and branch on its fields, so the two versions are
  expressed as *deltas* of one encoder rather than as two copies (house style, "Avoid" 3).
* Localised text follows the field guide's "Localised text elements": ``name``/``description``
  hold the best match for the requested languages (``MessageHeader.langs``, then ``en``, then any)
  and ``names``/``descriptions`` hold every language.  The ``Ctx`` records each language it writes
  so the header's ``contentLanguages`` lists exactly the languages in the message.
* The schemas declare ``date-time`` for validity dates; the model keeps SDMX-ML text, so a bare date
  becomes midnight UTC and a time without zone gets ``Z`` (RFC 3339 demands a zone).
* Text-format facets are text in the model and numbers in JSON; the reader converts them back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import Annotation, Contact, TextFormat
from registry.sdmx.refs import ArtefactType

JsonObj = dict[str, Any]

SCHEMA_URL_10 = (
    "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/structure-message/tools/schemas/"
    "1.0/sdmx-json-structure-schema.json"
)
SCHEMA_URL_20 = (
    "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/structure-message/tools/schemas/"
    "2.0.0/sdmx-json-structure-schema.json"
)

_T = ArtefactType

#: ``data`` property of each stored type.  Types absent from a version are converted or skipped by
#: the writer (see ``structure_writer``).
DATA_KEYS_20: dict[ArtefactType, str] = {
    _T.DATA_STRUCTURE: "dataStructures", _T.DATAFLOW: "dataflows", _T.CODELIST: "codelists",
    _T.CONCEPT_SCHEME: "conceptSchemes", _T.CATEGORY_SCHEME: "categorySchemes",
    _T.CATEGORISATION: "categorisations", _T.AGENCY_SCHEME: "agencySchemes",
    _T.DATA_PROVIDER_SCHEME: "dataProviderSchemes", _T.DATA_CONSUMER_SCHEME: "dataConsumerSchemes",
    _T.ORGANISATION_UNIT_SCHEME: "organisationUnitSchemes",
    _T.CONTENT_CONSTRAINT: "dataConstraints",
    _T.PROVISION_AGREEMENT: "provisionAgreements", _T.HIERARCHY: "hierarchies",
    _T.HIERARCHY_ASSOCIATION: "hierarchyAssociations", _T.REPRESENTATION_MAP: "representationMaps",
    _T.STRUCTURE_MAP: "structureMaps",
}
DATA_KEYS_10: dict[ArtefactType, str] = {
    **{t: k for t, k in DATA_KEYS_20.items() if t not in (
        _T.CONTENT_CONSTRAINT, _T.HIERARCHY, _T.HIERARCHY_ASSOCIATION, _T.REPRESENTATION_MAP,
        _T.STRUCTURE_MAP)},
    _T.CONTENT_CONSTRAINT: "contentConstraints", _T.HIERARCHICAL_CODELIST: "hierarchicalCodelists",
    _T.STRUCTURE_SET: "structureSets",
}

#: Item array property of each item scheme type (same in both versions).
ITEM_KEYS: dict[ArtefactType, str] = {
    _T.CODELIST: "codes", _T.CONCEPT_SCHEME: "concepts", _T.CATEGORY_SCHEME: "categories",
    _T.AGENCY_SCHEME: "agencies", _T.DATA_PROVIDER_SCHEME: "dataProviders",
    _T.DATA_CONSUMER_SCHEME: "dataConsumers", _T.ORGANISATION_UNIT_SCHEME: "organisationUnits",
}


@dataclass(frozen=True, slots=True)
class JsonVersion:
    """Everything that differs between SDMX-JSON structure 1.0 and 2.0."""

    version: str
    media_type: MediaType
    schema_url: str
    data_keys: dict[ArtefactType, str]
    #: Text format object: ``textFormat``/``textType`` (1.0) or ``format``/``dataType`` (2.0).
    format_key: str
    data_type_key: str
    #: 1.0 writes ``isFinal``; 2.0 expresses finality through semantic versions.
    writes_is_final: bool
    #: 2.0 annotations have a non-localised ``value``.
    annotation_value: bool

    @property
    def is_20(self) -> bool:
        """True for SDMX-JSON 2.0."""
        return self.version == "2.0"


V10 = JsonVersion("1.0", MediaType.STRUCTURE_JSON_10, SCHEMA_URL_10, DATA_KEYS_10, "textFormat",
                  "textType", True, False)
V20 = JsonVersion("2.0", MediaType.STRUCTURE_JSON_20, SCHEMA_URL_20, DATA_KEYS_20, "format",
                  "dataType", False, True)

# Language tags as the schemas' ``contentLanguages`` accept them (lower case only).
_LANG = re.compile(r"^[a-z]{2,8}(-[a-z0-9]{1,8})*$")


@dataclass(slots=True)
class Ctx:
    """Per-message writing state: requested languages and the languages actually written."""

    v: JsonVersion
    langs: tuple[str, ...] = ("en",)
    seen: dict[str, None] = field(default_factory=dict)

    def pick(self, text: Mapping[str, str]) -> str | None:
        """Best-match text: first requested language, then ``en``, then any."""
        for lang in (*self.langs, "en"):
            if lang in text:
                return text[lang]
        return next(iter(text.values()), None)

    def put_text(self, out: JsonObj, one: str, many: str, text: Mapping[str, str]) -> None:
        """Write ``one`` (best match) and ``many`` (all languages) when ``text`` is not empty."""
        if text:
            out[one] = self.pick(text)
            out[many] = dict(text)
            self.seen.update(dict.fromkeys(text))

    def content_languages(self) -> list[str]:
        """Languages written, the first requested one first; valid tags only."""
        first = [lang.lower() for lang in self.langs if lang in self.seen]
        rest = sorted(lang.lower() for lang in self.seen)
        out = list(dict.fromkeys(lang for lang in (*first, *rest) if _LANG.match(lang)))
        return out or ["en"]


def date_time(value: str) -> str:
    """An SDMX-ML date or dateTime as an RFC 3339 date-time (UTC when no zone is given)."""
    value = value.strip()
    if re.fullmatch(r"-?\d{4,}-\d\d-\d\d", value):
        return value + "T00:00:00Z"
    if re.search(r"(Z|[+-]\d\d:\d\d)$", value):
        return value
    return value + "Z"


def number(text: str | None, integer: bool = False) -> int | float | None:
    """A facet value as a JSON number, or None when it is not numeric."""
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        if integer:
            return None
    try:
        return float(text)
    except ValueError:
        return None


def annotations(ctx: Ctx, anns: Iterable[Annotation]) -> list[JsonObj]:
    """Annotations (field guide "annotation").  ``url`` becomes a ``self`` link."""
    out = []
    for a in anns:
        o: JsonObj = {}
        for key, val in (("id", a.id), ("title", a.title), ("type", a.type)):
            if val is not None:
                o[key] = val
        if a.value is not None and ctx.v.annotation_value:
            o["value"] = a.value
        ctx.put_text(o, "text", "texts", a.text)
        if a.url:
            o["links"] = [{"rel": "self", "href": a.url}]
        out.append(o)
    return out


def put_annotations(ctx: Ctx, out: JsonObj, anns: list[Annotation]) -> None:
    """Add ``annotations`` when there are any (the schemas demand minItems 1)."""
    if anns:
        out["annotations"] = annotations(ctx, anns)


def contacts(ctx: Ctx, items: Iterable[Contact]) -> list[JsonObj]:
    """Organisation contacts (``contactType``)."""
    out = []
    for c in items:
        o: JsonObj = {}
        ctx.put_text(o, "name", "names", c.name)
        ctx.put_text(o, "department", "departments", c.department)
        ctx.put_text(o, "role", "roles", c.role)
        for key, vals in (("telephones", c.telephone), ("faxes", c.fax), ("x400s", c.x400),
                          ("uris", c.uri), ("emails", c.email)):
            if vals:
                o[key] = list(vals)
        out.append(o)
    return out


# --- Text formats ---------------------------------------------------------------------------------

#: Data types the coded (``enumerationFormat``) facets accept.
_CODE_TYPES = frozenset({
    "String", "Alpha", "AlphaNumeric", "Numeric", "BigInteger", "Integer", "Long", "Short",
    "Boolean",
    "URI", "Count", "InclusiveValueRange", "ExclusiveValueRange", "Incremental",
    "ObservationalTimePeriod", "StandardTimePeriod", "BasicTimePeriod", "GregorianTimePeriod",
    "GregorianYear", "GregorianYearMonth", "GregorianDay", "ReportingTimePeriod", "ReportingYear",
    "ReportingSemester", "ReportingTrimester", "ReportingQuarter", "ReportingMonth",
    "ReportingWeek",
    "ReportingDay", "Month", "MonthDay", "Day", "Duration",
})
TIME_TYPES = frozenset({
    "ObservationalTimePeriod", "StandardTimePeriod", "BasicTimePeriod", "GregorianTimePeriod",
    "GregorianYear", "GregorianYearMonth", "GregorianDay", "ReportingTimePeriod", "ReportingYear",
    "ReportingSemester", "ReportingTrimester", "ReportingQuarter", "ReportingMonth",
    "ReportingWeek",
    "ReportingDay", "DateTime", "TimeRange",
})
#: (model attribute, JSON key, kind); kind: n number, p positive integer, b bool, s text.
FACETS: tuple[tuple[str, str, str], ...] = (
    ("is_sequence", "isSequence", "b"), ("interval", "interval", "n"),
    ("start_value", "startValue", "n"), ("end_value", "endValue", "n"),
    ("time_interval", "timeInterval", "s"), ("start_time", "startTime", "s"),
    ("end_time", "endTime", "s"), ("min_length", "minLength", "p"),
    ("max_length", "maxLength", "p"),
    ("min_value", "minValue", "n"), ("max_value", "maxValue", "n"), ("decimals", "decimals", "p"),
    ("pattern", "pattern", "s"), ("is_multilingual", "isMultiLingual", "b"),
)
_CODED_FACETS = frozenset({
    "isSequence", "interval", "startValue", "endValue", "timeInterval", "startTime", "endTime",
    "minLength", "maxLength", "minValue", "maxValue", "pattern",
})


def _facet(value: object, kind: str, coded: bool) -> object:
    if kind in "bs":
        return value
    if kind == "p":
        return value if isinstance(value, int) and value >= 1 else None
    return number(str(value), integer=coded)


def _data_type(text_type: str | None, coded: bool, time: bool, simple: bool) -> str | None:
    """The data type when the target text format's enumeration admits it."""
    if (time and text_type not in TIME_TYPES) or (coded and text_type not in _CODE_TYPES):
        return None
    return None if simple and text_type == "XHTML" else text_type


def _admits(key: str, coded: bool, time: bool, simple: bool) -> bool:
    """True if the target text format has the facet ``key``."""
    if time:
        return key in ("startTime", "endTime")
    if coded:
        return key in _CODED_FACETS
    return not (simple and key == "isMultiLingual")


def text_format(v: JsonVersion, tf: TextFormat, *, coded: bool = False, time: bool = False,
                simple: bool = False) -> JsonObj:
    """Facets of a ``TextFormat`` as the schema's (coded / time / simple / basic) text format."""
    out: JsonObj = {}
    data_type = _data_type(tf.text_type, coded, time, simple)
    if data_type:
        out[v.data_type_key] = data_type
    for attr, key, kind in FACETS:
        value = getattr(tf, attr)
        if value is not None and _admits(key, coded, time, simple):
            value = _facet(value, kind, coded)
            if value is not None:
                out[key] = value
    return out


def read_text_format(v: JsonVersion, obj: Mapping[str, Any]) -> TextFormat:
    """The inverse of ``text_format`` (numbers come back as text)."""
    tf = TextFormat(text_type=obj.get(v.data_type_key))
    for attr, key, kind in FACETS:
        if key not in obj:
            continue
        value = obj[key]
        if kind == "n" and not isinstance(value, bool):
            value = str(value)
        setattr(tf, attr, value)
    return tf
