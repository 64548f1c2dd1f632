"""The validation driver: one generator of findings, from which ``validate()`` derives the report.

``Validator`` compiles the structure once (``Context``) and runs the checks (plug-ins with
``start``/``chunk``/``end`` generator hooks, ``registry.validation.checks``) over an iterator of
``DataChunk`` values; it never knows which format the chunks came from.

* ``iter_findings(chunks)`` yields *every* finding (unbounded) and keeps the run's statistics: counts
  per rule, observations, series, data sets, periods, and the rejected rows.
* ``validate(chunks)`` consumes it and keeps at most ``max_examples_per_rule`` examples per rule and
  ``max_findings`` in total, while counting all occurrences; repeated occurrences of the same problem
  (same rule, series key, component and value) fold into one example with a ``count``.
* ``is_valid(chunks)`` is ``validate(chunks).valid``.

Limits (``ValidationOptions``): ``stop_after_errors`` and ``max_observations`` stop the run early and
mark the report ``partial`` with a ``VAL-104`` warning.  A ``MessageSyntaxError`` from the reader becomes
a ``VAL-101`` error (with line and column) and a partial report: the structured error is not lost.

Rejected rows: every error with a row marks that observation in a bitmap (1 bit per observation:
125 KB per million observations, never truncated).  The rows themselves are not kept; exporting them
(``Report.write_rejected_csv``) re-reads the upload in a second pass and picks the marked ordinals, so
the same reader must produce the same observation order (all readers are deterministic).

Garbage collector: a run allocates millions of short-lived objects (observations, key tuples,
accumulator cells) and few cycles, and CPython's default thresholds then spend a third of the run in
collections, the full ones traversing the checks' growing working set.  ``validate()`` raises the
thresholds for the duration of the run (``_gc_tuned``: young collections every 100k allocations,
full collections effectively deferred to after the run) and restores them afterwards, also when
several runs overlap in threads (the first to enter saves, the last to leave restores).  Young
collections still run, so cyclic garbage stays bounded.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Iterator as _Iterator
from contextlib import contextmanager
from dataclasses import replace

from registry.errors import MessageSyntaxError
from registry.formats.base import DataChunk, DataSetInfo, ResolvedStructure
from registry.sdmx.model import Codelist
from registry.sdmx.refs import Ref
from registry.validation.checks import (
    AttributeCheck,
    ConstraintCheck,
    ContentCheck,
    DuplicateCheck,
    MessageCheck,
    RepresentationCheck,
    StructureCheck,
)
from registry.validation.checks.duplicates import ExistingHook
from registry.validation.context import Batch, Check, Context, Learned, ValidationOptions
from registry.validation.findings import CATALOGUE, ERROR, Finding, Rule
from registry.validation.report import RejectedRows, Report
from registry.validation.rules import RuleSet

Progress = Callable[[int], None]
_SERIES_TRACK = 2_000_000
_PERIOD_TRACK = 100_000
#: Garbage-collector thresholds during a run (see the module docstring).
_GC_THRESHOLDS = (100_000, 50, 1000)
_gc_lock = threading.Lock()
_gc_state: dict[str, object] = {"depth": 0, "saved": None}


@contextmanager
def _gc_tuned() -> _Iterator[None]:
    """Raise the collector's thresholds while a validation runs; restore them afterwards."""
    with _gc_lock:
        if _gc_state["depth"] == 0:
            saved = gc.get_threshold()
            _gc_state["saved"] = saved
            gc.set_threshold(*(max(a, b) for a, b in zip(saved, _GC_THRESHOLDS, strict=False)))
        _gc_state["depth"] = int(_gc_state["depth"]) + 1  # type: ignore[call-overload]
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["depth"] = int(_gc_state["depth"]) - 1  # type: ignore[call-overload]
            if _gc_state["depth"] == 0:
                gc.set_threshold(*_gc_state["saved"])  # type: ignore[misc]


class Run:
    """The state of one validation run: counts, statistics and rejected rows."""

    def __init__(self, options: ValidationOptions) -> None:
        self.options = options
        self.counts: Counter[str] = Counter()
        self.errors = 0
        self.warnings = 0
        self.observations = 0
        self.datasets = 0
        self.series_seen: set[int] = set()
        self.periods_seen: set[str | None] = set()
        self.partial = False
        self.rejected = RejectedRows(options.max_rejected_codes, options.max_rejected_series)
        self.started = time.perf_counter()

    def note(self, f: Finding) -> None:
        """Count a finding and mark its row when it is an error."""
        override = self.options.severity.get(f.rule.code)
        if override in ("error", "warning"):
            f.severity = override  # type: ignore[assignment]
        self.counts[f.rule.code] += 1
        if f.severity == ERROR:
            self.errors += 1
            if f.row is not None:
                self.rejected.add(f.row - 1, f.rule.code)
        else:
            self.warnings += 1


