"""Open a stored upload and pick its data reader from the content.

``open_data(path, max_size)`` unwraps gzip/zip with the decompression limit
(``registry.formats.containers.open_upload``) and returns a buffered binary stream plus the first
bytes; ``reader_for(head)`` returns the reader whose ``handles()`` accepts them
(``registry.formats.registry.FormatRegistry.detect``).  An SDMX ``Error`` message is refused with its
code and text, and an unknown format is described (root element or first bytes).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from registry.errors import MessageSyntaxError
from registry.formats.base import DataReader
from registry.formats.containers import open_upload
from registry.formats.registry import FormatRegistry, default_registry


@lru_cache(maxsize=1)
def _default_registry() -> FormatRegistry:
    """The registry of the installed readers (immutable, built once)."""
    return default_registry()


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


def reader_for(head: bytes, registry: FormatRegistry | None = None) -> DataReader:
    """The data reader for content starting with ``head`` (``MessageSyntaxError`` for an SDMX error
    message, ``UnsupportedMediaType`` naming what was seen for anything else unknown)."""
    cls = (registry or _default_registry()).detect(head)
    return cls()  # type: ignore[call-arg]


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
