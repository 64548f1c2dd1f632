"""Element-level helpers of the SDMX-ML 3.0 structure writer.

``Ctx`` carries the ``detail`` of the artefact being written (SDMX-REST ``detail``): ``full``,
``stub`` (identification and names, ``isExternalReference="true"``, ``structureURL``) or
``completestub`` (adds descriptions and annotations).  Values the 3.0 schema types more strictly
than the model (dates, durations, decimals, time periods) pass through small lexical checks so the
output always validates; a value that fails is dropped rather than written invalid.

"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from registry.errors import InvalidReference
from registry.formats.sdmxml30.namespaces import COM, STR
from registry.formats.sdmxml30.structure_tags import (
    ANNOTATIONS,
    DESCRIPTION,
    FIXED_SCHEME_IDS,
    LANG,
    NAME,
    ORGANISATION_SCHEMES,
    artefact_urn30,
    urn30,
)
from registry.sdmx.model import Annotation, MaintainableArtefact
from registry.sdmx.refs import ArtefactType, Ref

Element = etree._Element

DATE_TIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
DATE = re.compile(r"^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$")
DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
INTEGER = re.compile(r"^[+-]?\d+$")
DURATION = re.compile(
    r"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
#: StandardTimePeriodType: gYear, gYearMonth, date, dateTime or a reporting period
#: (2020-Q1, 2020-M01…).
TIME_PERIOD = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?)?)?(Z|[+-]\d{2}:\d{2})?$"
    r"|^\d{4}-([AST]\d|Q[1-4]|[MW]\d{2}|D\d{3})(Z|[+-]\d{2}:\d{2})?$"
)
ID = re.compile(r"^[A-Za-z0-9_@$\-]+$")
NCNAME_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


@dataclass(slots=True)
class Ctx:
    """How much of the current artefact to write."""

    detail: str = "full"
    structure_url: str | None = None

    @property
    def full(self) -> bool:
        """True when the artefact's content (items, components, …) is written."""
        return self.detail == "full"

    @property
    def stub(self) -> bool:
        """True for ``stub`` (names only)."""
        return self.detail == "stub"


def sub(
    parent: Element, ns: str, tag: str, value: str | None = None, **attrs: str | None
) -> Element:
    """Append ``{ns}tag`` with optional text and the non-None attributes."""
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for k, v in attrs.items():
        if v is not None:
            el.set(k, v)
    if value is not None:
        el.text = value
    return el


def st(parent: Element, tag: str, value: str | None = None, **attrs: str | None) -> Element:
    """Append a structure-namespace element."""
    return sub(parent, STR, tag, value, **attrs)


def boolean(value: bool) -> str:
    """``xs:boolean`` lexical form."""
    return "true" if value else "false"


def date_time(value: str | None) -> str | None:
    """An ``xs:dateTime`` (a bare date gets ``T00:00:00``), or None when it is not one."""
    if not value:
        return None
    value = value.strip()
    if DATE_TIME.match(value):
        return value
    if DATE.match(value) and len(value) == 10:
        return value + "T00:00:00"
    return None


def date_only(value: str | None) -> str | None:
    """An ``xs:date`` (a dateTime is cut to its date), or None."""
    if not value:
        return None
    value = value.strip()
    if DATE.match(value):
        return value
    if DATE_TIME.match(value):
        return value[:10]
    return None


def texts(parent: Element, tag: str, values: dict[str, str], fallback: str | None = None) -> None:
    """``com:Name``/``com:Description`` per language; ``fallback`` fills a required but empty
    Name."""
    if not values and fallback is not None:
        values = {"en": fallback}
    for lang, value in values.items():
        el = etree.SubElement(parent, tag)
        el.set(LANG, lang or "en")
        el.text = value


def annotations(parent: Element, items: list[Annotation]) -> None:
    """``com:Annotations`` in the 3.0 element order (Title, Type, URL, Text, Value)."""
    if not items:
        return
    container = etree.SubElement(parent, ANNOTATIONS)
    for a in items:
        el = sub(container, COM, "Annotation", id=a.id)
        if a.title is not None:
            sub(el, COM, "AnnotationTitle", a.title)
        if a.type is not None:
            sub(el, COM, "AnnotationType", a.type)
        if a.url is not None:
            sub(el, COM, "AnnotationURL", a.url.strip())
        for lang, value in a.text.items():
            t = sub(el, COM, "AnnotationText", value)
            t.set(LANG, lang or "en")
        if a.value is not None:
            sub(el, COM, "AnnotationValue", a.value)


def ref_urn(ref: Ref | None) -> str | None:
    """The 3.0 URN of ``ref``, or None when 3.0 cannot express it."""
    if ref is None:
        return None
    try:
        return urn30(ref)
    except InvalidReference:
        return None


def ref_el(parent: Element, tag: str, ref: Ref | None) -> Element | None:
    """A structure-namespace element holding the URN of ``ref`` (nothing when inexpressible)."""
    value = ref_urn(ref)
    return st(parent, tag, value) if value is not None else None


def nameable(
    el: Element,
    names: dict[str, str],
    descriptions: dict[str, str],
    fallback: str,
    notes: list[Annotation],
    ctx: Ctx,
) -> None:
    """Annotations, Name and Description of a nameable, as much as ``ctx`` asks for."""
    if not ctx.stub:
        annotations(el, notes)
    texts(el, NAME, names, fallback)
    if not ctx.stub:
        texts(el, DESCRIPTION, descriptions)


def maintainable(
    parent: Element, tag: str, art: MaintainableArtefact, rtype: ArtefactType, ctx: Ctx
) -> Element:
    """The element of a maintainable with its attributes, annotations, names and descriptions."""
    aid = FIXED_SCHEME_IDS.get(rtype, art.id)
    external = art.is_external_reference or not ctx.full
    # WriteItem.structure_url is where the full artefact lives: it only matters for stubs
    structure_url = (ctx.structure_url or art.structure_url) if not ctx.full else art.structure_url
    el = st(
        parent,
        tag,
        id=aid,
        urn=artefact_urn30(rtype, art.agency, aid, art.version),
        uri=art.uri,
        agencyID=art.agency,
        version=None if rtype in ORGANISATION_SCHEMES else art.version,
        validFrom=date_time(art.valid_from),
        validTo=date_time(art.valid_to),
        isExternalReference=boolean(external),
        serviceURL=art.service_url,
        structureURL=structure_url,
    )
    nameable(el, art.names, art.descriptions, art.id, art.annotations, ctx)
    return el
