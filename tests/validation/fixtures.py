"""A small IDAC-like structure built by hand, and builders of data chunks for the validation tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.formats.base import DataChunk, DataSetInfo, Obs, ResolvedStructure, Series
from registry.sdmx.model import (
    AttributeRelationship,
    Code,
    Codelist,
    ComponentValues,
    ContentConstraint,
    CubeRegion,
    DataAttribute,
    Dataflow,
    DataKey,
    DataKeySet,
    DataStructure,
    Dimension,
    Measure,
    ProvisionAgreement,
    Representation,
    TextFormat,
)
from registry.sdmx.refs import ArtefactType, Ref
from registry.validation import ValidationOptions, Validator, load_rules
from registry.validation.rules import RuleSet

RULES_FILE = Path(__file__).resolve().parents[2] / "dsd" / "idac-rules.toml"

CODES = {
    "CL_FREQ": ["A", "S", "Q", "M", "W", "D"],
    "CL_AREA": ["PAN", "COL", "MEX", "CHL", "XKX"],
    "CL_IDAC_INDICATOR": [
        "IDAC_STK_INTL_MIG",
        "IDAC_STK_REF",
        "IDAC_FLW_ASY_APP",
        "IDAC_E_ENROL_PCT",
        "IDAC_P_RATE",
    ],
    "CL_SEX": ["F", "M", "_T", "_U", "_Z"],
    "CL_AGE_IDAC": [
        "_T",
        "Y0T17",
        "Y0T4",
        "Y5T9",
        "Y10T14",
        "Y15T17",
        "Y5T11",
        "Y12T17",
        "Y0T13",
        "Y14T17",
        "Y14T15",
        "Y16T17",
        "Y_GE18",
        "_U",
    ],
    "CL_ACCOMPANIMENT": ["_T", "ACC", "UASC", "UNACC", "SEP", "_U", "_Z"],
    "CL_OBS_STATUS": ["A", "E", "M", "O", "L", "Q", "P", "U"],
    "CL_CONF_STATUS": ["F", "C", "D", "N", "S", "A", "E"],
    "CL_UNIT_MEASURE": ["PS", "NUMBER", "MOV", "PCNT", "PER1000", "PER100000", "RATIO"],
    "CL_SOURCE_TYPE": [
        "CENSUS",
        "CENSUS_SAMPLE",
        "HH_SURVEY",
        "POP_REGISTER",
        "ADMIN_BORDER",
        "ESTIMATE",
    ],
}
AGENCY = {"CL_FREQ": "SDMX", "CL_SEX": "SDMX", "CL_OBS_STATUS": "SDMX", "CL_CONF_STATUS": "SDMX"}
KEY = ("FREQ", "REF_AREA", "INDICATOR", "SEX", "AGE", "ACCOMPANIMENT")
DIM_CL = dict(
    zip(
        KEY,
        ("CL_FREQ", "CL_AREA", "CL_IDAC_INDICATOR", "CL_SEX", "CL_AGE_IDAC", "CL_ACCOMPANIMENT"),
        strict=True,
    )
)


def cl_ref(cl: str) -> Ref:
    """The reference of a fixture codelist."""
    return Ref(ArtefactType.CODELIST, AGENCY.get(cl, "IDAC"), cl, "1.0")


def codelists() -> dict[Ref, Codelist]:
    """The fixture codelists."""
    return {
        cl_ref(cl): Codelist(agency=AGENCY.get(cl, "IDAC"), id=cl, items=[Code(c) for c in codes])
        for cl, codes in CODES.items()
    }


def _enum(cl: str) -> Representation:
    return Representation(enumeration=cl_ref(cl))


def _text(**facets: Any) -> Representation:
    return Representation(text_format=TextFormat(**facets))


def dsd() -> DataStructure:
    """DSD_IDAC_TEST: 6 key dimensions, TIME_PERIOD, OBS_VALUE and IDAC attributes."""
    dims = [
        Dimension(d, local_representation=_enum(DIM_CL[d]), position=i + 1)
        for i, d in enumerate(KEY)
    ]
    dims.append(
        Dimension(
            "TIME_PERIOD",
            position=len(KEY) + 1,
            kind="time",
            local_representation=_text(text_type="ObservationalTimePeriod"),
        )
    )
    obs_level = AttributeRelationship(kind="observation")
    series_level = AttributeRelationship(kind="dimensions", dimensions=list(KEY))
    attrs = [
        DataAttribute(
            "OBS_STATUS",
            local_representation=_enum("CL_OBS_STATUS"),
            mandatory=True,
            relationship=obs_level,
        ),
        DataAttribute(
            "CONF_STATUS",
            local_representation=_enum("CL_CONF_STATUS"),
            mandatory=True,
            relationship=obs_level,
        ),
        DataAttribute(
            "UNIT_MEASURE",
            local_representation=_enum("CL_UNIT_MEASURE"),
            mandatory=True,
            relationship=series_level,
        ),
        DataAttribute(
            "SOURCE_TYPE",
            local_representation=_enum("CL_SOURCE_TYPE"),
            mandatory=True,
            relationship=series_level,
        ),
        DataAttribute(
            "UNIT_MULT",
            local_representation=_text(text_type="Integer", min_value="0", max_value="12"),
            relationship=series_level,
        ),
        DataAttribute(
            "TIME_DETAIL",
            local_representation=_text(text_type="String", pattern=r"\d{4}-\d{2}-\d{2}"),
            relationship=obs_level,
        ),
        DataAttribute(
            "COMMENT_OBS",
            local_representation=_text(text_type="String", max_length=40),
            relationship=obs_level,
        ),
        DataAttribute(
            "NUMER_VALUE",
            local_representation=_text(text_type="Decimal", decimals=2),
            relationship=obs_level,
        ),
        DataAttribute(
            "DENOM_VALUE", local_representation=_text(text_type="Double"), relationship=obs_level
        ),
        DataAttribute(
            "UNWGTD_SAMPLE", local_representation=_text(text_type="Integer"), relationship=obs_level
        ),
        DataAttribute(
            "EMBARGO_TIME", local_representation=_text(text_type="DateTime"), mandatory=False
        ),
        DataAttribute("REPORTING_NOTE", mandatory=True),  # data set level, mandatory
    ]
    measures = [Measure("OBS_VALUE", local_representation=_text(text_type="Double"))]
    return DataStructure(
        agency="IDAC",
        id="DSD_IDAC_TEST",
        version="1.0",
        dimensions=dims,
        attributes=attrs,
        measures=measures,
    )


def _region(include: bool = True, **comps: Any) -> CubeRegion:
    out = {}
    for cid, spec in comps.items():
        if isinstance(spec, ComponentValues):
            out[cid] = spec
        else:
            out[cid] = ComponentValues(values=list(spec))
    return CubeRegion(include=include, components=out)


def constraints() -> list[ContentConstraint]:
    """Dataflow, per-indicator and provision-agreement constraints."""
    df_ref = Ref(ArtefactType.DATAFLOW, "IDAC", "DF_IDAC_TEST", "1.0")
    pa_ref = Ref(ArtefactType.PROVISION_AGREEMENT, "IDAC", "PA_PAN_INE_TEST", "1.0")
    flow = ContentConstraint(
        agency="IDAC",
        id="CC_DF_IDAC_TEST",
        attachment=[df_ref],
        cube_regions=[
            _region(
                FREQ=["A", "Q", "M"],
                SEX=["F", "M", "_T", "_U"],
                TIME_PERIOD=ComponentValues(start_period="2000", end_period="2030-12-31"),
                CONF_STATUS=ComponentValues(values=["F", "C", "A", "D"], is_attribute=True),
            ),
            _region(include=False, REF_AREA=["XKX"]),
        ],
    )
    per_indicator = ContentConstraint(
        agency="IDAC",
        id="CC_IDAC_INDICATORS",
        attachment=[df_ref],
        cube_regions=[
            _region(INDICATOR=["IDAC_STK_INTL_MIG"], ACCOMPANIMENT=["_T"]),
            _region(
                INDICATOR=["IDAC_STK_REF", "IDAC_FLW_ASY_APP"],
                ACCOMPANIMENT=["_T", "ACC", "UASC", "UNACC", "SEP", "_U"],
            ),
            _region(INDICATOR=["IDAC_E_ENROL_PCT", "IDAC_P_RATE"], ACCOMPANIMENT=["_T"]),
        ],
    )
    provider = ContentConstraint(
        agency="IDAC",
        id="CC_PA_PAN",
        attachment=[pa_ref],
        key_sets=[
            DataKeySet(
                include=True,
                keys=[
                    DataKey({"REF_AREA": "PAN"}),
                    DataKey({"REF_AREA": "COL"}),
                    DataKey({"REF_AREA": "XKX"}),
                ],
            ),
            DataKeySet(
                include=False, keys=[DataKey({"REF_AREA": "COL", "INDICATOR": "IDAC_P_RATE"})]
            ),
        ],
    )
    actual = ContentConstraint(
        agency="IDAC", id="CC_ACTUAL", role="Actual", cube_regions=[_region(REF_AREA=["CHL"])]
    )
    return [flow, per_indicator, provider, actual]


def structure(with_constraints: bool = True) -> ResolvedStructure:
    """The resolved structure: DSD, dataflow, provision agreement and constraints."""
    d = dsd()
    flow = Dataflow(agency="IDAC", id="DF_IDAC_TEST", version="1.0", structure=d.ref)
    pa = ProvisionAgreement(agency="IDAC", id="PA_PAN_INE_TEST", version="1.0", dataflow=flow.ref)
    return ResolvedStructure(d, flow, pa, constraints() if with_constraints else [])


def rules() -> RuleSet:
    """The IDAC rules file of the repository."""
    return load_rules(RULES_FILE)


def validator(with_rules: bool = True, with_constraints: bool = True, **options: Any) -> Validator:
    """A validator over the fixture structure."""
    return Validator(
        structure(with_constraints),
        codelists(),
        rules() if with_rules else None,
        ValidationOptions(**options),
    )


# --- data builders -----------------------------------------------------------------------------------

GOOD_KEY = {
    "FREQ": "A",
    "REF_AREA": "PAN",
    "INDICATOR": "IDAC_STK_REF",
    "SEX": "_T",
    "AGE": "Y0T17",
    "ACCOMPANIMENT": "_T",
}
GOOD_SERIES_ATTRS = {"UNIT_MEASURE": "PS", "SOURCE_TYPE": "ADMIN_BORDER"}
GOOD_OBS_ATTRS = {"OBS_STATUS": "A", "CONF_STATUS": "F", "TIME_DETAIL": "2024-06-30"}


def dataset(index: int = 0, action: str = "Replace", **attrs: str) -> DataSetInfo:
    """A data set info with the mandatory data set attribute."""
    return DataSetInfo(
        structure_ref=Ref(ArtefactType.DATAFLOW, "IDAC", "DF_IDAC_TEST", "1.0"),
        action=action,
        attrs={"REPORTING_NOTE": "test", **attrs},
        index=index,
    )


def series(index: int = 0, attrs: dict[str, str] | None = None, **key: str) -> Series:
    """A series: the good key with ``key`` overrides (a value of None removes the dimension)."""
    k = {**GOOD_KEY, **key}
    return Series(
        key={d: v for d, v in k.items() if v is not None},
        attrs=dict(GOOD_SERIES_ATTRS if attrs is None else attrs),
        index=index,
    )


def obs(
    s: Series,
    period: str = "2024",
    value: str | None = "100",
    line: int | None = None,
    dims: dict[str, str] | None = None,
    **attrs: str | None,
) -> Obs:
    """An observation of ``s`` with the good attributes and ``attrs`` overrides (None removes)."""
    a = {**GOOD_OBS_ATTRS, **attrs}
    d = {"TIME_PERIOD": period} if period is not None else {}
    return Obs(
        series=s,
        dims={**d, **(dims or {})},
        value=value,
        attrs={k: v for k, v in a.items() if v is not None},
        line=line,
    )


def chunks(*observations: Obs, ds: DataSetInfo | None = None, batch: int = 5000) -> list[DataChunk]:
    """The observations as chunks of one data set."""
    ds = ds or dataset()
    obs_list = list(observations)
    if not obs_list:
        return [DataChunk(ds, [])]
    return [DataChunk(ds, obs_list[i : i + batch]) for i in range(0, len(obs_list), batch)]


def good_obs(n_series: int = 3, periods: tuple[str, ...] = ("2022", "2023", "2024")) -> list[Obs]:
    """A valid data set: totals and their sex breakdown for refugee children."""
    out = []
    for i, (sex, value) in enumerate((("_T", "100"), ("F", "60"), ("M", "40"))[:n_series]):
        s = series(index=i, SEX=sex)
        for p in periods:
            out.append(obs(s, p, value))
    return out


EXTRA_DIMS = {
    "DISPL_CAUSE": ["_T", "CONFLICT", "DISASTER", "OTHER", "_U", "_Z"],
    "URBANISATION": ["_T", "U", "R", "CAMP", "_U", "_Z"],
    "MIGRATORY_STATUS": ["_T", "MIG_INTL", "REF", "ASY", "IDP", "RET", "STA", "NONMIG", "_U", "_Z"],
}


def extended_validator() -> Validator:
    """The fixture DSD plus DISPL_CAUSE, URBANISATION and MIGRATORY_STATUS, without constraints."""
    st = structure(with_constraints=False)
    cls = codelists()
    time_dim = st.dsd.dimensions.pop()
    for dim, codes in EXTRA_DIMS.items():
        ref = Ref(ArtefactType.CODELIST, "IDAC", f"CL_{dim}", "1.0")
        cls[ref] = Codelist(agency="IDAC", id=f"CL_{dim}", items=[Code(c) for c in codes])
        st.dsd.dimensions.append(
            Dimension(
                dim,
                local_representation=Representation(enumeration=ref),
                position=len(st.dsd.dimensions) + 1,
            )
        )
    time_dim.position = len(st.dsd.dimensions) + 1
    st.dsd.dimensions.append(time_dim)
    return Validator(st, cls, rules())


def run(*observations: Obs, v: Validator | None = None, **kw: Any) -> Any:
    """Validate observations with the fixture validator and return the report."""
    v = v or validator()
    return v.validate(chunks(*observations, **kw))


def codes_of(report: Any) -> set[str]:
    """The rule codes a report counted."""
    return set(report.rules)
