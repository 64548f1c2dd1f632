"""Streaming reader of SDMX-JSON 1.0 and 2.0 data messages.

Layouts accepted (all found in the wild):

* SDMX-JSON 2.0: ``{"meta", "data": {"structures": [...], "dataSets": [...]}}``; each data set names
  its structure by index (``"structure": 0``), observation arrays hold the measures first, then
  attribute values.
* SDMX-JSON 1.0 as published by the SDMX TWG: ``{"meta", "data": {"structure", "dataSets"}}``.
* SDMX-JSON 1.0 as served by ECB, OECD and the spec samples (what sdmx1 reads):
  ``{"header", "structure", "dataSets"}``.

Series keys and observation keys are ``:``-separated indices into the ``values`` of the dimensions
listed at the ``series`` / ``observation`` level; dimensions at ``dataSet`` level have one value.
Attribute values in ``attributes`` arrays are indices into the attribute's ``values`` (a
non-integer is taken as the value itself, as SDMX-JSON 2.0 allows).

Streaming: the stdlib ``json`` module cannot parse incrementally, so this reader uses ``ijson``
(C backend when available): the small parts of the message (header, structure, one observation
array, one series' attribute list) are materialised, the big containers (``dataSets``, ``series``,
``observations``) are walked event by event, so memory is bounded by ``batch_size`` plus the
structure section.  The structure must be known before observations can be decoded; when a
message puts ``dataSets`` before ``structure`` (ECB does), the first pass skips the data sets and a
second pass over the same stream reads them (a non-seekable stream is first spooled to a temporary
file).  Data-set properties (``action``, ``structure`` …) are expected before its series, as every
producer writes them; if one comes after observations were already handed out, the message is
rejected rather than silently misread.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any, ClassVar

import ijson
from ijson.common import ObjectBuilder

from registry.errors import InvalidReference, MessageSyntaxError
from registry.formats.base import (
    BATCH_SIZE,
    DataChunk,
    DataSetInfo,
    Obs,
    Series,
    StructureResolver,
)
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.refs import ArtefactType, Ref

_STARTS = frozenset({"start_map", "start_array"})
_ENDS = frozenset({"end_map", "end_array"})
_REST_REF = re.compile(
    r"/(?P<res>dataflow|datastructure|provisionagreement)/(?P<agency>[^/]+)/(?P<id>[^/]+)/(?P<version>[^/?#]+)"
)
_REL_TYPES = {
    "dataflow": ArtefactType.DATAFLOW,
    "datastructure": ArtefactType.DATA_STRUCTURE,
    "structure": ArtefactType.DATA_STRUCTURE,
    "provisionagreement": ArtefactType.PROVISION_AGREEMENT,
}
_DATASET_PROPS = {
    "action": "action",
    "validFrom": "valid_from",
    "validTo": "valid_to",
    "reportingBegin": "reporting_begin",
    "reportingEnd": "reporting_end",
}

Events = Iterator[tuple[str, Any]]


def _text(value: Any) -> str | None:
    """A JSON scalar as SDMX text (numbers keep their written digits)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, dict):  # localised text: the first language
        return next((str(v) for v in value.values()), None)
    return str(value)


def _build(events: Events, event: str, value: Any) -> Any:
    """Materialise the JSON value that starts with (event, value)."""
    if event not in _STARTS:
        return value
    builder = ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for ev, val in events:
        builder.event(ev, val)
        if ev in _STARTS:
            depth += 1
        elif ev in _ENDS:
            depth -= 1
            if depth == 0:
                break
    return builder.value


def _skip(events: Events, event: str) -> None:
    """Consume the JSON value that starts with ``event``."""
    if event not in _STARTS:
        return
    depth = 1
    for ev, _ in events:
        if ev in _STARTS:
            depth += 1
        elif ev in _ENDS:
            depth -= 1
            if depth == 0:
                return


def _keys(events: Events) -> Iterator[tuple[str, str, Any]]:
    """Walk a map whose ``start_map`` was consumed: yield (key, first event, first value) per entry.

    The caller must consume each entry's value (``_build``, ``_skip`` or its own walk).
    """
    for ev, val in events:
        if ev == "end_map":
            return
        if ev != "map_key":  # pragma: no cover - ijson guarantees the shape
            raise MessageSyntaxError(f"SDMX-JSON: unexpected {ev} in an object")
        ev2, val2 = next(events)
        yield val, ev2, val2


def _items(events: Events) -> Iterator[tuple[str, Any]]:
    """Walk an array whose ``start_array`` was consumed: yield (first event, value) per item."""
    for ev, val in events:
        if ev == "end_array":
            return
        yield ev, val


