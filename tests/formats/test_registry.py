"""FormatRegistry: media-type lookups, content detection on every specimen, immutability, loading."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from registry.errors import MessageSyntaxError, NotAcceptable, UnsupportedMediaType
from registry.formats import registry as registry_module
from registry.formats.registry import FormatRegistry, default_registry
from registry.formats.sdmxml21.generic_reader import GenericDataReader21
from registry.formats.sdmxml21.ss_reader import StructureSpecificReader21
from registry.formats.sdmxml30.data_reader import DataReader30
from registry.sdmx.mediatypes import MediaType


@pytest.fixture(scope="module")
def formats() -> FormatRegistry:
    return default_registry()


DETECTED = {
    "ECB/M.USD.EUR.SP00.A.xml": "GenericDataReader21",
    "SDMX-TWG/v21/sg-ts.xml": "GenericDataReader21",
    "BIS/BIS_DER-gen_all.xml": "GenericDataReader21",
    "ESTAT/footer.xml": "GenericDataReader21",
    "SDMX-TWG/v21/sg-xs-ss.xml": "StructureSpecificReader21",
    "ISTAT/22_289.xml": "StructureSpecificReader21",
    "ESTAT/NRG_BAL_S-data.xml": "StructureSpecificReader21",
    "BIS/BIS_DER-str_ser.xml": "StructureSpecificReader21",
    "UNICEF/CME-serieskeys.xml": "StructureSpecificReader21",
    "UNICEF/CME-world-serieskeys.xml": "StructureSpecificReader21",
    "EDGE/DS1-invalid-constraint.xml": "StructureSpecificReader21",
    "SDMX-TWG/v30/ECB_EXR0.xml": "DataReader30",
    "ECB/exr-ts.json": "JsonDataReader",
    "ECB/exr-action-delete.json": "JsonDataReader",
    "BIS/BIS_DER-data_v1.csv": "CsvReader",
    "BIS/BIS_DER-data_v2.csv": "CsvReader",
    "SDMX-TWG/v30/csv/example-01.csv": "CsvReader",
}


@pytest.mark.parametrize(("path", "reader"), sorted(DETECTED.items()))
def test_detect_specimens(formats: FormatRegistry, specimens: Path, path: str, reader: str) -> None:
    if reader not in {c.__name__ for c in formats.readers}:
        pytest.skip(f"{reader} not available")
    with open(specimens / path, "rb") as f:
        head = f.read(4096)
    assert formats.detect(head).__name__ == reader


@pytest.mark.parametrize(
    ("path", "seen"),
    [
        ("ECB/ECB_EXR1-structure-full.xml", "SDMX-ML 2.1 Structure message"),
        ("SDMX-TWG/v30/ECB_EXR1.xml", "SDMX-ML 3.0 Structure message"),
        ("UNICEF/CME_MRY0T4_all_2020.csv", "content starting with 'REF_AREA,Geographic area"),
    ],
)
def test_detect_refuses_what_is_not_data(
    formats: FormatRegistry, specimens: Path, path: str, seen: str
) -> None:
    head = (specimens / path).read_bytes()[:4096]
    with pytest.raises(UnsupportedMediaType, match="not a data format this service reads") as err:
        formats.detect(head)
    assert seen in err.value.message and err.value.details["seen"].startswith(seen[:10])


def test_detect_error_message(formats: FormatRegistry, specimens: Path) -> None:
    with pytest.raises(
        MessageSyntaxError,
        match="the file is an SDMX error message, code 150: Unable to parse value",
    ):
        formats.detect((specimens / "EDGE/error-150.xml").read_bytes()[:4096])


@pytest.mark.parametrize(
    "head",
    [b"", b"\x00\x01binary", b"<html><body>hi</body></html>", b"<?xml version='1.0'?><!-- c -->"],
)
def test_detect_garbage(formats: FormatRegistry, head: bytes) -> None:
    with pytest.raises(UnsupportedMediaType):
        formats.detect(head)


def test_media_type_lookups(formats: FormatRegistry) -> None:
    assert formats.reader_for(MediaType.SS_DATA_21) is StructureSpecificReader21
    assert (
        formats.reader_for("application/vnd.sdmx.structurespecifictimeseriesdata+xml; version=2.1")
        is StructureSpecificReader21
    )
    assert (
        formats.reader_for("Application/VND.sdmx.genericdata+xml;version=2.1")
        is GenericDataReader21
    )
    assert (
        formats.reader_for("application/vnd.sdmx.data+xml") is DataReader30
    )  # unambiguous without version
    with pytest.raises(UnsupportedMediaType, match="supported:"):
        formats.reader_for("application/xml")
    with pytest.raises(UnsupportedMediaType):
        formats.reader_for("application/vnd.sdmx.genericdata+xml;version=9.9")
    assert formats.writer_for(MediaType.DATA_ML_30).__name__ == "DataWriter30"
    with pytest.raises(NotAcceptable):
        formats.writer_for("image/png")
    assert str(MediaType.GENERIC_DATA_21) in formats.reader_media_types
    assert str(MediaType.CSV) in formats.writer_media_types


def test_default_registry_has_every_contract_codec(formats: FormatRegistry) -> None:
    names = {c.__name__ for c in (*formats.readers, *formats.writers)}
    expected = {
        cls for _, cls in (*registry_module.READER_CLASSES, *registry_module.WRITER_CLASSES)
    }
    assert formats.missing == ()
    assert names == expected
    assert [c.__name__ for c in formats.readers][:3] == [
        "StructureSpecificReader21",
        "GenericDataReader21",
        "DataReader30",
    ]


def test_registry_is_frozen(formats: FormatRegistry) -> None:
    with pytest.raises(AttributeError):
        formats._readers = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        formats._reader_by_type["x"] = StructureSpecificReader21  # type: ignore[index]
    assert isinstance(formats.readers, tuple)


def test_conflicting_registrations_and_non_codecs() -> None:
    class Other(StructureSpecificReader21):
        pass

    with pytest.raises(ValueError, match="both register"):
        FormatRegistry([StructureSpecificReader21, Other])
    with pytest.raises(TypeError):
        FormatRegistry([object])  # type: ignore[list-item]


def test_loading_skips_missing_modules_but_not_broken_ones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(
        registry_module,
        "READER_CLASSES",
        (
            ("registry.formats.sdmxml21.ss_reader", "StructureSpecificReader21"),
            ("registry.formats.not_written_yet", "FutureReader"),
        ),
    )
    monkeypatch.setattr(registry_module, "WRITER_CLASSES", ())
    reg = default_registry()
    assert reg.readers == (StructureSpecificReader21,)
    assert reg.missing == ("registry.formats.not_written_yet",)

    broken = types.ModuleType("registry.formats._broken_codec")
    monkeypatch.setitem(sys.modules, "registry.formats._broken_codec", broken)
    monkeypatch.setattr(
        registry_module, "READER_CLASSES", (("registry.formats._broken_codec", "Reader"),)
    )
    with pytest.raises(ImportError, match="does not define Reader"):
        default_registry()

    # an import error inside an existing module (here: a missing dependency) propagates
    monkeypatch.delitem(sys.modules, "registry.formats._broken_codec")
    (tmp_path / "idac_broken_codec.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry_module, "READER_CLASSES", (("idac_broken_codec", "Reader"),))
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
        default_registry()
