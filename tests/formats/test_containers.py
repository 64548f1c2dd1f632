"""open_upload: plain, gzip and zip bodies; limits (zip/gzip bombs), unsafe and ambiguous archives."""

from __future__ import annotations

import gzip
import io
import random
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from registry.errors import MessageSyntaxError, PayloadTooLarge
from registry.formats.base import ResolvedStructure
from registry.formats.containers import open_upload
from registry.formats.sdmxml21.ss_reader import StructureSpecificReader21
from tests.formats.xml_data_fixtures import RecordingResolver, specimen_dsd, summarise

DATA = "ISTAT/22_289.xml"


class OneWay(io.RawIOBase):
    """A non-seekable stream (like a request body)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        chunk = self._data.read(min(len(buffer), 1000))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def zip_of_zeros(size: int, name: str = "data.xml") -> bytes:
    """A zip with one deflated entry of ``size`` zero bytes, built in milliseconds: the deflate
    stream is one fully-flushed 1 MiB block repeated (each is independent after Z_FULL_FLUSH)."""
    mib = 1 << 20
    assert size % mib == 0
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(mib)) + comp.flush(zlib.Z_FULL_FLUSH)
    stream = block * (size // mib) + comp.flush(zlib.Z_FINISH)
    crc = 0
    zeros = bytes(mib)
    for _ in range(size // mib):
        crc = zlib.crc32(zeros, crc)
    fname = name.encode()
    local = (
        struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(stream), size, len(fname), 0
        )
        + fname
    )
    central = (
        struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(stream),
            size,
            len(fname),
            0,
            0,
            0,
            0,
            0,
            0,
        )
        + fname
    )
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(stream), 0
    )
    return local + stream + central + end


@pytest.fixture(scope="module")
def data(specimens: Path) -> bytes:
    return (specimens / DATA).read_bytes()


def _read_all(upload) -> bytes:  # type: ignore[no-untyped-def]
    with upload:
        return upload.stream.read()


@pytest.mark.parametrize("wrap", [bytes, io.BytesIO, OneWay], ids=["bytes", "seekable", "stream"])
def test_plain_gzip_zip(data: bytes, wrap) -> None:  # type: ignore[no-untyped-def]
    plain = open_upload(wrap(data), filename="x.xml")
    assert (plain.compression, plain.name) == (None, "x.xml")
    assert plain.head == data[:4096] and _read_all(plain) == data

    gz = open_upload(wrap(gzip.compress(data)), filename="x.xml.gz")
    assert (gz.compression, gz.name) == ("gzip", "x.xml")
    assert gz.head == data[:4096] and _read_all(gz) == data

    zp = open_upload(wrap(_zip({"dir/x.xml": data, "__MACOSX/dir/._x.xml": b"junk", "dir/": b""})))
    assert (zp.compression, zp.name) == ("zip", "dir/x.xml")
    assert _read_all(zp) == data


def test_zip_with_one_data_file_among_others(data: bytes) -> None:
    up = open_upload(_zip({"README.txt": b"hello", "data.xml": data}))
    assert up.name == "data.xml" and _read_all(up) == data


def test_reader_reads_unwrapped_upload(specimens: Path, data: bytes) -> None:
    resolver = RecordingResolver(ResolvedStructure(specimen_dsd(specimens, DATA)))
    with open_upload(OneWay(gzip.compress(data))) as up:
        assert StructureSpecificReader21.handles(up.head)
        summary = summarise(StructureSpecificReader21().read(up.stream, resolver))
    assert len(summary.observations) == 8


def test_plain_upload_over_limit(data: bytes) -> None:
    with pytest.raises(PayloadTooLarge):
        open_upload(data, max_size=1000).stream.read()
    up = open_upload(data, max_size=len(data))
    assert up.stream.read() == data


def test_gzip_bomb_stops_at_the_limit_quickly() -> None:
    member = gzip.compress(bytes(1 << 20), compresslevel=9)
    body = member * 1024  # 1 GiB of zeros in ~1 MB (multi-member gzip)
    assert len(body) < 2 << 20
    start = time.perf_counter()
    read = 0
    with pytest.raises(PayloadTooLarge, match="limit of 10,485,760 bytes"):  # noqa: PT012
        with open_upload(body, max_size=10 << 20) as up:
            while chunk := up.stream.read(1 << 16):
                read += len(chunk)
    assert read <= 10 << 20
    assert time.perf_counter() - start < 5


def test_zip_bomb_refused_before_decompressing() -> None:
    body = zip_of_zeros(1 << 30)  # 1 GiB of zeros in ~1 MB
    assert len(body) < 2 << 20
    start = time.perf_counter()
    with pytest.raises(PayloadTooLarge, match="1,073,741,824 bytes once decompressed"):
        open_upload(body, max_size=10 << 20)
    assert time.perf_counter() - start < 5
    # within the limit the same construction reads back fine (the archive is well-formed)
    with open_upload(zip_of_zeros(2 << 20), max_size=10 << 20) as up:
        assert up.stream.read() == bytes(2 << 20)


def test_zip_header_lying_about_size_is_still_bounded() -> None:
    # zipfile stops at the declared size, so a lying header gives truncated output, never more
    body = bytearray(zip_of_zeros(64 << 20))
    struct.pack_into("<L", body, 22, 1000)  # local header uncompressed size
    central = body.rfind(b"PK\x01\x02")
    struct.pack_into("<L", body, central + 24, 1000)
    with pytest.raises(MessageSyntaxError, match="corrupt: Bad CRC"):
        open_upload(bytes(body), max_size=10 << 20).stream.read()


@pytest.mark.parametrize(
    ("files", "match"),
    [
        ({"../evil.xml": b"<x/>"}, "unsafe file name"),
        ({"/etc/evil.xml": b"<x/>"}, "unsafe file name"),
        ({"C:/evil.xml": b"<x/>"}, "unsafe file name"),
        ({"a.xml": b"<x/>", "b.csv": b"a,b"}, "contains 2 files"),
        ({"a.txt": b"1", "b.txt": b"2"}, "contains 2 files"),
        ({"inner.zip": b"PK\x03\x04"}, "nested archives"),
        ({"data.xml.gz": b"x"}, "nested archives"),
        ({"data.xml": gzip.compress(b"<x/>")}, "nested archives"),
        ({"dir/": b""}, "no file"),
    ],
)
def test_refused_zips(files: dict[str, bytes], match: str) -> None:
    with pytest.raises(MessageSyntaxError, match=match):
        open_upload(_zip(files))


def test_nested_gzip_and_corrupt_inputs() -> None:
    with pytest.raises(MessageSyntaxError, match="nested archives"):
        open_upload(gzip.compress(gzip.compress(b"<x/>")))
    with pytest.raises(MessageSyntaxError, match="nested archives"):
        open_upload(gzip.compress(_zip({"a.xml": b"<x/>"})))
    with pytest.raises(MessageSyntaxError, match="corrupt"):
        open_upload(gzip.compress(random.Random(0).randbytes(50_000))[:2000]).stream.read()
    with pytest.raises(MessageSyntaxError, match="not a readable zip"):
        open_upload(b"PK\x03\x04 this is not a zip")


def test_empty_upload() -> None:
    up = open_upload(b"")
    assert up.head == b"" and up.stream.read() == b""