def _link_ref(links: Any) -> Ref | None:
    """The structure reference of a ``links`` array (urn preferred, else a REST URL)."""
    if not isinstance(links, list):
        return None
    for link in links:
        if not isinstance(link, dict):
            continue
        rel = str(link.get("rel", "")).lower()
        if rel not in _REL_TYPES and rel != "self":
            continue
        urn = link.get("urn")
        if isinstance(urn, str) and urn.startswith("urn:"):
            try:
                ref = Ref.parse_urn(urn)
            except InvalidReference:
                continue
            if ref.type in _REL_TYPES.values():
                return ref
        href = link.get("href")
        if isinstance(href, str) and rel in _REL_TYPES:
            m = _REST_REF.search(href)
            if m:
                return Ref(_REL_TYPES[m["res"]], m["agency"], m["id"], m["version"])
    return None


class _Structure:
    """Index -> value tables of one ``structure`` section."""

    def __init__(self, raw: Any) -> None:
        if not isinstance(raw, dict) or not isinstance(raw.get("dimensions"), dict):
            raise MessageSyntaxError("SDMX-JSON structure without dimensions")
        self.ref = _link_ref(raw.get("links"))
        dims = raw["dimensions"]
        attrs = raw.get("attributes") or {}
        self.dataset_key = {d["id"]: self._value(d, 0) for d in dims.get("dataSet") or []}
        self.series_dims = [(d["id"], self._table(d)) for d in dims.get("series") or []]
        self.obs_dims = [(d["id"], self._table(d)) for d in dims.get("observation") or []]
        self.dataset_attrs = [(a["id"], self._table(a)) for a in attrs.get("dataSet") or []]
        self.group_attrs = [(a["id"], self._table(a)) for a in attrs.get("dimensionGroup") or []]
        self.series_attrs = [(a["id"], self._table(a)) for a in attrs.get("series") or []]
        self.obs_attrs = [(a["id"], self._table(a)) for a in attrs.get("observation") or []]
        measures = (raw.get("measures") or {}).get("observation")
        #: (id, table) per measure; SDMX-JSON 1.0 has one unnamed primary measure.
        self.measures = [(m["id"], self._table(m)) for m in measures] if measures else [("", [])]
        # Key positions of series dimensions, for dimensionGroupAttributes keys.
        self.all_series_dims = [d for d, _ in self.series_dims]

    @staticmethod
    def _table(component: dict[str, Any]) -> list[str | None]:
        out: list[str | None] = []
        for v in component.get("values") or []:
            if not isinstance(v, dict):
                out.append(_text(v))
            elif "id" in v:
                out.append(str(v["id"]))
            elif "value" in v:
                out.append(_text(v["value"]))
            elif "values" in v:
                out.append(";".join(t for t in map(_text, v["values"]) if t is not None))
            else:
                out.append(_text(v.get("name")))
        return out

    @classmethod
    def _value(cls, component: dict[str, Any], index: int) -> str:
        table = cls._table(component)
        return table[index] or "" if table else ""

    @staticmethod
    def decode_key(key: str, dims: list[tuple[str, list[str | None]]]) -> dict[str, str]:
        out: dict[str, str] = {}
        if not key and not dims:
            return out
        parts = key.split(":")
        if len(parts) != len(dims):
            raise MessageSyntaxError(
                f"SDMX-JSON key {key!r} does not match {len(dims)} dimension(s)"
            )
        for part, (dim, table) in zip(parts, dims, strict=False):
            if part == "":
                continue  # wildcard (dimensionGroupAttributes)
            try:
                out[dim] = table[int(part)] or ""
            except (ValueError, IndexError):
                raise MessageSyntaxError(
                    f"SDMX-JSON key {key!r}: no value {part} for {dim}"
                ) from None
        return out

    @staticmethod
    def decode_attrs(values: Any, attrs: list[tuple[str, list[str | None]]]) -> dict[str, str]:
        out: dict[str, str] = {}
        if not isinstance(values, list):
            return out
        for raw, (aid, table) in zip(values, attrs, strict=False):
            if raw is None:
                continue
            if isinstance(raw, int) and not isinstance(raw, bool) and table:
                if 0 <= raw < len(table):
                    text = table[raw]
                else:
                    raise MessageSyntaxError(f"SDMX-JSON attribute {aid}: no value {raw}")
            else:
                text = _text(raw)
            if text is not None:
                out[aid] = text
        return out


