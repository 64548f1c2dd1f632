"""Map rules without a database: band splitting refused, sums, rates, validity, regex, 2.1 maps, spill."""

from __future__ import annotations

import pytest

from registry.formats.base import DataChunk, DataSetInfo, Obs, ResolvedStructure, Series
from registry.harmonisation.apply import Harmoniser, RateNotSummable
from registry.harmonisation.bands import BandRefused
from registry.harmonisation.maps import compile_structure_map, compile_structure_set
from registry.sdmx.model import (
    Annotation,
    Code,
    Codelist,
    CodelistMap,
    ComponentMap,
    DataAttribute,
    DataStructure,
    Dimension,
    FixedValueMap,
    Measure,
    Representation,
    RepresentationMap,
    StructureMap,
    StructureSet,
    ValueMapping,
)
from registry.sdmx.model import AttributeRelationship as Rel
from registry.sdmx.refs import ArtefactType, Ref

AGE_CL = Codelist(
    "IDAC",
    "CL_AGE_IDAC",
    "1.0",
    items=[
        Code(
            c,
            annotations=[
                Annotation(type="AGE_LOWER", text={"en": str(lo)}),
                Annotation(type="AGE_UPPER", text={"en": str(hi)}),
            ],
        )
        for c, lo, hi in [
            ("Y0T17", 0, 17),
            ("Y0T4", 0, 4),
            ("Y5T9", 5, 9),
            ("Y10T14", 10, 14),
            ("Y15T17", 15, 17),
            ("Y5T11", 5, 11),
            ("Y12T17", 12, 17),
        ]
    ]
    + [Code("_T"), Code("_U")],
)
NAT_AGE = Ref(ArtefactType.CODELIST, "NAT", "CL_EDAD", "1.0")
SEX_CL = Ref(ArtefactType.CODELIST, "SDMX", "CL_SEX", "2.1")


def target_dsd() -> DataStructure:
    obs, ser = Rel(kind="observation"), Rel(kind="dimensions", dimensions=["AREA", "SEX", "AGE"])
    return DataStructure(
        "IDAC",
        "DSD_T",
        "1.0",
        dimensions=[
            Dimension("AREA", position=1),
            Dimension("SEX", position=2, local_representation=Representation(SEX_CL)),
            Dimension("AGE", position=3, local_representation=Representation(AGE_CL.ref)),
            Dimension("TIME_PERIOD", position=4, kind="time"),
        ],
        attributes=[
            DataAttribute("OBS_STATUS", relationship=obs),
            DataAttribute("CONF_STATUS", relationship=obs),
            DataAttribute("NUMER_VALUE", relationship=obs),
            DataAttribute("DENOM_VALUE", relationship=obs),
            DataAttribute("UNIT_MEASURE", relationship=ser),
        ],
        measures=[Measure("OBS_VALUE")],
    )


CODELISTS = {AGE_CL.ref: AGE_CL}


def age_map(
    pairs: list[tuple[str, str, str | None, str | None]],
    regex: bool = False,
    unit: str | None = "PS",
) -> tuple[StructureMap, dict]:
    rm = RepresentationMap(
        "NAT",
        "RM_EDAD",
        "1.0",
        sources=[NAT_AGE],
        targets=[AGE_CL.ref],
        mappings=[ValueMapping([s], [t], [regex], vf, vt) for s, t, vf, vt in pairs],
    )
    sex = RepresentationMap(
        "NAT",
        "RM_SEXO",
        "1.0",
        sources=[None],
        source_types=["String"],
        targets=[SEX_CL],
        mappings=[
            ValueMapping(["(?i)h(ombre)?"], ["M"], [True]),
            ValueMapping(["(?i)m(ujer)?"], ["F"], [True]),
            ValueMapping(["T"], ["_T"], [False]),
        ],
    )
    sm = StructureMap(
        "NAT",
        "SM",
        "1.0",
        component_maps=[
            ComponentMap(["EDAD"], ["AGE"], rm.ref),
            ComponentMap(["SEXO"], ["SEX"], sex.ref),
            ComponentMap(["PAIS"], ["AREA"]),
        ],
        fixed_values=[FixedValueMap("UNIT_MEASURE", unit)] if unit else [],
    )
    return sm, {rm.ref: rm, sex.ref: sex}


