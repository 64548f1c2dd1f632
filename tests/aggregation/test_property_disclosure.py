"""Property: a published aggregate never gives away a suppressed national value.

Random national data (three-way SEX margin _T = F + M, six countries, four overlapping and nested
regions), random suppression (sender CONF_STATUS=C and counts 1–4) followed by the real national
disclosure (``registry.data.disclosure``, secondary suppression included).  For every published
aggregate, ``aggregate - published contributors`` must not equal a suppressed contributor, and neither
must the difference of two nested published aggregates minus the published members in between.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.aggregation.audit import MarginRelation
from registry.aggregation.core import (
    AggregationConfig,
    KeyLayout,
    MemberCell,
    Table,
    aggregate_table,
)
from registry.aggregation.hierarchy import Member, Region
from registry.data.disclosure import Audience, Disclosure, DisclosurePolicy, Relation
from registry.data.fetch import StoredObs, StoredSeries

AREAS = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
REGIONS = [
    Region("R_ALL", "t", tuple(Member(a) for a in AREAS)),
    Region("R_ONE", "t", tuple(Member(a) for a in AREAS[:3])),
    Region("R_TWO", "t", tuple(Member(a) for a in AREAS[3:])),
    Region("R_MID", "t", tuple(Member(a) for a in AREAS[1:4])),
]
POLICY = DisclosurePolicy(threshold=4, relations=(Relation("SEX", "_T", ("F", "M")),))
LAYOUT = KeyLayout.of(["REF_AREA", "SEX"], ["SEX"])
RELATIONS = [MarginRelation(0, "_T", ("F", "M"))]
NOW = datetime(2025, 1, 1, tzinfo=UTC)

country = st.tuples(
    st.booleans(),  # reports at all
    st.integers(0, 40),
    st.integers(0, 40),  # F, M
    st.sampled_from(["", "", "", "F", "M", "_T"]),  # a cell the sender flags confidential (C)
)


def _public_view(data: dict[str, tuple[int, int, str]]) -> dict[tuple[str, str], MemberCell]:
    series = []
    for area in sorted(data):
        f, m, conf = data[area]
        for sex, v in (("F", f), ("M", m), ("_T", f + m)):
            attrs = {"CONF_STATUS": "C"} if conf == sex else {}
            o = StoredObs(
                "2024",
                "2024-01-01",
                "2024-12-31",
                str(v),
                attrs,
                None,
                attrs.get("CONF_STATUS"),
                area,
                None,
                NOW,
            )
            series.append(
                StoredSeries(
                    (area, sex), {"REF_AREA": area, "SEX": sex}, {"UNIT_MEASURE": "PS"}, [o]
                )
            )
    cells = {}
    truth = {(s.key[0], s.key[1]): float(s.observations[0].value) for s in series}
    for s in Disclosure(POLICY, Audience.public(), ["REF_AREA", "SEX"], now=NOW).apply(series):
        for o in s.observations:
            cells[(s.key[0], s.key[1])] = MemberCell(
                s.key[0],
                s.key,
                "2024",
                truth[(s.key[0], s.key[1])],
                unit="PS",
                suppressed=o.value is None,
            )
    return cells


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(country, min_size=len(AREAS), max_size=len(AREAS)))
def test_no_published_aggregate_reveals_a_suppressed_cell(
    countries: list[tuple[bool, int, int, str]],
) -> None:
    data = {a: (f, m, conf) for a, (on, f, m, conf) in zip(AREAS, countries, strict=True) if on}
    cells = _public_view(data)
    table = Table(
        (),
        "2024",
        "2024-01-01",
        "2024-12-31",
        {(area, (sex,)): c for (area, sex), c in cells.items()},
    )
    aggs = aggregate_table(table, REGIONS, LAYOUT, RELATIONS, AggregationConfig(min_coverage=0.0))
    published = [a for a in aggs if a.status == "published"]
    for a in published:
        hidden = [c for c in a.contributors if c.suppressed]
        diff = (a.value or 0) - sum(c.value or 0 for c in a.contributors if not c.suppressed)
        for c in hidden:
            assert diff != c.value or c.value == 0 and diff == 0, (
                a.region,
                a.key,
                diff,
                c.area,
                data,
                {k: (v.value, v.suppressed) for k, v in cells.items()},
            )
    by_key = {}
    for a in published:
        by_key.setdefault(a.key[1:], []).append(a)
    for group in by_key.values():
        for outer in group:
            for inner in group:
                inner_areas = {c.area for c in inner.contributors}
                outer_areas = {c.area for c in outer.contributors}
                if inner is outer or not inner_areas < outer_areas:
                    continue
                between = [c for c in outer.contributors if c.area not in inner_areas]
                diff = (
                    (outer.value or 0)
                    - (inner.value or 0)
                    - sum(c.value or 0 for c in between if not c.suppressed)
                )
                for c in between:
                    if c.suppressed and c.value:
                        assert diff != c.value, (outer.region, inner.region, c.area)


def test_the_attack_is_real_without_the_audit() -> None:
    """Sanity check of the property: one suppressed member and a published total do leak."""
    cells = _public_view({"AAA": (10, 20, ""), "BBB": (1, 30, "")})  # BBB F = 1 is suppressed
    assert cells[("BBB", "F")].suppressed
    table = Table(
        (),
        "2024",
        "2024-01-01",
        "2024-12-31",
        {(area, (sex,)): c for (area, sex), c in cells.items()},
    )
    region = Region("R", "t", (Member("AAA"), Member("BBB")))
    aggs = {
        a.key: a
        for a in aggregate_table(
            table, [region], LAYOUT, RELATIONS, AggregationConfig(min_coverage=0.0)
        )
    }
    female = aggs[("R", "F")]
    assert female.value == 11
    assert female.status == "suppressed"  # 11 - 10 would be BBB's 1
