"""Streaming SDMX-ML 2.1 StructureSpecificData writer (SDMX 2.1 Section 3A/3B).

Design decisions:

* **String building, not a tree.**  A data answer can hold millions of observations; the writer yields
  the header, then the series one by one (several small series are batched into one piece of about
  64 KiB, and a long series is flushed every few thousand observations), so memory stays flat.  Every
  value goes through ``XmlEscaper``, which escapes ``& < > "`` and the whitespace characters that an
  XML parser would otherwise normalise, and replaces characters XML 1.0 cannot carry with U+FFFD.
  Escaped forms are memoised per message (codes and periods repeat), with a bounded cache.
* **Layout** (which component goes on DataSet, Series, Obs) comes from ``registry.formats.xsdgen.layout``
  so output always validates against the generated structure-specific schema.  Attributes the caller
  hands in at series level but that belong at observation level (a relationship with the dimension at
  observation) are pushed down to every observation; attributes the layout does not allow at a level,
  or that the DSD does not define, are not written (a structure-specific schema cannot carry them).
* **Missing values**: ``OBS_VALUE`` is omitted when the value is ``None`` or empty; ``NaN`` is written
  as given.
* **Detail**: ``full``; ``dataonly`` (no attributes at any level); ``serieskeysonly`` (Series elements
  with their keys only; with ``AllDimensions``, Obs elements with their keys only); ``nodata`` (series
  keys and series attributes, data-set attributes, no observations).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from typing import ClassVar

from registry.formats.base import DataSetInfo, OutSeries, ResolvedStructure, WriteOptions
from registry.formats.sdmxml21.namespaces import COM, MES, SS, XSI
from registry.formats.xsdgen import Layout, layout, ss_namespace
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.refs import Ref

#: Flush a piece when the pending text reaches this many fragments.
FLUSH_PARTS = 4096
#: Memoise at most this many escaped values per message.
ESCAPE_CACHE_LIMIT = 50_000

_NEEDS_ESCAPE = re.compile(r'[&<>"\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')
_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REPLACEMENTS = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
_SPECIAL = re.compile(r'[&<>"\t\n\r]')
_NCNAME_BAD = re.compile(r"[^A-Za-z0-9_.\-]")
_ID_BAD = re.compile(r"[^A-Za-z0-9_@$\-]")


def escape(value: str) -> str:
    """Escape a value for an XML attribute or text node (see module docstring)."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    value = _INVALID.sub("\ufffd", value)
    return _SPECIAL.sub(lambda m: _REPLACEMENTS[m.group()], value)


def make_escaper() -> Callable[[str], str]:
    """A memoising ``escape`` for one message (bounded, so memory stays flat)."""
    cache: dict[str, str] = {}
    search = _NEEDS_ESCAPE.search

    def esc(value: str) -> str:
        r = cache.get(value)
        if r is None:
            r = value if search(value) is None else escape(value)
            if len(cache) < ESCAPE_CACHE_LIMIT:
                cache[value] = r
        return r

    return esc


def structure_id(ref: Ref) -> str:
    """An ``xs:ID`` naming the structure in the header, e.g. ``ECB_ECB_EXR1_1_0``."""
    sid = _NCNAME_BAD.sub("_", f"{ref.agency}_{ref.id}_{ref.version}").replace(".", "_")
    return sid if sid[:1].isalpha() or sid[:1] == "_" else f"S_{sid}"


def header_facts(options: WriteOptions) -> tuple[str, str, str, str]:
    """(id, test, prepared, sender) from ``options.header`` with defaults."""
    h = options.header
    mid = _ID_BAD.sub("_", h.get("id") or f"IDAC{uuid.uuid4().hex[:20]}")
    test = "true" if str(h.get("test", "false")).lower() in ("true", "1", "yes") else "false"
    prepared = h.get("prepared") or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    sender = _ID_BAD.sub("_", h.get("sender") or "IDAC")
    return mid, test, prepared, sender


def dataset_action(dataset: DataSetInfo) -> str:
    """The SDMX-ML action (3.0 ``Merge`` is 2.1 ``Append``)."""
    action = dataset.action or "Replace"
    return "Append" if action == "Merge" else action


def ref_21(ref: Ref) -> str:
    """An SDMX-ML 2.1 ``<Ref>`` element (unqualified, inside a ``com:`` reference element)."""
    e = escape
    return (
        f'<Ref agencyID="{e(ref.agency)}" id="{e(ref.id)}" version="{e(ref.version)}" '
        f'class="{ref.type.class_name}" package="{ref.type.package}"/>'
    )


