"""Compiled checks of non-enumerated representations (SDMX ``TextFormat`` facets).

``compile_text_format`` turns a ``TextFormat`` into one function ``value -> problem | None`` built once
per component, so the per-value work is a single call.  A problem is ``(rule code, params)``.
Time-period types are checked by the caller (they need FREQ and a cache), so they compile to None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from registry.sdmx.datatypes import TIME_PERIOD_TYPES
from registry.sdmx.model import TextFormat

Problem = tuple[str, dict[str, Any]]
Checker = Callable[[str], Problem | None]

INTEGER_TYPES = frozenset(
    {
        "Integer",
        "Long",
        "Short",
        "BigInteger",
        "Count",
        "InclusiveValueRange",
        "ExclusiveValueRange",
        "Incremental",
    }
)
REAL_TYPES = frozenset({"Double", "Float", "Decimal"})
TIME_TYPES = TIME_PERIOD_TYPES
_SPECIAL_REALS = frozenset({"NaN", "INF", "-INF", "+INF"})
_DIGIT_OR_DOT = frozenset("0123456789.")
_BOOL = frozenset({"true", "false", "1", "0"})
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$")


def is_real(value: str) -> bool:
    """True for an XML Schema double literal (Python's ``float`` also takes ``1_0``, which we refuse)."""
    try:
        float(value)
    except ValueError:
        return False
    v = value.strip()
    return "_" not in v and (v.lstrip("+-")[:1] in _DIGIT_OR_DOT or v in _SPECIAL_REALS)


def is_integer(value: str) -> bool:
    """True for an XML Schema integer literal."""
    v = value.strip()
    return v.lstrip("+-").isdigit() and v.isascii()


def compile_text_format(
    component: str, tf: TextFormat | None, *, default_type: str | None = None
) -> Checker | None:
    """A checker for the facets of ``tf``, or None when nothing needs checking."""
    text_type = (tf.text_type if tf else None) or default_type
    if text_type in TIME_TYPES:
        return None
    steps: list[Checker] = []
    if text_type in REAL_TYPES or text_type in INTEGER_TYPES:
        is_int = text_type in INTEGER_TYPES
        test = is_integer if is_int else is_real

        def _type(v: str, _t: Any = test, _n: str = text_type or "") -> Problem | None:
            return None if _t(v) else ("VAL-303", {"text_type": _n})

        steps.append(_type)
    elif text_type == "Boolean":
        steps.append(lambda v: None if v in _BOOL else ("VAL-303", {"text_type": "Boolean"}))
    elif text_type in ("DateTime", "Date"):
        steps.append(
            lambda v: None if _DATETIME.match(v) else ("VAL-303", {"text_type": text_type})
        )
    if tf is not None:
        if tf.decimals is not None:
            steps.append(_decimals(tf.decimals))
        lo, hi = _num(tf.min_value), _num(tf.max_value)
        if lo is not None or hi is not None:
            steps.append(_range(lo, hi))
        if tf.min_length is not None or tf.max_length is not None:
            steps.append(_length(tf.min_length, tf.max_length))
        if tf.pattern:
            steps.append(_pattern(tf.pattern))
    if not steps:
        return None

    def check(value: str) -> Problem | None:
        for step in steps:
            problem = step(value)
            if problem is not None:
                return problem
        return None

    return check


def _num(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _decimals(n: int) -> Checker:
    def check(v: str) -> Problem | None:
        _, dot, frac = v.strip().partition(".")
        frac = frac.split("e")[0].split("E")[0]
        if dot and len(frac) > n:
            return ("VAL-304", {"found": len(frac), "expected": n})
        return None

    return check


def _range(lo: Decimal | None, hi: Decimal | None) -> Checker:
    shown = f"[{'' if lo is None else lo}, {'' if hi is None else hi}]"

    def check(v: str) -> Problem | None:
        try:
            x = Decimal(v.strip())
        except InvalidOperation:
            return None  # the type step reports it
        if x.is_nan() or (lo is not None and x < lo) or (hi is not None and x > hi):
            return ("VAL-305", {"expected": shown})
        return None

    return check


def _length(lo: int | None, hi: int | None) -> Checker:
    shown = f"{lo or 0}–{'' if hi is None else hi}"

    def check(v: str) -> Problem | None:
        n = len(v)
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            return ("VAL-306", {"found": n, "expected": shown})
        return None

    return check


def _pattern(pattern: str) -> Checker:
    try:
        rx = re.compile(pattern)
    except re.error:
        return lambda v: None

    def check(v: str) -> Problem | None:
        return None if rx.fullmatch(v) else ("VAL-307", {"expected": pattern})

    return check
