"""Throughput of the validation engine alone: 1M synthetic observations fed as DataChunks.

    python benchmarks/validate_engine.py [--obs 1000000] [--flat] [--no-rules] [--memory]

Times are CPU times of this process (``time.process_time``), so other load on a shared machine
distorts them less.  The observations are generated lazily (so memory stays flat); the script first
times generation alone, then generation + validation, and reports the validator's own rate
(observations / (t_total - t_generation)).  Layouts: series (StructureSpecific/Generic series, the
default: 20 annual periods per series) or ``--flat`` (AllDimensions / SDMX-CSV: every dimension on
the observation).  ``--memory`` reports the peak traced memory of the run (tracemalloc; slower).
Compare with bare lxml iterparse over an SDMX-ML file (≈740k obs/s on the reference machine).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from validation.fixtures import cl_ref, codelists, dataset, rules, structure  # noqa: E402

from registry.formats.base import DataChunk, Obs, Series  # noqa: E402
from registry.sdmx.model import Code, Codelist  # noqa: E402
from registry.validation import Validator  # noqa: E402

AREAS = [f"A{i:03d}" for i in range(250)]
INDICATORS = ["IDAC_STK_REF", "IDAC_FLW_ASY_APP"]
#: Weights make every additivity rule of the rules file hold (values are products of weights).
SEXES = {"_T": 2, "F": 1, "M": 1, "_U": 0}
AGES = {"Y0T17": 4, "Y0T4": 1, "Y5T9": 1, "Y10T14": 1, "Y15T17": 1, "_T": 4, "_U": 0}
ACCS = {"_T": 4, "ACC": 2, "UASC": 2, "UNACC": 1, "SEP": 1, "_U": 0}
PERIODS = [str(y) for y in range(2001, 2021)]


def make_validator(with_rules: bool) -> Validator:
    """The fixture validator with 250 areas and without the provider's key set."""
    st = structure()
    st.constraints = [c for c in st.constraints if c.id != "CC_PA_PAN"]
    cls = codelists()
    area = cl_ref("CL_AREA")
    cls[area] = Codelist(agency="IDAC", id="CL_AREA", items=[Code(a) for a in AREAS])
    return Validator(st, cls, rules() if with_rules else None)


def generate(n: int, flat: bool, batch: int = 5000) -> Iterator[DataChunk]:
    """Valid observations (unique keys, additive breakdowns), series after series."""
    ds = dataset()
    out: list[Obs] = []
    made = 0
    flat_series = Series()
    for ai, area in enumerate(AREAS):
        for ind in INDICATORS:
            for sex, ws in SEXES.items():
                for age, wa in AGES.items():
                    for acc, wc in ACCS.items():
                        value = str(ws * wa * wc * (ai + 1))
                        key = {
                            "FREQ": "A",
                            "REF_AREA": area,
                            "INDICATOR": ind,
                            "SEX": sex,
                            "AGE": age,
                            "ACCOMPANIMENT": acc,
                        }
                        sattrs = {
                            "UNIT_MEASURE": "PS",
                            "SOURCE_TYPE": "ADMIN_BORDER",
                            "UNIT_MULT": "0",
                        }
                        s = flat_series if flat else Series(key=key, attrs=sattrs)
                        for p in PERIODS:
                            attrs = {
                                "OBS_STATUS": "A",
                                "CONF_STATUS": "F",
                                "TIME_DETAIL": f"{p}-12-31",
                            }
                            if flat:
                                o = Obs(s, {**key, "TIME_PERIOD": p}, value, {**sattrs, **attrs})
                            else:
                                o = Obs(s, {"TIME_PERIOD": p}, value, attrs)
                            out.append(o)
                            made += 1
                            if len(out) == batch or made >= n:
                                yield DataChunk(ds, out)
                                out = []
                            if made >= n:
                                return
    if out:
        yield DataChunk(ds, out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--obs", type=int, default=1_000_000)
    ap.add_argument("--flat", action="store_true")
    ap.add_argument("--no-rules", action="store_true")
    ap.add_argument("--memory", action="store_true")
    args = ap.parse_args()
    n = args.obs

    t0 = time.process_time()
    for _ in generate(n, args.flat):
        pass
    t_gen = time.process_time() - t0

    v = make_validator(not args.no_rules)
    if args.memory:
        tracemalloc.start()
    t0 = time.process_time()
    report = v.validate(generate(n, args.flat))
    t_all = time.process_time() - t0
    peak = tracemalloc.get_traced_memory()[1] if args.memory else None
    t_val = max(t_all - t_gen, 1e-9)
    layout = "flat" if args.flat else "series"
    print(
        f"layout={layout} rules={'no' if args.no_rules else 'yes'} observations={report.observations} "
        f"series={report.series} errors={report.errors} warnings={report.warnings} rules_hit={report.rules}"
    )
    print(f"generation only: {n / t_gen:,.0f} obs/s ({t_gen:.2f} s)")
    print(f"generation + validation: {n / t_all:,.0f} obs/s ({t_all:.2f} s)")
    print(f"validator alone: {n / t_val:,.0f} obs/s ({t_val:.2f} s)")
    if peak is not None:
        print(f"peak traced memory: {peak / 1e6:,.1f} MB")


if __name__ == "__main__":
    main()
