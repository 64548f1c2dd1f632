"""VAL-7xx: the IDAC content rules of dsd/idac-rules.toml."""

from __future__ import annotations

import pytest

from registry.formats.base import Series

from .fixtures import chunks, codes_of, extended_validator, good_obs, obs, run, series, validator

PS = {"UNIT_MEASURE": "PS", "SOURCE_TYPE": "ADMIN_BORDER"}


def _attrs(unit: str, source: str = "ADMIN_BORDER") -> dict[str, str]:
    return {"UNIT_MEASURE": unit, "SOURCE_TYPE": source}


@pytest.mark.parametrize(
    ("value", "bad"), [("10", False), ("0", False), ("-1", True), ("2.5", True)]
)
def test_counts_non_negative_integers_val701(value: str, bad: bool) -> None:
    report = run(obs(series(), "2024", value))
    assert ("VAL-701" in codes_of(report)) is bad


@pytest.mark.parametrize(
    ("value", "bad"), [("0", False), ("55.5", False), ("100", False), ("100.1", True), ("-3", True)]
)
def test_percentages_val702(value: str, bad: bool) -> None:
    s = series(INDICATOR="IDAC_E_ENROL_PCT", attrs=_attrs("PCNT"))
    assert ("VAL-702" in codes_of(run(obs(s, "2024", value, TIME_DETAIL=None)))) is bad


@pytest.mark.parametrize(("value", "bad"), [("12.5", False), ("-0.1", True)])
def test_rates_val703(value: str, bad: bool) -> None:
    s = series(INDICATOR="IDAC_P_RATE", attrs=_attrs("PER1000"))
    assert ("VAL-703" in codes_of(run(obs(s, "2024", value)))) is bad


def test_sex_additivity_val711() -> None:
    report = run(
        obs(series(SEX="_T"), "2024", "100"),
        obs(series(SEX="F"), "2024", "60"),
        obs(series(SEX="M"), "2024", "41"),
    )
    assert report.rules.get("VAL-711") == 1
    f = next(f for f in report.findings if f.code == "VAL-711")
    assert f.series_key == "A.PAN.IDAC_STK_REF._T.Y0T17._T"
    assert f.time_period == "2024"
    assert "F + M = 101" in f.message_en
    assert "_T = 100" in f.message_en
    assert "F + M = 101" in f.message_es


def test_sex_additivity_with_optional_unknown() -> None:
    rows = [
        obs(series(SEX="_T"), "2024", "100"),
        obs(series(SEX="F"), "2024", "60"),
        obs(series(SEX="M"), "2024", "35"),
        obs(series(SEX="_U"), "2024", "5"),
    ]
    assert "VAL-711" not in codes_of(run(*rows))


def test_additivity_incomplete_breakdown_is_not_checked() -> None:
    assert "VAL-711" not in codes_of(
        run(obs(series(SEX="_T"), "2024", "100"), obs(series(SEX="F"), "2024", "60"))
    )


def test_additivity_skips_missing_values() -> None:
    rows = [
        obs(series(SEX="_T"), "2024", "100"),
        obs(series(SEX="F"), "2024", None, OBS_STATUS="Q"),
        obs(series(SEX="M"), "2024", "41"),
    ]
    assert "VAL-711" not in codes_of(run(*rows))


def test_additivity_across_chunks_and_flat_layout() -> None:
    flat = Series()
    key = {
        "FREQ": "A",
        "REF_AREA": "PAN",
        "INDICATOR": "IDAC_STK_REF",
        "AGE": "Y0T17",
        "ACCOMPANIMENT": "_T",
    }
    rows = [
        obs(flat, "2024", v, dims={**key, "SEX": sex}, **PS)
        for sex, v in (("_T", "10"), ("F", "3"), ("M", "3"))
    ]
    report = run(*rows, batch=1)
    assert report.rules.get("VAL-711") == 1


@pytest.mark.parametrize(
    ("code", "parts"),
    [
        ("VAL-712", {"Y0T4": 1, "Y5T9": 1, "Y10T14": 1, "Y15T17": 1}),
        ("VAL-713", {"Y0T4": 1, "Y5T11": 1, "Y12T17": 1}),
        ("VAL-714", {"Y0T13": 1, "Y14T17": 1}),
    ],
)
def test_age_partitions(code: str, parts: dict[str, int]) -> None:
    good = [obs(series(AGE="Y0T17"), "2024", str(len(parts)))]
    good += [obs(series(AGE=a), "2024", str(v)) for a, v in parts.items()]
    assert code not in codes_of(run(*good))
    bad = [obs(series(AGE="Y0T17"), "2024", str(len(parts) + 1))] + good[1:]
    assert run(*bad).rules.get(code) == 1


def test_age_nested_partition_val715() -> None:
    rows = [
        obs(series(AGE="Y14T17"), "2024", "10"),
        obs(series(AGE="Y14T15"), "2024", "4"),
        obs(series(AGE="Y16T17"), "2024", "5"),
    ]
    assert run(*rows).rules.get("VAL-715") == 1
    rows[2] = obs(series(AGE="Y16T17"), "2024", "6")
    assert "VAL-715" not in codes_of(run(*rows))


