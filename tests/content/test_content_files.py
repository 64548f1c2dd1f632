# ruff: noqa: E501  (tables of names and descriptions read better unwrapped)
"""The committed IDAC structure files: schema-valid, readable by sdmx1 and pysdmx, complete and coherent."""

from __future__ import annotations

import shutil
import warnings
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from registry.sdmx.model import (
    Codelist,
    DataProviderScheme,
    HierarchicalCodelist,
)
from registry.sdmx.schemas import xml_schema
from tests.content.conftest import ROOT, STRUCTURE_FILES
from tools.idac_content.__main__ import main as builder_main
from tools.idac_content.generate import render_all
from tools.idac_content.providers import COUNTRIES

IDS = [p.relative_to(ROOT).as_posix() for p in STRUCTURE_FILES]


def test_expected_files_exist() -> None:
    assert len(STRUCTURE_FILES) >= 33
    names = {p.name for p in STRUCTURE_FILES}
    for must in ("IDAC-CL_AREA-1.0.xml", "IDAC-CL_IDAC_INDICATOR-1.0.xml", "SDMX-CL_FREQ-2.1.xml",
                 "IDAC-DSD_IDAC_CORE-1.0.xml", "IDAC-DSD_IDAC_THEMATIC-1.0.xml", "IDAC-HCL_M49-1.0.xml"):
        assert must in names


@pytest.mark.parametrize("path", STRUCTURE_FILES, ids=IDS)
def test_valid_against_sdmx21_xsd(path: Path) -> None:
    schema = xml_schema("2.1")
    ok = schema.validate(etree.parse(str(path)))
    assert ok, str(schema.error_log.last_error)


@pytest.mark.parametrize("path", STRUCTURE_FILES, ids=IDS)
def test_sdmx1_reads(path: Path) -> None:
    import sdmx
    import sdmx.reader.xml.v30  # noqa: F401  - process-wide quirk: import before reading 2.1

    with warnings.catch_warnings():
        # sdmx1 does not implement constraints attached to provision agreements (it logs and skips them).
        warnings.simplefilter("ignore")
        msg = sdmx.read_sdmx(path)
    assert msg is not None


@pytest.mark.parametrize("path", STRUCTURE_FILES, ids=IDS)
def test_pysdmx_reads_with_validation(path: Path) -> None:
    from pysdmx.io import read_sdmx

    msg = read_sdmx(path, validate=True)
    assert msg.structures or msg.data is not None or msg


def test_pysdmx_reads_dsd_with_its_codelists(tmp_path: Path) -> None:
    """A DSD together with the codelists it references in one message (what a client downloads)."""
    from pysdmx.io import read_sdmx

    from registry.formats.sdmxml21.structure_writer import StructureWriter21
    from registry.formats.structure_base import MessageHeader, WriteItem
    from tools.idac_content.build import artefact_files
    from tools.idac_content.generate import PREPARED

    files = artefact_files()
    arts = [*files["dsd/IDAC-DSD_IDAC_CORE-1.0.xml"], *files["dsd/IDAC-CS_IDAC-1.0.xml"]]
    arts += [a for rel, v in files.items() if rel.startswith("codelists/") for a in v]
    data = StructureWriter21().write([WriteItem(a) for a in arts], MessageHeader(prepared=PREPARED))
    path = tmp_path / "bundle.xml"
    path.write_bytes(data)
    msg = read_sdmx(path, validate=True)
    dsds = msg.get_data_structure_definitions()
    assert [d.id for d in dsds] == ["DSD_IDAC_CORE"]
    comps = {c.id: c for c in dsds[0].components}
    assert comps["REF_AREA"].local_codes is not None
    assert len(comps["REF_AREA"].local_codes) == 260


def _of(artefacts: dict, cls: str) -> list:
    return [a for (c, *_), a in artefacts.items() if c == cls]


