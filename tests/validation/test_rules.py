"""The TOML rules loader and the IDAC rules file."""

from __future__ import annotations

import pytest

from registry.validation import CATALOGUE, parse_rules
from registry.validation.rules import Condition, RulesFileError

from .fixtures import rules


def test_idac_rules_file_loads() -> None:
    rs = rules()
    codes = set(rs.rules)
    assert {
        "VAL-701",
        "VAL-702",
        "VAL-703",
        "VAL-711",
        "VAL-712",
        "VAL-716",
        "VAL-717",
        "VAL-718",
        "VAL-719",
        "VAL-721",
        "VAL-731",
        "VAL-732",
        "VAL-741",
        "VAL-751",
    } <= codes
    assert all(c.startswith("VAL-7") for c in codes)
    assert not codes & set(CATALOGUE)
    assert rs.missing_value_statuses == frozenset({"M", "O", "L", "Q"})
    for r in rs.rules.values():
        assert r.en
        assert r.es
        assert r.severity in ("error", "warning")


def test_additivity_rules_are_data() -> None:
    rs = rules()
    sex = next(r for r in rs.additivity if r.rule.code == "VAL-711")
    assert (sex.component, sex.total, sex.parts, sex.optional_parts) == (
        "SEX",
        "_T",
        ("F", "M"),
        ("_U",),
    )
    ages = {r.parts for r in rs.additivity if r.component == "AGE" and r.total == "Y0T17"}
    assert ("Y0T4", "Y5T9", "Y10T14", "Y15T17") in ages


def _one(kind: str, **spec: object) -> dict[str, object]:
    return {kind: [{"code": "VAL-799", "en": "x", "es": "y", **spec}]}


def test_minimal_rule() -> None:
    rs = parse_rules(_one("domain", min=0, when={"UNIT_MEASURE": "PS"}))
    assert rs.domain[0].min == 0.0
    assert rs.domain[0].rule.severity == "error"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"domian": []}, "unknown rule kind"),
        (_one("domain", severity="fatal"), "severity"),
        ({"domain": [{"code": "VAL-799", "en": "x"}]}, "'en' and 'es'"),
        ({"domain": [{"en": "x", "es": "y"}]}, "'code' is required"),
        (_one("additivity", component="SEX"), "'parts' is required"),
        (_one("domain", colour="red"), "unknown key"),
        (_one("domain", when={"SEX": 3}), "condition"),
        (_one("domain", min="abc"), "VAL-799"),
        ({"domain": [{"code": "VAL-301", "en": "x", "es": "y"}]}, "used twice"),
    ],
)
def test_bad_rules_files(data: dict[str, object], needle: str) -> None:
    with pytest.raises(RulesFileError, match=needle):
        parse_rules(data)


def test_conditions() -> None:
    c = Condition.parse(
        {
            "INDICATOR": {"prefix": "IDAC_STK_"},
            "UNIT_MEASURE": ["PS", "NUMBER"],
            "SEX": {"not": ["_Z"]},
        },
        "t",
    )
    values = {"INDICATOR": "IDAC_STK_REF", "UNIT_MEASURE": "PS", "SEX": "F"}
    assert c.holds(values.get)
    assert not c.holds({**values, "INDICATOR": "IDAC_FLW_IMM"}.get)
    assert not c.holds({**values, "SEX": "_Z"}.get)
    assert not c.holds({**values, "UNIT_MEASURE": "PCNT"}.get)
    assert Condition().holds({}.get)


def test_toml_syntax_error(tmp_path) -> None:  # noqa: ANN001
    from registry.validation import load_rules

    p = tmp_path / "bad.toml"
    p.write_text("[[domain]\ncode = ")
    with pytest.raises(RulesFileError):
        load_rules(p)
