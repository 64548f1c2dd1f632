"""``idac validate``: offline validation of the specimen pairs (INDEX.md counts) and the examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from registry.cli import main

ROOT = Path(__file__).resolve().parents[2]

#: (data, structure, observations, series or None when the layout is flat, exit code)
PAIRS = [
    ("BIS/BIS_DER-str_ser.xml", "BIS/BIS-3DSD-structure.xml", 1000, 42, 0),
    ("BIS/BIS_DER-gen_all.xml", "BIS/BIS-3DSD-structure.xml", 1000, None, 0),
    ("ECB/M.USD.EUR.SP00.A.xml", "ECB/ECB_EXR1-structure-full.xml", 252, 1, 0),
    # the SDMX-JSON spec sample lacks the series attributes the full ECB DSD makes mandatory
    ("ECB/exr-ts.json", "ECB/ECB_EXR1-structure-full.xml", 4, 2, 1),
    ("SDMX-TWG/v21/sg-ts.xml", "SDMX-TWG/v21/sg-structure-full.xml", 12, 4, 0),
    ("SDMX-TWG/v30/ECB_EXR0.xml", "SDMX-TWG/v30/ECB_EXR1.xml", 116, 6, 0),
    ("ISTAT/22_289.xml", "ISTAT/22_289-structure.xml", 8, 2, 0),
    ("ESTAT/NRG_BAL_S-data.xml", "ESTAT/NRG_BAL_S-structure.xml", 33, 1, 0),
    ("UNICEF/CME-world-serieskeys.xml", "UNICEF/CME-dataflow-dsd.xml", 0, 78, 0),
    ("UNICEF/CME-serieskeys.xml", "UNICEF/CME-dataflow-dsd.xml", 0, 20435, 0),
]


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)


@pytest.mark.parametrize(("data", "structure", "observations", "series", "code"), PAIRS,
                         ids=[p[0] for p in PAIRS])
def test_specimen_pairs(specimens: Path, tmp_path: Path, data: str, structure: str, observations: int,
                        series: int | None, code: int) -> None:
    report_file = tmp_path / "report.json"
    result = run(str(specimens / data), "--structure", str(specimens / structure), "--report", str(report_file))
    report = json.loads(report_file.read_text())
    assert result.exit_code == code, result.output
    assert report["observations"] == observations
    if series is not None:
        assert report["series"] == series
    assert report["valid"] is (code == 0)
    assert f"{observations:,} observations" in result.output


def test_constraint_violation(specimens: Path, tmp_path: Path) -> None:
    report_file = tmp_path / "r.json"
    result = run(str(specimens / "EDGE/DS1-invalid-constraint.xml"), "--structure",
                 str(specimens / "EDGE/DS1-structure-with-constraints.xml"), "--report", str(report_file))
    assert result.exit_code == 1
    assert "INVALID: 4 observations" in result.output
    report = json.loads(report_file.read_text())
    for key in ("valid", "observations", "series", "errors", "warnings", "rules", "findings"):
        assert key in report
    assert report["rules"] and all(code.startswith("VAL-4") for code in report["rules"])
    finding = report["findings"][0]
    assert {"code", "severity", "message", "location"} <= set(finding)
    assert "TEST_VALUE_3" in json.dumps(report)
    assert finding["location"]["line"]


def test_error_message_is_unusable(specimens: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(specimens / "EDGE/error-150.xml"), "--structure",
                                       str(specimens / "BIS/BIS-3DSD-structure.xml")])
    assert result.exit_code == 2
    assert "SDMX error message, code 150" in result.output
    assert "Unable to parse value for key 'detail'" in result.output


def test_not_sdmx_is_unusable(tmp_path: Path, specimens: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    result = CliRunner().invoke(main, ["validate", str(f), "--structure", str(specimens / "BIS/BIS-3DSD-structure.xml")])
    assert result.exit_code == 2
    assert "not a data format this service reads" in result.output


def test_usage_errors(tmp_path: Path, specimens: Path) -> None:
    data = str(specimens / "BIS/BIS_DER-str_ser.xml")
    assert CliRunner().invoke(main, ["validate", data]).exit_code == 2  # --structure missing
    result = CliRunner().invoke(main, ["validate", data, "--structure", "no-such-file.xml"])
    assert result.exit_code == 2 and "neither" in result.output
    result = CliRunner().invoke(main, ["validate", data, "--structure", str(specimens / "BIS/BIS-3DSD-structure.xml"),
                                       "--dataflow", "NOPE"])
    assert result.exit_code == 2 and "NOPE" in result.output


def test_examples_with_idac_structures_in_spanish(tmp_path: Path, db_url: str) -> None:
    """IDAC examples against the IDAC structures in the local store (URN), content rules included."""
    from tests.conftest import make_test_app

    app = make_test_app(db_url, tmp_path / "i", seed_content=True)
    app.extensions["idac.db"].dispose()
    env = {"IDAC_DATABASE_URL": db_url, "IDAC_INSTANCE_PATH": str(tmp_path / "i")}
    urn = "urn:sdmx:org.sdmx.infomodel.registry.ProvisionAgreement=IDAC:PA_PAN_SNM_CORE(1.0)"
    runner = CliRunner(env=env)
    ok = runner.invoke(main, ["validate", str(ROOT / "examples/core-pan-2024.csv"), "--structure", urn])
    assert ok.exit_code == 0, ok.output
    assert "VALID: 105 observations" in ok.output
    bad = runner.invoke(main, ["validate", str(ROOT / "examples/core-pan-2024-invalid.csv"), "--structure", urn,
                               "--lang", "es"])
    assert bad.exit_code == 1
    assert "NO VÁLIDO" in bad.output and "no está en la lista de códigos" in bad.output
