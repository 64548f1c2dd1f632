"""Attribute checks (VAL-5xx): mandatory attributes at their attachment level, and missing values.

An attribute counts as given for an observation when it is on the observation, its series (which
includes the series' groups, resolved by the reader) or its data set: flat formats carry series
attributes on every row, series formats carry them once.  The set of mandatory attributes not given
at series or data set level is computed once per ``Series``; per observation only a C-level subset test
remains (``obs.attrs.keys() >= still_needed``).

An empty or absent OBS_VALUE is an error unless OBS_STATUS is one of the configured missing-value
codes (default M, O, L, Q: SDMX ``CL_OBS_STATUS``; the rules file may change the set).  Data sets with
action ``Delete`` carry no values and are not checked here.
"""

from __future__ import annotations

from collections.abc import Iterator

from registry.formats.base import Series
from registry.validation.context import DATASET, OBSERVATION, Batch, Check, Context, obs_location
from registry.validation.findings import CATALOGUE, Finding

_BY_LEVEL = {OBSERVATION: "VAL-502", DATASET: "VAL-504"}


class AttributeCheck(Check):
    """Mandatory attributes and missing values."""

    codes = ("VAL-501", "VAL-502", "VAL-503", "VAL-504")

    def start(self, ctx: Context) -> Iterator[Finding]:
        self.ctx = ctx
        self.need = ctx.mandatory[DATASET] | ctx.mandatory["series"] | ctx.mandatory[OBSERVATION]
        self.statuses = ctx.options.missing_value_statuses
        self.expected = ", ".join(sorted(self.statuses))
        self.reported_dataset: set[tuple[int, str]] = set()
        return iter(())

    def chunk(self, batch: Batch) -> Iterator[Finding]:
        ds = batch.dataset
        if ds.action == "Delete":
            return
        ctx = self.ctx
        statuses = self.statuses
        need_all = self.need
        ds_keys = ds.attrs.keys()
        measure = ctx.measure_id
        last: Series | None = None
        need: frozenset[str] = frozenset()
        obs = batch.chunk.observations
        for i, o in enumerate(obs):
            s = o.series
            if s is not last:
                last = s
                need = frozenset(a for a in need_all if a not in s.attrs and a not in ds_keys)
            attrs = o.attrs
            if need and not (attrs.keys() >= need):
                yield from self._missing(batch, i, need - attrs.keys())
        values = batch.values()
        if None not in values and "" not in values:
            return
        for i, v in enumerate(values):
            if not v:
                o = obs[i]
                attrs = o.attrs
                s = o.series
                s_status = s.attrs.get("OBS_STATUS") or ds.attrs.get("OBS_STATUS")
                status = attrs.get("OBS_STATUS") or s_status
                if status not in statuses:
                    yield Finding.make(
                        CATALOGUE["VAL-501"],
                        **obs_location(
                            batch,
                            i,
                            component=measure,
                            expected=self.expected,
                            found=status or "none",
                        ),
                    )

    def _missing(self, batch: Batch, i: int, missing: frozenset[str]) -> Iterator[Finding]:
        ctx = self.ctx
        for a in sorted(missing):
            level = ctx.level_of(a)
            code = _BY_LEVEL.get(level, "VAL-503")
            if level == DATASET:
                mark = (batch.dataset.index, a)
                if mark in self.reported_dataset:
                    continue
                self.reported_dataset.add(mark)
                yield Finding.make(CATALOGUE[code], dataset=batch.dataset.index, component=a)
            else:
                yield Finding.make(CATALOGUE[code], **obs_location(batch, i, component=a))