def chunks(
    rows: list[tuple[str, str, str, str, str | None, dict[str, str]]], unit: str | None = None
) -> list[DataChunk]:
    ds = DataSetInfo(None)
    out = DataChunk(ds)
    for pais, sexo, edad, period, value, attrs in rows:
        s = Series(
            {"PAIS": pais, "SEXO": sexo, "EDAD": edad}, {"UNIT_MEASURE": unit} if unit else {}
        )
        out.observations.append(Obs(s, {"TIME_PERIOD": period}, value, attrs))
    return [out]


def run(sm: StructureMap, rms: dict, rows: list, unit: str | None = None, **kw: object) -> dict:
    dsd = target_dsd()
    h = Harmoniser(compile_structure_map(sm, rms, dsd, CODELISTS), ResolvedStructure(dsd), **kw)  # type: ignore[arg-type]
    return {
        (o.series.key["AREA"], o.series.key["SEX"], o.series.key["AGE"], o.dims["TIME_PERIOD"]): o
        for c in h.apply(chunks(rows, unit))
        for o in c.observations
    }


def test_band_splitting_is_refused_with_a_clear_message() -> None:
    sm, rms = age_map([("12-17", "Y15T17", None, None)])
    with pytest.raises(BandRefused) as info:
        compile_structure_map(sm, rms, target_dsd(), CODELISTS)
    msg = info.value.message
    assert "'12-17' (12–17) does not fit in Y15T17 (15–17)" in msg
    assert "split it across Y10T14 (10–14), Y15T17 (15–17)" in msg
    assert "Y12T17" in msg  # the bridging code that covers it


def test_band_without_any_covering_code_is_refused() -> None:
    sm, rms = age_map([("3-7", "Y5T9", None, None)])
    with pytest.raises(BandRefused, match="No IDAC age code contains it"):
        compile_structure_map(
            sm,
            rms,
            target_dsd(),
            {
                AGE_CL.ref: Codelist(
                    "IDAC",
                    "CL_AGE_IDAC",
                    "1.0",
                    items=[c for c in AGE_CL.items if c.id in ("Y0T4", "Y5T9")],
                )
            },
        )


def test_bridging_code_accepts_the_band() -> None:
    sm, rms = age_map([("12-17", "Y12T17", None, None)])
    out = run(sm, rms, [("PA", "T", "12-17", "2024", "50", {})])
    assert out[("PA", "_T", "Y12T17", "2024")].value == "50"


def test_gaps_and_overlaps_are_refused() -> None:
    sm, rms = age_map([("0-2", "Y0T4", None, None)])
    with pytest.raises(BandRefused, match="leave ages 3–4 uncovered"):
        compile_structure_map(sm, rms, target_dsd(), CODELISTS)
    sm, rms = age_map([("0-2", "Y0T4", None, None), ("2-4", "Y0T4", None, None)])
    with pytest.raises(BandRefused, match="twice"):
        compile_structure_map(sm, rms, target_dsd(), CODELISTS)


def test_many_to_one_counts_are_summed_with_flags_and_both_keys() -> None:
    sm, rms = age_map(
        [("0-2", "Y0T4", None, None), ("3-4", "Y0T4", None, None), ("5-9", "Y5T9", None, None)]
    )
    out = run(
        sm,
        rms,
        [
            ("PA", "h", "0-2", "2024", "40", {"OBS_STATUS": "A", "CONF_STATUS": "F"}),
            ("PA", "Hombre", "5-9", "2024", "7", {"OBS_STATUS": "A"}),
            ("PA", "H", "3-4", "2024", "3", {"OBS_STATUS": "E", "CONF_STATUS": "A"}),
        ],
        unit="PS",
    )
    y0t4 = out[("PA", "M", "Y0T4", "2024")]
    assert y0t4.value == "43"
    assert y0t4.attrs["OBS_STATUS"] == "E"  # estimated part -> estimated sum
    assert y0t4.attrs["CONF_STATUS"] == "F"  # a small-count flag is not inherited by the sum
    assert sorted(y0t4.national_keys) == ["PA.H.3-4 2024", "PA.h.0-2 2024"]
    assert out[("PA", "M", "Y5T9", "2024")].value == "7"


