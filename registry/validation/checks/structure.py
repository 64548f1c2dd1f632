"""Structure checks (VAL-2xx): components the DSD does not define, missing key values, attachment level.

Only *suspect* observations are examined: those with a (component, value) pair not yet known to be
valid (``Batch.dirty()``, shared with the representation check: a pair is only learned once its
component is known and its value valid) and those whose full key or period is incomplete (a ``None``
in the key tuple, computed once per series, or in the period list).  Clean observations cost nothing
here beyond one identity test per observation.  Errors are reported per observation so counts do not depend on the layout
(a flat SDMX-CSV file and a series-layout XML file with the same data give the same counts);
attachment-level warnings are reported once per series.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from registry.formats.base import Series
from registry.validation.context import (
    DATASET,
    OBSERVATION,
    SERIES,
    Batch,
    Check,
    Context,
    obs_location,
)
from registry.validation.findings import CATALOGUE, Finding

R201, R202, R203, R204, R205 = (
    CATALOGUE[c] for c in ("VAL-201", "VAL-202", "VAL-203", "VAL-204", "VAL-205")
)
_LEVEL_NAMES = {DATASET: "data set", SERIES: "series", OBSERVATION: "observation"}


class StructureCheck(Check):
    """Unknown and missing components; attributes given at a coarser level than declared."""

    codes = ("VAL-201", "VAL-202", "VAL-203", "VAL-204", "VAL-205")

    def start(self, ctx: Context) -> Iterator[Finding]:
        self.ctx = ctx
        self.known_dims = ctx.dim_ids
        self.known_attrs = ctx.attr_like_ids
        self.all_dims = (*ctx.key_dims, *((ctx.time_id,) if ctx.time_id else ()))
        self.expected = ", ".join(self.all_dims)
        return iter(())

    def _suggest(self, value: str, options: frozenset[str]) -> str | None:
        up = {o.upper(): o for o in options}
        if value.upper() in up:
            return up[value.upper()]
        m = difflib.get_close_matches(value, list(options), n=1, cutoff=0.6)
        return m[0] if m else None

    def chunk(self, batch: Batch) -> Iterator[Finding]:
        if batch.new_dataset:
            yield from self._dataset(batch)
        obs = batch.chunk.observations
        keys = batch.keys()
        # Suspects: observations with a pair not known to be valid (unknown ids are never learned),
        # and those whose key or period is incomplete.
        suspects = set(batch.dirty())
        if self.ctx.time_id is not None:
            periods = batch.periods()
            if None in periods:
                suspects.update(i for i, p in enumerate(periods) if p is None)
        last: Series | None = None
        last_key = None
        incomplete = False
        for i, o in enumerate(obs):
            s = o.series
            if s is not last:
                last = s
                if s.attrs:
                    yield from self._series_levels(batch, i, s)
            k = keys[i]
            if k is not last_key:
                last_key = k
                incomplete = None in k
            if incomplete:
                suspects.add(i)
        known_dims, known_attrs = self.known_dims, self.known_attrs
        last = None
        need: frozenset[str] = frozenset()
        series_problems: list[tuple[str, str]] = []
        for i in sorted(suspects):
            o = obs[i]
            s = o.series
            if s is not last:
                last = s
                skeys = s.key.keys()
                need = frozenset(d for d in self.all_dims if d not in skeys)
                series_problems = [(d, "dim") for d in skeys if d not in known_dims]
                series_problems += [(a, "attr") for a in s.attrs if a not in known_attrs]
            yield from self._observation(batch, i, o, need, series_problems)

    def _observation(
        self,
        batch: Batch,
        i: int,
        o: object,
        need: frozenset[str],
        series_problems: list[tuple[str, str]],
    ) -> Iterator[Finding]:
        ctx = self.ctx
        dims = o.dims  # type: ignore[attr-defined]
        attrs = o.attrs  # type: ignore[attr-defined]
        problems = list(series_problems)
        problems += [(d, "dim") for d in dims if d not in self.known_dims]
        problems += [(a, "attr") for a in attrs if a not in self.known_attrs]
        problems += [(d, "missing") for d in self.all_dims if d in need and dims.get(d) is None]
        for comp, kind in problems:
            loc = obs_location(batch, i, component=comp, dsd=ctx.dsd_label, expected=self.expected)
            if kind == "dim":
                yield Finding.make(R201, **loc)
            elif kind == "attr":
                loc["suggestion"] = self._suggest(comp, self.known_attrs)
                yield Finding.make(R203, **loc)
            elif comp == ctx.time_id:
                yield Finding.make(R205, **loc)
            else:
                yield Finding.make(R202, **loc)

    def _series_levels(self, batch: Batch, i: int, s: Series) -> Iterator[Finding]:
        ctx = self.ctx
        for a in s.attrs:
            if a in ctx.attr_level and ctx.coarser(SERIES, ctx.attr_level[a]):
                yield Finding.make(
                    R204,
                    **obs_location(
                        batch,
                        i,
                        component=a,
                        dsd=ctx.dsd_label,
                        expected=_LEVEL_NAMES[ctx.attr_level[a]],
                        found=_LEVEL_NAMES[SERIES],
                    ),
                )

    def _dataset(self, batch: Batch) -> Iterator[Finding]:
        ctx = self.ctx
        ds = batch.dataset
        for a in ds.attrs:
            if a not in self.known_attrs:
                yield Finding.make(
                    R203,
                    component=a,
                    dsd=ctx.dsd_label,
                    dataset=ds.index,
                    suggestion=self._suggest(a, self.known_attrs),
                )
            elif a in ctx.attr_level and ctx.coarser(DATASET, ctx.attr_level[a]):
                yield Finding.make(
                    R204,
                    component=a,
                    dsd=ctx.dsd_label,
                    dataset=ds.index,
                    expected=_LEVEL_NAMES[ctx.attr_level[a]],
                    found=_LEVEL_NAMES[DATASET],
                )
