"""structure_specific_xsd: a valid XML Schema of the SDMX 2.1 Section 3B / 3.0 shape.

Instance validity of writer output against these schemas is tested with the writers; here: the schema
compiles (it imports the official schemas by absolute path, offline), its shape follows the rules the
SDMX TCK checks, and enumerations honour codelists and Allowed constraints.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from registry.formats.base import ResolvedStructure
from registry.formats.sdmxml21.structure_reader import StructureReader21
from registry.formats.xsdgen import allowed_codes, layout, structure_specific_xsd
from registry.sdmx.model import (
    AttributeRelationship,
    Code,
    Codelist,
    ComponentValues,
    ContentConstraint,
    CubeRegion,
    DataAttribute,
    DataStructure,
    Dimension,
    Group,
    Measure,
    Representation,
    TextFormat,
)
from registry.sdmx.refs import ArtefactType, Ref

SPECIMENS = Path(__file__).resolve().parents[2].parent / "shared/specimens"
XS = "{http://www.w3.org/2001/XMLSchema}"


@cache
def ecb() -> tuple[ResolvedStructure, dict[Ref, Codelist]]:
    msg = StructureReader21().read((SPECIMENS / "ECB/ECB_EXR1-structure-full.xml").read_bytes())
    structure = ResolvedStructure(
        msg.of_type(ArtefactType.DATA_STRUCTURE)[0],  # type: ignore[arg-type]
        dataflow=msg.of_type(ArtefactType.DATAFLOW)[0],  # type: ignore[arg-type]
        constraints=msg.of_type(ArtefactType.CONTENT_CONSTRAINT),  # type: ignore[arg-type]
    )
    return structure, {c.ref: c for c in msg.of_type(ArtefactType.CODELIST)}  # type: ignore[misc]


def compile_xsd(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    etree.XMLSchema(root)  # raises if not a valid schema
    return root


def complex_type(root: etree._Element, name: str) -> etree._Element:
    el = root.find(f"{XS}complexType[@name='{name}']")
    assert el is not None, name
    return el


def restriction_base(root: etree._Element, name: str) -> str:
    return complex_type(root, name).find(f"{XS}complexContent/{XS}restriction").get("base")


def attributes(root: etree._Element, name: str) -> dict[str, str]:
    r = complex_type(root, name).find(f"{XS}complexContent/{XS}restriction")
    return {a.get("name"): a.get("use") for a in r.findall(f"{XS}attribute")}


def enumeration(root: etree._Element, type_name: str) -> list[str]:
    st = root.find(f"{XS}simpleType[@name='{type_name}']")
    assert st is not None, type_name
    return [e.get("value") for e in st.iter(f"{XS}enumeration")]


@pytest.mark.parametrize("version", ["2.1", "3.0"])
@pytest.mark.parametrize("dao", ["TIME_PERIOD", "CURRENCY", "AllDimensions"])
def test_ecb_schema_compiles(version: str, dao: str) -> None:
    structure, cls = ecb()
    root = compile_xsd(structure_specific_xsd(structure, version=version, dimension_at_observation=dao,
                                              codelists=cls))
    assert root.get("targetNamespace") == (
        f"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ECB:EXR(1.0):ObsLevelDim:{dao}"
    )
    imports = [i.get("schemaLocation") for i in root.findall(f"{XS}import")]
    assert any(loc.startswith("file://") and loc.endswith("SDMXDataStructureSpecific.xsd") for loc in imports)
    names = {c.get("name") for c in root.findall(f"{XS}complexType")}
    assert {"DataSetType", "ObsType"} <= names
    assert ("SeriesType" in names) == (dao != "AllDimensions")


def test_time_series_shape_21() -> None:
    structure, cls = ecb()
    root = compile_xsd(structure_specific_xsd(structure, codelists=cls))
    assert restriction_base(root, "DataSetType") == "dsd:TimeSeriesDataSetType"
    assert restriction_base(root, "SeriesType") == "dsd:TimeSeriesType"
    assert restriction_base(root, "ObsType") == "dsd:TimeSeriesObsType"
    series = attributes(root, "SeriesType")
    assert all(series[d] == "required" for d in ("FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX"))
    assert series["TITLE"] == "optional" and "OBS_STATUS" not in series
    obs = attributes(root, "ObsType")
    assert obs["TIME_PERIOD"] == "required" and obs["OBS_VALUE"] == "optional" and obs["OBS_STATUS"] == "optional"
    # Group: abstract GroupType, GroupType.ID enumeration, one concrete type per DSD group.
    assert complex_type(root, "GroupType").get("abstract") == "true"
    assert enumeration(root, "GroupType.ID") == ["Group"]
    assert restriction_base(root, "Group") == "GroupType"
    assert attributes(root, "Group")["CURRENCY"] == "required"


def test_cross_sectional_shape_21() -> None:
    structure, cls = ecb()
    root = compile_xsd(structure_specific_xsd(structure, dimension_at_observation="CURRENCY", codelists=cls))
    assert restriction_base(root, "DataSetType") == "dsd:DataSetType"
    assert restriction_base(root, "SeriesType") == "dsd:SeriesType"
    series = attributes(root, "SeriesType")
    assert series["TIME_PERIOD"] == "required" and "CURRENCY" not in series
    assert "UNIT" not in series  # related to CURRENCY: follows it to the observation
    obs = attributes(root, "ObsType")
    assert obs["CURRENCY"] == "required" and obs["TIME_PERIOD"] == "prohibited" and obs["UNIT"] == "optional"


def test_flat_shape() -> None:
    structure, cls = ecb()
    root = compile_xsd(structure_specific_xsd(structure, dimension_at_observation="AllDimensions", codelists=cls))
    obs = attributes(root, "ObsType")
    assert all(obs[d] == "required" for d in ("FREQ", "CURRENCY", "TIME_PERIOD"))
    assert obs["TITLE"] == "optional"


def test_enumerations_are_restricted_by_allowed_constraint() -> None:
    structure, cls = ecb()
    root = compile_xsd(structure_specific_xsd(structure, codelists=cls))
    currency_cl = cls[Ref(ArtefactType.CODELIST, "ECB", "CL_CURRENCY", "1.0")]
    codes = enumeration(root, "CURRENCY.Type")
    assert "USD" in codes and len(codes) < len(currency_cl.items)
    (cons,) = structure.constraints
    region_values = set(cons.cube_regions[0].components["CURRENCY"].values)
    assert set(codes) == region_values & {c.id for c in currency_cl.items}
    # Unconstrained components list the whole codelist.
    status = cls[Ref(ArtefactType.CODELIST, "ECB", "CL_OBS_STATUS", "1.0")]
    assert enumeration(root, "OBS_STATUS.Type") == [c.id for c in status.items]
    # Without the constraint: the whole codelist.
    free = ResolvedStructure(structure.dsd, dataflow=structure.dataflow)
    root = compile_xsd(structure_specific_xsd(free, codelists=cls))
    assert len(enumeration(root, "CURRENCY.Type")) == len(currency_cl.items)


def test_missing_or_stub_codelist_falls_back_to_string() -> None:
    structure, cls = ecb()
    stubbed = {ref: (Codelist(agency=c.agency, id=c.id, version=c.version) if c.id == "CL_FREQ" else c)
               for ref, c in cls.items() if c.id != "CL_CURRENCY"}
    root = compile_xsd(structure_specific_xsd(structure, codelists=stubbed))
    series = complex_type(root, "SeriesType").find(f"{XS}complexContent/{XS}restriction")
    types = {a.get("name"): a.get("type") for a in series.findall(f"{XS}attribute")}
    assert types["FREQ"] == "xs:string" and types["CURRENCY"] == "xs:string"
    assert types["EXR_TYPE"] == "EXR_TYPE.Type"


def test_text_format_facets() -> None:
    structure, cls = ecb()
    root = compile_xsd(structure_specific_xsd(structure, codelists=cls))
    st = root.find(f"{XS}simpleType[@name='TITLE.Type']")
    assert st.find(f"{XS}restriction").get("base") == "xs:string"
    assert st.find(f".//{XS}maxLength").get("value") == "200"


def _toy() -> tuple[DataStructure, Codelist]:
    cl = Codelist(agency="T", id="CL_AREA", version="1.0", items=[
        Code(id="EU"), Code(id="FR", parent="EU"), Code(id="DE", parent="EU"), Code(id="US"), Code(id="CA")])
    rep = Representation(enumeration=cl.ref)
    dsd = DataStructure(
        agency="T", id="TOY", version="1.0",
        dimensions=[Dimension("AREA", local_representation=rep, position=1),
                    Dimension("TIME_PERIOD", kind="time", position=2)],
        attributes=[
            DataAttribute("CONF", relationship=AttributeRelationship("dataset")),
            DataAttribute("NOTE", relationship=AttributeRelationship("group", group="G")),
            DataAttribute("COUNT", relationship=AttributeRelationship("observation"),
                          local_representation=Representation(text_format=TextFormat(
                              "Integer", min_value="0", max_value="100"))),
        ],
        measures=[Measure("OBS_VALUE")],
        groups=[Group("G", ["AREA"])],
    )
    return dsd, cl


def test_allowed_codes_cascade_and_exclusion() -> None:
    _, cl = _toy()
    include = ContentConstraint(agency="T", id="C1", cube_regions=[
        CubeRegion(components={"AREA": ComponentValues(values=["EU", "US"], cascade=True)})])
    assert allowed_codes("AREA", cl, [include]) == ["EU", "FR", "DE", "US"]
    exclude = ContentConstraint(agency="T", id="C2", cube_regions=[
        CubeRegion(include=False, components={"AREA": ComponentValues(values=["DE"])})])
    assert allowed_codes("AREA", cl, [include, exclude]) == ["EU", "FR", "US"]
    actual = ContentConstraint(agency="T", id="C3", role="Actual", cube_regions=[
        CubeRegion(components={"AREA": ComponentValues(values=["CA"])})])
    assert allowed_codes("AREA", cl, [actual]) == ["EU", "FR", "DE", "US", "CA"]
    other = ContentConstraint(agency="T", id="C4", cube_regions=[
        CubeRegion(components={"OTHER": ComponentValues(values=["X"])})])
    assert allowed_codes("AREA", cl, [other]) == ["EU", "FR", "DE", "US", "CA"]


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_toy_dsd_levels_and_numeric_facets(version: str) -> None:
    dsd, cl = _toy()
    root = compile_xsd(structure_specific_xsd(ResolvedStructure(dsd), version=version, codelists={cl.ref: cl}))
    assert root.get("targetNamespace").startswith("urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=T:TOY")
    assert attributes(root, "DataSetType") == {"CONF": "optional"}
    assert "NOTE" in attributes(root, "G") and "NOTE" in attributes(root, "SeriesType")
    st = root.find(f"{XS}simpleType[@name='COUNT.Type']")
    assert st.find(f".//{XS}minInclusive").get("value") == "0"
    lay = layout(dsd, "TIME_PERIOD")
    assert lay.dataset_attrs == ("CONF",) and lay.obs_attrs == ("COUNT",) and lay.groups["G"][1] == ("NOTE",)


def test_unknown_dimension_is_rejected() -> None:
    dsd, cl = _toy()
    with pytest.raises(ValueError, match="not a dimension"):
        structure_specific_xsd(ResolvedStructure(dsd), dimension_at_observation="NOPE")
