"""Shared pieces of the SDMX-ML 2.1 structure reader: texts, annotations, references, facets.

Design decisions:

* One function, :func:`read_ref`, turns any SDMX-ML 2.1 reference element (``<str:Structure>``,
  ``<str:Enumeration>``, ``<str:ConceptIdentity>`` …) into a :class:`~registry.sdmx.refs.Ref`.  It
  accepts both reference forms of the schema (``<Ref .../>`` and ``<URN>…</URN>``, SDMX 2.1 Section
  3A "SDMXCommonReferences"), and infers ``class``/``package`` from the context when a ``<Ref>``
  omits them (the SDMX sample files do).  Malformed references raise
  :class:`~registry.errors.StructureError` carrying the line number.
* ``xml:lang`` defaults to ``en``, as the ``common:TextType`` schema default says.
* Element names are matched on local names for the unqualified ``Ref``/``URN`` children, and on
  Clark names otherwise; unknown elements are skipped without error.
"""

from __future__ import annotations

from typing import Any

from registry.errors import InvalidReference, StructureError
from registry.formats.sdmxml21.namespaces import COM, STR, XML, q
from registry.sdmx.model import Annotation, Representation, TextFormat
from registry.sdmx.refs import ArtefactType, Ref

Element = Any  # lxml.etree._Element (kept loose for mypy without stubs)

LANG = q(XML, "lang")
NAME = q(COM, "Name")
DESCRIPTION = q(COM, "Description")
ANNOTATIONS = q(COM, "Annotations")

#: Item class name (``Ref@class`` of an item reference) -> the maintainable type that holds it.
ITEM_PARENTS: dict[str, ArtefactType] = {
    t.item_class: t for t in ArtefactType if t.item_class is not None and t.is_item_scheme
}
ITEM_PARENTS["HierarchicalCode"] = ArtefactType.HIERARCHICAL_CODELIST

_TEXT_FORMAT_ATTRS: tuple[tuple[str, str, type], ...] = (
    ("textType", "text_type", str),
    ("isSequence", "is_sequence", bool),
    ("interval", "interval", str),
    ("startValue", "start_value", str),
    ("endValue", "end_value", str),
    ("timeInterval", "time_interval", str),
    ("startTime", "start_time", str),
    ("endTime", "end_time", str),
    ("minLength", "min_length", int),
    ("maxLength", "max_length", int),
    ("minValue", "min_value", str),
    ("maxValue", "max_value", str),
    ("decimals", "decimals", int),
    ("pattern", "pattern", str),
    ("isMultiLingual", "is_multilingual", bool),
)


class UnsupportedReference(Exception):
    """A well-formed reference to something the model has no type for (e.g. a Metadataflow)."""


def local(el: Element) -> str:
    """Local name of an element."""
    tag: str = el.tag
    return tag[tag.index("}") + 1 :] if tag[0] == "{" else tag


def error(el: Element, message: str) -> StructureError:
    """A StructureError located at ``el``."""
    line = getattr(el, "sourceline", None)
    where = f" (line {line})" if line else ""
    return StructureError(f"{message}{where}", details={"line": line} if line else {})


def as_bool(el: Element, attr: str, default: bool = False) -> bool:
    """An xs:boolean attribute."""
    value = el.get(attr)
    if value is None:
        return default
    value = value.strip()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise error(el, f"Attribute {attr}={value!r} is not a boolean")


def as_int(el: Element, attr: str) -> int | None:
    """An integer attribute, or None."""
    value = el.get(attr)
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise error(el, f"Attribute {attr}={value!r} is not an integer") from None


def texts(el: Element) -> tuple[dict[str, str], dict[str, str]]:
    """Names and descriptions (per language) of a nameable element."""
    names: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for child in el:
        tag = child.tag
        if tag == NAME:
            names[child.get(LANG, "en")] = child.text or ""
        elif tag == DESCRIPTION:
            descriptions[child.get(LANG, "en")] = child.text or ""
    return names, descriptions


def read_annotations(el: Element) -> list[Annotation]:
    """The annotations of an annotable element (``com:Annotations`` child), in order."""
    container = el.find(ANNOTATIONS)
    if container is None:
        return []
    out = []
    for ann in container:
        if ann.tag != q(COM, "Annotation"):
            continue
        a = Annotation(id=ann.get("id"))
        for child in ann:
            name = local(child)
            if name == "AnnotationTitle":
                a.title = child.text or ""
            elif name == "AnnotationType":
                a.type = child.text or ""
            elif name == "AnnotationURL":
                a.url = (child.text or "").strip()
            elif name == "AnnotationText":
                a.text[child.get(LANG, "en")] = child.text or ""
        out.append(a)
    return out


