# ruff: noqa: E501  (tables of names and descriptions read better unwrapped)
"""Synthetic example submissions (examples/).  ILLUSTRATIVE NUMBERS, NOT OFFICIAL STATISTICS.

All values are invented but internally consistent: F + M = _T, the canonical age bands add up to Y0T17,
UNACC + SEP = UASC, ACC + UASC = _T, and thematic percentages equal 100 * NUMER_VALUE / DENOM_VALUE with
numerators and denominators that add up across sexes and across the birthplace partition of
MIGRATORY_STATUS.  ``core-pan-2024-invalid.csv`` breaks five rules on purpose (see examples/README.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from lxml import etree

from registry.formats.sdmxml21.namespaces import COM, MES, SS, XSI, q

SYNTH_EN = "SYNTHETIC EXAMPLE: illustrative numbers, not official statistics"
SYNTH_ES = "EJEMPLO SINTÉTICO: cifras ilustrativas, no son estadísticas oficiales"
COMMENT_TS = f"{SYNTH_EN} / {SYNTH_ES}"
PREPARED = "2025-12-01T00:00:00Z"

CORE_DIMS = ["FREQ", "REF_AREA", "INDICATOR", "SEX", "AGE", "ACCOMPANIMENT", "ORIGIN_BASIS", "COUNTERPART_AREA",
             "DISPL_CAUSE", "URBANISATION"]
THEM_DIMS = ["FREQ", "REF_AREA", "INDICATOR", "MIGRATORY_STATUS", "SEX", "AGE", "ACCOMPANIMENT", "URBANISATION",
             "EDUCATION_LEV"]
CORE_ATTRS = ["OBS_STATUS", "CONF_STATUS", "UNIT_MEASURE", "UNIT_MULT", "SOURCE_TYPE", "SOURCE_DETAIL",
              "TIME_DETAIL", "COMMENT_TS"]
SERIES_ATTRS = {"UNIT_MEASURE", "UNIT_MULT", "DECIMALS", "SOURCE_TYPE", "COMPILING_ORG", "COMMENT_TS"}
BANDS = ["Y0T4", "Y5T9", "Y10T14", "Y15T17"]

Row = dict[str, str]


def split(n: int, shares: list[float]) -> list[int]:
    """Split integer ``n`` by ``shares`` (largest remainder, ties by position); parts sum to ``n``."""
    raw = [n * s / sum(shares) for s in shares]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: n - sum(parts)]:
        parts[i] += 1
    return parts


def sex_age_block(base: Row, total: int, f_share: float = 0.48,
                  ages: tuple[float, ...] = (0.24, 0.27, 0.28, 0.21)) -> Iterator[Row]:
    """15 rows: SEX in F, M, _T x AGE in Y0T17 and the four canonical bands, all additive."""
    f, m = split(total, [f_share, 1 - f_share])
    by_sex = {"F": split(f, list(ages)), "M": split(m, list(ages))}
    by_sex["_T"] = [a + b for a, b in zip(by_sex["F"], by_sex["M"], strict=True)]
    for sex in ("F", "M", "_T"):
        bands = by_sex[sex]
        yield {**base, "SEX": sex, "AGE": "Y0T17", "OBS_VALUE": str(sum(bands))}
        for band, v in zip(BANDS, bands, strict=True):
            yield {**base, "SEX": sex, "AGE": band, "OBS_VALUE": str(v)}


def _core(area: str, ind: str, basis: str, cp: str, unit: str, src: str, detail: str, period: str = "2024",
          time_detail: str = "", acc: str = "_T", cause: str = "_Z", urb: str = "_T") -> Row:
    return {"FREQ": "A", "REF_AREA": area, "INDICATOR": ind, "ACCOMPANIMENT": acc, "ORIGIN_BASIS": basis,
            "COUNTERPART_AREA": cp, "DISPL_CAUSE": cause, "URBANISATION": urb, "TIME_PERIOD": period,
            "OBS_STATUS": "A", "CONF_STATUS": "F", "UNIT_MEASURE": unit, "UNIT_MULT": "0", "SOURCE_TYPE": src,
            "SOURCE_DETAIL": detail, "TIME_DETAIL": time_detail, "COMMENT_TS": COMMENT_TS}


def pan_rows() -> list[Row]:
    d = "Synthetic example (Servicio Nacional de Migración records, invented values)"
    rows: list[Row] = []
    for cp, n in (("_T", 1850), ("VEN", 1120), ("COL", 410), ("NIC", 180)):
        rows += sex_age_block(_core("PAN", "IDAC_STK_REF", "ORIGIN", cp, "PS", "ADMIN_ASYLUM", d,
                                    time_detail="2024-12-31"), n)
    for cp, n in (("_T", 48200), ("VEN", 12650)):
        rows += sex_age_block(_core("PAN", "IDAC_FLW_ENTRY", "CITIZEN", cp, "MOV", "ADMIN_BORDER", d), n,
                              f_share=0.47)
    rows += sex_age_block(_core("PAN", "IDAC_FLW_ASY_APP", "CITIZEN", "_T", "PS", "ADMIN_ASYLUM", d), 420)
    return rows


def mex_rows() -> list[Row]:
    d = "Synthetic example (Instituto Nacional de Migración records, invented values)"
    rows: list[Row] = []
    for cp, n in (("_T", 9810), ("USA", 9640)):
        rows += sex_age_block(_core("MEX", "IDAC_FLW_RET_MIG", "RET_FROM", cp, "PS", "ADMIN_BORDER", d), n,
                              f_share=0.41, ages=(0.18, 0.16, 0.27, 0.39))
    # Accompaniment for SEX=_T, AGE=Y0T17 (returned from USA): ACC + UASC = _T; UNACC + SEP = UASC.
    acc = {"ACC": 7020, "UNACC": 2110, "SEP": 510}
    acc["UASC"] = acc["UNACC"] + acc["SEP"]
    assert acc["ACC"] + acc["UASC"] == 9640
    for code in ("ACC", "UASC", "UNACC", "SEP"):
        rows.append({**_core("MEX", "IDAC_FLW_RET_MIG", "RET_FROM", "USA", "PS", "ADMIN_BORDER", d, acc=code),
                     "SEX": "_T", "AGE": "Y0T17", "OBS_VALUE": str(acc[code])})
    # A small count, flagged as primary confidential (CONF_STATUS=A) by the sender.
    rows.append({**_core("MEX", "IDAC_FLW_RET_MIG", "RET_FROM", "CAN", "PS", "ADMIN_BORDER", d),
                 "SEX": "_T", "AGE": "Y0T17", "OBS_VALUE": "3", "CONF_STATUS": "A"})
    return rows


def col_core_rows() -> list[Row]:
    d = "Synthetic example (Migración Colombia records, invented values)"
    rows: list[Row] = []
    for cp, n in (("_T", 612000), ("VEN", 598400)):
        rows += sex_age_block(_core("COL", "IDAC_STK_INTL_MIG", "CITIZEN", cp, "PS", "ADMIN_RESIDENCE", d,
                                    time_detail="2024-12-31"), n, f_share=0.49)
    return rows


def col_thematic_rows() -> list[Row]:
    """IDAC_E_ATTEND (%): MIGRATORY_STATUS birthplace partition {MIG_INTL, NAT_FBP1, NAT_NBP} and _T."""
    ages = ["Y5T9", "Y10T14", "Y15T17"]
    # (status, age) -> (weighted population per sex F, M), attendance rate F, M, unweighted cases F, M
    base = {
        "MIG_INTL": ([52000, 50000, 31000], [53500, 51000, 30500], [0.905, 0.842, 0.611], [0.899, 0.826, 0.574],
                     [140, 121, 23], [151, 118, 26]),
        "NAT_FBP1": ([21000, 19500, 11800], [21800, 20100, 12100], [0.951, 0.933, 0.781], [0.948, 0.921, 0.756],
                     [61, 58, 37], [66, 55, 39]),
        "NAT_NBP": ([1790000, 1850000, 1120000], [1860000, 1910000, 1150000], [0.962, 0.951, 0.803],
                    [0.958, 0.944, 0.781], [5120, 5230, 3300], [5290, 5360, 3380]),
    }
    cells: dict[tuple[str, str, str], tuple[int, int, int]] = {}  # (status, sex, age) -> numer, denom, sample
    for st, (df, dm, rf, rm, nf, nm) in base.items():
        for i, age in enumerate(ages):
            cells[(st, "F", age)] = (round(df[i] * rf[i]), df[i], nf[i])
            cells[(st, "M", age)] = (round(dm[i] * rm[i]), dm[i], nm[i])
    for st in base:
        for age in ages:
            f, m = cells[(st, "F", age)], cells[(st, "M", age)]
            cells[(st, "_T", age)] = (f[0] + m[0], f[1] + m[1], f[2] + m[2])
    for sex in ("F", "M", "_T"):
        for age in ages:
            parts = [cells[(st, sex, age)] for st in base]
            cells[("_T", sex, age)] = tuple(sum(p[k] for p in parts) for k in range(3))  # type: ignore[assignment]
    rows = []
    for (st, sex, age), (num, den, n) in sorted(cells.items(), key=lambda kv: (
            ["_T", *base].index(kv[0][0]), ["F", "M", "_T"].index(kv[0][1]), ages.index(kv[0][2]))):
        rows.append({"FREQ": "A", "REF_AREA": "COL", "INDICATOR": "IDAC_E_ATTEND", "MIGRATORY_STATUS": st,
                     "SEX": sex, "AGE": age, "ACCOMPANIMENT": "_T", "URBANISATION": "_T", "EDUCATION_LEV": "_T",
                     "TIME_PERIOD": "2023", "OBS_VALUE": f"{100 * num / den:.1f}", "OBS_STATUS": "A",
                     "CONF_STATUS": "F", "UNIT_MEASURE": "PCNT", "UNIT_MULT": "0", "DECIMALS": "1",
                     "SOURCE_TYPE": "HH_SURVEY",
                     "SOURCE_DETAIL": "Synthetic example modelled on a national household survey (invented values)",
                     "UNWGTD_SAMPLE": str(n), "NUMER_VALUE": str(num), "DENOM_VALUE": str(den),
                     "COMMENT_TS": COMMENT_TS})
    return rows


def invalid_pan_rows() -> list[Row]:
    """Valid Panama rows with five deliberate errors (one row each)."""
    rows = [dict(r) for r in pan_rows() if r["INDICATOR"] == "IDAC_STK_REF" and r["COUNTERPART_AREA"] in ("_T", "VEN")]

    def find(**kv: str) -> Row:
        return next(r for r in rows if all(r[k] == v for k, v in kv.items()))

    # 1. a code not in the codelist (VNZ is not an ISO 3166-1 alpha-3 code; Venezuela is VEN)
    find(COUNTERPART_AREA="VEN", SEX="F", AGE="Y0T4")["COUNTERPART_AREA"] = "VNZ"
    # 2. a negative count
    find(COUNTERPART_AREA="VEN", SEX="M", AGE="Y5T9")["OBS_VALUE"] = "-12"
    # 3. F + M != _T
    r = find(COUNTERPART_AREA="_T", SEX="_T", AGE="Y10T14")
    r["OBS_VALUE"] = str(int(r["OBS_VALUE"]) + 25)
    # 4. an education indicator reported by the migration authority in the core dataflow
    rows.append({**_core("PAN", "IDAC_E_ENROL", "_Z", "_Z", "PS", "ADMIN_EDUCATION",
                         "Synthetic example (invented value)"), "SEX": "_T", "AGE": "Y0T17", "OBS_VALUE": "5400"})
    # 5. a stock without TIME_DETAIL (reference date)
    find(COUNTERPART_AREA="_T", SEX="F", AGE="Y15T17")["TIME_DETAIL"] = ""
    return rows


# --- writers -----------------------------------------------------------------------------------------


def sdmx_csv20(rows: list[Row], dims: list[str], attrs: list[str], flow: str) -> bytes:
    """SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, dimensions, TIME_PERIOD, OBS_VALUE, attributes."""
    buf = io.StringIO()
    cols = ["STRUCTURE", "STRUCTURE_ID", "ACTION", *dims, "TIME_PERIOD", "OBS_VALUE", *attrs]
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({"STRUCTURE": "dataflow", "STRUCTURE_ID": f"IDAC:{flow}(1.0)", "ACTION": "I", **r})
    return buf.getvalue().encode("utf-8")


def ss_xml(rows: list[Row], dims: list[str], flow: str, provider: str, msg_id: str) -> bytes:
    """SDMX-ML 2.1 StructureSpecificData, one Series per key, series attributes on Series."""
    ns = f"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=IDAC:{flow}(1.0):ObsLevelDim:TIME_PERIOD"
    sid = f"IDAC_{flow}_1_0"
    root = etree.Element(q(MES, "StructureSpecificData"),
                         nsmap={"message": MES, "ss": SS, "com": COM, "xsi": XSI, "ns1": ns})
    h = etree.SubElement(root, q(MES, "Header"))
    etree.SubElement(h, q(MES, "ID")).text = msg_id
    etree.SubElement(h, q(MES, "Test")).text = "true"
    etree.SubElement(h, q(MES, "Prepared")).text = PREPARED
    etree.SubElement(h, q(MES, "Sender"), id=provider)
    st = etree.SubElement(h, q(MES, "Structure"), structureID=sid, namespace=ns, dimensionAtObservation="TIME_PERIOD")
    etree.SubElement(etree.SubElement(st, q(COM, "StructureUsage")), "Ref", agencyID="IDAC", id=flow, version="1.0")
    # The provider is the Sender (a DATA_PROVIDERS id).  mes:DataProvider is left out: sdmx1 2.28 cannot
    # parse it in a data message header.
    etree.SubElement(h, q(MES, "DataSetAction")).text = "Information"
    ds = etree.SubElement(root, q(MES, "DataSet"), {q(SS, "structureRef"): sid, q(XSI, "type"): "ns1:DataSetType",
                                                    q(SS, "dataScope"): "Dataflow"})
    series: dict[tuple[str, ...], etree._Element] = {}
    for r in rows:
        key = tuple(r[d] for d in dims)
        s = series.get(key)
        if s is None:
            sattrs = {d: r[d] for d in dims}
            sattrs.update({a: r[a] for a in sorted(SERIES_ATTRS) if r.get(a)})
            s = series[key] = etree.SubElement(ds, "Series", sattrs)
        oattrs = {"TIME_PERIOD": r["TIME_PERIOD"], "OBS_VALUE": r["OBS_VALUE"]}
        for a, v in r.items():
            if v and a not in dims and a not in SERIES_ATTRS and a not in oattrs:
                oattrs[a] = v
        etree.SubElement(s, "Obs", oattrs)
    etree.indent(root, space="  ")
    body = etree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<!-- {SYNTH_EN}. {SYNTH_ES}. Generated by 'python -m tools.idac_content'. -->\n"
            + body + "\n").encode("utf-8")


THEM_ATTRS = ["OBS_STATUS", "CONF_STATUS", "UNIT_MEASURE", "UNIT_MULT", "DECIMALS", "SOURCE_TYPE",
              "SOURCE_DETAIL", "UNWGTD_SAMPLE", "NUMER_VALUE", "DENOM_VALUE", "COMMENT_TS"]


def render_examples() -> dict[str, bytes]:
    return {
        "examples/core-pan-2024.csv": sdmx_csv20(pan_rows(), CORE_DIMS, CORE_ATTRS, "DF_IDAC_CORE"),
        "examples/core-mex-2024.csv": sdmx_csv20(mex_rows(), CORE_DIMS, CORE_ATTRS, "DF_IDAC_CORE"),
        "examples/core-col-2024.xml": ss_xml(col_core_rows(), CORE_DIMS, "DF_IDAC_CORE", "COL_MIGRACION",
                                             "IDAC_EXAMPLE_CORE_COL_2024"),
        "examples/thematic-col-2023.xml": ss_xml(col_thematic_rows(), THEM_DIMS, "DF_IDAC_THEMATIC", "COL_DANE",
                                                 "IDAC_EXAMPLE_THEMATIC_COL_2023"),
        "examples/core-pan-2024-invalid.csv": sdmx_csv20(invalid_pan_rows(), CORE_DIMS, CORE_ATTRS, "DF_IDAC_CORE"),
    }
