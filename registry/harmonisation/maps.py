"""Compile SDMX maps into lookups: 3.0 StructureMap + RepresentationMaps, or a 2.1 StructureSet.

A ``CompiledMap`` says, for a national record (every dimension, attribute and measure of one
observation, by national component id), what the IDAC record is:

* **component rules** (``ComponentMap``): n source components → m target components, through a
  representation map (values looked up) or copied position by position.  A representation map's
  mappings are literal values or regular expressions (``isRegEx``; matched in full, Python ``re``
  syntax), each valid from/to a date (``validFrom``/``validTo``: a mapping applies to an observation
  whose period starts inside its validity).  Literal values win over expressions; among expressions the
  first in document order wins.  A value that no mapping matches is passed through unchanged, so the
  validator reports it against the IDAC codelist with both keys;
* **fixed values** (``FixedValueMap``) set a target component whatever the source says;
* **implicit copies**: a national component with the same id as an IDAC component (FREQ, OBS_VALUE,
  OBS_STATUS, TIME_PERIOD…) is copied when no rule or fixed value sets that component.

A 2.1 ``StructureSet`` becomes the same thing: each ``CodelistMap`` maps the component of the national
DSD enumerated by its source codelist to the IDAC component enumerated by its target codelist (same
id on both sides when the national DSD is unknown).

Compiling also checks age bands (``registry.harmonisation.bands``) for every target component whose
codelist carries age bounds: a literal mapping that would split a national band is refused at once;
values matched by expressions are checked the first time they are met.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from registry.errors import Unprocessable
from registry.harmonisation import bands
from registry.sdmx.model import (
    Codelist,
    ComponentMap,
    DataStructure,
    RepresentationMap,
    StructureMap,
    StructureSet,
)
from registry.sdmx.refs import Ref


class MapInvalid(Unprocessable):
    """A map that cannot be applied (unknown representation map, arity mismatch, bad expression)."""


@dataclass(slots=True)
class _Entry:
    targets: tuple[str, ...]
    valid_from: str | None
    valid_to: str | None

    def valid(self, start: str | None) -> bool:
        if start is None:
            return True
        if self.valid_from is not None and start < self.valid_from[:10]:
            return False
        return not (self.valid_to is not None and start > self.valid_to[:10])


@dataclass(slots=True)
class ValueLookup:
    """The mappings of one representation map (or codelist map), ready for lookups."""

    literal: dict[tuple[str, ...], list[_Entry]] = field(default_factory=dict)
    regex: list[tuple[tuple[re.Pattern[str] | None, ...], tuple[str, ...], _Entry]] = field(
        default_factory=list
    )

    def lookup(self, values: tuple[str, ...], start: str | None) -> tuple[str, ...] | None:
        """Target values for the source values at a period start (None: unmapped)."""
        found = self.match(values, start)
        return found[0] if found is not None else None

    def match(
        self, values: tuple[str, ...], start: str | None
    ) -> tuple[tuple[str, ...], bool] | None:
        """(target values, matched by an expression) for the source values at a period start."""
        for entry in self.literal.get(values, ()):
            if entry.valid(start):
                return entry.targets, False
        for patterns, literals, entry in self.regex:
            if not entry.valid(start):
                continue
            if all(
                (p.fullmatch(v) is not None) if p is not None else v == lit
                for p, lit, v in zip(patterns, literals, values, strict=True)
            ):
                return entry.targets, True
        return None

    def parts_of(self, targets: tuple[str, ...], start: str | None) -> set[str]:
        """Names of the national parts that make up ``targets`` at ``start``.

        A literal source value is a part of its own; all the values an expression matches count as
        *one* part (``~`` + the targets): expressions recognise spellings of one national value, they
        do not aggregate (two spellings of one cell in a file are duplicate data).
        """
        out = {
            "+".join(src)
            for src, entries in self.literal.items()
            if any(e.valid(start) and e.targets == targets for e in entries)
        }
        if any(e.valid(start) and e.targets == targets for _p, _l, e in self.regex):
            out.add("~" + "+".join(targets))
        return out

    @property
    def many_to_one(self) -> bool:
        """Whether several national parts map to one target (so observations are summed)."""
        counts: dict[tuple[tuple[str, ...], str | None, str | None], int] = {}
        for entries in self.literal.values():
            for e in entries:
                k = (e.targets, e.valid_from, e.valid_to)
                counts[k] = counts.get(k, 0) + 1
        regex_targets = {e.targets for _p, _l, e in self.regex}
        return any(n > 1 or k[0] in regex_targets for k, n in counts.items())


@dataclass(slots=True)
class Rule:
    """One component rule: source ids → target ids, through ``lookup`` or copied."""

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    lookup: ValueLookup | None = None


@dataclass(slots=True)
class CompiledMap:
    """A map ready to apply (see the module docstring)."""

    source: Ref | None
    target: Ref | None
    rules: list[Rule]
    fixed: dict[str, str]
    #: Target component id -> the bands of its codelist (age components only).
    age_targets: dict[str, dict[str, bands.Band]] = field(default_factory=dict)
    #: National code -> band, for national age codelists known at compile time.
    source_bands: dict[str, dict[str, bands.Band]] = field(default_factory=dict)

    @property
    def targets_set(self) -> set[str]:
        """Target components some rule or fixed value sets."""
        return {t for r in self.rules for t in r.targets} | set(self.fixed)

    @property
    def summing(self) -> bool:
        """Whether observations may be summed (some rule maps many values to one)."""
        return any(r.lookup is not None and r.lookup.many_to_one for r in self.rules)


def _compile_rep(rm: RepresentationMap) -> ValueLookup:
    lookup = ValueLookup()
    for m in rm.mappings:
        if len(m.source) != len(rm.sources) or len(m.target) != len(rm.targets):
            raise MapInvalid(
                f"{rm.ref}: a mapping has {len(m.source)} source and {len(m.target)} "
                f"target values for {len(rm.sources)} sources and {len(rm.targets)} targets"
            )
        entry = _Entry(tuple(m.target), m.valid_from, m.valid_to)
        flags = list(m.source_is_regex) + [False] * (len(m.source) - len(m.source_is_regex))
        if any(flags):
            try:
                patterns = tuple(
                    re.compile(v) if f else None for v, f in zip(m.source, flags, strict=True)
                )
            except re.error as exc:
                raise MapInvalid(f"{rm.ref}: bad regular expression in {m.source}: {exc}") from exc
            lookup.regex.append((patterns, tuple(m.source), entry))
        else:
            lookup.literal.setdefault(tuple(m.source), []).append(entry)
    return lookup


def _age_targets(
    target_dsd: DataStructure, codelists: Mapping[Ref, Codelist]
) -> dict[str, dict[str, bands.Band]]:
    out = {}
    for comp in (*target_dsd.dimensions, *target_dsd.attributes):
        rep = comp.local_representation
        if rep is None or rep.enumeration is None:
            continue
        cl = codelists.get(rep.enumeration.maintainable)
        if bands.is_age_codelist(cl):
            out[comp.id] = bands.codelist_bands(cl)
    return out


def compile_structure_map(
    sm: StructureMap,
    rep_maps: Mapping[Ref, RepresentationMap],
    target_dsd: DataStructure,
    codelists: Mapping[Ref, Codelist],
) -> CompiledMap:
    """Compile a 3.0 StructureMap (its representation maps given by reference)."""
    rules: list[Rule] = []
    source_bands: dict[str, dict[str, bands.Band]] = {}
    for cm in sm.component_maps:
        rules.append(_rule(cm, rep_maps, codelists, source_bands))
    fixed = {f.component: f.value for f in sm.fixed_values if f.role == "target"}
    compiled = CompiledMap(
        sm.source, sm.target, rules, fixed, _age_targets(target_dsd, codelists), source_bands
    )
    check_age_rules(compiled)
    return compiled


def _rule(
    cm: ComponentMap,
    rep_maps: Mapping[Ref, RepresentationMap],
    codelists: Mapping[Ref, Codelist],
    source_bands: dict[str, dict[str, bands.Band]],
) -> Rule:
    if cm.representation_map is None:
        if len(cm.source) != len(cm.target):
            raise MapInvalid(f"component map {cm.source} -> {cm.target} needs a representation map")
        return Rule(tuple(cm.source), tuple(cm.target))
    rm = rep_maps.get(cm.representation_map.maintainable)
    if rm is None:
        raise MapInvalid(f"representation map {cm.representation_map} is not available")
    if len(rm.sources) != len(cm.source) or len(rm.targets) != len(cm.target):
        raise MapInvalid(
            f"{rm.ref} maps {len(rm.sources)} to {len(rm.targets)} values but the component "
            f"map {cm.source} -> {cm.target} has {len(cm.source)} and {len(cm.target)}"
        )
    for comp, src in zip(cm.source, rm.sources, strict=True):
        cl = codelists.get(src.maintainable) if src is not None else None
        if cl is not None:
            found = bands.codelist_bands(cl)
            if found:
                source_bands[comp] = found
    return Rule(tuple(cm.source), tuple(cm.target), _compile_rep(rm))


def compile_structure_set(
    ss: StructureSet,
    target_dsd: DataStructure,
    codelists: Mapping[Ref, Codelist],
    source_dsd: DataStructure | None = None,
) -> CompiledMap:
    """Compile a 2.1 StructureSet's codelist maps (see the module docstring)."""

    def enumerated(dsd: DataStructure | None, cl: Ref) -> str | None:
        if dsd is None:
            return None
        for comp in (*dsd.dimensions, *dsd.attributes):
            rep = comp.local_representation
            if (
                rep is not None
                and rep.enumeration is not None
                and (rep.enumeration.agency, rep.enumeration.id) == (cl.agency, cl.id)
            ):
                return comp.id
        return None

    rules: list[Rule] = []
    source_bands: dict[str, dict[str, bands.Band]] = {}
    for clm in ss.codelist_maps:
        target = enumerated(target_dsd, clm.target)
        if target is None:
            raise MapInvalid(
                f"{ss.ref}: no component of {target_dsd.ref} is enumerated by {clm.target}"
            )
        source = enumerated(source_dsd, clm.source) or target
        lookup = ValueLookup()
        for src, tgt in clm.code_maps:
            lookup.literal.setdefault((src,), []).append(_Entry((tgt,), None, None))
        rules.append(Rule((source,), (target,), lookup))
        cl = codelists.get(clm.source.maintainable)
        if cl is not None and bands.codelist_bands(cl):
            source_bands[source] = bands.codelist_bands(cl)
    source = next((r for r in ss.related_structures if r != target_dsd.ref), None)
    compiled = CompiledMap(
        source, target_dsd.ref, rules, {}, _age_targets(target_dsd, codelists), source_bands
    )
    check_age_rules(compiled)
    return compiled


