"""SDMX-ML 3.0 structure-message facts shared by the reader and the writer (SDMX 3.0 Section 3A).

One table maps each ``mes:Structures`` container to its artefact element and model type, in the
order ``StructuresType`` lists them (an ``xs:all``; the writer follows the listed order).  Reference
helpers spell URNs the way the 3.0 schema wants them: ``registry.DataConstraint`` (2.1:
ContentConstraint), ``codelist.Hierarchy`` for a hierarchy of a 2.1 HierarchicalCodelist, and a
concrete component class (``datastructure.Dimension``) for references to DSD components.

"""

from __future__ import annotations

import re

from registry.errors import InvalidReference
from registry.formats.sdmxml30.namespaces import COM, MES, STR, XML, q
from registry.sdmx.refs import ArtefactType, Ref

#: (container element, artefact element, item element or None, model type), in StructuresType order.
CONTAINERS: tuple[tuple[str, str, str | None, ArtefactType], ...] = (
    ("AgencySchemes", "AgencyScheme", "Agency", ArtefactType.AGENCY_SCHEME),
    ("Categorisations", "Categorisation", None, ArtefactType.CATEGORISATION),
    ("CategorySchemes", "CategoryScheme", "Category", ArtefactType.CATEGORY_SCHEME),
    ("Codelists", "Codelist", "Code", ArtefactType.CODELIST),
    ("ConceptSchemes", "ConceptScheme", "Concept", ArtefactType.CONCEPT_SCHEME),
    ("DataConstraints", "DataConstraint", None, ArtefactType.CONTENT_CONSTRAINT),
    (
        "DataConsumerSchemes",
        "DataConsumerScheme",
        "DataConsumer",
        ArtefactType.DATA_CONSUMER_SCHEME,
    ),
    ("Dataflows", "Dataflow", None, ArtefactType.DATAFLOW),
    (
        "DataProviderSchemes",
        "DataProviderScheme",
        "DataProvider",
        ArtefactType.DATA_PROVIDER_SCHEME,
    ),
    ("DataStructures", "DataStructure", None, ArtefactType.DATA_STRUCTURE),
    ("Hierarchies", "Hierarchy", None, ArtefactType.HIERARCHY),
    ("HierarchyAssociations", "HierarchyAssociation", None, ArtefactType.HIERARCHY_ASSOCIATION),
    (
        "OrganisationUnitSchemes",
        "OrganisationUnitScheme",
        "OrganisationUnit",
        ArtefactType.ORGANISATION_UNIT_SCHEME,
    ),
    ("ProvisionAgreements", "ProvisionAgreement", None, ArtefactType.PROVISION_AGREEMENT),
    ("RepresentationMaps", "RepresentationMap", None, ArtefactType.REPRESENTATION_MAP),
    ("StructureMaps", "StructureMap", None, ArtefactType.STRUCTURE_MAP),
)

#: Containers the model has no type for; the reader skips them (documented in the reader).
SKIPPED_CONTAINERS = frozenset(
    {
        "ValueLists",
        "CategorySchemeMaps",
        "ConceptSchemeMaps",
        "OrganisationSchemeMaps",
        "ReportingTaxonomyMaps",
        "ReportingTaxonomies",
        "MetadataStructures",
        "Metadataflows",
        "MetadataConstraints",
        "MetadataProviderSchemes",
        "MetadataProvisionAgreements",
        "Processes",
        "GeographicCodelists",
        "GeoGridCodelists",
        "CustomTypeSchemes",
        "NamePersonalisationSchemes",
        "RulesetSchemes",
        "TransformationSchemes",
        "UserDefinedOperatorSchemes",
        "VtlMappingSchemes",
    }
)

BY_TYPE: dict[ArtefactType, tuple[str, str, str | None]] = {
    t: (c, e, i) for c, e, i, t in CONTAINERS
}
BY_CONTAINER: dict[str, tuple[str, str | None, ArtefactType]] = {
    c: (e, i, t) for c, e, i, t in CONTAINERS
}

