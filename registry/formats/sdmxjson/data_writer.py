"""Streaming writers of SDMX-JSON 1.0 and 2.0 data messages.

The structure problem: SDMX-JSON lists, in its ``structure`` section, the values of every dimension
and attribute actually used, and observations refer to them by index.  Listing them before the
observations would need the whole answer in memory (or a second query).  These writers exploit the
rule of both field guides that "the ordering of fields in objects is undefined": they write
``dataSets`` **first**, assigning indices in order of first appearance while streaming, and the
``structure`` section **last**, from the value tables built on the way.  Memory is bounded by the
number of distinct values (the codelists' size, plus distinct free-text attribute values), never by
the number of observations, and there is a single pass over ``series``.  (The registry's own
``JsonDataReader`` handles this order with a second pass; sdmx1 and the JavaScript tools read the
whole document anyway.)

Layouts: series (``dimensionAtObservation`` = one dimension, default ``TIME_PERIOD``) and flat
(``AllDimensions``: every dimension at observation level, observations directly in the data set).
Attributes are placed at the level where the data carries them (data-set, series, observation);
their position in the ``attributes`` arrays is fixed at first appearance, so arrays written
earlier may be shorter than the final list, which readers treat as trailing nulls.

Envelopes:

* ``JsonDataWriter20``: SDMX-JSON 2.0.0 ``{"meta", "data": {"dataSets", "structures"}}``.
* ``JsonDataWriter10()``: the official SDMX-JSON 1.0 schema layout ``{"meta", "data": {"dataSets",
  "structure"}}``, valid against ``sdmx-json-data-schema.json`` 1.0.
* ``JsonDataWriter10(layout="legacy")``: ``{"header", "dataSets", "structure"}``, the form ECB, OECD
  and the SDMX-JSON 1.0 samples use and the only one sdmx1 (``sdmx.read_sdmx``) reads.  Its
  ``header``, ``structure`` and each data set are valid against the same schema's definitions.

Observation values that are plain decimals (``-?digits[.digits]``) are written as JSON numbers with
their digits unchanged (``1.50`` stays ``1.50``); everything else is a JSON string.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from registry.formats.base import DataSetInfo, OutSeries, ResolvedStructure, WriteOptions
from registry.formats.sdmxcsv.writer import NameLookup, structure_ref
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import DataAttribute, DataStructure

_ID = re.compile(r"^[A-Za-z0-9_@$\-]+$")
_NUMBER = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d+)?$")
_ACTIONS = {"Information", "Append", "Replace", "Delete"}
_FLUSH = 1 << 16
SCHEMA_URLS = {
    "1.0": "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/tools/schemas/1.0/sdmx-json-data-schema.json",
    "2.0": "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/tools/schemas/2.0.0/sdmx-json-data-schema.json",
}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _value(text: str | None) -> str:
    """An observation value as JSON: a number when its digits survive unchanged, else a string."""
    if text is None:
        return "null"
    if _NUMBER.match(text) and text != "-0":
        return text
    return _dumps(text)


class _Table:
    """Distinct values of one component, indexed in order of first appearance."""

    __slots__ = ("index",)

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, value: str) -> int:
        i = self.index.get(value)
        if i is None:
            i = self.index[value] = len(self.index)
        return i


class _Level:
    """Attributes at one level (data set, series, observation); positions fixed at first use."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.tables: dict[str, _Table] = {}

    def encode(self, attrs: dict[str, str]) -> list[int | None]:
        for aid in attrs:
            if aid not in self.tables:
                self.ids.append(aid)
                self.tables[aid] = _Table()
        out: list[int | None] = [None] * len(self.ids)
        last = -1
        for n, aid in enumerate(self.ids):
            v = attrs.get(aid)
            if v is not None:
                out[n] = self.tables[aid](v)
                last = n
        return out[: last + 1]


