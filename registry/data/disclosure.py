"""Statistical disclosure control (DOMAIN.md §6 and §7.8), enforced in this one place for every
output.

Every path that shows observations to somebody (data answers, availability, lineage, later
aggregates and pages) gets them through ``Disclosure.apply``; nothing else reads values for output.

**Audience.**  ``Audience.public()`` (everybody, today every request), ``Audience.provider(id)``
(the provider sees the true values and flags of the observations *it* reported, and the public view
of the others), ``Audience.curator()`` (sees everything).  Authentication will map a request to an
audience.

**Primary suppression** (per observation, for the public):

* an observation whose ``embargo_until`` is in the future is *invisible* (not emitted at all), but
  it still counts as a suppressed cell for secondary suppression (else ``total - published parts``
  would reveal it);
* ``CONF_STATUS`` C, D, N, A, S or E (sender flags: confidential, secondary, not for publication,
  primary, embargoed) → emitted without ``OBS_VALUE``, ``OBS_STATUS=Q``, ``CONF_STATUS`` as sent;
* counts (series ``UNIT_MEASURE`` in PS, NUMBER, MOV) with a value in ``1..threshold`` → suppressed
  with ``CONF_STATUS=A``.  True zeros are published.  The threshold is
  ``settings.disclosure_threshold`` (default 4) unless the dataflow carries an annotation of type or
  id ``DISCLOSURE_THRESHOLD`` whose title (or value, or text) is an integer;
* survey values: ``UNWGTD_SAMPLE`` < 25 → suppressed (``OBS_STATUS=Q``, ``CONF_STATUS`` kept); 25–49
  → published with ``OBS_STATUS=U`` (low reliability).

A suppressed cell also loses the attributes that would give its value away (bounds, numerator,
denominator: ``REVEALING_ATTRIBUTES``).

**Secondary suppression** (counts only).  The margins are the additivity rules of the IDAC rules
file (``dsd/idac-rules.toml``: SEX F+M(+_U)=_T, the AGE partitions of Y0T17 from HCL_AGE,
ACCOMPANIMENT UNACC+SEP=UASC and ACC+UASC(+_U)=_T, DISPL_CAUSE, URBANISATION).  A *table* is the set
of series that share every dimension except the margin dimensions, at one period; a *relation* is
one rule applied along one margin with the other margins fixed (``total = Σ parts``).  In a
relation, the unknowns are its suppressed or missing members, plus its required members that are
absent (absent optional parts are known zeros).  Whenever a relation has exactly one unknown and
that unknown is suppressed, the suppressed value is ``total - published parts``: the service then
suppresses the smallest published part of that relation (the total only when no part is left), ties
broken by code order, with ``CONF_STATUS=S``, and repeats until no relation leaks.  A final audit
per table solves the whole system of relations (a suppressed cell is *determined* when its unit
vector lies in the row space of the relations restricted to the unknowns: sparse Gauss-Jordan
elimination, ``determined``) and suppresses more while some cell is still determined, which catches
leaks through combinations of relations in 2- and 3-way tables.  (Interval attacks from
non-negativity are not audited.)  Decisions depend on the whole table only, never on the query: the
fetch reads whole tables whatever the key asks for (``widen_positions``), so two queries cannot be
combined to undo a suppression.

**Bounded memory.**  Rows arrive ordered by series key.  All series of a table share the key
positions before the first margin dimension, so the series are buffered per *block* of that prefix
(for IDAC CORE: one frequency × area × indicator, whatever the size of the answer), the block's
tables are processed, and the block is emitted.  With no margin dimension in the DSD, or for the
curator, series stream one by one.

**History.**  When several versions of a cell are read (``includeHistory``, lineage), each table is
audited at every instant at which one of its cells changed; a version is suppressed if it is
suppressed in any snapshot in which it was current.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from registry.data.fetch import StoredObs, StoredSeries
from registry.sdmx.model import Dataflow

Coord = tuple[str, ...]
#: One instantiated relation: (coordinate, required) pairs, the total first.
Relation_ = tuple[tuple[Coord, bool], ...]

#: CONF_STATUS codes (SDMX CL_CONF_STATUS 1.2) that are never disseminated to the public.
SUPPRESSED_CONF = frozenset({"C", "D", "N", "A", "S", "E"})
#: Attributes that would reveal a suppressed value.
REVEALING_ATTRIBUTES = frozenset({"LOWER_BOUND", "UPPER_BOUND", "NUMER_VALUE", "DENOM_VALUE"})
COUNT_UNITS = frozenset({"PS", "NUMBER", "MOV"})
THRESHOLD_ANNOTATION = "DISCLOSURE_THRESHOLD"
#: Reasons that are not CONF_STATUS codes.
HIDDEN = "hidden"
SAMPLE = "sample"
#: The audit solves at most this many unknowns per table (larger tables keep the relation rule
#: only).
MAX_AUDIT_UNKNOWNS = 400


@dataclass(frozen=True, slots=True)
class Audience:
    """Who is looking: ``public``, ``provider`` (with its id) or ``curator``."""

    kind: str = "public"
    provider_id: str | None = None

    PUBLIC: ClassVar[Audience]

    def __post_init__(self) -> None:
        if self.kind not in ("public", "provider", "curator"):
            raise ValueError(f"unknown audience {self.kind!r}")
        if (self.kind == "provider") != (self.provider_id is not None):
            raise ValueError("a provider audience needs a provider id (and only it)")

    @classmethod
    def public(cls) -> Audience:
        """Everybody (no authentication)."""
        return cls("public")

    @classmethod
    def provider(cls, provider_id: str) -> Audience:
        """A data provider: true values of its own observations."""
        return cls("provider", provider_id)

    @classmethod
    def curator(cls) -> Audience:
        """A curator: every true value."""
        return cls("curator")

    def sees_true(self, obs_provider: str | None) -> bool:
        """Whether this audience sees the true value of an observation of ``obs_provider``."""
        return self.kind == "curator" or (
            self.kind == "provider" and obs_provider == self.provider_id
        )

    def __str__(self) -> str:
        return self.kind if self.provider_id is None else f"provider:{self.provider_id}"


Audience.PUBLIC = Audience()


@dataclass(frozen=True, slots=True)
class Relation:
    """``total = Σ parts (+ optional parts)`` along one dimension."""

    component: str
    total: str
    parts: tuple[str, ...]
    optional: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DisclosurePolicy:
    """The rules applied (thresholds, units, margins)."""

    threshold: int = 4
    relations: tuple[Relation, ...] = ()
    count_units: frozenset[str] = COUNT_UNITS
    unit_attribute: str = "UNIT_MEASURE"
    sample_attribute: str = "UNWGTD_SAMPLE"
    sample_suppress_below: int = 25
    sample_flag_below: int = 50

    @classmethod
    def from_rules(cls, rules: object | None, threshold: int) -> DisclosurePolicy:
        """A policy whose margins are the additivity rules of a ``RuleSet`` (None: no margins)."""
        relations = tuple(
            Relation(r.component, r.total, tuple(r.parts), tuple(r.optional_parts))
            for r in getattr(rules, "additivity", ()) or ()
        )
        return cls(threshold=threshold, relations=relations)

    def margin_dimensions(self, key_dims: Sequence[str]) -> list[str]:
        """The key dimensions some relation runs along, in key order."""
        wanted = {r.component for r in self.relations}
        return [d for d in key_dims if d in wanted]


def threshold_for(flow: Dataflow | None, default: int) -> int:
    """The dataflow's ``DISCLOSURE_THRESHOLD`` annotation, else ``default``."""
    if flow is None:
        return default
    for ann in flow.annotations:
        if THRESHOLD_ANNOTATION in (ann.type, ann.id):
            for raw in (ann.title, ann.value, *ann.text.values()):
                if raw is not None and str(raw).strip().isdigit():
                    return int(str(raw).strip())
    return default


