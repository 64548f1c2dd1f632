"""Disclosure control on hand-built tables where a naive implementation leaks by subtraction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registry.data.disclosure import (
    HIDDEN,
    Audience,
    Disclosure,
    DisclosurePolicy,
    Relation,
    _Cell,
    threshold_for,
)
from registry.data.fetch import StoredSeries
from registry.sdmx.model import Annotation, Dataflow
from tests.data.fixtures import CORE_DIMS, series

SEX = Relation("SEX", "_T", ("F", "M"), ("_U",))
AGE = Relation("AGE", "Y0T17", ("Y0T13", "Y14T17"))
ACC = Relation("ACCOMPANIMENT", "_T", ("ACC", "UASC"), ("_U",))
POLICY = DisclosurePolicy(threshold=4, relations=(SEX, AGE, ACC))


def run(
    stored: list[StoredSeries],
    audience: Audience = Audience.PUBLIC,
    policy: DisclosurePolicy = POLICY,
) -> dict[tuple[str, ...], tuple[str | None, str | None]]:
    """{series key: (published value, CONF_STATUS)} after disclosure."""
    out = {}
    for s in Disclosure(policy, audience, CORE_DIMS).apply(stored):
        for o in s.observations:
            out[s.key] = (o.value, o.attrs.get("CONF_STATUS"))
    return out


def cell(result: dict, **dims: str) -> tuple[str | None, str | None]:
    for k, v in result.items():
        d = dict(zip(CORE_DIMS, k, strict=True))
        if all(d[n] == x for n, x in dims.items()):
            return v
    raise KeyError(dims)


def test_subtraction_from_total_is_blocked() -> None:
    """Total 10, F=3 (primary), M=7: publishing M would reveal F = 10 - 7."""
    got = run(series({"SEX=_T": 10, "SEX=F": 3, "SEX=M": 7}))
    assert cell(got, SEX="F") == (None, "A")
    assert cell(got, SEX="M") == (None, "S")
    assert cell(got, SEX="_T") == ("10", "F")


def test_naive_primary_only_would_leak() -> None:
    """Without margins (primary suppression only) M is published: the leak we prevent."""
    got = run(series({"SEX=_T": 10, "SEX=F": 3, "SEX=M": 7}), policy=DisclosurePolicy(threshold=4))
    assert cell(got, SEX="M") == ("7", "F")


def test_true_zeros_are_published_and_nothing_else_changes() -> None:
    got = run(series({"SEX=_T": 10, "SEX=F": 0, "SEX=M": 10}))
    assert got
    assert all(conf == "F" and value is not None for value, conf in got.values())


def test_threshold_boundaries() -> None:
    got = run(series({"SEX=_T": 25, "SEX=F": 5, "SEX=M": 20}))
    assert cell(got, SEX="F") == ("5", "F")  # 5 is above the default threshold 1..4
    got = run(series({"SEX=_T": 24, "SEX=F": 4, "SEX=M": 20}))
    assert cell(got, SEX="F") == (None, "A")


def test_optional_part_absent_is_a_known_zero_but_present_unknown_protects() -> None:
    # _U absent: F = _T - M is exact, so M must go.
    got = run(series({"SEX=_T": 12, "SEX=F": 2, "SEX=M": 10}))
    assert cell(got, SEX="M") == (None, "S")
    # _U present but itself missing (no value): two unknowns already, M can stay.
    got = run(series({"SEX=_T": 12, "SEX=F": 2, "SEX=M": 10, "SEX=_U": None}))
    assert cell(got, SEX="M") == ("10", "F")


def test_smallest_complement_is_chosen_deterministically() -> None:
    got = run(
        series(
            {
                "ACCOMPANIMENT=_T": 40,
                "ACCOMPANIMENT=ACC": 30,
                "ACCOMPANIMENT=UASC": 8,
                "ACCOMPANIMENT=_U": 2,
            }
        )
    )
    assert cell(got, ACCOMPANIMENT="_U") == (None, "A")
    assert cell(got, ACCOMPANIMENT="UASC") == (None, "S")  # 8 < 30
    assert cell(got, ACCOMPANIMENT="ACC") == ("30", "F")
    again = run(
        series(
            {
                "ACCOMPANIMENT=_T": 40,
                "ACCOMPANIMENT=ACC": 30,
                "ACCOMPANIMENT=UASC": 8,
                "ACCOMPANIMENT=_U": 2,
            }
        )
    )
    assert again == got


def test_two_way_table_propagates_across_margins() -> None:
    """SEX × AGE: suppressing M at ages 0-13 opens the AGE margin of M: a second cell goes."""
    values = {
        "SEX=F,AGE=Y0T13": 3,
        "SEX=F,AGE=Y14T17": 42,
        "SEX=F,AGE=Y0T17": 45,
        "SEX=M,AGE=Y0T13": 57,
        "SEX=M,AGE=Y14T17": 0,
        "SEX=M,AGE=Y0T17": 57,
        "SEX=_T,AGE=Y0T13": 60,
        "SEX=_T,AGE=Y14T17": 42,
        "SEX=_T,AGE=Y0T17": 102,
    }
    got = run(series(values))
    suppressed = {k for k, (v, _c) in got.items() if v is None}
    assert cell(got, SEX="F", AGE="Y0T13") == (None, "A")
    # Every relation holding a suppressed cell holds at least two unknowns.
    for dim, rel in (("SEX", SEX), ("AGE", AGE)):
        for k in suppressed:
            d = dict(zip(CORE_DIMS, k, strict=True))
            members = [dict(d, **{dim: c}) for c in (rel.total, *rel.parts)]
            unknown = [m for m in members if cell(got, SEX=m["SEX"], AGE=m["AGE"])[0] is None]
            assert len(unknown) != 1, (dim, d)


def test_audit_catches_leaks_through_combined_relations() -> None:
    """Three relations, each with two unknowns, that together determine F (F+M = F+U = M+U = 10)."""
    rels = (
        Relation("SEX", "_T", ("F", "M")),
        Relation("SEX", "_T", ("F", "_U")),
        Relation("SEX", "_T", ("M", "_U")),
    )
    d = Disclosure(DisclosurePolicy(relations=rels), Audience.public(), CORE_DIMS)
    obs = series({"SEX=_T": 10, "SEX=F": 5, "SEX=M": 5, "SEX=_U": 5})
    cells = {}
    for s in obs:
        o = s.observations[0]
        sex = s.dims["SEX"]
        cells[(sex, "Y0T17", "_T")] = _Cell(o, float(o.value), True, None if sex == "_T" else "C")
    d._secondary(cells)
    assert cells[("_T", "Y0T17", "_T")].reason == "S"


def test_sender_flags_and_embargo_are_suppressed_and_trigger_secondary() -> None:
    got = run(series({"SEX=_T": 50, "SEX=F": 20, "SEX=M": 30}, conf={"SEX=F": "C"}))
    assert cell(got, SEX="F") == (None, "C")
    assert cell(got, SEX="M") == (None, "S")
    stored = series({"SEX=_T": 50, "SEX=F": 20, "SEX=M": 30})
    for s in stored:
        if s.dims["SEX"] == "F":
            s.observations[0].embargo_until = datetime(2099, 1, 1, tzinfo=UTC)
    got = run(stored)
    with pytest.raises(KeyError):
        cell(got, SEX="F")  # invisible, not even a suppressed cell
    assert cell(got, SEX="M") == (None, "S")


def test_audiences() -> None:
    stored = lambda: series({"SEX=_T": 10, "SEX=F": 3, "SEX=M": 7})  # noqa: E731
    assert cell(run(stored(), Audience.curator()), SEX="F") == ("3", "F")
    own = run(stored(), Audience.provider("PAN_SNM"))
    assert cell(own, SEX="F") == ("3", "F")
    assert cell(own, SEX="M") == ("7", "F")
    other = run(stored(), Audience.provider("MEX_INM"))
    assert cell(other, SEX="F") == (None, "A")
    assert cell(other, SEX="M") == (None, "S")
    with pytest.raises(ValueError, match="provider id"):
        Audience("provider")


def test_only_counts_are_threshold_suppressed() -> None:
    got = run(series({"SEX=_T": 10, "SEX=F": 3, "SEX=M": 7}, unit="PCNT"))
    assert all(conf == "F" for _v, conf in got.values())


def test_survey_sample_rules() -> None:
    stored = series({"SEX=F": 40.5, "SEX=M": 41.0, "SEX=_T": 40.8}, unit="PCNT")
    samples = {"F": "23", "M": "26", "_T": "80"}
    for s in stored:
        s.observations[0].attrs["UNWGTD_SAMPLE"] = samples[s.dims["SEX"]]
        s.observations[0].attrs["NUMER_VALUE"] = "9"
    out = {
        s.dims["SEX"]: s.observations[0]
        for s in Disclosure(POLICY, Audience.public(), CORE_DIMS).apply(stored)
    }
    assert out["F"].value is None
    assert out["F"].attrs["OBS_STATUS"] == "Q"
    assert "NUMER_VALUE" not in out["F"].attrs  # would give the value away
    assert out["M"].value == "41"
    assert out["M"].attrs["OBS_STATUS"] == "U"
    assert out["_T"].attrs["OBS_STATUS"] == "A"


def test_threshold_from_dataflow_annotation() -> None:
    flow = Dataflow(
        agency="IDAC", id="DF", annotations=[Annotation(type="DISCLOSURE_THRESHOLD", title="10")]
    )
    assert threshold_for(flow, 4) == 10
    assert threshold_for(Dataflow(agency="IDAC", id="DF"), 4) == 4
    got = run(series({"SEX=_T": 30, "SEX=F": 9, "SEX=M": 21}), policy=DisclosurePolicy(10, (SEX,)))
    assert cell(got, SEX="F") == (None, "A")


def test_history_versions_are_audited_per_snapshot() -> None:
    """F was 3 when first loaded (then revised to 12) and M=7 never changed.  At the first snapshot
    M is the complement of F; M's single version therefore stays suppressed, and at the second
    snapshot publishing F=12 with _T=19 would give M away, so F's revision is suppressed too."""
    t0, t1 = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)
    old = series({"SEX=_T": 10, "SEX=F": 3, "SEX=M": 7})
    new = series({"SEX=_T": 19, "SEX=F": 12, "SEX=M": 7})
    for s_old, s_new in zip(old, new, strict=True):
        o_old, o_new = s_old.observations[0], s_new.observations[0]
        o_old.loaded_at, o_old.superseded_at, o_new.loaded_at = t0, t1, t1
        if s_old.dims["SEX"] == "M":  # M unchanged: one version current throughout
            o_old.superseded_at = None
            s_old.observations = [o_old]
        else:
            s_old.observations = [o_old, o_new]
    result = {
        s.dims["SEX"]: [(o.value, o.attrs["CONF_STATUS"]) for o in s.observations]
        for s in Disclosure(POLICY, Audience.public(), CORE_DIMS).apply(old)
    }
    assert result["F"] == [(None, "A"), (None, "S")]
    assert result["M"] == [(None, "S")]  # it was the complement while F was 3
    assert result["_T"] == [("10", "F"), ("19", "F")]


def test_hidden_reason_constant() -> None:
    assert HIDDEN not in ("A", "C", "D", "N", "S", "E")
