"""Translated names for things the structures do not name themselves (types, statuses, kinds)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from registry.sdmx.refs import ArtefactType

#: (singular, plural) per artefact type.
TYPE_NAMES = {
    ArtefactType.DATAFLOW: (_l("Dataflow"), _l("Dataflows")),
    ArtefactType.DATA_STRUCTURE: (_l("Data structure (DSD)"), _l("Data structures (DSD)")),
    ArtefactType.CODELIST: (_l("Codelist"), _l("Codelists")),
    ArtefactType.CONCEPT_SCHEME: (_l("Concept scheme"), _l("Concept schemes")),
    ArtefactType.HIERARCHICAL_CODELIST: (_l("Hierarchical codelist"), _l("Hierarchical codelists")),
    ArtefactType.HIERARCHY: (_l("Hierarchy"), _l("Hierarchies")),
    ArtefactType.CONTENT_CONSTRAINT: (_l("Constraint"), _l("Constraints")),
    ArtefactType.PROVISION_AGREEMENT: (_l("Provision agreement"), _l("Provision agreements")),
    ArtefactType.DATA_PROVIDER_SCHEME: (_l("Data provider scheme"), _l("Data provider schemes")),
    ArtefactType.AGENCY_SCHEME: (_l("Agency scheme"), _l("Agency schemes")),
    ArtefactType.CATEGORY_SCHEME: (_l("Category scheme"), _l("Category schemes")),
    ArtefactType.CATEGORISATION: (_l("Categorisation"), _l("Categorisations")),
    ArtefactType.STRUCTURE_SET: (_l("Structure set (maps)"), _l("Structure sets (maps)")),
    ArtefactType.STRUCTURE_MAP: (_l("Structure map"), _l("Structure maps")),
    ArtefactType.REPRESENTATION_MAP: (_l("Representation map"), _l("Representation maps")),
    ArtefactType.HIERARCHY_ASSOCIATION: (_l("Hierarchy association"), _l("Hierarchy associations")),
    ArtefactType.DATA_CONSUMER_SCHEME: (_l("Data consumer scheme"), _l("Data consumer schemes")),
    ArtefactType.ORGANISATION_UNIT_SCHEME: (
        _l("Organisation unit scheme"),
        _l("Organisation unit schemes"),
    ),
}

#: Submission statuses.
STATUS_NAMES = {
    "received": _l("received"),
    "queued": _l("queued"),
    "validating": _l("validating"),
    "loading": _l("loading"),
    "loaded": _l("loaded"),
    "rejected": _l("rejected"),
    "failed": _l("failed"),
}

#: Attribute attachment levels.
ATTACHMENT_NAMES = {
    "dataset": _l("data set"),
    "dimensions": _l("series"),
    "group": _l("group"),
    "observation": _l("observation"),
}


def status_label(status: str) -> str:
    """Translated submission status."""
    return str(STATUS_NAMES.get(status, status))


def attachment_label(kind: str) -> str:
    """Translated attribute attachment level."""
    return str(ATTACHMENT_NAMES.get(kind, kind))
