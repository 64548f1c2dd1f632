"""Parsed SDMX-REST data and availability queries (v1.5 ``/data``, ``/availableconstraint``; v2
``/data``, ``/availability``), independent of Flask.

* **Keys.**  v1: ``.``-separated positions, one per dimension (time excluded), an empty position is
  a wildcard, ``+`` joins alternatives, ``all`` means everything.  v2: several keys separated by
  ``,``, ``*`` (or empty) wildcards a position, trailing positions may be left off.  A key becomes a
  ``KeyPattern``: per dimension a frozenset of codes or ``None`` (any).
* **Component filters** (v2 ``c[COMPONENT]=…``, SDMX-REST v2 ``doc/data.md``): ``,`` is OR, ``+`` is
  AND (``+`` also arrives as a space, form-encoding), operators as prefixes ``eq`` (default),
  ``ne``, ``lt``, ``le``, ``gt``, ``ge``, ``co`` (contains), ``nc`` (does not contain), ``sw``
  (starts with), ``ew`` (ends with).  On ``TIME_PERIOD`` the order operators compare periods by
  their calendar span (below); on the measure they compare numbers; elsewhere numbers when both
  sides are numbers, else text.
* **Periods.**  ``startPeriod``/``endPeriod`` accept every SDMX time period format (``2024``,
  ``2024-Q1``, ``2024-S1``, ``2024-W05``, ``2024-M03``, ``2024-03``, dates, date-times) and compare
  on the stored first/last day of each observation's period (``period_start``/``period_end``): an
  observation is kept when its period *overlaps* ``[start of startPeriod, end of endPeriod]``, so
  ``startPeriod=2024-Q3`` keeps annual 2024 (it covers Q3) and monthly 2024-07 onwards.  For queries
  in the frequency of the data this is the usual "period ≥ start and ≤ end".  ``c[TIME_PERIOD]``:
  ``ge:X`` = ends on/after X starts, ``gt:X`` = starts after X ends, ``le:X`` = starts on/before X
  ends, ``lt:X`` = ends before X starts, ``eq:X`` = the same span as X.
* ``updatedAfter`` is an xs:dateTime; an SDMX period (the TCK sends ``2019-Q3``) is read leniently
  as midnight UTC of its first day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from registry.errors import InvalidRequest
from registry.sdmx.periods import PeriodError, period_bounds

#: Per dimension (time excluded): the codes accepted, or None for any.
KeyPattern = tuple[frozenset[str] | None, ...]

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "co", "nc", "sw", "ew")
DETAILS = ("full", "dataonly", "serieskeysonly", "nodata")
ALL_DIMENSIONS = "AllDimensions"
TIME_PERIOD = "TIME_PERIOD"


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``op:value`` test of a component filter."""

    op: str
    value: str


#: Alternatives (OR) of conjunctions (AND) of conditions.
ComponentFilter = tuple[tuple[Condition, ...], ...]


@dataclass(slots=True)
class DataQuery:
    """Everything a data or availability query asks for, validated."""

    #: Alternative key patterns (OR); None = every series.
    keys: list[KeyPattern] | None = None
    #: Data provider ids; None = every provider.
    providers: frozenset[str] | None = None
    #: ``YYYY-MM-DD`` bounds from startPeriod/endPeriod (inclusive, overlap semantics).
    start: str | None = None
    end: str | None = None
    #: ``c[...]`` filters by component id (dimensions, attributes, measures, TIME_PERIOD).
    filters: dict[str, ComponentFilter] = field(default_factory=dict)
    updated_after: datetime | None = None
    first_n: int | None = None
    last_n: int | None = None
    dimension_at_observation: str = TIME_PERIOD
    detail: str = "full"
    #: v2 ``attributes``: dsd | msd | dataset | series | obs | all | none, or a set of ids.
    attributes: str | frozenset[str] = "dsd"
    #: v2 ``measures``: all | none, or a set of ids.
    measures: str | frozenset[str] = "all"
    include_history: bool = False
    as_of: datetime | None = None
    #: availability: exact | available; and the component asked for (None = all).
    mode: str = "exact"
    component: str | None = None

    @property
    def narrows_series(self) -> bool:
        """True when the key or a dimension filter restricts the series."""
        return self.keys is not None


# --- keys
# -------------------------------------------------------------------------------------------


