"""StructureSpecificWriter21: every output validates against the official schemas + the generated XSD.

The generated structure-specific XSD (``registry.formats.xsdgen``) is the main correctness proof: the
message schema alone accepts any attribute on Series/Obs, the DSD-specific schema does not.  sdmx1 and
pysdmx (the reference clients) must read the output back.
"""

from __future__ import annotations

import io
import tempfile
import tracemalloc
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from registry.formats.base import DataSetInfo, OutObs, OutSeries, ResolvedStructure, WriteOptions
from registry.formats.sdmxml21.ss_writer import StructureSpecificWriter21, escape
from registry.formats.sdmxml21.structure_reader import StructureReader21
from registry.formats.xsdgen import ss_namespace, structure_specific_xsd
from registry.sdmx.model import (
    AttributeRelationship,
    Code,
    Codelist,
    DataAttribute,
    Dataflow,
    DataStructure,
    Dimension,
    Group,
    Measure,
    Representation,
    TextFormat,
)
from registry.sdmx.refs import ArtefactType, Ref
from registry.sdmx.schemas import xml_schema_path

MES = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
DETAILS = ("full", "dataonly", "serieskeysonly", "nodata")


# --- fixtures --------------------------------------------------------------------------------------


def _cl(cid: str, codes: list[str]) -> Codelist:
    return Codelist(agency="IDAC", id=cid, version="1.0", items=[Code(id=c, names={"en": c}) for c in codes])


CODELISTS = {
    c.ref: c
    for c in (
        _cl("CL_FREQ", ["A", "M"]),
        _cl("CL_AREA", ["FR", "DE", "IT"]),
        _cl("CL_SEX", ["F", "M", "_T"]),
        _cl("CL_STATUS", ["A", "E"]),
        _cl("CL_UNIT", ["PS", "EUR"]),
    )
}


def _enum(cid: str) -> Representation:
    return Representation(enumeration=Ref(ArtefactType.CODELIST, "IDAC", cid, "1.0"))


def hand_structure(with_flow: bool = False) -> ResolvedStructure:
    """A small DSD exercising every attachment level: data set, group, series, dimension, obs."""
    dsd = DataStructure(
        agency="IDAC",
        id="DSD_MIG",
        version="1.0",
        dimensions=[
            Dimension("FREQ", local_representation=_enum("CL_FREQ"), position=1),
            Dimension("REF_AREA", local_representation=_enum("CL_AREA"), position=2),
            Dimension("SEX", local_representation=_enum("CL_SEX"), position=3),
            Dimension("TIME_PERIOD", position=4, kind="time"),
        ],
        attributes=[
            DataAttribute("UNIT", local_representation=_enum("CL_UNIT"),
                          relationship=AttributeRelationship("dimensions", ["FREQ", "REF_AREA", "SEX"])),
            DataAttribute("TITLE", relationship=AttributeRelationship("group", group="AREA")),
            DataAttribute("SEX_NOTE", relationship=AttributeRelationship("dimensions", ["SEX"])),
            DataAttribute("OBS_STATUS", local_representation=_enum("CL_STATUS"),
                          relationship=AttributeRelationship("observation")),
            DataAttribute("COMMENT", relationship=AttributeRelationship("dataset")),
        ],
        measures=[Measure("OBS_VALUE", local_representation=Representation(text_format=TextFormat("Double")))],
        groups=[Group("AREA", ["REF_AREA"])],
    )
    flow = Dataflow(agency="IDAC", id="MIG", version="1.0", structure=dsd.ref) if with_flow else None
    return ResolvedStructure(dsd, dataflow=flow)


def hand_series(dao: str, n_years: int = 3) -> Iterator[OutSeries]:
    """Series pivoted for ``dao`` (TIME_PERIOD / AllDimensions: time series; SEX: cross-sections)."""
    for area in ("FR", "DE"):
        if dao == "SEX":
            for year in range(2000, 2000 + n_years):
                yield OutSeries(
                    {"FREQ": "A", "REF_AREA": area, "TIME_PERIOD": str(year)},
                    {"UNIT": "PS", "TITLE": f"Migrants <{area}> & \"co\"", "SEX_NOTE": "note"},
                    [OutObs({"SEX": s}, "12.5", {"OBS_STATUS": "A"}) for s in ("F", "M")],
                )
        else:
            for sex in ("F", "_T"):
                yield OutSeries(
                    {"FREQ": "A", "REF_AREA": area, "SEX": sex},
                    {"UNIT": "PS", "TITLE": f"Migrants <{area}> & \"co\" é", "SEX_NOTE": "n"},
                    [
                        OutObs({"TIME_PERIOD": str(y)}, None if y == 2001 else "1.5",
                               {"OBS_STATUS": "E"} if y == 2002 else {})
                        for y in range(2000, 2000 + n_years)
                    ],
                )


