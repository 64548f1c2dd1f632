"""VAL-1xx: unreadable messages, wrong structure, empty messages, limits; the driver."""

from __future__ import annotations

from collections.abc import Iterator

from registry.errors import MessageSyntaxError
from registry.formats.base import DataChunk
from registry.sdmx.refs import ArtefactType, Ref

from .fixtures import chunks, codes_of, dataset, good_obs, obs, run, series, validator


def test_unreadable_message_val101() -> None:
    def broken() -> Iterator[DataChunk]:
        yield from chunks(*good_obs(1))
        raise MessageSyntaxError("mismatched tag", line=42, column=7)

    report = validator().validate(broken())
    assert report.rules == {"VAL-101": 1}
    f = report.findings[0]
    assert (f.line, f.column) == (42, 7)
    assert "mismatched tag" in f.message_en
    assert report.partial
    assert not report.valid
    assert report.observations == 3


def test_wrong_structure_val102() -> None:
    ds = dataset()
    ds.structure_ref = Ref(ArtefactType.DATAFLOW, "IDAC", "DF_OTHER", "1.0")
    report = run(*good_obs(1), ds=ds)
    assert report.rules.get("VAL-102") == 1
    ds.structure_ref = Ref(ArtefactType.DATA_STRUCTURE, "IDAC", "DSD_IDAC_TEST", "1.0")
    assert "VAL-102" not in codes_of(run(*good_obs(1), ds=ds))


def test_no_observations_val103() -> None:
    report = validator().validate(chunks())
    assert report.rules == {"VAL-103": 1}
    assert report.valid
    assert "VAL-103" not in codes_of(run(*good_obs(1)))


def test_stop_after_errors_val104() -> None:
    s = series(SEX="_Z")
    v = validator(stop_after_errors=5)
    report = v.validate(chunks(*(obs(s, str(1900 + i)) for i in range(100)), batch=10))
    assert report.partial
    assert report.rules.get("VAL-104") == 1
    assert report.observations == 10


def test_max_observations_val104() -> None:
    v = validator(max_observations=4)
    report = v.validate(chunks(*good_obs(3), batch=3))
    assert report.partial
    assert report.observations == 4
    assert report.rules.get("VAL-104") == 1
    assert not validator().validate(chunks(*good_obs(3), batch=3)).partial


def test_progress_callback() -> None:
    seen: list[int] = []
    validator().validate(chunks(*good_obs(3), batch=4), progress=seen.append)
    assert seen == [4, 8, 9]


def test_iter_findings_is_the_source_of_validate() -> None:
    v = validator()
    rows = [obs(series(REF_AREA="PANX"), str(2000 + i)) for i in range(5)]
    findings = list(v.iter_findings(chunks(*rows)))
    report = v.validate(chunks(*rows))
    assert len(findings) == sum(report.rules.values())
    assert not v.is_valid(chunks(*rows))
    assert v.is_valid(chunks(*good_obs()))


def test_counts_all_errors_but_keeps_n_examples() -> None:
    n = 250_000
    from registry.formats.base import Series

    rows = []
    flat_key = {
        "FREQ": "A",
        "REF_AREA": "PAN",
        "INDICATOR": "IDAC_STK_REF",
        "SEX": "_T",
        "ACCOMPANIMENT": "_T",
    }
    flat = Series()
    for i in range(n):
        # every observation has a distinct wrong AGE code: 250k errors, all distinct examples
        rows.append(
            obs(
                flat,
                "2024",
                "1",
                dims={**flat_key, "AGE": f"BAD{i}"},
                UNIT_MEASURE="PS",
                SOURCE_TYPE="CENSUS",
            )
        )
    v = validator(with_rules=False, with_constraints=False)
    report = v.validate(chunks(*rows))
    assert report.rules["VAL-301"] == n
    assert report.errors == n
    assert len([f for f in report.findings if f.code == "VAL-301"]) == 100
    assert report.truncated
    assert len(report.rejected) == n


def test_severity_override() -> None:
    s = series()
    v = validator(severity={"VAL-602": "error"})
    report = v.validate(chunks(obs(s, "2024"), obs(s, "2024")))
    assert not report.valid
    assert report.errors == 1
