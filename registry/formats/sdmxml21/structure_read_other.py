"""SDMX-ML 2.1 content constraints, provision agreements, categorisations, hierarchical codelists,
structure sets.

What the model cannot hold is skipped on purpose (documented here, not silently lost by accident):

* ConstraintAttachment to a DataSet, MetadataSet, SimpleDataSource, MetadataStructure, Metadataflow
  or a QueryableDataSource; ``MetadataKeySet``, ``MetadataTargetRegion``, ``ReleaseCalendar``,
  ``ReferencePeriod``.
* StructureSet maps other than ``CodelistMap`` (organisation/category/concept scheme maps, hybrid
  codelist maps, 2.1 structure maps) and related metadata structures; code-map annotations.
* A Categorisation whose source is of a class the model has no type for (e.g. a Metadataflow) is
  dropped by the reader (``UnsupportedReference`` propagates to it).
"""

from __future__ import annotations

from registry.formats.sdmxml21.namespaces import COM, STR, q
from registry.formats.sdmxml21.structure_read_base import (
    Element,
    UnsupportedReference,
    as_bool,
    error,
    local,
    local_id,
    maintainable_attrs,
    read_annotations,
    read_ref,
    require_id,
    texts,
)
from registry.sdmx.model import (
    Categorisation,
    CodelistMap,
    ComponentValues,
    ContentConstraint,
    CubeRegion,
    DataKey,
    DataKeySet,
    HierarchicalCode,
    HierarchicalCodelist,
    Hierarchy,
    HierarchyLevel,
    ProvisionAgreement,
    StructureSet,
)
from registry.sdmx.refs import ArtefactType, Ref

_ATTACHMENTS: dict[str, tuple[ArtefactType, bool]] = {
    "DataProvider": (ArtefactType.DATA_PROVIDER_SCHEME, True),
    "DataStructure": (ArtefactType.DATA_STRUCTURE, False),
    "Dataflow": (ArtefactType.DATAFLOW, False),
    "ProvisionAgreement": (ArtefactType.PROVISION_AGREEMENT, False),
}


def _ref(el: Element, rtype: ArtefactType, *, item: bool = False) -> Ref:
    try:
        return read_ref(el, rtype, item=item)
    except UnsupportedReference as exc:
        raise error(el, f"<{local(el)}> references an unsupported class {exc}") from None


def _component_values(el: Element, is_attribute: bool) -> ComponentValues:
    cv = ComponentValues(include=as_bool(el, "include", True), is_attribute=is_attribute)
    for child in el:
        name = local(child)
        if name == "Value":
            cv.values.append(child.text or "")
            if as_bool(child, "cascadeValues"):
                cv.cascade = True
        elif name == "TimeRange":
            for period in child:
                pname = local(period)
                inclusive = as_bool(period, "isInclusive", True)
                value = (period.text or "").strip()
                if pname in ("StartPeriod", "AfterPeriod"):
                    cv.start_period, cv.start_inclusive = value, inclusive
                elif pname in ("EndPeriod", "BeforePeriod"):
                    cv.end_period, cv.end_inclusive = value, inclusive
    return cv


def _cube_region(el: Element) -> CubeRegion:
    region = CubeRegion(include=as_bool(el, "include", True))
    for kv in el:
        kind = local(kv)
        if kind in ("KeyValue", "Attribute"):
            region.components[require_id(kv)] = _component_values(kv, kind == "Attribute")
    return region


def _key_set(el: Element) -> DataKeySet:
    ks = DataKeySet(include=as_bool(el, "isIncluded", True))
    for key in el:
        if local(key) != "Key":
            continue
        dk = DataKey(include=as_bool(key, "include", True))
        for kv in key:
            if kv.tag == q(COM, "KeyValue"):
                value = kv.find(q(COM, "Value"))
                dk.values[require_id(kv)] = (value.text or "") if value is not None else ""
        ks.keys.append(dk)
    return ks


def read_constraint(el: Element) -> ContentConstraint:
    """A ``str:ContentConstraint`` (``type`` defaults to Actual, as in the schema)."""
    cc = ContentConstraint(**maintainable_attrs(el))
    cc.role = el.get("type") or "Actual"
    for child in el:
        name = local(child)
        if name == "ConstraintAttachment":
            for att in child:
                spec = _ATTACHMENTS.get(local(att))
                if spec is not None:
                    cc.attachment.append(_ref(att, spec[0], item=spec[1]))
        elif name == "CubeRegion":
            cc.cube_regions.append(_cube_region(child))
        elif name == "DataKeySet":
            cc.key_sets.append(_key_set(child))
    return cc