def payload_ref_21(structure: ResolvedStructure) -> tuple[str, str]:
    """(reference XML inside mes:Structure, dataScope) for a 2.1 data header."""
    if structure.provision_agreement is not None:
        return f"<com:ProvisionAgrement>{ref_21(structure.provision_agreement.ref)}</com:ProvisionAgrement>", (
            "ProvisionAgreement"
        )
    if structure.dataflow is not None:
        return f"<com:StructureUsage>{ref_21(structure.dataflow.ref)}</com:StructureUsage>", "Dataflow"
    return f"<com:Structure>{ref_21(structure.dsd.ref)}</com:Structure>", "DataStructure"


def header_tail_21(dataset: DataSetInfo) -> str:
    """Optional header elements after Structure: DataSetAction, ReportingBegin/End."""
    parts = [f"<mes:DataSetAction>{dataset_action(dataset)}</mes:DataSetAction>"]
    if dataset.reporting_begin:
        parts.append(f"<mes:ReportingBegin>{escape(dataset.reporting_begin)}</mes:ReportingBegin>")
    if dataset.reporting_end:
        parts.append(f"<mes:ReportingEnd>{escape(dataset.reporting_end)}</mes:ReportingEnd>")
    return "".join(parts)


class SSBody:
    """The structure-specific body (DataSet content) shared by the 2.1 and 3.0 writers."""

    def __init__(self, lay: Layout, options: WriteOptions, known: set[str]) -> None:
        self.lay = lay
        self.detail = options.detail
        self.esc = make_escaper()
        attrs_on = self.detail in ("full", "nodata")
        self.series_attrs = frozenset(lay.series_attrs) | self._group_attrs() if attrs_on else frozenset()
        self.obs_attrs = frozenset(lay.obs_attrs) if self.detail == "full" else frozenset()
        # Attributes given on the series but placed on Obs (relationship with the obs dimension).
        self.push_down = tuple(a for a in lay.obs_attrs if a in known) if self.detail == "full" else ()
        self.measure = lay.measures[0]
        self.extra_measures = lay.measures[1:]

    def _group_attrs(self) -> frozenset[str]:
        series = set(self.lay.series_dims)
        out: set[str] = set()
        for dims, attrs in self.lay.groups.values():
            if set(dims) <= series:
                out.update(attrs)
        return frozenset(out)

    def dataset_attrs(self, dataset: DataSetInfo) -> str:
        if self.detail not in ("full", "nodata"):
            return ""
        esc = self.esc
        return "".join(
            f' {a}="{esc(dataset.attrs[a])}"' for a in self.lay.dataset_attrs if dataset.attrs.get(a) is not None
        )

    def body(self, series: Iterable[OutSeries]) -> Iterator[str]:
        """Yield pieces of text (each a few KiB to a few hundred KiB)."""
        if self.lay.flat:
            yield from self._flat(series)
        else:
            yield from self._series(series)

    def _series(self, series: Iterable[OutSeries]) -> Iterator[str]:  # noqa: C901 - the hot loop
        esc = self.esc
        sdims = self.lay.series_dims
        odim = self.lay.obs_dims[0]
        s_allowed = self.series_attrs
        o_allowed = self.obs_attrs
        push = self.push_down
        measure = self.measure
        extra = self.extra_measures
        with_obs = self.detail in ("full", "dataonly")
        parts: list[str] = []
        append = parts.append
        for s in series:
            key = s.key
            head = "".join(f' {d}="{esc(key[d])}"' for d in sdims if key.get(d) is not None)
            sattrs = s.attrs
            if s_allowed and sattrs:
                head += "".join(
                    f' {a}="{esc(v)}"' for a, v in sattrs.items() if a in s_allowed and v is not None
                )
            if not with_obs:
                append(f"<Series{head}/>")
            else:
                append(f"<Series{head}>")
                inherited = {a: sattrs[a] for a in push if sattrs.get(a) is not None} if push and sattrs else None
                for o in s.observations:
                    t = o.dims.get(odim)
                    v = o.value
                    line = f'<Obs {odim}="{esc(t)}"' if t is not None else "<Obs"
                    if v:
                        line += f' {measure}="{esc(v)}"'
                    oattrs = o.attrs
                    if oattrs:
                        for m in extra:
                            mv = oattrs.get(m)
                            if mv:
                                line += f' {m}="{esc(mv)}"'
                        if o_allowed:
                            if inherited:
                                oattrs = {**inherited, **oattrs}
                            line += "".join(
                                f' {a}="{esc(av)}"' for a, av in oattrs.items() if a in o_allowed and av is not None
                            )
                    elif inherited:
                        line += "".join(f' {a}="{esc(av)}"' for a, av in inherited.items())
                    append(line + "/>")
                    if len(parts) >= FLUSH_PARTS:
                        yield "".join(parts)
                        parts.clear()
                append("</Series>")
            if len(parts) >= FLUSH_PARTS // 8:
                yield "".join(parts)
                parts.clear()
        if parts:
            yield "".join(parts)

    def _flat(self, series: Iterable[OutSeries]) -> Iterator[str]:
        esc = self.esc
        odims = self.lay.obs_dims
        o_allowed = self.obs_attrs
        measure = self.measure
        extra = self.extra_measures
        keys_only = self.detail in ("serieskeysonly", "nodata")
        parts: list[str] = []
        append = parts.append
        for s in series:
            skey = s.key
            sattrs = {a: v for a, v in s.attrs.items() if a in o_allowed and v is not None}
            for o in s.observations:
                odimv = o.dims
                line = "<Obs" + "".join(
                    f' {d}="{esc(val)}"'
                    for d in odims
                    if (val := odimv.get(d, skey.get(d))) is not None
                )
                if not keys_only:
                    if o.value:
                        line += f' {measure}="{esc(o.value)}"'
                    for m in extra:
                        mv = o.attrs.get(m)
                        if mv:
                            line += f' {m}="{esc(mv)}"'
                    if o_allowed:
                        merged = {**sattrs, **{a: v for a, v in o.attrs.items() if a in o_allowed and v is not None}}
                        line += "".join(f' {a}="{esc(v)}"' for a, v in merged.items())
                append(line + "/>")
                if len(parts) >= FLUSH_PARTS:
                    yield "".join(parts)
                    parts.clear()
        if parts:
            yield "".join(parts)