def check_age_rules(compiled: CompiledMap) -> None:
    """Refuse literal age mappings that split a national band or tile an IDAC band badly."""
    for rule in compiled.rules:
        if rule.lookup is None:
            continue
        for pos, target_comp in enumerate(rule.targets):
            tbands = compiled.age_targets.get(target_comp)
            if tbands is None or len(rule.sources) != 1:
                continue
            known = compiled.source_bands.get(rule.sources[0], {})
            by_target: dict[tuple[str, str | None, str | None], dict[str, bands.Band]] = {}
            for (src,), entries in rule.lookup.literal.items():
                band = known.get(src) or bands.band_of_code(src)
                for e in entries:
                    tgt = e.targets[pos]
                    bands.check_band(src, band, tgt, tbands)
                    if band is not None and tgt in tbands:
                        by_target.setdefault((tgt, e.valid_from, e.valid_to), {})[src] = band
            if rule.lookup.regex:
                continue  # expressions may add sources: tiling is checked on the data
            for (tgt, _f, _t), sources in by_target.items():
                bands.check_tiling(tgt, sources, tbands)


def check_value_band(compiled: CompiledMap, component: str, source: str, target: str) -> None:
    """Runtime check of one (national value, IDAC value) pair met in the data (expressions)."""
    tbands = compiled.age_targets.get(component)
    if tbands is None:
        return
    rule_sources = [
        r.sources[0] for r in compiled.rules if component in r.targets and len(r.sources) == 1
    ]
    known = compiled.source_bands.get(rule_sources[0], {}) if rule_sources else {}
    bands.check_band(source, known.get(source) or bands.band_of_code(source), target, tbands)
