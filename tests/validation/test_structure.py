"""VAL-2xx: unknown and missing components, attachment level."""

from __future__ import annotations

from .fixtures import codes_of, dataset, good_obs, obs, run, series


def test_valid_data_has_no_structure_findings() -> None:
    report = run(*good_obs())
    assert report.valid
    assert report.rules == {}


def test_unknown_dimension_val201() -> None:
    s = series(COLOUR="RED")
    report = run(obs(s, "2023"), obs(s, "2024"))
    assert report.rules["VAL-201"] == 2
    f = next(f for f in report.findings if f.code == "VAL-201")
    assert f.component == "COLOUR"
    assert "COLOUR" in f.message_en
    assert "COLOUR" in f.message_es


def test_unknown_dimension_on_observation_val201() -> None:
    report = run(obs(series(), "2024", dims={"EXTRA": "X"}))
    assert "VAL-201" in codes_of(report)


def test_missing_dimension_val202() -> None:
    report = run(obs(series(AGE=None), "2024"))
    assert report.rules["VAL-202"] == 1
    assert report.findings[0].component == "AGE" or any(
        f.component == "AGE" for f in report.findings
    )


def test_missing_dimension_given_on_observation_is_fine() -> None:
    s = series(AGE=None)
    report = run(obs(s, "2024", dims={"AGE": "Y0T17"}))
    assert "VAL-202" not in codes_of(report)


def test_unknown_attribute_with_suggestion_val203() -> None:
    report = run(obs(series(), "2024", OBS_STATUSS="A"))
    f = next(f for f in report.findings if f.code == "VAL-203")
    assert f.component == "OBS_STATUSS"
    assert "Did you mean 'OBS_STATUS'?" in f.message_en
    assert "¿Quiso decir 'OBS_STATUS'?" in f.message_es


def test_unknown_dataset_attribute_val203() -> None:
    report = run(*good_obs(1), ds=dataset(NOT_AN_ATTR="x"))
    assert report.rules.get("VAL-203") == 1


def test_attribute_at_coarser_level_val204() -> None:
    s = series(attrs={"UNIT_MEASURE": "PS", "SOURCE_TYPE": "CENSUS", "OBS_STATUS": "A"})
    report = run(obs(s, "2024"), obs(s, "2023"))
    assert report.rules.get("VAL-204") == 1  # once per series
    assert report.valid  # a warning only


def test_series_attribute_on_observation_is_fine() -> None:
    s = series(attrs={})
    report = run(obs(s, "2024", UNIT_MEASURE="PS", SOURCE_TYPE="CENSUS"))
    assert "VAL-204" not in codes_of(report)
    assert "VAL-503" not in codes_of(report)


def test_missing_time_period_val205() -> None:
    report = run(obs(series(), None))
    assert report.rules.get("VAL-205") == 1
