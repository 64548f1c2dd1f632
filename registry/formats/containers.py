"""Upload containers: plain, gzip or zip bodies, unwrapped as a bounded stream.

``open_upload()`` looks at the magic bytes (never at the file name or ``Content-Type``, which
clients get wrong): ``1f 8b`` is gzip, ``PK\\x03\\x04`` (or the empty-archive ``PK\\x05\\x06``)
is zip,
anything else is taken as is.  The result is an ``Upload`` whose ``stream`` yields the
*decompressed* bytes and whose ``head`` holds the first bytes for content detection
(``FormatRegistry.detect``); ``stream`` replays ``head``, so nothing is read twice.

Limits and refusals, all raised while opening or while reading:

* more than ``max_size`` decompressed bytes -> ``PayloadTooLarge``.  Decompression is streamed
  through a counting reader, so a zip bomb (1 GB of zeros in 1 MB) stops at the limit after
  decompressing at most ``max_size`` bytes; a zip entry that declares a larger size is refused
  before
  any decompression;
* zip entries with unsafe names (absolute paths, ``..``, drive letters, backslashes), encrypted
  entries, archives inside the archive (by suffix, and by the magic bytes of what comes out), and
  zips
  with several files unless exactly one is a data file (``.xml``, ``.csv``, ``.json``; macOS
  ``__MACOSX/`` and ``.DS_Store`` litter is ignored) -> ``MessageSyntaxError``;
* corrupt compressed data (bad CRC, truncated gzip) -> ``MessageSyntaxError`` when it is met.

Nothing is ever written to disk under an archive member's name: a non-seekable zip body is spooled
to an anonymous temporary file (zip needs its central directory at the end).
"""

from __future__ import annotations

import gzip
import io
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from registry.errors import MessageSyntaxError, PayloadTooLarge

#: Default limit on the decompressed size of an upload (bytes).
DEFAULT_MAX_SIZE = 512 * 1024 * 1024
#: Bytes kept in ``Upload.head`` for detection.
HEAD_SIZE = 4096
#: Suffixes of the files a zip may carry as its data file.
DATA_SUFFIXES = (".xml", ".csv", ".json")

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".zst", ".lz4")
_JUNK_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")
_CHUNK = 64 * 1024
_SPOOL_IN_MEMORY = 16 * 1024 * 1024
_CORRUPT = (zipfile.BadZipFile, zlib.error, EOFError, gzip.BadGzipFile, NotImplementedError)


