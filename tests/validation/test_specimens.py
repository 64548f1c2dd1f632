"""End to end over real files: SDMX-ML 2.1 readers feeding the validator."""

from __future__ import annotations

from pathlib import Path

from registry.formats.base import ResolvedStructure
from registry.formats.sdmxml21.ss_reader import StructureSpecificReader21
from registry.formats.sdmxml21.structure_reader import StructureReader21
from registry.sdmx.model import Codelist, ContentConstraint, DataStructure
from registry.sdmx.refs import Ref
from registry.validation import Validator


def _structure(path: Path) -> tuple[ResolvedStructure, dict[Ref, Codelist]]:
    msg = StructureReader21().read(path.read_bytes())
    dsd = next(a for a in msg.artefacts if isinstance(a, DataStructure))
    constraints = [a for a in msg.artefacts if isinstance(a, ContentConstraint)]
    codelists = {a.ref: a for a in msg.artefacts if isinstance(a, Codelist)}
    return ResolvedStructure(dsd, constraints=constraints), codelists


def test_edge_ds1_invalid_constraint(specimens: Path) -> None:
    st, codelists = _structure(specimens / "EDGE" / "DS1-structure-with-constraints.xml")
    reader = StructureSpecificReader21()
    data = specimens / "EDGE" / "DS1-invalid-constraint.xml"
    v = Validator(st, codelists)
    with data.open("rb") as fh:
        report = v.validate(reader.read(fh, lambda ref: st))
    assert report.observations == 4
    assert not report.valid
    # TEST_VALUE_3 is in CL_TEST_2 (no VAL-301) but outside the cube region and the key set.
    assert "VAL-301" not in report.rules
    assert report.rules.get("VAL-401") == 1
    assert report.rules.get("VAL-403") == 1
    f = next(f for f in report.findings if f.code == "VAL-401")
    assert f.component == "TEST_2"
    assert f.value == "TEST_VALUE_3"
    assert f.line is not None
    assert f.row == 1
    # Second pass: the rejected row is the first observation.
    with data.open("rb") as fh:
        text = report.rejected_csv(reader.read(fh, lambda ref: st))
    lines = text.splitlines()
    assert len(lines) == 2
    assert "TEST_VALUE_3" in lines[1]