def test_uasc_partition_val716() -> None:
    rows = [
        obs(series(ACCOMPANIMENT="UASC"), "2024", "10"),
        obs(series(ACCOMPANIMENT="UNACC"), "2024", "6"),
        obs(series(ACCOMPANIMENT="SEP"), "2024", "3"),
    ]
    assert run(*rows).rules.get("VAL-716") == 1
    rows[2] = obs(series(ACCOMPANIMENT="SEP"), "2024", "4")
    assert "VAL-716" not in codes_of(run(*rows))


def test_accompaniment_total_val717() -> None:
    rows = [
        obs(series(ACCOMPANIMENT="_T"), "2024", "100"),
        obs(series(ACCOMPANIMENT="ACC"), "2024", "80"),
        obs(series(ACCOMPANIMENT="UASC"), "2024", "15"),
    ]
    assert run(*rows).rules.get("VAL-717") == 1
    rows.append(obs(series(ACCOMPANIMENT="_U"), "2024", "5"))
    assert "VAL-717" not in codes_of(run(*rows))


def test_uasc_not_above_total_val721() -> None:
    rows = [
        obs(series(ACCOMPANIMENT="_T"), "2024", "10"),
        obs(series(ACCOMPANIMENT="UASC"), "2024", "12"),
    ]
    assert run(*rows).rules.get("VAL-721") == 1
    rows[1] = obs(series(ACCOMPANIMENT="UASC"), "2024", "10")
    assert "VAL-721" not in codes_of(run(*rows))


def test_stock_needs_time_detail_val731() -> None:
    report = run(obs(series(), "2024", TIME_DETAIL=None))
    assert report.rules.get("VAL-731") == 1
    # a flow indicator does not need it
    assert "VAL-731" not in codes_of(
        run(obs(series(INDICATOR="IDAC_FLW_ASY_APP"), "2024", TIME_DETAIL=None))
    )


def test_survey_needs_sample_size_val732() -> None:
    s = series(attrs=_attrs("PS", "HH_SURVEY"))
    assert run(obs(s, "2024")).rules.get("VAL-732") == 1
    assert "VAL-732" not in codes_of(run(obs(s, "2024", UNWGTD_SAMPLE="240")))


def test_percentage_consistency_val741() -> None:
    s = series(INDICATOR="IDAC_E_ENROL_PCT", attrs=_attrs("PCNT"))
    assert run(obs(s, "2024", "50", NUMER_VALUE="30", DENOM_VALUE="50")).rules.get("VAL-741") == 1
    assert "VAL-741" not in codes_of(
        run(obs(s, "2024", "60.05", NUMER_VALUE="30", DENOM_VALUE="50"))
    )


def test_rate_consistency_val742() -> None:
    s = series(INDICATOR="IDAC_P_RATE", attrs=_attrs("PER100000"))
    assert run(obs(s, "2024", "12", NUMER_VALUE="3", DENOM_VALUE="20000")).rules.get("VAL-742") == 1
    assert "VAL-742" not in codes_of(
        run(obs(s, "2024", "15", NUMER_VALUE="3", DENOM_VALUE="20000"))
    )


def test_child_scope_val751() -> None:
    assert run(obs(series(AGE="Y_GE18"), "2024")).rules.get("VAL-751") == 1
    assert "VAL-751" not in codes_of(run(obs(series(AGE="Y15T17"), "2024")))


def test_rules_on_absent_components_are_skipped() -> None:
    # DISPL_CAUSE (VAL-718), URBANISATION (VAL-719) and MIGRATORY_STATUS (VAL-752) are not in the test DSD.
    report = run(*good_obs())
    assert report.valid
    assert not codes_of(report) & {"VAL-718", "VAL-719", "VAL-752"}


def test_group_limit_val790() -> None:
    v = validator(max_content_groups=1)
    rows = [obs(series(SEX=s), p, "1") for s in ("_T", "F") for p in ("2023", "2024")]
    assert v.validate(chunks(*rows)).rules.get("VAL-790") == 1
    assert "VAL-790" not in codes_of(validator().validate(chunks(*rows)))


def _ext(**key: str):  # noqa: ANN202
    return series(**{"DISPL_CAUSE": "_Z", "URBANISATION": "_T", "MIGRATORY_STATUS": "_T", **key})


def test_displacement_cause_val718() -> None:
    v = extended_validator()
    rows = [
        obs(_ext(DISPL_CAUSE=c), "2024", n)
        for c, n in (("_T", "10"), ("CONFLICT", "6"), ("DISASTER", "3"))
    ]
    assert v.validate(chunks(*rows)).rules.get("VAL-718") == 1
    rows.append(obs(_ext(DISPL_CAUSE="OTHER"), "2024", "1"))
    assert "VAL-718" not in codes_of(v.validate(chunks(*rows)))


def test_urbanisation_val719() -> None:
    v = extended_validator()
    rows = [obs(_ext(URBANISATION=c), "2024", n) for c, n in (("_T", "10"), ("U", "6"), ("R", "5"))]
    assert v.validate(chunks(*rows)).rules.get("VAL-719") == 1
    rows[2] = obs(_ext(URBANISATION="R"), "2024", "4")
    assert "VAL-719" not in codes_of(v.validate(chunks(*rows)))


def test_migratory_status_not_z_val752() -> None:
    v = extended_validator()
    assert v.validate(chunks(obs(_ext(MIGRATORY_STATUS="_Z"), "2024"))).rules.get("VAL-752") == 1
    assert "VAL-752" not in codes_of(v.validate(chunks(obs(_ext(MIGRATORY_STATUS="REF"), "2024"))))