def determined(equations: list[dict[Coord, float]]) -> list[Coord]:
    """Unknowns whose value a linear system fixes (the constants do not matter, only coefficients).

    Sparse Gauss-Jordan elimination to reduced row echelon form: an unknown is determined exactly
    when its pivot row holds no other unknown (the unit vector then lies in the row space).  The
    equations of one table are few and sparse (at most six unknowns each), so this is fast in pure
    Python.
    """
    pivots: dict[Coord, dict[Coord, float]] = {}
    for eq in equations:
        row = dict(eq)
        for p in [v for v in row if v in pivots]:
            factor = row.get(p, 0.0)
            if factor:
                for v, coef in pivots[p].items():
                    row[v] = row.get(v, 0.0) - factor * coef
        row = {v: c for v, c in row.items() if abs(c) > 1e-9}
        if not row:
            continue
        q = min(row)
        scale = row[q]
        row = {v: c / scale for v, c in row.items()}
        for other in pivots.values():
            factor = other.get(q)
            if factor:
                for v, coef in row.items():
                    other[v] = other.get(v, 0.0) - factor * coef
                for v in [v for v, c in other.items() if abs(c) <= 1e-9]:
                    del other[v]
        pivots[q] = row
    return sorted(p for p, row in pivots.items() if len(row) == 1)