def test_codelist_sizes(artefacts: dict) -> None:
    area = artefacts[("Codelist", "IDAC", "CL_AREA", "1.0")]
    ids = [c.id for c in area.items]
    iso = [i for i in ids if len(i) == 3 and i.isupper() and i != "XKX"]
    assert len(iso) == 249  # every ISO 3166-1 alpha-3 code
    assert {"WORLD", "UNSDG_AMERICAS", "UNSDG_LAC", "UNSDG_CENTRALAMR", "UNSDG_SOUTHAMR", "UNSDG_CARIBBEAN",
            "UNSDG_NORTHERNAMR", "IDAC_LA6", "XKX"} <= set(ids)
    for code in area.items:
        langs = set(code.names)
        assert {"en", "es"} <= langs, code.id
        if len(code.id) == 3:
            types = {a.type for a in code.annotations}
            assert "ISO2" in types, code.id
            assert "M49" in types or code.id == "XKX", code.id
    ind = artefacts[("Codelist", "IDAC", "CL_IDAC_INDICATOR", "1.0")]
    leaf = [c for c in ind.items if c.parent]
    assert len(leaf) == 35
    for c in leaf:
        types = {a.type for a in c.annotations}
        assert {"UNIT", "STOCK_FLOW", "GUIDELINE_REF"} <= types, c.id
        assert {"en", "es"} <= set(c.names) and {"en", "es"} <= set(c.descriptions), c.id
    for (cls, _agency, _id, _v), a in artefacts.items():
        if cls == "Codelist":
            assert {"en", "es"} <= set(a.names), a.urn
            for c in a.items:
                assert {"en", "es"} <= set(c.names), (a.id, c.id)


def test_age_codes_carry_bounds(artefacts: dict) -> None:
    age = artefacts[("Codelist", "IDAC", "CL_AGE_IDAC", "1.0")]
    for c in age.items:
        ann = {a.type: (a.text.get("en") or a.title) for a in c.annotations}
        if c.id.startswith("Y"):
            assert "AGE_LOWER" in ann, c.id
            if c.id != "Y_GE18":
                lo, hi = int(ann["AGE_LOWER"]), int(ann["AGE_UPPER"])
                assert c.id == f"Y{lo}T{hi}"
        if ann.get("AGE_ROLE") == "BRIDGING":
            assert "AGE_SPAN" in ann, c.id


def test_each_dataflow_has_constraints(artefacts: dict) -> None:
    flows = {a.id for a in _of(artefacts, "Dataflow")}
    assert flows == {"DF_IDAC_CORE", "DF_IDAC_THEMATIC", "DF_IDAC_REGIONAL"}
    attached: Counter[str] = Counter()
    for c in _of(artefacts, "ContentConstraint"):
        assert c.role == "Allowed"
        for ref in c.attachment:
            if ref.type.class_name == "Dataflow":
                attached[ref.id] += 1
    for df in flows:
        assert attached[df] >= 2, df  # content subset + per-indicator cube regions


def test_each_workshop_country_has_four_providers_and_agreements(artefacts: dict) -> None:
    scheme: DataProviderScheme = artefacts[("DataProviderScheme", "IDAC", "DATA_PROVIDERS", "1.0")]
    per_country: Counter[str] = Counter(p.id.split("_", 1)[0] for p in scheme.items)
    assert {c: per_country[c] for c in COUNTRIES} == {c: 4 for c in COUNTRIES}
    roles = {(p.id.split("_", 1)[0], next(a.text["en"] for a in p.annotations if a.type == "ROLE"))
             for p in scheme.items}
    assert len(roles) == 24  # NSO, MIG, EDU, CPA in each country
    pas = _of(artefacts, "ProvisionAgreement")
    providers_with_pa = {pa.provider.item for pa in pas}
    assert providers_with_pa == {p.id for p in scheme.items}
    pa_constraints = {ref.id for c in _of(artefacts, "ContentConstraint") for ref in c.attachment
                      if ref.type.class_name == "ProvisionAgreement"}
    assert pa_constraints == {pa.id for pa in pas}
    for c in _of(artefacts, "ContentConstraint"):
        if c.attachment and c.attachment[0].type.class_name == "ProvisionAgreement":
            country = c.attachment[0].id.split("_")[1]
            assert c.cube_regions[0].components["REF_AREA"].values == [country]


def test_hierarchies_resolve_to_existing_codes(artefacts: dict) -> None:
    hcls: list[HierarchicalCodelist] = _of(artefacts, "HierarchicalCodelist")
    assert {h.id for h in hcls} == {"HCL_M49", "HCL_AREA_GROUPS", "HCL_AGE", "HCL_ACCOMPANIMENT"}
    for h in hcls:
        for hier in h.hierarchies:
            for node, _parent in hier.walk():
                ref = node.code
                cl: Codelist = artefacts[("Codelist", ref.agency, ref.id, ref.version)]
                assert ref.item in {c.id for c in cl.items}, (h.id, hier.id, ref)


