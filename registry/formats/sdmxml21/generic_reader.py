"""Streaming reader of SDMX-ML 2.1 GenericData and GenericTimeSeriesData.

Generic data spells every component out as ``<generic:Value id=… value=…/>`` inside a container
(``SeriesKey``, ``Attributes``, ``ObsKey``, ``GroupKey``), so no DSD is needed to tell dimensions
from attributes; the structure is still resolved so ``DataSetInfo.structure`` is filled like every
reader.

Layouts (SDMX 2.1 section 3A, "Generic Data"): ``<generic:Series>`` with ``SeriesKey``, optional
``Attributes`` and ``<generic:Obs>`` (``ObsDimension``, ``ObsValue``, ``Attributes``); or flat
``<generic:Obs>`` directly in the data set with a full ``ObsKey`` (``dimensionAtObservation=
AllDimensions``, e.g. BIS ``BIS_DER-gen_all.xml``).  ``<generic:Group>`` elements come first; their
attributes go into the matching series' ``attrs`` (or the observations' when the group key uses the
observation dimension).  ``GenericTimeSeriesData`` uses the same elements.

Each ``Value`` is handled at its start event (attributes are complete then) and written into the
dict of the innermost open container (``target``); elements are removed from the tree as in the
structure-specific reader so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any, ClassVar

from lxml import etree

from registry.formats.base import BATCH_SIZE, DataChunk, Obs, Series, StructureResolver
from registry.formats.sdmxml21 import namespaces as ns
from registry.formats.sdmxml_common import (
    Dialect,
    GroupIndex,
    MessageParse,
    parse_provider,
    sniff_root,
)
from registry.sdmx.mediatypes import MediaType

_PURGE = 1000

DIALECT_GENERIC_21 = Dialect("2.1", ns.MES, frozenset({"GenericData", "GenericTimeSeriesData"}))

_G = f"{{{ns.GEN}}}"
VALUE, OBS, OBS_DIM, OBS_VALUE, OBS_KEY = (
    _G + "Value",
    _G + "Obs",
    _G + "ObsDimension",
    _G + "ObsValue",
    _G + "ObsKey",
)
ATTRIBUTES, SERIES, SERIES_KEY, GROUP, GROUP_KEY = (
    _G + "Attributes",
    _G + "Series",
    _G + "SeriesKey",
    _G + "Group",
    _G + "GroupKey",
)
DATA_PROVIDER = (_G + "DataProvider", "DataProvider")


class _Parse(MessageParse):
    """Per-message state of one generic read."""

    __slots__ = ()

    def _dataset(self, events: Any, ds: etree._Element, index: int) -> Iterator[DataChunk]:  # noqa: C901
        info, _ = self._dataset_info(ds, index)
        dao = info.dimension_at_observation
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
        # the dict the next <Value> goes into
        target: dict[str, str] | None = None
        obs_dims: dict[str, str] = {}
        obs_attrs: dict[str, str] = {}
        obs_value: str | None = None
        in_obs = False
        series_key: dict[str, str] = {}
        group_key: dict[str, str] | None = None
        group_attrs: dict[str, str] = {}
        _Obs = Obs

        for ev, el in events:
            tag = el.tag
            if ev == "start":
                if tag == VALUE:
                    if target is not None:
                        target[el.get("id", "")] = el.get("value", "")
                elif tag == OBS:
                    obs_dims, obs_attrs, obs_value, in_obs, target = {}, {}, None, True, None
                elif tag == OBS_DIM:
                    obs_dims[el.get("id") or dao] = el.get("value", "")
                elif tag == OBS_VALUE:
                    obs_value = el.get("value")
                elif tag == ATTRIBUTES:
                    if in_obs:
                        target = obs_attrs
                    elif series is not None:
                        target = series.attrs
                    elif group_key is not None:
                        target = group_attrs
                    else:
                        target = info.attrs
                elif tag == OBS_KEY:
                    target = obs_dims
                elif tag == SERIES:
                    series_key, target = {}, None
                elif tag == SERIES_KEY:
                    target = series_key
                elif tag == GROUP:
                    group_key, group_attrs, target = {}, {}, None
                elif tag == GROUP_KEY:
                    target = group_key
            elif tag == OBS:
                if series is not None:
                    owner = series
                else:
                    if flat_series is None:
                        flat_series = Series(line=el.sourceline)
                    owner = flat_series
                a = obs_attrs
                if pending:
                    g = groups.for_obs(pending, owner.key, obs_dims)
                    if g:
                        g.update(a)
                        a = g
                batch.append(_Obs(owner, obs_dims, obs_value, a, el.sourceline))
                in_obs, target, has_obs = False, None, True
                if len(batch) >= batch_size:
                    yield DataChunk(info, batch, empties)
                    batch, empties, emitted = [], [], True
                purge += 1
                if purge >= _PURGE:
                    parent = el.getparent()
                    del parent[: parent.index(el) + 1]
                    purge = 0
            elif tag == SERIES_KEY:
                # the key is complete: create the series with its groups' attributes; its own
                # <Attributes> (which follow) override them.
                g, pending = groups.for_series(series_key) if groups else ({}, [])
                series = Series(series_key, g, el.getparent().sourceline, n_series)
                n_series += 1
                has_obs, target = False, None
            elif tag == SERIES:
                if series is not None and not has_obs:
                    empties.append(series)
                    if len(empties) >= batch_size:
                        yield DataChunk(info, batch, empties)
                        batch, empties, emitted = [], [], True
                series, pending, purge, target = None, [], 0, None
                el.clear()
                del ds[: ds.index(el) + 1]
            elif tag == GROUP:
                if group_key:
                    groups.add(group_key, group_attrs)
                group_key, target = None, None
            elif el is ds:
                break
            elif tag in DATA_PROVIDER:
                info.provider = parse_provider(el)
            elif tag == ATTRIBUTES:
                target = None
        if batch or empties or not emitted:
            yield DataChunk(info, batch, empties)


class GenericDataReader21:
    """SDMX-ML 2.1 GenericData and GenericTimeSeriesData."""

    name: ClassVar[str] = "SDMX-ML 2.1 GenericData"
    media_types: ClassVar[tuple[MediaType, ...]] = (
        MediaType.GENERIC_DATA_21,
        MediaType.GENERIC_TS_DATA_21,
    )
    suffixes: ClassVar[tuple[str, ...]] = (".xml",)
    dialect: ClassVar[Dialect] = DIALECT_GENERIC_21

    @classmethod
    def handles(cls, head: bytes) -> bool:
        """True if the root element is a 2.1 GenericData or GenericTimeSeriesData message."""
        root = sniff_root(head)
        if root is None or root.local not in cls.dialect.roots:
            return False
        if root.namespace is None:
            return root.prefix is not None and cls.dialect.mes.encode() in head
        return root.namespace == cls.dialect.mes

    def read(
        self, source: IO[bytes], resolve: StructureResolver, *, batch_size: int = BATCH_SIZE
    ) -> Iterator[DataChunk]:
        """Yield the data sets of the message as chunks of at most ``batch_size`` observations."""
        return _Parse(self.dialect, self.name, resolve, batch_size).run(source)
