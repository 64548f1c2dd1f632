"""Test-only DSDs for the SDMX-CSV / SDMX-JSON codec tests.

Real DSDs come from the specimen structure files through ``StructureReader21``; a few synthetic
DSDs (the abstract SDMX-CSV 2.0 spec example, a toy DSD for property tests) are built by hand.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from registry.formats.base import ResolvedStructure
from registry.formats.sdmxml21.structure_reader import StructureReader21
from registry.sdmx.model import (
    AttributeRelationship,
    DataAttribute,
    Dataflow,
    DataStructure,
    Dimension,
    Measure,
    Representation,
    StructureMessage,
)
from registry.sdmx.refs import ArtefactType, Ref


@cache
def _structures(path: Path) -> StructureMessage:
    return StructureReader21().read(path.read_bytes())


def dsd_from_sdmxml21(path: Path, dsd_id: str) -> DataStructure:
    """The DSD ``dsd_id`` of an SDMX-ML 2.1 structure file (read with StructureReader21)."""
    for dsd in _structures(path).of_type(ArtefactType.DATA_STRUCTURE):
        if dsd.id == dsd_id:
            assert isinstance(dsd, DataStructure)
            return dsd
    raise LookupError(dsd_id)


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
    dsd.dimensions = [
        Dimension(id=f"DIM_{i}", position=i, local_representation=cl) for i in range(1, n_dims + 1)
    ]
    dsd.dimensions.append(Dimension(id="TIME_PERIOD", position=n_dims + 1, kind="time"))
    dsd.attributes = [
        DataAttribute(
            id="UNIT",
            local_representation=cl,
            relationship=AttributeRelationship(
                kind="dimensions", dimensions=[f"DIM_{i}" for i in range(1, n_dims + 1)]
            ),
        ),
        DataAttribute(
            id="TITLE",
            relationship=AttributeRelationship(
                kind="dimensions", dimensions=[f"DIM_{i}" for i in range(1, n_dims + 1)]
            ),
        ),
        DataAttribute(
            id="OBS_STATUS",
            local_representation=cl,
            relationship=AttributeRelationship(kind="observation"),
        ),
        DataAttribute(id="COMMENT", relationship=AttributeRelationship(kind="observation")),
        DataAttribute(id="SOURCE", relationship=AttributeRelationship(kind="dataset")),
    ]
    dsd.measures = [Measure(id="OBS_VALUE")]
    return resolved(dsd, "DF_TOY")
