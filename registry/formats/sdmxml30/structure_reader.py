"""SDMX-ML 3.0 structure message reader (``mes:Structure``, SDMX 3.0 Section 3A).

Design decisions:

* The whole message is parsed with ``xmlsafe.parse_document`` (structure messages are small; the
  largest specimen, the Global Registry NA_MAIN file, is 1.3 MB) and walked with a dispatch table
  from container element to a per-type reader function, built once at import and never mutated.
* References are URN text elements; whitespace around them is stripped.
* 3.0 has no ``isFinal``: an artefact is read as final when its version has no extension (``1.0``,
  ``1.2.0`` final; ``1.0.0-draft`` not).  Organisation schemes have no version attribute and are
  read as version ``1.0``.
* Categories nest in SDMX-ML; the model flattens them with ``parent`` (codes and concepts use
  ``<str:Parent>`` and map the same way).
* Not kept (the model has no place for them; they are skipped without error): ValueLists and the
  other containers in ``SKIPPED_CONTAINERS``, ``com:Link``, SentinelValues, MetadataAttributeUsages,
  CodelistExtension code selections and prefixes, the ``optional`` flag of attribute-relationship
  dimensions, ``Component`` elements inside DataKeySet keys, ReleaseCalendars, QueryableDataSources,
  StructureMap EpochMaps/DatePatternMaps/FrequencyFormatMappings, and MappedValue start/end indexes.
  The container names that were skipped are listed in ``StructureMessage.header["skipped"]``.
* An SDMX-ML Error message, a data message or a 2.1 structure message is refused with a
  ``MessageSyntaxError`` naming what the document is.

"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import ClassVar

from lxml import etree

from registry.errors import MessageSyntaxError, StructureError
from registry.formats.sdmxml30 import structure_read_parts as parts
from registry.formats.sdmxml30.namespaces import MES, STR
from registry.formats.sdmxml30.structure_read_base import (
    Element,
    annotations,
    attr,
    child_ref,
    descriptions,
    error,
    flag,
    item_ref,
    localised,
    maintainable,
    names,
    representation,
    text,
)
from registry.formats.sdmxml30.structure_tags import (
    BY_CONTAINER,
    HEADER,
    NAME,
    SKIPPED_CONTAINERS,
    STRUCTURES,
    s,
)
from registry.formats.xmlsafe import parse_document
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import (
    MODEL_CLASSES,
    Categorisation,
    Category,
    Code,
    Codelist,
    Concept,
    Contact,
    Dataflow,
    Item,
    ItemScheme,
    MaintainableArtefact,
    Organisation,
    ProvisionAgreement,
    StructureMessage,
)
from registry.sdmx.refs import ArtefactType

_DATA_ROOTS = frozenset(
    {
        "GenericData",
        "GenericTimeSeriesData",
        "StructureSpecificData",
        "StructureSpecificTimeSeriesData",
        "Data",
        "GenericMetadata",
        "StructureSpecificMetadata",
        "CrossSectionalData",
        "CompactData",
        "UtilityData",
    }
)
_ROOT_TAG = re.compile(rb"<(?![?!])([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


# --- item schemes ---------------------------------------------------------------------------------


def _item_common(el: Element) -> dict[str, object]:
    return {
        "id": attr(el, "id"),
        "names": names(el),
        "descriptions": descriptions(el),
        "annotations": annotations(el),
    }


def _parent(el: Element) -> str | None:
    p = el.find(s("Parent"))
    return text(p) or None if p is not None else None


def _code(el: Element) -> Item:
    return Code(**_item_common(el), parent=_parent(el))  # type: ignore[arg-type]


def _concept(el: Element) -> Item:
    iso = el.find(s("ISOConceptReference"))
    iso_text = None
    if iso is not None:
        iso_text = ":".join(
            text(iso.find(s(tag))) if iso.find(s(tag)) is not None else ""
            for tag in ("ConceptAgency", "ConceptSchemeID", "ConceptID")
        )
    return Concept(
        **_item_common(el),  # type: ignore[arg-type]
        parent=_parent(el),
        core_representation=representation(el.find(s("CoreRepresentation"))),
        iso_concept=iso_text,
    )


def _contact(el: Element) -> Contact:
    c = Contact(
        name=localised(el, NAME),
        department=localised(el, s("Department")),
        role=localised(el, s("Role")),
    )
    lists = {"Telephone": c.telephone, "Fax": c.fax, "X400": c.x400, "URI": c.uri, "Email": c.email}
    for child in el:
        local = etree.QName(child).localname
        if local in lists:
            lists[local].append(text(child))
    return c


def _organisation(el: Element) -> Item:
    return Organisation(
        **_item_common(el),  # type: ignore[arg-type]
        parent=_parent(el),
        contacts=[_contact(c) for c in el.iterchildren(s("Contact"))],
    )


def _categories(el: Element, parent: str | None, out: list[Item]) -> None:
    for child in el.iterchildren(s("Category")):
        cat = Category(**_item_common(child), parent=parent)  # type: ignore[arg-type]
        out.append(cat)
        _categories(child, cat.id, out)


_ITEM_READERS: Mapping[str, Callable[[Element], Item]] = MappingProxyType(
    {
        "Code": _code,
        "Concept": _concept,
        "Agency": _organisation,
        "DataProvider": _organisation,
        "DataConsumer": _organisation,
        "OrganisationUnit": _organisation,
    }
)


def _item_scheme(el: Element, rtype: ArtefactType, item_tag: str) -> MaintainableArtefact:
    cls = MODEL_CLASSES[rtype]
    scheme = cls(**maintainable(el, rtype), is_partial=flag(el, "isPartial"))  # type: ignore[call-arg]
    assert isinstance(scheme, ItemScheme)  # noqa: S101 - MODEL_CLASSES maps item-scheme types to ItemScheme
    if item_tag == "Category":
        _categories(el, None, scheme.items)
    else:
        read_item = _ITEM_READERS[item_tag]
        scheme.items = [read_item(child) for child in el.iterchildren(s(item_tag))]
    if isinstance(scheme, Codelist):
        scheme.extends = [
            ref
            for ext in el.iterchildren(s("CodelistExtension"))
            if (ref := child_ref(ext, "Codelist", required=True)) is not None
        ]
    return scheme


# --- simple maintainables -------------------------------------------------------------------------


def _dataflow(el: Element) -> MaintainableArtefact:
    return Dataflow(**maintainable(el, ArtefactType.DATAFLOW), structure=child_ref(el, "Structure"))


def _categorisation(el: Element) -> MaintainableArtefact:
    return Categorisation(
        **maintainable(el, ArtefactType.CATEGORISATION),
        source=child_ref(el, "Source"),
        target=item_ref(el, "Target", ArtefactType.CATEGORY_SCHEME),
    )


def _provision_agreement(el: Element) -> MaintainableArtefact:
    return ProvisionAgreement(
        **maintainable(el, ArtefactType.PROVISION_AGREEMENT),
        dataflow=child_ref(el, "Dataflow"),
        provider=item_ref(el, "DataProvider", ArtefactType.DATA_PROVIDER_SCHEME),
    )


_READERS: Mapping[ArtefactType, Callable[[Element], MaintainableArtefact]] = MappingProxyType(
    {
        ArtefactType.DATAFLOW: _dataflow,
        ArtefactType.CATEGORISATION: _categorisation,
        ArtefactType.PROVISION_AGREEMENT: _provision_agreement,
        ArtefactType.DATA_STRUCTURE: parts.data_structure,
        ArtefactType.CONTENT_CONSTRAINT: parts.data_constraint,
        ArtefactType.HIERARCHY: parts.hierarchy,
        ArtefactType.HIERARCHY_ASSOCIATION: parts.hierarchy_association,
        ArtefactType.REPRESENTATION_MAP: parts.representation_map,
        ArtefactType.STRUCTURE_MAP: parts.structure_map,
    }
)


# --- message --------------------------------------------------------------------------------------


def _refuse_other_messages(root: Element) -> None:
    qn = etree.QName(root)
    local, ns = qn.localname, qn.namespace or ""
    if local == "Error":
        msgs = []
        for em in root.iter("{*}ErrorMessage"):
            txt = " ".join((t.text or "").strip() for t in em.iter("{*}Text"))
            msgs.append(f"{em.get('code', '?')}: {txt}")
        raise MessageSyntaxError(
            "The document is an SDMX Error message, not a structure message"
            + (f" ({'; '.join(msgs)[:500]})" if msgs else ""),
            line=root.sourceline,
        )
    if local in _DATA_ROOTS:
        raise MessageSyntaxError(
            f"The document is an SDMX {local} message, not a structure message",
            line=root.sourceline,
        )
    if local == "Structure" and ns != MES:
        version = "2.1" if "v2_1" in ns else "another SDMX-ML version"
        raise MessageSyntaxError(
            f"The document is an SDMX-ML {version} structure message, not SDMX-ML 3.0 "
            f"(namespace {ns})",
            line=root.sourceline,
        )
    if local != "Structure":
        raise MessageSyntaxError(
            f"Expected an SDMX-ML 3.0 Structure message, found root element <{local}> "
            f"({ns or 'no namespace'})",
            line=root.sourceline,
        )


def _header(root: Element) -> dict[str, str]:
    header = root.find(HEADER)
    if header is None:
        raise MessageSyntaxError("The Structure message has no Header", line=root.sourceline)
    out: dict[str, str] = {}
    for tag, key in (("ID", "id"), ("Prepared", "prepared"), ("Test", "test")):
        el = header.find(f"{{{MES}}}{tag}")
        if el is not None and el.text:
            out[key] = el.text.strip()
    sender = header.find(f"{{{MES}}}Sender")
    if sender is not None and sender.get("id"):
        out["sender"] = sender.get("id", "")
    return out


class StructureReader30:
    """Reads an SDMX-ML 3.0 structure message into a ``StructureMessage``."""

    name: ClassVar[str] = "sdmx-ml-3.0-structure"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.STRUCTURE_ML_30,)

    @classmethod
    def handles(cls, head: bytes) -> bool:
        """True if ``head`` starts an SDMX-ML 3.0 ``Structure`` message."""
        m = _ROOT_TAG.search(head.lstrip(b"\xef\xbb\xbf"))
        return bool(m) and m.group(2) == b"Structure" and MES.encode() in head

    def read(self, data: bytes) -> StructureMessage:
        """Parse a whole 3.0 structure message."""
        root = parse_document(data)
        _refuse_other_messages(root)
        message = StructureMessage(header=_header(root))
        structures = root.find(STRUCTURES)
        if structures is None:
            return message
        skipped: list[str] = []
        for container in structures:
            qn = etree.QName(container)
            if qn.namespace != STR:
                raise error(container, f"Unexpected element <{qn.localname}> in <Structures>")
            if qn.localname in SKIPPED_CONTAINERS:
                skipped.append(qn.localname)
                continue
            if qn.localname not in BY_CONTAINER:
                raise error(container, f"Unknown structure container <{qn.localname}>")
            element, item_tag, rtype = BY_CONTAINER[qn.localname]
            for el in container:
                if el.tag != s(element):
                    raise error(el, f"Unexpected <{etree.QName(el).localname}> in <{qn.localname}>")
                message.artefacts.append(self._artefact(el, rtype, item_tag))
        if skipped:
            message.header["skipped"] = ",".join(skipped)
        return message

    @staticmethod
    def _artefact(el: Element, rtype: ArtefactType, item_tag: str | None) -> MaintainableArtefact:
        try:
            if item_tag is not None:
                return _item_scheme(el, rtype, item_tag)
            return _READERS[rtype](el)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, StructureError):
                raise
            raise error(el, f"Invalid {rtype.class_name}: {exc}") from None