def _structural_prune(relations: list[Relation_], cells: dict[Coord, Any]) -> list[Relation_]:
    """Drop relations with a required member absent from the table and from every other relation.

    Its value is free, so the relation never pins anything down (e.g. URBANISATION ``_T = U + R``
    when only ``_T`` is reported).  Repeated until stable; it depends on the table's shape only, so
    it is done once per shape.
    """
    while True:
        seen: dict[Coord, int] = {}
        for inst in relations:
            for c, required in inst:
                if c not in cells and required:
                    seen[c] = seen.get(c, 0) + 1
        kept = [
            inst for inst in relations
            if not any(c not in cells and required and seen[c] == 1 for c, required in inst)
        ]
        if len(kept) == len(relations):
            return kept
        relations = kept


def _prune(rows: dict[int, list[Coord]]) -> dict[int, list[Coord]]:
    """Drop, repeatedly, the equations holding an unknown that no other equation holds.

    Such an equation can always be satisfied through its private unknown, so it tells nothing about
    the others (typical: a relation whose parts are absent from the data).
    """
    rows = {n: u for n, u in rows.items() if u}
    while True:
        seen: dict[Coord, int] = {}
        for unknown in rows.values():
            for c in unknown:
                seen[c] = seen.get(c, 0) + 1
        private = [n for n, unknown in rows.items() if any(seen[c] == 1 for c in unknown)]
        if not private:
            return rows
        for n in private:
            del rows[n]


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


@dataclass(slots=True)
class _Cell:
    obs: StoredObs
    value: float | None
    count: bool
    #: None (published), a CONF_STATUS code, HIDDEN or SAMPLE.
    reason: str | None


@dataclass(slots=True)
class _Table:
    """The cells of one table at one period: coordinate (margin values) -> versions."""

    cells: dict[tuple[str, ...], list[tuple[StoredObs, bool]]] = field(default_factory=dict)
    #: Some count cell of the table is suppressed (else there is nothing to protect).
    suppressed: bool = False


