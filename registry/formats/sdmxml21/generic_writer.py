"""Streaming SDMX-ML 2.1 GenericData writer (SDMX 2.1 Section 3A, ``SDMXDataGeneric.xsd``).

Series layout (``gen:Series`` with ``SeriesKey``/``Attributes``/``Obs``) when the dimension at the
observation is a dimension; flat layout (``gen:Obs`` with a full ``ObsKey``) for ``AllDimensions``.
Generic data carries any component, so attributes are written where the caller puts them (series
attributes on the series; in the flat layout they are repeated on each observation), except that
``dataonly``/``serieskeysonly`` drop them.  Text is built by hand and escaped with the same escaper
as the structure-specific writer; see ``ss_writer`` for the streaming and missing-value rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from registry.formats.base import DataSetInfo, OutSeries, ResolvedStructure, WriteOptions
from registry.formats.sdmxml21.namespaces import COM, GEN, MES, XSI
from registry.formats.sdmxml21.ss_writer import (
    FLUSH_PARTS,
    escape,
    header_facts,
    header_tail_21,
    make_escaper,
    payload_ref_21,
    structure_id,
)
from registry.formats.xsdgen import layout
from registry.sdmx.mediatypes import MediaType


class GenericDataWriter21:
    """SDMX-ML 2.1 GenericData."""

    name: ClassVar[str] = "SDMX-ML 2.1 GenericData"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.GENERIC_DATA_21, MediaType.GENERIC_TS_DATA_21)

    def write(
        self,
        structure: ResolvedStructure,
        dataset: DataSetInfo,
        series: Iterable[OutSeries],
        options: WriteOptions,
    ) -> Iterator[bytes]:
        """Yield the message in pieces: header, then the series as they come."""
        dao = options.dimension_at_observation or dataset.dimension_at_observation
        lay = layout(structure.dsd, dao)
        yield self._head(structure, dataset, options, dao).encode("utf-8")
        pieces = self._flat(series, lay.obs_dims, lay.measures[0], options) if lay.flat else self._series(
            series, lay.series_dims, lay.obs_dims[0], lay.measures[0], options
        )
        for piece in pieces:
            yield piece.encode("utf-8")
        yield b"</mes:DataSet></mes:GenericData>\n"

    @staticmethod
    def _head(structure: ResolvedStructure, dataset: DataSetInfo, options: WriteOptions, dao: str) -> str:
        mid, test, prepared, sender = header_facts(options)
        usage = structure.dataflow.ref if structure.dataflow is not None else structure.dsd.ref
        sid = structure_id(usage)
        ref_xml, _ = payload_ref_21(structure)
        ds_attrs = ""
        if options.detail in ("full", "nodata") and dataset.attrs:
            ds_attrs = "<gen:Attributes>" + "".join(
                f'<gen:Value id="{escape(k)}" value="{escape(v)}"/>' for k, v in dataset.attrs.items() if v is not None
            ) + "</gen:Attributes>"
            if ds_attrs == "<gen:Attributes></gen:Attributes>":
                ds_attrs = ""
        validity = ""
        if dataset.valid_from:
            validity += f' validFromDate="{escape(dataset.valid_from)}"'
        if dataset.valid_to:
            validity += f' validToDate="{escape(dataset.valid_to)}"'
        action = dataset.action if dataset.action != "Merge" else "Append"
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<mes:GenericData xmlns:mes="{MES}" xmlns:com="{COM}" xmlns:gen="{GEN}" xmlns:xsi="{XSI}">'
            f"<mes:Header><mes:ID>{mid}</mes:ID><mes:Test>{test}</mes:Test>"
            f"<mes:Prepared>{escape(prepared)}</mes:Prepared><mes:Sender id=\"{sender}\"/>"
            f'<mes:Structure structureID="{sid}" dimensionAtObservation="{escape(dao)}">'
            f"{ref_xml}</mes:Structure>{header_tail_21(dataset)}</mes:Header>"
            f'<mes:DataSet structureRef="{sid}" action="{action}"{validity}>{ds_attrs}'
        )

    @staticmethod
    def _series(
        series: Iterable[OutSeries], sdims: tuple[str, ...], odim: str, measure: str, options: WriteOptions
    ) -> Iterator[str]:
        esc = make_escaper()
        attrs_on = options.detail in ("full", "nodata")
        obs_on = options.detail in ("full", "dataonly")
        obs_attrs_on = options.detail == "full"
        parts: list[str] = []
        append = parts.append
        for s in series:
            key = s.key
            append(
                "<gen:Series><gen:SeriesKey>"
                + "".join(f'<gen:Value id="{d}" value="{esc(key[d])}"/>' for d in sdims if key.get(d) is not None)
                + "</gen:SeriesKey>"
            )
            if attrs_on and s.attrs:
                vals = "".join(f'<gen:Value id="{esc(a)}" value="{esc(v)}"/>' for a, v in s.attrs.items() if v is not None)
                if vals:
                    append(f"<gen:Attributes>{vals}</gen:Attributes>")
            if obs_on:
                for o in s.observations:
                    line = f'<gen:Obs><gen:ObsDimension value="{esc(o.dims.get(odim, ""))}"/>'
                    if o.value:
                        line += f'<gen:ObsValue value="{esc(o.value)}"/>'
                    if obs_attrs_on and o.attrs:
                        vals = "".join(
                            f'<gen:Value id="{esc(a)}" value="{esc(v)}"/>' for a, v in o.attrs.items() if v is not None
                        )
                        if vals:
                            line += f"<gen:Attributes>{vals}</gen:Attributes>"
                    append(line + "</gen:Obs>")
                    if len(parts) >= FLUSH_PARTS:
                        yield "".join(parts)
                        parts.clear()
            append("</gen:Series>")
            if len(parts) >= FLUSH_PARTS // 8:
                yield "".join(parts)
                parts.clear()
        if parts:
            yield "".join(parts)

    @staticmethod
    def _flat(
        series: Iterable[OutSeries], odims: tuple[str, ...], measure: str, options: WriteOptions
    ) -> Iterator[str]:
        esc = make_escaper()
        keys_only = options.detail in ("serieskeysonly", "nodata")
        attrs_on = options.detail == "full"
        parts: list[str] = []
        append = parts.append
        for s in series:
            skey = s.key
            sattrs = s.attrs if attrs_on else {}
            for o in s.observations:
                dims = o.dims
                line = "<gen:Obs><gen:ObsKey>" + "".join(
                    f'<gen:Value id="{d}" value="{esc(v)}"/>'
                    for d in odims
                    if (v := dims.get(d, skey.get(d))) is not None
                ) + "</gen:ObsKey>"
                if not keys_only:
                    if o.value:
                        line += f'<gen:ObsValue value="{esc(o.value)}"/>'
                    if attrs_on:
                        merged = {**sattrs, **o.attrs} if sattrs else o.attrs
                        vals = "".join(
                            f'<gen:Value id="{esc(a)}" value="{esc(v)}"/>' for a, v in merged.items() if v is not None
                        )
                        if vals:
                            line += f"<gen:Attributes>{vals}</gen:Attributes>"
                append(line + "</gen:Obs>")
                if len(parts) >= FLUSH_PARTS:
                    yield "".join(parts)
                    parts.clear()
        if parts:
            yield "".join(parts)