class Validator:
    """Validates data chunks against one structure, its constraints and a rules file."""

    def __init__(
        self,
        structure: ResolvedStructure,
        codelists: Mapping[Ref, Codelist],
        rules: RuleSet | None = None,
        options: ValidationOptions | None = None,
        *,
        existing: ExistingHook | None = None,
        checks: Sequence[Callable[[], Check]] | None = None,
    ) -> None:
        options = options or ValidationOptions()
        if rules is not None and rules.missing_value_statuses is not None:
            options = replace(options, missing_value_statuses=rules.missing_value_statuses)
        self.options = options
        self.rules = rules
        self.ctx = Context(structure, codelists, options)
        self.existing = existing
        if checks is None:
            # Representation first: it learns the valid pairs the others' slow paths re-test.
            checks = [
                MessageCheck,
                RepresentationCheck,
                StructureCheck,
                ConstraintCheck,
                AttributeCheck,
                lambda: DuplicateCheck(existing),
            ]
            if rules is not None:
                checks.append(lambda: ContentCheck(rules))
        self.check_factories = list(checks)

    @property
    def catalogue(self) -> dict[str, Rule]:
        """Every rule this validator may report."""
        out = dict(CATALOGUE)
        if self.rules is not None:
            out.update(self.rules.rules)
        return out

    def iter_findings(
        self,
        chunks: Iterable[DataChunk],
        run: Run | None = None,
        *,
        progress: Progress | None = None,
    ) -> Iterator[Finding]:
        """Every finding of the run, in file order (set-level findings at the end)."""
        run = run or Run(self.options)
        opts = self.options
        ctx = self.ctx
        checks = [factory() for factory in self.check_factories]
        for check in checks:
            for f in check.start(ctx):
                run.note(f)
                yield f
        ordinal = 0
        learned = Learned()
        last_ds: DataSetInfo | None = None
        stop_errors = opts.stop_after_errors
        max_obs = opts.max_observations
        try:
            for chunk in chunks:
                new_ds = chunk.dataset is not last_ds
                if new_ds:
                    last_ds = chunk.dataset
                    run.datasets += 1
                if max_obs is not None and ordinal + len(chunk.observations) > max_obs:
                    chunk = DataChunk(
                        chunk.dataset,
                        chunk.observations[: max(0, max_obs - ordinal)],
                        chunk.empty_series,
                    )
                    run.partial = True
                batch = Batch(chunk, ctx, ordinal, new_ds, learned)
                for check in checks:
                    for f in check.chunk(batch):
                        run.note(f)
                        yield f
                self._stats(run, batch)
                ordinal += len(chunk.observations)
                run.observations = ordinal
                if progress is not None:
                    progress(ordinal)
                if run.partial:
                    f = Finding.make(CATALOGUE["VAL-104"], limit=max_obs, what="observations")
                    run.note(f)
                    yield f
                    break
                if stop_errors is not None and run.errors >= stop_errors:
                    run.partial = True
                    f = Finding.make(CATALOGUE["VAL-104"], limit=stop_errors, what="errors")
                    run.note(f)
                    yield f
                    break
        except MessageSyntaxError as exc:
            run.partial = True
            f = Finding.make(
                CATALOGUE["VAL-101"], detail=exc.message, line=exc.line, column=exc.column
            )
            run.note(f)
            yield f
        for check in checks:
            for f in check.end():
                run.note(f)
                yield f

    @staticmethod
    def _stats(run: Run, batch: Batch) -> None:
        seen = run.series_seen
        if len(seen) < _SERIES_TRACK:
            ds = batch.dataset.index
            last = None
            for k in batch.keys():  # noqa: SIM118 (Batch.keys() is a list of key tuples, not a dict)
                if k is not last:
                    last = k
                    seen.add(hash((ds, k)))
            for s in batch.chunk.empty_series:
                seen.add(hash((ds, tuple(s.key.get(d) for d in batch.ctx.key_dims))))
        if len(run.periods_seen) < _PERIOD_TRACK:
            run.periods_seen.update(batch.periods())

    def validate(self, chunks: Iterable[DataChunk], *, progress: Progress | None = None) -> Report:
        """Validate and build the report (all occurrences counted, examples bounded)."""
        run = Run(self.options)
        per_rule: Counter[str] = Counter()
        kept: list[Finding] = []
        by_sig: dict[tuple[object, ...], Finding] = {}
        max_rule, max_total = self.options.max_examples_per_rule, self.options.max_findings
        truncated = False
        with _gc_tuned():
            for f in self.iter_findings(chunks, run, progress=progress):
                sig = f.signature()
                prev = by_sig.get(sig)
                if prev is not None:
                    prev.count += 1
                    continue
                code = f.rule.code
                if per_rule[code] < max_rule and len(kept) < max_total:
                    per_rule[code] += 1
                    kept.append(f)
                    by_sig[sig] = f
                else:
                    truncated = True
        run.periods_seen.discard(None)
        return Report(
            valid=run.errors == 0,
            observations=run.observations,
            series=len(run.series_seen),
            datasets=run.datasets,
            periods=len(run.periods_seen),
            errors=run.errors,
            warnings=run.warnings,
            rules=dict(sorted(run.counts.items())),
            findings=kept,
            duration=time.perf_counter() - run.started,
            partial=run.partial,
            truncated=truncated,
            structure=str(
                self.ctx.structure.dataflow.ref if self.ctx.structure.dataflow else self.ctx.dsd.ref
            ),
            catalogue=self.catalogue,
            rejected=run.rejected,
            context=self.ctx,
        )

    def is_valid(self, chunks: Iterable[DataChunk]) -> bool:
        """True when the data have no errors."""
        return self.validate(chunks).valid
