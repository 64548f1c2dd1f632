"""Regional aggregates of national data along the area hierarchies (DOMAIN.md §7.6).

**What is summed.**  For one indicator, breakdown (every dimension but REF_AREA), period and region,
the contributors are the region's member countries that report that very cell with a value.  A key
carries FREQ, INDICATOR, ORIGIN_BASIS and every breakdown, so bases, frequencies and breakdowns are
never mixed; the definition must also agree on ``UNIT_MEASURE``: when members use different units
(IDAC_P_DETN allows PS and PER100000) the unit reported by most members is kept and the others are
listed as excluded.  ``UNIT_MULT`` is normalised to 0 before summing.

* **Counts** (PS, NUMBER, MOV): the sum of the contributors.
* **Rates** (PCNT, PER1000, PER100000, RATIO): ``scale × Σ NUMER_VALUE / Σ DENOM_VALUE`` — a weighted
  mean, never an average of rates.  A member without both NUMER_VALUE and DENOM_VALUE cannot
  contribute (it is excluded, with that reason) and lowers the coverage.

**Coverage** (``AGG_COVERAGE``, 0–100): the share of the region's child population living in the
contributing members when a population lookup knows every member's child population for the period,
else the share of members that contribute.  ``COMMENT_OBS`` states both and names the contributors.
**Minimum coverage** (``AggregationConfig.min_coverage``, default 50 %, the UNICEF practice for
refugee children; ``IDAC_AGG_MIN_COVERAGE``): below it the aggregate is **not published** — it is not
stored, and a value stored earlier is closed (kept in history).  We chose not to publish rather than to
flag, because a sum over a minority of members is not an estimate of the regional total (it is a
lower bound of unknown distance), and a flag is easily lost by users who download numbers.

**Flags.**  ``NATURE=E`` and ``OBS_STATUS=E`` when a contributor is estimated/imputed (``OBS_STATUS=E``
or ``NATURE`` E/M); ``OBS_STATUS=P`` when one is provisional.  Stocks whose contributors have different
reference dates (``TIME_DETAIL``) are not refused but ``COMMENT_OBS`` says so (§7.6 rule 3).

**Disclosure.**  Contributors are judged as the public sees them: the national series of a table go
through ``registry.data.disclosure.Disclosure`` (public audience) so primary *and* secondary
suppressions are known; embargoed observations (invisible to the public) are left out of the
aggregates until they are released.  ``registry.aggregation.audit`` then withdraws aggregates that would
let a reader recover a suppressed cell; they are kept with ``CONF_STATUS=S``.

This module is pure computation (no store access): ``registry.aggregation.compute`` feeds it from
the store, stores the results and recomputes them after loads.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from registry.aggregation.audit import AggregateRow, Cell, MarginRelation, audit, national_equations
from registry.aggregation.hierarchy import Region

COUNT_UNITS: frozenset[str] = frozenset({"PS", "NUMBER", "MOV"})
#: Rate units and the factor applied to Σ NUMER_VALUE / Σ DENOM_VALUE.
RATE_SCALE: dict[str, float] = {
    "PCNT": 100.0,
    "PER1000": 1000.0,
    "PER100000": 100000.0,
    "RATIO": 1.0,
}
COMPUTED_PROVIDER = "computed"

#: child population of an area for a period (``YYYY-MM-DD`` start/end), or None when unknown.
PopulationLookup = Callable[[str, str, str], float | None]


@dataclass(slots=True)
class AggregationConfig:
    """Settings of the aggregation (see the module docstring)."""

    min_coverage: float = 50.0
    regions: tuple[str, ...] | None = None  # None: hierarchy.DEFAULT_REGIONS
    population: PopulationLookup | None = None

    @classmethod
    def from_env(cls) -> AggregationConfig:
        """``IDAC_AGG_MIN_COVERAGE`` (percent) and ``IDAC_AGG_REGIONS`` (comma-separated codes)."""
        cfg = cls()
        raw = os.environ.get("IDAC_AGG_MIN_COVERAGE")
        if raw:
            cfg.min_coverage = float(raw)
        regions = os.environ.get("IDAC_AGG_REGIONS")
        if regions:
            cfg.regions = tuple(r.strip() for r in regions.split(",") if r.strip())
        return cfg


@dataclass(slots=True)
class MemberCell:
    """One national observation as the aggregation sees it."""

    area: str
    key: tuple[str, ...]
    period: str
    value: float | None
    unit: str | None = None
    unit_mult: int = 0
    numer: float | None = None
    denom: float | None = None
    #: Suppressed for the public (primary or secondary), as the data API would publish it.
    suppressed: bool = False
    obs_status: str | None = None
    nature: str | None = None
    time_detail: str | None = None
    source_type: str | None = None
    provider: str | None = None
    submission_id: str | None = None
    loaded_at: datetime | None = None

    @property
    def imputed(self) -> bool:
        """Estimated or modelled (``OBS_STATUS=E`` or ``NATURE`` E/M)."""
        return self.obs_status == "E" or self.nature in ("E", "M")


@dataclass(slots=True)
class Aggregate:
    """One regional value and how it was obtained."""

    region: str
    key: tuple[str, ...]
    period: str
    value: float | None
    unit: str
    status: str  # published | suppressed | below_coverage
    members: tuple[str, ...]
    contributors: list[MemberCell] = field(default_factory=list)
    excluded: list[tuple[str, str]] = field(default_factory=list)
    coverage_members: float = 0.0
    coverage_population: float | None = None
    numer: float | None = None
    denom: float | None = None
    #: Observation attributes, built on first use (``obs_attrs``).
    attrs_cache: dict[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def obs_attrs(self) -> dict[str, str]:
        """OBS_STATUS, CONF_STATUS, AGG_COVERAGE, COMMENT_OBS… of the aggregate.

        Built on first use: most cells of a region with few reporting countries fall below
        coverage and are never stored, and writing their notes was most of a recomputation.
        """
        if self.attrs_cache is None:
            self.attrs_cache = _obs_attrs(self) if self.contributors else {}
        return self.attrs_cache

    @property
    def coverage(self) -> float:
        """The coverage used for AGG_COVERAGE and the threshold."""
        return (
            self.coverage_population
            if self.coverage_population is not None
            else self.coverage_members
        )

    @property
    def stored(self) -> bool:
        """Whether the aggregate is stored (published, or suppressed with ``CONF_STATUS=S``)."""
        return self.status in ("published", "suppressed")


def number(text: str | None) -> float | None:
    """A finite float from SDMX text, else None."""
    if text is None or text == "":
        return None
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def format_number(value: float) -> str:
    """SDMX text of a computed value: integers without ``.0``, else up to 10 significant digits."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".10g")


