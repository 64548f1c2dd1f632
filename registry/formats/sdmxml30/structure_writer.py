"""SDMX-ML 3.0 structure message writer (``mes:Structure``, SDMX 3.0 Section 3A).

Design decisions:

* The output always validates against the official 3.0 XSD
  (``registry.sdmx.schemas.xml_schema("3.0")``); the test-suite checks every artefact type, every
  ``detail`` and model objects read from 2.1 files. Where the model holds something 3.0 cannot say,
  that piece is dropped rather than written invalid.
* Containers are written in the order ``StructuresType`` lists them; artefacts keep their input
  order.
* ``detail``: ``full`` writes everything; ``stub`` writes identification and names with
  ``isExternalReference="true"`` and ``structureURL`` (``WriteItem.structure_url``, else the
  artefact's); ``completestub`` adds descriptions and annotations.  Where the schema makes content
  mandatory (ProvisionAgreement's dataflow and provider, a Hierarchy's codes, the ends of a
  RepresentationMap, StructureMap or HierarchyAssociation, a DataConstraint's role) stubs carry it.
* 3.0 has no ``isFinal`` attribute: finality is in the version (a ``-draft`` extension is not
  final).
* SDMX 2.1-only types are converted (``to_30``):
  - ContentConstraint -> DataConstraint (same model; role Actual stays Actual, anything else
    Allowed);
  - HierarchicalCodelist -> one Hierarchy per contained hierarchy (id = hierarchy id, agency and
    version of the HCL, names of the hierarchy or else of the HCL), when every node references a
    code and the id is not already used by another Hierarchy in the message; otherwise skipped;
  - StructureSet -> one RepresentationMap per CodelistMap whose source and target are codelists (id
    = codelist-map id, agency/version of the structure set, code maps as mappings); the structure
    set itself, its related structures and any other map are skipped. Skipped artefacts are returned
    by ``to_30`` so callers (the REST layer) can report them.
* Lossy spots the 3.0 schema forces: Code and Concept ``Parent`` must be an NCName (a parent id such
  as ``_T`` or ``1`` is dropped); organisation schemes have fixed ids (AGENCIES, DATA_PROVIDERS,
  DATA_CONSUMERS) and no version; Agencies and DataProviders cannot have parents; dates that are not
  ``xs:dateTime`` are dropped.  See ``structure_write_dsd`` and ``structure_write_other`` for DSD,
  constraint and map specifics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from types import MappingProxyType
from typing import ClassVar

from lxml import etree

from registry.formats.sdmxml30 import structure_write_dsd as dsd_parts
from registry.formats.sdmxml30 import structure_write_other as parts
from registry.formats.sdmxml30.namespaces import MES, NSMAP
from registry.formats.sdmxml30.structure_tags import BY_TYPE, CONTAINERS, NAME, s, urn30
from registry.formats.sdmxml30.structure_write_base import (
    DATE,
    DATE_TIME,
    ID,
    NCNAME_ID,
    Ctx,
    Element,
    maintainable,
    nameable,
    ref_el,
    ref_urn,
    st,
    sub,
    texts,
)
from registry.formats.sdmxml30.structure_write_base import (
    boolean as xbool,
)
from registry.formats.sdmxml30.structure_write_dsd import representation
from registry.formats.structure_base import MessageHeader, WriteItem
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import (
    Categorisation,
    Codelist,
    Concept,
    Contact,
    Dataflow,
    HierarchicalCodelist,
    Hierarchy,
    Item,
    ItemScheme,
    MaintainableArtefact,
    Organisation,
    ProvisionAgreement,
    RepresentationMap,
    StructureSet,
    ValueMapping,
)
from registry.sdmx.refs import ArtefactType

# --- item schemes ---------------------------------------------------------------------------------

_PARENT_NCNAME = frozenset({"Code", "Concept"})
_PARENT_ALLOWED = frozenset({"Code", "Concept", "OrganisationUnit"})


def _item(parent: Element, tag: str, item: Item, scheme: ItemScheme) -> Element:
    urn = urn30(scheme.ref.with_item(item.id)) if item.id else None
    el = st(parent, tag, id=item.id, urn=urn)
    nameable(el, item.names, item.descriptions, item.id, item.annotations, Ctx())
    if (
        item.parent
        and tag in _PARENT_ALLOWED
        and (tag not in _PARENT_NCNAME or NCNAME_ID.match(item.parent))
    ):
        st(el, "Parent", item.parent)
    return el


def _contact(parent: Element, c: Contact) -> None:
    el = st(parent, "Contact")
    texts(el, NAME, c.name)
    texts(el, s("Department"), c.department)
    texts(el, s("Role"), c.role)
    for tag, values in (
        ("Telephone", c.telephone),
        ("Fax", c.fax),
        ("X400", c.x400),
        ("URI", c.uri),
        ("Email", c.email),
    ):
        for v in values:
            st(el, tag, v)


def _categories(parent: Element, scheme: ItemScheme, parent_id: str | None, seen: set[str]) -> None:
    for item in scheme.items:
        if item.parent == parent_id and item.id not in seen:
            seen.add(item.id)
            el = _item(parent, "Category", item, scheme)
            _categories(el, scheme, item.id, seen)


def _concept_extras(el: Element, concept: Concept) -> None:
    representation(el, "CoreRepresentation", concept.core_representation, "basic", occurs=True)
    iso = (concept.iso_concept or "").split(":")
    if len(iso) == 3 and all(iso):
        ref = st(el, "ISOConceptReference")
        for tag, value in zip(("ConceptAgency", "ConceptSchemeID", "ConceptID"), iso, strict=True):
            st(ref, tag, value)


def _items(el: Element, scheme: ItemScheme, item_tag: str) -> None:
    if item_tag == "Category":
        ids = {i.id for i in scheme.items}
        # roots: no parent, or a parent that is not in the (possibly partial) scheme
        for item in scheme.items:
            if item.parent is None or item.parent not in ids:
                _categories_root(el, scheme, item)
        return
    for item in scheme.items:
        iel = _item(el, item_tag, item, scheme)
        if isinstance(item, Concept):
            _concept_extras(iel, item)
        elif isinstance(item, Organisation):
            for c in item.contacts:
                _contact(iel, c)


def _item_scheme(parent: Element, scheme: MaintainableArtefact, ctx: Ctx) -> bool:
    assert isinstance(scheme, ItemScheme)  # noqa: S101 - dispatch guarantees it
    _, element, item_tag = BY_TYPE[scheme.type]
    el = maintainable(parent, element, scheme, scheme.type, ctx)
    if scheme.is_partial:
        el.set("isPartial", "true")
    if not ctx.full or item_tag is None:
        return True
    _items(el, scheme, item_tag)
    if isinstance(scheme, Codelist):
        for ext in scheme.extends:
            if ext.type is ArtefactType.CODELIST:
                ref_el(st(el, "CodelistExtension"), "Codelist", ext.maintainable)
    return True


def _categories_root(parent: Element, scheme: ItemScheme, item: Item) -> None:
    el = _item(parent, "Category", item, scheme)
    _categories(el, scheme, item.id, {item.id})


# --- simple maintainables -------------------------------------------------------------------------


def _dataflow(parent: Element, df: MaintainableArtefact, ctx: Ctx) -> bool:
    assert isinstance(df, Dataflow)  # noqa: S101
    el = maintainable(parent, "Dataflow", df, ArtefactType.DATAFLOW, ctx)
    if ctx.full and df.structure is not None and df.structure.type is ArtefactType.DATA_STRUCTURE:
        ref_el(el, "Structure", df.structure.maintainable)
    return True


def _categorisation(parent: Element, cat: MaintainableArtefact, ctx: Ctx) -> bool:
    assert isinstance(cat, Categorisation)  # noqa: S101
    el = maintainable(parent, "Categorisation", cat, ArtefactType.CATEGORISATION, ctx)
    source, target = ref_urn(cat.source), ref_urn(cat.target)
    target_ok = (
        cat.target is not None
        and cat.target.type is ArtefactType.CATEGORY_SCHEME
        and cat.target.item
    )
    if ctx.full and source and target and target_ok:
        st(el, "Source", source)
        st(el, "Target", target)
    return True


def _provision_agreement(parent: Element, pa: MaintainableArtefact, ctx: Ctx) -> bool:
    assert isinstance(pa, ProvisionAgreement)  # noqa: S101
    flow, provider = pa.dataflow, pa.provider
    if (
        flow is None
        or flow.type is not ArtefactType.DATAFLOW
        or provider is None
        or provider.type is not ArtefactType.DATA_PROVIDER_SCHEME
        or provider.item is None
    ):
        return False
    el = maintainable(parent, "ProvisionAgreement", pa, ArtefactType.PROVISION_AGREEMENT, ctx)
    ref_el(el, "Dataflow", flow.maintainable)
    ref_el(el, "DataProvider", provider)
    return True


def _typed(fn: Callable[..., bool]) -> Callable[[Element, MaintainableArtefact, Ctx], bool]:
    return fn


_WRITERS: Mapping[ArtefactType, Callable[[Element, MaintainableArtefact, Ctx], bool]] = (
    MappingProxyType(
        {
            **{t: _item_scheme for *_, t in CONTAINERS if t.is_item_scheme},
            ArtefactType.DATAFLOW: _dataflow,
            ArtefactType.CATEGORISATION: _categorisation,
            ArtefactType.PROVISION_AGREEMENT: _provision_agreement,
            ArtefactType.DATA_STRUCTURE: _typed(dsd_parts.data_structure),
            ArtefactType.CONTENT_CONSTRAINT: _typed(parts.data_constraint),
            ArtefactType.HIERARCHY: _typed(parts.hierarchy),
            ArtefactType.HIERARCHY_ASSOCIATION: _typed(parts.hierarchy_association),
            ArtefactType.REPRESENTATION_MAP: _typed(parts.representation_map),
            ArtefactType.STRUCTURE_MAP: _typed(parts.structure_map),
        }
    )
)


# --- 2.1 -> 3.0 conversion ------------------------------------------------------------------------


def _hcl_hierarchies(
    hcl: HierarchicalCodelist, taken: set[str]
) -> tuple[list[Hierarchy], list[str]]:
    out, skipped = [], []
    for h in hcl.hierarchies:
        converted = Hierarchy(
            agency=hcl.agency,
            id=h.id,
            version=hcl.version,
            names=h.names or hcl.names,
            descriptions=h.descriptions,
            annotations=h.annotations,
            is_final=hcl.is_final,
            is_external_reference=hcl.is_external_reference,
            structure_url=hcl.structure_url,
            service_url=hcl.service_url,
            valid_from=hcl.valid_from,
            valid_to=hcl.valid_to,
            has_formal_levels=h.has_formal_levels,
            levels=h.levels,
            codes=h.codes,
        )
        key = f"{hcl.agency}:{h.id}({hcl.version})"
        if key in taken or not parts.hierarchy_writable(converted):
            skipped.append(f"{hcl.ref} hierarchy {h.id}")
            continue
        taken.add(key)
        out.append(converted)
    return out, skipped


def _structure_set_maps(ss: StructureSet) -> tuple[list[RepresentationMap], list[str]]:
    out, skipped = [], []
    for cm in ss.codelist_maps:
        if (
            cm.source.type is not ArtefactType.CODELIST
            or cm.target.type is not ArtefactType.CODELIST
        ):
            skipped.append(f"{ss.ref} codelist map {cm.id}")
            continue
        out.append(
            RepresentationMap(
                agency=ss.agency,
                id=cm.id,
                version=ss.version,
                names=cm.names or ss.names,
                is_final=ss.is_final,
                sources=[cm.source.maintainable],
                source_types=[None],
                targets=[cm.target.maintainable],
                target_types=[None],
                mappings=[
                    ValueMapping(source=[s], target=[t], source_is_regex=[False])
                    for s, t in cm.code_maps
                ],
            )
        )
    skipped.append(f"{ss.ref} (StructureSet has no SDMX 3.0 counterpart)")
    return out, skipped


def to_30(items: Sequence[WriteItem]) -> tuple[list[WriteItem], list[str]]:
    """Replace SDMX 2.1-only artefacts by their 3.0 counterparts; also returns what was skipped."""
    taken = {
        f"{i.artefact.agency}:{i.artefact.id}({i.artefact.version})"
        for i in items
        if i.artefact.type is ArtefactType.HIERARCHY
    }
    out: list[WriteItem] = []
    skipped: list[str] = []
    for item in items:
        art = item.artefact
        if isinstance(art, HierarchicalCodelist):
            converted, lost = _hcl_hierarchies(art, taken)
            out.extend(WriteItem(h, item.detail, item.structure_url) for h in converted)
            skipped.extend(lost)
        elif isinstance(art, StructureSet):
            maps, lost = _structure_set_maps(art)
            out.extend(WriteItem(m, item.detail, item.structure_url) for m in maps)
            skipped.extend(lost)
        elif art.type in _WRITERS:
            out.append(item)
        else:
            skipped.append(f"{art.ref} (no SDMX 3.0 writer)")
    return out, skipped


# --- message --------------------------------------------------------------------------------------


def _header(root: Element, header: MessageHeader) -> None:
    h = sub(root, MES, "Header")
    sub(
        h,
        MES,
        "ID",
        header.id
        if ID.match(header.id or "")
        else re.sub(r"[^A-Za-z0-9_@$\-]", "_", header.id or "") or "IDAC",
    )
    sub(h, MES, "Test", xbool(header.test))
    prepared = header.prepared
    if not prepared or not (DATE_TIME.match(prepared) or DATE.match(prepared)):
        prepared = (
            datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        )
    sub(h, MES, "Prepared", prepared)
    sender = header.sender if ID.match(header.sender or "") else "IDAC"
    sub(h, MES, "Sender", id=sender)


class StructureWriter30:
    """Writes model artefacts as one SDMX-ML 3.0 structure message."""

    name: ClassVar[str] = "sdmx-ml-3.0-structure"
    media_type: ClassVar[MediaType] = MediaType.STRUCTURE_ML_30

    def write(self, items: Sequence[WriteItem], header: MessageHeader) -> bytes:
        """Encode the artefacts (2.1-only types converted, see ``to_30``) as one 3.0 message."""
        root = etree.Element(f"{{{MES}}}Structure", nsmap=NSMAP)
        _header(root, header)
        converted, _ = to_30(items)
        by_type: dict[ArtefactType, list[WriteItem]] = {}
        seen: set[str] = set()
        for item in converted:
            key = ref_urn(item.artefact.ref) or ""
            if key not in seen:  # the schema makes (id, agencyID, version) unique per container
                seen.add(key)
                by_type.setdefault(item.artefact.type, []).append(item)
        structures = sub(root, MES, "Structures")
        for container, _, _, rtype in CONTAINERS:
            if rtype not in by_type:
                continue
            cel = st(structures, container)
            for item in by_type[rtype]:
                ctx = Ctx(item.detail, item.structure_url)
                before = len(cel)
                if not _WRITERS[rtype](cel, item.artefact, ctx):
                    del cel[before:]
            if len(cel) == 0:
                structures.remove(cel)
        if len(structures) == 0:
            root.remove(structures)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


__all__ = ["StructureWriter30", "to_30"]
