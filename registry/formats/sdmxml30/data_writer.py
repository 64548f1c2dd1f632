"""Streaming SDMX-ML 3.0 StructureSpecificData writer (SDMX 3.0 Section 3A/3B).

The body is the 2.1 structure-specific body (``ss_writer.SSBody``: same layout rules, escaping, detail
levels and streaming); the 3.0 differences are the namespaces, URN references in the header (the
``Structure`` refers to the dataflow when there is one, as in the SDMX 3.0 samples), no ``dataScope``
and the 3.0 action names (``Merge`` is written ``Append``, the only 3.0 schema value for it).
Multi-valued attributes (3.0 ``Comp``/``Value`` elements) are not written.
"""

from __future__ import annotations

from typing import ClassVar

from registry.formats.base import DataSetInfo, ResolvedStructure, WriteOptions
from registry.formats.sdmxml21.ss_writer import (
    SSBody,
    StructureSpecificWriter21,
    dataset_action,
    escape,
    header_facts,
    structure_id,
)
from registry.formats.sdmxml30.namespaces import COM, MES, SS, XSI
from registry.formats.xsdgen import ss_namespace
from registry.sdmx.mediatypes import MediaType


class DataWriter30(StructureSpecificWriter21):
    """SDMX-ML 3.0 StructureSpecificData: the 2.1 structure-specific body with a 3.0 header."""

    name: ClassVar[str] = "SDMX-ML 3.0 StructureSpecificData"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.DATA_ML_30,)

    @staticmethod
    def head(
        structure: ResolvedStructure, dataset: DataSetInfo, options: WriteOptions, dao: str, body: SSBody
    ) -> str:
        mid, test, prepared, sender = header_facts(options)
        ns = escape(ss_namespace(structure, dao))
        usage = structure.dataflow.ref if structure.dataflow is not None else structure.dsd.ref
        sid = structure_id(usage)
        if structure.provision_agreement is not None:
            ref_xml = f"<com:ProvisionAgreement>{structure.provision_agreement.urn}</com:ProvisionAgreement>"
        elif structure.dataflow is not None:
            ref_xml = f"<com:StructureUsage>{structure.dataflow.urn}</com:StructureUsage>"
        else:
            ref_xml = f"<com:Structure>{structure.dsd.urn}</com:Structure>"
        tail = f"<mes:DataSetAction>{dataset_action(dataset)}</mes:DataSetAction>"
        if dataset.reporting_begin:
            tail += f"<mes:ReportingBegin>{escape(dataset.reporting_begin)}</mes:ReportingBegin>"
        if dataset.reporting_end:
            tail += f"<mes:ReportingEnd>{escape(dataset.reporting_end)}</mes:ReportingEnd>"
        validity = ""
        if dataset.valid_from:
            validity += f' ss:validFromDate="{escape(dataset.valid_from)}"'
        if dataset.valid_to:
            validity += f' ss:validToDate="{escape(dataset.valid_to)}"'
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<mes:StructureSpecificData xmlns:mes="{MES}" xmlns:com="{COM}" xmlns:ss="{SS}" '
            f'xmlns:xsi="{XSI}" xmlns:ns1="{ns}">'
            f"<mes:Header><mes:ID>{mid}</mes:ID><mes:Test>{test}</mes:Test>"
            f"<mes:Prepared>{escape(prepared)}</mes:Prepared><mes:Sender id=\"{sender}\"/>"
            f'<mes:Structure structureID="{sid}" namespace="{ns}" dimensionAtObservation="{escape(dao)}">'
            f"{ref_xml}</mes:Structure>{tail}</mes:Header>"
            f'<mes:DataSet ss:structureRef="{sid}" xsi:type="ns1:DataSetType" '
            f'ss:action="{dataset_action(dataset)}"{validity}{body.dataset_attrs(dataset)}>'
        )
