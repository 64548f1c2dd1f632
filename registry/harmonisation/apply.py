"""Apply a compiled map to a stream of ``DataChunk``s: national structure in, IDAC DSD out.

Where it sits: reader → **map** → validator → loader.  ``Harmoniser.apply(chunks)`` yields chunks in
the target structure; every output observation is a ``MappedObs`` that keeps the national key(s) it
came from (``national_keys``) beside its IDAC key (``idac_key``), so a validation report can show both
(``national_key_of(obs)``).

**Many-to-one maps sum.**  When several national values map to one IDAC value (national ages 0–2 and
3–4 both to Y0T4) the observations that land on the same IDAC key and period are summed:

* counts: Σ values (``UNIT_MULT`` normalised to 0 when the parts differ); ``NUMER_VALUE`` and
  ``DENOM_VALUE`` are summed too when every part has them;
* percentages and rates (``UNIT_MEASURE`` PCNT, PER1000, PER100000, RATIO, or an indicator annotated
  ``STOCK_FLOW=RATE``): never summed — recomputed as ``scale × Σ NUMER_VALUE / Σ DENOM_VALUE``; without
  numerators and denominators on every part the harmonisation is refused (``RateNotSummable``);
* flags: a part without a value makes the sum missing (its ``OBS_STATUS`` is kept); ``OBS_STATUS`` takes
  the strongest of E, P, U, B, then the first; ``CONF_STATUS`` the most restrictive of N, C, E, D, S
  (``A``, a small-count flag, is dropped: the sum is recomputed for disclosure anyway); other
  attributes are kept when the parts agree and dropped when they do not.

**Bounded memory.**  A sum is complete when every national value the map sends to that IDAC value has
arrived: the expected parts are known from the map (``ValueLookup.parts_of``; values matched by a
regular expression count as one part, since expressions recognise spellings rather than aggregate), so
a sum is emitted — and forgotten — as soon as its last part arrives.  In a series-ordered file whose national
series of one IDAC series are adjacent (the usual layout), the pending set therefore holds about one
series' worth of periods.  When parts arrive far apart,
pending sums accumulate up to ``max_pending`` (default 100 000 cells); beyond that they are **spilled**
to a temporary SQLite file (JSON rows keyed by IDAC key and period, merged on arrival) and streamed out
in key order at the end.  Maps without any many-to-one rule never buffer: each observation is mapped
and passed on at once.  Incomplete sums at the end (a national band missing from the file) are not
emitted (an undercount would pass validation) and are counted in ``report.incomplete`` with examples.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from registry.errors import Unprocessable
from registry.formats.base import DataChunk, DataSetInfo, Obs, ResolvedStructure, Series
from registry.harmonisation.maps import CompiledMap, check_value_band
from registry.sdmx.model import Codelist, DataStructure
from registry.sdmx.refs import Ref

RATE_SCALE: dict[str, float] = {
    "PCNT": 100.0,
    "PER1000": 1000.0,
    "PER100000": 100000.0,
    "RATIO": 1.0,
}
_OBS_STATUS_ORDER = ("E", "P", "U", "B")
_CONF_ORDER = ("N", "C", "E", "D", "S")
_EXAMPLES = 20
_SERIES_CACHE = 10_000


class RateNotSummable(Unprocessable):
    """Percentages or rates would have to be summed: refused."""


@dataclass(slots=True)
class MappedObs(Obs):
    """An observation in the IDAC structure that remembers the national observation(s) it came from."""

    national_keys: tuple[str, ...] = ()

    @property
    def idac_key(self) -> str:
        """The IDAC series key (dimension values joined by ``.``) and period."""
        key = ".".join(self.series.key.values())
        period = next(iter(self.dims.values()), "")
        return f"{key} {period}".strip()


def national_key_of(obs: Obs) -> tuple[str, ...]:
    """The national key(s) of a mapped observation (empty for an observation that was not mapped)."""
    return getattr(obs, "national_keys", ())


@dataclass(slots=True)
class HarmonisationReport:
    """What the harmonisation did: counts and a few examples."""

    read: int = 0
    emitted: int = 0
    summed: int = 0
    unmapped: dict[str, int] = field(default_factory=dict)
    incomplete: int = 0
    spilled: int = 0
    examples: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if len(self.examples) < _EXAMPLES:
            self.examples.append(text)


@dataclass(slots=True)
class _Part:
    value: str | None
    attrs: dict[str, str]
    series_attrs: dict[str, str]
    national: str
    line: int | None


@dataclass(slots=True)
class _Pending:
    key: tuple[str, ...]
    period: str
    parts: dict[str, _Part]
    expected: set[str] | None


def _number(text: str | None) -> float | None:
    if text is None or text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _fmt(v: float) -> str:
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else format(v, ".10g")


def rate_indicators(target: DataStructure, codelists: Mapping[Ref, Codelist]) -> frozenset[str]:
    """Indicator codes annotated ``STOCK_FLOW=RATE`` or with a rate ``UNIT`` (CL_IDAC_INDICATOR)."""
    comp = target.component("INDICATOR")
    rep = comp.local_representation if comp is not None else None
    cl = codelists.get(rep.enumeration.maintainable) if rep and rep.enumeration else None
    out = set()
    for item in cl.items if cl is not None else ():
        for a in item.annotations:
            text = next(iter(a.text.values()), a.title or "")
            if (a.type == "STOCK_FLOW" and text == "RATE") or (
                a.type == "UNIT" and text in RATE_SCALE
            ):
                out.add(item.id)
    return frozenset(out)


class Harmoniser:
    """Maps chunks of one national structure onto the target structure (see the module docstring)."""

    def __init__(
        self,
        compiled: CompiledMap,
        target: ResolvedStructure,
        *,
        source_dsd: DataStructure | None = None,
        codelists: Mapping[Ref, Codelist] | None = None,
        max_pending: int = 100_000,
    ) -> None:
        self.map = compiled
        self.target = target
        dsd = target.dsd
        self.key_dims = [d.id for d in dsd.dimensions if d.kind != "time"]
        time = dsd.time_dimension
        self.time_id = time.id if time is not None else "TIME_PERIOD"
        self.measure_id = dsd.primary_measure.id if dsd.primary_measure else "OBS_VALUE"
        self.obs_attrs = frozenset(
            a.id for a in dsd.attributes if a.relationship.kind == "observation"
        )
        self.target_ids = frozenset(
            [*self.key_dims, self.time_id, self.measure_id, *(a.id for a in dsd.attributes)]
        )
        s_time = source_dsd.time_dimension if source_dsd is not None else None
        self.source_time = s_time.id if s_time is not None else "TIME_PERIOD"
        s_measure = source_dsd.primary_measure if source_dsd is not None else None
        self.source_measure = s_measure.id if s_measure is not None else "OBS_VALUE"
        self.rates = rate_indicators(dsd, codelists or {})
        self.summing = compiled.summing
        self.max_pending = max_pending
        self.report = HarmonisationReport()
        self._checked: set[tuple[str, str, str]] = set()
        self._pending: dict[tuple[tuple[str, ...], str], _Pending] = {}
        self._spill: sqlite3.Connection | None = None
        self._series: OrderedDict[tuple[Any, ...], Series] = OrderedDict()
        self._datasets: dict[int, DataSetInfo] = {}
        self._last_ds: DataSetInfo | None = None

    # --- mapping one record ---------------------------------------------------------------------

    def _record(self, ds: DataSetInfo, o: Obs) -> dict[str, str]:
        rec = {**ds.attrs, **o.series.attrs, **o.series.key, **o.attrs, **o.dims}
        if o.value is not None:
            rec[self.source_measure] = o.value
        return rec

    def map_record(self, rec: Mapping[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
        """The target record of a national record, and the national values of many-to-one rules."""
        start = _period_start(rec.get(self.source_time))
        out: dict[str, str] = {}
        combo: list[str] = []
        for rule in self.map.rules:
            values = tuple(rec.get(s) for s in rule.sources)
            if any(v is None for v in values):
                continue
            vals: tuple[str, ...] = tuple(v for v in values if v is not None)
            if rule.lookup is None:
                out.update(zip(rule.targets, vals, strict=True))
                continue
            found = rule.lookup.match(vals, start)
            targets = found[0] if found is not None else None
            if targets is None:
                label = f"{'+'.join(rule.sources)}={'+'.join(vals)}"
                self.report.unmapped[label] = self.report.unmapped.get(label, 0) + 1
                targets = (
                    vals
                    if len(vals) == len(rule.targets)
                    else tuple("+".join(vals) for _ in rule.targets)
                )
            elif found is not None and found[1]:
                for t_comp, t_val in zip(rule.targets, targets, strict=True):
                    for s_val in vals:
                        if (t_comp, s_val, t_val) not in self._checked:
                            check_value_band(self.map, t_comp, s_val, t_val)
                            self._checked.add((t_comp, s_val, t_val))
            out.update(zip(rule.targets, targets, strict=True))
            if rule.lookup.many_to_one:
                via_regex = found is not None and found[1]
                combo.append("~" + "+".join(targets) if via_regex else "+".join(vals))
        set_by_map = self.map.targets_set
        for comp, value in rec.items():
            if comp in self.target_ids and comp not in out and comp not in set_by_map:
                out[comp] = value
        out.update(self.map.fixed)
        if self.measure_id not in out and self.source_measure in rec:
            out[self.measure_id] = rec[self.source_measure]
        if self.time_id not in out and self.source_time in rec:
            out[self.time_id] = rec[self.source_time]
        return out, tuple(combo)

    def _expected(self, rec: Mapping[str, str], period: str) -> set[str]:
        """The national parts (combinations of values of many-to-one rules) a target cell needs."""
        start = _period_start(period)
        sets: list[list[str]] = []
        for rule in self.map.rules:
            if rule.lookup is None or not rule.lookup.many_to_one:
                continue
            targets = tuple(rec.get(t, "") for t in rule.targets)
            sets.append(sorted(rule.lookup.parts_of(targets, start)))
        out = {""}
        for options in sets:
            out = {f"{a}|{b}" if a else b for a in out for b in options}
        return out

    # --- streaming ------------------------------------------------------------------------------

    def apply(self, chunks: Iterable[DataChunk]) -> Iterator[DataChunk]:
        """The chunks in the target structure (see the module docstring)."""
        for chunk in chunks:
            yield self.feed(chunk)
        yield from self.finish()

    def feed(self, chunk: DataChunk) -> DataChunk:
        """Map one chunk (sums whose parts are all in are included; the others wait)."""
        ds = self._dataset(chunk.dataset)
        self._last_ds = ds
        out = DataChunk(ds)
        for o in chunk.observations:
            self.report.read += 1
            self._one(chunk.dataset, o, out.observations)
        for s in chunk.empty_series:
            rec, _combo = self.map_record({**chunk.dataset.attrs, **s.attrs, **s.key})
            out.empty_series.append(
                self._series_of({d: rec.get(d, "") for d in self.key_dims}, self._series_attrs(rec))
            )
        self.report.emitted += len(out.observations)
        return out

    def finish(self) -> Iterator[DataChunk]:
        """The sums still pending at the end of the input (complete ones only)."""
        if self._last_ds is not None and (self._pending or self._spill is not None):
            yield from self._drain(self._last_ds)

    def _dataset(self, ds: DataSetInfo) -> DataSetInfo:
        mapped = self._datasets.get(id(ds))
        if mapped is None:
            ref = self.target.dataflow.ref if self.target.dataflow else self.target.dsd.ref
            attrs = {k: v for k, v in ds.attrs.items() if k in self.target_ids}
            mapped = DataSetInfo(
                ref,
                self.target,
                ds.action,
                self.time_id,
                attrs,
                ds.provider,
                ds.valid_from,
                ds.valid_to,
                ds.reporting_begin,
                ds.reporting_end,
                ds.index,
            )
            self._datasets = {id(ds): mapped}
        return mapped

    def _national(self, o: Obs) -> str:
        key = ".".join(
            {**o.series.key, **{k: v for k, v in o.dims.items() if k != self.source_time}}.values()
        )
        period = o.dims.get(self.source_time) or o.series.key.get(self.source_time, "")
        return f"{key} {period}".strip()

    def _series_attrs(self, rec: Mapping[str, str]) -> dict[str, str]:
        return {
            a: v
            for a, v in rec.items()
            if a in self.target_ids
            and a not in self.obs_attrs
            and a not in self.key_dims
            and a not in (self.time_id, self.measure_id)
        }

    def _series_of(self, key: dict[str, str], attrs: dict[str, str]) -> Series:
        ck = (tuple(key.values()), tuple(sorted(attrs.items())))
        s = self._series.get(ck)
        if s is None:
            s = Series(key, attrs, index=len(self._series))
            self._series[ck] = s
            if len(self._series) > _SERIES_CACHE:
                self._series.popitem(last=False)
        else:
            self._series.move_to_end(ck)
        return s

    def _emit(
        self,
        key: tuple[str, ...],
        period: str,
        value: str | None,
        attrs: dict[str, str],
        ser_attrs: dict[str, str],
        national: tuple[str, ...],
        line: int | None,
    ) -> MappedObs:
        series = self._series_of(dict(zip(self.key_dims, key, strict=True)), ser_attrs)
        return MappedObs(series, {self.time_id: period}, value, attrs, line, None, None, national)

    def _one(self, ds: DataSetInfo, o: Obs, out: list[Obs]) -> None:
        rec, combo = self.map_record(self._record(ds, o))
        key = tuple(rec.get(d, "") for d in self.key_dims)
        period = rec.get(self.time_id, "")
        value = rec.get(self.measure_id)
        attrs = {a: v for a, v in rec.items() if a in self.obs_attrs}
        ser_attrs = self._series_attrs(rec)
        national = self._national(o)
        if not self.summing or o.action in ("D", "Delete") or ds.action == "Delete":
            out.append(self._emit(key, period, value, attrs, ser_attrs, (national,), o.line))
            return
        part = _Part(value, attrs, ser_attrs, national, o.line)
        pend = self._pending.get((key, period))
        if pend is None and self._spill is not None:
            pend = self._unspill(key, period)
        if pend is None:
            pend = _Pending(key, period, {}, self._expected(rec, period))
        name = "|".join(combo)
        if name in pend.parts:
            raise Unprocessable(
                f"National observations {pend.parts[name].national} and {national} both map to "
                f"IDAC {'.'.join(key)} {period} through the same national codes: duplicate data."
            )
        pend.parts[name] = part
        if pend.expected is not None and set(pend.parts) >= pend.expected:
            self._pending.pop((key, period), None)
            out.append(self._combine(pend))
            return
        self._pending[(key, period)] = pend
        if len(self._pending) > self.max_pending:
            self._spill_all()

    # --- sums -----------------------------------------------------------------------------------

    def _combine(self, pend: _Pending) -> MappedObs:
        parts = list(pend.parts.values())
        national = tuple(p.national for p in parts)
        if len(parts) == 1:
            p = parts[0]
            return self._emit(
                pend.key, pend.period, p.value, p.attrs, p.series_attrs, national, p.line
            )
        self.report.summed += 1
        ser_attrs = _agree([p.series_attrs for p in parts])
        attrs = _agree([p.attrs for p in parts])
        statuses = [p.attrs.get("OBS_STATUS") for p in parts]
        status = next((s for s in _OBS_STATUS_ORDER if s in statuses), statuses[0])
        conf = next(
            (c for c in _CONF_ORDER if c in (p.attrs.get("CONF_STATUS") for p in parts)), None
        )
        if status is not None:
            attrs["OBS_STATUS"] = status
        if conf is not None:
            attrs["CONF_STATUS"] = conf
        elif any(p.attrs.get("CONF_STATUS") for p in parts):
            attrs["CONF_STATUS"] = "F"
        missing = next((p for p in parts if _number(p.value) is None), None)
        unit = ser_attrs.get("UNIT_MEASURE") or parts[0].series_attrs.get("UNIT_MEASURE")
        indicator = (
            pend.key[self.key_dims.index("INDICATOR")] if "INDICATOR" in self.key_dims else None
        )
        numers = [_number(p.attrs.get("NUMER_VALUE")) for p in parts]
        denoms = [_number(p.attrs.get("DENOM_VALUE")) for p in parts]
        if unit in RATE_SCALE or indicator in self.rates:
            if None in numers or None in denoms or not sum(d or 0.0 for d in denoms):
                raise RateNotSummable(
                    f"IDAC {'.'.join(pend.key)} {pend.period} would be the sum of {len(parts)} national "
                    f"rates or percentages ({', '.join(national)}); rates are never summed and the parts "
                    "lack NUMER_VALUE/DENOM_VALUE to recompute it. Map these national codes one-to-one "
                    "or send numerators and denominators."
                )
            n, d = sum(x or 0.0 for x in numers), sum(x or 0.0 for x in denoms)
            value = _fmt(RATE_SCALE.get(unit or "", 100.0) * n / d)
            attrs["NUMER_VALUE"], attrs["DENOM_VALUE"] = _fmt(n), _fmt(d)
        elif missing is not None:
            value = missing.value
            if missing.attrs.get("OBS_STATUS"):
                attrs["OBS_STATUS"] = missing.attrs["OBS_STATUS"]
        else:
            mults = {p.series_attrs.get("UNIT_MULT", "0") for p in parts}
            if len(mults) == 1:
                value = _fmt(sum(_number(p.value) or 0.0 for p in parts))
            else:
                value = _fmt(
                    sum(
                        (_number(p.value) or 0.0)
                        * 10.0 ** int(_number(p.series_attrs.get("UNIT_MULT", "0")) or 0)
                        for p in parts
                    )
                )
                ser_attrs["UNIT_MULT"] = "0"
            if None not in numers and None not in denoms:
                attrs["NUMER_VALUE"] = _fmt(sum(x or 0.0 for x in numers))
                attrs["DENOM_VALUE"] = _fmt(sum(x or 0.0 for x in denoms))
        return self._emit(pend.key, pend.period, value, attrs, ser_attrs, national, parts[0].line)

    # --- spill ----------------------------------------------------------------------------------

    def _spill_db(self) -> sqlite3.Connection:
        if self._spill is None:
            self._spill_file = tempfile.NamedTemporaryFile(prefix="idac-harmonise-", suffix=".db")  # noqa: SIM115
            self._spill = sqlite3.connect(self._spill_file.name)
            self._spill.execute("CREATE TABLE pending (k TEXT PRIMARY KEY, body TEXT)")
        return self._spill

    def _spill_all(self) -> None:
        db = self._spill_db()
        rows = []
        for (key, period), pend in self._pending.items():
            body = {
                "key": list(key),
                "period": period,
                "expected": sorted(pend.expected) if pend.expected is not None else None,
                "parts": {
                    n: [p.value, p.attrs, p.series_attrs, p.national, p.line]
                    for n, p in pend.parts.items()
                },
            }
            rows.append(("\x1f".join(key) + "\x1e" + period, json.dumps(body)))
        db.executemany("INSERT OR REPLACE INTO pending VALUES (?, ?)", rows)
        self.report.spilled += len(rows)
        self._pending.clear()

    def _unspill(self, key: tuple[str, ...], period: str) -> _Pending | None:
        assert self._spill is not None
        k = "\x1f".join(key) + "\x1e" + period
        row = self._spill.execute("SELECT body FROM pending WHERE k = ?", (k,)).fetchone()
        if row is None:
            return None
        self._spill.execute("DELETE FROM pending WHERE k = ?", (k,))
        return _decode(row[0])

    def _drain(self, ds: DataSetInfo) -> Iterator[DataChunk]:
        out = DataChunk(ds)

        def finish(pend: _Pending) -> None:
            if pend.expected is not None and not set(pend.parts) >= pend.expected:
                self.report.incomplete += 1
                missing = sorted(pend.expected - set(pend.parts))
                self.report.note(
                    f"IDAC {'.'.join(pend.key)} {pend.period}: national parts missing "
                    f"({', '.join(missing)}); not emitted"
                )
                return
            out.observations.append(self._combine(pend))

        for k in sorted(self._pending):
            finish(self._pending[k])
        self._pending.clear()
        if self._spill is not None:
            for (body,) in self._spill.execute("SELECT body FROM pending ORDER BY k"):
                finish(_decode(body))
                if len(out.observations) >= 5000:
                    self.report.emitted += len(out.observations)
                    yield out
                    out = DataChunk(ds)
            self._spill.close()
            self._spill = None
            self._spill_file.close()
        self.report.emitted += len(out.observations)
        if out.observations:
            yield out


def _decode(text: str) -> _Pending:
    body = json.loads(text)
    parts = {n: _Part(v[0], v[1], v[2], v[3], v[4]) for n, v in body["parts"].items()}
    expected = set(body["expected"]) if body["expected"] is not None else None
    return _Pending(tuple(body["key"]), body["period"], parts, expected)


def _agree(dicts: list[dict[str, str]]) -> dict[str, str]:
    """The attributes every part has with the same value."""
    first = dicts[0]
    return {k: v for k, v in first.items() if all(d.get(k) == v for d in dicts[1:])}


def _period_start(period: str | None) -> str | None:
    if not period:
        return None
    from registry.sdmx.periods import PeriodError, period_bounds

    try:
        return period_bounds(period)[0]
    except PeriodError:
        return None