@cache
def ecb() -> tuple[ResolvedStructure, dict[Ref, Codelist]]:
    path = Path(__file__).resolve().parents[3].parent / "shared/specimens/ECB/ECB_EXR1-structure-full.xml"
    msg = StructureReader21().read(path.read_bytes())
    dsd = msg.of_type(ArtefactType.DATA_STRUCTURE)[0]
    flow = msg.of_type(ArtefactType.DATAFLOW)[0]
    cons = msg.of_type(ArtefactType.CONTENT_CONSTRAINT)
    cls = {c.ref: c for c in msg.of_type(ArtefactType.CODELIST)}
    return ResolvedStructure(dsd, dataflow=flow, constraints=cons), cls  # type: ignore[arg-type]


def ecb_series(n_series: int = 2, n_obs: int = 3, dao: str = "TIME_PERIOD") -> Iterator[OutSeries]:
    for cur in ("USD", "JPY", "GBP", "CHF")[:n_series]:
        key = {"FREQ": "M", "CURRENCY": cur, "CURRENCY_DENOM": "EUR", "EXR_TYPE": "SP00", "EXR_SUFFIX": "A"}
        yield OutSeries(
            key,
            {"TITLE": "Euro & <dollar> \"é\"", "UNIT": cur, "DECIMALS": "4", "COLLECTION": "A"},
            [
                OutObs({"TIME_PERIOD": f"{2000 + m // 12}-{m % 12 + 1:02d}"}, f"1.{m + 1}", {"OBS_STATUS": "A"})
                for m in range(n_obs)
            ],
        )


@cache
def validator(structure_key: str, version: str, dao: str) -> etree.XMLSchema:
    """The official message schema plus the generated DSD-specific schema, compiled together."""
    structure, cls = ecb() if structure_key == "ecb" else (hand_structure(structure_key == "hand-flow"), CODELISTS)
    folder = Path(tempfile.mkdtemp(prefix="idac-xsd-"))
    (folder / "dsd.xsd").write_bytes(
        structure_specific_xsd(structure, version=version, dimension_at_observation=dao, codelists=cls)
    )
    mes = MES.replace("v2_1", "v3_0") if version == "3.0" else MES
    (folder / "all.xsd").write_text(
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:idac:test">'
        f'<xs:import namespace="{mes}" schemaLocation="{xml_schema_path(version).as_uri()}"/>'
        f'<xs:import namespace="{ss_namespace(structure, dao)}" schemaLocation="{(folder / "dsd.xsd").as_uri()}"/>'
        f"</xs:schema>"
    )
    return etree.XMLSchema(etree.parse(str(folder / "all.xsd")))


def write(structure: ResolvedStructure, series, dao: str = "TIME_PERIOD", detail: str = "full", **ds) -> bytes:
    info = DataSetInfo(None, **ds)
    opts = WriteOptions(dimension_at_observation=dao, detail=detail, header={"id": "T1", "sender": "IDAC"})
    return b"".join(StructureSpecificWriter21().write(structure, info, series, opts))


def assert_valid(schema: etree.XMLSchema, data: bytes) -> etree._Element:
    doc = etree.fromstring(data)
    assert schema.validate(doc), schema.error_log.last_error
    return doc


# --- schema validity -------------------------------------------------------------------------------


@pytest.mark.parametrize("detail", DETAILS)
@pytest.mark.parametrize("dao", ["TIME_PERIOD", "SEX", "AllDimensions"])
@pytest.mark.parametrize("key", ["hand", "hand-flow"])
def test_hand_dsd_every_layout_and_detail_validates(key: str, dao: str, detail: str) -> None:
    structure = hand_structure(key == "hand-flow")
    data = write(structure, hand_series(dao), dao, detail, attrs={"COMMENT": "x & y"})
    doc = assert_valid(validator(key, "2.1", dao), data)
    series = doc.findall(".//Series")
    obs = doc.findall(".//Obs")
    if dao == "AllDimensions":
        assert not series and len(obs) == 12
    else:
        assert len(series) == (6 if dao == "SEX" else 4)
        assert len(obs) == (12 if detail in ("full", "dataonly") else 0)
    if detail in ("dataonly", "serieskeysonly"):
        assert b"OBS_STATUS" not in data and b"UNIT=" not in data and b"COMMENT" not in data
    if detail == "nodata" and dao == "TIME_PERIOD":
        assert b'UNIT="PS"' in data and b"COMMENT" in data


