"""SDMX-ML 2.1 item schemes: codelists, concept schemes, category schemes, organisation schemes.

* Category nesting is rebuilt from ``parent``; item URNs of nested categories carry the dotted path.
* Organisation schemes: the 2.1 schema fixes ``id`` (AGENCIES, DATA_PROVIDERS, DATA_CONSUMERS),
  ``version="1.0"`` and ``isFinal="false"`` for agency, data provider and data consumer schemes; a
  scheme that differs in id or version is unwritable, ``isFinal`` is always written as false.
* ``Parent`` is written for codes, concepts and organisation units only (the schema allows no
  other).
* ``ISOConceptReference`` is written from ``"ConceptAgency:ConceptSchemeID:ConceptID"`` (the form
  the SDMX-ML readers keep) or from a concept URN (the form the SDMX-JSON reader keeps).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from registry.formats.sdmxml21.namespaces import COM, STR
from registry.formats.sdmxml21.structure_write_base import (
    LANG,
    Element,
    Unwritable,
    maintainable,
    sub,
    valid_id,
    write_annotations,
    write_local_ref,
    write_representation,
    write_texts,
)
from registry.sdmx.model import Concept, Contact, Item, ItemScheme, Organisation
from registry.sdmx.refs import ArtefactType

#: type -> (scheme element, item element, items may have a Parent)
SCHEME_TAGS: dict[ArtefactType, tuple[str, str, bool]] = {
    ArtefactType.CODELIST: ("Codelist", "Code", True),
    ArtefactType.CONCEPT_SCHEME: ("ConceptScheme", "Concept", True),
    ArtefactType.CATEGORY_SCHEME: ("CategoryScheme", "Category", False),
    ArtefactType.AGENCY_SCHEME: ("AgencyScheme", "Agency", False),
    ArtefactType.DATA_PROVIDER_SCHEME: ("DataProviderScheme", "DataProvider", False),
    ArtefactType.DATA_CONSUMER_SCHEME: ("DataConsumerScheme", "DataConsumer", False),
    ArtefactType.ORGANISATION_UNIT_SCHEME: ("OrganisationUnitScheme", "OrganisationUnit", True),
}
_FIXED_IDS = {
    ArtefactType.AGENCY_SCHEME: "AGENCIES",
    ArtefactType.DATA_PROVIDER_SCHEME: "DATA_PROVIDERS",
    ArtefactType.DATA_CONSUMER_SCHEME: "DATA_CONSUMERS",
}


def _contact(parent: Element, c: Contact) -> None:
    el = sub(parent, STR, "Contact")
    for tag, texts in (("Name", c.name), ("Department", c.department), ("Role", c.role)):
        for lang, text in texts.items():
            sub(el, COM if tag == "Name" else STR, tag, {LANG: lang}, text)
    for tag, values in (
        ("Telephone", c.telephone),
        ("Fax", c.fax),
        ("X400", c.x400),
        ("URI", c.uri),
        ("Email", c.email),
    ):
        for value in values:
            sub(el, STR, tag, text=value)


_ISO_URN = re.compile(
    r"^urn:sdmx:org\.sdmx\.infomodel\.conceptscheme\.Concept=([^:]+):([^(]+)\([^)]*\)\.(.+)$"
)


def _iso_parts(iso: str | None) -> tuple[str, ...] | None:
    """``"Agency:SchemeID:ConceptID"`` (SDMX-ML codecs) or a concept URN (the SDMX-JSON reader)."""
    if not iso:
        return None
    m = _ISO_URN.match(iso.strip())
    parts = m.groups() if m else tuple(iso.split(":"))
    return parts if len(parts) == 3 and all(parts) else None


def _item(parent: Element, tag: str, item: Item, urn: str, with_parent: bool) -> Element:
    el = sub(parent, STR, tag, {"id": item.id, "urn": urn})
    write_annotations(el, item.annotations)
    write_texts(el, item.id, item.names, item.descriptions)
    if with_parent and item.parent:
        write_local_ref(el, "Parent", item.parent)
    if isinstance(item, Concept):
        write_representation(el, "CoreRepresentation", item.core_representation, "concept")
        parts = _iso_parts(item.iso_concept)
        if parts:
            iso = sub(el, STR, "ISOConceptReference")
            for name, value in zip(
                ("ConceptAgency", "ConceptSchemeID", "ConceptID"), parts, strict=True
            ):
                sub(iso, STR, name, text=value)
    if isinstance(item, Organisation):
        for c in item.contacts:
            _contact(el, c)
    return el


def _categories(el: Element, scheme: ItemScheme) -> None:
    """Nest categories under their parents; an unknown parent makes a category top-level."""
    nodes: dict[str, tuple[Element, str]] = {}
    for item in scheme.items:
        if not valid_id(item.id):
            continue
        parent = nodes.get(item.parent) if item.parent else None
        container, path = (parent[0], f"{parent[1]}.{item.id}") if parent else (el, item.id)
        urn = scheme.ref.with_item(path).urn
        node = _item(container, "Category", item, urn, with_parent=False)
        nodes[item.id] = (node, path)


def write_item_scheme(scheme: ItemScheme, detail: str, structure_url: str | None) -> Element:
    """Any item scheme."""
    tag, item_tag, with_parent = SCHEME_TAGS[scheme.type]
    fixed = _FIXED_IDS.get(scheme.type)
    if fixed is not None and (scheme.id != fixed or scheme.version != "1.0"):
        raise Unwritable(f"SDMX 2.1 requires {tag} id={fixed} version=1.0")
    el = maintainable(tag, scheme, detail, structure_url)
    if fixed is not None:
        el.set("isFinal", "false")
    if scheme.is_partial:
        el.set("isPartial", "true")
    if detail in ("stub", "completestub"):
        return el
    if scheme.type is ArtefactType.CATEGORY_SCHEME:
        _categories(el, scheme)
        return el
    seen: set[str] = set()
    for item in scheme.items:
        if not valid_id(item.id) or item.id in seen:
            continue  # the schema requires unique, valid item ids
        seen.add(item.id)
        _item(el, item_tag, item, scheme.ref.with_item(item.id).urn, with_parent)
    return el


WRITERS: dict[ArtefactType, Callable[..., Element]] = {t: write_item_scheme for t in SCHEME_TAGS}
