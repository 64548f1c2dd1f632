"""Streaming reader of SDMX-ML 2.1 StructureSpecificData and StructureSpecificTimeSeriesData.

In structure-specific XML a series dimension and a series attribute are both plain XML attributes of
``<Series>``; only the DSD tells them apart, so the reader resolves the structure named in the header
(``message:Structure``, matched to the data set by ``structureRef``) before the first series.

Layouts (SDMX 2.1 section 3A, "Structure Specific Data"): ``dimensionAtObservation`` is
``TIME_PERIOD`` (time series), any other dimension (cross-sections, e.g. the SDMX sample
``sg-xs-ss.xml`` with ``CURRENCY`` at the observation level and ``TIME_PERIOD`` on the series) or
``AllDimensions`` (flat: ``<Obs>`` directly in the data set carrying the whole key).  ``<Group>``
elements come before the series (the schema's sequence); their attributes are attached to every
series whose key matches (``Series.attrs``), or to the observations when the group key uses the
observation dimension.  Eurostat writes ``<u:DataSet>`` in the DSD-specific namespace: any
``DataSet`` child of the root is accepted.

Speed: this is the hot path of every upload.  The loop below is written for CPython: one
``iterparse`` event stream, exact tag comparisons for ``Obs``/``Series`` first, locals instead of
attributes, ``dict(el.items())`` (faster than ``dict(el.attrib)``), no per-observation function calls
beyond the ``Obs`` constructor.  Memory stays flat: each series element is cleared and removed at its
end, observations are removed from their parent every ``_PURGE`` observations (so one huge series or a
flat data set does not build a tree), and top-level elements are removed once read.

The 3.0 reader (``registry.formats.sdmxml30.data_reader``) is this reader with the 3.0 dialect:
other namespaces, ``<Comp>`` values (arrays, multilingual text) and ``<Atts>`` attribute sets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any, ClassVar

from lxml import etree

from registry.errors import MessageSyntaxError
from registry.formats.base import BATCH_SIZE, DataChunk, Obs, Series, StructureResolver
from registry.formats.sdmxml21 import namespaces as ns21
from registry.formats.sdmxml_common import (
    Dialect,
    GroupIndex,
    MessageParse,
    local_name,
    merge_group_attrs,
    parse_provider,
    sniff_root,
)
from registry.sdmx.mediatypes import MediaType

#: Remove finished observations from the tree every this many (bounded tree, cheap bulk delete).
_PURGE = 1000


DIALECT_21 = Dialect(
    "2.1", ns21.MES, frozenset({"StructureSpecificData", "StructureSpecificTimeSeriesData"})
)


def _strip_qualified(attrs: dict[str, str]) -> dict[str, str]:
    """Drop namespace-qualified XML attributes (``xsi:type`` …): the schema reserves unqualified ones
    for DSD components."""
    for k in [k for k in attrs if k[0] == "{"]:
        del attrs[k]
    return attrs


def comp_value(el: etree._Element) -> str:
    """The value of an SDMX 3.0 ``<Comp>``: one ``<Value>`` as is; several joined by ``;``;
    multilingual ``<Value xml:lang>`` or ``<Value><Text xml:lang>`` picks English, else the first."""
    values: list[str] = []
    texts: dict[str, str] = {}
    for v in el:
        if local_name(v.tag) != "Value":
            continue
        lang = v.get("{http://www.w3.org/XML/1998/namespace}lang")
        inner = [t for t in v if local_name(t.tag) == "Text"]
        if inner:
            for t in inner:
                texts.setdefault(
                    t.get("{http://www.w3.org/XML/1998/namespace}lang") or "", t.text or ""
                )
        elif lang is not None:
            texts.setdefault(lang, v.text or "")
        else:
            values.append((v.text or "").strip())
    if texts:
        return texts.get("en", next(iter(texts.values())))
    return ";".join(values)


class _Parse(MessageParse):
    """Per-message state of one structure-specific read."""

    __slots__ = ()

    def _dataset(self, events: Any, ds: etree._Element, index: int) -> Iterator[DataChunk]:  # noqa: C901
        info, structure = self._dataset_info(ds, index)
        dsd = structure.dsd
        dim_ids = tuple(d.id for d in dsd.dimensions)
        measure = dsd.primary_measure.id if dsd.primary_measure is not None else "OBS_VALUE"
        dao = info.dimension_at_observation
        obs_dim = None if dao == "AllDimensions" else dao
        series_dims = tuple(d for d in dim_ids if d != obs_dim)
        comps = self.dialect.comps
        batch_size = self.batch_size
        groups = GroupIndex()

        batch: list[Obs] = []
        empties: list[Series] = []
        emitted = False
        series: Series | None = None
        flat_series: Series | None = None
        has_obs = False
        pending: list[tuple[str, ...]] = []
        n_series = 0
        purge = 0
        qualified_obs = False  # set once an observation carries a qualified XML attribute
        obs_comps: dict[str, str] = {}
        set_comps: dict[str, str] = {}
        _Obs = Obs

        for ev, el in events:
            tag = el.tag
            if tag == "Obs":
                if ev == "start":
                    continue
                a = dict(el.items())
                value = a.pop(measure, None)
                if series is not None:
                    owner = series
                    if obs_dim is not None:
                        v = a.pop(obs_dim, None)
                        dims = {obs_dim: v} if v is not None else {}
                    else:
                        dims = {k: a.pop(k) for k in dim_ids if k in a}
                else:
                    if flat_series is None:
                        flat_series = Series(line=el.sourceline)
                    owner = flat_series
                    dims = {k: a.pop(k) for k in dim_ids if k in a}
                if qualified_obs or (a and "{" in "".join(a)):
                    qualified_obs = True
                    _strip_qualified(a)
                if obs_comps:
                    a.update(obs_comps)
                    obs_comps = {}
                if pending:
                    g = groups.for_obs(pending, owner.key, dims)
                    if g:
                        g.update(a)
                        a = g
                batch.append(_Obs(owner, dims, value, a, el.sourceline))
                has_obs = True
                if len(batch) >= batch_size:
                    yield DataChunk(info, batch, empties)
                    batch, empties, emitted = [], [], True
                purge += 1
                if purge >= _PURGE:
                    del el.getparent()[:]
                    purge = 0
            elif tag == "Series":
                if ev == "start":
                    a = dict(el.items())
                    key = {}
                    for d in series_dims:
                        v = a.pop(d, None)
                        if v is not None:
                            key[d] = v
                    if "{" in "".join(a):
                        _strip_qualified(a)
                    if groups:
                        g, pending = groups.for_series(key)
                        a = merge_group_attrs(a, g)
                    series = Series(key, a, el.sourceline, n_series)
                    n_series += 1
                    has_obs = False
                else:
                    if not has_obs and series is not None:
                        empties.append(series)
                        if len(empties) >= batch_size:
                            yield DataChunk(info, batch, empties)
                            batch, empties, emitted = [], [], True
                    series = None
                    pending = []
                    purge = 0
                    el.clear()
                    del ds[:]
            elif el is ds:
                break
            elif ev == "end":
                name = local_name(tag)
                if tag == "Group" or (comps and tag == "Atts"):
                    a = _strip_qualified(dict(el.items()))
                    a.pop("type", None)
                    a.update(set_comps)
                    set_comps = {}
                    key = {k: a.pop(k) for k in dim_ids if k in a}
                    if key:
                        groups.add(key, a)
                    else:
                        info.attrs.update(a)
                elif comps and tag == "Comp":
                    cid = el.get("id")
                    if cid:
                        parent = local_name(el.getparent().tag)
                        if parent == "Obs":
                            obs_comps[cid] = comp_value(el)
                        elif parent == "Series" and series is not None:
                            series.attrs[cid] = comp_value(el)
                        elif parent == "DataSet":
                            info.attrs[cid] = comp_value(el)
                        else:
                            set_comps[cid] = comp_value(el)
                elif tag == "DataProvider":
                    info.provider = parse_provider(el)
                elif name in ("Obs", "Series") and tag != name:
                    raise MessageSyntaxError(
                        f"{name} must be unqualified in structure-specific data, found {tag}",
                        line=el.sourceline,
                    )
        else:  # pragma: no cover - lxml raises on a missing end tag before the events run out
            raise MessageSyntaxError("unexpected end of document inside a DataSet")
        if batch or empties or not emitted:
            yield DataChunk(info, batch, empties)


class StructureSpecificReader21:
    """SDMX-ML 2.1 StructureSpecificData and StructureSpecificTimeSeriesData."""

    name: ClassVar[str] = "SDMX-ML 2.1 StructureSpecificData"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.SS_DATA_21, MediaType.SS_TS_DATA_21)
    suffixes: ClassVar[tuple[str, ...]] = (".xml",)
    dialect: ClassVar[Dialect] = DIALECT_21

    @classmethod
    def handles(cls, head: bytes) -> bool:
        """True if the root element is one of this dialect's structure-specific data messages."""
        root = sniff_root(head)
        if root is None or root.local not in cls.dialect.roots:
            return False
        if (
            root.namespace is None
        ):  # declaration cut off: fall back on the namespace appearing at all
            return root.prefix is not None and cls.dialect.mes.encode() in head
        return root.namespace == cls.dialect.mes

    def read(
        self, source: IO[bytes], resolve: StructureResolver, *, batch_size: int = BATCH_SIZE
    ) -> Iterator[DataChunk]:
        """Yield the data sets of the message as chunks of at most ``batch_size`` observations."""
        return _Parse(self.dialect, self.name, resolve, batch_size).run(source)
