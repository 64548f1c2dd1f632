"""Structure codecs: choose a reader by content, a writer by media type.

A small frozen table (no module-level mutable registry): built once per call site that needs it, or
once per application (``StructureCodecs`` is cheap and immutable).
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.errors import NotAcceptable, UnsupportedMediaType
from registry.formats.structure_base import StructureReader, StructureWriter
from registry.sdmx.mediatypes import MediaType, normalise
from registry.sdmx.model import StructureMessage


def _head_kind(data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "json"
    if b"/schemas/v3_0/" in head or b"/schemas/v3_1/" in head:
        return "xml30"
    if b"/schemas/v2_1/" in head:
        return "xml21"
    return "unknown"


@dataclass(frozen=True)
class StructureCodecs:
    """The structure readers and writers of the service."""

    readers: dict[str, type[StructureReader]]
    writers: dict[str, type[StructureWriter]]

    def read(self, data: bytes) -> StructureMessage:
        """Read a structure message in any supported format, detected from its content."""
        kind = _head_kind(data)
        reader = self.readers.get(kind)
        if reader is None:
            raise UnsupportedMediaType(
                "Not a recognised SDMX structure message (expected SDMX-ML 2.1, SDMX-ML 3.0 or SDMX-JSON 2.0)"
            )
        return reader().read(data)

    def writer(self, media_type: str) -> StructureWriter:
        """The writer for an exact (normalised) media type."""
        cls = self.writers.get(normalise(media_type))
        if cls is None:
            raise NotAcceptable(f"Structures cannot be written as {media_type}")
        return cls()

    @property
    def media_types(self) -> list[str]:
        """Media types that can be written."""
        return list(self.writers)


def default_codecs() -> StructureCodecs:
    """The codecs implemented in this package."""
    from registry.formats.sdmxjson.structure_reader import StructureReaderJson20
    from registry.formats.sdmxjson.structure_writer import StructureWriterJson10, StructureWriterJson20
    from registry.formats.sdmxml21.structure_reader import StructureReader21
    from registry.formats.sdmxml21.structure_writer import StructureWriter21
    from registry.formats.sdmxml30.structure_reader import StructureReader30
    from registry.formats.sdmxml30.structure_writer import StructureWriter30

    return StructureCodecs(
        readers={"xml21": StructureReader21, "xml30": StructureReader30, "json": StructureReaderJson20},
        writers={
            normalise(MediaType.STRUCTURE_ML_21.value): StructureWriter21,
            normalise(MediaType.STRUCTURE_ML_30.value): StructureWriter30,
            normalise(MediaType.STRUCTURE_JSON_10.value): StructureWriterJson10,
            normalise(MediaType.STRUCTURE_JSON_20.value): StructureWriterJson20,
        },
    )