@pytest.mark.parametrize("detail", DETAILS)
@pytest.mark.parametrize("dao", ["TIME_PERIOD", "CURRENCY", "AllDimensions"])
def test_ecb_dsd_validates_with_constrained_enumerations(dao: str, detail: str) -> None:
    structure, _ = ecb()
    if dao == "CURRENCY":
        series = [
            OutSeries({"FREQ": "M", "CURRENCY_DENOM": "EUR", "EXR_TYPE": "SP00", "EXR_SUFFIX": "A",
                       "TIME_PERIOD": "2000-01"}, {"COLLECTION": "A"},
                      [OutObs({"CURRENCY": c}, "1.1", {"OBS_STATUS": "A", "UNIT": c}) for c in ("USD", "JPY")])
        ]
    else:
        series = list(ecb_series())
    data = write(structure, series, dao, detail)
    assert_valid(validator("ecb", "2.1", dao), data)


def test_invalid_code_is_caught_by_generated_schema() -> None:
    structure, _ = ecb()
    bad = [OutSeries({"FREQ": "M", "CURRENCY": "XXX", "CURRENCY_DENOM": "EUR", "EXR_TYPE": "SP00",
                      "EXR_SUFFIX": "A"}, {}, [OutObs({"TIME_PERIOD": "2000-01"}, "1")])]
    schema = validator("ecb", "2.1", "TIME_PERIOD")
    assert not schema.validate(etree.fromstring(write(structure, bad)))


def test_header_and_dataset_shape() -> None:
    structure = hand_structure(with_flow=True)
    doc = etree.fromstring(write(structure, hand_series("TIME_PERIOD"), action="Delete"))
    ns = {"mes": MES, "com": MES.replace("message", "common")}
    st = doc.find("mes:Header/mes:Structure", ns)
    urn = "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=IDAC:MIG(1.0)"
    assert st.get("namespace") == f"{urn}:ObsLevelDim:TIME_PERIOD"
    assert st.get("dimensionAtObservation") == "TIME_PERIOD"
    assert st.find("com:StructureUsage/Ref", ns).get("id") == "MIG"
    assert doc.findtext("mes:Header/mes:ID", namespaces=ns) == "T1"
    ds = doc.find("mes:DataSet", ns)
    ss = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific}"
    assert ds.get(f"{ss}structureRef") == st.get("structureID")
    assert ds.get(f"{ss}action") == "Delete"
    assert ds.get(f"{ss}dataScope") == "Dataflow"
    xsi_type = ds.get("{http://www.w3.org/2001/XMLSchema-instance}type")
    prefix, local = xsi_type.split(":")
    assert local == "DataSetType" and ds.nsmap[prefix] == st.get("namespace")


def test_dsd_only_namespace_names_the_dsd() -> None:
    doc = etree.fromstring(write(hand_structure(), hand_series("TIME_PERIOD")))
    st = doc.find(f"{{{MES}}}Header/{{{MES}}}Structure")
    assert st.get("namespace") == (
        "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=IDAC:DSD_MIG(1.0):ObsLevelDim:TIME_PERIOD"
    )


def test_missing_values_and_attribute_placement() -> None:
    doc = etree.fromstring(write(hand_structure(), hand_series("TIME_PERIOD")))
    s = doc.find(".//Series")
    assert s.get("UNIT") == "PS" and s.get("TITLE") and s.get("SEX_NOTE") == "n"
    obs = s.findall("Obs")
    assert obs[1].get("OBS_VALUE") is None  # None -> absent
    assert obs[2].get("OBS_STATUS") == "E"
    # With SEX at the observation, SEX_NOTE (related to SEX) moves to the observations.
    doc = etree.fromstring(write(hand_structure(), hand_series("SEX"), "SEX"))
    s = doc.find(".//Series")
    assert s.get("SEX_NOTE") is None and s.get("TIME_PERIOD") == "2000"
    assert all(o.get("SEX_NOTE") == "note" for o in s.findall("Obs"))


