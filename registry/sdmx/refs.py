"""Artefact types, references and URNs (SDMX 2.1 section 6 / SDMX 3.0 section 6 "URN").

One table (`ArtefactType`) holds every fact about a maintainable type: its URN package and class, its
SDMX-REST v1 and v2 resource names and its SDMX-ML element names.  Codecs, the store and the REST
routers all look types up here instead of spelling names themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from registry.errors import InvalidReference


class ArtefactType(Enum):
    """Maintainable artefact types, with the names each layer uses for them.

    Value tuple: (URN package, URN class, REST v1 resource, REST v2 resource, item class or None).
    """

    AGENCY_SCHEME = ("base", "AgencyScheme", "agencyscheme", "agencyscheme", "Agency")
    DATA_PROVIDER_SCHEME = ("base", "DataProviderScheme", "dataproviderscheme", "dataproviderscheme", "DataProvider")
    DATA_CONSUMER_SCHEME = ("base", "DataConsumerScheme", "dataconsumerscheme", "dataconsumerscheme", "DataConsumer")
    ORGANISATION_UNIT_SCHEME = (
        "base", "OrganisationUnitScheme", "organisationunitscheme", "organisationunitscheme", "OrganisationUnit",
    )
    CODELIST = ("codelist", "Codelist", "codelist", "codelist", "Code")
    VALUE_LIST = ("codelist", "ValueList", "valuelist", "valuelist", "ValueItem")
    HIERARCHICAL_CODELIST = ("codelist", "HierarchicalCodelist", "hierarchicalcodelist", "hierarchicalcodelist", None)
    HIERARCHY = ("codelist", "Hierarchy", "hierarchy", "hierarchy", "HierarchicalCode")
    HIERARCHY_ASSOCIATION = ("codelist", "HierarchyAssociation", "hierarchyassociation", "hierarchyassociation", None)
    CONCEPT_SCHEME = ("conceptscheme", "ConceptScheme", "conceptscheme", "conceptscheme", "Concept")
    CATEGORY_SCHEME = ("categoryscheme", "CategoryScheme", "categoryscheme", "categoryscheme", "Category")
    CATEGORISATION = ("categoryscheme", "Categorisation", "categorisation", "categorisation", None)
    DATA_STRUCTURE = ("datastructure", "DataStructure", "datastructure", "datastructure", None)
    DATAFLOW = ("datastructure", "Dataflow", "dataflow", "dataflow", None)
    CONTENT_CONSTRAINT = ("registry", "ContentConstraint", "contentconstraint", "dataconstraint", None)
    PROVISION_AGREEMENT = ("registry", "ProvisionAgreement", "provisionagreement", "provisionagreement", None)
    STRUCTURE_SET = ("mapping", "StructureSet", "structureset", "structureset", None)
    STRUCTURE_MAP = ("structuremapping", "StructureMap", "structuremap", "structuremap", None)
    REPRESENTATION_MAP = ("structuremapping", "RepresentationMap", "representationmap", "representationmap", None)

    @property
    def package(self) -> str:
        """The URN package, e.g. ``codelist``."""
        return self.value[0]

    @property
    def class_name(self) -> str:
        """The information-model class name, e.g. ``Codelist`` (also the SDMX-ML ``Ref@class``)."""
        return self.value[1]

    @property
    def rest_v1(self) -> str:
        """Resource name in SDMX-REST v1 paths."""
        return self.value[2]

    @property
    def rest_v2(self) -> str:
        """Resource name in SDMX-REST v2 paths."""
        return self.value[3]

    @property
    def item_class(self) -> str | None:
        """Class name of the items for item schemes, else None."""
        return self.value[4]

    @property
    def is_item_scheme(self) -> bool:
        """True for item schemes (codelists, concept schemes, organisation schemes, …)."""
        return self.value[4] is not None and self is not ArtefactType.HIERARCHY

    @classmethod
    def from_class(cls, name: str) -> ArtefactType:
        """Look a type up by its model class name (``Codelist``) or URN class."""
        try:
            return _BY_CLASS[name.lower()]
        except KeyError:
            raise InvalidReference(f"Unknown artefact class {name!r}") from None

    @classmethod
    def from_rest(cls, name: str) -> ArtefactType:
        """Look a type up by its SDMX-REST resource name (v1 or v2)."""
        try:
            return _BY_REST[name.lower()]
        except KeyError:
            raise InvalidReference(f"Unknown structure resource {name!r}") from None


_BY_CLASS: dict[str, ArtefactType] = {t.class_name.lower(): t for t in ArtefactType}
# SDMX 3.0 renamed ContentConstraint to DataConstraint; both resolve to the same stored type.
_BY_CLASS["dataconstraint"] = ArtefactType.CONTENT_CONSTRAINT
_BY_CLASS["constraint"] = ArtefactType.CONTENT_CONSTRAINT
_BY_REST: dict[str, ArtefactType] = {}
for _t in ArtefactType:
    _BY_REST[_t.rest_v1] = _t
    _BY_REST[_t.rest_v2] = _t

#: URN of a maintainable or an item: urn:sdmx:org.sdmx.infomodel.{package}.{Class}={agency}:{id}({version})[.{item}]
_URN = re.compile(
    r"^urn:sdmx:org\.sdmx\.infomodel\.(?P<package>[a-z]+)\.(?P<cls>[A-Za-z]+)="
    r"(?P<agency>[A-Za-z0-9_@$\-.]+):(?P<id>[A-Za-z0-9_@$\-]+)\((?P<version>[A-Za-z0-9_.+~*\-]+)\)"
    r"(?:\.(?P<item>[A-Za-z0-9_@$\-.]+))?$"
)

#: Short form used in SDMX-CSV and REST flowRefs: AGENCY:ID(VERSION)
_SHORT = re.compile(
    r"^(?P<agency>[A-Za-z0-9_@$\-.]+):(?P<id>[A-Za-z0-9_@$\-]+)\((?P<version>[A-Za-z0-9_.+~*\-]+)\)$"
)

# Item classes whose URN names a maintainable type different from the item class itself.
_ITEM_PARENT: dict[str, ArtefactType] = {
    "Code": ArtefactType.CODELIST,
    "Concept": ArtefactType.CONCEPT_SCHEME,
    "Category": ArtefactType.CATEGORY_SCHEME,
    "Agency": ArtefactType.AGENCY_SCHEME,
    "DataProvider": ArtefactType.DATA_PROVIDER_SCHEME,
    "DataConsumer": ArtefactType.DATA_CONSUMER_SCHEME,
    "OrganisationUnit": ArtefactType.ORGANISATION_UNIT_SCHEME,
    "ValueItem": ArtefactType.VALUE_LIST,
    "HierarchicalCode": ArtefactType.HIERARCHY,
}


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a maintainable artefact, or to one item of it when ``item`` is set.

    ``type`` is always the *maintainable* type (a reference to a code has type CODELIST and
    ``item`` = the code id).  ``item_class`` keeps the item class for URNs of non-code items.
    """

    type: ArtefactType
    agency: str
    id: str
    version: str = "1.0"
    item: str | None = None

    @property
    def urn(self) -> str:
        """The SDMX URN of the referenced artefact or item."""
        if self.item is None:
            return (
                f"urn:sdmx:org.sdmx.infomodel.{self.type.package}.{self.type.class_name}="
                f"{self.agency}:{self.id}({self.version})"
            )
        item_class = self.type.item_class or self.type.class_name
        return (
            f"urn:sdmx:org.sdmx.infomodel.{self.type.package}.{item_class}="
            f"{self.agency}:{self.id}({self.version}).{self.item}"
        )

    @property
    def short(self) -> str:
        """``AGENCY:ID(VERSION)``, the form of SDMX-CSV and REST flow references."""
        return f"{self.agency}:{self.id}({self.version})"

    @property
    def maintainable(self) -> Ref:
        """The reference without its item part."""
        return self if self.item is None else Ref(self.type, self.agency, self.id, self.version)

    def with_item(self, item: str) -> Ref:
        """A reference to ``item`` inside this maintainable."""
        return Ref(self.type, self.agency, self.id, self.version, item)

    def __str__(self) -> str:
        base = f"{self.type.class_name}={self.short}"
        return base if self.item is None else f"{base}.{self.item}"

    @classmethod
    def parse_urn(cls, urn: str) -> Ref:
        """Parse an SDMX URN.  Whitespace around it is tolerated (real registries emit it)."""
        m = _URN.match(urn.strip())
        if not m:
            raise InvalidReference(f"Not an SDMX URN: {urn.strip()[:200]!r}")
        class_name = m["cls"]
        item = m["item"]
        if item is not None and class_name in _ITEM_PARENT:
            rtype = _ITEM_PARENT[class_name]
        else:
            rtype = ArtefactType.from_class(class_name)
            if item is not None and rtype not in (
                ArtefactType.DATA_STRUCTURE,
                ArtefactType.HIERARCHICAL_CODELIST,
            ):
                # Only components of DSDs and hierarchies of HCLs are sub-objects of non-item-schemes.
                raise InvalidReference(f"URN names a sub-object of {class_name}: {urn!r}")
        return cls(rtype, m["agency"], m["id"], m["version"], item)

    @classmethod
    def parse_short(cls, text: str, rtype: ArtefactType) -> Ref:
        """Parse ``AGENCY:ID(VERSION)``; also accepts a URN."""
        text = text.strip()
        if text.startswith("urn:"):
            return cls.parse_urn(text)
        m = _SHORT.match(text)
        if not m:
            raise InvalidReference(f"Expected AGENCY:ID(VERSION), got {text[:200]!r}")
        return cls(rtype, m["agency"], m["id"], m["version"])
