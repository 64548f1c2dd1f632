"""Memory regression: the peak memory of a validation run does not grow with the file.

The validator (with the IDAC rules: duplicates and additivity/coherence both accumulate) runs in a
fresh interpreter over a generated stream of valid observations, series after series, once with
300k and once with 1.2M observations.  Peak RSS is read from ``VmHWM`` (``ru_maxrss`` survives
``execve`` on Linux, so a child of a large pytest process would report its parent's size).  Before
the spill stores (``registry.validation.spill``) the peak went from 155 MB to 550 MB; with them,
from about 91 MB to 111 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Allowed growth of peak RSS from 300k to 1.2M observations.
GROWTH_MB = 30

_CHILD = r"""
import json, sys
from pathlib import Path
sys.path[:0] = [sys.argv[2], sys.argv[2] + "/tests"]
from validation.fixtures import cl_ref, codelists, dataset, rules, structure
from registry.formats.base import DataChunk, Obs, Series
from registry.sdmx.model import Code, Codelist
from registry.validation import Validator

AREAS = [f"A{i:03d}" for i in range(400)]
SEXES = {"_T": 2, "F": 1, "M": 1, "_U": 0}
AGES = {"Y0T17": 4, "Y0T4": 1, "Y5T9": 1, "Y10T14": 1, "Y15T17": 1, "_T": 4, "_U": 0}
ACCS = {"_T": 4, "ACC": 2, "UASC": 2, "UNACC": 1, "SEP": 1, "_U": 0}
PERIODS = [str(y) for y in range(2001, 2021)]

def generate(n):
    ds = dataset()
    out, made = [], 0
    for ai, area in enumerate(AREAS):
        for sex, ws in SEXES.items():
            for age, wa in AGES.items():
                for acc, wc in ACCS.items():
                    value = str(ws * wa * wc * (ai + 1))
                    key = {"FREQ": "A", "REF_AREA": area, "INDICATOR": "IDAC_STK_REF", "SEX": sex,
                           "AGE": age, "ACCOMPANIMENT": acc}
                    s = Series(key=key, attrs={"UNIT_MEASURE": "PS", "SOURCE_TYPE": "ADMIN_BORDER"})
                    for p in PERIODS:
                        out.append(Obs(s, {"TIME_PERIOD": p}, value,
                                       {"OBS_STATUS": "A", "CONF_STATUS": "F",
                                        "TIME_DETAIL": p + "-12-31"}))
                        made += 1
                        if len(out) == 5000 or made >= n:
                            yield DataChunk(ds, out)
                            out = []
                        if made >= n:
                            return

st = structure()
st.constraints = [c for c in st.constraints if c.id != "CC_PA_PAN"]
cls = codelists()
cls[cl_ref("CL_AREA")] = Codelist(agency="IDAC", id="CL_AREA", items=[Code(a) for a in AREAS])
report = Validator(st, cls, rules()).validate(generate(int(sys.argv[1])))
hwm = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM:"))
print(json.dumps({"obs": report.observations, "errors": report.errors, "rules": report.rules,
                  "peak_mb": int(hwm.split()[1]) / 1024}))
"""


def _peak(n: int) -> dict[str, object]:
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _CHILD, str(n), str(ROOT)],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        env={**os.environ, "PYTHONHASHSEED": "0"},
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (VmHWM)")
def test_peak_memory_does_not_grow_with_the_file() -> None:
    small = _peak(300_000)
    large = _peak(1_200_000)
    assert small["obs"] == 300_000
    assert large["obs"] == 1_200_000
    assert large["errors"] == 0, large["rules"]
    growth = float(large["peak_mb"]) - float(small["peak_mb"])  # type: ignore[arg-type]
    assert growth < GROWTH_MB, f"{small['peak_mb']:.0f} MB -> {large['peak_mb']:.0f} MB"
