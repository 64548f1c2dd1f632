"""VAL-6xx: duplicates within the file and against stored data."""

from __future__ import annotations

from registry.validation import Validator

from .fixtures import chunks as make_chunks
from .fixtures import codelists, codes_of, dataset, obs, run, series, structure, validator


def test_conflicting_duplicate_val601() -> None:
    s = series()
    report = run(obs(s, "2024", "100"), obs(s, "2023", "90"), obs(s, "2024", "101"))
    assert report.rules.get("VAL-601") == 1
    f = next(f for f in report.findings if f.code == "VAL-601")
    assert f.row == 3
    assert f.time_period == "2024"
    assert "'101'" in f.message_en


def test_identical_duplicate_val602_is_a_warning() -> None:
    s = series()
    report = run(obs(s, "2024", "100"), obs(s, "2024", "100"))
    assert report.rules == {"VAL-602": 1}
    assert report.valid
    assert report.warnings == 1


def test_duplicate_across_series_objects_and_chunks() -> None:
    report = run(obs(series(), "2024", "100"), obs(series(), "2024", "5"), batch=1)
    assert report.rules.get("VAL-601") == 1


def test_same_key_in_different_datasets_is_not_a_duplicate() -> None:
    from registry.formats.base import DataChunk

    s = series()
    report = validator().validate(
        [DataChunk(dataset(0), [obs(s, "2024")]), DataChunk(dataset(1), [obs(s, "2024")])]
    )
    assert not codes_of(report) & {"VAL-601", "VAL-602"}


def test_tracking_limit_val603() -> None:
    v = validator(with_rules=False, max_duplicate_keys=2)
    s = series()
    report = v.validate(
        make_chunks(obs(s, "2022"), obs(s, "2023"), obs(s, "2024"), obs(s, "2022", "1"))
    )
    assert report.rules.get("VAL-603") == 1
    assert report.rules.get("VAL-601") == 1  # keys recorded before the cap are still checked


def test_existing_hook_val604() -> None:
    def existing(batch):  # noqa: ANN001, ANN202
        return [
            (i, "50") for i, o in enumerate(batch.observations) if o.dims["TIME_PERIOD"] == "2024"
        ]

    v = Validator(structure(), codelists(), None, existing=existing)
    report = v.validate(make_chunks(obs(series(), "2024", "100"), obs(series(), "2023", "100")))
    assert report.rules.get("VAL-604") == 1
    f = next(f for f in report.findings if f.code == "VAL-604")
    assert "'50'" in f.message_en
    assert "'100'" in f.message_en
    assert report.valid


def test_existing_same_value_is_silent() -> None:
    v = Validator(structure(), codelists(), None, existing=lambda b: [(0, "100")])
    assert "VAL-604" not in codes_of(v.validate(make_chunks(obs(series(), "2024", "100"))))


def test_no_duplicates_in_distinct_data() -> None:
    s = series()
    assert not codes_of(
        run(
            obs(s, "2022"),
            obs(s, "2023"),
            obs(series(SEX="F"), "2022", "60"),
            obs(series(SEX="M"), "2022", "40"),
            ds=dataset(),
        )
    ) & {"VAL-601", "VAL-602"}