def test_escaping_and_non_ascii() -> None:
    nasty = 'a & b < c > d "q" \'s\' é € 中 \t\n\r end \x01'
    series = [OutSeries({"FREQ": "A", "REF_AREA": "FR", "SEX": "F"}, {"TITLE": nasty},
                        [OutObs({"TIME_PERIOD": "2000"}, "NaN")])]
    data = write(hand_structure(), series)
    doc = assert_valid(validator("hand", "2.1", "TIME_PERIOD"), data)
    assert doc.find(".//Series").get("TITLE") == nasty.replace("\x01", "\ufffd")
    assert doc.find(".//Obs").get("OBS_VALUE") == "NaN"
    assert escape("plain") == "plain"


def test_output_is_streamed_in_pieces() -> None:
    structure, _ = ecb()
    opts = WriteOptions()
    gen = StructureSpecificWriter21().write(structure, DataSetInfo(None), ecb_series(4, 5000), opts)
    head = next(gen)
    assert head.startswith(b"<?xml") and b"<Obs" not in head
    pieces = [head, *gen]
    assert len(pieces) > 4
    assert_valid(validator("ecb", "2.1", "TIME_PERIOD"), b"".join(pieces))


def test_memory_stays_flat_for_300k_observations() -> None:
    structure, _ = ecb()

    def many() -> Iterator[OutSeries]:
        for i in range(300):
            key = {"FREQ": "M", "CURRENCY": "USD", "CURRENCY_DENOM": "EUR", "EXR_TYPE": "SP00", "EXR_SUFFIX": "A"}
            yield OutSeries(key, {"TITLE": f"s{i}"},
                            (OutObs({"TIME_PERIOD": f"{1000 + j // 12}-{j % 12 + 1:02d}"}, f"{i}.{j}",
                                    {"OBS_STATUS": "A"}) for j in range(1000)))

    tracemalloc.start()
    size = 0
    n_obs = 0
    for piece in StructureSpecificWriter21().write(structure, DataSetInfo(None), many(), WriteOptions()):
        size += len(piece)
        n_obs += piece.count(b"<Obs ")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert n_obs == 300_000
    assert size > 15_000_000
    assert peak < 8_000_000, f"peak {peak} bytes for a {size}-byte message"


# --- reference clients -----------------------------------------------------------------------------


@pytest.mark.parametrize("dao", ["TIME_PERIOD", "AllDimensions"])
def test_sdmx1_reads_output(dao: str) -> None:
    sdmx = pytest.importorskip("sdmx")
    import sdmx.reader.xml.v30  # noqa: F401  (registers the 3.0 reader; required before 2.1 reads)

    structure, _ = ecb()
    path = Path(__file__).resolve().parents[3].parent / "shared/specimens/ECB/ECB_EXR1-structure-full.xml"
    sdsd = sdmx.read_sdmx(path).structure["ECB_EXR1"]
    data = write(structure, ecb_series(2, 3), dao)
    msg = sdmx.read_sdmx(io.BytesIO(data), structure=sdsd)
    ds = msg.data[0]
    assert len(ds.obs) == 6
    first = ds.obs[0]
    assert first.value in ("1.1", 1.1)
    assert first.attached_attribute["OBS_STATUS"].value == "A"
    if dao == "TIME_PERIOD":
        assert len(ds.series) == 2
        s = next(iter(ds.series))
        assert s.attrib["TITLE"].value == 'Euro & <dollar> "é"'


@pytest.mark.parametrize("dao", ["TIME_PERIOD", "AllDimensions"])
def test_pysdmx_reads_output(dao: str) -> None:
    pytest.importorskip("pyarrow", reason="pysdmx data reading needs the pysdmx[data] extra")
    from pysdmx.io import get_datasets

    structure, _ = ecb()
    path = Path(__file__).resolve().parents[3].parent / "shared/specimens/ECB/ECB_EXR1-structure-full.xml"
    data = write(structure, ecb_series(2, 3), dao)
    (ds,) = get_datasets(data.decode(), path.read_text(encoding="utf-8"))
    assert ds.short_urn == "Dataflow=ECB:EXR(1.0)"
    df = ds.data
    assert len(df) == 6
    row = df.iloc[0].to_dict()
    assert row["CURRENCY"] == "USD" and row["TITLE"] == 'Euro & <dollar> "é"' and row["OBS_STATUS"] == "A"