def _choose_unit(cells: Sequence[MemberCell]) -> str | None:
    counts: dict[str, int] = {}
    for c in cells:
        if c.unit:
            counts[c.unit] = counts.get(c.unit, 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda u: (-counts[u], u))


def aggregate_one(
    region: Region,
    key: tuple[str, ...],
    period: str,
    start: str,
    end: str,
    cells: dict[str, MemberCell],
    config: AggregationConfig,
    members: tuple[str, ...] | None = None,
    order: Mapping[str, int] | None = None,
) -> Aggregate | None:
    """The aggregate of ``region`` for one cell (``cells``: member area -> its observation).

    ``members`` (the region's member codes during ``[start, end]``) and ``order`` (member code ->
    position) may be passed by a caller that aggregates many cells of one period, so that
    memberships are worked out once.
    """
    if members is None:
        members = region.member_codes(start, end)
    if len(cells) < len(members):
        # Usually a handful of reporting countries against a region of dozens: walk the cells,
        # keep the members' order (sums are added in the same order either way).
        if order is None:
            order = {m: i for i, m in enumerate(members)}
        present = [
            c
            for _i, c in sorted(
                (order[a], c) for a, c in cells.items() if a in order and c.value is not None
            )
        ]
    else:
        present = [cells[m] for m in members if m in cells and cells[m].value is not None]
    if not present:
        return None
    unit = _choose_unit(present)
    excluded: list[tuple[str, str]] = []
    contributors: list[MemberCell] = []
    for c in present:
        if unit is None or c.unit is None:
            excluded.append((c.area, "no UNIT_MEASURE"))
        elif c.unit != unit:
            excluded.append(
                (c.area, f"UNIT_MEASURE {c.unit} differs from the regional unit {unit}")
            )
        elif unit in RATE_SCALE and (c.numer is None or c.denom is None or c.denom <= 0):
            excluded.append(
                (
                    c.area,
                    "a rate without NUMER_VALUE and DENOM_VALUE cannot be aggregated "
                    "(rates are never averaged)",
                )
            )
        elif unit not in RATE_SCALE and unit not in COUNT_UNITS:
            excluded.append((c.area, f"UNIT_MEASURE {unit} is neither a count nor a rate"))
        else:
            contributors.append(c)
    agg = Aggregate(
        region.code,
        key,
        period,
        None,
        unit or "",
        "below_coverage",
        members,
        contributors,
        excluded,
    )
    if not contributors:
        return agg
    assert unit is not None
    if unit in RATE_SCALE:
        agg.numer = sum(c.numer or 0.0 for c in contributors)
        agg.denom = sum(c.denom or 0.0 for c in contributors)
        agg.value = RATE_SCALE[unit] * agg.numer / agg.denom if agg.denom else None
    else:
        agg.value = sum((c.value or 0.0) * 10.0**c.unit_mult for c in contributors)
    agg.coverage_members = 100.0 * len(contributors) / len(members)
    if config.population is not None:
        pops = {m: config.population(m, start, end) for m in members}
        if all(p is not None and p >= 0 for p in pops.values()):
            total = sum(p or 0.0 for p in pops.values())
            if total > 0:
                agg.coverage_population = (
                    100.0 * sum(pops[c.area] or 0.0 for c in contributors) / total
                )
    if agg.value is not None and agg.coverage + 1e-9 >= config.min_coverage:
        agg.status = "published"
    return agg


