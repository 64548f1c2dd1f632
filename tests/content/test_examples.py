# ruff: noqa: E501  (tables of names and descriptions read better unwrapped)
"""The synthetic examples: consistent sums, allowed by the constraints, schema-valid; the invalid file
fails exactly the five rules it is meant to break."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
from lxml import etree

from registry.formats.base import ResolvedStructure
from registry.formats.xsdgen import ss_namespace, structure_specific_xsd
from registry.sdmx.model import ContentConstraint
from registry.sdmx.schemas import xml_schema_path
from tests.content.conftest import ROOT

EX = ROOT / "examples"
BANDS = ["Y0T4", "Y5T9", "Y10T14", "Y15T17"]
DIMS = ["FREQ", "REF_AREA", "INDICATOR", "SEX", "AGE", "ACCOMPANIMENT", "ORIGIN_BASIS", "COUNTERPART_AREA",
        "DISPL_CAUSE", "URBANISATION"]
PROVIDER_OF = {"core-pan-2024.csv": "PAN_SNM", "core-mex-2024.csv": "MEX_INM",
               "core-pan-2024-invalid.csv": "PAN_SNM"}


def rows(name: str) -> list[dict[str, str]]:
    with (EX / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def in_constraint(c: ContentConstraint, key: dict[str, str]) -> bool:
    """Our documented semantics: included regions OR-ed, excluded regions removed."""
    def inside(region) -> bool:
        return all(key.get(cid) in v.values for cid, v in region.components.items() if cid in key)
    inc = [r for r in c.cube_regions if r.include]
    exc = [r for r in c.cube_regions if not r.include]
    return (not inc or any(inside(r) for r in inc)) and not any(inside(r) for r in exc)


def constraints_for(artefacts: dict, flow: str, pa: str | None) -> list[ContentConstraint]:
    out = []
    for (cls, *_), c in artefacts.items():
        if cls != "ContentConstraint":
            continue
        ids = {(r.type.class_name, r.id) for r in c.attachment}
        if ("Dataflow", flow) in ids or (pa and ("ProvisionAgreement", pa) in ids):
            out.append(c)
    return out


def problems(artefacts: dict, name: str) -> set[str]:  # noqa: C901 - a flat list of rules
    """A miniature of the validator's rules V1-V4 for core CSV files."""
    found: set[str] = set()
    codes = {cid: {c.id for c in artefacts[("Codelist", a, cid, v)].items} for cid, a, v in (
        ("CL_AREA_CP", "IDAC", "1.0"), ("CL_AREA", "IDAC", "1.0"), ("CL_IDAC_INDICATOR", "IDAC", "1.0"))}
    pa = f"PA_{PROVIDER_OF[name]}_CORE"
    cons = constraints_for(artefacts, "DF_IDAC_CORE", pa)
    cells: dict[tuple, dict[tuple[str, str], int]] = defaultdict(dict)
    for r in rows(name):
        key = {d: r[d] for d in DIMS}
        if r["COUNTERPART_AREA"] not in codes["CL_AREA_CP"]:
            found.add("code-not-in-codelist")
            continue
        key_attrs = {**key, "UNIT_MEASURE": r["UNIT_MEASURE"]}
        for c in cons:
            if not in_constraint(c, key_attrs):
                found.add("constraint:" + ("provision" if c.id.startswith("CC_PA_") else "dataflow"))
        if r["UNIT_MEASURE"] in ("PS", "NUMBER", "MOV") and int(r["OBS_VALUE"]) < 0:
            found.add("negative-count")
        if r["INDICATOR"].startswith("IDAC_STK_") and not r["TIME_DETAIL"]:
            found.add("stock-without-time-detail")
        rest = tuple((d, r[d]) for d in DIMS if d not in ("SEX", "AGE"))
        cells[rest][(r["SEX"], r["AGE"])] = int(r["OBS_VALUE"])
    for grid in cells.values():
        for age in ["Y0T17", *BANDS]:
            if all((s, age) in grid for s in ("F", "M", "_T")):
                if grid[("F", age)] + grid[("M", age)] != grid[("_T", age)]:
                    found.add("sex-not-additive")
        for sex in ("F", "M", "_T"):
            if all((sex, a) in grid for a in ["Y0T17", *BANDS]):
                if sum(grid[(sex, a)] for a in BANDS) != grid[(sex, "Y0T17")]:
                    found.add("age-not-additive")
    return found


