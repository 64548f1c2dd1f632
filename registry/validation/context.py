"""What checks share: the structure compiled once per validator, and the batch of one chunk.

``Context`` is built once per ``Validator`` (immutable afterwards): code sets are ``frozenset`` per
component, text-format facets are compiled to one function per component, attribute attachment levels
and mandatory sets are precomputed.  Checks read it in ``start()`` and copy what they need into locals.

``Batch`` wraps one ``DataChunk`` with the ordinal of its first observation and computes, lazily and
once for all checks, the full series key of every observation (a tuple in DSD key order, excluding the
time dimension) and its time period.  In series layouts the key tuple is computed once per ``Series``
object and shared by all its observations.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from registry.formats.base import DataChunk, DataSetInfo, ResolvedStructure, Series
from registry.sdmx.model import Codelist, DataAttribute
from registry.sdmx.refs import Ref
from registry.validation.findings import Finding
from registry.validation.textformat import Checker, compile_text_format

Key = tuple[str | None, ...]

#: Attachment levels, coarse to fine.
DATASET, SERIES, OBSERVATION = "dataset", "series", "observation"
_LEVEL_ORDER = {DATASET: 0, SERIES: 1, OBSERVATION: 2}


@dataclass(slots=True)
class ValidationOptions:
    """Limits and switches of a validation run."""

    #: Examples kept per rule code (all occurrences are counted).
    max_examples_per_rule: int = 100
    #: Examples kept in total.
    max_findings: int = 10_000
    #: Stop after this many errors (None: never); the report is then partial.
    stop_after_errors: int | None = None
    #: Stop after this many observations (None: never); the report is then partial.
    max_observations: int | None = None
    #: OBS_STATUS codes that allow an empty or missing OBS_VALUE.  The rules file may override it.
    missing_value_statuses: frozenset[str] = frozenset({"M", "O", "L", "Q"})
    #: Distinct observation keys tracked for duplicates, in memory and on disk (see
    #: checks/duplicates.py); beyond it ``VAL-603`` warns that the check is incomplete.
    max_duplicate_keys: int = 5_000_000
    #: Values kept for additivity/coherence, in memory and on disk (see checks/content.py); beyond it
    #: ``VAL-790`` warns that later values were not checked.
    max_content_groups: int = 4_000_000
    #: Duplicate digests held in memory (about 100 bytes each) before a sorted run is written to disk
    #: (``registry.validation.spill``): bounds the memory of the duplicate check whatever the file size.
    memory_duplicate_keys: int = 200_000
    #: Additivity/coherence values held in memory (about 90 bytes each) before the oldest groups are
    #: moved to disk (``registry.validation.spill``).
    memory_content_values: int = 200_000
    #: Directory of the temporary spill files (None: the system temporary directory).
    spill_dir: str | None = None
    #: Rows remembered for the rejected-rows export (bitmap: 1 bit per observation, always complete) and
    #: series ordinals for series-level errors.
    max_rejected_series: int = 1_000_000
    #: Rows whose rule codes are remembered for the rejected-rows export.
    max_rejected_codes: int = 100_000
    #: Severity overrides per rule code (e.g. {"VAL-602": "error"}).
    severity: dict[str, str] = field(default_factory=dict)


class Context:
    """The structure of a validation, compiled once."""

    def __init__(
        self,
        structure: ResolvedStructure,
        codelists: Mapping[Ref, Codelist],
        options: ValidationOptions,
    ) -> None:
        dsd = structure.dsd
        self.structure = structure
        self.dsd = dsd
        self.options = options
        self.dsd_label = dsd.ref.short
        self.key_dims: tuple[str, ...] = tuple(d.id for d in dsd.key_dimensions)
        self.key_index = {d: i for i, d in enumerate(self.key_dims)}
        time_dim = dsd.time_dimension
        self.time_id: str | None = time_dim.id if time_dim else None
        self.dim_ids = frozenset(d.id for d in dsd.dimensions)
        primary = dsd.primary_measure
        self.measure_id = primary.id if primary else "OBS_VALUE"
        self.other_measures = frozenset(m.id for m in dsd.measures[1:])
        self.attr_ids = frozenset(a.id for a in dsd.attributes)
        #: Ids allowed in attribute maps: attributes and the non-primary measures (SDMX 3.0).
        self.attr_like_ids = self.attr_ids | self.other_measures
        self.attr_level = {a.id: _level(a, self.key_dims) for a in dsd.attributes}
        self.mandatory = {
            lvl: frozenset(
                a.id for a in dsd.attributes if a.mandatory and self.attr_level[a.id] == lvl
            )
            for lvl in (DATASET, SERIES, OBSERVATION)
        }
        self.freq_id = _freq_dimension(dsd)
        #: Component id -> allowed codes, for enumerated components whose codelist is available.
        self.codes: dict[str, frozenset[str]] = {}
        self.codelist_label: dict[str, str] = {}
        #: Enumerated components whose codelist is missing: (component, codelist label).
        self.missing_codelists: list[tuple[str, str]] = []
        #: Component id -> compiled text-format checker (non-enumerated, or facets on enumerations).
        self.checkers: dict[str, Checker] = {}
        by_key = {(r.agency, r.id, r.version): cl for r, cl in codelists.items()}
        by_id = {(r.agency, r.id): cl for r, cl in codelists.items()}
        for comp in (*dsd.dimensions, *dsd.attributes, *dsd.measures):
            rep = comp.local_representation
            if rep is None:
                continue
            if rep.enumeration is not None:
                e = rep.enumeration
                cl = by_key.get((e.agency, e.id, e.version)) or by_id.get((e.agency, e.id))
                self.codelist_label[comp.id] = e.short
                if cl is None:
                    self.missing_codelists.append((comp.id, e.short))
                else:
                    self.codes[comp.id] = frozenset(i.id for i in cl.items)
            elif comp.id != self.time_id:
                checker = compile_text_format(comp.id, rep.text_format)
                if checker is not None:
                    self.checkers[comp.id] = checker
        if self.measure_id not in self.checkers and self.measure_id not in self.codes:
            prim_rep = primary.local_representation if primary else None
            if (
                prim_rep is None
                or prim_rep.text_format is None
                or prim_rep.text_format.text_type is None
            ):
                # SDMX 2.1: a primary measure without representation is a number in practice (IDAC
                # uses Double); a non-numeric OBS_VALUE cannot be aggregated or checked.
                checker = compile_text_format(
                    self.measure_id,
                    prim_rep.text_format if prim_rep else None,
                    default_type="Double",
                )
                if checker is not None:
                    self.checkers[self.measure_id] = checker

        #: Attribute id -> [(allowed values, constraint label)] from the Allowed constraints' included
        #: cube regions (union over the regions of one constraint; every constraint must hold).
        self.attr_allowed: dict[str, list[tuple[frozenset[str], str]]] = {}
        for c in structure.constraints:
            if c.role == "Actual":
                continue
            per: dict[str, set[str]] = {}
            for region in c.cube_regions:
                for cid, cv in region.components.items():
                    if (cv.is_attribute or cid in self.attr_ids) and region.include and cv.include:
                        per.setdefault(cid, set()).update(cv.values)
            for a, vals in per.items():
                self.attr_allowed.setdefault(a, []).append((frozenset(vals), c.ref.short))

    def attr_pair_allowed(self, attr: str, value: str) -> bool:
        """True when the attribute constraints allow ``value``."""
        return all(value in vals for vals, _ in self.attr_allowed.get(attr, ()))

    def key_str(self, key: Key) -> str:
        """The dot-joined series key."""
        return ".".join(v or "" for v in key)

    def level_of(self, attr: str) -> str:
        """The attachment level of an attribute (observation for unknown ids)."""
        return self.attr_level.get(attr, OBSERVATION)

    @staticmethod
    def finer(given: str, declared: str) -> bool:
        """True when ``given`` is a finer level than ``declared``."""
        return _LEVEL_ORDER[given] > _LEVEL_ORDER[declared]

    @staticmethod
    def coarser(given: str, declared: str) -> bool:
        """True when ``given`` is a coarser level than ``declared``."""
        return _LEVEL_ORDER[given] < _LEVEL_ORDER[declared]


def _level(attr: DataAttribute, key_dims: tuple[str, ...]) -> str:
    rel = attr.relationship
    if rel.kind == "observation" or attr.measure_relationship:
        return OBSERVATION
    if rel.kind in ("dimensions", "group"):
        return SERIES  # series and group attributes are given once per (partial) key
    return DATASET


def _freq_dimension(dsd: Any) -> str | None:
    for d in dsd.dimensions:
        if d.id == "FREQ" or any(r.item == "FREQ" for r in d.concept_roles):
            return str(d.id)
    return None


#: Pairs remembered per learned set (dimension pairs per FREQ value; attribute pairs).
LEARN_LIMIT = 200_000


class Learned:
    """(component, value) pairs known to be valid, shared by the checks of one run.

    A pair is added (by the representation check) once its value passed the codelist, the text format,
    the time-period format and FREQ consistency (dimension pairs are kept per FREQ value) and the
    attribute constraints.  ``Batch.dirty()`` lists the observations with any pair not (yet) known,
    with one C-level subset test per map (``obs.dims.items() <= ok``); only those take the slow paths
    of the structure, representation and attribute-constraint checks.  Each set holds at most
    ``LEARN_LIMIT`` pairs (free-text values beyond it are simply re-checked every time).
    """

    def __init__(self) -> None:
        self.ok_dims: dict[str | None, set[tuple[str, str]]] = {}
        self.ok_attrs: set[tuple[str, str]] = set()

    def dims_for(self, freq: str | None) -> set[tuple[str, str]]:
        """The learned dimension pairs for one FREQ value."""
        ok = self.ok_dims.get(freq)
        if ok is None:
            ok = self.ok_dims[freq] = set()
        return ok


@dataclass(slots=True)
class Batch:
    """One chunk as the checks see it."""

    chunk: DataChunk
    ctx: Context
    #: 0-based ordinal of the chunk's first observation in the message.
    start: int
    #: True for the first chunk of a data set.
    new_dataset: bool
    learned: Learned = field(default_factory=Learned)
    _keys: list[Key] | None = None
    _periods: list[str | None] | None = None
    _dirty: list[int] | None = None
    _values: list[str | None] | None = None

    @property
    def dataset(self) -> DataSetInfo:
        """The data set of the chunk."""
        return self.chunk.dataset

    @property
    def observations(self) -> list[Any]:
        """The observations of the chunk."""
        return self.chunk.observations

    def keys(self) -> list[Key]:
        """The full series key of every observation (DSD key order, time excluded)."""
        if self._keys is None:
            self._keys = _full_keys(self.chunk.observations, self.ctx.key_dims)
        return self._keys

    def periods(self) -> list[str | None]:
        """The time period of every observation (None without a time dimension or value)."""
        if self._periods is None:
            tid = self.ctx.time_id
            # In cross-sectional layouts the time period is given at series (section) level.
            self._periods = (
                [o.dims.get(tid) or o.series.key.get(tid) for o in self.chunk.observations]
                if tid
                else [None] * len(self.chunk.observations)
            )
        return self._periods

    def values(self) -> list[str | None]:
        """The primary measure value of every observation, as written."""
        if self._values is None:
            self._values = [o.value for o in self.chunk.observations]
        return self._values

    def dirty(self) -> list[int]:
        """Indices of the observations with a (component, value) pair not known to be valid.

        Every observation of a series whose key or attributes are not all known is dirty too.
        """
        if self._dirty is None:
            self._dirty = _dirty(self.chunk.observations, self.learned, self.ctx.freq_id)
        return self._dirty

    def refine_dirty(self) -> None:
        """Drop from ``dirty()`` the observations whose pairs were all learned meanwhile (called by
        the representation check after its pass, so later checks examine only real suspects)."""
        if not self._dirty:
            return
        obs = self.chunk.observations
        learned = self.learned
        oka = learned.ok_attrs
        fid = self.ctx.freq_id
        out = []
        last = None
        series_ok = False
        ok: set[tuple[str, str]] = set()
        for i in self._dirty:
            o = obs[i]
            s = o.series
            if s is not last:
                last = s
                series_ok = self.clean(o, series_only=True)
                ok = learned.dims_for(s.key.get(fid) if fid else None)
            if not series_ok:
                out.append(i)
                continue
            dims = o.dims
            fok = learned.dims_for(dims.get(fid)) if fid and fid in dims else ok
            if not (dims.items() <= fok) or not (o.attrs.items() <= oka):
                out.append(i)
        self._dirty = out

    def clean(self, o: Any, series_only: bool = False) -> bool:
        """True when every pair of ``o`` (and its series) is now known (re-test of a dirty observation
        after pairs were learned earlier in the same batch)."""
        learned = self.learned
        fid = self.ctx.freq_id
        s = o.series
        oka = learned.ok_attrs
        if series_only:
            return bool(
                s.key.items() <= learned.dims_for(s.key.get(fid) if fid else None)
                and s.attrs.items() <= oka
            )
        freq = (s.key.get(fid) or o.dims.get(fid)) if fid else None
        ok = learned.dims_for(freq)
        return bool(
            s.key.items() <= ok
            and o.dims.items() <= ok
            and s.attrs.items() <= oka
            and o.attrs.items() <= oka
        )


def _dirty(observations: list[Any], learned: Learned, freq_id: str | None) -> list[int]:
    out: list[int] = []
    append = out.append
    ok_attrs = learned.ok_attrs
    dims_for = learned.dims_for
    last: Series | None = None
    ok: set[tuple[str, str]] = set()
    bad_series = False
    flat = False
    for i, o in enumerate(observations):
        s = o.series
        if s is not last:
            last = s
            freq = s.key.get(freq_id) if freq_id else None
            flat = freq is None and freq_id is not None
            ok = dims_for(freq)
            bad_series = not (s.key.items() <= ok) or not (s.attrs.items() <= ok_attrs)
        if bad_series:
            append(i)
            continue
        dims = o.dims
        if flat:
            ok = dims_for(dims.get(freq_id))
        attrs = o.attrs
        if not (dims.items() <= ok) or (attrs and not (attrs.items() <= ok_attrs)):
            append(i)
    return out


def _full_keys(observations: list[Any], key_dims: tuple[str, ...]) -> list[Key]:
    out: list[Key] = []
    append = out.append
    last: Series | None = None
    base: Key = ()
    gaps: list[int] = []
    for o in observations:
        s = o.series
        if s is not last:
            last = s
            sk = s.key
            base = tuple(sk.get(d) for d in key_dims)
            gaps = [i for i, v in enumerate(base) if v is None]
        if gaps:
            dims = o.dims
            if len(gaps) == len(key_dims):
                append(tuple(map(dims.get, key_dims)))
            else:
                k = list(base)
                for i in gaps:
                    k[i] = dims.get(key_dims[i])
                append(tuple(k))
        else:
            append(base)
    return out


class Check:
    """A plug-in check.  Hooks are generators of findings; the driver counts and keeps examples.

    ``start`` is called once per run with the compiled context, ``chunk`` once per batch, ``end`` once
    after the last batch (set-level checks such as additivity report there).
    """

    #: The rule codes this check may report (documentation and tests).
    codes: tuple[str, ...] = ()

    def start(self, ctx: Context) -> Iterator[Finding]:
        """Prepare per-run state."""
        self.ctx = ctx
        return iter(())

    def chunk(self, batch: Batch) -> Iterator[Finding]:
        """Check one batch."""
        return iter(())

    def end(self) -> Iterator[Finding]:
        """Report what needs the whole file."""
        return iter(())


def obs_location(batch: Batch, i: int, key: Key | None = None, **params: Any) -> dict[str, Any]:
    """Location parameters of observation ``i`` of a batch."""
    o = batch.chunk.observations[i]
    ctx = batch.ctx
    if key is None:
        key = batch.keys()[i]
    tid = ctx.time_id
    return {
        "line": o.line,
        "column": o.column,
        "row": batch.start + i + 1,
        "dataset": batch.chunk.dataset.index,
        "series_key": ctx.key_str(key),
        "time_period": o.dims.get(tid) if tid else None,
        **params,
    }