def _obs_attrs(agg: Aggregate) -> dict[str, str]:
    contributors = agg.contributors
    # One pass over the contributors (this runs for every aggregate cell of every region).
    imputed = provisional = False
    dates: set[str] = set()
    for c in contributors:
        if c.obs_status == "E" or c.nature in ("E", "M"):
            imputed = True
        elif c.obs_status == "P":
            provisional = True
        if c.time_detail:
            dates.add(c.time_detail)
    # Precedence: estimated (any imputed contributor), then provisional, else normal.
    status = "E" if imputed else ("P" if provisional else "A")
    attrs = {
        "OBS_STATUS": status,
        "CONF_STATUS": "F",
        "AGG_COVERAGE": format(round(agg.coverage, 1), "g"),
    }
    if imputed:
        attrs["NATURE"] = "E"
    notes = [
        f"Coverage: {len(contributors)} of {len(agg.members)} members ({agg.coverage_members:.1f}%)"
    ]
    if agg.coverage_population is not None:
        notes[0] += f"; {agg.coverage_population:.1f}% of the child population"
    notes.append("contributors: " + ", ".join(sorted(c.area for c in contributors)))
    if len(dates) == 1:
        attrs["TIME_DETAIL"] = next(iter(dates))
    elif len(dates) > 1:
        notes.append("reference dates differ: " + ", ".join(sorted(dates)))
    if agg.unit in RATE_SCALE:
        notes.append("rate = sum of numerators / sum of denominators")
    attrs["COMMENT_OBS"] = "; ".join(notes)[:1050]
    return attrs


@dataclass(slots=True)
class Table:
    """The national cells of one disclosure table: same dimensions but REF_AREA and margins, one period.

    ``cells`` maps (area, margin coordinate) to the observation; ``full_key(area, coord)`` rebuilds a
    series key.
    """

    rest: tuple[str, ...]
    period: str
    start: str
    end: str
    cells: dict[Cell, MemberCell] = field(default_factory=dict)


