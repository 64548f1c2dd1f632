"""The contract of structure-message readers and writers.

A reader turns one SDMX structure message (SDMX-ML 2.1, SDMX-ML 3.0, SDMX-JSON 2.0) into a
``StructureMessage`` of model artefacts.  A writer turns a list of ``WriteItem`` into one message.
``detail`` per artefact implements the SDMX-REST ``detail`` parameter: ``full`` writes everything,
``stub`` writes identification and names only (``isExternalReference="true"`` plus the ``structureURL``
pointing back at the service), ``completestub`` adds descriptions and annotations.
(``referencepartial`` is applied by the API before writing, by filtering the items of item schemes
and marking them ``is_partial``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import MaintainableArtefact, StructureMessage

DETAILS = ("full", "stub", "completestub")


@dataclass(slots=True)
class WriteItem:
    """An artefact to write and how much of it to write."""

    artefact: MaintainableArtefact
    detail: str = "full"
    #: URL at which the full artefact can be fetched (used for stubs' structureURL).
    structure_url: str | None = None


@dataclass(slots=True)
class MessageHeader:
    """Header of an outgoing message."""

    id: str = "IDAC"
    prepared: str | None = None  # ISO 8601 datetime; writers default to now (UTC)
    sender: str = "IDAC"
    test: bool = False
    #: Languages requested (Accept-Language), best first.  JSON writers use the first for ``name``.
    langs: tuple[str, ...] = ("en",)
    extra: dict[str, str] = field(default_factory=dict)


class StructureReader(Protocol):
    """Reads one structure format."""

    name: ClassVar[str]
    media_types: ClassVar[tuple[MediaType, ...]]

    @classmethod
    def handles(cls, head: bytes) -> bool:
        """True if the first bytes look like this format (must not consume input)."""
        ...

    def read(self, data: bytes) -> StructureMessage:
        """Parse a whole structure message.  Raises ``MessageSyntaxError`` / ``StructureError``."""
        ...


class StructureWriter(Protocol):
    """Writes one structure format."""

    name: ClassVar[str]
    media_type: ClassVar[MediaType]

    def write(self, items: Sequence[WriteItem], header: MessageHeader) -> bytes:
        """Encode the artefacts as one structure message."""
        ...