@pytest.mark.parametrize("name", ["core-pan-2024.csv", "core-mex-2024.csv"])
def test_valid_core_csv_has_no_findings(artefacts: dict, name: str) -> None:
    assert problems(artefacts, name) == set()
    assert all("illustrative" in r["COMMENT_TS"] for r in rows(name))
    assert 10 <= len(rows(name)) <= 300


def test_invalid_csv_produces_the_five_findings(artefacts: dict) -> None:
    found = problems(artefacts, "core-pan-2024-invalid.csv")
    # sex-not-additive also breaks the age sum of the _T row, hence age-not-additive.
    assert {"code-not-in-codelist", "negative-count", "sex-not-additive", "stock-without-time-detail",
            "constraint:dataflow", "constraint:provision"} <= found


def test_accompaniment_adds_up() -> None:
    acc = {r["ACCOMPANIMENT"]: int(r["OBS_VALUE"]) for r in rows("core-mex-2024.csv")
           if r["COUNTERPART_AREA"] == "USA" and r["SEX"] == "_T" and r["AGE"] == "Y0T17"}
    assert acc["UNACC"] + acc["SEP"] == acc["UASC"]
    assert acc["ACC"] + acc["UASC"] == acc["_T"]


@pytest.mark.parametrize(("name", "flow", "dsd"), [("core-col-2024.xml", "DF_IDAC_CORE", "DSD_IDAC_CORE"),
                                                   ("thematic-col-2023.xml", "DF_IDAC_THEMATIC", "DSD_IDAC_THEMATIC")])
def test_structure_specific_examples_are_schema_valid(artefacts: dict, name: str, flow: str, dsd: str,
                                                      tmp_path: Path) -> None:
    structure = ResolvedStructure(dsd=artefacts[("DataStructure", "IDAC", dsd, "1.0")],
                                  dataflow=artefacts[("Dataflow", "IDAC", flow, "1.0")])
    codelists = {a.ref: a for (cls, *_), a in artefacts.items() if cls == "Codelist"}
    (tmp_path / "dsd.xsd").write_bytes(structure_specific_xsd(structure, codelists=codelists))
    mes = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
    (tmp_path / "all.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:idac:test">'
        f'<xs:import namespace="{mes}" schemaLocation="{xml_schema_path("2.1").as_uri()}"/>'
        f'<xs:import namespace="{ss_namespace(structure)}" schemaLocation="{(tmp_path / "dsd.xsd").as_uri()}"/>'
        "</xs:schema>", encoding="utf-8")
    schema = etree.XMLSchema(etree.parse(str(tmp_path / "all.xsd")))
    doc = etree.parse(str(EX / name))
    assert schema.validate(doc), str(schema.error_log.last_error)
    assert b"illustrative" in (EX / name).read_bytes()[:400]


def test_thematic_percentages_match_numerators() -> None:
    doc = etree.parse(str(EX / "thematic-col-2023.xml"))
    obs = doc.findall(".//Obs")
    assert 20 <= len(obs) <= 300
    for o in obs:
        value = float(o.get("OBS_VALUE"))
        assert value == pytest.approx(100 * float(o.get("NUMER_VALUE")) / float(o.get("DENOM_VALUE")), abs=0.051)


def test_sdmx1_reads_structure_specific_examples(artefacts: dict) -> None:
    import sdmx
    import sdmx.reader.xml.v30  # noqa: F401

    dsd_msg = sdmx.read_sdmx(ROOT / "dsd" / "IDAC-DSD_IDAC_CORE-1.0.xml")
    dsd = dsd_msg.structure["DSD_IDAC_CORE"]
    msg = sdmx.read_sdmx(EX / "core-col-2024.xml", structure=dsd)
    assert len(msg.data[0].obs) == 30
