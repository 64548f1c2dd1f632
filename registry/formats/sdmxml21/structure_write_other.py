"""SDMX-ML 2.1 categorisations, content constraints, provision agreements, hierarchical codelists,
structure sets.

* ``ConstraintAttachment`` is a choice in 2.1: only the references of the kind of the first
  attachable reference are written (one DataProvider at most); other kinds are left out.
* A key value or key without values, and a key set without keys, are left out (the schema needs ≥
  1); so are keys with ``include=False`` (2.1 fixes ``Key@include`` to true; exclude with the key
  set's ``isIncluded`` instead).
* SDMX 3.0 ``Hierarchy`` artefacts are written as a 2.1 ``HierarchicalCodelist`` with the same
  agency, id and version holding one hierarchy of the same id — a faithful rendering (read back, it
  is an HCL). A hierarchy without codes has no 2.1 form.
* ``StructureMap``/``RepresentationMap``/``HierarchyAssociation`` (3.0) have no straightforward 2.1
  form and are not written (see ``StructureWriter21``).
* A codelist map without code maps is left out (the schema needs ≥ 1).
"""

from __future__ import annotations

from collections.abc import Callable

from registry.formats.sdmxml21.namespaces import COM, STR
from registry.formats.sdmxml21.structure_write_base import (
    Element,
    Unwritable,
    maintainable,
    sub,
    valid_id,
    write_annotations,
    write_local_ref,
    write_ref,
    write_texts,
)
from registry.sdmx.model import (
    Categorisation,
    ComponentValues,
    ContentConstraint,
    HierarchicalCode,
    HierarchicalCodelist,
    Hierarchy,
    HierarchyLevel,
    ProvisionAgreement,
    StructureSet,
)
from registry.sdmx.refs import ArtefactType, Ref

_ATTACHMENT_TAGS = {
    ArtefactType.DATA_PROVIDER_SCHEME: "DataProvider",
    ArtefactType.DATA_STRUCTURE: "DataStructure",
    ArtefactType.DATAFLOW: "Dataflow",
    ArtefactType.PROVISION_AGREEMENT: "ProvisionAgreement",
}


def write_categorisation(cat: Categorisation, detail: str, structure_url: str | None) -> Element:
    """A ``str:Categorisation``.  Source and target are written together or not at all, at every
    detail
    level: a categorisation is nothing without them (and pysdmx needs them even in stubs)."""
    el = maintainable("Categorisation", cat, detail, structure_url)
    if cat.source is not None and cat.target is not None and cat.target.item:
        write_ref(el, "Source", cat.source)
        write_ref(el, "Target", cat.target)
    return el


def _attachment(el: Element, refs: list[Ref]) -> None:
    usable = [
        r
        for r in refs
        if r.type in _ATTACHMENT_TAGS
        and (r.item is not None) == (r.type is ArtefactType.DATA_PROVIDER_SCHEME)
    ]
    if not usable:
        return
    kind = usable[0].type
    chosen = [r for r in usable if r.type is kind]
    if kind is ArtefactType.DATA_PROVIDER_SCHEME:
        chosen = chosen[:1]
    att = sub(el, STR, "ConstraintAttachment")
    for r in chosen:
        write_ref(att, _ATTACHMENT_TAGS[kind], r)


def _values(parent: Element, tag: str, ident: str, cv: ComponentValues) -> None:
    has_time = cv.start_period is not None or cv.end_period is not None
    if not cv.values and not has_time:
        return
    attrs = {"id": ident}
    if not cv.include:
        attrs["include"] = "false"
    el = sub(parent, COM, tag, attrs)
    if cv.values:
        for v in cv.values:
            sub(el, COM, "Value", {"cascadeValues": "true"} if cv.cascade else None, v)
        return
    tr = sub(el, COM, "TimeRange")

    def period(name: str, value: str | None, inclusive: bool) -> None:
        sub(tr, COM, name, {"isInclusive": "true" if inclusive else "false"}, value)

    if cv.start_period is not None and cv.end_period is not None:
        period("StartPeriod", cv.start_period, cv.start_inclusive)
        period("EndPeriod", cv.end_period, cv.end_inclusive)
    elif cv.start_period is not None:
        period("AfterPeriod", cv.start_period, cv.start_inclusive)
    else:
        period("BeforePeriod", cv.end_period, cv.end_inclusive)


def write_constraint(cc: ContentConstraint, detail: str, structure_url: str | None) -> Element:
    """A ``str:ContentConstraint``."""
    el = maintainable("ContentConstraint", cc, detail, structure_url)
    el.set("type", cc.role if cc.role in ("Allowed", "Actual") else "Allowed")
    if detail != "full":
        return el
    _attachment(el, cc.attachment)
    for ks in cc.key_sets:
        keys = [k for k in ks.keys if k.values and k.include]  # 2.1 fixes Key@include to true
        if not keys:
            continue
        kel = sub(el, STR, "DataKeySet", {"isIncluded": "true" if ks.include else "false"})
        for k in keys:
            key = sub(kel, STR, "Key")
            for dim, value in k.values.items():
                kv = sub(key, COM, "KeyValue", {"id": dim})
                sub(kv, COM, "Value", text=value)
    for region in cc.cube_regions:
        rel = sub(el, STR, "CubeRegion", {"include": "true" if region.include else "false"})
        for is_attribute in (False, True):
            for ident, cv in region.components.items():
                if cv.is_attribute is is_attribute:
                    _values(rel, "Attribute" if is_attribute else "KeyValue", ident, cv)
    return el


