"""Shared pieces of the SDMX-ML 2.1 structure writer: names, annotations, references, text formats.

Every function here produces schema-valid fragments from whatever the model holds (the model is the
SDMX 3.0 one, wider than 2.1):

* a nameable always gets at least one ``com:Name`` (the id, in English, when the model has none);
  languages that are not valid ``xs:language`` values are dropped;
* ``TextFormat`` facets are filtered per context, because the 2.1 schema restricts them differently
  for concepts, components, enumeration formats and the time dimension (SDMXStructureBase.xsd);
* references are written as ``<Ref>`` with ``class`` and ``package``; a reference to a sub-object
  that has no ``Ref`` form (not an item of an item scheme) is written as ``<URN>``;
* an artefact that 2.1 cannot express validly raises :class:`Unwritable`; the writer skips it and
  records why (``StructureWriter21.skipped``).
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from registry.formats.sdmxml21.namespaces import COM, STR, XML, q
from registry.sdmx.datatypes import TIME_TYPES
from registry.sdmx.model import Annotation, MaintainableArtefact, Representation, TextFormat
from registry.sdmx.refs import ArtefactType, Ref

Element = Any  # lxml.etree._Element

LANG = q(XML, "lang")
_XS_LANGUAGE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DURATION = re.compile(
    r"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
_ID = re.compile(r"^[A-Za-z0-9_@$\-]+$")


class Unwritable(Exception):
    """The artefact (or part) has no valid SDMX-ML 2.1 form."""


_TIME_TYPES = TIME_TYPES
_SIMPLE_TYPES = _TIME_TYPES | {
    "String",
    "Alpha",
    "AlphaNumeric",
    "Numeric",
    "BigInteger",
    "Integer",
    "Long",
    "Short",
    "Decimal",
    "Float",
    "Double",
    "Boolean",
    "URI",
    "Count",
    "InclusiveValueRange",
    "ExclusiveValueRange",
    "Incremental",
    "Month",
    "MonthDay",
    "Day",
    "Time",
    "Duration",
}
_BASIC_TYPES = _SIMPLE_TYPES | {"XHTML"}
_CODE_TYPES = _SIMPLE_TYPES - {"Decimal", "Float", "Double", "DateTime", "TimeRange", "Time"}

# (XML attribute, model field, kind); kind: bool, pos (positive integer), num (decimal), dur, str
_FACETS: tuple[tuple[str, str, str], ...] = (
    ("isSequence", "is_sequence", "bool"),
    ("interval", "interval", "num"),
    ("startValue", "start_value", "num"),
    ("endValue", "end_value", "num"),
    ("timeInterval", "time_interval", "dur"),
    ("startTime", "start_time", "str"),
    ("endTime", "end_time", "str"),
    ("minLength", "min_length", "pos"),
    ("maxLength", "max_length", "pos"),
    ("minValue", "min_value", "num"),
    ("maxValue", "max_value", "num"),
    ("decimals", "decimals", "pos"),
    ("pattern", "pattern", "str"),
    ("isMultiLingual", "is_multilingual", "bool"),
)

#: context -> (allowed textType values, allowed facets or None for all, numbers must be integers)
_CONTEXTS: dict[str, tuple[frozenset[str], frozenset[str] | None, bool]] = {
    "concept": (_BASIC_TYPES, None, False),
    "component": (_SIMPLE_TYPES, frozenset(a for a, _, _ in _FACETS) - {"isMultiLingual"}, False),
    "coded": (
        _CODE_TYPES,
        frozenset(a for a, _, _ in _FACETS) - {"isMultiLingual", "decimals"},
        True,
    ),
    "time": (_TIME_TYPES, frozenset({"startTime", "endTime"}), False),
}


def clean(text: str) -> str:
    """Text with the characters XML 1.0 cannot carry removed."""
    return _BAD_CHARS.sub("", text)


def sub(
    parent: Element,
    ns: str | None,
    tag: str,
    attrib: dict[str, str] | None = None,
    text: str | None = None,
) -> Element:
    """Append a child element; ``ns=None`` gives an unqualified element (``Ref``, ``URN``)."""
    el = etree.SubElement(parent, q(ns, tag) if ns else tag, attrib or {})
    if text is not None:
        el.text = clean(text)
    return el


def valid_id(ident: str | None) -> bool:
    """True for a valid ``common:IDType``."""
    return bool(ident) and _ID.match(ident or "") is not None


def write_texts(
    el: Element, ident: str, names: dict[str, str], descriptions: dict[str, str] | None
) -> None:
    """``com:Name`` (at least one) and ``com:Description`` elements."""
    written = 0
    for lang, text in names.items():
        if _XS_LANGUAGE.match(lang):
            sub(el, COM, "Name", {LANG: lang}, text)
            written += 1
    if not written:
        sub(el, COM, "Name", {LANG: "en"}, ident)
    for lang, text in (descriptions or {}).items():
        if _XS_LANGUAGE.match(lang):
            sub(el, COM, "Description", {LANG: lang}, text)


def write_annotations(el: Element, annotations: list[Annotation]) -> None:
    """A ``com:Annotations`` block (nothing when empty).  The 3.0 ``value`` has no 2.1 form."""
    if not annotations:
        return
    block = sub(el, COM, "Annotations")
    for a in annotations:
        ann = sub(block, COM, "Annotation", {"id": a.id} if a.id else None)
        if a.title is not None:
            sub(ann, COM, "AnnotationTitle", text=a.title)
        if a.type is not None:
            sub(ann, COM, "AnnotationType", text=a.type)
        if a.url is not None:
            sub(ann, COM, "AnnotationURL", text=a.url)
        for lang, text in a.text.items():
            if _XS_LANGUAGE.match(lang):
                sub(ann, COM, "AnnotationText", {LANG: lang}, text)


def ref_attrs(ref: Ref) -> dict[str, str] | None:
    """``<Ref>`` attributes (class and package included), or None when only a URN can express it."""
    if ref.item is None:
        return {
            "agencyID": ref.agency,
            "id": ref.id,
            "version": ref.version,
            "class": ref.type.class_name,
            "package": ref.type.package,
        }
    if ref.type.item_class is None or not ref.type.is_item_scheme:
        return None
    return {
        "agencyID": ref.agency,
        "maintainableParentID": ref.id,
        "maintainableParentVersion": ref.version,
        "id": ref.item,
        "class": ref.type.item_class,
        "package": ref.type.package,
    }


def write_ref(parent: Element, tag: str, ref: Ref, ns: str = STR) -> Element:
    """``<ns:tag><Ref …/></ns:tag>`` (or ``<URN>`` for sub-objects without a Ref form)."""
    el = sub(parent, ns, tag)
    attrs = ref_attrs(ref)
    if attrs is None:
        sub(el, None, "URN", text=ref.urn)
    else:
        sub(el, None, "Ref", attrs)
    return el


def write_local_ref(parent: Element, tag: str, ident: str) -> Element:
    """``<str:tag><Ref id="…"/></str:tag>`` — a local reference inside the same artefact."""
    el = sub(parent, STR, tag)
    sub(el, None, "Ref", {"id": ident})
    return el


def _facet(value: Any, kind: str, integers: bool) -> str | None:
    if value is None:
        return None
    if kind == "bool":
        return "true" if value else "false"
    text = str(value).strip()
    if kind == "pos":
        return text if _INTEGER.match(text) and int(text) >= 1 else None
    if kind == "num":
        return text if (_INTEGER if integers else _DECIMAL).match(text) else None
    if kind == "dur":
        return text if _DURATION.match(text) else None
    return text


def facet_attrs(tf: TextFormat | None, context: str) -> dict[str, str]:
    """The ``TextFormat`` attributes the 2.1 schema allows in ``context``."""
    types, allowed, integers = _CONTEXTS[context]
    out: dict[str, str] = {}
    if tf is None:
        return out
    if tf.text_type in types:
        out["textType"] = tf.text_type
    for attr, field_name, kind in _FACETS:
        if allowed is not None and attr not in allowed:
            continue
        value = _facet(getattr(tf, field_name), kind, integers)
        if value is not None:
            out[attr] = value
    return out


def write_representation(
    parent: Element,
    tag: str,
    rep: Representation | None,
    context: str,
    enum_type: ArtefactType = ArtefactType.CODELIST,
) -> None:
    """A ``CoreRepresentation``/``LocalRepresentation``; other enumeration types are dropped."""
    if rep is None:
        return
    enum = rep.enumeration
    if enum is not None and enum.type is enum_type and enum.item is None:
        el = sub(parent, STR, tag)
        write_ref(el, "Enumeration", enum)
        attrs = facet_attrs(rep.text_format, "coded")
        if attrs and enum_type is ArtefactType.CODELIST:
            sub(el, STR, "EnumerationFormat", attrs)
    elif rep.text_format is not None:
        el = sub(parent, STR, tag)
        sub(el, STR, "TextFormat", facet_attrs(rep.text_format, context))


def maintainable(
    tag: str, a: MaintainableArtefact, detail: str, structure_url: str | None
) -> Element:
    """The element of a maintainable with its attributes, annotations, names and descriptions.

    ``stub`` writes names only and marks the artefact as an external reference; ``completestub``
    adds
    descriptions and annotations.
    """
    if not valid_id(a.id):
        raise Unwritable(f"id {a.id!r} is not a valid SDMX 2.1 id")
    attrs = {"id": a.id, "urn": a.urn, "agencyID": a.agency, "version": a.version}
    stub = detail in ("stub", "completestub")
    is_external = a.is_external_reference or stub
    url = (structure_url or a.structure_url) if stub else a.structure_url
    attrs["isExternalReference"] = "true" if is_external else "false"
    attrs["isFinal"] = "true" if a.is_final else "false"
    if url:
        attrs["structureURL"] = url
    if a.service_url:
        attrs["serviceURL"] = a.service_url
    if a.uri:
        attrs["uri"] = a.uri
    if a.valid_from:
        attrs["validFrom"] = a.valid_from
    if a.valid_to:
        attrs["validTo"] = a.valid_to
    el = etree.Element(q(STR, tag), attrs)
    if detail != "stub":
        write_annotations(el, a.annotations)
    write_texts(el, a.id, a.names, a.descriptions if detail != "stub" else None)
    return el