class LimitedReader:
    """Reads a (decompressing) stream, raising ``PayloadTooLarge`` past ``limit`` bytes."""

    __slots__ = ("_raw", "_limit", "_what", "count")

    def __init__(self, raw: Any, limit: int, what: str) -> None:
        self._raw = raw
        self._limit = limit
        self._what = what
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes (all of it, in bounded steps, when ``size`` < 0)."""
        if size is None or size < 0:
            parts = []
            while chunk := self.read(_CHUNK):
                parts.append(chunk)
            return b"".join(parts)
        try:
            data = self._raw.read(min(size, self._limit - self.count + 1))
        except _CORRUPT as exc:
            raise MessageSyntaxError(f"the {self._what} is corrupt: {exc}") from None
        self.count += len(data)
        if self.count > self._limit:
            raise PayloadTooLarge(
                f"the {self._what} is larger than the limit of {self._limit:,} bytes "
                "once decompressed",
                details={"limit": self._limit},
            )
        return bytes(data)

    def close(self) -> None:
        """Close the underlying stream."""
        close = getattr(self._raw, "close", None)
        if close is not None:
            close()


@dataclass(slots=True)
class Upload:
    """An opened upload: the decompressed ``stream`` and what is known about it."""

    stream: Any
    #: First bytes of the decompressed content (also replayed by ``stream``).
    head: bytes
    #: ``None``, ``"gzip"`` or ``"zip"``.
    compression: str | None = None
    #: Name of the data file: the zip member, or the upload's file name without ``.gz``.
    name: str | None = None
    _closers: list[Any] = field(default_factory=list, repr=False)

    def read(self, size: int = -1) -> bytes:
        """Read decompressed bytes (``Upload`` is itself a readable stream)."""
        return bytes(self.stream.read(size))

    def close(self) -> None:
        """Release the decompressor and any spooled file."""
        while self._closers:
            self._closers.pop().close()

    def __enter__(self) -> Upload:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Replay:
    """Replays ``head`` then continues with ``rest``."""

    __slots__ = ("_head", "_rest")

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return bytes(data)
            data, self._head = self._head[:size], self._head[size:]
            return data
        return bytes(self._rest.read(size))


class _RawStream(io.RawIOBase):
    """A standard raw stream over any ``read(size)`` callable, so the upload can be wrapped in
    ``io.BufferedReader`` and handed to lxml, ``io.TextIOWrapper`` (CSV) or ijson (JSON) alike."""

    def __init__(self, source: Any) -> None:
        super().__init__()
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._source.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n


def _read_head(reader: LimitedReader, size: int) -> bytes:
    parts, got = [], 0
    while got < size:
        chunk = reader.read(size - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _peek(source: Any, n: int) -> tuple[bytes, Any]:
    """The first ``n`` bytes of ``source`` and a stream that still starts at the beginning."""
    if hasattr(source, "peek"):
        head = source.peek(n)[:n]
        if len(head) >= n or not head:
            return head, source
    if hasattr(source, "seekable") and source.seekable():
        pos = source.tell()
        head = source.read(n)
        source.seek(pos)
        return head, source
    head = source.read(n)
    return head, _Replay(head, source)


def _refuse_nested(head: bytes, name: str | None) -> None:
    if head.startswith(GZIP_MAGIC) or head.startswith(ZIP_MAGICS) or head[257:262] == b"ustar":
        raise MessageSyntaxError(
            f"nested archives are not accepted ({name or 'the upload'} contains another archive)"
        )


def _unsafe_name(name: str) -> bool:
    if name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return True
    if len(name) >= 2 and name[1] == ":":
        return True
    return any(part == ".." for part in PurePosixPath(name).parts)


def _is_junk(name: str) -> bool:
    base = PurePosixPath(name).name
    return name.startswith("__MACOSX/") or base.startswith("._") or base in _JUNK_NAMES


def _zip_member(zf: zipfile.ZipFile, max_size: int) -> zipfile.ZipInfo:
    """The one data file of the archive, after the safety checks."""
    files = []
    for info in zf.infolist():
        if _unsafe_name(info.filename):
            raise MessageSyntaxError(
                f"the zip archive contains an unsafe file name: {info.filename!r}"
            )
        if info.is_dir() or _is_junk(info.filename):
            continue
        if info.filename.lower().endswith(_ARCHIVE_SUFFIXES):
            raise MessageSyntaxError(
                f"nested archives are not accepted (the zip archive contains {info.filename!r})"
            )
        files.append(info)
    if not files:
        raise MessageSyntaxError("the zip archive contains no file")
    if len(files) > 1:
        data = [i for i in files if i.filename.lower().endswith(DATA_SUFFIXES)]
        if len(data) != 1:
            names = ", ".join(i.filename for i in files[:10]) + (", …" if len(files) > 10 else "")
            raise MessageSyntaxError(
                f"the zip archive contains {len(files)} files ({names}); "
                "upload exactly one data file "
                f"({', '.join(DATA_SUFFIXES)}) per archive"
            )
        files = data
    member = files[0]
    if member.flag_bits & 0x1:
        raise MessageSyntaxError(f"encrypted zip entries are not accepted ({member.filename!r})")
    if member.file_size > max_size:
        raise PayloadTooLarge(
            f"{member.filename!r} is {member.file_size:,} bytes once decompressed, more than the "
            f"limit of {max_size:,} bytes",
            details={"limit": max_size},
        )
    return member


def _seekable(source: Any, max_size: int, closers: list[Any]) -> Any:
    if hasattr(source, "seekable") and source.seekable():
        return source
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 - closed by Upload
    closers.append(spool)
    copied = LimitedReader(source, max_size, "zip upload")
    shutil.copyfileobj(copied, spool, _CHUNK)
    spool.seek(0)
    return spool


def _close_all(closers: list[Any]) -> None:
    for c in reversed(closers):
        c.close()
    closers.clear()


def _open_zip(raw: Any, max_size: int, closers: list[Any]) -> tuple[LimitedReader, str]:
    try:
        zf = zipfile.ZipFile(_seekable(raw, max_size, closers))
    except (zipfile.BadZipFile, OSError) as exc:
        raise MessageSyntaxError(f"the upload is not a readable zip archive: {exc}") from None
    closers.append(zf)
    member = _zip_member(zf, max_size)
    inner = zf.open(member)
    closers.append(inner)
    return LimitedReader(inner, max_size, f"zip entry {member.filename!r}"), member.filename


def open_upload(
    source: IO[bytes] | bytes,
    *,
    filename: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    head_size: int = HEAD_SIZE,
) -> Upload:
    """Open an upload body, unwrapping gzip or zip; see the module documentation for the limits.

    ``source`` is the raw body (bytes or a binary stream, e.g. Werkzeug's request stream);
    ``filename`` is only used for naming.  The caller closes the ``Upload`` (a context manager).
    """
    raw: Any = io.BytesIO(source) if isinstance(source, bytes | bytearray | memoryview) else source
    magic, raw = _peek(raw, 4)
    closers: list[Any] = []
    compression: str | None = None
    name = filename
    try:
        if magic.startswith(GZIP_MAGIC):
            compression = "gzip"
            inner = gzip.GzipFile(fileobj=raw, mode="rb")
            closers.append(inner)
            if name and name.lower().endswith(".gz"):
                name = name[:-3]
            reader = LimitedReader(inner, max_size, "gzip upload")
        elif magic.startswith(ZIP_MAGICS):
            compression = "zip"
            reader, name = _open_zip(raw, max_size, closers)
        else:
            reader = LimitedReader(raw, max_size, "upload")
        head = _read_head(reader, head_size)
        if compression is not None:
            _refuse_nested(head, name)
    except BaseException:
        _close_all(closers)
        raise
    stream = io.BufferedReader(_RawStream(_Replay(head, reader)), _CHUNK)
    return Upload(stream, head, compression, name, closers)
