"""Writer of SDMX-ML 2.1 structure messages (SDMX 2.1 Section 3A, SDMXMessage.xsd ``Structure``).

The output always validates against the official 2.1 schema (the test-suite checks every specimen
and every detail level).  Containers are written in the order of ``StructuresType`` in
SDMXStructure.xsd; inside a container, artefacts keep the order they were given in.

What cannot be written as valid SDMX 2.1 is skipped and recorded in ``skipped`` (``(urn, reason)``
pairs) instead of producing an invalid document:

* ``StructureMap``, ``RepresentationMap`` (3.0 mappings; a 2.1 StructureSet rendering is not
  straightforward: 2.1 maps codelists to codelists, with no regex/validity/multi-source mappings)
  and ``HierarchyAssociation`` (no 2.1 counterpart); ``ValueList`` has no model class;
* a 3.0 ``Hierarchy`` is written as an HCL (see ``structure_write_other``), unless the same message
  also holds an HCL with the same agency, id and version;
* duplicates (same type, agency, id and version — the schema's uniqueness constraints) after the
  first;
* the cases listed in ``structure_write_items``/``_dsd``/``_other`` (fixed-id organisation schemes,
  DSDs without measure or dimensions, provision agreements without dataflow or provider …).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import ClassVar

from lxml import etree

from registry.formats.sdmxml21 import (
    structure_write_dsd,
    structure_write_items,
    structure_write_other,
)
from registry.formats.sdmxml21.namespaces import MES, NSMAP, STR, q
from registry.formats.sdmxml21.structure_write_base import Element, Unwritable, sub
from registry.formats.structure_base import DETAILS, MessageHeader, WriteItem
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.refs import ArtefactType

Writer = Callable[..., Element]

_WRITERS: dict[ArtefactType, Writer] = {
    **structure_write_items.WRITERS,
    **structure_write_dsd.WRITERS,
    **structure_write_other.WRITERS,
}

#: StructuresType container order (SDMXStructure.xsd) -> the types written into each container.
_CONTAINERS: tuple[tuple[str, tuple[ArtefactType, ...]], ...] = (
    (
        "OrganisationSchemes",
        (
            ArtefactType.AGENCY_SCHEME,
            ArtefactType.DATA_CONSUMER_SCHEME,
            ArtefactType.DATA_PROVIDER_SCHEME,
            ArtefactType.ORGANISATION_UNIT_SCHEME,
        ),
    ),
    ("Dataflows", (ArtefactType.DATAFLOW,)),
    ("Metadataflows", ()),
    ("CategorySchemes", (ArtefactType.CATEGORY_SCHEME,)),
    ("Categorisations", (ArtefactType.CATEGORISATION,)),
    ("Codelists", (ArtefactType.CODELIST,)),
    ("HierarchicalCodelists", (ArtefactType.HIERARCHICAL_CODELIST, ArtefactType.HIERARCHY)),
    ("Concepts", (ArtefactType.CONCEPT_SCHEME,)),
    ("MetadataStructures", ()),
    ("DataStructures", (ArtefactType.DATA_STRUCTURE,)),
    ("StructureSets", (ArtefactType.STRUCTURE_SET,)),
    ("ReportingTaxonomies", ()),
    ("Processes", ()),
    ("Constraints", (ArtefactType.CONTENT_CONSTRAINT,)),
    ("ProvisionAgreements", (ArtefactType.PROVISION_AGREEMENT,)),
)
_CONTAINER_OF: dict[ArtefactType, str] = {t: name for name, types in _CONTAINERS for t in types}
_ID_CHARS = re.compile(r"[^A-Za-z0-9_@$\-]")


class StructureWriter21:
    """Writes SDMX-ML 2.1 structure messages (``skipped`` describes the last write)."""

    name: ClassVar[str] = "sdmx-ml-2.1-structure"
    media_type: ClassVar[MediaType] = MediaType.STRUCTURE_ML_21

    def __init__(self) -> None:
        #: ``(urn, reason)`` of each artefact left out of the last message written.
        self.skipped: list[tuple[str, str]] = []

    def write(self, items: Sequence[WriteItem], header: MessageHeader) -> bytes:
        """Encode the artefacts as one ``mes:Structure`` message."""
        self.skipped = []
        root = etree.Element(q(MES, "Structure"), nsmap=NSMAP)
        self._header(root, header)
        structures = sub(root, MES, "Structures")
        buckets: dict[str, list[Element]] = {name: [] for name, _ in _CONTAINERS}
        seen: set[tuple[str, str, str, str]] = set()
        hcl_keys = {
            (i.artefact.agency, i.artefact.id, i.artefact.version)
            for i in items
            if i.artefact.type is ArtefactType.HIERARCHICAL_CODELIST
        }
        for item in items:
            a = item.artefact
            writer = _WRITERS.get(a.type)
            if writer is None:
                self.skipped.append((a.urn, f"{a.type.class_name} has no SDMX-ML 2.1 form"))
                continue
            container = _CONTAINER_OF[a.type]
            out_type = (
                "HierarchicalCodelist" if a.type is ArtefactType.HIERARCHY else a.type.class_name
            )
            key = (out_type, a.agency, a.id, a.version)
            if a.type is ArtefactType.HIERARCHY and key[1:] in hcl_keys:
                self.skipped.append((a.urn, "an HCL with the same identity is in the message"))
                continue
            if key in seen:
                self.skipped.append((a.urn, "duplicate artefact"))
                continue
            detail = item.detail if item.detail in DETAILS else "full"
            try:
                el = writer(a, detail, item.structure_url)
            except Unwritable as exc:
                self.skipped.append((a.urn, str(exc)))
                continue
            seen.add(key)
            buckets[container].append(el)
        for name, _ in _CONTAINERS:
            if buckets[name]:
                sub(structures, STR, name).extend(buckets[name])
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")  # type: ignore[no-any-return]

    @staticmethod
    def _header(root: Element, header: MessageHeader) -> None:
        el = sub(root, MES, "Header")
        sub(el, MES, "ID", text=_ID_CHARS.sub("_", header.id) or "IDAC")
        sub(el, MES, "Test", text="true" if header.test else "false")
        prepared = header.prepared or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        sub(el, MES, "Prepared", text=prepared)
        sub(el, MES, "Sender", {"id": _ID_CHARS.sub("_", header.sender) or "IDAC"})
        receiver = header.extra.get("receiver")
        if receiver:
            sub(el, MES, "Receiver", {"id": _ID_CHARS.sub("_", receiver)})
