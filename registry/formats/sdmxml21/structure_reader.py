"""Reader of SDMX-ML 2.1 structure messages (SDMX 2.1 Section 3A, SDMXMessage.xsd ``Structure``).

Accepts a ``mes:Structure`` message, and a ``RegistryInterface``/``SubmitStructureRequest`` whose
``str:Structures`` are in-line.  The document is parsed once with the hardened parser
(:func:`registry.formats.xmlsafe.parse_document`; structure messages are small enough to hold in
memory) and walked with two dispatch tables built once per class: container tag -> artefact tag ->
reader function.  Unknown containers and elements (metadata structures, processes, reporting
taxonomies …) are skipped.  Error and data messages are refused with ``MessageSyntaxError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import ClassVar

from registry.errors import MessageSyntaxError
from registry.formats.sdmxml21 import structure_read_dsd as dsd
from registry.formats.sdmxml21 import structure_read_items as items
from registry.formats.sdmxml21 import structure_read_other as other
from registry.formats.sdmxml21.namespaces import BASE, COM, MES, STR, q
from registry.formats.sdmxml21.structure_read_base import Element, UnsupportedReference, local
from registry.formats.xmlsafe import parse_document
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import MaintainableArtefact, StructureMessage

ArtefactReader = Callable[[Element], MaintainableArtefact]

#: Container element -> {artefact element -> reader}.  Order does not matter when reading.
_READERS: Mapping[str, Mapping[str, ArtefactReader]] = MappingProxyType(
    {
        q(STR, "OrganisationSchemes"): {
            q(STR, name): items.read_organisation_scheme
            for name in (
                "AgencyScheme",
                "DataProviderScheme",
                "DataConsumerScheme",
                "OrganisationUnitScheme",
            )
        },
        q(STR, "Codelists"): {q(STR, "Codelist"): items.read_codelist},
        q(STR, "Concepts"): {q(STR, "ConceptScheme"): items.read_concept_scheme},
        q(STR, "CategorySchemes"): {q(STR, "CategoryScheme"): items.read_category_scheme},
        q(STR, "Categorisations"): {q(STR, "Categorisation"): other.read_categorisation},
        q(STR, "DataStructures"): {q(STR, "DataStructure"): dsd.read_data_structure},
        q(STR, "Dataflows"): {q(STR, "Dataflow"): dsd.read_dataflow},
        q(STR, "Constraints"): {q(STR, "ContentConstraint"): other.read_constraint},
        q(STR, "ProvisionAgreements"): {
            q(STR, "ProvisionAgreement"): other.read_provision_agreement
        },
        q(STR, "HierarchicalCodelists"): {
            q(STR, "HierarchicalCodelist"): other.read_hierarchical_codelist
        },
        q(STR, "StructureSets"): {q(STR, "StructureSet"): other.read_structure_set},
    }
)

_DATA_ROOTS = frozenset(
    {
        "GenericData",
        "GenericTimeSeriesData",
        "StructureSpecificData",
        "StructureSpecificTimeSeriesData",
        "GenericMetadata",
        "StructureSpecificMetadata",
        "Data",
    }
)
_REGISTRY_ROOTS = frozenset({"RegistryInterface", "SubmitStructureRequest"})
_STRUCTURES = (q(MES, "Structures"), q(STR, "Structures"))

#: First start tag after the prolog: ``<prefix:Local`` (used by ``handles``).
_FIRST_TAG = re.compile(rb"<(?![?!])(?:[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


class StructureReader21:
    """Reads SDMX-ML 2.1 structure messages into a :class:`StructureMessage`."""

    name: ClassVar[str] = "sdmx-ml-2.1-structure"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.STRUCTURE_ML_21,)

    @classmethod
    def handles(cls, head: bytes) -> bool:
        """True if ``head`` starts a 2.1 ``Structure`` or ``RegistryInterface`` document."""
        text = _strip_prolog(head)
        m = _FIRST_TAG.match(text)
        if not m or m.group(1) not in (
            b"Structure",
            b"RegistryInterface",
            b"SubmitStructureRequest",
        ):
            return False
        return BASE.encode() + b"/message" in head

    def read(self, data: bytes) -> StructureMessage:
        """Parse a whole SDMX-ML 2.1 structure message."""
        root = parse_document(data)
        structures = self._structures(root)
        message = StructureMessage(header=self._header(root))
        if structures is None:
            return message
        for container in structures:
            table = _READERS.get(container.tag)
            if table is None:
                continue
            for el in container:
                reader = table.get(el.tag)
                if reader is None:
                    continue
                try:
                    message.artefacts.append(reader(el))
                except UnsupportedReference:
                    continue  # e.g. a categorisation of a metadataflow: no model type for it
        return message

    @staticmethod
    def _structures(root: Element) -> Element | None:
        tag = root.tag if isinstance(root.tag, str) else ""
        ns = tag[1 : tag.index("}")] if tag.startswith("{") else ""
        name = local(root)
        if ns != MES:
            if name == "Structure" and "sdmxml/schemas/v3" in ns:
                raise MessageSyntaxError(
                    "This is an SDMX-ML 3.x structure message; it was sent as SDMX-ML 2.1",
                    line=root.sourceline,
                )
            raise MessageSyntaxError(
                f"Not an SDMX-ML 2.1 structure message: root element <{name}> "
                f"in namespace {ns or 'none'!r}",
                line=root.sourceline,
            )
        if name == "Error":
            raise MessageSyntaxError(
                f"The document is an SDMX-ML Error message, not a structure message"
                f"{_error_summary(root)}",
                line=root.sourceline,
            )
        if name in _DATA_ROOTS:
            raise MessageSyntaxError(
                f"The document is an SDMX-ML 2.1 {name} (data) message, not a structure message",
                line=root.sourceline,
            )
        if name == "Structure":
            return root.find(q(MES, "Structures"))
        if name in _REGISTRY_ROOTS:
            for el in root.iter(*_STRUCTURES):
                return el
            if any(local(el) == "StructureLocation" for el in root.iter()):
                raise MessageSyntaxError(
                    "SubmitStructureRequest with a StructureLocation is not supported; "
                    "send the structures in-line",
                    line=root.sourceline,
                )
            raise MessageSyntaxError(
                "RegistryInterface message carries no structures", line=root.sourceline
            )
        raise MessageSyntaxError(f"Not a structure message: <mes:{name}>", line=root.sourceline)

    @staticmethod
    def _header(root: Element) -> dict[str, str]:
        header = root.find(q(MES, "Header"))
        out: dict[str, str] = {}
        if header is None:
            return out
        for child in header:
            name = local(child)
            if name in ("ID", "Prepared", "Test") and child.text:
                out[name.lower()] = child.text.strip()
            elif name == "Sender" and child.get("id"):
                out["sender"] = child.get("id")
        return out


def _strip_prolog(head: bytes) -> bytes:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    while text.startswith((b"<?", b"<!--")):
        end = text.find(b"?>" if text.startswith(b"<?") else b"-->")
        if end < 0:
            return b""
        text = text[end + (2 if text.startswith(b"<?") else 3) :].lstrip()
    return text


def _error_summary(root: Element) -> str:
    msg = root.find(f".//{q(MES, 'ErrorMessage')}")
    if msg is None:
        return ""
    texts = [t.text.strip() for t in msg.iter(q(COM, "Text")) if t.text]
    code = msg.get("code")
    return f" (code {code}: {' '.join(texts)[:300]})" if code else ""