def read_provision_agreement(el: Element) -> ProvisionAgreement:
    """A ``str:ProvisionAgreement``."""
    pa = ProvisionAgreement(**maintainable_attrs(el))
    usage = el.find(q(STR, "StructureUsage"))
    if usage is not None:
        pa.dataflow = _ref(usage, ArtefactType.DATAFLOW)
    provider = el.find(q(STR, "DataProvider"))
    if provider is not None:
        pa.provider = _ref(provider, ArtefactType.DATA_PROVIDER_SCHEME, item=True)
    return pa


def read_categorisation(el: Element) -> Categorisation:
    """A ``str:Categorisation``.  A source without ``class`` is taken to be a Dataflow."""
    cat = Categorisation(**maintainable_attrs(el))
    source = el.find(q(STR, "Source"))
    if source is not None:
        cat.source = read_ref(
            source, ArtefactType.DATAFLOW
        )  # UnsupportedReference: caller drops it
    target = el.find(q(STR, "Target"))
    if target is not None:
        cat.target = _ref(target, ArtefactType.CATEGORY_SCHEME, item=True)
    return cat


def _levels(el: Element | None) -> list[HierarchyLevel]:
    out = []
    while el is not None:
        names, _ = texts(el)
        out.append(HierarchyLevel(id=require_id(el), names=names))
        el = el.find(q(STR, "Level"))
    return out


def _hcode(el: Element, aliases: dict[str, Ref]) -> HierarchicalCode:
    code_el = el.find(q(STR, "Code"))
    if code_el is not None:
        code = _ref(code_el, ArtefactType.CODELIST, item=True)
    else:
        alias_el = el.find(q(STR, "CodelistAliasRef"))
        code_id_el = el.find(q(STR, "CodeID"))
        if alias_el is None or code_id_el is None:
            raise error(el, "HierarchicalCode needs a Code or a CodelistAliasRef with a CodeID")
        alias = (alias_el.text or "").strip()
        if alias not in aliases:
            raise error(alias_el, f"CodelistAliasRef {alias!r} names no IncludedCodelist")
        code = aliases[alias].with_item(local_id(code_id_el))
    level_el = el.find(q(STR, "Level"))
    return HierarchicalCode(
        id=el.get("id") or code.item or "",
        code=code,
        children=[_hcode(c, aliases) for c in el if c.tag == q(STR, "HierarchicalCode")],
        annotations=read_annotations(el),
        valid_from=el.get("validFrom"),
        valid_to=el.get("validTo"),
        level=local_id(level_el) if level_el is not None else None,
    )


def read_hierarchical_codelist(el: Element) -> HierarchicalCodelist:
    """A ``str:HierarchicalCodelist``; ``IncludedCodelist`` aliases are resolved to code refs."""
    hcl = HierarchicalCodelist(**maintainable_attrs(el))
    aliases: dict[str, Ref] = {}
    for inc in el:
        if inc.tag == q(STR, "IncludedCodelist"):
            ref = _ref(inc, ArtefactType.CODELIST)
            aliases[inc.get("alias") or ref.id] = ref
    for h in el:
        if h.tag != q(STR, "Hierarchy"):
            continue
        names, descriptions = texts(h)
        hierarchy = Hierarchy(
            agency=hcl.agency,
            id=require_id(h),
            version=hcl.version,
            names=names,
            descriptions=descriptions,
            annotations=read_annotations(h),
            has_formal_levels=as_bool(h, "leveled"),
            levels=_levels(h.find(q(STR, "Level"))),
            codes=[_hcode(c, aliases) for c in h if c.tag == q(STR, "HierarchicalCode")],
        )
        hcl.hierarchies.append(hierarchy)
    return hcl


def read_structure_set(el: Element) -> StructureSet:
    """A ``str:StructureSet`` with its related structures and codelist maps."""
    ss = StructureSet(**maintainable_attrs(el))
    for child in el:
        name = local(child)
        if name == "RelatedStructure":
            try:
                ss.related_structures.append(read_ref(child, ArtefactType.DATA_STRUCTURE))
            except UnsupportedReference:
                continue  # metadata structures / metadataflows: no model type
        elif name == "CodelistMap":
            names, _ = texts(child)
            source = child.find(q(STR, "Source"))
            target = child.find(q(STR, "Target"))
            if source is None or target is None:
                raise error(child, "CodelistMap needs a Source and a Target")
            cm = CodelistMap(
                id=require_id(child),
                source=_ref(source, ArtefactType.CODELIST),
                target=_ref(target, ArtefactType.CODELIST),
                names=names,
            )
            for code_map in child:
                if local(code_map) != "CodeMap":
                    continue
                s, t = code_map.find(q(STR, "Source")), code_map.find(q(STR, "Target"))
                if s is None or t is None:
                    raise error(code_map, "CodeMap needs a Source and a Target")
                cm.code_maps.append((local_id(s), local_id(t)))
            ss.codelist_maps.append(cm)
    return ss