def write_provision_agreement(
    pa: ProvisionAgreement, detail: str, structure_url: str | None
) -> Element:
    """A ``str:ProvisionAgreement`` (dataflow and provider are required, even in stubs)."""
    if pa.dataflow is None or pa.provider is None or pa.provider.item is None:
        raise Unwritable("a 2.1 provision agreement needs a dataflow and a data provider")
    el = maintainable("ProvisionAgreement", pa, detail, structure_url)
    write_ref(el, "StructureUsage", pa.dataflow)
    write_ref(el, "DataProvider", pa.provider)
    return el


def _hcode(parent: Element, node: HierarchicalCode, urn_base: str) -> None:
    urn = f"{urn_base}.{node.id}"
    attrs = {"id": node.id, "urn": urn.replace(".Hierarchy=", ".HierarchicalCode=", 1)}
    if node.valid_from:
        attrs["validFrom"] = node.valid_from
    if node.valid_to:
        attrs["validTo"] = node.valid_to
    el = sub(parent, STR, "HierarchicalCode", attrs)
    write_annotations(el, node.annotations)
    write_ref(el, "Code", node.code)
    for child in node.children:
        _hcode(el, child, urn)
    if node.level:
        write_local_ref(el, "Level", node.level)


def _levels(parent: Element, levels: list[HierarchyLevel], urn_base: str) -> None:
    for level in levels:
        urn_base = f"{urn_base}.{level.id}"
        parent = sub(
            parent,
            STR,
            "Level",
            {"id": level.id, "urn": urn_base.replace(".Hierarchy=", ".Level=", 1)},
        )
        write_texts(parent, level.id, level.names, None)


def _hierarchy(parent: Element, hcl: HierarchicalCodelist, h: Hierarchy) -> None:
    if not h.codes or not valid_id(h.id):
        return
    urn = f"urn:sdmx:org.sdmx.infomodel.codelist.Hierarchy={hcl.ref.short}.{h.id}"
    el = sub(parent, STR, "Hierarchy", {"id": h.id, "urn": urn})
    if h.has_formal_levels:
        el.set("leveled", "true")
    write_annotations(el, h.annotations)
    write_texts(el, h.id, h.names, h.descriptions)
    for node in h.codes:
        _hcode(el, node, urn)
    _levels(el, h.levels, urn)


def write_hierarchical_codelist(
    hcl: HierarchicalCodelist, detail: str, structure_url: str | None
) -> Element:
    """A ``str:HierarchicalCodelist``."""
    el = maintainable("HierarchicalCodelist", hcl, detail, structure_url)
    if detail == "full":
        for h in hcl.hierarchies:
            _hierarchy(el, hcl, h)
    return el


def hierarchy_as_hcl(h: Hierarchy) -> HierarchicalCodelist:
    """A 3.0 Hierarchy as a 2.1 HierarchicalCodelist with one hierarchy of the same id."""
    if not h.codes:
        raise Unwritable("a hierarchy without codes has no SDMX 2.1 form")
    return HierarchicalCodelist(
        agency=h.agency,
        id=h.id,
        version=h.version,
        names=h.names,
        descriptions=h.descriptions,
        annotations=h.annotations,
        is_final=h.is_final,
        is_external_reference=h.is_external_reference,
        structure_url=h.structure_url,
        service_url=h.service_url,
        uri=h.uri,
        valid_from=h.valid_from,
        valid_to=h.valid_to,
        hierarchies=[h],
    )


def write_hierarchy(h: Hierarchy, detail: str, structure_url: str | None) -> Element:
    """A 3.0 Hierarchy, written as a 2.1 HierarchicalCodelist."""
    return write_hierarchical_codelist(hierarchy_as_hcl(h), detail, structure_url)


def write_structure_set(ss: StructureSet, detail: str, structure_url: str | None) -> Element:
    """A ``str:StructureSet`` with related structures and codelist maps."""
    el = maintainable("StructureSet", ss, detail, structure_url)
    if detail != "full":
        return el
    for r in ss.related_structures:
        if r.item is None and r.type in (ArtefactType.DATA_STRUCTURE, ArtefactType.DATAFLOW):
            write_ref(el, "RelatedStructure", r)
    for cm in ss.codelist_maps:
        if not cm.code_maps or not valid_id(cm.id):
            continue
        urn = f"urn:sdmx:org.sdmx.infomodel.mapping.CodelistMap={ss.ref.short}.{cm.id}"
        cel = sub(el, STR, "CodelistMap", {"id": cm.id, "urn": urn})
        write_texts(cel, cm.id, cm.names, None)
        write_ref(cel, "Source", cm.source.maintainable)
        write_ref(cel, "Target", cm.target.maintainable)
        for source, target in cm.code_maps:
            code_map = sub(cel, STR, "CodeMap")
            write_local_ref(code_map, "Source", source)
            write_local_ref(code_map, "Target", target)
    return el


WRITERS: dict[ArtefactType, Callable[..., Element]] = {
    ArtefactType.CATEGORISATION: write_categorisation,
    ArtefactType.CONTENT_CONSTRAINT: write_constraint,
    ArtefactType.PROVISION_AGREEMENT: write_provision_agreement,
    ArtefactType.HIERARCHICAL_CODELIST: write_hierarchical_codelist,
    ArtefactType.HIERARCHY: write_hierarchy,
    ArtefactType.STRUCTURE_SET: write_structure_set,
}
