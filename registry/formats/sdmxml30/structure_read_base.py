"""Element-level helpers of the SDMX-ML 3.0 structure reader: text, annotations, references, facets.

Every problem is raised as ``StructureError`` whose message ends with the line of the offending
element (``details["line"]`` carries it too), so a submitter can find it in a 1 MB file.  References
are URN text elements in 3.0 (``<str:Enumeration>urn:…</str:Enumeration>``); surrounding whitespace
is stripped because real registries emit it (the Global Registry's NA_MAIN file has URNs followed by
a newline and indentation).

"""

from __future__ import annotations

from typing import Any

from lxml import etree

from registry.errors import InvalidReference, StructureError
from registry.formats.sdmxml30.namespaces import COM
from registry.formats.sdmxml30.structure_tags import (
    ANNOTATIONS,
    DESCRIPTION,
    LANG,
    NAME,
    is_final_version,
    parse_urn,
    s,
)
from registry.sdmx.model import Annotation, Representation, TextFormat
from registry.sdmx.refs import ArtefactType, Ref

Element = etree._Element


def error(el: Element, message: str) -> StructureError:
    """A StructureError located at ``el``."""
    line = el.sourceline
    where = f" (line {line})" if line else ""
    return StructureError(
        f"{message}{where}", details={"line": line, "element": etree.QName(el).localname}
    )


def attr(el: Element, name: str) -> str:
    """A required attribute, stripped."""
    value = el.get(name)
    if value is None or not value.strip():
        raise error(el, f"<{etree.QName(el).localname}> lacks the required attribute {name!r}")
    return value.strip()


def opt(el: Element, name: str) -> str | None:
    """An optional attribute, stripped."""
    value = el.get(name)
    return value.strip() if value is not None else None


def flag(el: Element, name: str, default: bool | None = False) -> Any:
    """An ``xs:boolean`` attribute."""
    value = el.get(name)
    if value is None:
        return default
    value = value.strip()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise error(el, f"Attribute {name}={value!r} is not a boolean")


def integer(el: Element, name: str) -> int | None:
    """An optional integer attribute."""
    value = el.get(name)
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise error(el, f"Attribute {name}={value!r} is not an integer") from None


def text(el: Element) -> str:
    """Element text, stripped (ids, URNs, values)."""
    return (el.text or "").strip()


def localised(el: Element, tag: str) -> dict[str, str]:
    """``dict[lang, text]`` of the ``tag`` children (xml:lang defaults to ``en``)."""
    out: dict[str, str] = {}
    for child in el.iterchildren(tag):
        out[child.get(LANG, "en")] = child.text or ""
    return out


def names(el: Element) -> dict[str, str]:
    """The ``com:Name`` children."""
    return localised(el, NAME)


def descriptions(el: Element) -> dict[str, str]:
    """The ``com:Description`` children."""
    return localised(el, DESCRIPTION)


def annotations(el: Element) -> list[Annotation]:
    """The ``com:Annotations`` of ``el`` (3.0 adds a non-localised ``AnnotationValue``)."""
    container = el.find(ANNOTATIONS)
    if container is None:
        return []
    out = []
    for a in container.iterchildren(f"{{{COM}}}Annotation"):
        title = a.find(f"{{{COM}}}AnnotationTitle")
        atype = a.find(f"{{{COM}}}AnnotationType")
        url = a.find(f"{{{COM}}}AnnotationURL")
        value = a.find(f"{{{COM}}}AnnotationValue")
        out.append(
            Annotation(
                id=a.get("id"),
                title=title.text if title is not None else None,
                type=atype.text if atype is not None else None,
                url=text(url) if url is not None else None,
                text=localised(a, f"{{{COM}}}AnnotationText"),
                value=value.text if value is not None else None,
            )
        )
    return out


def urn(el: Element) -> Ref:
    """The reference held as URN text by ``el``."""
    value = text(el)
    if not value:
        raise error(el, f"<{etree.QName(el).localname}> holds no URN")
    try:
        return parse_urn(value)
    except InvalidReference as exc:
        raise error(el, exc.message) from None


def child_ref(el: Element, tag: str, *, required: bool = False) -> Ref | None:
    """The URN reference in the structure-namespace child ``tag``."""
    child = el.find(s(tag))
    if child is None:
        if required:
            raise error(el, f"<{etree.QName(el).localname}> lacks <{tag}>")
        return None
    return urn(child)


def item_ref(
    el: Element, tag: str, expected: ArtefactType, *, required: bool = False
) -> Ref | None:
    """A reference that must point to an item of a scheme of ``expected`` type."""
    ref = child_ref(el, tag, required=required)
    if ref is not None and (ref.type is not expected or ref.item is None):
        raise error(el.find(s(tag)), f"<{tag}> must reference a {expected.item_class}, got {ref}")
    return ref


def maintainable(el: Element, rtype: ArtefactType) -> dict[str, Any]:
    """Constructor arguments common to every maintainable artefact."""
    version = opt(el, "version") or "1.0"
    return {
        "agency": attr(el, "agencyID"),
        "id": attr(el, "id"),
        "version": version,
        "names": names(el),
        "descriptions": descriptions(el),
        "annotations": annotations(el),
        "is_final": is_final_version(version),
        "is_external_reference": flag(el, "isExternalReference"),
        "structure_url": opt(el, "structureURL"),
        "service_url": opt(el, "serviceURL"),
        "uri": opt(el, "uri"),
        "valid_from": opt(el, "validFrom"),
        "valid_to": opt(el, "validTo"),
    }


_INT_FACETS = {"minLength": "min_length", "maxLength": "max_length", "decimals": "decimals"}
_TEXT_FACETS = {
    "textType": "text_type",
    "interval": "interval",
    "startValue": "start_value",
    "endValue": "end_value",
    "timeInterval": "time_interval",
    "startTime": "start_time",
    "endTime": "end_time",
    "minValue": "min_value",
    "maxValue": "max_value",
    "pattern": "pattern",
}
_BOOL_FACETS = {"isSequence": "is_sequence", "isMultiLingual": "is_multilingual"}


def text_format(el: Element) -> TextFormat:
    """A ``TextFormat``/``EnumerationFormat`` element (SentinelValue children are not kept)."""
    kwargs: dict[str, Any] = {}
    for xml_name, field_name in _TEXT_FACETS.items():
        if (v := el.get(xml_name)) is not None:
            kwargs[field_name] = v
    for xml_name, field_name in _INT_FACETS.items():
        kwargs[field_name] = integer(el, xml_name)
    for xml_name, field_name in _BOOL_FACETS.items():
        kwargs[field_name] = flag(el, xml_name, None)
    return TextFormat(**kwargs)


def representation(el: Element | None) -> Representation | None:
    """A ``LocalRepresentation``/``CoreRepresentation`` element."""
    if el is None:
        return None
    rep = Representation()
    enum = el.find(s("Enumeration"))
    if enum is not None:
        rep.enumeration = urn(enum)
    fmt = el.find(s("TextFormat"))
    if fmt is None:
        fmt = el.find(s("EnumerationFormat"))
    if fmt is not None:
        rep.text_format = text_format(fmt)
    rep.min_occurs = integer(el, "minOccurs")
    max_occurs = opt(el, "maxOccurs")
    if max_occurs == "unbounded":
        rep.max_occurs = -1
    elif max_occurs is not None:
        rep.max_occurs = integer(el, "maxOccurs")
    return rep