class _JsonDataWriter:
    """Shared machinery; subclasses set the version and envelope."""

    name: ClassVar[str] = "SDMX-JSON data"
    media_types: ClassVar[tuple[MediaType, ...]] = ()
    version: ClassVar[str] = "2.0"

    def __init__(self, names: NameLookup | None = None) -> None:
        self.names = names

    def _name(self, component: str, code: str | None) -> str:
        if self.names is not None:
            found = self.names(component, code)
            if found:
                return found
        return code if code is not None else component

    # --- envelope ------------------------------------------------------------------------------

    def _meta(self, options: WriteOptions) -> dict[str, Any]:
        header = options.header
        msg_id = re.sub(r"[^A-Za-z0-9_@$\-]", "_", header.get("id") or f"IDREF{uuid.uuid4().hex}")
        prepared = header.get("prepared") or _dt.datetime.now(_dt.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        sender = re.sub(r"[^A-Za-z0-9_@$\-]", "_", header.get("sender") or "IDAC")
        return {
            "schema": SCHEMA_URLS[self.version],
            "id": msg_id,
            "test": False,
            "prepared": prepared,
            "contentLanguages": list(options.langs[:1]) or ["en"],
            "sender": {"id": sender, "name": header.get("sender_name") or sender},
        }

    def _open(self, options: WriteOptions) -> str:
        return '{"meta":' + _dumps(self._meta(options)) + ',"data":{"dataSets":['

    def _close(self, structure_json: dict[str, Any]) -> str:
        return '],"structures":[' + _dumps(structure_json) + "]}}"

    # --- writing -------------------------------------------------------------------------------

    def write(
        self,
        structure: ResolvedStructure,
        dataset: DataSetInfo,
        series: Iterable[OutSeries],
        options: WriteOptions,
    ) -> Iterator[bytes]:
        """Yield the message in pieces of about 64 KiB: data set first, structure section last."""
        dsd = structure.dsd
        ref = structure_ref(structure, dataset)
        links = [{"rel": ref.type.rest_v1, "urn": ref.urn}]
        flat = options.dimension_at_observation == "AllDimensions"
        dim_ids = [d.id for d in dsd.dimensions]
        obs_dims = (
            dim_ids if flat else [d for d in dim_ids if d == options.dimension_at_observation]
        )
        if not flat and not obs_dims:
            obs_dims = [dim_ids[-1]] if dim_ids else []
        series_dims = [] if flat else [d for d in dim_ids if d not in obs_dims]
        tables = {d: _Table() for d in dim_ids}
        measure_ids = [m.id for m in dsd.measures] or ["OBS_VALUE"]
        extra_measures = measure_ids[1:] if self.version == "2.0" else []
        ds_level, series_level, obs_level = _Level(), _Level(), _Level()
        with_attrs = options.detail not in ("dataonly", "serieskeysonly")
        with_obs = options.detail not in ("serieskeysonly", "nodata")

        out: list[str] = [self._open(options)]
        size = 0
        head: dict[str, Any] = {}
        if self.version == "2.0":
            head["structure"] = 0
        head["action"] = (
            dataset.action
            if dataset.action in _ACTIONS
            else ("Append" if dataset.action == "Merge" else "Information")
        )
        for key, attr in (
            ("validFrom", dataset.valid_from),
            ("validTo", dataset.valid_to),
            ("reportingBegin", dataset.reporting_begin),
            ("reportingEnd", dataset.reporting_end),
        ):
            if attr:
                head[key] = attr
        head["links"] = links
        if with_attrs and dataset.attrs:
            head["attributes"] = ds_level.encode(dataset.attrs)
        piece = _dumps(head)[:-1]  # leave the object open
        out.append(piece)
        out.append(',"observations":{' if flat else ',"series":{')
        first_series = first_obs = True

        for s in series:
            if flat:
                base_attrs = s.attrs if with_attrs else {}
                for o in s.observations if with_obs else ():
                    full_key = {**s.key, **o.dims}
                    okey = ":".join(str(tables[d](full_key.get(d, ""))) for d in obs_dims)
                    attrs = {**base_attrs, **o.attrs} if with_attrs else {}
                    piece = self._obs(okey, o.value, attrs, extra_measures, obs_level)
                    out.append(piece if first_obs else "," + piece)
                    first_obs = False
                    size += len(piece)
                    if size > _FLUSH:
                        yield "".join(out).encode("utf-8")
                        out, size = [], 0
                continue
            skey = ":".join(str(tables[d](s.key.get(d, ""))) for d in series_dims)
            body: list[str] = []
            if with_attrs:
                body.append('"attributes":' + _dumps(series_level.encode(s.attrs)))
            out.append(("" if first_series else ",") + _dumps(skey) + ":{" + ",".join(body))
            first_series = False
            if with_obs:
                out.append(("," if body else "") + '"observations":{')
                first = True
                for o in s.observations:
                    okey = ":".join(str(tables[d](o.dims.get(d, ""))) for d in obs_dims)
                    piece = self._obs(
                        okey, o.value, o.attrs if with_attrs else {}, extra_measures, obs_level
                    )
                    out.append(piece if first else "," + piece)
                    first = False
                    size += len(piece)
                    if size > _FLUSH:
                        yield "".join(out).encode("utf-8")
                        out, size = [], 0
                out.append("}")
            out.append("}")
        out.append("}}")
        struct = self._structure(
            dsd,
            links,
            tables,
            series_dims,
            obs_dims,
            measure_ids,
            ds_level,
            series_level,
            obs_level,
            options,
        )
        out.append(self._close(struct))
        yield "".join(out).encode("utf-8")

    def _obs(
        self,
        okey: str,
        value: str | None,
        attrs: dict[str, str],
        extra_measures: list[str],
        level: _Level,
    ) -> str:
        parts = [_value(value)]
        if extra_measures:
            attrs = dict(attrs)
            parts += [_value(attrs.pop(m, None)) for m in extra_measures]
        if attrs:
            parts += ["null" if i is None else str(i) for i in level.encode(attrs)]
        return _dumps(okey) + ":[" + ",".join(parts) + "]"

    # --- structure section -----------------------------------------------------------------------

    def _dim_value(self, dim: str, value: str) -> dict[str, Any]:
        if self.version == "2.0" and not _ID.match(value):
            return {"value": value}
        return {"id": value, "name": self._name(dim, value)}

    def _attr_value(self, attr: str, value: str, coded: bool) -> dict[str, Any]:
        if coded and _ID.match(value):
            return {"id": value, "name": self._name(attr, value)}
        return {"value": value} if self.version == "2.0" else {"name": value}

    def _relationship(
        self,
        dsd: DataStructure,
        attr: DataAttribute | None,
        level: str,
        series_dims: list[str],
        primary: str,
    ) -> dict[str, Any]:
        rel = attr.relationship if attr is not None else None
        kind = (
            rel.kind
            if rel is not None
            else {"dataSet": "dataset", "series": "dimensions", "observation": "observation"}[level]
        )
        dims: list[str] = []
        if rel is not None and kind == "dimensions":
            dims = list(rel.dimensions)
        elif rel is not None and kind == "group":
            group = next((g for g in dsd.groups if g.id == rel.group), None)
            dims = list(group.dimensions) if group is not None else []
        elif kind == "dimensions":
            dims = series_dims
        if kind in ("dimensions", "group") and dims:
            return {"dimensions": dims}
        if kind == "dataset" or (kind in ("dimensions", "group") and level == "dataSet"):
            return {"dataflow": {}} if self.version == "2.0" else {"none": {}}
        if kind in ("dimensions", "group"):
            return (
                {"dimensions": series_dims}
                if series_dims
                else ({"observation": {}} if self.version == "2.0" else {"primaryMeasure": primary})
            )
        return {"observation": {}} if self.version == "2.0" else {"primaryMeasure": primary}

    def _structure(
        self,
        dsd: DataStructure,
        links: list[dict[str, str]],
        tables: dict[str, _Table],
        series_dims: list[str],
        obs_dims: list[str],
        measure_ids: list[str],
        ds_level: _Level,
        series_level: _Level,
        obs_level: _Level,
        options: WriteOptions,
    ) -> dict[str, Any]:
        positions = {d.id: n for n, d in enumerate(dsd.dimensions)}
        time_ids = {d.id for d in dsd.dimensions if d.kind == "time"}

        def dim(d: str) -> dict[str, Any] | None:
            values = list(tables[d].index)
            if not values:
                return None  # no data: SDMX-JSON requires at least one value
            entry: dict[str, Any] = {
                "id": d,
                "name": self._name(d, None),
                "keyPosition": positions[d],
            }
            if d in time_ids:
                entry["roles"] = ["TIME_PERIOD"]
            entry["values"] = [self._dim_value(d, v) for v in values]
            return entry

        attrs_by_id = {a.id: a for a in dsd.attributes}
        primary = measure_ids[0]

        def attr(aid: str, level_name: str, level: _Level) -> dict[str, Any]:
            a = attrs_by_id.get(aid)
            coded = (
                a is not None
                and a.local_representation is not None
                and a.local_representation.enumeration is not None
            )
            return {
                "id": aid,
                "name": self._name(aid, None),
                "relationship": self._relationship(dsd, a, level_name, series_dims, primary),
                "values": [self._attr_value(aid, v, coded) for v in level.tables[aid].index],
            }

        result: dict[str, Any] = {"links": links, "name": self._name(dsd.id, None)}
        result["dimensions"] = {
            "dataSet": [],
            "series": [e for e in map(dim, series_dims) if e is not None],
            "observation": [e for e in map(dim, obs_dims) if e is not None],
        }
        if self.version == "2.0":
            result["measures"] = {
                "observation": [{"id": m, "name": self._name(m, None)} for m in measure_ids]
            }
        result["attributes"] = {
            "dataSet": [attr(a, "dataSet", ds_level) for a in ds_level.ids],
            "series": [attr(a, "series", series_level) for a in series_level.ids],
            "observation": [attr(a, "observation", obs_level) for a in obs_level.ids],
        }
        if self.version == "2.0":
            result["dataSets"] = [0]
        return result


class JsonDataWriter20(_JsonDataWriter):
    """SDMX-JSON 2.0.0 data message."""

    name: ClassVar[str] = "SDMX-JSON 2.0 data"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.DATA_JSON_20,)
    version: ClassVar[str] = "2.0"


class JsonDataWriter10(_JsonDataWriter):
    """SDMX-JSON 1.0.0 data message: official envelope, or ``layout="legacy"`` for sdmx1 and co."""

    name: ClassVar[str] = "SDMX-JSON 1.0 data"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.DATA_JSON_10,)
    version: ClassVar[str] = "1.0"

    def __init__(self, names: NameLookup | None = None, *, layout: str = "official") -> None:
        super().__init__(names)
        if layout not in ("official", "legacy"):
            raise ValueError(f"layout must be 'official' or 'legacy', not {layout!r}")
        self.layout = layout

    def _open(self, options: WriteOptions) -> str:
        if self.layout == "legacy":
            meta = self._meta(options)
            header = {k: meta[k] for k in ("id", "test", "prepared", "sender")}
            return '{"header":' + _dumps(header) + ',"dataSets":['
        return super()._open(options)

    def _close(self, structure_json: dict[str, Any]) -> str:
        if self.layout == "legacy":
            return '],"structure":' + _dumps(structure_json) + "}"
        return '],"structure":' + _dumps(structure_json) + "}}"
