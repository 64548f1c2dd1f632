"""VAL-3xx: codelists, text formats, time periods and FREQ."""

from __future__ import annotations

import pytest

from registry.validation.timeperiod import period_kind, period_start

from .fixtures import codes_of, dataset, good_obs, obs, run, series, validator


def test_code_not_in_codelist_with_suggestion_val301() -> None:
    report = run(obs(series(REF_AREA="PANX"), "2024"))
    f = next(f for f in report.findings if f.code == "VAL-301")
    assert f.message_en == (
        "Code 'PANX' is not in codelist IDAC:CL_AREA(1.0) for dimension REF_AREA. "
        "Did you mean 'PAN'?"
    )
    assert f.message_es == (
        "El código 'PANX' no está en la lista de códigos IDAC:CL_AREA(1.0) de la dimensión "
        "REF_AREA. ¿Quiso decir 'PAN'?"
    )
    assert f.component == "REF_AREA"
    assert f.value == "PANX"


def test_code_case_suggestion() -> None:
    report = run(obs(series(REF_AREA="pan"), "2024"))
    f = next(f for f in report.findings if f.code == "VAL-301")
    assert f.params["suggestion"] == "PAN"


def test_code_in_flat_layout_val301() -> None:
    from registry.formats.base import Series

    flat = Series()
    o = obs(
        flat,
        "2024",
        dims={
            "FREQ": "A",
            "REF_AREA": "XXX",
            "INDICATOR": "IDAC_STK_REF",
            "SEX": "_T",
            "AGE": "Y0T17",
            "ACCOMPANIMENT": "_T",
        },
        UNIT_MEASURE="PS",
        SOURCE_TYPE="CENSUS",
    )
    report = run(o)
    assert report.rules.get("VAL-301") == 1


def test_attribute_code_not_in_codelist_val302() -> None:
    report = run(obs(series(), "2024", OBS_STATUS="Z"))
    assert report.rules.get("VAL-302") == 1
    f = next(f for f in report.findings if f.code == "VAL-302")
    assert "SDMX:CL_OBS_STATUS(1.0)" in f.message_en


def test_dataset_attribute_value_checked() -> None:
    report = run(*good_obs(1), ds=dataset(EMBARGO_TIME="tomorrow"))
    assert report.rules.get("VAL-303") == 1


@pytest.mark.parametrize("value", ["abc", "1,5", "1_000", ""])
def test_obs_value_not_a_number_val303(value: str) -> None:
    report = run(obs(series(), "2024", value=value, OBS_STATUS="M" if not value else "A"))
    if value:
        assert report.rules.get("VAL-303") == 1
    else:
        assert "VAL-303" not in codes_of(report)


@pytest.mark.parametrize("value", ["1", "04.0", "-2.5e3", "NaN", "INF"])
def test_obs_value_numbers_pass(value: str) -> None:
    v = validator(with_rules=False)
    report = run(obs(series(), "2024", value=value), v=v)
    assert "VAL-303" not in codes_of(report)


def test_integer_attribute_val303() -> None:
    s = series(attrs={"UNIT_MEASURE": "PS", "SOURCE_TYPE": "CENSUS", "UNIT_MULT": "three"})
    assert run(obs(s, "2024")).rules.get("VAL-303") == 1


def test_decimals_val304() -> None:
    assert run(obs(series(), "2024", NUMER_VALUE="1.234")).rules.get("VAL-304") == 1
    assert "VAL-304" not in codes_of(run(obs(series(), "2024", NUMER_VALUE="1.23")))


def test_range_val305() -> None:
    s = series(attrs={"UNIT_MEASURE": "PS", "SOURCE_TYPE": "CENSUS", "UNIT_MULT": "13"})
    assert run(obs(s, "2024")).rules.get("VAL-305") == 1
    s = series(attrs={"UNIT_MEASURE": "PS", "SOURCE_TYPE": "CENSUS", "UNIT_MULT": "12"})
    assert "VAL-305" not in codes_of(run(obs(s, "2024")))