def _position(text: str, seps: str, wildcards: tuple[str, ...]) -> frozenset[str] | None:
    if text in wildcards:
        return None
    values = [text]
    for sep in seps:
        values = [p for v in values for p in v.split(sep)]
    values = [v.strip() for v in values if v.strip()]
    if not values or any(v in wildcards for v in values):
        return None
    return frozenset(values)


def parse_v1_key(text: str | None, n_dims: int) -> list[KeyPattern] | None:
    """A v1 key (``A.PAN..F+M``, ``all``) for a DSD with ``n_dims`` key dimensions."""
    if text is None or text in ("", "all"):
        return None
    parts = text.split(".")
    if len(parts) != n_dims:
        raise InvalidRequest(
            f"The key {text[:200]!r} has {len(parts)} position(s) but the data structure has "
            f"{n_dims} dimensions (time excluded); use '.' between positions and leave a position "
            "empty for all values"
        )
    pattern = tuple(_position(p, "+", ("",)) for p in parts)
    return None if all(p is None for p in pattern) else [pattern]


def parse_v2_keys(text: str | None, n_dims: int) -> list[KeyPattern] | None:
    """v2 keys: ``,``-separated alternatives, ``*`` wildcards, trailing positions optional."""
    if text is None or text in ("", "*"):
        return None
    out: list[KeyPattern] = []
    for key in text.split(","):
        parts = key.split(".")
        if len(parts) > n_dims:
            raise InvalidRequest(
                f"The key {key[:200]!r} has {len(parts)} positions but the data structure has "
                f"{n_dims} dimensions"
            )
        pattern = tuple(_position(p, "+", ("", "*")) for p in parts) + (None,) * (
            n_dims - len(parts)
        )
        if all(p is None for p in pattern):
            return None  # one alternative matches everything
        out.append(pattern)
    return out


def key_matches(patterns: Sequence[KeyPattern], values: Sequence[str]) -> bool:
    """True when the series key ``values`` (dimension order) matches one of the patterns."""
    for pattern in patterns:
        if all(p is None or v in p for p, v in zip(pattern, values, strict=False)):
            return True
    return False


def key_matches_except(patterns: Sequence[KeyPattern], values: Sequence[str], skip: int) -> bool:
    """Like ``key_matches`` ignoring position ``skip`` (availability ``mode=available``)."""
    for pattern in patterns:
        if all(
            n == skip or p is None or v in p
            for n, (p, v) in enumerate(zip(pattern, values, strict=False))
        ):
            return True
    return False


def widen(patterns: list[KeyPattern] | None, positions: Iterable[int]) -> list[KeyPattern] | None:
    """The patterns with ``positions`` wildcarded (disclosure needs whole tables), de-duplicated."""
    if patterns is None:
        return None
    wild = set(positions)
    out: list[KeyPattern] = []
    for p in patterns:
        q = tuple(None if n in wild else v for n, v in enumerate(p))
        if all(v is None for v in q):
            return None
        if q not in out:
            out.append(q)
    return out


# --- providers
# ----------------------------------------------------------------------------------------


def parse_providers(
    text: str | None, is_agency: Callable[[str], bool], v2: bool = False
) -> frozenset[str] | None:
    """Provider references: ``P``, ``AG,P``, several joined with ``+`` (v1) or ``,`` (v2).

    The TCK sends ``P1,P2`` for two providers, which collides with v1's ``AG,P``: a comma pair is
    read as agency and provider when the first part names an agency that maintains a provider
    scheme, and as two providers otherwise.
    """
    if text is None or text in ("", "all", "*"):
        return None
    ids: set[str] = set()
    for part in text.split("+"):
        bits = [b.strip() for b in part.split(",") if b.strip()]
        if not bits:
            raise InvalidRequest(f"Empty data provider reference in {text[:200]!r}")
        if v2 or len(bits) != 2 or not is_agency(bits[0]):
            ids.update(b for b in bits if b not in ("all", "*"))
        else:
            ids.add(bits[1])
    return frozenset(ids) or None


# --- periods and dates
# -------------------------------------------------------------------------------


def period_start(text: str) -> str:
    """First day of an SDMX period, ``InvalidRequest`` if it is not one."""
    try:
        return period_bounds(text)[0]
    except PeriodError as exc:
        raise InvalidRequest(f"Not an SDMX time period: {text[:100]!r} ({exc})") from None


def period_end(text: str) -> str:
    """Last day of an SDMX period."""
    try:
        return period_bounds(text)[1]
    except PeriodError as exc:
        raise InvalidRequest(f"Not an SDMX time period: {text[:100]!r} ({exc})") from None


