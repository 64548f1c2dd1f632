"""Constraint checks (VAL-4xx): Allowed content constraints of the DSD, dataflow and provision agreement.

SDMX semantics implemented (SDMX 2.1 SR §10 / 3.0 SR "Data constraints"):

* every constraint must hold (they intersect: dataflow ∩ provision agreement ∩ DSD);
* within one constraint, a key must fall in at least one *included* cube region (when there is one)
  and in no *excluded* cube region; per-indicator constraints are written as one included region per
  group of indicators, so "at least one" is their union;
* a key falls in a region when every key component the region lists holds: the value is (or, for a
  component with ``include=false``, is not) among the listed values; TIME_PERIOD compares the period's
  first day with the region's ``TimeRange``;
* key sets: a key must match at least one key of an included key set and none of an excluded one;
  a listed key may be partial (only the dimensions it names are compared);
* attribute components of included regions restrict the attribute's values (union over regions).

``Actual`` constraints describe data that exist and are not checked.

Regions are compiled to ``frozenset`` per component and key position; results are cached per distinct
series key and per distinct period (bounded dicts), so a series-layout file evaluates the regions
once per series.  Simplification: key components and the time range are evaluated separately (a key
must fall in some included region, and its period in the time range of some included region that has
one); this is exact for constraints whose included regions share one time range, the usual case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from registry.sdmx.model import ContentConstraint, CubeRegion
from registry.validation.context import Batch, Check, Context, Key, obs_location
from registry.validation.findings import CATALOGUE, Finding
from registry.validation.timeperiod import period_start

_CACHE_LIMIT = 100_000
Problem = tuple[str, dict[str, Any]]


@dataclass(slots=True)
class _Comp:
    id: str
    pos: int  # key position; -1 for the time dimension
    values: frozenset[str]
    include: bool
    start: str | None = None
    start_inclusive: bool = True
    end: str | None = None
    end_inclusive: bool = True

    def holds(self, key: Key, start: str | None, period: str | None) -> bool:
        if self.pos < 0:
            if period is None:
                return True
            if self.values and (period in self.values) != self.include:
                return False
            if start is None:
                return True
            if self.start is not None and (
                start < self.start or (start == self.start and not self.start_inclusive)
            ):
                return False
            return not (
                self.end is not None
                and (start > self.end or (start == self.end and not self.end_inclusive))
            )
        value = key[self.pos]
        if value is None:
            return True
        return (value in self.values) == self.include

    def shown(self) -> str:
        if self.pos < 0 and (self.start or self.end):
            return f"{self.start or ''}/{self.end or ''}"
        vals = sorted(self.values)
        text = ", ".join(vals[:12]) + (", …" if len(vals) > 12 else "")
        return text if self.include else f"not {text}"


@dataclass(slots=True)
class _Compiled:
    label: str
    includes: list[list[_Comp]]
    excludes: list[list[_Comp]]
    key_includes: list[list[tuple[int, str]]]
    has_key_include: bool
    key_excludes: list[list[tuple[int, str]]]
    attrs: dict[str, frozenset[str]]
    uses_time: bool
    #: Included regions restricted to key components, and to the time component (non-empty only).
    key_regions: list[list[_Comp]] = field(default_factory=list)
    time_regions: list[list[_Comp]] = field(default_factory=list)
    key_excludes_regions: list[list[_Comp]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key_regions = [[x for x in r if x.pos >= 0] for r in self.includes]
        self.time_regions = [t for t in ([x for x in r if x.pos < 0] for r in self.includes) if t]
        self.key_excludes_regions = [r for r in self.excludes if r and all(x.pos >= 0 for x in r)]


def _compile(c: ContentConstraint, ctx: Context) -> _Compiled:
    includes: list[list[_Comp]] = []
    excludes: list[list[_Comp]] = []
    attrs: dict[str, set[str]] = {}
    uses_time = False

    def comps(region: CubeRegion) -> list[_Comp]:
        nonlocal uses_time
        out = []
        for cid, cv in region.components.items():
            if cv.is_attribute or cid in ctx.attr_ids:
                if region.include and cv.include:
                    attrs.setdefault(cid, set()).update(cv.values)
                continue
            if cid == ctx.time_id:
                uses_time = True
                out.append(
                    _Comp(
                        cid,
                        -1,
                        frozenset(cv.values),
                        cv.include,
                        _start(cv.start_period),
                        cv.start_inclusive,
                        _start(cv.end_period),
                        cv.end_inclusive,
                    )
                )
            elif cid in ctx.key_index:
                out.append(_Comp(cid, ctx.key_index[cid], frozenset(cv.values), cv.include))
        return out

    for region in c.cube_regions:
        (includes if region.include else excludes).append(comps(region))
    key_inc: list[list[tuple[int, str]]] = []
    key_exc: list[list[tuple[int, str]]] = []
    for ks in c.key_sets:
        for dk in ks.keys:
            pairs = [(ctx.key_index[d], v) for d, v in dk.values.items() if d in ctx.key_index]
            (key_inc if ks.include and dk.include else key_exc).append(pairs)
    return _Compiled(
        c.ref.short,
        includes,
        excludes,
        key_inc,
        any(ks.include for ks in c.key_sets),
        key_exc,
        {a: frozenset(v) for a, v in attrs.items()},
        uses_time,
    )


def _start(period: str | None) -> str | None:
    if period is None:
        return None
    return period_start(period) or period[:10]


class ConstraintCheck(Check):
    """Cube regions, key sets and attribute constraints."""

    codes = ("VAL-401", "VAL-402", "VAL-403", "VAL-404", "VAL-405", "VAL-406")

    def start(self, ctx: Context) -> Iterator[Finding]:
        self.ctx = ctx
        self.compiled = [_compile(c, ctx) for c in ctx.structure.constraints if c.role != "Actual"]
        self.uses_time = any(c.uses_time for c in self.compiled)
        self.attr_cons = [(a, vals, c.label) for c in self.compiled for a, vals in c.attrs.items()]
        self.cache: dict[Key, list[Problem]] = {}
        self.pcache: dict[str | None, list[Problem]] = {}
        return iter(())

    def _key_problems(self, key: Key) -> list[Problem]:
        """Problems of a series key (time components ignored: they are checked per period)."""
        out: list[Problem] = []
        for c in self.compiled:
            includes = c.key_regions
            if includes and not any(all(x.holds(key, None, None) for x in r) for r in includes):
                # Name the failing component of the closest region (the one with most components holding).
                best = max(includes, key=lambda r: sum(x.holds(key, None, None) for x in r))
                bad = next(x for x in best if not x.holds(key, None, None))
                out.append(
                    (
                        "VAL-401",
                        {
                            "constraint": c.label,
                            "expected": bad.shown(),
                            "value": key[bad.pos],
                            "component": bad.id,
                        },
                    )
                )
            for r in c.key_excludes_regions:
                if all(x.holds(key, None, None) for x in r):
                    out.append(("VAL-402", {"constraint": c.label}))
                    break
            if c.has_key_include and not any(
                all(key[p] == v for p, v in k) for k in c.key_includes
            ):
                out.append(("VAL-403", {"constraint": c.label}))
            if any(k and all(key[p] == v for p, v in k) for k in c.key_excludes):
                out.append(("VAL-404", {"constraint": c.label}))
        return out

    def _period_problems(self, period: str | None) -> list[Problem]:
        """Problems of a period against the time ranges of the regions."""
        if period is None:
            return []
        start = period_start(period)
        out: list[Problem] = []
        for c in self.compiled:
            ranges = c.time_regions
            if ranges and not any(all(x.holds((), start, period) for x in r) for r in ranges):
                bad = next(x for x in ranges[0] if not x.holds((), start, period))
                out.append(
                    (
                        "VAL-406",
                        {"constraint": c.label, "expected": bad.shown(), "component": bad.id},
                    )
                )
        return out

    def chunk(self, batch: Batch) -> Iterator[Finding]:
        if not self.compiled:
            return
        keys = batch.keys()
        cache = self.cache
        last_key: Key | None = None
        problems: list[Problem] = []
        for i, key in enumerate(keys):
            if key is not last_key:
                last_key = key
                problems = cache[key] if key in cache else self._remember(key)
            if problems:
                for code, params in problems:
                    yield Finding.make(CATALOGUE[code], **obs_location(batch, i, key, **params))
        if self.uses_time:
            periods = batch.periods()
            pcache = self.pcache
            bad = set()
            for p in set(periods):
                pp = pcache.get(p)
                if pp is None:
                    pp = self._period_problems(p)
                    if len(pcache) < _CACHE_LIMIT:
                        pcache[p] = pp
                if pp:
                    bad.add(p)
            if bad:
                for i, p in enumerate(periods):
                    if p in bad:
                        for code, params in pcache.get(p) or self._period_problems(p):
                            yield Finding.make(
                                CATALOGUE[code],
                                **obs_location(batch, i, keys[i], value=p, **params),
                            )
        if self.attr_cons:
            # Attribute pairs are learned only when the constraints allow them, so only observations
            # with a pair not yet known can break an attribute constraint.
            obs = batch.chunk.observations
            ctx = self.ctx
            for i in batch.dirty():
                o = obs[i]
                for a, v in (*o.series.attrs.items(), *o.attrs.items()):
                    for allowed, label in ctx.attr_allowed.get(a, ()):
                        if v not in allowed:
                            yield Finding.make(
                                CATALOGUE["VAL-405"],
                                **obs_location(
                                    batch,
                                    i,
                                    keys[i],
                                    component=a,
                                    value=v,
                                    constraint=label,
                                    expected=", ".join(sorted(allowed)[:12]),
                                ),
                            )

    def _remember(self, key: Key) -> list[Problem]:
        problems = self._key_problems(key)
        if len(self.cache) < _CACHE_LIMIT:
            self.cache[key] = problems
        return problems
