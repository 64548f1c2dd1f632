"""Disclosure audit of regional aggregates: no published aggregate may let a reader recover a
suppressed national cell (DOMAIN.md §6, §7.6 rule 4, §7.8).

**The attack.**  A reader knows every published national cell and every published aggregate.  A
published aggregate is the sum of its contributors, so ``aggregate - published contributors`` is the
sum of its suppressed contributors; with one suppressed contributor that *is* the suppressed cell.
Several aggregates (nested regions: LAC = Central + South America + Caribbean; overlapping groups:
IDAC_LA6 and Central America) and the national margins (F + M = _T, the age partitions, …) combine: the
reader solves a linear system.

**The audit** works on one *table*: the cells that share every dimension except REF_AREA and the
margin dimensions of the disclosure policy, at one period.  Its unknowns are the national cells the
public cannot see: suppressed cells (primary or secondary, as ``registry.data.disclosure`` decides
for the national table) and absent cells that a national margin requires.  Its equations are the
published aggregates (``Σ contributors = value``) and the national margins (``total = Σ parts``).  A
suppressed cell is *determined* when its unit vector lies in the row space of the equations restricted
to the unknowns (null-space test, numpy SVD).  While some suppressed cell is determined by the
equations (and was not already determined by the national margins alone, which the national
disclosure prevents), one aggregate row containing it is withdrawn — the one with the fewest unknowns,
then the smallest region — and the audit repeats.  Withdrawn aggregates are stored with
``CONF_STATUS=S`` (suppressed by the receiver) and the data API never shows their value to the public.

**Conservative choices.**  A suppressed cell whose true value is 0 protects nothing inside an
aggregate (``s + 0`` reveals ``s``): it is left out of the aggregate equations, while it stays an
unknown of the national margins, as the national disclosure treated it.  Aggregates below the coverage threshold or
suppressed later by the data API's own primary/secondary rules only remove equations, so assuming
them published is safe.  Above ``MAX_UNKNOWNS`` unknowns the audit falls back to withdrawing every
aggregate with a suppressed contributor.  Interval (non-negativity) attacks are not audited, as in
``registry.data.disclosure``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

#: The audit solves at most this many unknowns per table (beyond: withdraw every exposed row).
MAX_UNKNOWNS = 600
_TOL = 1e-9

Cell = tuple[str, tuple[str, ...]]  # (area, margin coordinate)


@dataclass(frozen=True, slots=True)
class MarginRelation:
    """``total = Σ parts (+ optional parts)`` along the margin at ``position`` of the coordinate."""

    position: int
    total: str
    parts: tuple[str, ...]
    optional: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AggregateRow:
    """A candidate published aggregate: its id, its contributors and the size of its region."""

    id: Hashable
    contributors: frozenset[Cell]
    region_size: int = 0


def national_equations(
    cells: Iterable[Cell], relations: Sequence[MarginRelation]
) -> list[list[Cell]]:
    """Instantiated margin relations (total first), over the coordinates present in each area.

    Absent required members stay in the relation (they are unknowns); absent optional parts are
    known zeros and are left out.
    """
    by_area: dict[str, set[tuple[str, ...]]] = {}
    for area, coord in cells:
        by_area.setdefault(area, set()).add(coord)
    out: list[list[Cell]] = []
    for area, coords in sorted(by_area.items()):
        for rel in relations:
            i = rel.position
            members = {rel.total, *rel.parts, *rel.optional}
            for other in sorted({c[:i] + c[i + 1 :] for c in coords if c[i] in members}):

                def at(code: str, other: tuple[str, ...] = other, i: int = i) -> tuple[str, ...]:
                    return other[:i] + (code,) + other[i:]

                inst = [(area, at(rel.total)), *((area, at(p)) for p in rel.parts)]
                inst += [(area, at(p)) for p in rel.optional if at(p) in coords]
                out.append(inst)
    return out


def audit(
    *,
    rows: Sequence[AggregateRow],
    targets: set[Cell],
    unknown_absent: set[Cell],
    national: list[list[Cell]],
    zero_hidden: set[Cell] | None = None,
) -> set[Hashable]:
    """Ids of the rows to withdraw so that no target (suppressed national cell) is determined.

    ``targets``: suppressed national cells with a non-zero value; ``unknown_absent``: cells a margin
    needs but that are absent or empty (unknown to the reader, nothing to protect); ``zero_hidden``:
    suppressed cells whose true value is 0 — unknowns of the margins (as the national disclosure saw
    them), but left out of the aggregate rows, where they would protect nothing.
    """
    zero_hidden = zero_hidden or set()
    if zero_hidden:
        rows = [AggregateRow(r.id, r.contributors - zero_hidden, r.region_size) for r in rows]
    if not targets or not any(r.contributors & targets for r in rows):
        return set()
    unknown = targets | unknown_absent | zero_hidden
    if len(unknown) > MAX_UNKNOWNS:
        return {r.id for r in rows if r.contributors & targets}
    baseline = _determined(national, [], unknown, targets)
    withdrawn: set[Hashable] = set()
    live = list(rows)
    while True:
        found = _determined(national, live, unknown, targets) - baseline
        if not found:
            return withdrawn
        target = min(found)
        # The rows holding the cell itself; else (it is determined through a margin) the rows holding
        # any determined cell; else any row with an unknown.
        candidates = (
            [r for r in live if target in r.contributors]
            or [r for r in live if r.contributors & found]
            or [r for r in live if r.contributors & unknown]
        )
        if not candidates:  # cannot happen: without rows it was in the baseline
            return withdrawn
        worst = min(
            candidates, key=lambda r: (len(r.contributors & unknown), r.region_size, str(r.id))
        )
        withdrawn.add(worst.id)
        live = [r for r in live if r.id != worst.id]


def _determined(
    national: list[list[Cell]], rows: Sequence[AggregateRow], unknown: set[Cell], targets: set[Cell]
) -> set[Cell]:
    """Null-space test over national margins (total - Σ parts) and aggregate rows (Σ contributors)."""
    import numpy as np

    eqs: list[dict[Cell, float]] = []
    for eq in national:
        coeffs: dict[Cell, float] = {}
        for n, c in enumerate(eq):
            if c in unknown:
                coeffs[c] = coeffs.get(c, 0.0) + (-1.0 if n == 0 else 1.0)
        if coeffs:
            eqs.append(coeffs)
    for r in rows:
        coeffs = {c: 1.0 for c in r.contributors if c in unknown}
        if coeffs:
            eqs.append(coeffs)
    if not eqs:
        return set()
    variables = sorted({c for e in eqs for c in e})
    index = {c: n for n, c in enumerate(variables)}
    matrix = np.zeros((len(eqs), len(variables)))
    for r, e in enumerate(eqs):
        for c, v in e.items():
            matrix[r, index[c]] = v
    _u, s, vt = np.linalg.svd(matrix)
    rank = int((s > _TOL * max(1.0, float(s[0]) if len(s) else 1.0)).sum())
    null = vt[rank:]
    out = set()
    for c in targets:
        n = index.get(c)
        if n is None:
            continue
        if null.shape[0] == 0 or float(np.abs(null[:, n]).max()) < 1e-7:
            out.add(c)
    return out