def test_length_val306() -> None:
    assert run(obs(series(), "2024", COMMENT_OBS="x" * 41)).rules.get("VAL-306") == 1
    assert "VAL-306" not in codes_of(run(obs(series(), "2024", COMMENT_OBS="x" * 40)))


def test_pattern_val307() -> None:
    report = run(obs(series(), "2024", TIME_DETAIL="30/06/2024"))
    assert report.rules.get("VAL-307") == 1


@pytest.mark.parametrize(
    "period", ["2024-13", "24", "2024-Q5", "2024-02-30", "2024-W54", "2024-M3", "x"]
)
def test_invalid_period_val308(period: str) -> None:
    report = run(obs(series(), period))
    assert report.rules.get("VAL-308") == 1


@pytest.mark.parametrize(
    ("freq", "period"),
    [
        ("A", "2024"),
        ("A", "2024-A1"),
        ("Q", "2024-Q1"),
        ("M", "2024-03"),
        ("M", "2024-M03"),
        ("A", "2024-01-01/P1Y"),
    ],
)
def test_period_consistent_with_freq(freq: str, period: str) -> None:
    report = run(obs(series(FREQ=freq), period))
    assert not codes_of(report) & {"VAL-308", "VAL-309"}


@pytest.mark.parametrize(
    ("freq", "period"), [("A", "2024-Q1"), ("Q", "2024"), ("M", "2024-W05"), ("A", "2024-03")]
)
def test_period_inconsistent_with_freq_val309(freq: str, period: str) -> None:
    report = run(obs(series(FREQ=freq), period))
    assert report.rules.get("VAL-309") == 1
    f = next(f for f in report.findings if f.code == "VAL-309")
    assert f"FREQ={freq}" in f.message_en


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2024", "A"),
        ("2024-A1", "A"),
        ("2024-S2", "S"),
        ("2024-T3", "T"),
        ("2024-Q4", "Q"),
        ("2024-M12", "M"),
        ("2024-12", "M"),
        ("2024-W53", "W"),
        ("2024-D366", "D"),
        ("2024-02-29", "D"),
        ("2024-02-29T10:00:00Z", "DT"),
        ("2024-01-01/P1Y", "A"),
        ("2024-01-01/P3M", "Q"),
        ("2024-01-01/P10D", "R"),
        ("2024-Q1+01:00", "Q"),
    ],
)
def test_period_kinds(text: str, kind: str) -> None:
    assert period_kind(text) == kind


@pytest.mark.parametrize(
    "text", ["2023-02-29", "2024-S3", "2024-D367", "2024-W00", "2024/P1Y", "2024-01-01/1Y"]
)
def test_period_invalid(text: str) -> None:
    assert period_kind(text) is None


def test_period_start() -> None:
    assert period_start("2024-Q2") == "2024-04-01"
    assert period_start("2024-M03") == "2024-03-01"
    assert period_start("2024-S2") == "2024-07-01"
    assert period_start("2024") == "2024-01-01"
    assert period_start("2024-W01") == "2024-01-01"
    assert period_start("2024-D032") == "2024-02-01"


def test_missing_codelist_val105() -> None:
    from registry.validation import Validator

    from .fixtures import cl_ref, codelists, structure

    cls = codelists()
    del cls[cl_ref("CL_AREA")]
    report = Validator(structure(), cls).validate([])
    assert report.rules.get("VAL-105") == 1
    assert report.valid


def test_good_data_pass() -> None:
    assert run(*good_obs()).valid


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0", True),
        ("-.5", True),
        ("+3", True),
        ("1e5", True),
        ("NaN", True),
        ("-INF", True),
        ("nan", False),
        ("infinity", False),
        ("1_0", False),
        ("abc", False),
    ],
)
def test_obs_value_real_literals(value: str, ok: bool) -> None:
    s = series()
    # zeros first: the fast path must not stop at a falsy float
    report = run(obs(s, "2022", "0"), obs(s, "2023", value), v=validator(with_rules=False))
    assert ("VAL-303" not in codes_of(report)) is ok
