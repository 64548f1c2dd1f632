"""Content rules (VAL-7xx) as data: the loader of the TOML rules file.

IDAC's content rules (DOMAIN §7.7: value domains, additivity, coherence, conditionally required
attributes, percentage consistency, child scope) are *data* in ``dsd/idac-rules.toml``, not Python per
indicator.  Each rule has a stable ``code``, a ``severity`` and messages in English (``en``) and Spanish
(``es``); messages are ``str.format`` templates whose parameters each rule kind documents below.

Rule kinds (TOML arrays of tables):

``[[domain]]``       the value (``component``, default the primary measure) must be a number within
                     ``min``/``max``, and an integer when ``integer = true``.
                     Parameters: value, component, expected.
``[[additivity]]``   for ``component``, ``total`` = sum of ``parts`` (+ ``optional_parts`` when present),
                     for the same other dimensions and period, within ``tolerance`` +
                     ``tolerance_per_part`` × number of parts present.  Checked only when the total and
                     every required part are present with numeric values.
                     Parameters: component, total, parts, sum, found (the total's value), tolerance,
                     series_key (with the total code), time_period.
``[[coherence]]``    for ``component``, value(``lesser``) ≤ value(``greater``) (+ ``tolerance``).
                     Parameters: component, lesser, greater, found (lesser's value), expected
                     (greater's value), series_key, time_period.
``[[required]]``     ``attribute`` must be given (observation, series or data set level).
                     Parameters: component, series_key, time_period.
``[[ratio]]``        value ≈ ``scale`` × ``numerator`` / ``denominator`` (attributes) within ``tolerance``.
                     Parameters: value, expected, numerator, denominator, found.
``[[allowed]]``      ``component`` must take one of ``values``.  Parameters: value, component, expected.

Every rule may have ``when``: a table of component id -> condition, all of which must hold:
a list of codes (``UNIT_MEASURE = ["PS", "NUMBER"]``), one code, ``{prefix = "IDAC_STK_"}`` (a string or a
list), or ``{not = [...]}``.  Conditions may name dimensions or attributes at any level.

``[options]`` may set ``missing_value_statuses`` (OBS_STATUS codes that allow an empty OBS_VALUE).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.errors import Unprocessable
from registry.validation.findings import CATALOGUE, Rule

Getter = Callable[[str], str | None]


class RulesFileError(Unprocessable):
    """The content rules file is malformed."""

    code = "IDAC-422-RULES"
    title = "Invalid validation rules file"


@dataclass(frozen=True, slots=True)
class Condition:
    """``when``: every listed component must satisfy its matcher."""

    #: component -> (codes or None, prefixes, negated)
    parts: tuple[tuple[str, frozenset[str] | None, tuple[str, ...], bool], ...] = ()

    @property
    def components(self) -> tuple[str, ...]:
        """The components the condition reads."""
        return tuple(p[0] for p in self.parts)

    def holds(self, get: Getter) -> bool:
        """True when every part holds for the values ``get`` returns."""
        for comp, codes, prefixes, negated in self.parts:
            v = get(comp)
            ok = v is not None and (
                (codes is not None and v in codes) or (bool(prefixes) and v.startswith(prefixes))
            )
            if ok == negated:
                return False
        return True

    @classmethod
    def parse(cls, spec: Any, where: str) -> Condition:
        """Parse a ``when`` table."""
        if spec is None:
            return cls()
        if not isinstance(spec, dict):
            raise RulesFileError(f"{where}: 'when' must be a table")
        parts: list[tuple[str, frozenset[str] | None, tuple[str, ...], bool]] = []
        for comp, m in spec.items():
            negated = False
            if isinstance(m, dict) and "not" in m:
                negated, m = True, m["not"]
            if isinstance(m, str):
                parts.append((comp, frozenset({m}), (), negated))
            elif isinstance(m, list):
                parts.append((comp, frozenset(map(str, m)), (), negated))
            elif isinstance(m, dict) and "prefix" in m:
                pre = m["prefix"]
                parts.append((comp, None, (pre,) if isinstance(pre, str) else tuple(pre), negated))
            else:
                raise RulesFileError(
                    f"{where}: condition on {comp} must be a code, a list or {{prefix=…}}"
                )
        return cls(tuple(parts))


@dataclass(frozen=True, slots=True)
class ContentRule:
    """Common part of content rules."""

    rule: Rule
    when: Condition


@dataclass(frozen=True, slots=True)
class DomainRule(ContentRule):
    """Numeric domain of a value."""

    component: str | None = None
    integer: bool = False
    min: float | None = None
    max: float | None = None

    @property
    def expected(self) -> str:
        """The domain, for messages."""
        lo = "" if self.min is None else f"{self.min:g}"
        hi = "" if self.max is None else f"{self.max:g}"
        kind = "integer" if self.integer else "number"
        return f"{kind} in [{lo}, {hi}]" if (lo or hi) else kind


@dataclass(frozen=True, slots=True)
class AdditivityRule(ContentRule):
    """total = Σ parts."""

    component: str = ""
    total: str = "_T"
    parts: tuple[str, ...] = ()
    optional_parts: tuple[str, ...] = ()
    tolerance: float = 0.0
    tolerance_per_part: float = 0.0


@dataclass(frozen=True, slots=True)
class CoherenceRule(ContentRule):
    """value(lesser) ≤ value(greater)."""

    component: str = ""
    lesser: str = ""
    greater: str = ""
    tolerance: float = 0.0


@dataclass(frozen=True, slots=True)
class RequiredRule(ContentRule):
    """A conditionally required attribute."""

    attribute: str = ""


@dataclass(frozen=True, slots=True)
class RatioRule(ContentRule):
    """value ≈ scale × numerator / denominator."""

    numerator: str = "NUMER_VALUE"
    denominator: str = "DENOM_VALUE"
    scale: float = 100.0
    tolerance: float = 0.1


@dataclass(frozen=True, slots=True)
class AllowedRule(ContentRule):
    """A component restricted to some codes."""

    component: str = ""
    values: frozenset[str] = frozenset()


@dataclass(slots=True)
class RuleSet:
    """The content rules of one rules file."""

    domain: list[DomainRule] = field(default_factory=list)
    additivity: list[AdditivityRule] = field(default_factory=list)
    coherence: list[CoherenceRule] = field(default_factory=list)
    required: list[RequiredRule] = field(default_factory=list)
    ratio: list[RatioRule] = field(default_factory=list)
    allowed: list[AllowedRule] = field(default_factory=list)
    missing_value_statuses: frozenset[str] | None = None
    source: str | None = None

    @property
    def rules(self) -> dict[str, Rule]:
        """Every rule of the file by code."""
        out: dict[str, Rule] = {}
        for group in (
            self.domain,
            self.additivity,
            self.coherence,
            self.required,
            self.ratio,
            self.allowed,
        ):
            for r in group:
                out[r.rule.code] = r.rule
        return out

    def __len__(self) -> int:
        return len(self.rules)


_KINDS: dict[str, tuple[type[ContentRule], dict[str, Callable[[Any], Any]]]] = {
    "domain": (DomainRule, {"component": str, "integer": bool, "min": float, "max": float}),
    "additivity": (
        AdditivityRule,
        {
            "component": str,
            "total": str,
            "parts": lambda v: tuple(map(str, v)),
            "optional_parts": lambda v: tuple(map(str, v)),
            "tolerance": float,
            "tolerance_per_part": float,
        },
    ),
    "coherence": (
        CoherenceRule,
        {"component": str, "lesser": str, "greater": str, "tolerance": float},
    ),
    "required": (RequiredRule, {"attribute": str}),
    "ratio": (
        RatioRule,
        {"numerator": str, "denominator": str, "scale": float, "tolerance": float},
    ),
    "allowed": (AllowedRule, {"component": str, "values": lambda v: frozenset(map(str, v))}),
}
_REQUIRED_FIELDS = {
    "additivity": ("component", "parts"),
    "coherence": ("component", "lesser", "greater"),
    "required": ("attribute",),
    "allowed": ("component", "values"),
}


def parse_rules(data: Mapping[str, Any], source: str | None = None) -> RuleSet:
    """Build a ``RuleSet`` from the parsed TOML document."""
    rs = RuleSet(source=source)
    seen: set[str] = set()
    unknown = set(data) - set(_KINDS) - {"options", "meta"}
    if unknown:
        raise RulesFileError(f"unknown rule kind(s): {', '.join(sorted(unknown))}")
    for kind, (cls, fields) in _KINDS.items():
        for n, spec in enumerate(data.get(kind, [])):
            where = f"{kind}[{n}]"
            if not isinstance(spec, dict):
                raise RulesFileError(f"{where}: must be a table")
            code = spec.get("code")
            if not isinstance(code, str) or not code:
                raise RulesFileError(f"{where}: 'code' is required")
            if code in seen or code in CATALOGUE:
                raise RulesFileError(f"{where}: code {code} is used twice")
            seen.add(code)
            severity = spec.get("severity", "error")
            if severity not in ("error", "warning"):
                raise RulesFileError(f"{where}: severity must be 'error' or 'warning'")
            if not spec.get("en") or not spec.get("es"):
                raise RulesFileError(f"{where} ({code}): messages 'en' and 'es' are required")
            for req in _REQUIRED_FIELDS.get(kind, ()):
                if req not in spec:
                    raise RulesFileError(f"{where} ({code}): '{req}' is required")
            extra = set(spec) - set(fields) - {"code", "severity", "en", "es", "title", "title_es", "when"}
            if extra:
                raise RulesFileError(f"{where} ({code}): unknown key(s) {', '.join(sorted(extra))}")
            rule = Rule(code, severity, spec.get("title", code), spec["en"], spec["es"],
                        title_es=spec.get("title_es", ""))
            try:
                kwargs = {k: conv(spec[k]) for k, conv in fields.items() if k in spec}
            except (TypeError, ValueError) as exc:
                raise RulesFileError(f"{where} ({code}): {exc}") from None
            getattr(rs, kind).append(cls(rule, Condition.parse(spec.get("when"), where), **kwargs))
    opts = data.get("options", {})
    if "missing_value_statuses" in opts:
        rs.missing_value_statuses = frozenset(map(str, opts["missing_value_statuses"]))
    return rs


def load_rules(path: str | Path) -> RuleSet:
    """Load a TOML rules file."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RulesFileError(f"{p.name}: {exc}") from None
    return parse_rules(data, source=str(p))
