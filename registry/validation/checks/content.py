"""Content checks (VAL-7xx): the rules of the rules file (``registry.validation.rules``).

Row rules (domain, required attribute, ratio, allowed values) are decided per observation; which
rules apply depends on the components their ``when`` conditions read, which the check resolves once
per ``Series`` when they are all given at series or data set level (series layouts), and otherwise
per observation with a bounded cache keyed by the tuple of those values (flat layouts).

Set rules (additivity, coherence) need observations that may be anywhere in the file.  They use an
accumulator: for each *group prefix* ``(component position, data set, key without that component)``
one dict ``{(code, period): value}`` holding only the codes the rules name (total, parts, lesser,
greater), plus the bit mask of the rules that apply.  The dict of a prefix is fetched once per
series, so per observation the work is one store per grouped component.  Groups are evaluated in
``end()``, in order of creation.

Memory bound: constant, whatever the file size.  A stored value costs about 90 bytes (tuple key,
float, dict slot; ≈ 270 bytes per observation when three components are grouped, as SEX, AGE and
ACCOMPANIMENT in IDAC).  When more than ``memory_content_values`` (default 200k, ≈ 18 MB) values are
in memory, the oldest groups are moved to a temporary SQLite file until half remain
(``registry.validation.spill.GroupSpill``; in files ordered by series those groups are complete).
``end()`` then evaluates every group from the file, in creation order, merging the pieces of a group
that received values again after its eviction (later values win, as in memory), so the findings are
the same as with everything in memory.  ``max_content_groups`` (default 4 M values, memory and disk
together) still caps the values stored; ``VAL-790`` then warns that later values were not checked.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from registry.formats.base import DataSetInfo, Obs, Series
from registry.validation.context import Batch, Check, Context, Key, obs_location
from registry.validation.findings import CATALOGUE, Finding
from registry.validation.rules import (
    AdditivityRule,
    AllowedRule,
    CoherenceRule,
    ContentRule,
    DomainRule,
    RatioRule,
    RequiredRule,
    RuleSet,
)
from registry.validation.spill import GroupSpill

_CACHE_LIMIT = 50_000
_NAN = math.nan


class _Active:
    """The rules that apply to one context (series or tuple of condition values)."""

    __slots__ = ("domain", "required", "ratio", "bad_allowed", "groups", "any_row")

    def __init__(self) -> None:
        self.domain: list[DomainRule] = []
        self.required: list[RequiredRule] = []
        self.ratio: list[RatioRule] = []
        self.bad_allowed: list[tuple[AllowedRule, str]] = []
        #: (key position, code, rule mask)
        self.groups: list[tuple[int, str, int]] = []
        self.any_row = False


def _num(v: str | None) -> float:
    if not v:
        return _NAN
    try:
        return float(v)
    except ValueError:
        return _NAN


class ContentCheck(Check):
    """Rules of the rules file."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.codes = tuple(rules.rules)

    def start(self, ctx: Context) -> Iterator[Finding]:
        self.ctx = ctx
        rs = self.rules
        known = ctx.dim_ids | ctx.attr_like_ids | {ctx.measure_id}

        def usable(r: ContentRule) -> bool:
            return all(c in known for c in r.when.components)

        self.domain = [r for r in rs.domain if usable(r)]
        self.required = [r for r in rs.required if usable(r) and r.attribute in ctx.attr_like_ids]
        self.ratio = [
            r for r in rs.ratio if usable(r) and r.numerator in known and r.denominator in known
        ]
        self.allowed = [r for r in rs.allowed if usable(r) and r.component in known]
        self.set_rules: list[AdditivityRule | CoherenceRule] = [
            r for r in rs.additivity if usable(r) and r.component in ctx.key_index
        ]
        self.set_rules += [r for r in rs.coherence if usable(r) and r.component in ctx.key_index]
        needed: list[str] = []
        for r in (*self.domain, *self.required, *self.ratio, *self.allowed, *self.set_rules):
            for c in (
                *r.when.components,
                *(
                    (r.component,)
                    if isinstance(r, (AllowedRule, AdditivityRule, CoherenceRule))
                    else ()
                ),
            ):
                if c not in needed:
                    needed.append(c)
        self.needed = tuple(needed)
        self.enabled = bool(
            self.domain or self.required or self.ratio or self.allowed or self.set_rules
        )
        self.cache: dict[tuple[str | None, ...], _Active] = {}
        #: prefix -> [rule mask, {(code, period): value}, creation ordinal]
        self.groups: dict[tuple[Any, ...], list[Any]] = {}
        self.created = 0
        self.group_limit = ctx.options.max_content_groups
        self.stored = 0
        #: Values written since the last eviction (an upper bound of the values in memory).
        self.in_memory = 0
        self.memory_limit = max(1, ctx.options.memory_content_values)
        self.spill_dir = ctx.options.spill_dir
        self.spill: GroupSpill | None = None
        self.full = False
        self.warned = False
        return iter(())

    # --- activation --------------------------------------------------------------------------------------

    def _activate(self, values: tuple[str | None, ...]) -> _Active:
        get = dict(zip(self.needed, values, strict=True)).get
        act = _Active()
        act.domain = [r for r in self.domain if r.when.holds(get)]
        act.required = [r for r in self.required if r.when.holds(get)]
        act.ratio = [r for r in self.ratio if r.when.holds(get)]
        for r in self.allowed:
            v = get(r.component)
            if v is not None and v not in r.values and r.when.holds(get):
                act.bad_allowed.append((r, v))
        masks: dict[str, int] = {}
        for j, sr in enumerate(self.set_rules):
            code = get(sr.component)
            if code is None:
                continue
            codes = (
                (sr.total, *sr.parts, *sr.optional_parts)
                if isinstance(sr, AdditivityRule)
                else (sr.lesser, sr.greater)
            )
            if code in codes and sr.when.holds(get):
                masks[sr.component] = masks.get(sr.component, 0) | (1 << j)
        act.groups = [(self.ctx.key_index[c], get(c) or "", m) for c, m in masks.items()]
        act.any_row = bool(act.domain or act.required or act.ratio or act.bad_allowed)
        return act

    def _lookup(self, values: tuple[str | None, ...]) -> _Active:
        act = self.cache.get(values)
        if act is None:
            act = self._activate(values)
            if len(self.cache) < _CACHE_LIMIT:
                self.cache[values] = act
        return act

    def _series_values(self, s: Series, ds: DataSetInfo) -> tuple[str | None, ...] | None:
        sk, sa, da = s.key, s.attrs, ds.attrs
        out = []
        for c in self.needed:
            v = sk.get(c) or sa.get(c) or da.get(c)
            if v is None:
                return None
            out.append(v)
        return tuple(out)

    # --- per batch ---------------------------------------------------------------------------------------

    def _sinks(self, act: _Active, key: Key, ds_index: int) -> list[tuple[dict[Any, float], str]]:
        """The accumulator dicts (one per grouped component) an observation with ``key`` feeds."""
        out = []
        for pos, code, mask in act.groups:
            prefix = (pos, ds_index, key[:pos] + (None,) + key[pos + 1 :])
            g = self.groups.get(prefix)
            if g is None:
                g = self.groups[prefix] = [0, {}, self.created]
                self.created += 1
            g[0] |= mask
            out.append((g[1], code))
        return out

    def chunk(self, batch: Batch) -> Iterator[Finding]:
        if not self.enabled or batch.dataset.action == "Delete":
            return
        ds = batch.dataset
        needed = self.needed
        keys = batch.keys()
        periods = batch.periods()
        ds_index = ds.index
        last: Series | None = None
        act = _Active()
        per_obs = False
        nan = _NAN
        lo = hi = nan
        integ = dom = False
        req: frozenset[str] = frozenset()
        other = False
        sinks: list[tuple[dict[Any, float], str]] = []
        stored = self.stored
        limit = self.group_limit
        for i, o in enumerate(batch.chunk.observations):
            s = o.series
            if s is not last or per_obs:
                if s is not last:
                    last = s
                    sv = self._series_values(s, ds)
                    per_obs = sv is None
                if per_obs:
                    od, oa, sk, sa, da = o.dims, o.attrs, s.key, s.attrs, ds.attrs
                    sv = tuple(
                        od.get(c) or oa.get(c) or sk.get(c) or sa.get(c) or da.get(c)
                        for c in needed
                    )
                act = self._lookup(sv)  # type: ignore[arg-type]
                dom = bool(act.domain)
                if dom:
                    lo = max((r.min for r in act.domain if r.min is not None), default=-math.inf)
                    hi = min((r.max for r in act.domain if r.max is not None), default=math.inf)
                    integ = any(r.integer for r in act.domain)
                req = frozenset(
                    r.attribute
                    for r in act.required
                    if r.attribute not in s.attrs and r.attribute not in ds.attrs
                )
                other = bool(act.ratio or act.bad_allowed)
                sinks = self._sinks(act, keys[i], ds_index) if act.groups and stored < limit else []
            v = o.value
            if dom or sinks:
                if v:
                    try:
                        x = float(v)
                    except ValueError:
                        x = nan
                else:
                    x = nan
                if dom and (x < lo or x > hi or (integ and x == x and not x.is_integer())):  # noqa: PLR0124
                    yield from self._domain(batch, i, v, x, act)
                if sinks:
                    p = periods[i]
                    for d, code in sinks:
                        d[code, p] = x
                    stored += len(sinks)
                    if stored >= limit:
                        self.full = True
                        sinks = []
            if req and not (o.attrs.keys() >= req):
                for a in sorted(req - o.attrs.keys()):
                    r = next(r for r in act.required if r.attribute == a)
                    yield Finding.make(r.rule, **obs_location(batch, i, component=a))
            if other:
                yield from self._other(batch, i, o, act)
        self.in_memory += stored - self.stored
        self.stored = stored
        if self.in_memory >= self.memory_limit:
            self._evict()
        if self.full and not self.warned:
            self.warned = True
            yield Finding.make(CATALOGUE["VAL-790"], limit=self.group_limit)

    def _domain(
        self, batch: Batch, i: int, v: str | None, x: float, act: _Active
    ) -> Iterator[Finding]:
        if not v or math.isnan(x):
            return
        for r in act.domain:
            if (
                (r.integer and not x.is_integer())
                or (r.min is not None and x < r.min)
                or (r.max is not None and x > r.max)
            ):
                yield Finding.make(
                    r.rule,
                    **obs_location(
                        batch, i, component=self.ctx.measure_id, value=v, expected=r.expected
                    ),
                )

    def _other(self, batch: Batch, i: int, o: Obs, act: _Active) -> Iterator[Finding]:
        v = o.value
        x = _num(v)
        for r in act.ratio:
            num = _num(o.attrs.get(r.numerator) or o.series.attrs.get(r.numerator))
            den = _num(o.attrs.get(r.denominator) or o.series.attrs.get(r.denominator))
            if v and not math.isnan(x) and not math.isnan(num) and not math.isnan(den) and den != 0:
                expected = r.scale * num / den
                if abs(x - expected) > r.tolerance:
                    yield Finding.make(
                        r.rule,
                        **obs_location(
                            batch,
                            i,
                            component=self.ctx.measure_id,
                            value=v,
                            expected=f"{expected:.6g}",
                            numerator=f"{num:g}",
                            denominator=f"{den:g}",
                            found=f"{abs(x - expected):.6g}",
                        ),
                    )
        for ar, bad in act.bad_allowed:
            yield Finding.make(
                ar.rule,
                **obs_location(
                    batch,
                    i,
                    component=ar.component,
                    value=bad,
                    expected=", ".join(sorted(ar.values)[:15]),
                ),
            )

    # --- end: set rules ---------------------------------------------------------------------------------

    def _evict(self) -> None:
        """Move the oldest groups to disk until at most half of ``memory_content_values`` remain."""
        groups = self.groups
        values = sum(len(g[1]) for g in groups.values())
        keep = self.memory_limit // 2
        out = []
        while values > keep and groups:
            prefix = next(iter(groups))
            mask, cells, first = groups.pop(prefix)
            values -= len(cells)
            out.append((prefix, first, mask, cells))
        if out:
            if self.spill is None:
                self.spill = GroupSpill(self.spill_dir)
            self.spill.add(out)
        self.in_memory = values

    def end(self) -> Iterator[Finding]:
        if not self.enabled:
            return
        spill = self.spill
        if spill is None:
            source: Iterable[tuple[tuple[Any, ...], int, dict[Any, float]]] = (
                (prefix, g[0], g[1]) for prefix, g in self.groups.items()
            )
        else:
            spill.add((prefix, g[2], g[0], g[1]) for prefix, g in self.groups.items())
            self.groups = {}
            source = spill.groups()
        try:
            yield from self._end(source)
        finally:
            self.groups = {}
            if spill is not None:
                spill.close()
                self.spill = None

    def _end(
        self, source: Iterable[tuple[tuple[Any, ...], int, dict[Any, float]]]
    ) -> Iterator[Finding]:
        rules = self.set_rules
        # Compiled forms: (is_additivity, total/greater, parts, optional parts, tolerance, per part, lesser)
        compiled = [
            (True, r.total, r.parts, r.optional_parts, r.tolerance, r.tolerance_per_part, "")
            if isinstance(r, AdditivityRule)
            else (False, r.greater, (), (), r.tolerance, 0.0, r.lesser)
            for r in rules
        ]
        ctx = self.ctx
        isnan = math.isnan
        for (pos, ds_index, other), mask, cells in source:
            by_period: dict[str | None, dict[str, float]] = {}
            for (code, period), x in cells.items():
                d = by_period.get(period)
                if d is None:
                    d = by_period[period] = {}
                d[code] = x
            active = [j for j in range(len(rules)) if mask >> j & 1]
            for period, values in by_period.items():
                for j in active:
                    additive, top, parts, optional, tol, per_part, lesser = compiled[j]
                    t = values.get(top)
                    if t is None or isnan(t):
                        continue
                    if additive:
                        total = 0.0
                        n = 0
                        for p in parts:
                            x = values.get(p)
                            if x is None or isnan(x):
                                break
                            total += x
                            n += 1
                        else:
                            for p in optional:
                                x = values.get(p)
                                if x is not None and not isnan(x):
                                    total += x
                                    n += 1
                            if abs(total - t) <= tol + per_part * n + 1e-9:
                                continue
                        if n < len(parts):
                            continue
                    else:
                        lo = values.get(lesser)
                        if lo is None or isnan(lo) or lo <= t + tol + 1e-9:
                            continue
                    r = rules[j]
                    f = self._evaluate(r, values)
                    if f is not None:
                        key = other[:pos] + (top,) + other[pos + 1 :]
                        f.update(
                            dataset=ds_index,
                            series_key=ctx.key_str(key),
                            time_period=period,
                            component=r.component,
                        )
                        yield Finding.make(r.rule, **f)

    @staticmethod
    def _evaluate(
        r: AdditivityRule | CoherenceRule, values: dict[str, float]
    ) -> dict[str, Any] | None:
        if isinstance(r, AdditivityRule):
            total = values.get(r.total)
            if total is None or math.isnan(total):
                return None
            parts = [values.get(p) for p in r.parts]
            if any(p is None or math.isnan(p) for p in parts):
                return None
            used = list(r.parts)
            for p in r.optional_parts:
                pv = values.get(p)
                if pv is not None and not math.isnan(pv):
                    parts.append(pv)
                    used.append(p)
            s = math.fsum(p for p in parts if p is not None)
            tol = r.tolerance + r.tolerance_per_part * len(parts)
            if abs(s - total) > tol + 1e-9:
                return {
                    "total": r.total,
                    "parts": " + ".join(used),
                    "sum": f"{s:g}",
                    "found": f"{total:g}",
                    "tolerance": f"{tol:g}",
                    "value": f"{total:g}",
                }
            return None
        lo, hi = values.get(r.lesser), values.get(r.greater)
        if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
            return None
        if lo > hi + r.tolerance + 1e-9:
            return {
                "lesser": r.lesser,
                "greater": r.greater,
                "found": f"{lo:g}",
                "expected": f"{hi:g}",
                "value": f"{lo:g}",
            }
        return None
