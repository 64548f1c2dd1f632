"""VAL-4xx: cube regions (dataflow, per indicator), exclusions, key sets, attribute and time constraints."""

from __future__ import annotations

from .fixtures import codes_of, good_obs, obs, run, series, validator


def test_good_data_satisfy_constraints() -> None:
    assert not {c for c in codes_of(run(*good_obs())) if c.startswith("VAL-4")}


def test_dataflow_region_val401() -> None:
    # SEX _Z is in CL_SEX but not allowed by the dataflow constraint.
    report = run(obs(series(SEX="_Z"), "2024"))
    assert report.rules.get("VAL-401") == 1
    f = next(f for f in report.findings if f.code == "VAL-401")
    assert f.component == "SEX"
    assert f.value == "_Z"
    assert "IDAC:CC_DF_IDAC_TEST(1.0)" in f.message_en
    assert "VAL-301" not in codes_of(report)


def test_per_indicator_region_val401() -> None:
    # ACCOMPANIMENT UASC is allowed for refugees but not for international migrant stock.
    assert "VAL-401" not in codes_of(run(obs(series(ACCOMPANIMENT="UASC"), "2024")))
    report = run(obs(series(INDICATOR="IDAC_STK_INTL_MIG", ACCOMPANIMENT="UASC"), "2024"))
    f = next(f for f in report.findings if f.code == "VAL-401")
    assert f.component == "ACCOMPANIMENT"
    assert f.value == "UASC"
    assert "CC_IDAC_INDICATORS" in f.message_en


def test_excluded_region_val402() -> None:
    report = run(obs(series(REF_AREA="XKX"), "2024"))
    assert report.rules.get("VAL-402") == 1


def test_key_set_val403() -> None:
    report = run(obs(series(REF_AREA="MEX"), "2024"))
    assert report.rules.get("VAL-403") == 1
    assert "IDAC:CC_PA_PAN(1.0)" in report.findings[0].message_en or any(
        "CC_PA_PAN" in f.message_en for f in report.findings
    )


def test_excluded_key_set_val404() -> None:
    report = run(
        obs(series(REF_AREA="COL", INDICATOR="IDAC_P_RATE"), "2024", TIME_DETAIL=None),
        v=validator(with_rules=False),
    )
    assert report.rules.get("VAL-404") == 1
    assert "VAL-404" not in codes_of(
        run(obs(series(REF_AREA="COL", INDICATOR="IDAC_STK_REF"), "2024"))
    )


def test_attribute_constraint_val405() -> None:
    # CONF_STATUS N is in the codelist but not allowed by the dataflow constraint.
    report = run(obs(series(), "2024", CONF_STATUS="N"))
    assert report.rules.get("VAL-405") == 1
    assert "VAL-405" not in codes_of(run(obs(series(), "2024", CONF_STATUS="C")))


def test_time_range_val406() -> None:
    report = run(
        obs(series(), "1999"), obs(series(FREQ="Q"), "2031-Q1"), obs(series(FREQ="M"), "2030-12")
    )
    assert report.rules.get("VAL-406") == 2


def test_actual_constraint_is_not_checked() -> None:
    # CC_ACTUAL only lists CHL; PAN data are still fine.
    assert "VAL-401" not in codes_of(run(obs(series(REF_AREA="PAN"), "2024")))


def test_every_observation_of_a_bad_series_is_counted() -> None:
    s = series(SEX="_Z")
    report = run(*(obs(s, str(2000 + i)) for i in range(10)))
    assert report.rules["VAL-401"] == 10
    assert len([f for f in report.findings if f.code == "VAL-401"]) == 1  # folded into one example
    assert report.findings[0].count == 10 or any(f.count == 10 for f in report.findings)
    assert len(report.rejected) == 10
