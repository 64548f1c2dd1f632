"""Representation checks (VAL-3xx): codes in codelists, text-format facets, time periods and FREQ.

Speed: every (component, value) pair that has passed is remembered in the run's ``Learned`` sets
(bounded by ``_LEARN_LIMIT`` pairs per set), so the per-observation work for the dimensions and
attributes of an observation is one C-level subset test, ``obs.dims.items() <= ok``, done once for all
checks by ``Batch.dirty()``.  Time periods are part of the dimension pairs; because whether a period is
valid depends on FREQ, there is one learned set per FREQ value.  Attribute pairs that an attribute
constraint rejects are never learned (the constraint check reports them).  Only observations with a
pair not yet known take the slow path (codelist lookup, facet checks, period parsing).
Series keys and series attributes are checked once per ``Series`` object.  OBS_VALUE is checked with
an inlined ``float()`` when it has no facets beyond being a number.

A wrong code is reported with a "did you mean" suggestion (case-insensitive match, else difflib),
computed once per distinct wrong value.
"""

from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Iterator
from typing import Any

from registry.formats.base import Series
from registry.validation.context import Batch, Check, Context, obs_location
from registry.validation.findings import CATALOGUE, Finding
from registry.validation.textformat import is_real
from registry.validation.timeperiod import FREQ_KINDS, KIND_NAMES, period_kind

_LEARN_LIMIT = 200_000
_SUGGEST_CACHE = 10_000


