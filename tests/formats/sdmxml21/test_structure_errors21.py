"""StructureReader21 on bad input: the right error, with a location."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registry.errors import MessageSyntaxError, StructureError
from registry.formats.sdmxml21.structure_reader import StructureReader21
from tests.formats.sdmxml21.sdmxml21_structure_cases import KITCHEN_SINK

ECB_FULL = "ECB/ECB_EXR1-structure-full.xml"


def read(data: bytes) -> None:
    StructureReader21().read(data)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("EDGE/error-150.xml", "Error message"),
        ("ECB/M.USD.EUR.SP00.A.xml", "GenericData (data) message"),
        ("SDMX-TWG/v21/sg-ts.xml", "GenericTimeSeriesData (data) message"),
        ("ISTAT/22_289.xml", "StructureSpecificData (data) message"),
        (
            "UNICEF/CME-world-serieskeys.xml",
            "StructureSpecificData (data) message",
        ),  # starts with a BOM
        ("SDMX-TWG/v30/ECB_EXR1.xml", "SDMX-ML 3.x structure"),
    ],
)
def test_other_messages_are_refused(specimens: Path, path: str, message: str) -> None:
    data = (specimens / path).read_bytes()
    assert not StructureReader21.handles(data[:2048])
    with pytest.raises(MessageSyntaxError, match=re.escape(message)):
        read(data)


def test_error_message_carries_its_code(specimens: Path) -> None:
    with pytest.raises(MessageSyntaxError, match="code 150"):
        read((specimens / "EDGE/error-150.xml").read_bytes())


def test_truncated_xml(specimens: Path) -> None:
    data = (specimens / ECB_FULL).read_bytes()[:20_000]
    with pytest.raises(MessageSyntaxError) as info:
        read(data)
    assert info.value.line is not None
    assert info.value.line > 1


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<lolz>&lol2;</lolz>",
        b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>',
        KITCHEN_SINK.replace(b"?>", b'?><!DOCTYPE mes:Structure [<!ENTITY e "x">]>', 1),
    ],
)
def test_doctype_and_entities_are_refused(data: bytes) -> None:
    with pytest.raises(MessageSyntaxError, match="DOCTYPE"):
        read(data)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not xml",
        b"<root/>",
        b'{"data": {}}',
        b'<x xmlns="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"/>',
    ],
)
def test_non_sdmx_input(data: bytes) -> None:
    assert not StructureReader21.handles(data)
    with pytest.raises(MessageSyntaxError):
        read(data)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # a Ref without agencyID
        (
            b'<str:Source><Ref agencyID="IDAC" id="MIG"',
            b'<str:Source><Ref id="MIG"',
            "agencyID and id",
        ),
        # a malformed URN
        (
            b"urn:sdmx:org.sdmx.infomodel.codelist.Codelist=IDAC:CL_SEX(1.0)",
            b"urn:sdmx:nonsense",
            "Malformed URN",
        ),
        # a concept reference that names no scheme
        (
            b'<Ref agencyID="IDAC" maintainableParentID="CS_MIG" id="SEX"/>',
            b'<Ref agencyID="IDAC" id="SEX"/>',
            "maintainableParentID",
        ),
        # a reference element with neither Ref nor URN
        (b"<str:ConceptRole><Ref", b"<str:ConceptRole><Wrong", "neither a <Ref> nor a <URN>"),
        # an enumeration of an unknown class
        (
            b'<Ref agencyID="IDAC" id="CL_AREA"/></str:Enumeration>',
            b'<Ref agencyID="IDAC" id="CL_AREA" class="Banana"/></str:Enumeration>',
            "unsupported class",
        ),
        # a bad boolean
        (
            b'id="CL_AREA" agencyID="IDAC" version="1.0" isFinal="true"',
            b'id="CL_AREA" agencyID="IDAC" version="1.0" isFinal="yes"',
            "not a boolean",
        ),
        # an alias that names no IncludedCodelist
        (
            b"<str:CodelistAliasRef>AREA<",
            b"<str:CodelistAliasRef>NOPE<",
            "names no IncludedCodelist",
        ),
        # an item without id
        (b'<str:Code id="F">', b"<str:Code>", "has no id"),
    ],
)
def test_malformed_references_raise_structure_error_with_line(
    old: bytes, new: bytes, message: str
) -> None:
    data = KITCHEN_SINK.replace(old, new, 1)
    assert data != KITCHEN_SINK
    with pytest.raises(StructureError, match=message) as info:
        read(data)
    assert info.value.details.get("line")
    assert "(line " in str(info.value)


def test_structure_location_submission_is_refused() -> None:
    data = (
        b"<mes:RegistryInterface "
        b'xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
        b'xmlns:reg="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/registry"><mes:SubmitStructureRequest>'
        b"<reg:StructureLocation>http://x</reg:StructureLocation></mes:SubmitStructureRequest>"
        b"</mes:RegistryInterface>"
    )
    with pytest.raises(MessageSyntaxError, match="StructureLocation"):
        read(data)
