"""Spilling to disk (``registry.validation.spill``) changes memory, never findings.

The same data are validated with everything in memory and with tiny in-memory thresholds (so the
duplicate digests go to sorted runs and the additivity groups to SQLite after a few observations);
the reports must be identical: counts, kept examples, their order and locations.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from registry.formats.base import DataChunk, Obs, Series
from registry.validation import ValidationOptions, Validator

from .fixtures import GOOD_OBS_ATTRS, GOOD_SERIES_ATTRS, codelists, dataset, rules, structure

SEXES = {"_T": 2, "F": 1, "M": 1}
AGES = {"Y0T17": 4, "Y0T4": 1, "Y5T9": 1, "Y10T14": 1, "Y15T17": 1}
ACCS = {"_T": 4, "ACC": 2, "UASC": 2, "UNACC": 1, "SEP": 1}
AREAS = ("PAN", "COL", "MEX")
PERIODS = tuple(str(y) for y in range(2011, 2019))


def _observations(flat: bool) -> list[Obs]:
    """Additive breakdowns with planted problems: wrong totals, duplicates near and far, a series
    given twice (the second time with one different value)."""
    out: list[Obs] = []
    flat_series = Series()
    again: list[tuple[dict[str, str], str, str]] = []
    n = 0
    for ai, area in enumerate(AREAS):
        for sex, ws in SEXES.items():
            for age, wa in AGES.items():
                for acc, wc in ACCS.items():
                    key = {
                        "FREQ": "A",
                        "REF_AREA": area,
                        "INDICATOR": "IDAC_STK_REF",
                        "SEX": sex,
                        "AGE": age,
                        "ACCOMPANIMENT": acc,
                    }
                    s = flat_series if flat else Series(key, dict(GOOD_SERIES_ATTRS))
                    for p in PERIODS:
                        n += 1
                        value = ws * wa * wc * (ai + 1)
                        if n % 97 == 0:
                            value += 1  # breaks the additivity of its groups
                        dims = {**key, "TIME_PERIOD": p} if flat else {"TIME_PERIOD": p}
                        attrs = {**GOOD_SERIES_ATTRS, **GOOD_OBS_ATTRS} if flat else GOOD_OBS_ATTRS
                        out.append(Obs(s, dims, str(value), dict(attrs), line=n))
                        if n % 13 == 0:  # the same observation again, right away
                            out.append(Obs(s, dict(dims), str(value), dict(attrs), line=n))
                        if n % 211 == 0:
                            again.append((key, p, str(value + (n % 2))))
    for key, p, value in again:  # far duplicates: the same key much later, in another series
        s = flat_series if flat else Series(key, dict(GOOD_SERIES_ATTRS))
        dims = {**key, "TIME_PERIOD": p} if flat else {"TIME_PERIOD": p}
        attrs = {**GOOD_SERIES_ATTRS, **GOOD_OBS_ATTRS} if flat else GOOD_OBS_ATTRS
        out.append(Obs(s, dims, value, dict(attrs)))
    return out


def _report(observations: list[Obs], batch: int, **options: Any) -> Any:
    st = structure(with_constraints=False)
    v = Validator(st, codelists(), rules(), ValidationOptions(**options))
    ds = dataset()
    chunks = [
        DataChunk(ds, observations[i : i + batch]) for i in range(0, len(observations), batch)
    ]
    return v.validate(chunks)


def _summary(report: Any) -> tuple[Any, ...]:
    return (
        report.rules,
        report.errors,
        report.warnings,
        report.series,
        report.observations,
        [
            (f.code, f.row, f.line, f.series_key, f.time_period, f.component, f.value, f.count)
            for f in report.findings
        ],
        sorted(i for i in range(report.observations) if i in report.rejected),
    )


@pytest.mark.parametrize(("flat", "shuffled"), [(False, False), (True, False), (True, True)])
def test_spilled_run_reports_the_same_findings(flat: bool, shuffled: bool) -> None:
    observations = _observations(flat)
    if shuffled:  # no order at all: every lookup goes to the runs
        random.Random(7).shuffle(observations)  # noqa: S311
    in_memory = _report(observations, 101)
    spilled = _report(observations, 101, memory_duplicate_keys=50, memory_content_values=40)
    assert {"VAL-601", "VAL-602"} <= set(in_memory.rules)
    assert any(code.startswith("VAL-71") for code in in_memory.rules)
    assert _summary(spilled) == _summary(in_memory)


def test_caps_still_apply_across_memory_and_disk() -> None:
    observations = _observations(False)
    capped = _report(
        observations,
        101,
        memory_duplicate_keys=50,
        memory_content_values=40,
        max_duplicate_keys=300,
        max_content_groups=500,
    )
    assert capped.rules.get("VAL-603") == 1
    assert capped.rules.get("VAL-790") == 1
