"""VAL-5xx: missing values and mandatory attributes."""

from __future__ import annotations

import pytest

from registry.formats.base import DataChunk

from .fixtures import codes_of, dataset, obs, run, series, validator


@pytest.mark.parametrize("value", [None, ""])
def test_missing_value_without_status_val501(value: str | None) -> None:
    report = run(obs(series(), "2024", value=value))
    assert report.rules.get("VAL-501") == 1
    f = next(f for f in report.findings if f.code == "VAL-501")
    assert "OBS_STATUS" in f.message_en
    assert "found: A" in f.message_en


@pytest.mark.parametrize("status", ["M", "O", "L", "Q"])
def test_missing_value_with_status_passes(status: str) -> None:
    assert "VAL-501" not in codes_of(run(obs(series(), "2024", value=None, OBS_STATUS=status)))


def test_missing_statuses_are_configurable() -> None:
    v = validator(with_rules=False, missing_value_statuses=frozenset({"M"}))
    assert "VAL-501" in codes_of(run(obs(series(), "2024", value="", OBS_STATUS="Q"), v=v))


def test_status_from_series_level() -> None:
    s = series(attrs={"UNIT_MEASURE": "PS", "SOURCE_TYPE": "CENSUS", "OBS_STATUS": "M"})
    assert "VAL-501" not in codes_of(run(obs(s, "2024", value=None, OBS_STATUS=None)))


def test_mandatory_observation_attribute_val502() -> None:
    report = run(obs(series(), "2024", CONF_STATUS=None))
    assert report.rules.get("VAL-502") == 1
    assert next(f for f in report.findings if f.code == "VAL-502").component == "CONF_STATUS"


def test_mandatory_series_attribute_val503() -> None:
    s = series(attrs={"UNIT_MEASURE": "PS"})
    report = run(obs(s, "2024"), obs(s, "2023"))
    assert report.rules.get("VAL-503") == 2
    f = next(f for f in report.findings if f.code == "VAL-503")
    assert f.component == "SOURCE_TYPE"
    assert f.series_key == "A.PAN.IDAC_STK_REF._T.Y0T17._T"


def test_mandatory_dataset_attribute_val504() -> None:
    ds = dataset()
    del ds.attrs["REPORTING_NOTE"]
    report = run(obs(series(), "2024"), obs(series(), "2023"), ds=ds)
    assert report.rules.get("VAL-504") == 1  # once per data set


def test_delete_dataset_skips_values_and_mandatory() -> None:
    ds = dataset(action="Delete")
    report = validator().validate(
        [
            DataChunk(
                ds, [obs(series(attrs={}), "2024", value=None, OBS_STATUS=None, CONF_STATUS=None)]
            )
        ]
    )
    assert not codes_of(report) & {"VAL-501", "VAL-502", "VAL-503"}
