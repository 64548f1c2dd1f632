"""Data availability (SDMX-REST v1 ``/availableconstraint``, v2 ``/availability``): an *Actual*
content constraint whose cube region lists, per dimension, the codes that have data, with the time
range and counts (``obs_count``/``series_count`` annotations of type ``sdmx_metrics``, as the SDMX
TCK expects).

Modes (SDMX-REST v1.5 §4.6 / v2 ``doc/availability.md``): ``exact`` gives the values of the series
that match the whole key; ``available`` gives, for each dimension, the values that could still be
chosen, i.e. the values found in series matching the key on every *other* dimension.

**Disclosure rule.**  Availability is computed from ``pipeline.published``, exactly what the data
query would return to the same audience.  So an observation counts as existing when the public sees
it, as a value or as a suppressed cell (``OBS_STATUS=Q``: the data answer already shows that cell
exists, so counting it reveals nothing more); an embargoed observation, which the public does not
see at all, does not count, and a series whose only observations are embargoed does not appear.
Counts never depend on suppressed values, and ``c[OBS_VALUE]`` filters see published values only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from registry.data.pipeline import DataContext, effective_keys, published
from registry.data.query import (
    DataQuery,
    KeyPattern,
    dimension_codes,
    key_matches,
    key_matches_except,
)
from registry.errors import NotFound
from registry.sdmx.model import (
    Annotation,
    Codelist,
    ComponentValues,
    ConceptScheme,
    ContentConstraint,
    CubeRegion,
    DataProviderScheme,
)
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store

METRICS_TYPE = "sdmx_metrics"


@dataclass(slots=True)
class Availability:
    """What has data: codes per dimension, period range, counts, providers."""

    values: dict[str, set[str]] = field(default_factory=dict)
    series_count: int = 0
    obs_count: int = 0
    first_period: tuple[str, str] | None = None  # (period_start, time_period)
    last_period: tuple[str, str] | None = None  # (period_end, time_period)
    providers: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        """No series at all."""
        return self.series_count == 0 and not any(self.values.values())


def _relaxed(patterns: list[KeyPattern] | None, n: int) -> list[KeyPattern] | None:
    """Every pattern with one position wildcarded in turn (a superset for ``mode=available``)."""
    if patterns is None:
        return None
    out: list[KeyPattern] = []
    for p in patterns:
        for i in range(n):
            q = p[:i] + (None,) + p[i + 1 :]
            if all(v is None for v in q):
                return None
            if q not in out:
                out.append(q)
    return out


def compute(session: Session, ctx: DataContext, query: DataQuery) -> Availability:
    """Scan the published data once and collect what is available."""
    key_dims = ctx.key_dims
    patterns = effective_keys(query, key_dims)
    scan = query
    if query.mode == "available":
        # The dimension filters merged into ``patterns`` are re-applied per dimension below.
        scan = dataclasses.replace(
            query,
            keys=_relaxed(patterns, len(key_dims)),
            filters={
                k: v
                for k, v in query.filters.items()
                if not (k in key_dims and dimension_codes(v) is not None)
            },
        )
    out = Availability(values={d: set() for d in key_dims})
    for s in published(session, ctx, scan):
        exact = patterns is None or key_matches(patterns, s.key)
        if exact:
            out.series_count += 1
            out.obs_count += len(s.observations)
            for o in s.observations:
                if out.first_period is None or o.start < out.first_period[0]:
                    out.first_period = (o.start, o.time_period)
                if out.last_period is None or o.end > out.last_period[0]:
                    out.last_period = (o.end, o.time_period)
                if o.provider:
                    out.providers.add(o.provider)
        for i, d in enumerate(key_dims):
            if exact or (
                query.mode == "available"
                and patterns is not None
                and key_matches_except(patterns, s.key, i)
            ):
                out.values[d].add(s.key[i])
    return out


def constraint(
    ctx: DataContext, avail: Availability, component: str | None, time_id: str | None
) -> ContentConstraint:
    """The Actual content constraint describing ``avail`` (only ``component`` when asked for)."""
    flow = ctx.structure.dataflow
    owner = flow if flow is not None else ctx.structure.dsd
    comps: dict[str, ComponentValues] = {}
    for dim, codes in avail.values.items():
        if codes and component in (None, dim):
            comps[dim] = ComponentValues(values=sorted(codes))
    if time_id and component in (None, time_id) and avail.first_period and avail.last_period:
        comps[time_id] = ComponentValues(
            start_period=avail.first_period[1], end_period=avail.last_period[1]
        )
    return ContentConstraint(
        agency=owner.agency,
        id=f"CC_AVAILABILITY_{owner.id}",
        version=owner.version,
        names={
            "en": f"Data available in {owner.ref.short}",
            "es": f"Datos disponibles en {owner.ref.short}",
        },
        annotations=[
            Annotation(id="series_count", title=str(avail.series_count), type=METRICS_TYPE),
            Annotation(id="obs_count", title=str(avail.obs_count), type=METRICS_TYPE),
        ],
        role="Actual",
        attachment=[owner.ref],
        cube_regions=[CubeRegion(include=True, components=comps)],
    )


def _used_concepts(ctx: DataContext, avail: Availability) -> dict[Ref, set[str]]:
    used: dict[Ref, set[str]] = {}
    for d in ctx.structure.dsd.dimensions:
        if d.concept is not None and d.concept.item:
            used.setdefault(d.concept.maintainable, set()).add(d.concept.item)
    return used


def _used_codes(ctx: DataContext, avail: Availability) -> dict[Ref, set[str]]:
    used: dict[Ref, set[str]] = {}
    for d in ctx.structure.dsd.dimensions:
        rep = d.local_representation
        codes = avail.values.get(d.id)
        if codes and rep is not None and rep.enumeration is not None:
            used.setdefault(rep.enumeration.maintainable, set()).update(codes)
    return used


def _used_providers(session: Session, avail: Availability) -> dict[Ref, set[str]]:
    used: dict[Ref, set[str]] = {}
    for stored in store.find(session, [ArtefactType.DATA_PROVIDER_SCHEME]):
        scheme = stored.artefact
        ids = {i.id for i in getattr(scheme, "items", [])} & avail.providers
        if ids:
            used.setdefault(scheme.ref, set()).update(ids)
    return used


def referenced_artefacts(
    session: Session, ctx: DataContext, avail: Availability, references: list[str]
) -> list[Any]:
    """Artefacts for availability ``references``: item schemes are partial (only what has data;
    codes keep their parents, SDMX-REST v1.5 §4.6)."""
    wanted = set(references)
    if "all" in wanted:
        wanted = {"datastructure", "dataflow", "codelist", "conceptscheme", "dataproviderscheme"}
    out: list[Any] = []
    if "dataflow" in wanted and ctx.structure.dataflow is not None:
        out.append(ctx.structure.dataflow)
    if "datastructure" in wanted:
        out.append(ctx.structure.dsd)
    if "conceptscheme" in wanted:
        out += _partial_schemes(session, _used_concepts(ctx, avail), ConceptScheme)
    if "codelist" in wanted:
        out += _partial_schemes(session, _used_codes(ctx, avail), Codelist, with_parents=True)
    if "dataproviderscheme" in wanted and avail.providers:
        out += _partial_schemes(session, _used_providers(session, avail), DataProviderScheme)
    return out


def _partial_schemes(
    session: Session, used: dict[Ref, set[str]], kind: type, with_parents: bool = False
) -> list[Any]:
    out = []
    for ref, keep in used.items():
        try:
            scheme = store.get(session, ref)
        except NotFound:
            continue
        if not isinstance(scheme, kind):
            continue
        keep = set(keep)
        if with_parents:
            parents = {i.id: i.parent for i in scheme.items}
            for code in list(keep):
                p = parents.get(code)
                while p and p not in keep:
                    keep.add(p)
                    p = parents.get(p)
        out.append(
            dataclasses.replace(
                scheme, items=[i for i in scheme.items if i.id in keep], is_partial=True
            )
        )
    return out
