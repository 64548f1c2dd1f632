"""Regional aggregates from stored national data: compute, store with history, recompute after loads.

Entry points:

* ``recompute(session, …)`` — recompute the aggregates of DF_IDAC_REGIONAL from DF_IDAC_CORE (or any
  configured source/target pair) for some or all indicators, in the caller's transaction, and store
  what changed;
* ``on_submission_loaded(db, settings, submission_id)`` — **the hook the submission pipeline calls
  after a load has committed**: it recomputes the periods of the indicators the submission touched
  (a deletion: the whole indicators) in a transaction of its own and never raises (a failed
  recomputation is logged; the load stands);
* ``compute_indicator(session, …)`` — the aggregates of one indicator, optionally ``as_of`` a past
  instant (``explain`` uses it to rebuild exactly what went into a stored value).

**Storage.**  Aggregates are observations of the target dataflow with ``REF_AREA`` = the region code,
``provider = "computed"`` and, as ``submission_id``, a ``submission`` row of its own per recomputation
run (``format_name = "IDAC regional aggregation"``, status ``loaded``): the data API's cache token,
lineage and provenance columns then work for aggregates exactly as for national data.  Only changed
cells are written: a changed value closes the stored row (``superseded_at``) and inserts the new one
through the submission ``Loader``, so the previous aggregate stays in history (``includeHistory``,
``asOf``); an aggregate that can no longer be published (coverage fell, data deleted) is closed.

**Memory.**  One indicator at a time: its national series over all countries are read (streamed from
SQL), passed through the public disclosure, grouped into tables, aggregated, compared with the stored
aggregates of that indicator and written.  Memory is bounded by the largest indicator, not the store.
After a load only the periods it touched are read and recomputed (each period is an independent
set of tables), so a submission costs in proportion to what it changed, not to the store.

**Concurrency.**  Recomputations of one target dataflow are serialised (``lock_target``: a
transaction-scoped advisory lock on PostgreSQL, the database write lock on SQLite), taken before
anything is read: two loads finishing together recompute one after the other, and the second sees
the first's national data and aggregates, so no country is left out of a regional value.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from registry.aggregation.audit import MarginRelation
from registry.aggregation.core import (
    COMPUTED_PROVIDER,
    Aggregate,
    AggregationConfig,
    KeyLayout,
    MemberCell,
    Table,
    aggregate_table,
    format_number,
    number,
)
from registry.aggregation.hierarchy import DEFAULT_REGIONS, Region, load_regions
from registry.data.disclosure import Audience, Disclosure, DisclosurePolicy, threshold_for
from registry.data.fetch import StoredObs, StoredSeries, fetch_series
from registry.formats.base import DataChunk, DataSetInfo, Obs, ResolvedStructure, Series
from registry.sdmx.refs import ArtefactType, Ref
from registry.store.base import utcnow
from registry.store.data_models import DataSeries, Observation, Submission
from registry.structures.resolve import resolve_structure

log = logging.getLogger("idac.aggregation")

SOURCE_FLOW = "IDAC:DF_IDAC_CORE(1.0)"
TARGET_FLOW = "IDAC:DF_IDAC_REGIONAL(1.0)"
#: Source dataflow -> the dataflow its aggregates are stored in.
FLOW_PAIRS: dict[str, str] = {SOURCE_FLOW: TARGET_FLOW}
RUN_FORMAT = "IDAC regional aggregation"


def flow_ref(flow_key: str) -> Ref:
    """``AGENCY:ID(VERSION)`` as a dataflow reference."""
    return Ref.parse_short(flow_key, ArtefactType.DATAFLOW)


def policy_for(structure: ResolvedStructure, settings: Any | None) -> DisclosurePolicy:
    """The disclosure policy the data API applies to this structure (same rules, same threshold)."""
    from registry.submissions.pipeline import rules_for

    default = getattr(settings, "disclosure_threshold", 4)
    rules = rules_for(structure, getattr(settings, "content_path", None))
    return DisclosurePolicy.from_rules(rules, threshold_for(structure.dataflow, default))


@dataclass(slots=True)
class Context:
    """What one computation runs against."""

    source_key: str
    structure: ResolvedStructure
    policy: DisclosurePolicy
    regions: list[Region]
    config: AggregationConfig
    layout: KeyLayout
    relations: list[MarginRelation]

    @classmethod
    def build(
        cls,
        session: Session,
        source_key: str,
        *,
        settings: Any | None = None,
        config: AggregationConfig | None = None,
        policy: DisclosurePolicy | None = None,
    ) -> Context:
        structure = resolve_structure(session, flow_ref(source_key))
        config = config or AggregationConfig.from_env()
        policy = policy or policy_for(structure, settings)
        key_dims = [d.id for d in structure.dsd.dimensions if d.kind != "time"]
        margins = [m for m in policy.margin_dimensions(key_dims) if m != "REF_AREA"]
        layout = KeyLayout.of(key_dims, margins)
        relations = [
            MarginRelation(margins.index(r.component), r.total, tuple(r.parts), tuple(r.optional))
            for r in policy.relations
            if r.component in margins
        ]
        every = load_regions(session)
        wanted = config.regions or DEFAULT_REGIONS
        regions = [every[c] for c in wanted if c in every]
        return cls(source_key, structure, policy, regions, config, layout, relations)

    @property
    def key_dims(self) -> list[str]:
        return self.layout.key_dims


# --- reading national data --------------------------------------------------------------------------


def _cell(s: StoredSeries, o: StoredObs, area: str) -> MemberCell:
    def attr(name: str) -> str | None:
        return o.attrs.get(name, s.attrs.get(name))

    mult = number(attr("UNIT_MULT"))
    return MemberCell(
        area=area,
        key=s.key,
        period=o.time_period,
        value=number(o.value),
        unit=attr("UNIT_MEASURE"),
        unit_mult=int(mult) if mult is not None else 0,
        numer=number(attr("NUMER_VALUE")),
        denom=number(attr("DENOM_VALUE")),
        obs_status=o.obs_status or attr("OBS_STATUS"),
        nature=attr("NATURE"),
        time_detail=attr("TIME_DETAIL"),
        source_type=attr("SOURCE_TYPE"),
        provider=o.provider,
        submission_id=o.submission_id,
        loaded_at=o.loaded_at,
    )


def indicator_pattern(key_dims: Sequence[str], indicator: str) -> tuple[frozenset[str] | None, ...]:
    """A key pattern selecting one indicator."""
    return tuple(frozenset({indicator}) if d == "INDICATOR" else None for d in key_dims)


@dataclass(slots=True)
class PeriodScope:
    """The periods of one indicator a recomputation is limited to, and the dates they span."""

    periods: set[str]
    start: str
    end: str

    def add(self, period: str, start: str, end: str) -> None:
        """Widen the scope by one period."""
        self.periods.add(period)
        self.start = min(self.start, start)
        self.end = max(self.end, end)

    def merge(self, other: PeriodScope) -> None:
        """Widen the scope by another one."""
        self.periods |= other.periods
        self.start = min(self.start, other.start)
        self.end = max(self.end, other.end)


def national_tables(
    session: Session,
    ctx: Context,
    indicator: str,
    *,
    as_of: datetime | None = None,
    scope: PeriodScope | None = None,
) -> list[Table]:
    """The national tables of one indicator, with each cell's public suppression status.

    With ``scope``, only the tables of those periods (a table never spans periods).
    """
    now = as_of or utcnow()
    rows = fetch_series(
        session,
        ctx.source_key,
        ctx.key_dims,
        [indicator_pattern(ctx.key_dims, indicator)],
        start=scope.start if scope is not None else None,
        end=scope.end if scope is not None else None,
        as_of=as_of,
    )
    if scope is not None:
        rows = _in_periods(rows, scope.periods)
    disclosure = Disclosure(ctx.policy, Audience.public(), ctx.key_dims, now=now)
    pending: dict[int, tuple[MemberCell, StoredObs, StoredObs]] = {}

    def tap(series: Iterable[StoredSeries]) -> Iterator[StoredSeries]:
        for s in series:
            area = s.key[ctx.layout.area_pos]
            for o in s.observations:
                pending[id(o)] = (_cell(s, o, area), o, o)
            yield s

    seen: set[int] = set()
    for s in disclosure.apply(tap(rows)):
        for o in s.observations:
            cell = pending.get(id(o))
            if cell is not None:
                seen.add(id(o))
                cell[0].suppressed = o.value is None and cell[0].value is not None
    tables: dict[tuple[tuple[str, ...], str], Table] = {}
    for oid, (cell, o, _o) in pending.items():
        if oid not in seen:
            continue  # embargoed: left out until released
        area, coord, rest = ctx.layout.split(cell.key)
        table = tables.get((rest, cell.period))
        if table is None:
            table = tables[(rest, cell.period)] = Table(rest, cell.period, o.start, o.end)
        table.cells[(area, coord)] = cell
    return [tables[k] for k in sorted(tables)]


def _in_periods(rows: Iterable[StoredSeries], periods: set[str]) -> Iterator[StoredSeries]:
    """The series with only the observations of ``periods`` (series left empty are dropped)."""
    for s in rows:
        kept = [o for o in s.observations if o.time_period in periods]
        if kept:
            s.observations = kept
            yield s


def compute_indicator(
    session: Session,
    ctx: Context,
    indicator: str,
    *,
    as_of: datetime | None = None,
    scope: PeriodScope | None = None,
    brief: bool = False,
) -> list[Aggregate]:
    """Every regional aggregate of one indicator (all periods, or those of ``scope``), audited.

    ``brief``: cells that cannot reach the coverage threshold come back bare (see
    ``aggregate_table``); recomputations use it, ``explain`` does not.
    """
    out: list[Aggregate] = []
    for table in national_tables(session, ctx, indicator, as_of=as_of, scope=scope):
        out.extend(
            aggregate_table(table, ctx.regions, ctx.layout, ctx.relations, ctx.config, brief=brief)
        )
    return out


# --- storing ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class RecomputeResult:
    """What one recomputation did."""

    run_id: str | None = None
    indicators: list[str] = field(default_factory=list)
    computed: int = 0
    published: int = 0
    suppressed: int = 0
    below_coverage: int = 0
    written: int = 0
    closed: int = 0
    #: The loaded submissions whose data this recomputation brought into the aggregates.
    submissions: list[str] = field(default_factory=list)

    def absorb(self, other: RecomputeResult) -> None:
        """Add another round's counts, indicators and submissions to this result."""
        self.run_id = other.run_id or self.run_id
        self.indicators = sorted(set(self.indicators) | set(other.indicators))
        for name in ("computed", "published", "suppressed", "below_coverage", "written", "closed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.submissions += other.submissions

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


def _series_attrs(
    aggs: Sequence[Aggregate], source_key: str
) -> dict[tuple[str, ...], dict[str, str]]:
    out: dict[tuple[str, ...], dict[str, str]] = {}
    sources: dict[tuple[str, ...], set[str]] = {}
    for a in aggs:
        if not a.stored:
            continue
        sources.setdefault(a.key, set()).update(
            c.source_type for c in a.contributors if c.source_type
        )
        out[a.key] = {
            "UNIT_MEASURE": a.unit,
            "UNIT_MULT": "0",
            "COMPILING_ORG": "IDAC SDMX registry (computed)",
            "COMMENT_TS": f"Regional aggregate computed by the service from {source_key}",
        }
    for key, attrs in out.items():
        found = sources.get(key, set())
        attrs["SOURCE_TYPE"] = next(iter(found)) if len(found) == 1 else "OTHER"
    return out


def _indicators(session: Session, flow_key: str, pos: int) -> set[str]:
    found: set[str] = set()
    for (skey,) in session.execute(
        select(DataSeries.series_key).where(DataSeries.dataflow == flow_key)
    ):
        parts = skey.split(".")
        if len(parts) > pos:
            found.add(parts[pos])
    return found


def _chunk(
    target: ResolvedStructure,
    target_key: str,
    rows: Iterable[tuple[tuple[str, ...], str, str | None, dict[str, str], dict[str, str]]],
    key_dims: Sequence[str],
    action: str,
) -> DataChunk:
    ds = DataSetInfo(flow_ref(target_key), target, action=action)
    chunk = DataChunk(ds)
    series: dict[tuple[str, ...], Series] = {}
    for key, period, value, obs_attrs, ser_attrs in rows:
        s = series.get(key)
        if s is None:
            s = series[key] = Series(dict(zip(key_dims, key, strict=True)), dict(ser_attrs))
        chunk.observations.append(Obs(s, {"TIME_PERIOD": period}, value, dict(obs_attrs)))
    return chunk


def store_aggregates(
    session: Session,
    ctx: Context,
    target_key: str,
    indicator: str,
    aggs: Sequence[Aggregate],
    *,
    run: list[str],
    actor: str,
    now: datetime,
    scope: PeriodScope | None = None,
) -> tuple[int, int]:
    """Write the changed aggregates of one indicator, close the vanished ones; (written, closed).

    With ``scope``, only stored aggregates of those periods are compared (and may vanish).
    """
    from registry.submissions.loader import Loader

    target = resolve_structure(session, flow_ref(target_key))
    ser_attrs = _series_attrs(aggs, ctx.source_key)
    new: dict[tuple[tuple[str, ...], str], tuple[str, dict[str, str]]] = {
        (a.key, a.period): (format_number(a.value), a.obs_attrs)
        for a in aggs
        if a.stored and a.value is not None
    }
    current: dict[
        tuple[tuple[str, ...], str], tuple[str | None, dict[str, str], dict[str, str]]
    ] = {}
    for s in fetch_series(
        session,
        target_key,
        ctx.key_dims,
        [indicator_pattern(ctx.key_dims, indicator)],
        start=scope.start if scope is not None else None,
        end=scope.end if scope is not None else None,
    ):
        for o in s.observations:
            if scope is not None and o.time_period not in scope.periods:
                continue
            if o.provider == COMPUTED_PROVIDER:
                current[(s.key, o.time_period)] = (o.value, o.attrs, s.attrs)
    changed = []
    for k, (value, attrs) in new.items():
        old = current.get(k)
        sattrs = ser_attrs[k[0]]
        if old is None or old[0] != value or old[1] != attrs or {**old[2], **sattrs} != old[2]:
            changed.append((k[0], k[1], value, attrs, sattrs))
    vanished = [(k[0], k[1], None, {}, {}) for k in current if k not in new]
    if not changed and not vanished:
        return 0, 0
    if not run:
        run.append(_new_run(session, target_key, actor, now))
    conn = session.connection()
    if changed:
        Loader(
            conn,
            target,
            dataflow=target_key,
            submission_id=run[0],
            provider=COMPUTED_PROVIDER,
            action="replace",
            now=now,
        ).load([_chunk(target, target_key, changed, ctx.key_dims, "Replace")])
    if vanished:
        Loader(
            conn,
            target,
            dataflow=target_key,
            submission_id=run[0],
            provider=COMPUTED_PROVIDER,
            action="delete",
            now=now,
        ).load([_chunk(target, target_key, vanished, ctx.key_dims, "Delete")])
    return len(changed), len(vanished)


def _new_run(session: Session, target_key: str, actor: str, now: datetime) -> str:
    run_id = "agg" + uuid.uuid4().hex[:29]
    session.add(
        Submission(
            id=run_id,
            dataflow=target_key,
            provider=COMPUTED_PROVIDER,
            action="replace",
            status="loaded",
            format_name=RUN_FORMAT,
            content_hash=hashlib.sha256(run_id.encode()).hexdigest(),
            actor=actor,
            created_at=now,
            started_at=now,
            finished_at=now,
        )
    )
    session.flush()
    return run_id


def recompute(
    session: Session,
    *,
    source: str = SOURCE_FLOW,
    target: str | None = None,
    indicators: Iterable[str] | None = None,
    settings: Any | None = None,
    config: AggregationConfig | None = None,
    policy: DisclosurePolicy | None = None,
    actor: str = "system",
    scopes: dict[str, PeriodScope] | None = None,
) -> RecomputeResult:
    """Recompute and store the aggregates of ``source`` into ``target`` (in the caller's transaction).

    ``scopes`` limits an indicator to some periods (``touched_periods``); indicators without a
    scope are recomputed whole.  Takes ``lock_target`` first.
    """
    target_key = target or FLOW_PAIRS.get(source)
    if target_key is None:
        raise ValueError(f"no regional dataflow is configured for {source}")
    lock_target(session, target_key)
    # A whole recomputation includes every load committed before the lock: they are done.
    whole = indicators is None and scopes is None
    covered = [p.id for p in pending_loads(session, source)] if whole else []
    ctx = Context.build(session, source, settings=settings, config=config, policy=policy)
    pos = ctx.key_dims.index("INDICATOR")
    wanted = sorted(
        set(indicators)
        if indicators is not None
        else _indicators(session, source, pos) | _indicators(session, target_key, pos)
    )
    now = utcnow()
    result = RecomputeResult(indicators=wanted)
    run: list[str] = []
    for indicator in wanted:
        scope = (scopes or {}).get(indicator)
        aggs = compute_indicator(session, ctx, indicator, scope=scope, brief=True)
        result.computed += len(aggs)
        result.published += sum(a.status == "published" for a in aggs)
        result.suppressed += sum(a.status == "suppressed" for a in aggs)
        result.below_coverage += sum(a.status == "below_coverage" for a in aggs)
        written, closed = store_aggregates(
            session, ctx, target_key, indicator, aggs, run=run, actor=actor, now=now, scope=scope
        )
        result.written += written
        result.closed += closed
    if run:
        session.execute(
            Submission.__table__.update()
            .where(Submission.id == run[0])
            .values(
                observations_loaded=result.written + result.closed,
                observations_read=result.computed,
                finished_at=utcnow(),
            )
        )
        result.run_id = run[0]
    if covered:
        mark_aggregated(session, covered, now)
        result.submissions = covered
    return result


def touched_periods(
    session: Session, submission_id: str, key_dims: Sequence[str]
) -> dict[str, PeriodScope] | None:
    """Indicator → the periods a submission loaded (None: a deletion, which may touch anything)."""
    sub = session.get(Submission, submission_id)
    if sub is None:
        return {}
    if sub.action == "delete":
        return None
    pos = list(key_dims).index("INDICATOR")
    stmt = (
        select(
            DataSeries.series_key,
            Observation.time_period,
            Observation.period_start,
            Observation.period_end,
        )
        .distinct()
        .join(Observation, Observation.series_pk == DataSeries.pk)
        .where(Observation.submission_id == submission_id)
    )
    out: dict[str, PeriodScope] = {}
    for key, period, start, end in session.execute(stmt):
        parts = key.split(".")
        if len(parts) <= pos:
            continue
        scope = out.get(parts[pos])
        if scope is None:
            out[parts[pos]] = PeriodScope({period}, start, end)
        else:
            scope.add(period, start, end)
    return out


def _lock_id(target_key: str) -> int:
    """A stable signed 64-bit advisory lock id for a target dataflow."""
    digest = hashlib.sha256(f"idac-aggregation:{target_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_target(session: Session, target_key: str, *, wait: bool = True) -> bool:
    """Serialise recomputations of ``target_key`` until the caller's transaction ends.

    Taken before anything is read, so the recomputation sees every load committed before it.
    PostgreSQL: a transaction-scoped advisory lock; with ``wait=False`` it is only tried, and
    False means another recomputation holds it.  SQLite: a write that matches no row makes the
    connection take the database's write lock now (waiting for it: SQLite has one writer at a
    time anyway), and the reads that follow see the latest commit.
    """
    if session.get_bind().dialect.name == "postgresql":
        fn = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        got = session.execute(text(f"SELECT {fn}(:k)"), {"k": _lock_id(target_key)}).scalar()
        return wait or bool(got)
    session.execute(Submission.__table__.update().where(Submission.id == "").values(status="loaded"))
    return True


#: Most recomputation rounds one hook runs (each takes the loads that arrived during the last).
MAX_ROUNDS = 50


def pending_loads(session: Session, source: str) -> list[Submission]:
    """Loaded submissions of ``source`` whose data are not in the aggregates yet (oldest first)."""
    return list(
        session.scalars(
            select(Submission)
            .where(
                Submission.dataflow == source,
                Submission.status == "loaded",
                Submission.aggregated_at.is_(None),
            )
            .order_by(Submission.finished_at, Submission.id)
        )
    )


def mark_aggregated(session: Session, ids: Sequence[str], now: datetime) -> None:
    """Record that these loads are in the aggregates."""
    for start in range(0, len(ids), 500):
        session.execute(
            Submission.__table__.update()
            .where(Submission.id.in_(ids[start : start + 500]))
            .values(aggregated_at=now)
        )


def _merge_scopes(
    session: Session, ids: Sequence[str], key_dims: Sequence[str]
) -> dict[str, PeriodScope] | None:
    """The union of the loads' touched periods (None as soon as one is a deletion)."""
    merged: dict[str, PeriodScope] = {}
    for sub_id in ids:
        scopes = touched_periods(session, sub_id, key_dims)
        if scopes is None:
            return None
        for indicator, scope in scopes.items():
            have = merged.get(indicator)
            if have is None:
                merged[indicator] = scope
            else:
                have.merge(scope)
    return merged


def on_submission_loaded(db: Any, settings: Any, submission_id: str) -> RecomputeResult | None:
    """Bring a loaded submission's data into the regional aggregates (own transactions; never raises).

    Call it after the load's transaction has committed.  Loads that finish together are
    aggregated together, and no job waits for another's recomputation:

    * the hook *tries* the target's lock; if another recomputation holds it, it returns at once
      (an empty result) — that one will take this load in its next round;
    * the holder takes *every* load of the dataflow still waiting (``pending_loads``: this one,
      others that finished meanwhile, one whose worker died before aggregating), recomputes the
      union of the periods they touched in one pass, marks them aggregated and commits; then it
      looks again, in rounds, until nothing waits.

    The cost follows the data changed, not the number of loads, and the job threads stay free to
    validate and load the next files.  Returns None when the dataflow has no regional aggregates
    or a recomputation failed (logged; its loads stay waiting for the next one).
    """
    total = RecomputeResult()
    try:
        with db.sessions() as session:
            sub = session.get(Submission, submission_id)
            if sub is None or sub.dataflow not in FLOW_PAIRS or sub.status != "loaded":
                return None
            source = sub.dataflow
        target = FLOW_PAIRS[source]
        for _round in range(MAX_ROUNDS):
            with db.transaction() as session:
                if not lock_target(session, target, wait=False):
                    return total  # the holder will take this load in its next round
                pending = [p.id for p in pending_loads(session, source)]
                if not pending:
                    return total
                structure = resolve_structure(session, flow_ref(source))
                key_dims = [d.id for d in structure.dsd.dimensions if d.kind != "time"]
                scopes = _merge_scopes(session, pending, key_dims)
                label = pending[0] if len(pending) == 1 else f"{len(pending)} loads"
                result = recompute(
                    session,
                    source=source,
                    indicators=sorted(scopes) if scopes is not None else None,
                    settings=settings,
                    actor=f"aggregation after {label}",
                    scopes=scopes,
                )
                mark_aggregated(session, pending, utcnow())
                result.submissions = pending
            total.absorb(result)
        log.warning("aggregation after %s stopped after %d rounds", submission_id, MAX_ROUNDS)
        return total
    except Exception:
        log.exception("regional aggregates were not recomputed after submission %s", submission_id)
        return None
