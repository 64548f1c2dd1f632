"""The data format registry: which reader reads an upload, which writer writes an answer.

Readers and writers are registered by class (the codec classes are stateless; a fresh instance is
made per use).  Lookups are table-driven:

* ``reader_for(media_type)`` / ``writer_for(media_type)`` — by exact (normalised) media type, or by
  the media type without its ``version`` parameter when exactly that base type is registered;
* ``detect(head)`` — by content: each reader's ``handles(head)`` classmethod peeks at the first
  bytes
  of the decompressed upload (see ``containers.open_upload``).  Readers are asked in registration
  order; ``default_registry()`` puts the XML readers first and SDMX-CSV last (its check is the most
  permissive).  An SDMX ``Error`` message is reported as such (``MessageSyntaxError`` quoting its
  code and text), anything else unrecognised as ``UnsupportedMediaType`` naming what was seen.

A ``FormatRegistry`` is immutable once built (tuples and read-only mappings; attribute assignment is
refused) and there is no module-level registry: the application builds one at start-up with
``default_registry()`` and injects it (STYLE "Avoid" 1: no process-wide mutable registries).

``default_registry()`` loads the classes named in ``docs/CONTRACTS.md``.  A codec module that does
not exist yet is skipped and listed in ``FormatRegistry.missing``; an existing module that fails to
import, or lacks the class the contract names, raises — a real bug must not hide as "format not
supported".
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from registry.errors import NotAcceptable, UnsupportedMediaType
from registry.formats.base import DataReader, DataWriter
from registry.formats.sdmxml_common import describe_head, error_message_from_head
from registry.sdmx.mediatypes import normalise

#: Data readers of docs/CONTRACTS.md, in detection order.
READER_CLASSES: tuple[tuple[str, str], ...] = (
    ("registry.formats.sdmxml21.ss_reader", "StructureSpecificReader21"),
    ("registry.formats.sdmxml21.generic_reader", "GenericDataReader21"),
    ("registry.formats.sdmxml30.data_reader", "DataReader30"),
    ("registry.formats.sdmxjson.data_reader", "JsonDataReader"),
    ("registry.formats.sdmxcsv.reader", "CsvReader"),
)

#: Data writers of docs/CONTRACTS.md.
WRITER_CLASSES: tuple[tuple[str, str], ...] = (
    ("registry.formats.sdmxml21.generic_writer", "GenericDataWriter21"),
    ("registry.formats.sdmxml21.ss_writer", "StructureSpecificWriter21"),
    ("registry.formats.sdmxml30.data_writer", "DataWriter30"),
    ("registry.formats.sdmxcsv.writer", "CsvWriter10"),
    ("registry.formats.sdmxcsv.writer", "CsvWriter20"),
    ("registry.formats.sdmxcsv.writer", "PlainCsvWriter"),
    ("registry.formats.sdmxjson.data_writer", "JsonDataWriter10"),
    ("registry.formats.sdmxjson.data_writer", "JsonDataWriter20"),
)


def _base(media_type: str) -> str:
    return media_type.split(";", 1)[0]


def _table(classes: tuple[type, ...], kind: str) -> Mapping[str, type]:
    table: dict[str, type] = {}
    for cls in classes:
        for mt in getattr(cls, "media_types", ()):
            key = normalise(str(mt))
            if key in table and table[key] is not cls:
                raise ValueError(
                    f"{kind}s {table[key].__name__} and {cls.__name__} both register {key}"
                )
            table[key] = cls
    return MappingProxyType(table)


def _base_table(table: Mapping[str, type]) -> Mapping[str, type]:
    """Media type without parameters -> class, only where that is unambiguous."""
    by_base: dict[str, set[type]] = {}
    for key, cls in table.items():
        by_base.setdefault(_base(key), set()).add(cls)
    return MappingProxyType({b: next(iter(c)) for b, c in by_base.items() if len(c) == 1})


class FormatRegistry:
    """Readers and writers of data formats, looked up by media type or detected by content."""

    __slots__ = (
        "_readers",
        "_writers",
        "_reader_by_type",
        "_writer_by_type",
        "_reader_by_base",
        "_writer_by_base",
        "_missing",
        "_frozen",
    )

    def __init__(
        self,
        readers: Iterable[type[DataReader]] = (),
        writers: Iterable[type[DataWriter]] = (),
        *,
        missing: Iterable[str] = (),
    ) -> None:
        self._readers: tuple[type[DataReader], ...] = tuple(readers)
        self._writers: tuple[type[DataWriter], ...] = tuple(writers)
        for reader in self._readers:
            if not callable(getattr(reader, "handles", None)) or not hasattr(reader, "read"):
                raise TypeError(f"{reader!r} is not a DataReader (handles() and read() required)")
        for writer in self._writers:
            if not hasattr(writer, "write"):
                raise TypeError(f"{writer!r} is not a DataWriter (write() required)")
        self._reader_by_type = _table(self._readers, "reader")
        self._writer_by_type = _table(self._writers, "writer")
        self._reader_by_base = _base_table(self._reader_by_type)
        self._writer_by_base = _base_table(self._writer_by_type)
        self._missing: tuple[str, ...] = tuple(missing)
        self._frozen = True

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError("FormatRegistry is immutable once built")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        names = ", ".join(c.__name__ for c in (*self._readers, *self._writers))
        return f"FormatRegistry({names})"

    # --- what is registered ----------------------------------------------------------------------

    @property
    def readers(self) -> tuple[type[DataReader], ...]:
        """Reader classes in detection order."""
        return self._readers

    @property
    def writers(self) -> tuple[type[DataWriter], ...]:
        """Writer classes."""
        return self._writers

    @property
    def reader_media_types(self) -> tuple[str, ...]:
        """Media types that can be read."""
        return tuple(self._reader_by_type)

    @property
    def writer_media_types(self) -> tuple[str, ...]:
        """Media types that can be written (for content negotiation)."""
        return tuple(self._writer_by_type)

    @property
    def missing(self) -> tuple[str, ...]:
        """Codec modules of the contract that were not found when the registry was built."""
        return self._missing

    # --- lookups -------------------------------------------------------------------------------

    def reader_for(self, media_type: str) -> type[DataReader]:
        """The reader of a media type; ``UnsupportedMediaType`` if none."""
        cls = self._lookup(media_type, self._reader_by_type, self._reader_by_base)
        if cls is None:
            supported = ", ".join(self.reader_media_types)
            raise UnsupportedMediaType(
                f"data cannot be read as {media_type}; supported: {supported}"
            )
        return cls

    def writer_for(self, media_type: str) -> type[DataWriter]:
        """The writer of a media type; ``NotAcceptable`` if none."""
        cls = self._lookup(media_type, self._writer_by_type, self._writer_by_base)
        if cls is None:
            available = ", ".join(self.writer_media_types)
            raise NotAcceptable(f"data cannot be written as {media_type}; available: {available}")
        return cls

    @staticmethod
    def _lookup(
        media_type: str, exact: Mapping[str, type], base: Mapping[str, type]
    ) -> type | None:
        key = normalise(media_type)
        if key in exact:
            return exact[key]
        if ";" not in key:
            return base.get(key)
        return None

    def detect(self, head: bytes) -> type[DataReader]:
        """The reader whose ``handles(head)`` accepts the first bytes of an upload.

        Raises ``MessageSyntaxError`` for an SDMX error message (saying so, with its code and text)
        and ``UnsupportedMediaType`` naming what was seen when no reader recognises the content.
        """
        for cls in self._readers:
            if cls.handles(head):
                return cls
        error = error_message_from_head(head)
        if error is not None:
            raise error
        names = ", ".join(c.name for c in self._readers) or "none"
        raise UnsupportedMediaType(
            f"the content is not a data format this service reads ({describe_head(head)}); "
            f"supported: {names}",
            details={"seen": describe_head(head)},
        )


def _load(specs: tuple[tuple[str, str], ...], missing: list[str]) -> list[type]:
    classes: list[type] = []
    for module_name, class_name in specs:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # the codec is not written yet; anything else is a bug
                if module_name not in missing:
                    missing.append(module_name)
                continue
            raise
        try:
            cls = getattr(module, class_name)
        except AttributeError:
            raise ImportError(
                f"{module_name} does not define {class_name} (named in docs/CONTRACTS.md)"
            ) from None
        classes.append(cls)
    return classes


def default_registry() -> FormatRegistry:
    """A registry of every data reader and writer of docs/CONTRACTS.md that exists."""
    missing: list[str] = []
    readers = _load(READER_CLASSES, missing)
    writers = _load(WRITER_CLASSES, missing)
    return FormatRegistry(readers, writers, missing=missing)