def parse_datetime(text: str, name: str) -> datetime:
    """An xs:dateTime (``Z`` or offset; naive means UTC); leniently an SDMX period's first day."""
    raw = text.strip().replace(" ", "+")  # '+01:00' arrives as ' 01:00' when not percent-encoded
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = datetime.fromisoformat(period_bounds(raw)[0])
        except PeriodError:
            raise InvalidRequest(
                f"{name} must be an ISO 8601 date-time, got {text[:100]!r}"
            ) from None
    # UTC: the store keeps UTC times (SQLite keeps them without an offset).
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_positive_int(text: str, name: str) -> int:
    """An integer ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise InvalidRequest(f"{name} must be a positive integer, got {text[:50]!r}") from None
    if value < 1:
        raise InvalidRequest(f"{name} must be at least 1, got {value}")
    return value


def parse_bool(text: str, name: str) -> bool:
    """``true``/``false`` (case-insensitive)."""
    low = text.strip().lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    raise InvalidRequest(f"{name} must be true or false, got {text[:50]!r}")


# --- component filters
# ----------------------------------------------------------------------------------


def parse_filter(component: str, text: str) -> ComponentFilter:
    """One ``c[component]`` value."""
    alternatives: list[tuple[Condition, ...]] = []
    for alt in text.split(","):
        conds: list[Condition] = []
        for raw in alt.replace(" ", "+").split("+"):
            if not raw:
                continue
            op, sep, value = raw.partition(":")
            if not sep or op not in OPERATORS:
                op, value = "eq", raw
            if component == TIME_PERIOD and op in ("eq", "ne", "lt", "le", "gt", "ge"):
                period_start(value)  # validate now: 400 rather than a failure mid-stream
            conds.append(Condition(op, value))
        if not conds:
            raise InvalidRequest(f"Empty condition in c[{component}]={text[:100]!r}")
        alternatives.append(tuple(conds))
    return tuple(alternatives)


def parse_filters(args: Mapping[str, str]) -> dict[str, ComponentFilter]:
    """Every ``c[ID]`` parameter of a query string."""
    out: dict[str, ComponentFilter] = {}
    for name, value in args.items():
        if name.startswith("c[") and name.endswith("]"):
            comp = name[2:-1]
            if not comp or not comp.replace("_", "").replace("-", "").isalnum():
                raise InvalidRequest(f"Invalid component id in {name!r}")
            out[comp] = parse_filter(comp, value)
    return out


def _num(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _compare(op: str, left: str, right: str) -> bool:
    if op == "co":
        return right in left
    if op == "nc":
        return right not in left
    if op == "sw":
        return left.startswith(right)
    if op == "ew":
        return left.endswith(right)
    a, b = _num(left), _num(right)
    x: float | str
    y: float | str
    x, y = (a, b) if a is not None and b is not None else (left, right)
    return {
        "eq": x == y,
        "ne": x != y,
        "lt": x < y,
        "le": x <= y,
        "gt": x > y,
        "ge": x >= y,  # type: ignore[operator]
    }[op]


def _period_test(op: str, start: str, end: str, period: str, value: str) -> bool:
    if op in ("co", "nc", "sw", "ew"):
        return _compare(op, period, value)
    vs, ve = period_bounds(value)
    return {
        "eq": start == vs and end == ve,
        "ne": not (start == vs and end == ve),
        "ge": end >= vs,
        "gt": start > ve,
        "le": start <= ve,
        "lt": end < vs,
    }[op]


def value_passes(flt: ComponentFilter, value: str | None) -> bool:
    """Whether a component value satisfies a filter (an absent one only ``ne``/``nc``)."""
    for conds in flt:
        if all(
            (c.op in ("ne", "nc")) if value is None else _compare(c.op, value, c.value)
            for c in conds
        ):
            return True
    return False


def period_passes(flt: ComponentFilter, period: str, start: str, end: str) -> bool:
    """Whether an observation's period satisfies a ``c[TIME_PERIOD]`` filter."""
    return any(all(_period_test(c.op, start, end, period, c.value) for c in conds) for conds in flt)


def dimension_codes(flt: ComponentFilter) -> frozenset[str] | None:
    """The codes a dimension filter accepts if it is plain equality (``eq``), else None."""
    codes: set[str] = set()
    for conds in flt:
        if len(conds) != 1 or conds[0].op != "eq":
            return None
        codes.add(conds[0].value)
    return frozenset(codes)
