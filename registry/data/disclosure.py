"""Statistical disclosure control (DOMAIN.md §6 and §7.8), enforced in this one place for every output.

Every path that shows observations to somebody (data answers, availability, lineage, later aggregates
and pages) gets them through ``Disclosure.apply``; nothing else reads values for output.

**Audience.**  ``Audience.public()`` (everybody, today every request), ``Audience.provider(id)`` (the
provider sees the true values and flags of the observations *it* reported, and the public view of the
others), ``Audience.curator()`` (sees everything).  Authentication will map a request to an audience.

**Primary suppression** (per observation, for the public):

* an observation whose ``embargo_until`` is in the future is *invisible* (not emitted at all), but it
  still counts as a suppressed cell for secondary suppression (else ``total - published parts`` would
  reveal it);
* ``CONF_STATUS`` C, D, N, A, S or E (sender flags: confidential, secondary, not for publication,
  primary, embargoed) → emitted without ``OBS_VALUE``, ``OBS_STATUS=Q``, ``CONF_STATUS`` as sent;
* counts (series ``UNIT_MEASURE`` in PS, NUMBER, MOV) with a value in ``1..threshold`` → suppressed with
  ``CONF_STATUS=A``.  True zeros are published.  The threshold is ``settings.disclosure_threshold``
  (default 4) unless the dataflow carries an annotation of type or id ``DISCLOSURE_THRESHOLD`` whose
  title (or value, or text) is an integer;
* survey values: ``UNWGTD_SAMPLE`` < 25 → suppressed (``OBS_STATUS=Q``, ``CONF_STATUS`` kept); 25–49 →
  published with ``OBS_STATUS=U`` (low reliability).

A suppressed cell also loses the attributes that would give its value away (bounds, numerator,
denominator: ``REVEALING_ATTRIBUTES``).

**Secondary suppression** (counts only).  The margins are the additivity rules of the IDAC rules file
(``dsd/idac-rules.toml``: SEX F+M(+_U)=_T, the AGE partitions of Y0T17 from HCL_AGE, ACCOMPANIMENT
UNACC+SEP=UASC and ACC+UASC(+_U)=_T, DISPL_CAUSE, URBANISATION).  A *table* is the set of series that
share every dimension except the margin dimensions, at one period; a *relation* is one rule applied
along one margin with the other margins fixed (``total = Σ parts``).  In a relation, the unknowns are
its suppressed or missing members, plus its required members that are absent (absent optional parts
are known zeros).  Whenever a relation has exactly one unknown and that unknown is suppressed, the
suppressed value is ``total - published parts``: the service then suppresses the smallest published
part of that relation (the total only when no part is left), ties broken by code order, with
``CONF_STATUS=S``, and repeats until no relation leaks.  A final audit per table solves the whole system
of relations (a suppressed cell is *determined* when its unit vector lies in the row space of the
relations restricted to the unknowns; numpy rank test) and suppresses more while some cell is still
determined, which catches leaks through combinations of relations in 2- and 3-way tables.  (Interval
attacks from non-negativity are not audited.)  Decisions depend on the whole table only, never on the
query: the fetch reads whole tables whatever the key asks for (``widen_positions``), so two queries
cannot be combined to undo a suppression.

**Bounded memory.**  Rows arrive ordered by series key.  All series of a table share the key positions
before the first margin dimension, so the series are buffered per *block* of that prefix (for IDAC
CORE: one frequency × area × indicator, whatever the size of the answer), the block's tables are
processed, and the block is emitted.  With no margin dimension in the DSD, or for the curator, series
stream one by one.

**History.**  When several versions of a cell are read (``includeHistory``, lineage), each table is
audited at every instant at which one of its cells changed; a version is suppressed if it is
suppressed in any snapshot in which it was current.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar

from registry.data.fetch import StoredObs, StoredSeries
from registry.sdmx.model import Dataflow

#: CONF_STATUS codes (SDMX CL_CONF_STATUS 1.2) that are never disseminated to the public.
SUPPRESSED_CONF = frozenset({"C", "D", "N", "A", "S", "E"})
#: Attributes that would reveal a suppressed value.
REVEALING_ATTRIBUTES = frozenset({"LOWER_BOUND", "UPPER_BOUND", "NUMER_VALUE", "DENOM_VALUE"})
COUNT_UNITS = frozenset({"PS", "NUMBER", "MOV"})
THRESHOLD_ANNOTATION = "DISCLOSURE_THRESHOLD"
#: Reasons that are not CONF_STATUS codes.
HIDDEN = "hidden"
SAMPLE = "sample"
#: The audit solves at most this many unknowns per table (larger tables keep the relation rule only).
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
        """Whether this audience sees the true value of an observation reported by ``obs_provider``."""
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


class Disclosure:
    """Applies a policy for an audience to a stream of ``StoredSeries`` (mutating the observations)."""

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

    @property
    def widen_positions(self) -> list[int]:
        """Key positions the fetch must not restrict (the margins), for the public."""
        return [] if self.audience.kind == "curator" else list(self.margin_pos)

    # --- primary --------------------------------------------------------------------------------------

    def _is_count(self, series: StoredSeries) -> bool:
        return series.attrs.get(self.policy.unit_attribute) in self.policy.count_units

    def primary(self, obs: StoredObs, series_attrs: dict[str, str], is_count: bool) -> str | None:
        """Why this observation may not be published as is (None: it may)."""
        if obs.embargo_until is not None and obs.embargo_until > self.now:
            return HIDDEN
        conf = obs.conf_status or obs.attrs.get("CONF_STATUS")
        if conf in SUPPRESSED_CONF:
            return conf
        if is_count:
            v = _number(obs.value)
            if v is not None and 0 < v <= self.policy.threshold:
                return "A"
        sample = _number(
            obs.attrs.get(self.policy.sample_attribute)
            or series_attrs.get(self.policy.sample_attribute)
        )
        if sample is not None and sample < self.policy.sample_suppress_below:
            return SAMPLE
        return None

    # --- entry point ----------------------------------------------------------------------------------

    def apply(self, series: Iterable[StoredSeries]) -> Iterator[StoredSeries]:
        """The series as the audience may see them (series left with no observation are dropped)."""
        if self.audience.kind == "curator":
            yield from series
            return
        if not self.margin_pos:
            for s in series:
                is_count = self._is_count(s)
                decided = {id(o): self.primary(o, s.attrs, is_count) for o in s.observations}
                out = self._publish(s, decided)
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

    # --- secondary --------------------------------------------------------------------------------------

    def _block(self, block: list[StoredSeries]) -> Iterator[StoredSeries]:
        mp = self.margin_pos
        tables: dict[tuple[tuple[str, ...], str], _Table] = {}
        decided: dict[int, str | None] = {}
        for s in block:
            is_count = self._is_count(s)
            rest = tuple(v for n, v in enumerate(s.key) if n not in mp)
            coord = tuple(s.key[n] for n in mp)
            for o in s.observations:
                decided[id(o)] = self.primary(o, s.attrs, is_count)
                table = tables.setdefault((rest, o.time_period), _Table())
                table.cells.setdefault(coord, []).append((o, is_count))
        for table in tables.values():
            for snapshot in self._snapshots(table):
                cells = {
                    c: _Cell(o, _number(o.value), is_count, decided[id(o)])
                    for c, (o, is_count) in snapshot.items()
                }
                self._secondary(cells)
                for cell in cells.values():
                    if cell.reason is not None and decided[id(cell.obs)] is None:
                        decided[id(cell.obs)] = cell.reason
        for s in block:
            out = self._publish(s, decided)
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
        self, cells: dict[tuple[str, ...], _Cell]
    ) -> list[list[tuple[tuple[str, ...], bool]]]:
        """Instantiated relations: lists of (coordinate, required) with the total first."""
        out = []
        for i, pos in enumerate(self.margin_pos):
            for rel in self.rel_by_pos.get(pos, ()):
                members = (rel.total, *rel.parts, *rel.optional)
                others = {c[:i] + c[i + 1 :] for c in cells if c[i] in members}
                for other in sorted(others):

                    def at(
                        code: str, other: tuple[str, ...] = other, i: int = i
                    ) -> tuple[str, ...]:
                        return other[:i] + (code,) + other[i:]

                    inst = [(at(rel.total), True)] + [(at(p), True) for p in rel.parts]
                    inst += [(at(p), False) for p in rel.optional]
                    present = [cells[c] for c, _r in inst if c in cells]
                    if any(not cell.count for cell in present):
                        continue  # not additive (not a count)
                    out.append(inst)
        return out

    @staticmethod
    def _unknowns(
        inst: list[tuple[tuple[str, ...], bool]], cells: dict[tuple[str, ...], _Cell]
    ) -> list[tuple[str, ...]]:
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
    def _complement(
        inst: list[tuple[tuple[str, ...], bool]], cells: dict[tuple[str, ...], _Cell]
    ) -> _Cell | None:
        """The smallest published part of the relation (the total if no part is left)."""
        parts = [
            (cells[c].value, c)
            for c, _r in inst[1:]
            if c in cells and cells[c].reason is None and cells[c].value is not None
        ]
        if parts:
            return cells[min(parts, key=lambda p: (abs(p[0] or 0.0), p[1]))[1]]
        total = cells.get(inst[0][0])
        if total is not None and total.reason is None and total.value is not None:
            return total
        return None

    def _secondary(self, cells: dict[tuple[str, ...], _Cell]) -> None:
        if not any(c.reason is not None and c.count for c in cells.values()):
            return
        relations = self._relations(cells)
        while True:
            changed = False
            for inst in relations:
                unknown = self._unknowns(inst, cells)
                if (
                    len(unknown) == 1
                    and unknown[0] in cells
                    and cells[unknown[0]].reason is not None
                ):
                    comp = self._complement(inst, cells)
                    if comp is not None:
                        comp.reason = "S"
                        changed = True
            if not changed and not self._audit(relations, cells):
                return

    def _audit(
        self,
        relations: list[list[tuple[tuple[str, ...], bool]]],
        cells: dict[tuple[str, ...], _Cell],
    ) -> bool:
        """Suppress one more cell if the system of relations determines a suppressed one."""
        import numpy as np

        rows = [(inst, self._unknowns(inst, cells)) for inst in relations]
        rows = [(inst, u) for inst, u in rows if u]
        variables = sorted({c for _inst, u in rows for c in u})
        if not variables or len(variables) > MAX_AUDIT_UNKNOWNS:
            return False
        index = {c: n for n, c in enumerate(variables)}
        matrix = np.zeros((len(rows), len(variables)))
        for r, (inst, unknown) in enumerate(rows):
            total = inst[0][0]
            for c in unknown:
                matrix[r, index[c]] = -1.0 if c == total else 1.0
        rank = np.linalg.matrix_rank(matrix)
        for c in variables:
            cell = cells.get(c)
            if cell is None or cell.reason is None:
                continue
            probe = np.zeros((1, len(variables)))
            probe[0, index[c]] = 1.0
            if np.linalg.matrix_rank(np.vstack([matrix, probe])) == rank:  # determined
                for inst, unknown in rows:
                    if c in unknown:
                        comp = self._complement(inst, cells)
                        if comp is not None:
                            comp.reason = "S"
                            return True
        return False

    # --- output -------------------------------------------------------------------------------------------

    def _publish(self, s: StoredSeries, decided: dict[int, str | None]) -> StoredSeries | None:
        kept: list[StoredObs] = []
        policy = self.policy
        for o in s.observations:
            reason = decided.get(id(o))
            if self.audience.sees_true(o.provider):
                kept.append(o)
                continue
            if reason == HIDDEN:
                continue
            if reason is not None:
                attrs = {k: v for k, v in o.attrs.items() if k not in REVEALING_ATTRIBUTES}
                attrs["OBS_STATUS"] = "Q"
                if reason != SAMPLE:
                    attrs["CONF_STATUS"] = reason
                    o.conf_status = reason
                o.obs_status = "Q"
                o.value = None
                o.attrs = attrs
            else:
                sample = _number(
                    o.attrs.get(policy.sample_attribute) or s.attrs.get(policy.sample_attribute)
                )
                if sample is not None and sample < policy.sample_flag_below and o.value is not None:
                    o.attrs = {**o.attrs, "OBS_STATUS": "U"}
                    o.obs_status = "U"
            kept.append(o)
        if not kept:
            return None
        s.observations = kept
        return s
