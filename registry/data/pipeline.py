"""The one path from stored rows to what an audience may see, shared by data, availability and
lineage.

``published`` = fetch (whole disclosure tables: the margin positions of the key are widened) →
``Disclosure.apply`` → the query's narrowing filters: key, providers, ``c[…]`` on dimensions,
attributes, the measure and ``TIME_PERIOD``, ``updatedAfter``, then ``firstNObservations`` /
``lastNObservations`` per series.  Filters on values and flags see the *published* values, so
``c[OBS_VALUE]=lt:5`` cannot reveal suppressed cells.  ``to_out`` turns the result into writer
``OutSeries`` for a dimension at observation, with v2 ``attributes``/``measures`` and provenance.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from registry.data.disclosure import Audience, Disclosure, DisclosurePolicy
from registry.data.fetch import StoredObs, StoredSeries, fetch_series
from registry.data.query import (
    ALL_DIMENSIONS,
    TIME_PERIOD,
    ComponentFilter,
    DataQuery,
    KeyPattern,
    dimension_codes,
    key_matches,
    period_passes,
    value_passes,
    widen,
)
from registry.formats.base import OutObs, OutSeries, ResolvedStructure
from registry.formats.xsdgen import layout

if TYPE_CHECKING:
    from registry.aggregation.hierarchy import Region


@dataclass(slots=True)
class DataContext:
    """What a query runs against: structure, store key of the flow, policy and audience."""

    structure: ResolvedStructure
    flow_key: str
    policy: DisclosurePolicy
    audience: Audience = field(default_factory=Audience.public)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: The regions of the area hierarchies (``registry.aggregation.hierarchy.load_regions``), when
    #: the caller has them at hand (the data API caches them per store generation); None: read
    #: from the store when a query needs them.
    regions: Mapping[str, Region] | None = None

    @property
    def key_dims(self) -> list[str]:
        """Key dimensions (time excluded), DSD order."""
        return [d.id for d in self.structure.dsd.dimensions if d.kind != "time"]

    @property
    def measure_ids(self) -> list[str]:
        """Measures (OBS_VALUE when the DSD names none)."""
        return [m.id for m in self.structure.dsd.measures] or ["OBS_VALUE"]


def effective_keys(query: DataQuery, key_dims: Sequence[str]) -> list[KeyPattern] | None:
    """The query's key patterns intersected with plain ``c[DIM]=a,b`` filters on dimensions."""
    patterns = query.keys
    extra = {
        key_dims.index(comp): codes
        for comp, flt in query.filters.items()
        if comp in key_dims and (codes := dimension_codes(flt)) is not None
    }
    if not extra:
        return patterns
    base = patterns or [tuple([None] * len(key_dims))]
    out: list[KeyPattern] = []
    for p in base:
        q = list(p)
        for pos, codes in extra.items():
            q[pos] = codes if q[pos] is None else q[pos] & codes  # type: ignore[operator]
        out.append(tuple(q))
    return out


def expand_regions(
    session: Session,
    patterns: list[KeyPattern] | None,
    key_dims: Sequence[str],
    flow_key: str,
    regions: Mapping[str, Region] | None = None,
) -> list[KeyPattern] | None:
    """Hierarchy-aware keys: on a national dataflow, a region code in REF_AREA selects its members.

    National dataflows hold no data for region codes (aggregates live in their regional dataflow,
    where asking for the region code returns the aggregate), so ``REF_AREA=UNSDG_CENTRALAMR`` on
    DF_IDAC_CORE means "the member countries" (M49 hierarchies, ``registry.aggregation.hierarchy``).
    """
    from registry.aggregation.compute import FLOW_PAIRS
    from registry.aggregation.hierarchy import expand_region, load_regions

    if patterns is None or "REF_AREA" not in key_dims or flow_key not in FLOW_PAIRS:
        return patterns
    pos = list(key_dims).index("REF_AREA")
    if not any(p[pos] for p in patterns):
        return patterns
    if regions is None:
        regions = load_regions(session)
    out: list[KeyPattern] = []
    for p in patterns:
        codes = p[pos]
        if codes:
            expanded: set[str] = set()
            for code in codes:
                expanded.update(expand_region(session, code, regions) or [code])
            p = (*p[:pos], frozenset(expanded), *p[pos + 1 :])
        out.append(p)
    return out


def _series_filters(query: DataQuery, ctx: DataContext) -> list[tuple[str, ComponentFilter]]:
    dims = set(ctx.key_dims)
    return [(c, f) for c, f in query.filters.items() if c in dims and dimension_codes(f) is None]


def _obs_filters(query: DataQuery, ctx: DataContext) -> list[tuple[str, ComponentFilter]]:
    dims = set(ctx.key_dims) | {TIME_PERIOD}
    return [(c, f) for c, f in query.filters.items() if c not in dims]