def _children(h: HierarchicalCodelist, hier_id: str, code: str) -> list[str]:
    hier = next(x for x in h.hierarchies if x.id == hier_id)
    for node, _ in hier.walk():
        if node.code.item == code:
            return [c.code.item for c in node.children]
    raise KeyError(code)


def test_m49_membership(artefacts: dict) -> None:
    h = artefacts[("HierarchicalCodelist", "IDAC", "HCL_M49", "1.0")]
    assert sorted(_children(h, "M49", "UNSDG_CENTRALAMR")) == ["BLZ", "CRI", "GTM", "HND", "MEX", "NIC", "PAN", "SLV"]
    assert len(_children(h, "M49", "UNSDG_SOUTHAMR")) == 16
    assert len(_children(h, "M49", "UNSDG_CARIBBEAN")) == 28 and "BES" in _children(h, "M49", "UNSDG_CARIBBEAN")
    assert _children(h, "M49", "UNSDG_LAC") == ["UNSDG_CENTRALAMR", "UNSDG_SOUTHAMR", "UNSDG_CARIBBEAN"]
    assert sorted(_children(h, "M49", "UNSDG_NORTHERNAMR")) == ["BMU", "CAN", "GRL", "SPM", "USA"]
    g = artefacts[("HierarchicalCodelist", "IDAC", "HCL_AREA_GROUPS", "1.0")]
    assert len(_children(g, "UNICEF_REP", "UNICEF_LAC")) == 37
    lacro = _children(g, "UNICEF_PROG", "UNICEF_LACRO")
    assert len(lacro) == 36 and "BHS" not in lacro
    assert _children(g, "IDAC_LA6", "IDAC_LA6") == ["CHL", "COL", "SLV", "HND", "MEX", "PAN"]


def test_age_partitions(artefacts: dict) -> None:
    h = artefacts[("HierarchicalCodelist", "IDAC", "HCL_AGE", "1.0")]
    age = {c.id: c for c in artefacts[("Codelist", "IDAC", "CL_AGE_IDAC", "1.0")].items}

    def bounds(code: str) -> tuple[int, int]:
        ann = {a.type: a.text["en"] for a in age[code].annotations}
        return int(ann["AGE_LOWER"]), int(ann["AGE_UPPER"])

    for hier in h.hierarchies:
        for node, _ in hier.walk():
            if node.children:  # children tile the parent's age range exactly
                lo, hi = bounds(node.code.item)
                spans = sorted(bounds(c.code.item) for c in node.children)
                assert spans[0][0] == lo and spans[-1][1] == hi
                assert all(a[1] + 1 == b[0] for a, b in zip(spans, spans[1:], strict=False)), hier.id


def test_constraint_values_exist_in_codelists(artefacts: dict) -> None:
    dsds = {a.id: a for a in _of(artefacts, "DataStructure")}
    flows = {a.id: a for a in _of(artefacts, "Dataflow")}
    pas = {a.id: a for a in _of(artefacts, "ProvisionAgreement")}
    for c in _of(artefacts, "ContentConstraint"):
        ref = c.attachment[0]
        flow = flows[ref.id] if ref.type.class_name == "Dataflow" else flows[pas[ref.id].dataflow.id]
        dsd = dsds[flow.structure.id]
        for region in c.cube_regions:
            for comp_id, vals in region.components.items():
                comp = dsd.component(comp_id)
                assert comp is not None, (c.id, comp_id)
                enum = comp.local_representation.enumeration
                codes = {x.id for x in artefacts[("Codelist", enum.agency, enum.id, enum.version)].items}
                assert set(vals.values) <= codes, (c.id, comp_id, set(vals.values) - codes)


def test_builder_is_deterministic() -> None:
    assert render_all() == render_all()


def test_committed_files_match_builder() -> None:
    assert builder_main(["--check"]) == 0


def test_check_fails_when_a_file_differs(tmp_path: Path) -> None:
    for d in ("codelists", "dsd", "examples"):
        shutil.copytree(ROOT / d, tmp_path / d)
    assert builder_main(["--check", "--root", str(tmp_path)]) == 0
    p = tmp_path / "codelists" / "SDMX-CL_SEX-2.1.xml"
    p.write_bytes(p.read_bytes().replace(b">Female<", b">Femme<"))
    assert builder_main(["--check", "--root", str(tmp_path)]) == 1
    p.unlink()
    assert builder_main(["--check", "--root", str(tmp_path)]) == 1
