"""Age bands: their bounds, and the rule that a national band may only go into an IDAC band containing it.

Bounds of IDAC codes come from the ``AGE_LOWER``/``AGE_UPPER`` annotations of CL_AGE_IDAC (completed
years).  Bounds of national codes come from the same annotations on the national codelist when it is
known, else from the code itself: ``Y0T4``, ``Y_LT5``, ``Y_GE18``, ``Y12``, ``0-2``, ``0_2``, ``E00_02``,
``12 a 17``, ``10 to 14``.

A national band can be *summed* into a wider IDAC band (0–2 and 3–4 into Y0T4) but never *split*: the
share of 12–17 year-olds aged 12–14 is not in the data.  ``check_band`` refuses a mapping whose source
band is not inside its target band, and names the IDAC codes that do contain it (bridging codes such as
Y12T17) so the curator can fix the map; ``check_tiling`` refuses a map whose national bands overlap
inside one IDAC band (double counting) or leave part of it uncovered (undercount).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from registry.errors import Unprocessable
from registry.sdmx.model import Annotation, Codelist, Item

Band = tuple[int, int]
OPEN = 150  # upper bound of an open band ("18 and over")

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Y_?LT(\d+)$", re.I), "lt"),
    (re.compile(r"^Y_?GE(\d+)$", re.I), "ge"),
    (re.compile(r"^[A-Z_]*?(\d+)\s*(?:T|-|_|–|a|to|A)\s*(\d+)$", re.I), "range"),
    (re.compile(r"^Y?(\d+)$", re.I), "single"),
)


class BandRefused(Unprocessable):
    """A mapping would have to split an age band (or double count / undercount one)."""


def _annotation(annotations: Iterable[Annotation], kind: str) -> str | None:
    for a in annotations:
        if kind in (a.type, a.id):
            for raw in (a.title, a.value, *a.text.values()):
                if raw is not None and str(raw).strip():
                    return str(raw).strip()
    return None


def band_of_item(item: Item) -> Band | None:
    """Bounds from ``AGE_LOWER``/``AGE_UPPER`` annotations, else from the code id."""
    lo = _annotation(item.annotations, "AGE_LOWER")
    hi = _annotation(item.annotations, "AGE_UPPER")
    if lo is not None and lo.isdigit():
        return int(lo), int(hi) if hi is not None and hi.isdigit() else OPEN
    return band_of_code(item.id)


def band_of_code(code: str) -> Band | None:
    """Bounds read from a code such as ``Y0T4``, ``0-2``, ``E12_17``, ``Y_LT5`` (None if not a band)."""
    text = code.strip()
    for pattern, kind in _PATTERNS:
        m = pattern.match(text)
        if m is None:
            continue
        if kind == "lt":
            return 0, int(m[1]) - 1
        if kind == "ge":
            return int(m[1]), OPEN
        if kind == "range":
            lo, hi = int(m[1]), int(m[2])
            return (lo, hi) if lo <= hi else None
        return int(m[1]), int(m[1])
    return None


def codelist_bands(codelist: Codelist | None) -> dict[str, Band]:
    """Band of every code of a codelist that has one (codes such as ``_T``/``_U`` have none)."""
    if codelist is None:
        return {}
    out: dict[str, Band] = {}
    for item in codelist.items:
        band = band_of_item(item)
        if band is not None:
            out[item.id] = band
    return out


def is_age_codelist(codelist: Codelist | None) -> bool:
    """True for a codelist whose codes carry AGE_LOWER annotations (CL_AGE_IDAC)."""
    return codelist is not None and any(
        _annotation(i.annotations, "AGE_LOWER") is not None for i in codelist.items
    )


def _fmt(band: Band) -> str:
    return f"{band[0]}+" if band[1] >= OPEN else f"{band[0]}–{band[1]}"


def containing(band: Band, targets: Mapping[str, Band]) -> list[str]:
    """Target codes whose band contains ``band``, narrowest first."""
    found = [
        (t[1] - t[0], code) for code, t in targets.items() if t[0] <= band[0] and band[1] <= t[1]
    ]
    return [code for _w, code in sorted(found)]


def check_band(source: str, band: Band | None, target: str, targets: Mapping[str, Band]) -> None:
    """Refuse mapping national band ``source`` into ``target`` unless the target contains it."""
    tband = targets.get(target)
    if tband is None:
        return  # _T, _U: no bounds to violate
    if band is None:
        raise BandRefused(
            f"The ages of national code {source!r} are unknown, so its mapping to {target} "
            f"({_fmt(tband)}) cannot be checked: give the national code AGE_LOWER/AGE_UPPER "
            "annotations or a code such as Y12T17 or 12-17."
        )
    if tband[0] <= band[0] and band[1] <= tband[1]:
        return
    overlapped = sorted(
        (t, code) for code, t in targets.items() if t[0] <= band[1] and band[0] <= t[1]
    )
    parts = ", ".join(
        f"{code} ({_fmt(t)})" for t, code in overlapped if not (t[0] <= band[0] and band[1] <= t[1])
    )
    cover = containing(band, targets)
    advice = (
        f" Map it to a code that contains it instead: {', '.join(cover[:3])}."
        if cover
        else " No IDAC age code contains it, so these data cannot be harmonised by age."
    )
    raise BandRefused(
        f"National age band {source!r} ({_fmt(band)}) does not fit in {target} ({_fmt(tband)}): "
        f"harmonising it would split it across {parts or target}, and the split is not in the data."
        + advice
    )


def check_tiling(target: str, sources: Mapping[str, Band], targets: Mapping[str, Band]) -> None:
    """Refuse national bands that overlap inside ``target`` or leave part of it uncovered."""
    tband = targets.get(target)
    if tband is None or not sources:
        return
    ordered = sorted(sources.items(), key=lambda kv: kv[1])
    expect = tband[0]
    for code, band in ordered:
        if band[0] > expect:
            raise BandRefused(
                f"The national bands mapped to {target} ({_fmt(tband)}) leave ages "
                f"{_fmt((expect, band[0] - 1))} uncovered: the sum would undercount {target}."
            )
        if band[0] < expect:
            raise BandRefused(
                f"National band {code!r} ({_fmt(band)}) overlaps another band mapped to {target}: "
                "the sum would count some children twice."
            )
        expect = band[1] + 1
    if expect <= tband[1]:
        raise BandRefused(
            f"The national bands mapped to {target} ({_fmt(tband)}) leave ages "
            f"{_fmt((expect, tband[1]))} uncovered: the sum would undercount {target}."
        )
