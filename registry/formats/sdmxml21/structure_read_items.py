"""SDMX-ML 2.1 item schemes: codelists, concept schemes, category schemes and organisation schemes.

Nested categories (SDMX 2.1 nests ``Category`` elements) are flattened into the scheme's item list,
parents first, with ``parent`` naming the enclosing category.  Code and concept parents are read
from ``<str:Parent>``, either as the local ``<Ref id="…"/>`` of the schema or as an item URN (seen
in the wild). ``ISOConceptReference`` is kept as ``"ConceptAgency:ConceptSchemeID:ConceptID"``.
"""

from __future__ import annotations

from registry.formats.sdmxml21.namespaces import COM, STR, q
from registry.formats.sdmxml21.structure_read_base import (
    LANG,
    Element,
    as_bool,
    local,
    local_id,
    maintainable_attrs,
    read_annotations,
    representation,
    require_id,
    texts,
)
from registry.sdmx.model import (
    AgencyScheme,
    Category,
    CategoryScheme,
    Code,
    Codelist,
    Concept,
    ConceptScheme,
    Contact,
    DataConsumerScheme,
    DataProviderScheme,
    Item,
    ItemScheme,
    Organisation,
    OrganisationUnitScheme,
)

PARENT = q(STR, "Parent")
ANNOTATIONS = q(COM, "Annotations")


def _item_common(el: Element) -> dict[str, object]:
    names, descriptions = texts(el)
    parent_el = el.find(PARENT)
    return {
        "id": require_id(el),
        "names": names,
        "descriptions": descriptions,
        "annotations": read_annotations(el) if el.find(ANNOTATIONS) is not None else [],
        "parent": local_id(parent_el) if parent_el is not None else None,
    }


def _scheme(el: Element, cls: type[ItemScheme], items: list[Item]) -> ItemScheme:
    scheme = cls(**maintainable_attrs(el), items=items)
    scheme.is_partial = as_bool(el, "isPartial")
    return scheme


def read_codelist(el: Element) -> Codelist:
    """A ``str:Codelist``."""
    tag = q(STR, "Code")
    items: list[Item] = [Code(**_item_common(c)) for c in el if c.tag == tag]  # type: ignore[arg-type]
    return _scheme(el, Codelist, items)  # type: ignore[return-value]


def read_concept_scheme(el: Element) -> ConceptScheme:
    """A ``str:ConceptScheme``."""
    tag = q(STR, "Concept")
    items: list[Item] = []
    for c in el:
        if c.tag != tag:
            continue
        concept = Concept(**_item_common(c))  # type: ignore[arg-type]
        concept.core_representation = representation(c.find(q(STR, "CoreRepresentation")))
        iso = c.find(q(STR, "ISOConceptReference"))
        if iso is not None:
            parts = {local(p): (p.text or "").strip() for p in iso}
            concept.iso_concept = ":".join(
                parts.get(k, "") for k in ("ConceptAgency", "ConceptSchemeID", "ConceptID")
            )
        items.append(concept)
    return _scheme(el, ConceptScheme, items)  # type: ignore[return-value]


def read_category_scheme(el: Element) -> CategoryScheme:
    """A ``str:CategoryScheme``; nested categories are flattened with ``parent`` set."""
    tag = q(STR, "Category")
    items: list[Item] = []
    stack: list[tuple[Element, str | None]] = [(c, None) for c in reversed(el) if c.tag == tag]
    while stack:
        c, parent = stack.pop()
        names, descriptions = texts(c)
        ident = require_id(c)
        items.append(
            Category(
                id=ident,
                names=names,
                descriptions=descriptions,
                annotations=read_annotations(c),
                parent=parent,
            )
        )
        stack.extend((child, ident) for child in reversed(c) if child.tag == tag)
    return _scheme(el, CategoryScheme, items)  # type: ignore[return-value]


def _contact(el: Element) -> Contact:
    contact = Contact()
    for child in el:
        name = local(child)
        value = child.text or ""
        if name == "Name":
            contact.name[child.get(LANG, "en")] = value
        elif name == "Department":
            contact.department[child.get(LANG, "en")] = value
        elif name == "Role":
            contact.role[child.get(LANG, "en")] = value
        elif name == "Telephone":
            contact.telephone.append(value)
        elif name == "Fax":
            contact.fax.append(value)
        elif name == "X400":
            contact.x400.append(value)
        elif name == "URI":
            contact.uri.append(value.strip())
        elif name == "Email":
            contact.email.append(value)
    return contact


_ORG_SCHEMES: dict[str, tuple[type[ItemScheme], str]] = {
    "AgencyScheme": (AgencyScheme, "Agency"),
    "DataProviderScheme": (DataProviderScheme, "DataProvider"),
    "DataConsumerScheme": (DataConsumerScheme, "DataConsumer"),
    "OrganisationUnitScheme": (OrganisationUnitScheme, "OrganisationUnit"),
}


def read_organisation_scheme(el: Element) -> ItemScheme:
    """Any of the four organisation schemes."""
    cls, item_name = _ORG_SCHEMES[local(el)]
    tag = q(STR, item_name)
    contact_tag = q(STR, "Contact")
    items: list[Item] = []
    for c in el:
        if c.tag != tag:
            continue
        org = Organisation(**_item_common(c))  # type: ignore[arg-type]
        org.contacts = [_contact(x) for x in c if x.tag == contact_tag]
        items.append(org)
    return _scheme(el, cls, items)