class JsonDataReader:
    """Reader of SDMX-JSON 1.0 and 2.0 data messages (series and flat layouts)."""

    name: ClassVar[str] = "SDMX-JSON data"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.DATA_JSON_10, MediaType.DATA_JSON_20)
    suffixes: ClassVar[tuple[str, ...]] = (".json",)

    @classmethod
    def handles(cls, head: bytes) -> bool:
        """A JSON object that looks like a data message (not a structure message)."""
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith(b"{"):
            return False
        if b"data-schema" in text or b'"dataSets"' in text:
            return True
        structure_keys = (b'"dataStructures"', b'"codelists"', b'"dataflows"', b'"conceptSchemes"')
        if any(k in text for k in structure_keys):
            return False
        return b'"structures"' in text or (b'"structure"' in text and b'"dimensions"' in text)

    def read(
        self, source: IO[bytes], resolve: StructureResolver, *, batch_size: int = BATCH_SIZE
    ) -> Iterator[DataChunk]:
        """Yield the data sets of the message as chunks."""
        spool: IO[bytes] | None = None
        try:
            if not source.seekable():
                spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115
                shutil.copyfileobj(source, spool)
                spool.seek(0)
                source = spool
            start = source.tell()
            yield from self._read(source, start, resolve, batch_size)
        except ijson.JSONError as exc:
            raise MessageSyntaxError(f"Malformed SDMX-JSON: {exc}") from None
        finally:
            if spool is not None:
                spool.close()

    # --- internals ----------------------------------------------------------------------------

    def _read(
        self, source: IO[bytes], start: int, resolve: StructureResolver, batch_size: int
    ) -> Iterator[DataChunk]:
        state = _State(resolve, batch_size)
        events: Events = iter(ijson.basic_parse(source, use_float=False))
        ev, _ = next(events, ("", None))
        if ev != "start_map":
            raise MessageSyntaxError("SDMX-JSON: the message is not a JSON object")
        deferred = False
        errors: Any = None
        for key, ev, val in _keys(events):
            if key == "structure":
                state.structures = [_Structure(_build(events, ev, val))]
            elif key == "dataSets":
                if state.structures:
                    yield from state.datasets(events, ev)
                else:
                    _skip(events, ev)
                    deferred = True
            elif key == "data" and ev == "start_map":
                for dkey, dev, dval in _keys(events):
                    if dkey == "structure":
                        state.structures = [_Structure(_build(events, dev, dval))]
                    elif dkey == "structures":
                        raw = _build(events, dev, dval)
                        state.structures = [_Structure(s) for s in raw or []]
                    elif dkey == "dataSets":
                        if state.structures:
                            yield from state.datasets(events, dev)
                        else:
                            _skip(events, dev)
                            deferred = True
                    else:
                        _skip(events, dev)
            elif key == "errors":
                errors = _build(events, ev, val)
            else:
                _skip(events, ev)
        if deferred:
            if not state.structures:
                raise MessageSyntaxError("SDMX-JSON data message without a structure section")
            source.seek(start)
            events = iter(ijson.basic_parse(source, use_float=False))
            next(events)
            for key, ev, _val in _keys(events):
                if key == "dataSets":
                    yield from state.datasets(events, ev)
                elif key == "data" and ev == "start_map":
                    for dkey, dev, _dval in _keys(events):
                        if dkey == "dataSets":
                            yield from state.datasets(events, dev)
                        else:
                            _skip(events, dev)
                else:
                    _skip(events, ev)
        if state.count == 0 and errors:
            first = errors[0] if isinstance(errors, list) and errors else errors
            raise MessageSyntaxError(f"SDMX-JSON error message, not data: {first}"[:500])


