"""CsvReader: SDMX-CSV 1.0 and 2.0 specimens, detection, labels, actions, errors, batching."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from registry.errors import MessageSyntaxError
from registry.formats.base import DataChunk, ResolvedStructure
from registry.formats.sdmxcsv.reader import CsvReader
from registry.sdmx.refs import ArtefactType, Ref
from tests.formats.handmade_dsds import bis_der, na_main_example, toy


def read(data: bytes, structure: ResolvedStructure, batch_size: int = 5000) -> list[DataChunk]:
    return list(CsvReader().read(io.BytesIO(data), lambda ref: structure, batch_size=batch_size))


def count(chunks: list[DataChunk]) -> int:
    return sum(len(c.observations) for c in chunks)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("BIS/BIS_DER-data_v1.csv", True),
        ("BIS/BIS_DER-data_v2.csv", True),
        ("SDMX-TWG/v30/csv/example-01.csv", True),
        ("UNICEF/CME_MRY0T4_all_2020.csv", False),
        ("ECB/exr-ts.json", False),
        ("ECB/M.USD.EUR.SP00.A.xml", False),
    ],
)
def test_handles(specimens: Path, path: str, expected: bool) -> None:
    assert CsvReader.handles((specimens / path).read_bytes()[:2048]) is expected


def test_handles_variants() -> None:
    assert CsvReader.handles(b"\xef\xbb\xbfDATAFLOW,FREQ\r\n")
    assert CsvReader.handles(b"STRUCTURE[;];STRUCTURE_ID;ACTION;A\n")
    assert CsvReader.handles(b'"STRUCTURE","STRUCTURE_ID","A"\n')
    assert not CsvReader.handles(b"STRUCTURE,FREQ\n")
    assert not CsvReader.handles(b"STRUCTURE_ID,STRUCTURE\n")
    assert not CsvReader.handles(b"DATAFLOWS,X\n")
    assert not CsvReader.handles(b"")


def test_bis_v1(specimens: Path) -> None:
    seen: list[Ref | None] = []
    structure = bis_der(specimens)

    def resolve(ref: Ref | None) -> ResolvedStructure:
        seen.append(ref)
        return structure

    with (specimens / "BIS/BIS_DER-data_v1.csv").open("rb") as f:
        chunks = list(CsvReader().read(f, resolve, batch_size=300))
        assert not f.closed  # the caller's stream stays open
    assert count(chunks) == 1000
    assert [len(c.observations) for c in chunks] == [300, 300, 300, 100]
    assert seen == [Ref(ArtefactType.DATAFLOW, "BIS", "WEBSTATS_DER_DATAFLOW", "1.0")]
    ds = chunks[0].dataset
    assert all(c.dataset is ds for c in chunks)
    assert ds.dimension_at_observation == "AllDimensions"
    assert ds.structure is structure
    first = chunks[0].observations[0]
    assert first.line == 2
    assert chunks[-1].observations[-1].line == 1001
    assert len(first.dims) == 15 and first.dims["TIME_PERIOD"] == "2002"
    assert first.value is None  # empty OBS_VALUE with OBS_STATUS=M
    assert first.attrs == {
        "AVAILABILITY": "K",
        "COLLECTION": "S",
        "OBS_STATUS": "M",
        "OBS_CONF": "F",
    }
    assert first.action is None
    missing = sum(1 for c in chunks for o in c.observations if o.value is None)
    assert missing == 640


def test_bis_v2_reports_ref_as_written(specimens: Path) -> None:
    seen: list[Ref | None] = []

    def resolve(ref: Ref | None) -> ResolvedStructure:
        seen.append(ref)
        return bis_der(specimens)

    chunks = list(CsvReader().read((specimens / "BIS/BIS_DER-data_v2.csv").open("rb"), resolve))
    assert count(chunks) == 20
    # STRUCTURE=dataflow but the id is a DSD's: the reader reports, the resolver decides.
    assert seen == [Ref(ArtefactType.DATAFLOW, "BIS", "BIS_DER", "1.0")]
    assert chunks[0].dataset.action == "Information"  # no ACTION column


def test_spec_example(specimens: Path) -> None:
    chunks = read((specimens / "SDMX-TWG/v30/csv/example-01.csv").read_bytes(), na_main_example())
    obs = chunks[0].observations
    assert len(obs) == 2
    assert obs[0].dims == {"DIM_1": "A", "DIM_2": "B", "DIM_3": "2014-01"}
    assert obs[0].value == "12.4"
    assert obs[0].attrs["ATTR_3"] == "Normal, special and other values"  # quoted comma
    assert obs[0].attrs["UPDATED"] == "2021-01-22T13:15:41Z"  # custom column passed through
    assert obs[0].action == "Information"
    assert chunks[0].dataset.action == "Information"
    assert chunks[0].dataset.structure_ref == Ref(
        ArtefactType.DATAFLOW, "ESTAT", "NA_MAIN", "1.6.0"
    )


def test_bom_crlf_and_quoted_newline() -> None:
    data = (
        "\ufeffSTRUCTURE,STRUCTURE_ID,ACTION,DIM_1,DIM_2,DIM_3,OBS_VALUE,ATTR_1\r\n"
        'dataflow,ESTAT:NA_MAIN(1.6.0),R,A,B,2014-01,1,"two\r\nlines"\r\n'
        "\r\n"
        "dataflow,ESTAT:NA_MAIN(1.6.0),D,A,,,,\r\n"
    ).encode()
    obs = read(data, na_main_example())[0].observations
    assert [o.line for o in obs] == [2, 5]
    assert obs[0].attrs == {"ATTR_1": "two\r\nlines"}
    assert obs[0].action == "Replace"
    assert obs[1].action == "Delete"
    assert obs[1].dims == {"DIM_1": "A"}  # empty dimensions are wildcards, left out
    assert obs[1].value is None


def test_labels_both_and_column_order() -> None:
    data = (
        "STRUCTURE[|];STRUCTURE_ID;ACTION;SERIES_KEY;OBS_KEY;OBS_VALUE: Value;DIM_2: D2;"
        "DIM_1: D1;DIM_3: Time;UNIT: Unit;TITLE: Title\n"
        "dataflow;TEST:DF_TOY(1.0): A toy;I;x;y;-1,5;B: Bee;A: Ay;2014-01: 2014-01;EUR: Euro;"
        "Note: free text\n"
    ).encode()
    structure = toy(3)
    structure.dsd.dimensions[2].id = "DIM_3"
    obs = read(data, structure)[0].observations[0]
    assert obs.dims == {"DIM_1": "A", "DIM_2": "B", "DIM_3": "2014-01"}  # DSD order
    assert list(obs.dims) == ["DIM_1", "DIM_2", "DIM_3"]
    assert obs.value == "-1,5"
    assert obs.attrs == {"UNIT": "EUR", "TITLE": "Note: free text"}  # free text kept whole


def test_labels_name_columns_skipped() -> None:
    data = (
        "STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,ACTION,DIM_1,Dimension 1,DIM_2,Dimension 2,"
        "DIM_3,Dimension 3,OBS_VALUE,Observation value,ATTR_1,Attribute 1\n"
        "dataflow,ESTAT:NA_MAIN(1.6.0),National Accounts,I,A,Value A,B,Value B,2014-01,2014-01,"
        "12.4,,Y,Yes\n"
    ).encode()
    obs = read(data, na_main_example())[0].observations[0]
    assert obs.dims == {"DIM_1": "A", "DIM_2": "B", "DIM_3": "2014-01"}
    assert obs.value == "12.4"
    assert obs.attrs == {"ATTR_1": "Y"}


def test_several_structures_one_dataset_each() -> None:
    data = (
        "STRUCTURE,STRUCTURE_ID,ACTION,DIM_1,DIM_2,DIM_3,OBS_VALUE\n"
        "dataflow,ESTAT:NA_MAIN(1.6.0),I,A,B,2014-01,1\n"
        "datastructure,ESTAT:NA_MAIN(1.6.0),I,A,B,2014-02,2\n"
        "dataprovision,ESTAT:DPA(1.0),I,A,B,2014-03,3\n"
        "dataflow,ESTAT:NA_MAIN(1.6.0),I,A,B,2014-04,4\n"
        "datastructure,ESTAT:DSD_X,I,A,B,2014-05,5\n"
    ).encode()
    chunks = read(data, na_main_example())
    refs = [c.dataset.structure_ref for c in chunks]
    assert [r.type if r else None for r in refs] == [
        ArtefactType.DATAFLOW,
        ArtefactType.DATA_STRUCTURE,
        ArtefactType.PROVISION_AGREEMENT,
        ArtefactType.DATAFLOW,
        ArtefactType.DATA_STRUCTURE,
    ]
    assert chunks[0].dataset is chunks[3].dataset  # same structure, same DataSetInfo
    assert len({id(c.dataset) for c in chunks}) == 4
    assert [c.dataset.index for c in chunks] == [0, 1, 2, 0, 3]
    assert refs[-1] == Ref(ArtefactType.DATA_STRUCTURE, "ESTAT", "DSD_X", "1.0")  # unversioned


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"STRUCTURE,STRUCTURE_ID,DIM_1\ndataflow,ESTAT:NA_MAIN(1.6.0),A,B\n", 2),
        (b"STRUCTURE,STRUCTURE_ID,DIM_1\nflow,ESTAT:NA_MAIN(1.6.0),A\n", 2),
        (b"STRUCTURE,STRUCTURE_ID,DIM_1\ndataflow,ESTAT:NA_MAIN(1.6.0),A\ndataflow,bad ref,A\n", 3),
        (b"REF_AREA,Geographic area\nAFG,Afghanistan\n", 1),
        (b"DATAFLOW,DIM_1\nESTAT:NA_MAIN(1.6.0),\xff\xfe\n", None),
    ],
)
def test_syntax_errors(data: bytes, line: int | None) -> None:
    with pytest.raises(MessageSyntaxError) as err:
        read(data, na_main_example())
    if line is not None:
        assert err.value.line == line


def test_unicef_rejected_with_clear_message(specimens: Path) -> None:
    data = (specimens / "UNICEF/CME_MRY0T4_all_2020.csv").read_bytes()
    with pytest.raises(MessageSyntaxError, match="Not SDMX-CSV"):
        read(data, na_main_example())


def test_header_only_gives_no_dataset() -> None:
    assert read(b"DATAFLOW,DIM_1,OBS_VALUE\r\n", na_main_example()) == []


def test_resolver_errors_propagate() -> None:
    from registry.errors import NotFound

    def resolve(ref: Ref | None) -> ResolvedStructure:
        raise NotFound(f"unknown {ref}")

    data = b"DATAFLOW,DIM_1\nX:Y(1.0),A\n"
    with pytest.raises(NotFound):
        list(CsvReader().read(io.BytesIO(data), resolve))


def test_streaming_memory_is_bounded(specimens: Path) -> None:
    """Chunks come out before the input is consumed (a generator over a large file)."""
    raw = (specimens / "BIS/BIS_DER-data_v1.csv").read_bytes()
    head, _, body = raw.partition(b"\n")
    big = io.BytesIO(head + b"\n" + body * 20)  # 20,000 rows
    it = CsvReader().read(big, lambda ref: bis_der(specimens), batch_size=1000)
    first = next(it)
    assert len(first.observations) == 1000
    assert big.tell() < len(big.getvalue())  # not read to the end yet
    assert 1000 + sum(len(c.observations) for c in it) == 20_000