@dataclass(slots=True)
class KeyLayout:
    """Where REF_AREA and the margin dimensions sit in a series key."""

    key_dims: list[str]
    area_pos: int
    margin_pos: list[int]

    @classmethod
    def of(cls, key_dims: Sequence[str], margins: Sequence[str]) -> KeyLayout:
        dims = list(key_dims)
        return cls(dims, dims.index("REF_AREA"), [dims.index(m) for m in dims if m in set(margins)])

    def split(self, key: Sequence[str]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """(area, margin coordinate, rest of the key)."""
        fixed = {self.area_pos, *self.margin_pos}
        return (
            key[self.area_pos],
            tuple(key[p] for p in self.margin_pos),
            tuple(v for n, v in enumerate(key) if n not in fixed),
        )

    def join(self, area: str, coord: tuple[str, ...], rest: tuple[str, ...]) -> tuple[str, ...]:
        """The full key of (area, coordinate, rest)."""
        out: list[str] = []
        it_rest = iter(rest)
        margin = dict(zip(self.margin_pos, coord, strict=True))
        for n in range(len(self.key_dims)):
            if n == self.area_pos:
                out.append(area)
            elif n in margin:
                out.append(margin[n])
            else:
                out.append(next(it_rest))
        return tuple(out)


def aggregate_table(
    table: Table,
    regions: Sequence[Region],
    layout: KeyLayout,
    relations: Sequence[MarginRelation],
    config: AggregationConfig,
    *,
    brief: bool = False,
) -> list[Aggregate]:
    """Every region's aggregate for every margin coordinate of a table, after the disclosure audit.

    ``brief``: a cell whose reporting members cannot reach the coverage threshold (coverage by
    member count) is returned as a bare ``below_coverage`` aggregate, without key, value or
    contributors — what a recomputation needs (it stores only publishable values), not what
    ``explain`` shows.
    """
    by_coord: dict[tuple[str, ...], dict[str, MemberCell]] = {}
    for (area, coord), cell in table.cells.items():
        by_coord.setdefault(coord, {})[area] = cell
    out: list[Aggregate] = []
    areas = {area for area, _coord in table.cells}
    coords = sorted(by_coord)
    for region in regions:
        members = region.member_codes(table.start, table.end)
        if areas.isdisjoint(members):
            continue  # no member reported anything in this table
        order = {m: i for i, m in enumerate(members)}
        # Fewer reporting members than the threshold needs: below coverage whatever the values.
        hopeless = config.min_coverage * len(members) / 100.0 - 1e-9
        for coord in coords:
            if brief and config.population is None:
                cells = by_coord[coord]
                n = sum(1 for a, c in cells.items() if a in order and c.value is not None)
                if n == 0:
                    continue
                if n < hopeless:
                    out.append(
                        Aggregate(region.code, (), table.period, None, "", "below_coverage", members)
                    )
                    continue
            agg = aggregate_one(
                region,
                layout.join(region.code, coord, table.rest),
                table.period,
                table.start,
                table.end,
                by_coord[coord],
                config,
                members,
                order,
            )
            if agg is not None:
                out.append(agg)
    _audit(table, out, layout, relations)
    return out


def _audit(
    table: Table, aggs: list[Aggregate], layout: KeyLayout, relations: Sequence[MarginRelation]
) -> None:
    published = [a for a in aggs if a.status == "published"]
    if not published:
        return
    targets = {
        c for c, cell in table.cells.items() if cell.suppressed and (cell.value or 0.0) != 0.0
    }
    zeros = {c for c, cell in table.cells.items() if cell.suppressed and (cell.value or 0.0) == 0.0}
    is_count = all(a.unit in COUNT_UNITS for a in published)
    national = national_equations(table.cells, relations) if is_count else []
    valued = {c for c, cell in table.cells.items() if cell.value is not None}
    absent = {c for eq in national for c in eq if c not in valued}
    rows = []
    ids: dict[Hashable, Aggregate] = {}
    for n, a in enumerate(published):
        coord = layout.split(a.key)[1]
        rows.append(
            AggregateRow(n, frozenset((c.area, coord) for c in a.contributors), len(a.members))
        )
        ids[n] = a
    for rid in audit(
        rows=rows, targets=targets, unknown_absent=absent, national=national, zero_hidden=zeros
    ):
        agg = ids[rid]
        agg.status = "suppressed"
        agg.obs_attrs["CONF_STATUS"] = "S"
