"""Test-only DSDs for the SDMX-CSV / SDMX-JSON codec tests.

The SDMX-ML structure readers are written in parallel; until they can be relied on, these helpers
pull just what a data codec needs (component ids, order, attachment, enumerations) out of an SDMX-ML
2.1 structure specimen with lxml, and build a few synthetic DSDs by hand.  Not a structure reader.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from registry.formats.base import ResolvedStructure
from registry.sdmx.model import (
    AttributeRelationship,
    DataAttribute,
    Dataflow,
    DataStructure,
    Dimension,
    Measure,
    Representation,
)
from registry.sdmx.refs import ArtefactType, Ref

STR = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
_NS = {"str": STR}


def _enum(comp: etree._Element) -> Representation | None:
    ref = comp.find("str:LocalRepresentation/str:Enumeration/Ref", _NS)
    if ref is None:
        return None
    return Representation(
        enumeration=Ref(ArtefactType.CODELIST, ref.get("agencyID", ""), ref.get("id", ""),
                        ref.get("version", "1.0"))
    )


@cache
def dsd_from_sdmxml21(path: Path, dsd_id: str) -> DataStructure:
    """The DSD ``dsd_id`` of an SDMX-ML 2.1 structure file (components only)."""
    tree = etree.parse(str(path))
    node = tree.find(f".//str:DataStructure[@id='{dsd_id}']", _NS)
    assert node is not None, dsd_id
    dsd = DataStructure(agency=node.get("agencyID", ""), id=dsd_id, version=node.get("version", "1.0"))
    dims = node.find(".//str:DimensionList", _NS)
    assert dims is not None
    for n, d in enumerate(dims):
        if not isinstance(d.tag, str):
            continue
        kind = {"Dimension": "dimension", "TimeDimension": "time", "MeasureDimension": "measure"}.get(
            etree.QName(d).localname
        )
        if kind is None:
            continue
        dsd.dimensions.append(
            Dimension(id=d.get("id", ""), position=int(d.get("position", n + 1)), kind=kind,
                      local_representation=_enum(d))
        )
    for a in node.iterfind(".//str:AttributeList/str:Attribute", _NS):
        rel_node = a.find("str:AttributeRelationship", _NS)
        rel = AttributeRelationship()
        if rel_node is not None:
            if rel_node.find("str:PrimaryMeasure", _NS) is not None:
                rel = AttributeRelationship(kind="observation")
            elif rel_node.find("str:Group", _NS) is not None:
                g = rel_node.find("str:Group/Ref", _NS)
                rel = AttributeRelationship(kind="group", group=g.get("id") if g is not None else None)
            elif rel_node.find("str:Dimension", _NS) is not None:
                rel = AttributeRelationship(
                    kind="dimensions",
                    dimensions=[r.get("id", "") for r in rel_node.iterfind("str:Dimension/Ref", _NS)],
                )
        dsd.attributes.append(
            DataAttribute(id=a.get("id", ""), mandatory=a.get("assignmentStatus") == "Mandatory",
                          relationship=rel, local_representation=_enum(a))
        )
    for m in node.iterfind(".//str:MeasureList/str:PrimaryMeasure", _NS):
        dsd.measures.append(Measure(id=m.get("id", "OBS_VALUE")))
    return dsd


def resolved(dsd: DataStructure, dataflow_id: str | None = None) -> ResolvedStructure:
    """A ResolvedStructure for ``dsd``, with a dataflow of the same agency when ``dataflow_id``."""
    flow = None
    if dataflow_id is not None:
        flow = Dataflow(agency=dsd.agency, id=dataflow_id, version="1.0", structure=dsd.ref)
    return ResolvedStructure(dsd=dsd, dataflow=flow)


def bis_der(specimens: Path) -> ResolvedStructure:
    """DSD BIS:BIS_DER(1.0) with dataflow BIS:WEBSTATS_DER_DATAFLOW(1.0)."""
    dsd = dsd_from_sdmxml21(specimens / "BIS" / "BIS-3DSD-structure.xml", "BIS_DER")
    return resolved(dsd, "WEBSTATS_DER_DATAFLOW")


def ecb_exr(specimens: Path) -> ResolvedStructure:
    """DSD ECB:ECB_EXR1(1.0) with dataflow ECB:EXR(1.0)."""
    dsd = dsd_from_sdmxml21(specimens / "ECB" / "ECB_EXR1-structure-full.xml", "ECB_EXR1")
    return resolved(dsd, "EXR")


def na_main_example() -> ResolvedStructure:
    """A DSD matching the abstract SDMX-CSV 2.0 spec example (DIM_1..3, OBS_VALUE, ATTR_1..3)."""
    dsd = DataStructure(agency="ESTAT", id="NA_MAIN", version="1.6.0")
    dsd.dimensions = [
        Dimension(id="DIM_1", position=1),
        Dimension(id="DIM_2", position=2),
        Dimension(id="DIM_3", position=3, kind="time"),
    ]
    dsd.attributes = [
        DataAttribute(id="ATTR_1", relationship=AttributeRelationship(kind="observation")),
        DataAttribute(id="ATTR_2", relationship=AttributeRelationship(kind="observation")),
        DataAttribute(id="ATTR_3", relationship=AttributeRelationship(kind="observation")),
    ]
    dsd.measures = [Measure(id="OBS_VALUE")]
    return resolved(dsd, "NA_MAIN")


def toy(n_dims: int = 3) -> ResolvedStructure:
    """A small synthetic DSD: DIM_1..DIM_n (coded), TIME_PERIOD, OBS_VALUE, series and obs attributes."""
    cl = Representation(enumeration=Ref(ArtefactType.CODELIST, "TEST", "CL_X", "1.0"))
    dsd = DataStructure(agency="TEST", id="TOY", version="1.0")
    dsd.dimensions = [Dimension(id=f"DIM_{i}", position=i, local_representation=cl)
                      for i in range(1, n_dims + 1)]
    dsd.dimensions.append(Dimension(id="TIME_PERIOD", position=n_dims + 1, kind="time"))
    dsd.attributes = [
        DataAttribute(id="UNIT", local_representation=cl,
                      relationship=AttributeRelationship(
                          kind="dimensions", dimensions=[f"DIM_{i}" for i in range(1, n_dims + 1)])),
        DataAttribute(id="TITLE", relationship=AttributeRelationship(
            kind="dimensions", dimensions=[f"DIM_{i}" for i in range(1, n_dims + 1)])),
        DataAttribute(id="OBS_STATUS", local_representation=cl,
                      relationship=AttributeRelationship(kind="observation")),
        DataAttribute(id="COMMENT", relationship=AttributeRelationship(kind="observation")),
        DataAttribute(id="SOURCE", relationship=AttributeRelationship(kind="dataset")),
    ]
    dsd.measures = [Measure(id="OBS_VALUE")]
    return resolved(dsd, "DF_TOY")
