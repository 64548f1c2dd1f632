"""A small SDMX-ML 2.1 structure-message writer for the artefact types this package builds.

Used because the registry's own ``StructureWriter21`` was not yet available when the content was
produced (see docs/IDAC_CONTENT.md).  Output is deterministic: fixed header, no clock, stable order.
Every file it writes is validated against the official SDMX 2.1 XSD by tests/content.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from registry.formats.sdmxml21.namespaces import COM, MES, NSMAP, STR, XML, q
from registry.sdmx.model import (
    AgencyScheme,
    Annotation,
    Categorisation,
    CategoryScheme,
    Codelist,
    ConceptScheme,
    ContentConstraint,
    DataAttribute,
    Dataflow,
    DataProviderScheme,
    DataStructure,
    HierarchicalCode,
    HierarchicalCodelist,
    Item,
    MaintainableArtefact,
    ProvisionAgreement,
    Representation,
)
from registry.sdmx.refs import Ref

#: Fixed "Prepared" so that the builder is reproducible byte for byte.
PREPARED = "2025-12-01T00:00:00Z"
LANG_ORDER = ("en", "es", "fr", "pt")

_S = lambda tag: q(STR, tag)  # noqa: E731
_C = lambda tag: q(COM, tag)  # noqa: E731
_M = lambda tag: q(MES, tag)  # noqa: E731


def _langs(text: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(text.items(), key=lambda kv: (LANG_ORDER.index(kv[0]) if kv[0] in LANG_ORDER else 99, kv[0]))


def _intl(parent: etree._Element, tag: str, text: dict[str, str]) -> None:
    for lang, value in _langs(text):
        el = etree.SubElement(parent, tag)
        el.set(q(XML, "lang"), lang)
        el.text = value


def _annotations(parent: etree._Element, anns: list[Annotation]) -> None:
    if not anns:
        return
    box = etree.SubElement(parent, _C("Annotations"))
    for a in anns:
        el = etree.SubElement(box, _C("Annotation"))
        if a.id:
            el.set("id", a.id)
        if a.title:
            etree.SubElement(el, _C("AnnotationTitle")).text = a.title
        if a.type:
            etree.SubElement(el, _C("AnnotationType")).text = a.type
        if a.url:
            etree.SubElement(el, _C("AnnotationURL")).text = a.url
        _intl(el, _C("AnnotationText"), a.text)


def _ref(parent: etree._Element, ref: Ref, item_class: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, "Ref")
    if ref.item is not None:
        el.set("id", ref.item)
        el.set("maintainableParentID", ref.id)
        el.set("maintainableParentVersion", ref.version)
        el.set("agencyID", ref.agency)
        el.set("package", ref.type.package)
        el.set("class", item_class or ref.type.item_class or ref.type.class_name)
    else:
        el.set("id", ref.id)
        el.set("version", ref.version)
        el.set("agencyID", ref.agency)
        el.set("package", ref.type.package)
        el.set("class", ref.type.class_name)
    return el


def _maintainable(parent: etree._Element, tag: str, a: MaintainableArtefact) -> etree._Element:
    el = etree.SubElement(parent, tag)
    el.set("id", a.id)
    el.set("urn", a.urn)
    el.set("agencyID", a.agency)
    el.set("version", a.version)
    el.set("isFinal", "true" if a.is_final else "false")
    _annotations(el, a.annotations)
    _intl(el, _C("Name"), a.names or {"en": a.id})
    _intl(el, _C("Description"), a.descriptions)
    return el


def _items(el: etree._Element, scheme: MaintainableArtefact, tag: str) -> None:
    for it in scheme.items:  # type: ignore[attr-defined]
        item: Item = it
        ie = etree.SubElement(el, _S(tag))
        ie.set("id", item.id)
        ie.set("urn", scheme.ref.with_item(item.id).urn.replace(
            f".{scheme.type.item_class}=", f".{tag}=") if tag != scheme.type.item_class else
            scheme.ref.with_item(item.id).urn)
        _annotations(ie, item.annotations)
        _intl(ie, _C("Name"), item.names or {"en": item.id})
        _intl(ie, _C("Description"), item.descriptions)
        if item.parent and tag in ("Code", "Concept"):
            p = etree.SubElement(ie, _S("Parent"))
            etree.SubElement(p, "Ref").set("id", item.parent)


def _representation(parent: etree._Element, rep: Representation | None, tag: str = "LocalRepresentation") -> None:
    if rep is None:
        return
    lr = etree.SubElement(parent, _S(tag))
    if rep.enumeration is not None:
        _ref(etree.SubElement(lr, _S("Enumeration")), rep.enumeration)
        return
    tf = rep.text_format
    if tf is None:
        return
    t = etree.SubElement(lr, _S("TextFormat"))
    for attr, value in (("textType", tf.text_type), ("minLength", tf.min_length), ("maxLength", tf.max_length),
                        ("minValue", tf.min_value), ("maxValue", tf.max_value), ("pattern", tf.pattern)):
        if value is not None:
            t.set(attr, str(value))


def _dsd(parent: etree._Element, d: DataStructure) -> None:
    el = _maintainable(parent, _S("DataStructure"), d)
    comps = etree.SubElement(el, _S("DataStructureComponents"))
    dl = etree.SubElement(comps, _S("DimensionList"), id="DimensionDescriptor")
    for dim in d.dimensions:
        de = etree.SubElement(dl, _S("TimeDimension" if dim.kind == "time" else "Dimension"),
                              id=dim.id, position=str(dim.position))
        _annotations(de, dim.annotations)
        assert dim.concept is not None
        _ref(etree.SubElement(de, _S("ConceptIdentity")), dim.concept)
        _representation(de, dim.local_representation)
    al = etree.SubElement(comps, _S("AttributeList"), id="AttributeDescriptor")
    for att in d.attributes:
        _attribute(al, att, d)
    ml = etree.SubElement(comps, _S("MeasureList"), id="MeasureDescriptor")
    for m in d.measures:
        me = etree.SubElement(ml, _S("PrimaryMeasure"), id=m.id)
        assert m.concept is not None
        _ref(etree.SubElement(me, _S("ConceptIdentity")), m.concept)
        _representation(me, m.local_representation)


def _attribute(parent: etree._Element, att: DataAttribute, d: DataStructure) -> None:
    ae = etree.SubElement(parent, _S("Attribute"), id=att.id,
                          assignmentStatus="Mandatory" if att.mandatory else "Conditional")
    _annotations(ae, att.annotations)
    assert att.concept is not None
    _ref(etree.SubElement(ae, _S("ConceptIdentity")), att.concept)
    _representation(ae, att.local_representation)
    rel = etree.SubElement(ae, _S("AttributeRelationship"))
    kind = att.relationship.kind
    if kind == "dataset":
        etree.SubElement(rel, _S("None"))
    elif kind == "observation":
        etree.SubElement(etree.SubElement(rel, _S("PrimaryMeasure")), "Ref").set("id", d.measures[0].id)
    elif kind == "dimensions":
        for dim in att.relationship.dimensions:
            etree.SubElement(etree.SubElement(rel, _S("Dimension")), "Ref").set("id", dim)
    else:
        raise ValueError(f"unsupported attribute relationship {kind!r}")


def _constraint(parent: etree._Element, c: ContentConstraint) -> None:
    el = _maintainable(parent, _S("ContentConstraint"), c)
    el.set("type", c.role)
    att = etree.SubElement(el, _S("ConstraintAttachment"))
    for r in c.attachment:
        _ref(etree.SubElement(att, _S(r.type.class_name)), r)
    for region in c.cube_regions:
        cr = etree.SubElement(el, _S("CubeRegion"), include="true" if region.include else "false")
        for is_attr in (False, True):
            for cid, vals in region.components.items():
                if vals.is_attribute is not is_attr:
                    continue
                kv = etree.SubElement(cr, _C("Attribute" if is_attr else "KeyValue"), id=cid)
                for v in vals.values:
                    etree.SubElement(kv, _C("Value")).text = v


def _hcode(parent: etree._Element, node: HierarchicalCode) -> None:
    he = etree.SubElement(parent, _S("HierarchicalCode"), id=node.id)
    _annotations(he, node.annotations)
    _ref(etree.SubElement(he, _S("Code")), node.code, "Code")
    for child in node.children:
        _hcode(he, child)


def _hcl(parent: etree._Element, h: HierarchicalCodelist) -> None:
    el = _maintainable(parent, _S("HierarchicalCodelist"), h)
    for hier in h.hierarchies:
        he = etree.SubElement(el, _S("Hierarchy"), id=hier.id)
        _annotations(he, hier.annotations)
        _intl(he, _C("Name"), hier.names or {"en": hier.id})
        _intl(he, _C("Description"), hier.descriptions)
        for node in hier.codes:
            _hcode(he, node)


#: Container element, in the order of the 2.1 StructuresType sequence, and the writer per type.
_ORDER: list[tuple[str, tuple[type, ...]]] = [
    ("OrganisationSchemes", (AgencyScheme, DataProviderScheme)),
    ("Dataflows", (Dataflow,)),
    ("CategorySchemes", (CategoryScheme,)),
    ("Categorisations", (Categorisation,)),
    ("Codelists", (Codelist,)),
    ("HierarchicalCodelists", (HierarchicalCodelist,)),
    ("Concepts", (ConceptScheme,)),
    ("DataStructures", (DataStructure,)),
    ("Constraints", (ContentConstraint,)),
    ("ProvisionAgreements", (ProvisionAgreement,)),
]


def _write_one(box: etree._Element, a: MaintainableArtefact) -> None:
    if isinstance(a, Codelist):
        _items(_maintainable(box, _S("Codelist"), a), a, "Code")
    elif isinstance(a, ConceptScheme):
        _items(_maintainable(box, _S("ConceptScheme"), a), a, "Concept")
    elif isinstance(a, CategoryScheme):
        _items(_maintainable(box, _S("CategoryScheme"), a), a, "Category")
    elif isinstance(a, AgencyScheme):
        _items(_maintainable(box, _S("AgencyScheme"), a), a, "Agency")
    elif isinstance(a, DataProviderScheme):
        _items(_maintainable(box, _S("DataProviderScheme"), a), a, "DataProvider")
    elif isinstance(a, DataStructure):
        _dsd(box, a)
    elif isinstance(a, Dataflow):
        el = _maintainable(box, _S("Dataflow"), a)
        assert a.structure is not None
        _ref(etree.SubElement(el, _S("Structure")), a.structure)
    elif isinstance(a, ContentConstraint):
        _constraint(box, a)
    elif isinstance(a, ProvisionAgreement):
        el = _maintainable(box, _S("ProvisionAgreement"), a)
        assert a.dataflow is not None and a.provider is not None
        _ref(etree.SubElement(el, _S("StructureUsage")), a.dataflow)
        _ref(etree.SubElement(el, _S("DataProvider")), a.provider)
    elif isinstance(a, Categorisation):
        el = _maintainable(box, _S("Categorisation"), a)
        assert a.source is not None and a.target is not None
        _ref(etree.SubElement(el, _S("Source")), a.source)
        _ref(etree.SubElement(el, _S("Target")), a.target)
    elif isinstance(a, HierarchicalCodelist):
        _hcl(box, a)
    else:
        raise TypeError(f"cannot write {type(a).__name__}")


def write_structure(artefacts: Sequence[MaintainableArtefact], message_id: str, comment: str = "") -> bytes:
    """One SDMX-ML 2.1 Structure message holding ``artefacts``."""
    root = etree.Element(_M("Structure"), nsmap=NSMAP)
    header = etree.SubElement(root, _M("Header"))
    etree.SubElement(header, _M("ID")).text = message_id
    etree.SubElement(header, _M("Test")).text = "false"
    etree.SubElement(header, _M("Prepared")).text = PREPARED
    etree.SubElement(header, _M("Sender"), id="IDAC")
    structures = etree.SubElement(root, _M("Structures"))
    for container, types in _ORDER:
        members = [a for a in artefacts if isinstance(a, types)]
        if not members:
            continue
        box = etree.SubElement(structures, _S(container))
        for a in members:
            _write_one(box, a)
    body = etree.tostring(root, xml_declaration=False, encoding="unicode", pretty_print=True)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    if comment:
        head += f"<!-- {comment} -->\n"
    return (head + body).encode("utf-8")