class _State:
    """Per-document state: structures, data-set counter, batching."""

    def __init__(self, resolve: StructureResolver, batch_size: int) -> None:
        self.resolve = resolve
        self.batch_size = batch_size
        self.structures: list[_Structure] = []
        self.count = 0
        self.batch: list[Obs] = []
        self.empty: list[Series] = []
        #: Chunks yielded for the current data set.
        self.flushed = 0

    def datasets(self, events: Events, ev: str) -> Iterator[DataChunk]:
        if ev != "start_array":
            _skip(events, ev)
            return
        for iev, _ in _items(events):
            if iev != "start_map":
                _skip(events, iev)
                continue
            yield from self._dataset(events)
            self.count += 1

    def _dataset(self, events: Events) -> Iterator[DataChunk]:
        info = DataSetInfo(structure_ref=None, index=self.count)
        self.flushed = 0
        structure = self.structures[0]
        started = False
        ds_attrs: Any = None
        group_attrs: dict[str, Any] = {}
        links: Any = None
        base = Series()
        n_series = 0

        def start() -> None:
            nonlocal started
            started = True
            ref = _link_ref(links) or structure.ref
            info.structure_ref = ref
            info.structure = self.resolve(ref)
            info.attrs = structure.decode_attrs(ds_attrs, structure.dataset_attrs)
            obs_ids = [d for d, _ in structure.obs_dims]
            if not structure.series_dims:
                info.dimension_at_observation = "AllDimensions"
            else:
                info.dimension_at_observation = obs_ids[0] if len(obs_ids) == 1 else "AllDimensions"
            base.key = dict(structure.dataset_key)

        for key, ev, val in _keys(events):
            if key in ("series", "observations"):
                if ev != "start_map":
                    _skip(events, ev)
                    continue
                if not started:
                    start()
                if key == "observations":
                    yield from self._observations(events, base, structure, info)
                    continue
                for skey, sev, _sval in _keys(events):
                    if sev != "start_map":
                        _skip(events, sev)
                        continue
                    series = Series(
                        key={
                            **structure.dataset_key,
                            **structure.decode_key(skey, structure.series_dims),
                        },
                        index=n_series,
                    )
                    n_series += 1
                    for attrs_key, values in group_attrs.items():
                        gkey = structure.decode_key(attrs_key, structure.series_dims)
                        if all(series.key.get(k) == v for k, v in gkey.items()):
                            series.attrs.update(
                                structure.decode_attrs(values, structure.group_attrs)
                            )
                    had_obs = False
                    for fkey, fev, fval in _keys(events):
                        if fkey == "attributes":
                            series.attrs.update(
                                structure.decode_attrs(
                                    _build(events, fev, fval), structure.series_attrs
                                )
                            )
                        elif fkey == "observations" and fev == "start_map":
                            before = len(self.batch)
                            for chunk in self._observations(events, series, structure, info):
                                had_obs = True
                                yield chunk
                            had_obs = had_obs or len(self.batch) > before
                        else:
                            _skip(events, fev)
                    if not had_obs:
                        self.empty.append(series)
                        if len(self.batch) + len(self.empty) >= self.batch_size:
                            yield self.flush(info)
            elif key in _DATASET_PROPS or key == "structure":
                value = _build(events, ev, val)
                if key == "structure":
                    try:
                        new = self.structures[int(value)]
                    except (ValueError, TypeError, IndexError):
                        raise MessageSyntaxError(
                            f"SDMX-JSON data set names structure {value!r}"
                        ) from None
                    if started and new is not structure:
                        raise MessageSyntaxError(
                            "SDMX-JSON data set property 'structure' after its data"
                        )
                    structure = new
                else:
                    text = _text(value)
                    if started and key == "action" and text != info.action:
                        raise MessageSyntaxError(
                            "SDMX-JSON data set property 'action' after its data"
                        )
                    setattr(info, _DATASET_PROPS[key], text)
            elif key == "attributes":
                ds_attrs = _build(events, ev, val)
                if started:
                    info.attrs.update(structure.decode_attrs(ds_attrs, structure.dataset_attrs))
            elif key == "dimensionGroupAttributes":
                raw = _build(events, ev, val)
                if isinstance(raw, dict):
                    group_attrs = raw
            elif key == "links":
                links = _build(events, ev, val)
            else:
                _skip(events, ev)
        if not started:
            start()
        if self.batch or self.empty or self.flushed == 0:
            yield self.flush(info)  # an empty data set still gets one (empty) chunk

    def _observations(
        self, events: Events, series: Series, structure: _Structure, info: DataSetInfo
    ) -> Iterator[DataChunk]:
        """Add the observations of an ``observations`` map to ``self.batch``; yield full batches."""
        obs_dims = structure.obs_dims
        obs_attrs = structure.obs_attrs
        measures = structure.measures
        n_measures = len(measures)
        primary_table = measures[0][1]
        size = self.batch_size
        decode_key, decode_attrs = structure.decode_key, structure.decode_attrs
        for okey, ev, val in _keys(events):
            raw = _build(events, ev, val)
            if not isinstance(raw, list):
                raise MessageSyntaxError(f"SDMX-JSON observation {okey!r} is not an array")
            value = raw[0] if raw else None
            if isinstance(value, int) and not isinstance(value, bool) and primary_table:
                value = primary_table[value] if 0 <= value < len(primary_table) else str(value)
            attrs = decode_attrs(raw[n_measures:], obs_attrs) if len(raw) > n_measures else {}
            for i in range(1, min(n_measures, len(raw))):
                mid, table = measures[i]
                mval = raw[i]
                if isinstance(mval, int) and not isinstance(mval, bool) and table:
                    mval = table[mval] if 0 <= mval < len(table) else mval
                text = _text(mval)
                if text is not None:
                    attrs[mid] = text
            self.batch.append(Obs(series, decode_key(okey, obs_dims), _text(value), attrs))
            if len(self.batch) + len(self.empty) >= size:
                yield self.flush(info)

    def flush(self, info: DataSetInfo) -> DataChunk:
        """The pending observations and empty series as a chunk; start new lists."""
        chunk = DataChunk(info, self.batch, self.empty)
        self.batch, self.empty = [], []
        self.flushed += 1
        return chunk
