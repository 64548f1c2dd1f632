"""Streaming reader of SDMX-ML 2.1 StructureSpecificData and StructureSpecificTimeSeriesData.

In structure-specific XML a series dimension and a series attribute are both plain XML attributes of
``<Series>``; only the DSD tells them apart, so the reader resolves the structure named in the
header (``message:Structure``, matched to the data set by ``structureRef``) before the first series.

Layouts (SDMX 2.1 section 3A, "Structure Specific Data"): ``dimensionAtObservation`` is
``TIME_PERIOD`` (time series), any other dimension (cross-sections, e.g. the SDMX sample
``sg-xs-ss.xml`` with ``CURRENCY`` at the observation level and ``TIME_PERIOD`` on the series) or
``AllDimensions`` (flat: ``<Obs>`` directly in the data set carrying the whole key).  ``<Group>``
elements come before the series (the schema's sequence); their attributes are attached to every
series whose key matches (``Series.attrs``), or to the observations when the group key uses the
observation dimension.  Eurostat writes ``<u:DataSet>`` in the DSD-specific namespace: any
``DataSet`` child of the root is accepted.

Speed: this is the hot path of every upload.  The loop asks ``iterparse`` for *end* events only
(every element is complete when seen; a series is recognised when its first observation ends and
``getparent()`` changes), compares ``Obs``/``Series`` tags exactly before anything else, keeps state
in locals and makes no per-observation call beyond ``dict(el.items())`` (faster than
``dict(el.attrib)``) and the ``Obs`` constructor.  Most of the remaining time is lxml building the
attribute strings and CPython building the ``Obs``; see ``benchmarks/readers.py``.

Qualified XML attributes (``xsi:type`` …) are not DSD components and are dropped; to keep the test
off the per-observation path it is made on the first observation of each series (producers write the
same attributes on every observation).

Memory stays flat: a series element is removed at its end, observations every ``_PURGE``, top-level
elements once read.  Only elements *up to the one just ended* are removed — ``iterparse`` reads
ahead, and later siblings may still be under construction (removing them would detach or free
nodes the parser is still filling).

The 3.0 reader (``registry.formats.sdmxml30.data_reader``) is this reader with the 3.0 dialect:
other namespaces, ``<Comp>`` values (arrays, multilingual text) and ``<Atts>`` attribute sets.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import IO, Any, ClassVar

from lxml import etree

from registry.errors import MessageSyntaxError
from registry.formats import xmlsafe
from registry.formats.base import (
    BATCH_SIZE,
    DataChunk,
    DataSetInfo,
    Obs,
    Series,
    StructureResolver,
)
from registry.formats.sdmxml21 import namespaces as ns21
from registry.formats.sdmxml_common import (
    Dialect,
    GroupIndex,
    MessageParse,
    check_root,
    local_name,
    merge_group_attrs,
    parse_header,
    parse_provider,
    read_error_message,
    sniff_root,
    syntax_error,
)
from registry.sdmx.mediatypes import MediaType

#: Remove finished observations from the tree every this many (bounded tree, cheap bulk delete).
_PURGE = 1000


DIALECT_21 = Dialect(
    "2.1", ns21.MES, frozenset({"StructureSpecificData", "StructureSpecificTimeSeriesData"})
)


def _strip_qualified(attrs: dict[str, str]) -> dict[str, str]:
    """Drop namespace-qualified XML attributes (``xsi:type`` …): the schema reserves unqualified
    ones for DSD components."""
    for k in [k for k in attrs if k[0] == "{"]:
        del attrs[k]
    return attrs


def comp_value(el: etree._Element) -> str:
    """The value of an SDMX 3.0 ``<Comp>``: one ``<Value>`` as is; several joined by ``;``;
    multilingual ``<Value xml:lang>`` or ``<Value><Text xml:lang>`` picks English, else the
    first."""
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


class _DataSet:
    """What one data set needs that is not on the per-observation path."""

    __slots__ = (
        "el",
        "info",
        "dim_ids",
        "measure",
        "obs_dim",
        "series_dims",
        "groups",
        "flat",
        "n_series",
    )

    def __init__(self, parse: MessageParse, el: etree._Element, index: int) -> None:
        info, structure = parse._dataset_info(el, index)
        dsd = structure.dsd
        self.el = el
        self.info = info
        self.dim_ids = tuple(d.id for d in dsd.dimensions)
        self.measure = dsd.primary_measure.id if dsd.primary_measure is not None else "OBS_VALUE"
        dao = info.dimension_at_observation
        self.obs_dim = None if dao == "AllDimensions" else dao
        self.series_dims = tuple(d for d in self.dim_ids if d != self.obs_dim)
        self.groups = GroupIndex()
        self.flat: Series | None = None
        self.n_series = 0

    def series(
        self, el: etree._Element, comps: dict[str, str]
    ) -> tuple[Series, list[tuple[str, ...]]]:
        """The ``Series`` of a ``<Series>`` element, with its groups' attributes, and the group
        signatures left to match per observation."""
        a = dict(el.items())
        key = {}
        for d in self.series_dims:
            v = a.pop(d, None)
            if v is not None:
                key[d] = v
        if "{" in "".join(a):
            _strip_qualified(a)
        a.update(comps)
        pending: list[tuple[str, ...]] = []
        if self.groups:
            g, pending = self.groups.for_series(key)
            a = merge_group_attrs(a, g)
        series = Series(key, a, el.sourceline, self.n_series)
        self.n_series += 1
        return series, pending

    def flat_series(self, line: int | None) -> Series:
        """The one empty-key series of a flat (AllDimensions) data set."""
        if self.flat is None:
            self.flat = Series(line=line)
        return self.flat

    def attribute_set(self, el: etree._Element, comps: dict[str, str]) -> None:
        """A ``<Group>`` (or 3.0 ``<Atts>``): attributes for a partial key, or the data set."""
        a = _strip_qualified(dict(el.items()))
        a.pop("type", None)
        a.update(comps)
        key = {k: a.pop(k) for k in self.dim_ids if k in a}
        if key:
            self.groups.add(key, a)
        else:
            self.info.attrs.update(a)


def _is_dataset(el: etree._Element | None, root: etree._Element) -> bool:
    return el is not None and el.getparent() is root and local_name(el.tag) == "DataSet"


class _Parse(MessageParse):
    """Per-message state of one structure-specific read.

    Only *end* events are requested: every element is complete (attributes and children) when it
    is seen, and skipping start events halves the events the loop turns.  A series is recognised
    when the first of its observations ends (``el.getparent()`` is a new element) or, without
    observations, when it ends itself; a data set when the first element inside it ends.
    """

    __slots__ = ()

    def run(self, source: IO[bytes]) -> Iterator[DataChunk]:
        events = xmlsafe.iterparse(source, events=("end",))
        try:
            yield from self._read(events)
        except etree.XMLSyntaxError as exc:
            raise syntax_error(exc) from None

    def _open(self, el: etree._Element, index: int) -> _DataSet:
        return _DataSet(self, el, index)

    def _read(self, events: Any) -> Iterator[DataChunk]:  # noqa: C901
        try:
            _, first = next(events)
        except StopIteration:
            raise MessageSyntaxError("empty document") from None
        root = first.getroottree().getroot()
        if check_root(root, self.dialect.mes, self.dialect.roots, self.name) == "Error":
            read_error_message(itertools.chain([("end", first)], events), root)
        comps = self.dialect.comps
        batch_size = self.batch_size
        purge_every = _PURGE
        _Obs = Obs

        index = 0
        d: _DataSet | None = None
        ds: Any = None  # the current DataSet element (None between data sets)
        info: DataSetInfo | None = None
        measure: str = "OBS_VALUE"
        obs_dim: str | None = None
        dim_ids: tuple[str, ...] = ()
        dims: dict[str, str]
        batch: list[Obs] = []
        empties: list[Series] = []
        emitted = False
        cur: Any = None  # the element whose observations are being read (Series or DataSet)
        owner: Series | None = None
        pending: list[tuple[str, ...]] = []
        purge = 0
        strip = False  # the current series' observations carry qualified XML attributes
        obs_comps: dict[str, str] = {}
        series_comps: dict[str, str] = {}
        set_comps: dict[str, str] = {}

        for _, el in itertools.chain([("end", first)], events):
            tag = el.tag
            if tag == "Obs":
                p = el.getparent()
                if p is not cur:
                    # first observation of a series, or of a flat data set
                    if d is None or (p is not ds and p.getparent() is not ds):
                        ds = p if _is_dataset(p, root) else p.getparent()
                        if not _is_dataset(ds, root):
                            raise MessageSyntaxError("Obs outside a DataSet", line=el.sourceline)
                        d = self._open(ds, index)
                        info, measure, obs_dim, dim_ids = d.info, d.measure, d.obs_dim, d.dim_ids
                    if p is ds:
                        owner, pending = d.flat_series(el.sourceline), []
                    elif p.tag == "Series":
                        owner, pending = d.series(p, series_comps)
                        series_comps = {}
                    else:
                        raise MessageSyntaxError(
                            f"Obs inside {p.tag}, expected Series or DataSet", line=el.sourceline
                        )
                    cur = p
                    strip = "{" in "".join(el.keys())
                a = dict(el.items())
                value = a.pop(measure, None)
                if p is ds or obs_dim is None:
                    dims = {k: a.pop(k) for k in dim_ids if k in a}
                else:
                    v = a.pop(obs_dim, None)
                    dims = {obs_dim: v} if v is not None else {}
                if strip:
                    _strip_qualified(a)
                if obs_comps:
                    a.update(obs_comps)
                    obs_comps = {}
                if pending:
                    g = d.groups.for_obs(pending, owner.key, dims)  # type: ignore[union-attr]
                    if g:
                        g.update(a)
                        a = g
                batch.append(_Obs(owner, dims, value, a, el.sourceline))  # type: ignore[arg-type]
                if len(batch) >= batch_size:
                    yield DataChunk(info, batch, empties)  # type: ignore[arg-type]
                    batch, empties, emitted = [], [], True
                purge += 1
                if purge >= purge_every:
                    del p[: p.index(el) + 1]
                    purge = 0
            elif tag == "Series":
                if el is not cur:  # a series without observations
                    if d is None or el.getparent() is not ds:
                        ds = el.getparent()
                        if not _is_dataset(ds, root):
                            raise MessageSyntaxError("Series outside a DataSet", line=el.sourceline)
                        d = self._open(ds, index)
                        info, measure, obs_dim, dim_ids = d.info, d.measure, d.obs_dim, d.dim_ids
                    empty, _ = d.series(el, series_comps)
                    empties.append(empty)
                    if len(empties) >= batch_size:
                        yield DataChunk(info, batch, empties)  # type: ignore[arg-type]
                        batch, empties, emitted = [], [], True
                series_comps, cur, owner, pending, purge = {}, None, None, [], 0
                el.clear()
                del ds[: ds.index(el) + 1]
            elif el is ds:
                if batch or empties or not emitted:
                    yield DataChunk(info, batch, empties)  # type: ignore[arg-type]
                batch, empties, emitted = [], [], False
                d = ds = info = cur = owner = None
                index += 1
                del root[: root.index(el) + 1]
            else:
                parent = el.getparent()
                if parent is root:
                    name = local_name(tag)
                    if name == "Header":
                        self.header = parse_header(el)
                    elif name == "DataSet":  # an empty data set
                        d = self._open(el, index)
                        yield DataChunk(d.info, [], [])
                        d = None
                        index += 1
                    del root[: root.index(el) + 1]
                elif _is_dataset(parent, root):
                    if d is None or parent is not ds:
                        ds = parent
                        d = self._open(ds, index)
                        info, measure, obs_dim, dim_ids = d.info, d.measure, d.obs_dim, d.dim_ids
                    if tag == "Group" or (comps and tag == "Atts"):
                        d.attribute_set(el, set_comps)
                        set_comps = {}
                    elif tag == "DataProvider":
                        d.info.provider = parse_provider(el)
                    elif comps and tag == "Comp" and el.get("id"):
                        d.info.attrs[el.get("id")] = comp_value(el)
                    elif local_name(tag) in ("Obs", "Series"):
                        raise MessageSyntaxError(
                            f"{local_name(tag)} must be unqualified in structure-specific data, "
                            f"found {tag}",
                            line=el.sourceline,
                        )
                elif comps and tag == "Comp" and el.get("id") and parent is not None:
                    where = parent.tag
                    if where == "Obs":
                        obs_comps[el.get("id")] = comp_value(el)
                    elif where == "Series":
                        series_comps[el.get("id")] = comp_value(el)
                    else:
                        set_comps[el.get("id")] = comp_value(el)


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