#: Organisation schemes have a fixed id and no version attribute in 3.0 (version is implied 1.0).
FIXED_SCHEME_IDS: dict[ArtefactType, str] = {
    ArtefactType.AGENCY_SCHEME: "AGENCIES",
    ArtefactType.DATA_PROVIDER_SCHEME: "DATA_PROVIDERS",
    ArtefactType.DATA_CONSUMER_SCHEME: "DATA_CONSUMERS",
}
ORGANISATION_SCHEMES = frozenset({*FIXED_SCHEME_IDS, ArtefactType.ORGANISATION_UNIT_SCHEME})

# Qualified names used on both sides.
NAME = q(COM, "Name")
DESCRIPTION = q(COM, "Description")
ANNOTATIONS = q(COM, "Annotations")
LINK = q(COM, "Link")
LANG = q(XML, "lang")
STRUCTURES = q(MES, "Structures")
HEADER = q(MES, "Header")


def s(tag: str) -> str:
    """A structure-namespace qualified name."""
    return q(STR, tag)


#: Component classes of a DSD that a URN may name (SDMX 3.0 URN classes of package
#: ``datastructure``).
COMPONENT_CLASSES = (
    "Dimension",
    "TimeDimension",
    "DataAttribute",
    "Measure",
    "GroupDimensionDescriptor",
)
_COMPONENT_URN = re.compile(
    r"^urn:sdmx:org\.sdmx\.infomodel\.datastructure\.(?:" + "|".join(COMPONENT_CLASSES) + r")="
    r"(?P<agency>[A-Za-z0-9_@$\-.]+):(?P<id>[A-Za-z0-9_@$\-]+)\((?P<version>[A-Za-z0-9_.+~*\-]+)\)"
    r"\.(?P<item>[A-Za-z0-9_@$\-.]+)$"
)


def parse_urn(text: str) -> Ref:
    """Parse a 3.0 URN (whitespace tolerated); DSD component URNs become DSD refs with ``item``."""
    text = text.strip()
    m = _COMPONENT_URN.match(text)
    if m:
        return Ref(ArtefactType.DATA_STRUCTURE, m["agency"], m["id"], m["version"], m["item"])
    return Ref.parse_urn(text)


def urn30(ref: Ref) -> str:
    """The SDMX 3.0 URN of a reference.  Raises ``InvalidReference`` when 3.0 has no such class."""
    base = "urn:sdmx:org.sdmx.infomodel."
    if ref.type in ORGANISATION_SCHEMES:
        # 3.0 fixes the version of organisation schemes to 1.0 and the id of three of them.
        ref = Ref(ref.type, ref.agency, FIXED_SCHEME_IDS.get(ref.type, ref.id), "1.0", ref.item)
    if ref.type is ArtefactType.CONTENT_CONSTRAINT:
        return f"{base}registry.DataConstraint={ref.agency}:{ref.id}({ref.version})"
    if ref.type is ArtefactType.HIERARCHICAL_CODELIST:
        if ref.item is None:
            raise InvalidReference(f"SDMX 3.0 has no HierarchicalCodelist: {ref}")
        return f"{base}codelist.Hierarchy={ref.agency}:{ref.item}({ref.version})"
    if ref.type is ArtefactType.STRUCTURE_SET:
        raise InvalidReference(f"SDMX 3.0 has no StructureSet: {ref}")
    if ref.type is ArtefactType.DATA_STRUCTURE and ref.item is not None:
        return f"{base}datastructure.Dimension={ref.agency}:{ref.id}({ref.version}).{ref.item}"
    return ref.urn


def artefact_urn30(rtype: ArtefactType, agency: str, aid: str, version: str) -> str:
    """URN of a maintainable written as ``rtype``."""
    return urn30(Ref(rtype, agency, aid, version))


#: SDMX 3.0 semantic version (SemanticVersionNumberType) and legacy version
#: (LegacyVersionNumberType).
SEMVER = re.compile(r"^(0|[1-9]\d*)(\.(0|[1-9]\d*)){2}(-[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*)?$")
LEGACY_VERSION = re.compile(r"^(0|[1-9]\d*)(\.(0|[1-9]\d*))?$")


def is_final_version(version: str) -> bool:
    """3.0 has no ``isFinal``: a version without an extension (``-draft``) is final (stable)."""
    return "-" not in version
