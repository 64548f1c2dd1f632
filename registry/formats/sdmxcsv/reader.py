"""Streaming reader of SDMX-CSV 1.0 and 2.0 data messages.

Format facts (SDMX-CSV 1.0 and 2.0 field guides, github.com/sdmx-twg/sdmx-csv):

* 1.0: the first column is ``DATAFLOW`` and holds ``AGENCY:ID(VERSION)`` of a dataflow.
* 2.0: the first two columns are ``STRUCTURE`` (``dataflow``, ``datastructure`` or
  ``dataprovision``) and ``STRUCTURE_ID``; then an optional ``ACTION`` column (I/A/R/D/M per
  row; absent means "Information" for the whole message), optional ``STRUCTURE_NAME`` (labels=name), optional
  ``SERIES_KEY``/``OBS_KEY`` (keys=...), then components in any order, then custom columns.
* The field separator is the character that follows ``STRUCTURE`` (or ``STRUCTURE[x]``, where ``x``
  is the sub-field separator of multi-valued components) in the header; 1.0 files are read the same
  way after ``DATAFLOW``.  ``ID[]`` / ``ID[en;fr]`` headers name component ``ID``.
* labels=both writes ``ID: Name`` in headers and coded cells; the part before the first ``": "`` is
  taken (only in coded cells: dimensions and enumerated attributes; free text is left alone).
  labels=name adds a label column after each component column; those columns are skipped.
* Empty cells are *absent* values: empty dimensions are left out of ``Obs.dims`` (a wildcard in
  Delete rows, a missing dimension the validator reports otherwise), empty attributes are left out
  of ``Obs.attrs`` and an empty measure gives ``Obs.value = None``.

Design: the ``csv`` module does the tokenising in C.  Per structure the reader precomputes, once,
``operator.itemgetter`` objects for the dimension and attribute columns, so a row costs one
``zip`` per role and one ``Obs``.  The file is decoded incrementally (``TextIOWrapper``), so memory
is bounded by ``batch_size`` whatever the file size.  SDMX-CSV is flat, so every observation belongs
to the data set's single empty ``Series`` and ``dimension_at_observation`` is ``AllDimensions``.
Custom columns (e.g. ``UPDATED``) are passed through in ``Obs.attrs`` so the validator can name
them.  One ``DataSetInfo`` is created per distinct structure reference (rows of several structures
may be interleaved; the same object comes back for each of its chunks).
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, ClassVar

from registry.errors import InvalidReference, MessageSyntaxError
from registry.formats.base import (
    BATCH_SIZE,
    DataChunk,
    DataSetInfo,
    Obs,
    ResolvedStructure,
    Series,
    StructureResolver,
)
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.refs import ArtefactType, Ref

#: SDMX-CSV 2.0 ``STRUCTURE`` cell -> artefact type (lower-cased; a few spellings seen in the wild).
STRUCTURE_TYPES: dict[str, ArtefactType] = {
    "dataflow": ArtefactType.DATAFLOW,
    "datastructure": ArtefactType.DATA_STRUCTURE,
    "dataprovision": ArtefactType.PROVISION_AGREEMENT,
    "provisionagreement": ArtefactType.PROVISION_AGREEMENT,
}

#: SDMX-CSV 2.0 ``ACTION`` letters -> action names used in ``DataSetInfo.action`` / ``Obs.action``.
ACTIONS: dict[str, str] = {
    "I": "Information",
    "A": "Append",
    "R": "Replace",
    "D": "Delete",
    "M": "Merge",
}

#: Columns with a fixed meaning that carry no component value.
_SKIPPED = frozenset({"SERIES_KEY", "OBS_KEY", "STRUCTURE_NAME"})


def _component_id(header_cell: str) -> str:
    """``ID``, ``ID: Name``, ``ID[]`` or ``ID[en;fr]`` -> ``ID``."""
    cell = header_cell.partition(": ")[0].strip()
    return cell.partition("[")[0]


def _sniff_header(first_line: str) -> tuple[int, str] | None:
    """Return (SDMX-CSV major version, field delimiter) for a header line, or None."""
    line = first_line.lstrip("\ufeff")
    quoted = line.startswith('"')
    if quoted:
        line = line[1:]
    for keyword, version in (("STRUCTURE", 2), ("DATAFLOW", 1)):
        if not line.startswith(keyword):
            continue
        tail = line[len(keyword) :]
        if tail.startswith("["):  # STRUCTURE[;]: sub-field separator of multi-valued components
            close = tail.find("]")
            if close < 0:
                return None
            tail = tail[close + 1 :]
        if quoted:
            if not tail.startswith('"'):
                return None
            tail = tail[1:]
        if not tail:
            return None
        delimiter = tail[0]
        if delimiter.isalnum() or delimiter in '_:"\r\n':
            return None  # e.g. a first column STRUCTURE_ID or DATAFLOWS: not SDMX-CSV
        if version == 2 and not tail[1:].lstrip('"').startswith("STRUCTURE_ID"):
            return None
        return version, delimiter
    return None


@dataclass(slots=True)
class _Layout:
    """How to turn the rows of one structure into observations (computed once per structure)."""

    dataset: DataSetInfo
    series: Series
    dim_ids: tuple[str, ...]
    dim_get: Callable[[list[str]], tuple[str, ...]]
    attr_ids: tuple[str, ...]
    attr_get: Callable[[list[str]], tuple[str, ...]]
    value_index: int | None
    #: Columns whose cells are ``code: name`` under labels=both (indices into the row).
    strip_cols: tuple[int, ...]
    #: False until the data set's action has been taken from its first row's ACTION cell.
    action_fixed: bool


def _getter(indices: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """An itemgetter that always returns a tuple."""
    if not indices:
        return lambda row: ()
    if len(indices) == 1:
        i = indices[0]
        return lambda row: (row[i],)
    return itemgetter(*indices)


class CsvReader:
    """SDMX-CSV 1.0 (first column ``DATAFLOW``) and 2.0 (``STRUCTURE``, ``STRUCTURE_ID``)."""

    name: ClassVar[str] = "SDMX-CSV"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.DATA_CSV_10, MediaType.DATA_CSV_20)
    suffixes: ClassVar[tuple[str, ...]] = (".csv",)

    @classmethod
    def handles(cls, head: bytes) -> bool:
        """True when the header row starts with ``DATAFLOW`` or ``STRUCTURE``,``STRUCTURE_ID``."""
        text = head[:4096].decode("utf-8", errors="ignore")
        first = text.split("\n", 1)[0]
        return _sniff_header(first) is not None

    def read(
        self, source: IO[bytes], resolve: StructureResolver, *, batch_size: int = BATCH_SIZE
    ) -> Iterator[DataChunk]:
        """Yield one chunk stream per structure reference found in the rows."""
        text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
        try:
            yield from self._read(text, resolve, batch_size)
        except UnicodeDecodeError as exc:
            raise MessageSyntaxError(f"SDMX-CSV is not valid UTF-8: {exc.reason}") from None
        finally:
            with contextlib.suppress(ValueError):  # already detached
                text.detach()  # leave the caller's stream open

    # --- internals ----------------------------------------------------------------------------

    def _read(
        self, text: io.TextIOWrapper, resolve: StructureResolver, batch_size: int
    ) -> Iterator[DataChunk]:
        first = text.readline()
        sniffed = _sniff_header(first)
        if sniffed is None:
            raise MessageSyntaxError(
                "Not SDMX-CSV: the header row must start with DATAFLOW (SDMX-CSV 1.0) or "
                "STRUCTURE,STRUCTURE_ID (SDMX-CSV 2.0)",
                line=1,
            )
        version, delimiter = sniffed
        try:
            header = next(csv.reader([first], delimiter=delimiter))
        except (csv.Error, StopIteration) as exc:
            raise MessageSyntaxError(f"Unreadable SDMX-CSV header: {exc}", line=1) from None
        ncols = len(header)
        ids = [_component_id(h) for h in header]
        labels_both = any(": " in h for h in header[1:])
        labels_name = "STRUCTURE_NAME" in ids
        first_component = 2 if version == 2 else 1
        if version == 2 and ncols > 2 and ids[2] == "STRUCTURE_NAME":
            first_component = 3  # labels=name
        has_action = version == 2 and ncols > first_component and ids[first_component] == "ACTION"
        action_index = first_component
        if has_action:
            first_component += 1
        columns = [(i, ids[i]) for i in range(first_component, ncols)]

        layouts: dict[tuple[str, str], _Layout] = {}
        current: _Layout | None = None
        # Rows of one structure usually follow each other: compare the raw cells, cheaply.
        sid = 1 if version == 2 else 0
        last_kind = last_id = "\x00"
        batch: list[Obs] = []
        reader = csv.reader(text, delimiter=delimiter)
        index = 0
        default_action = "Information" if version == 2 and not has_action else None
        # Per-layout values bound to locals: the loop below runs once per row.
        series = Series()
        dim_ids: tuple[str, ...] = ()
        attr_ids: tuple[str, ...] = ()
        dim_get = attr_get = _getter([])
        vi = -1  # column of the primary measure, -1 when there is none
        strip_cols: tuple[int, ...] = ()
        action: str | None = None
        consumed = 1  # physical lines consumed so far (the header)
        append = batch.append
        try:
            for row in reader:
                line = consumed + 1
                consumed = reader.line_num + 1  # +1: the header was read before the csv reader
                if len(row) != ncols:
                    if not row or (len(row) == 1 and not row[0]):
                        continue  # blank line
                    raise MessageSyntaxError(
                        f"SDMX-CSV row has {len(row)} fields, the header has {ncols}", line=line
                    )
                if row[sid] != last_id or row[0] != last_kind:
                    key = (row[0], row[1]) if version == 2 else ("dataflow", row[0])
                    layout = layouts.get(key)
                    if layout is None:
                        ref = self._ref(key, line)
                        layout = self._layout(
                            ref,
                            resolve(ref),
                            columns,
                            labels_both,
                            labels_name,
                            index,
                            default_action,
                            has_action,
                        )
                        index += 1
                        layouts[key] = layout
                    if layout is not current:
                        if batch and current is not None:
                            yield DataChunk(current.dataset, batch)
                            batch = []
                            append = batch.append
                        current = layout
                        series, strip_cols = layout.series, layout.strip_cols
                        vi = -1 if layout.value_index is None else layout.value_index
                        dim_ids, dim_get = layout.dim_ids, layout.dim_get
                        attr_ids, attr_get = layout.attr_ids, layout.attr_get
                    last_kind, last_id = row[0], row[sid]
                if strip_cols:
                    for i in strip_cols:
                        row[i] = row[i].partition(": ")[0]
                if has_action:
                    letter = row[action_index]
                    action = ACTIONS.get(letter.strip().upper(), letter) if letter else None
                    if action is not None and not current.action_fixed:  # type: ignore[union-attr]
                        # The data set's action is its first row's (rows may differ).
                        current.dataset.action = action  # type: ignore[union-attr]
                        current.action_fixed = True  # type: ignore[union-attr]
                vals = dim_get(row)
                dims = dict(zip(dim_ids, vals, strict=False))
                if "" in vals:
                    dims = {k: v for k, v in dims.items() if v}
                vals = attr_get(row)
                attrs = dict(zip(attr_ids, vals, strict=False))
                if "" in vals:
                    attrs = {k: v for k, v in attrs.items() if v}
                append(
                    Obs(
                        series,
                        dims,
                        row[vi] or None if vi >= 0 else None,
                        attrs,
                        line,
                        None,
                        action,
                    )
                )
                if len(batch) >= batch_size:
                    yield DataChunk(current.dataset, batch)  # type: ignore[union-attr]
                    batch = []
                    append = batch.append
        except csv.Error as exc:
            raise MessageSyntaxError(
                f"Malformed SDMX-CSV: {exc}", line=reader.line_num + 1
            ) from None
        if current is None:
            return  # header only: no data set
        if batch:
            yield DataChunk(current.dataset, batch)

    @staticmethod
    def _ref(key: tuple[str, str], line: int) -> Ref:
        kind, ident = key
        rtype = STRUCTURE_TYPES.get(kind.strip().lower())
        if rtype is None:
            raise MessageSyntaxError(
                f"Unknown SDMX-CSV STRUCTURE {kind!r} (expected dataflow, datastructure or "
                "dataprovision)",
                line=line,
            )
        ident = ident.strip()
        if ": " in ident:  # labels=both: "AGENCY:ID(1.0): Name"
            ident = ident.partition(": ")[0]
        if "(" not in ident and not ident.startswith("urn:") and ident.count(":") == 1:
            ident += "(1.0)"  # SDMX 3.0 allows AGENCY:ID for non-versioned artefacts
        try:
            return Ref.parse_short(ident, rtype)
        except InvalidReference as exc:
            raise MessageSyntaxError(
                f"Bad structure identifier: {exc.message}", line=line
            ) from None

    @staticmethod
    def _layout(
        ref: Ref,
        structure: ResolvedStructure,
        columns: list[tuple[int, str]],
        labels_both: bool,
        labels_name: bool,
        index: int,
        default_action: str | None,
        has_action: bool,
    ) -> _Layout:
        dsd = structure.dsd
        dim_set = {d.id for d in dsd.dimensions}
        measure_ids = [m.id for m in dsd.measures]
        primary = measure_ids[0] if measure_ids else None
        coded_attrs = {
            a.id
            for a in dsd.attributes
            if a.local_representation is not None and a.local_representation.enumeration is not None
        }
        known = dim_set | set(measure_ids) | {a.id for a in dsd.attributes}
        dims: list[tuple[int, str]] = []
        attrs: list[tuple[int, str]] = []
        strip: list[int] = []
        value_index: int | None = None
        skip_next = False
        for i, cid in columns:
            if skip_next:  # labels=name: the label column that follows a component column
                skip_next = False
                continue
            if cid in _SKIPPED:
                continue
            if labels_name and cid in known:
                skip_next = True
            if cid in dim_set:
                dims.append((i, cid))
                if labels_both:
                    strip.append(i)
            elif cid == primary:
                value_index = i
            else:
                attrs.append((i, cid))
                if labels_both and cid in coded_attrs:
                    strip.append(i)
        # Key order of the DSD, whatever the column order.
        order = {d.id: d.position if d.position else n for n, d in enumerate(dsd.dimensions)}
        dims.sort(key=lambda t: order.get(t[1], 0))
        dataset = DataSetInfo(
            structure_ref=ref,
            structure=structure,
            dimension_at_observation="AllDimensions",
            index=index,
        )
        if default_action is not None:
            dataset.action = default_action
        return _Layout(
            dataset=dataset,
            series=Series(),
            dim_ids=tuple(c for _, c in dims),
            dim_get=_getter([i for i, _ in dims]),
            attr_ids=tuple(c for _, c in attrs),
            attr_get=_getter([i for i, _ in attrs]),
            value_index=value_index,
            strip_cols=tuple(strip),
            action_fixed=not has_action,
        )
