"""Recomputation after a load: only the periods it touched; loads finishing together: one pass."""

from __future__ import annotations

import threading
from typing import Any

from registry.aggregation.compute import on_submission_loaded, recompute, touched_periods
from registry.data.fetch import fetch_series
from tests.aggregation.helpers import KEY_DIMS, REGIONAL, key, load


def _la6(db: Any, history: bool = False) -> dict[str, list[tuple[str | None, bool]]]:
    """IDAC_LA6 aggregates by period: [(value, current?)] in load order."""
    out: dict[str, list[tuple[str | None, bool]]] = {}
    with db.transaction() as session:
        for s in fetch_series(session, REGIONAL, KEY_DIMS, None, history=history):
            if s.key[1] == "IDAC_LA6":
                for o in s.observations:
                    out.setdefault(o.time_period, []).append((o.value, o.superseded_at is None))
    return out


def test_touched_periods_name_each_indicator_and_its_periods(db: Any) -> None:
    with db.transaction() as session:
        sub = load(
            session,
            [
                (key("MEX"), "2023", "1", {}),
                (key("MEX"), "2024", "2", {}),
                (key("MEX", indicator="IDAC_FLW_ENTRY"), "2024", "3", {}),
            ],
            provider="MEX_INM",
        )
        deletion = load(
            session, [(key("MEX"), "2023", None, {})], provider="MEX_INM", action="delete"
        )
    with db.transaction() as session:
        scopes = touched_periods(session, sub, KEY_DIMS)
        assert scopes is not None
        assert {i: sorted(s.periods) for i, s in scopes.items()} == {
            "IDAC_STK_REF": ["2023", "2024"],
            "IDAC_FLW_ENTRY": ["2024"],
        }
        assert (scopes["IDAC_STK_REF"].start, scopes["IDAC_STK_REF"].end) == (
            "2023-01-01",
            "2024-12-31",
        )
        assert touched_periods(session, deletion, KEY_DIMS) is None  # a deletion: everything


def test_a_load_recomputes_only_its_periods(seeded: Any, db: Any) -> None:
    settings = seeded.extensions["idac.settings"]
    with db.transaction() as session:
        for area, value in (("MEX", "500"), ("COL", "250"), ("HND", "40")):
            load(
                session,
                [(key(area), "2023", value, {}), (key(area), "2024", value, {})],
                provider=f"{area}_X",
            )
        full = recompute(session)  # every pending load is now aggregated
        assert len(full.submissions) == 3
    assert _la6(db) == {"2023": [("790", True)], "2024": [("790", True)]}
    with db.transaction() as session:
        sub = load(session, [(key("MEX"), "2024", "510", {})], provider="MEX_INM")
    result = on_submission_loaded(db, settings, sub)
    assert result is not None
    assert result.submissions == [sub]
    assert (result.written, result.closed) == (1, 0)
    assert result.computed * 2 == full.computed  # one period of two was recomputed
    history = _la6(db, history=True)
    assert history["2024"] == [("790", False), ("800", True)]
    assert history["2023"] == [("790", True)]


def test_loads_finishing_together_are_aggregated_in_one_pass(seeded: Any, db: Any) -> None:
    """The first hook takes every waiting load; the others find nothing left to do."""
    settings = seeded.extensions["idac.settings"]
    subs = []
    with db.transaction() as session:
        for area, value in (("MEX", "500"), ("COL", "250"), ("HND", "40")):
            subs.append(load(session, [(key(area), "2024", value, {})], provider=f"{area}_X"))
    first = on_submission_loaded(db, settings, subs[1])
    assert first is not None
    assert sorted(first.submissions) == sorted(subs)
    assert _la6(db) == {"2024": [("790", True)]}
    for sub in (subs[0], subs[2]):
        later = on_submission_loaded(db, settings, sub)
        assert later is not None
        assert later.submissions == []
        assert later.run_id is None
    assert _la6(db, history=True) == {"2024": [("790", True)]}


def test_a_failed_recomputation_leaves_the_loads_waiting(
    seeded: Any, db: Any, monkeypatch: Any
) -> None:
    from registry.aggregation import compute

    settings = seeded.extensions["idac.settings"]
    with db.transaction() as session:
        for area, value in (("MEX", "500"), ("COL", "250"), ("HND", "40")):
            sub = load(session, [(key(area), "2024", value, {})], provider=f"{area}_X")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(compute, "compute_indicator", broken)
    assert on_submission_loaded(db, settings, sub) is None
    with db.transaction() as session:
        assert len(compute.pending_loads(session, "IDAC:DF_IDAC_CORE(1.0)")) == 3
    monkeypatch.undo()
    again = on_submission_loaded(db, settings, sub)
    assert again is not None
    assert len(again.submissions) == 3
    assert _la6(db) == {"2024": [("790", True)]}


def test_concurrent_recomputations_leave_no_country_out(seeded: Any, db: Any) -> None:
    """Loads of several countries finishing together: the regional value counts all of them."""
    settings = seeded.extensions["idac.settings"]
    countries = {"MEX": 500, "COL": 250, "HND": 40, "SLV": 30, "PAN": 20, "CHL": 10}
    subs = []
    with db.transaction() as session:
        for area, value in countries.items():
            subs.append(load(session, [(key(area), "2024", str(value), {})], provider=f"{area}_X"))
    barrier = threading.Barrier(len(subs))
    errors: list[BaseException] = []

    def hook(sub: str) -> None:
        barrier.wait()
        try:
            if on_submission_loaded(db, settings, sub) is None:
                errors.append(RuntimeError(f"recomputation after {sub} failed"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=hook, args=(s,)) for s in subs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    current = [v for v, is_current in _la6(db, history=True)["2024"] if is_current]
    assert current == [str(sum(countries.values()))]