class Disclosure:
    """Applies a policy for an audience to a stream of ``StoredSeries`` (mutating observations)."""

    def __init__(
        self,
        policy: DisclosurePolicy,
        audience: Audience,
        key_dims: Sequence[str],
        *,
        now: datetime | None = None,
    ) -> None:
        self.policy = policy
        self.audience = audience
        self.key_dims = list(key_dims)
        self.now = now or datetime.now(UTC)
        margins = policy.margin_dimensions(key_dims)
        self.margin_pos = [self.key_dims.index(d) for d in margins]
        self.rel_by_pos = {
            self.key_dims.index(r.component): [
                x for x in policy.relations if x.component == r.component
            ]
            for r in policy.relations
            if r.component in margins
        }
        self.block_len = min(self.margin_pos) if self.margin_pos else 0
        self._shapes: dict[
            tuple[tuple[Coord, ...], frozenset[Coord]],
            tuple[list[Relation_], dict[Coord, list[int]]],
        ] = {}

    @property
    def widen_positions(self) -> list[int]:
        """Key positions the fetch must not restrict (the margins), for the public."""
        return [] if self.audience.kind == "curator" else list(self.margin_pos)

    # --- primary
    # --------------------------------------------------------------------------------------

    def _is_count(self, series: StoredSeries) -> bool:
        return series.attrs.get(self.policy.unit_attribute) in self.policy.count_units

    def primary(self, obs: StoredObs, series_attrs: dict[str, str], is_count: bool) -> str | None:
        """Why this observation may not be published as is (None: it may)."""
        embargo = obs.embargo_until
        if embargo is not None and embargo > self.now:
            return HIDDEN
        conf = obs.conf_status
        if conf is None:
            conf = obs.attrs.get("CONF_STATUS")
        if conf in SUPPRESSED_CONF:
            return conf
        if is_count:
            v = _number(obs.value)
            if v is not None and 0 < v <= self.policy.threshold:
                return "A"
        attr = self.policy.sample_attribute
        raw = obs.attrs.get(attr) or series_attrs.get(attr)
        if raw is not None:
            sample = _number(raw)
            if sample is not None and sample < self.policy.sample_suppress_below:
                return SAMPLE
        return None

    # --- entry point
    # ----------------------------------------------------------------------------------

    def apply(self, series: Iterable[StoredSeries]) -> Iterator[StoredSeries]:
        """The series as the audience may see them (series left with no observation are dropped)."""
        if self.audience.kind == "curator":
            yield from series
            return
        if not self.margin_pos:
            for s in series:
                is_count = self._is_count(s)
                for o in s.observations:
                    o.reason = self.primary(o, s.attrs, is_count)
                out = self._publish(s)
                if out is not None:
                    yield out
            return
        block: list[StoredSeries] = []
        prefix: tuple[str, ...] | None = None
        for s in series:
            p = s.key[: self.block_len]
            if p != prefix and block:
                yield from self._block(block)
                block = []
            prefix = p
            block.append(s)
        if block:
            yield from self._block(block)

    # --- secondary
    # --------------------------------------------------------------------------------------

    def _tables(self, block: list[StoredSeries]) -> list[_Table]:
        """The tables of a block (by the non-margin key and period), primary decisions made."""
        mp = self.margin_pos
        by_rest: dict[Coord, dict[str, _Table]] = {}
        primary = self.primary
        for s in block:
            is_count = self._is_count(s)
            rest = tuple(v for n, v in enumerate(s.key) if n not in mp)
            coord = tuple(s.key[n] for n in mp)
            periods = by_rest.get(rest)
            if periods is None:
                periods = by_rest[rest] = {}
            attrs = s.attrs
            for o in s.observations:
                reason = o.reason = primary(o, attrs, is_count)
                table = periods.get(o.time_period)
                if table is None:
                    table = periods[o.time_period] = _Table()
                versions = table.cells.get(coord)
                if versions is None:
                    table.cells[coord] = [(o, is_count)]
                else:
                    versions.append((o, is_count))
                if reason is not None and is_count:
                    table.suppressed = True
        return [t for periods in by_rest.values() for t in periods.values() if t.suppressed]

    def _block(self, block: list[StoredSeries]) -> Iterator[StoredSeries]:
        for table in self._tables(block):
            # Only tables with a suppressed count: elsewhere there is nothing to protect.
            for snapshot in self._snapshots(table):
                cells = {
                    c: _Cell(o, _number(o.value), is_count, o.reason)
                    for c, (o, is_count) in snapshot.items()
                }
                self._secondary(cells)
                for cell in cells.values():
                    if cell.reason is not None and cell.obs.reason is None:
                        cell.obs.reason = cell.reason
        for s in block:
            out = self._publish(s)
            if out is not None:
                yield out

    @staticmethod
    def _snapshots(table: _Table) -> Iterator[dict[tuple[str, ...], tuple[StoredObs, bool]]]:
        if all(len(v) == 1 for v in table.cells.values()):
            yield {c: v[0] for c, v in table.cells.items()}
            return
        far = datetime.max.replace(tzinfo=UTC)
        instants = sorted(
            {o.loaded_at for v in table.cells.values() for o, _c in v if o.loaded_at is not None}
            | {
                o.superseded_at
                for v in table.cells.values()
                for o, _c in v
                if o.superseded_at is not None
            }
        )
        for t in instants:
            snap = {}
            for coord, versions in table.cells.items():
                for o, is_count in versions:
                    if (o.loaded_at is None or o.loaded_at <= t) and t < (o.superseded_at or far):
                        snap[coord] = (o, is_count)
            if snap:
                yield snap

    def _relations(
        self, cells: dict[Coord, _Cell]
    ) -> tuple[list[Relation_], dict[Coord, list[int]]]:
        """Instantiated relations of a table and, per cell, the relations it is in (cached per table
        shape: the tables of a block usually look alike)."""
        shape = (tuple(cells), frozenset(c for c, cell in cells.items() if not cell.count))
        found = self._shapes.get(shape)
        if found is not None:
            return found
        out: list[Relation_] = []
        for i, pos in enumerate(self.margin_pos):
            for rel in self.rel_by_pos.get(pos, ()):
                members = (rel.total, *rel.parts, *rel.optional)
                others = {c[:i] + c[i + 1 :] for c in cells if c[i] in members}
                for other in sorted(others):
                    inst = tuple(
                        (other[:i] + (code,) + other[i:], required)
                        for code, required in (
                            (rel.total, True),
                            *((p, True) for p in rel.parts),
                            *((p, False) for p in rel.optional),
                        )
                    )
                    if any(c in cells and not cells[c].count for c, _r in inst):
                        continue  # not additive (not a count)
                    out.append(inst)
        out = _structural_prune(out, cells)
        index: dict[Coord, list[int]] = {}
        for n, inst in enumerate(out):
            for c, _r in inst:
                index.setdefault(c, []).append(n)
        if len(self._shapes) > 1000:
            self._shapes.clear()
        self._shapes[shape] = (out, index)
        return out, index

    @staticmethod
    def _unknowns(inst: Relation_, cells: dict[Coord, _Cell]) -> list[Coord]:
        unknown = []
        for coord, required in inst:
            cell = cells.get(coord)
            if cell is None:
                if required:
                    unknown.append(coord)
            elif cell.reason is not None or cell.value is None:
                unknown.append(coord)
        return unknown

    @staticmethod
    def _complement(inst: Relation_, cells: dict[Coord, _Cell]) -> Coord | None:
        """The smallest published part of the relation (the total if no part is left)."""
        parts = [
            (abs(cells[c].value or 0.0), c)
            for c, _r in inst[1:]
            if c in cells and cells[c].reason is None and cells[c].value is not None
        ]
        if parts:
            return min(parts)[1]
        total = inst[0][0]
        cell = cells.get(total)
        if cell is not None and cell.reason is None and cell.value is not None:
            return total
        return None

    def _secondary(self, cells: dict[Coord, _Cell]) -> None:
        """Suppress complements until no relation, alone or combined, reveals a suppressed cell."""
        if not any(c.reason is not None and c.count for c in cells.values()):
            return
        relations, index = self._relations(cells)
        queue = deque(
            sorted(
                {
                    n
                    for c, cell in cells.items()
                    if cell.reason is not None
                    for n in index.get(c, ())
                }
            )
        )
        queued = set(queue)
        while True:
            while queue:
                n = queue.popleft()
                queued.discard(n)
                inst = relations[n]
                unknown = self._unknowns(inst, cells)
                if (
                    len(unknown) == 1
                    and unknown[0] in cells
                    and cells[unknown[0]].reason is not None
                ):
                    comp = self._complement(inst, cells)
                    if comp is not None:
                        cells[comp].reason = "S"
                        for m in index.get(comp, ()):
                            if m not in queued:
                                queue.append(m)
                                queued.add(m)
            comp = self._audit(relations, index, cells)
            if comp is None:
                return
            cells[comp].reason = "S"
            queue.extend(m for m in index.get(comp, ()) if m not in queued)
            queued.update(index.get(comp, ()))

    def _connected(
        self, relations: list[Relation_], index: dict[Coord, list[int]], cells: dict[Coord, _Cell]
    ) -> tuple[dict[int, list[Coord]], int]:
        """The relations connected to a suppressed cell through shared unknowns (their unknowns),
        and the number of unknowns reached."""
        start = [c for c, cell in cells.items() if cell.reason is not None and cell.count]
        seen_vars = set(start)
        frontier = list(start)
        rows: dict[int, list[Coord]] = {}
        while frontier:
            var = frontier.pop()
            for n in index.get(var, ()):
                if n in rows:
                    continue
                rows[n] = unknown = self._unknowns(relations[n], cells)
                new = [u for u in unknown if u not in seen_vars]
                seen_vars.update(new)
                frontier.extend(new)
        return rows, len(seen_vars)

    def _audit(
        self, relations: list[Relation_], index: dict[Coord, list[int]], cells: dict[Coord, _Cell]
    ) -> Coord | None:
        """A complement to suppress when the system of relations still determines a suppressed cell.

        Only the relations connected (through shared unknowns) to a suppressed cell can matter.
        """
        rows, n_vars = self._connected(relations, index, cells)
        rows = _prune(rows)
        if not rows or n_vars > MAX_AUDIT_UNKNOWNS:
            return None
        equations = [
            {c: (-1.0 if c == relations[n][0][0] else 1.0) for c in unknown}
            for n, unknown in sorted(rows.items())
        ]
        suppressed = [
            c for c in determined(equations) if c in cells and cells[c].reason is not None
        ]
        for c in suppressed:
            for n in sorted(rows):
                comp = self._complement(relations[n], cells) if c in rows[n] else None
                if comp is not None:
                    return comp
        return None

    # --- output
    # -------------------------------------------------------------------------------------------

    def _publish(self, s: StoredSeries) -> StoredSeries | None:
        kept: list[StoredObs] = []
        policy = self.policy
        attr = policy.sample_attribute
        series_sample = s.attrs.get(attr)
        public = self.audience.kind == "public"
        sees_true = self.audience.sees_true
        for o in s.observations:
            reason = o.reason
            if not public and sees_true(o.provider):
                kept.append(o)
                continue
            if reason is None:
                raw = o.attrs.get(attr) or series_sample
                if raw is not None and o.value is not None:
                    sample = _number(raw)
                    if sample is not None and sample < policy.sample_flag_below:
                        o.attrs = {**o.attrs, "OBS_STATUS": "U"}
                        o.obs_status = "U"
                kept.append(o)
                continue
            if reason == HIDDEN:
                continue
            attrs = {k: v for k, v in o.attrs.items() if k not in REVEALING_ATTRIBUTES}
            attrs["OBS_STATUS"] = "Q"
            if reason != SAMPLE:
                attrs["CONF_STATUS"] = reason
                o.conf_status = reason
            o.obs_status = "Q"
            o.value = None
            o.attrs = attrs
            kept.append(o)
        if not kept:
            return None
        s.observations = kept
        return s