def read_ref(el: Element, expected: ArtefactType, *, item: bool = False) -> Ref:
    """Resolve a reference element (holding ``<Ref>`` or ``<URN>``) to a Ref.

    ``expected`` is the maintainable type the context implies; it is used when ``<Ref>`` has no
    ``class``.  ``item`` says the context expects an item reference (a concept, a code …).
    """
    for child in el:
        if not isinstance(child.tag, str):
            continue
        name = local(child)
        if name == "Ref":
            return _from_ref(child, expected, item)
        if name == "URN":
            try:
                ref = Ref.parse_urn(child.text or "")
            except InvalidReference as exc:
                raise error(child, f"Malformed URN in <{local(el)}>: {exc.message}") from None
            if item and ref.item is None:
                raise error(child, f"<{local(el)}> must reference an item, got {ref.urn}")
            return ref
    raise error(el, f"<{local(el)}> holds neither a <Ref> nor a <URN>")


def _from_ref(ref: Element, expected: ArtefactType, item: bool) -> Ref:
    agency = ref.get("agencyID")
    ident = ref.get("id")
    if not agency or not ident:
        raise error(ref, "<Ref> needs both agencyID and id")
    cls = ref.get("class")
    parent_id = ref.get("maintainableParentID")
    if parent_id is not None:
        rtype = expected
        if cls is not None:
            rtype = ITEM_PARENTS[cls] if cls in ITEM_PARENTS else _type_of(ref, cls, expected)
        version = ref.get("maintainableParentVersion") or "1.0"
        return Ref(rtype, agency, parent_id, version, ident)
    if item:
        raise error(ref, f"<Ref id={ident!r}> must name its scheme (maintainableParentID)")
    rtype = _type_of(ref, cls, expected) if cls is not None else expected
    return Ref(rtype, agency, ident, ref.get("version") or "1.0")


def _type_of(ref: Element, cls: str, expected: ArtefactType) -> ArtefactType:
    if cls == expected.class_name:
        return expected
    try:
        return ArtefactType.from_class(cls)
    except InvalidReference:
        raise UnsupportedReference(cls) from None


def local_id(el: Element) -> str:
    """The id of a local reference (``<str:Parent><Ref id="X"/></str:Parent>``) or an item URN."""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        name = local(child)
        if name == "Ref":
            ident = child.get("id")
            if not ident:
                raise error(child, "<Ref> of a local reference needs an id")
            return str(ident)
        if name == "URN":
            try:
                ref = Ref.parse_urn(child.text or "")
            except InvalidReference as exc:
                raise error(child, f"Malformed URN: {exc.message}") from None
            if ref.item is None:
                raise error(child, f"Expected an item URN, got {ref.urn}")
            return ref.item
    raise error(el, f"<{local(el)}> holds neither a <Ref> nor a <URN>")


def text_format(el: Element) -> TextFormat:
    """A ``TextFormat``/``EnumerationFormat`` element."""
    tf = TextFormat()
    for attr, field_name, kind in _TEXT_FORMAT_ATTRS:
        if el.get(attr) is None:
            continue
        if kind is bool:
            value: Any = as_bool(el, attr)
        elif kind is int:
            value = as_int(el, attr)
        else:
            value = el.get(attr)
        setattr(tf, field_name, value)
    return tf


def representation(
    el: Element | None, enum_type: ArtefactType = ArtefactType.CODELIST
) -> Representation | None:
    """A ``CoreRepresentation``/``LocalRepresentation`` element."""
    if el is None:
        return None
    rep = Representation()
    for child in el:
        tag = child.tag
        if tag == q(STR, "Enumeration"):
            try:
                rep.enumeration = read_ref(child, enum_type)
            except UnsupportedReference as exc:
                raise error(child, f"Enumeration references an unsupported class {exc}") from None
        elif tag in (q(STR, "TextFormat"), q(STR, "EnumerationFormat")):
            rep.text_format = text_format(child)
    return rep


def maintainable_attrs(el: Element) -> dict[str, Any]:
    """Keyword arguments common to every maintainable artefact."""
    ident = el.get("id")
    agency = el.get("agencyID")
    if not ident or not agency:
        raise error(el, f"<{local(el)}> needs both id and agencyID")
    names, descriptions = texts(el)
    return {
        "agency": agency,
        "id": ident,
        "version": el.get("version") or "1.0",
        "names": names,
        "descriptions": descriptions,
        "annotations": read_annotations(el),
        "is_final": as_bool(el, "isFinal"),
        "is_external_reference": as_bool(el, "isExternalReference"),
        "structure_url": el.get("structureURL"),
        "service_url": el.get("serviceURL"),
        "uri": el.get("uri"),
        "valid_from": el.get("validFrom"),
        "valid_to": el.get("validTo"),
    }


def require_id(el: Element) -> str:
    """The ``id`` attribute of an identifiable element."""
    ident = el.get("id")
    if not ident:
        raise error(el, f"<{local(el)}> has no id")
    return str(ident)


__all__ = [
    "ANNOTATIONS",
    "DESCRIPTION",
    "Element",
    "ITEM_PARENTS",
    "NAME",
    "UnsupportedReference",
    "read_annotations",
    "as_bool",
    "as_int",
    "error",
    "local",
    "local_id",
    "maintainable_attrs",
    "read_ref",
    "representation",
    "require_id",
    "text_format",
    "texts",
]