def known_components(structure: ResolvedStructure) -> set[str]:
    """Every component id of the DSD."""
    dsd = structure.dsd
    return {c.id for c in (*dsd.dimensions, *dsd.attributes, *dsd.measures)}


class StructureSpecificWriter21:
    """SDMX-ML 2.1 StructureSpecificData (series layout for any dimension, or AllDimensions)."""

    name: ClassVar[str] = "SDMX-ML 2.1 StructureSpecificData"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.SS_DATA_21, MediaType.SS_TS_DATA_21)

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
        body = SSBody(lay, options, known_components(structure))
        yield self.head(structure, dataset, options, dao, body).encode("utf-8")
        for piece in body.body(series):
            yield piece.encode("utf-8")
        yield b"</mes:DataSet></mes:StructureSpecificData>\n"

    @staticmethod
    def head(
        structure: ResolvedStructure, dataset: DataSetInfo, options: WriteOptions, dao: str, body: SSBody
    ) -> str:
        mid, test, prepared, sender = header_facts(options)
        ns = escape(ss_namespace(structure, dao))
        usage = structure.dataflow.ref if structure.dataflow is not None else structure.dsd.ref
        sid = structure_id(usage)
        ref_xml, scope = payload_ref_21(structure)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<mes:StructureSpecificData xmlns:mes="{MES}" xmlns:com="{COM}" xmlns:ss="{SS}" '
            f'xmlns:xsi="{XSI}" xmlns:ns1="{ns}">'
            f"<mes:Header><mes:ID>{mid}</mes:ID><mes:Test>{test}</mes:Test>"
            f"<mes:Prepared>{escape(prepared)}</mes:Prepared><mes:Sender id=\"{sender}\"/>"
            f'<mes:Structure structureID="{sid}" namespace="{ns}" dimensionAtObservation="{escape(dao)}">'
            f"{ref_xml}</mes:Structure>{header_tail_21(dataset)}</mes:Header>"
            f'<mes:DataSet ss:structureRef="{sid}" xsi:type="ns1:DataSetType" ss:dataScope="{scope}" '
            f'ss:action="{dataset_action(dataset)}"{_validity(dataset)}{body.dataset_attrs(dataset)}>'
        )


def _validity(dataset: DataSetInfo) -> str:
    parts = []
    if dataset.valid_from:
        parts.append(f' ss:validFromDate="{escape(dataset.valid_from)}"')
    if dataset.valid_to:
        parts.append(f' ss:validToDate="{escape(dataset.valid_to)}"')
    return "".join(parts)