def published(
    session: Session, ctx: DataContext, query: DataQuery, *, apply_key: bool = True
) -> Iterator[StoredSeries]:
    """The series (and observations) the audience may see for ``query``, streamed."""
    key_dims = ctx.key_dims
    disclosure = Disclosure(ctx.policy, ctx.audience, key_dims, now=ctx.now)
    patterns = expand_regions(
        session, effective_keys(query, key_dims), key_dims, ctx.flow_key, ctx.regions
    )
    fetch_patterns = widen(patterns, disclosure.widen_positions) if apply_key else None
    rows = fetch_series(
        session,
        ctx.flow_key,
        key_dims,
        fetch_patterns,
        start=query.start,
        end=query.end,
        as_of=query.as_of,
        history=query.include_history,
    )
    series_filters = _series_filters(query, ctx)
    obs_filters = _obs_filters(query, ctx)
    time_filter = query.filters.get(TIME_PERIOD)
    measure = ctx.measure_ids[0]
    providers = query.providers
    after = query.updated_after
    for s in disclosure.apply(rows):
        if apply_key and patterns is not None and not key_matches(patterns, s.key):
            continue
        if any(not value_passes(f, s.dims.get(c)) for c, f in series_filters):
            continue
        obs: Iterable[StoredObs] = s.observations
        if providers is not None:
            obs = [o for o in obs if o.provider in providers]
        if after is not None:
            obs = [o for o in obs if o.loaded_at is not None and o.loaded_at > after]
        if time_filter is not None:
            obs = [o for o in obs if period_passes(time_filter, o.time_period, o.start, o.end)]
        if obs_filters:
            sattrs = s.attrs
            obs = [
                o
                for o in obs
                if all(
                    value_passes(f, o.value if c == measure else o.attrs.get(c, sattrs.get(c)))
                    for c, f in obs_filters
                )
            ]
        kept = _first_last(list(obs), query.first_n, query.last_n)
        if kept:
            s.observations = kept
            yield s


def _first_last(obs: list[StoredObs], first: int | None, last: int | None) -> list[StoredObs]:
    """First/last N *periods* (all versions of a period stay together)."""
    if first is None and last is None:
        return obs
    periods = [list(g) for _p, g in groupby(obs, key=lambda o: o.time_period)]
    if first is not None:
        periods = periods[:first]
    if last is not None:
        periods = list(deque(periods, maxlen=last))
    return [o for g in periods for o in g]


# --- to writer series
# ------------------------------------------------------------------------------


def attribute_selector(
    query: DataQuery, structure: ResolvedStructure
) -> Callable[[str], bool] | None:
    """Which attributes to keep for v2 ``attributes`` (None: all of them)."""
    wanted = query.attributes
    if wanted in ("dsd", "all"):
        return None
    if wanted in ("none", "msd"):  # no metadata attributes are held
        return lambda _a: False
    if isinstance(wanted, frozenset):
        return wanted.__contains__
    lay = layout(structure.dsd, TIME_PERIOD)
    level = {"dataset": lay.dataset_attrs, "series": lay.series_attrs, "obs": lay.obs_attrs}[wanted]
    keep = frozenset(level)
    return keep.__contains__


def provenance_of(o: StoredObs) -> dict[str, str]:
    """The provenance columns of one observation."""
    return {
        "PROVIDER": o.provider or "",
        "SUBMISSION": o.submission_id or "",
        "LOADED_AT": o.loaded_at.isoformat().replace("+00:00", "Z") if o.loaded_at else "",
        **(
            {"SUPERSEDED_AT": o.superseded_at.isoformat().replace("+00:00", "Z")}
            if o.superseded_at
            else {}
        ),
    }


def to_out(
    series: Iterable[StoredSeries],
    query: DataQuery,
    ctx: DataContext,
    *,
    provenance: bool = False,
) -> Iterator[OutSeries]:
    """Writer series for the query's dimension at observation."""
    keep_attr = attribute_selector(query, ctx.structure)
    measures = query.measures
    measure = ctx.measure_ids[0]
    drop_value = measures == "none" or (isinstance(measures, frozenset) and measure not in measures)

    def attrs_of(a: dict[str, str]) -> dict[str, str]:
        return a if keep_attr is None else {k: v for k, v in a.items() if keep_attr(k)}

    def obs_of(o: StoredObs, dims: dict[str, str]) -> OutObs:
        return OutObs(
            dims,
            None if drop_value else o.value,
            attrs_of(o.attrs),
            provenance_of(o) if provenance else None,
        )

    dao = query.dimension_at_observation
    if dao in (TIME_PERIOD, ALL_DIMENSIONS):
        for s in series:
            yield OutSeries(
                s.dims,
                attrs_of(s.attrs),
                [obs_of(o, {TIME_PERIOD: o.time_period}) for o in s.observations],
            )
        return
    yield from _regroup(series, ctx.key_dims, dao, attrs_of, obs_of)


def _regroup(
    series: Iterable[StoredSeries],
    key_dims: list[str],
    dao: str,
    attrs_of: Callable[[dict[str, str]], dict[str, str]],
    obs_of: Callable[[StoredObs, dict[str, str]], OutObs],
) -> Iterator[OutSeries]:
    """Series by (key without ``dao``, period) with ``dao`` at observation level.

    Rows come ordered by series key, so every series sharing the positions before ``dao`` is in one
    block: memory is bounded by that block.
    """
    pos = key_dims.index(dao)
    block: dict[tuple[tuple[str, ...], str], OutSeries] = {}
    prefix: tuple[str, ...] | None = None

    def flush() -> Iterator[OutSeries]:
        for k in sorted(block):
            yield block[k]
        block.clear()

    for s in series:
        p = s.key[:pos]
        if p != prefix:
            yield from flush()
            prefix = p
        rest = s.key[:pos] + s.key[pos + 1 :]
        sattrs = attrs_of(s.attrs)
        for o in s.observations:
            out = block.get((rest, o.time_period))
            if out is None:
                key = {d: v for d, v in s.dims.items() if d != dao}
                key[TIME_PERIOD] = o.time_period
                out = block[(rest, o.time_period)] = OutSeries(key, dict(sattrs), [])
            ob = obs_of(o, {dao: s.dims[dao]})
            ob.attrs = {**sattrs, **ob.attrs}
            out.observations.append(ob)  # type: ignore[attr-defined]
    yield from flush()