class RepresentationCheck(Check):
    """Codes, facets, time periods."""

    codes = (
        "VAL-105",
        "VAL-301",
        "VAL-302",
        "VAL-303",
        "VAL-304",
        "VAL-305",
        "VAL-306",
        "VAL-307",
        "VAL-308",
        "VAL-309",
    )

    def start(self, ctx: Context) -> Iterator[Finding]:
        self.ctx = ctx
        self.kinds: dict[str, str | None] = {}
        self.suggestions: dict[tuple[str, str], str | None] = {}
        self.dims = ctx.dim_ids
        measure_checker = ctx.checkers.get(ctx.measure_id)
        tf = None
        m = ctx.dsd.primary_measure
        if m is not None and m.local_representation is not None:
            tf = m.local_representation.text_format
        plain = tf is None or (
            tf.text_type in (None, "Double", "Float", "Decimal")
            and tf.decimals is None
            and tf.min_value is None
            and tf.max_value is None
            and tf.pattern is None
            and tf.min_length is None
            and tf.max_length is None
        )
        self.plain_real = measure_checker is not None and plain
        self.measure_checker = measure_checker
        self.measure_codes = ctx.codes.get(ctx.measure_id)
        for comp, label in ctx.missing_codelists:
            yield Finding.make(CATALOGUE["VAL-105"], component=comp, codelist=label)

    # --- slow paths ------------------------------------------------------------------------------------

    def _suggest(self, comp: str, value: str) -> str | None:
        key = (comp, value)
        if key in self.suggestions:
            return self.suggestions[key]
        codes = self.ctx.codes[comp]
        up = {c.upper(): c for c in codes} if len(codes) < 5000 else {}
        found = up.get(value.upper())
        if found is None:
            m = difflib.get_close_matches(value, list(codes), n=1, cutoff=0.6)
            found = m[0] if m else None
        if len(self.suggestions) < _SUGGEST_CACHE:
            self.suggestions[key] = found
        return found

    def _kind(self, period: str) -> str | None:
        kinds = self.kinds
        if period in kinds:
            return kinds[period]
        kind = period_kind(period)
        if len(kinds) < _LEARN_LIMIT:
            kinds[period] = kind
        return kind

    def _value_problem(
        self, comp: str, value: str, is_dim: bool, freq: str | None
    ) -> tuple[str, dict[str, Any]] | None:
        ctx = self.ctx
        if comp == ctx.time_id:
            kind = self._kind(value)
            if kind is None:
                return ("VAL-308", {})
            allowed = FREQ_KINDS.get(freq) if freq else None
            if allowed is not None and kind not in allowed and kind != "R":
                return ("VAL-309", {"found": KIND_NAMES.get(kind, kind), "expected": freq})
            return None
        codes = ctx.codes.get(comp)
        if codes is not None and value not in codes:
            return (
                "VAL-301" if is_dim else "VAL-302",
                {
                    "codelist": ctx.codelist_label[comp],
                    "suggestion": self._suggest(comp, value),
                },
            )
        checker = ctx.checkers.get(comp)
        if checker is not None:
            return checker(value)
        return None

    def _problems(
        self, pairs: dict[str, str], ok: set[tuple[str, str]], is_dim: bool, freq: str | None
    ) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(code, component, value, params) for each bad pair; good pairs are learned."""
        known = self.dims if is_dim else self.ctx.attr_like_ids
        out = []
        for comp, value in pairs.items():
            if (comp, value) in ok or comp not in known or value is None:
                continue  # unknown components are the structure check's
            problem = self._value_problem(comp, value, is_dim, freq)
            if problem is None:
                if len(ok) < _LEARN_LIMIT and (is_dim or self.ctx.attr_pair_allowed(comp, value)):
                    ok.add((comp, value))
            else:
                out.append((problem[0], comp, value, problem[1]))
        return out

    def _check_pairs(
        self,
        batch: Batch,
        i: int,
        pairs: dict[str, str],
        ok: set[tuple[str, str]],
        is_dim: bool,
        freq: str | None,
    ) -> Iterator[Finding]:
        for code, comp, value, params in self._problems(pairs, ok, is_dim, freq):
            yield Finding.make(
                CATALOGUE[code], **obs_location(batch, i, component=comp, value=value, **params)
            )

    # --- hot loop --------------------------------------------------------------------------------------

    def chunk(self, batch: Batch) -> Iterator[Finding]:
        ctx = self.ctx
        if batch.new_dataset and batch.dataset.attrs:
            for code, comp, value, params in self._problems(
                batch.dataset.attrs, set(), False, None
            ):
                yield Finding.make(
                    CATALOGUE[code],
                    dataset=batch.dataset.index,
                    component=comp,
                    value=value,
                    **params,
                )
        obs = batch.chunk.observations
        learned = batch.learned
        ok_attrs = learned.ok_attrs
        freq_id = ctx.freq_id
        # Dimensions and attributes: only observations with a pair not yet known to be valid.
        last: Series | None = None
        series_bad: list[tuple[str, str, str, dict[str, Any]]] = []
        series_freq: str | None = None
        ok: set[tuple[str, str]] = set()
        for i in batch.dirty():
            o = obs[i]
            s = o.series
            if (
                s is last
                and not series_bad
                and series_freq is not None
                and o.dims.items() <= ok
                and o.attrs.items() <= ok_attrs
            ):
                continue  # every pair was learned earlier in this batch
            if s is not last:
                last = s
                series_freq = s.key.get(freq_id) if freq_id else None
                ok = learned.dims_for(series_freq)
                series_bad = self._problems(s.key, ok, True, series_freq)
                series_bad += self._problems(s.attrs, ok_attrs, False, series_freq)
            for code, comp, value, params in series_bad:
                yield Finding.make(
                    CATALOGUE[code], **obs_location(batch, i, component=comp, value=value, **params)
                )
            dims = o.dims
            if series_freq is None and freq_id and freq_id in dims:
                f_ok = learned.dims_for(dims[freq_id])
                yield from self._check_pairs(batch, i, dims, f_ok, True, dims[freq_id])
            else:
                yield from self._check_pairs(batch, i, dims, ok, True, series_freq)
            if o.attrs:
                yield from self._check_pairs(batch, i, o.attrs, ok_attrs, False, None)
        batch.refine_dirty()
        if batch.dataset.action == "Delete":
            return
        # The primary measure: every observation.
        measure_id = ctx.measure_id
        if self.plain_real:
            values = batch.values()
            present = list(filter(None, values))
            try:
                # C-level fast path: every value converts and none has an underscore.
                deque(map(float, present), maxlen=0)
                joined = "".join(present)
                # Python's float() also takes 1_000, nan, inf, infinity: send those to is_real().
                clean = not any(c in joined for c in "_nNiI")
            except ValueError:
                clean = False
            if not clean:
                for i, v in enumerate(values):
                    if v and not is_real(v):
                        yield Finding.make(
                            CATALOGUE["VAL-303"],
                            **obs_location(
                                batch, i, component=measure_id, value=v, text_type="number"
                            ),
                        )
        elif self.measure_codes is not None:
            codes = self.measure_codes
            for i, o in enumerate(obs):
                v = o.value
                if v and v not in codes:
                    yield Finding.make(
                        CATALOGUE["VAL-301"],
                        **obs_location(
                            batch,
                            i,
                            component=measure_id,
                            value=v,
                            codelist=ctx.codelist_label[measure_id],
                            suggestion=self._suggest(measure_id, v),
                        ),
                    )
        elif self.measure_checker is not None:
            checker = self.measure_checker
            for i, o in enumerate(obs):
                v = o.value
                if v:
                    problem = checker(v)
                    if problem is not None:
                        code, params = problem
                        yield Finding.make(
                            CATALOGUE[code],
                            **obs_location(batch, i, component=measure_id, value=v, **params),
                        )
