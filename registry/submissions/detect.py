"""Open a stored upload and pick its data reader from the content.

``open_data(path, max_size)`` unwraps gzip/zip with the decompression limit
(``registry.formats.containers.open_upload``) and returns a buffered binary stream plus the first
bytes; ``reader_for(head)`` returns the reader whose ``handles()`` accepts them.  The readers are
looked up in ``registry.formats.registry.default_registry()`` when that module provides one, else in
the table below (the readers of ``docs/CONTRACTS.md`` that are installed), in an order where every
``handles()`` is tried after the more specific ones.  An SDMX ``Error`` message is recognised and
refused with its code and text, and an unknown format is described (root element or first bytes).
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from registry.errors import MessageSyntaxError, UnsupportedMediaType
from registry.formats.base import DataReader
from registry.formats.containers import open_upload
from registry.formats.sdmxml_common import describe_head, error_message_from_head

#: (module, class) of the data readers, most specific first.
_READERS = (
    ("registry.formats.sdmxml21.ss_reader", "StructureSpecificReader21"),
    ("registry.formats.sdmxml21.generic_reader", "GenericDataReader21"),
    ("registry.formats.sdmxml30.data_reader", "DataReader30"),
    ("registry.formats.sdmxjson.data_reader", "JsonDataReader"),
    ("registry.formats.sdmxcsv.reader", "CsvReader"),
)


def _reader_classes() -> list[type[Any]]:
    out = []
    for module, name in _READERS:
        try:
            out.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return out


class _RawUpload(io.RawIOBase):
    """The decompressed upload as a raw stream, so it can be buffered (``TextIOWrapper`` needs it)."""

    def __init__(self, upload: Any) -> None:
        self._upload = upload

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._upload.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n


def reader_for(head: bytes) -> DataReader:
    """The data reader for content starting with ``head``."""
    err = error_message_from_head(head)
    if err is not None:
        raise err
    try:
        from registry.formats.registry import default_registry  # type: ignore[attr-defined]

        found = default_registry().detect(head)
        if found is not None:
            return found() if isinstance(found, type) else found  # type: ignore[no-any-return]
    except (ImportError, AttributeError, TypeError):
        pass
    for cls in _reader_classes():
        if cls.handles(head):
            return cls()  # type: ignore[no-any-return]
    raise UnsupportedMediaType(
        f"Not a supported SDMX data message ({describe_head(head)}); send SDMX-ML 2.1 or 3.0, "
        "SDMX-CSV 1.0 or 2.0, or SDMX-JSON data, optionally gzip- or zip-compressed"
    )


@contextmanager
def open_data(path: Path, max_size: int) -> Iterator[tuple[io.BufferedReader, bytes, DataReader]]:
    """The decompressed stream of a stored upload, its first bytes and its reader."""
    with path.open("rb") as raw:
        upload = open_upload(raw, filename=path.name, max_size=max_size)
        try:
            if not upload.head.strip():
                raise MessageSyntaxError("the file is empty")
            reader = reader_for(upload.head)
            yield io.BufferedReader(_RawUpload(upload), 256 * 1024), upload.head, reader
        finally:
            upload.close()