def test_validity_dates_choose_the_mapping() -> None:
    sm, rms = age_map(
        [
            ("0-2", "Y0T4", "2020-01-01", None),
            ("3-4", "Y0T4", "2020-01-01", None),
            ("0-4", "Y0T4", None, "2019-12-31"),
        ]
    )
    out = run(
        sm,
        rms,
        [
            ("PA", "T", "0-4", "2019", "9", {}),
            ("PA", "T", "0-2", "2020", "4", {}),
            ("PA", "T", "3-4", "2020", "5", {}),
            ("PA", "T", "0-4", "2021", "1", {}),
        ],
    )
    assert out[("PA", "_T", "Y0T4", "2019")].value == "9"
    assert out[("PA", "_T", "Y0T4", "2020")].value == "9"
    # 0-4 is no longer mapped in 2021: passed through so the validator reports the national code.
    assert out[("PA", "_T", "0-4", "2021")].value == "1"


def test_rates_are_recomputed_never_summed() -> None:
    sm, rms = age_map([("0-2", "Y0T4", None, None), ("3-4", "Y0T4", None, None)], unit=None)
    out = run(
        sm,
        rms,
        [
            ("PA", "T", "0-2", "2024", "50", {"NUMER_VALUE": "10", "DENOM_VALUE": "20"}),
            ("PA", "T", "3-4", "2024", "10", {"NUMER_VALUE": "8", "DENOM_VALUE": "80"}),
        ],
        unit="PCNT",
    )
    o = out[("PA", "_T", "Y0T4", "2024")]
    assert o.value == "18"  # 100 x 18 / 100, not 50 + 10 = 60 nor (50 + 10) / 2 = 30
    assert (o.attrs["NUMER_VALUE"], o.attrs["DENOM_VALUE"]) == ("18", "100")
    with pytest.raises(RateNotSummable, match="rates are never summed"):
        run(
            sm,
            rms,
            [("PA", "T", "0-2", "2024", "50", {}), ("PA", "T", "3-4", "2024", "10", {})],
            unit="PCNT",
        )


def test_incomplete_sums_are_not_emitted() -> None:
    sm, rms = age_map([("0-2", "Y0T4", None, None), ("3-4", "Y0T4", None, None)])
    dsd = target_dsd()
    h = Harmoniser(compile_structure_map(sm, rms, dsd, CODELISTS), ResolvedStructure(dsd))
    out = [
        o for c in h.apply(chunks([("PA", "T", "0-2", "2024", "4", {})])) for o in c.observations
    ]
    assert out == []
    assert h.report.incomplete == 1 and "3-4" in h.report.examples[0]


def test_pending_sums_spill_to_disk_and_come_back() -> None:
    sm, rms = age_map([("0-2", "Y0T4", None, None), ("3-4", "Y0T4", None, None)])
    rows = [("PA", "T", "0-2", str(y), "1", {}) for y in range(1900, 2000)]
    rows += [("PA", "T", "3-4", str(y), "2", {}) for y in range(1900, 2000)]
    dsd = target_dsd()
    h = Harmoniser(
        compile_structure_map(sm, rms, dsd, CODELISTS), ResolvedStructure(dsd), max_pending=10
    )
    out = [o for c in h.apply(chunks(rows)) for o in c.observations]
    assert len(out) == 100 and {o.value for o in out} == {"3"}
    assert h.report.spilled > 0


def test_structure_set_codelist_maps() -> None:
    nat = Ref(ArtefactType.CODELIST, "NAT", "CL_SEXO", "1.0")
    dsd = target_dsd()
    ss = StructureSet(
        "NAT",
        "SS",
        "1.0",
        codelist_maps=[
            CodelistMap("CLM", nat, SEX_CL, code_maps=[("H", "M"), ("M", "F"), ("T", "_T")])
        ],
    )
    compiled = compile_structure_set(ss, dsd, CODELISTS)
    h = Harmoniser(compiled, ResolvedStructure(dsd))
    ds = DataSetInfo(None)
    s = Series({"AREA": "PAN", "SEX": "M", "AGE": "Y0T4"})
    out = [
        o
        for c in h.apply([DataChunk(ds, [Obs(s, {"TIME_PERIOD": "2024"}, "5", {})])])
        for o in c.observations
    ]
    assert out[0].series.key["SEX"] == "F" and out[0].value == "5"
