"""Streaming writers of SDMX-CSV 1.0, SDMX-CSV 2.0 and plain CSV for spreadsheets.

Columns (SDMX-CSV field guides): 1.0 ``DATAFLOW``, then components; 2.0 ``STRUCTURE``,
``STRUCTURE_ID``, [``STRUCTURE_NAME`` with labels=name], ``ACTION``, [``SERIES_KEY``],
[``OBS_KEY``], then components.  Components come in DSD order grouped by role: dimensions (the
time dimension at its
DSD position), measures, attributes; with labels=name each component column is followed by a label
column.  Optional provenance columns close the row.

Design decisions:

* Output is produced row by row through ``csv.writer`` into a small text buffer that is encoded and
  yielded every ``_FLUSH_ROWS`` rows, so memory does not depend on the size of the answer.
* SDMX-CSV values are written *exactly* (no spreadsheet escaping): the SDMX media types are for
  machines, and changing a value would corrupt it.  ``PlainCsvWriter`` (``text/csv``, for people who
  open the file in a spreadsheet) neutralises formula injection: a text cell that starts with
  ``= + - @``, TAB or CR gets a leading ``'``.  Cells that are plain numbers (``-1.5``, ``+3``,
  ``1e-3``) are left alone so negative observation values stay numeric.
* Labels need names of components and codes, which a ``ResolvedStructure`` does not carry.  The
  writers take an optional ``names`` callable ``(component_id, code_or_None) -> name | None``
  (e.g. built by the API layer from the stored codelists and concept schemes); without it, or
  when it answers None, the id stands in for the name.
* timeFormat=normalized turns SDMX reporting periods into the ISO 8601 start date of the period
  (``2014-Q2`` -> ``2014-04-01``, ``2014-01`` -> ``2014-01-01``, ``2014-W01`` -> ``2013-12-30``);
  date-times and dates are kept.  The spec's "highest frequency in the message" rule needs the whole
  message before the first row, which streaming cannot know, so the start of the period is used.
* ``detail``: ``dataonly`` drops attribute columns; ``serieskeysonly`` writes one row per series
  with the series-level dimensions only; ``nodata`` one row per series with its attributes.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import ClassVar

from registry.formats.base import DataSetInfo, OutSeries, ResolvedStructure, WriteOptions
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import Component, DataStructure
from registry.sdmx.refs import ArtefactType, Ref

#: ``(component_id, code or None) -> localised name`` (None for "no name known").
NameLookup = Callable[[str, "str | None"], "str | None"]

#: Action name -> SDMX-CSV 2.0 ACTION letter.
ACTION_LETTERS = {"Information": "I", "Append": "A", "Replace": "R", "Delete": "D", "Merge": "M"}
#: Artefact type -> SDMX-CSV 2.0 STRUCTURE cell.
STRUCTURE_CELLS = {
    ArtefactType.DATAFLOW: "dataflow",
    ArtefactType.DATA_STRUCTURE: "datastructure",
    ArtefactType.PROVISION_AGREEMENT: "dataprovision",
}
_FLUSH_ROWS = 1000

_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_INJECTION_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix a quote to a spreadsheet cell that would be read as a formula (numbers are kept)."""
    if cell and cell.startswith(_INJECTION_START) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


# --- time normalisation (SDMX-CSV 2.0 timeFormat=normalized) --------------------------------------

_PERIOD = re.compile(r"^(\d{4})-?([ASTQMWD])(\d{1,3})$")
_MONTHS_PER = {"A": 12, "S": 6, "T": 4, "Q": 3}


def normalise_period(value: str) -> str:
    """The ISO 8601 start date of an SDMX time period; anything unrecognised is returned as is."""
    if len(value) == 4 and value.isdigit():
        return f"{value}-01-01"
    if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        return f"{value}-01"
    m = _PERIOD.match(value)
    if not m:
        return value  # dates, date-times, ranges: already ISO 8601
    year, kind, n = int(m[1]), m[2], int(m[3])
    try:
        if kind in _MONTHS_PER:
            return f"{year:04d}-{(n - 1) * _MONTHS_PER[kind] + 1:02d}-01"
        if kind == "M":
            return f"{year:04d}-{n:02d}-01"
        if kind == "W":
            return _dt.date.fromisocalendar(year, n, 1).isoformat()
        return (_dt.date(year, 1, 1) + _dt.timedelta(days=n - 1)).isoformat()  # D
    except ValueError:
        return value


# --- the writers -------------------------------------------------------------------------------


def structure_ref(structure: ResolvedStructure, dataset: DataSetInfo) -> Ref:
    """The reference written in the message: the data set's, else the dataflow, else the DSD."""
    if dataset.structure_ref is not None:
        return dataset.structure_ref
    if structure.provision_agreement is not None:
        return structure.provision_agreement.ref
    if structure.dataflow is not None:
        return structure.dataflow.ref
    return structure.dsd.ref


def _is_coded(comp: Component) -> bool:
    rep = comp.local_representation
    return rep is not None and rep.enumeration is not None


class _Column:
    """One component column: where its value comes from and how it is labelled."""

    __slots__ = ("id", "coded", "is_time", "role")

    def __init__(self, comp: Component, role: str, is_time: bool = False) -> None:
        self.id = comp.id
        self.coded = _is_coded(comp) or role == "dim"
        self.is_time = is_time
        self.role = role  # dim | measure | attr


class _CsvWriterBase:
    """Shared row machinery; subclasses choose the leading columns and the escaping."""

    name: ClassVar[str] = "SDMX-CSV"
    media_types: ClassVar[tuple[MediaType, ...]] = ()
    #: Whether cells are neutralised against spreadsheet formula injection.
    spreadsheet_safe: ClassVar[bool] = False

    def __init__(self, names: NameLookup | None = None, *, delimiter: str = ",") -> None:
        self.names = names
        self.delimiter = delimiter

    # hooks ------------------------------------------------------------------------------------
    def _lead_header(self, options: WriteOptions) -> list[str]:
        return []

    def _lead_cells(self, ref: Ref, action: str, options: WriteOptions) -> list[str]:
        return []

    def _keys_option(self, options: WriteOptions) -> tuple[bool, bool]:
        return False, False

    # helpers ----------------------------------------------------------------------------------
    def _name(self, component: str, code: str | None) -> str | None:
        return self.names(component, code) if self.names is not None else None

    def _columns(self, dsd: DataStructure, options: WriteOptions) -> list[_Column]:
        cols = [_Column(d, "dim", d.kind == "time") for d in dsd.dimensions]
        if options.detail == "serieskeysonly":
            obs_dims = self._obs_dims(dsd, options)
            return [c for c in cols if c.id not in obs_dims]
        if options.detail != "nodata":
            cols += [_Column(m, "measure") for m in dsd.measures]
        if options.detail != "dataonly":
            cols += [_Column(a, "attr") for a in dsd.attributes]
        if options.detail == "nodata":
            obs_dims = self._obs_dims(dsd, options)
            cols = [c for c in cols if c.id not in obs_dims]
        return cols

    @staticmethod
    def _obs_dims(dsd: DataStructure, options: WriteOptions) -> set[str]:
        if options.dimension_at_observation == "AllDimensions":
            return {d.id for d in dsd.dimensions}
        return {options.dimension_at_observation}

    def _header_cell(self, col: _Column, options: WriteOptions) -> list[str]:
        if options.labels == "both":
            return [f"{col.id}: {self._name(col.id, None) or col.id}"]
        if options.labels == "name":
            return [col.id, self._name(col.id, None) or col.id]
        return [col.id]

    def write(
        self,
        structure: ResolvedStructure,
        dataset: DataSetInfo,
        series: Iterable[OutSeries],
        options: WriteOptions,
    ) -> Iterator[bytes]:
        """Yield the CSV message in pieces of about ``_FLUSH_ROWS`` rows."""
        dsd = structure.dsd
        cols = self._columns(dsd, options)
        ref = structure_ref(structure, dataset)
        action = ACTION_LETTERS.get(dataset.action, "I")
        series_keys, obs_keys = self._keys_option(options)
        key_dims = [d.id for d in dsd.dimensions]
        obs_dims = self._obs_dims(dsd, options)
        series_key_dims = [d for d in key_dims if d not in obs_dims]
        labels, normalise_time = options.labels, options.time_format == "normalized"
        safe = self.spreadsheet_safe
        per_series = options.detail in ("serieskeysonly", "nodata")

        buf = io.StringIO()
        out = csv.writer(buf, delimiter=self.delimiter, lineterminator="\r\n")
        lead = self._lead_cells(ref, action, options)
        header = self._lead_header(options)
        if series_keys:
            header.append("SERIES_KEY")
        if obs_keys:
            header.append("OBS_KEY")
        for col in cols:
            header += self._header_cell(col, options)
        if safe:
            header = [neutralise(h) for h in header]
        prov_cols: list[str] | None = None if options.provenance and not per_series else []
        pending_header: list[str] | None = header
        rows = 0

        def cell_values(col: _Column, value: str | None) -> list[str]:
            if value is None:
                return ["", ""] if labels == "name" else [""]
            if col.is_time and normalise_time:  # spec example: a bare ISO date, no label
                value = normalise_period(value)
                return [value, ""] if labels == "name" else [value]
            if safe:
                value = neutralise(value)
            if labels == "both" and col.coded:
                return [f"{value}: {self._name(col.id, value) or value}"]
            if labels == "name":
                name = self._name(col.id, value) if col.coded else None
                return [value, (neutralise(name) if safe else name) if name else ""]
            return [value]

        for s in series:
            skey = ".".join(s.key.get(d, "") for d in series_key_dims) if series_keys else ""
            if per_series:
                values = {**dataset.attrs, **s.key, **s.attrs}
                row = list(lead)
                if series_keys:
                    row.append(skey)
                for col in cols:
                    row += cell_values(col, values.get(col.id))
                if pending_header is not None:
                    out.writerow(pending_header)
                    pending_header = None
                out.writerow(row)
                rows += 1
                if rows >= _FLUSH_ROWS:
                    yield buf.getvalue().encode("utf-8")
                    buf.seek(0)
                    buf.truncate()
                    rows = 0
                continue
            base = {**dataset.attrs, **s.attrs, **s.key}
            measure_ids = [c.id for c in cols if c.role == "measure"]
            for o in s.observations:
                values = {**base, **o.attrs, **o.dims}
                if measure_ids and o.value is not None:
                    values[measure_ids[0]] = o.value
                if prov_cols is None:
                    prov_cols = list(o.provenance or {})
                    pending_header = (pending_header or []) + prov_cols
                row = list(lead)
                if series_keys:
                    row.append(skey)
                if obs_keys:
                    row.append(".".join(values.get(d, "") for d in key_dims))
                for col in cols:
                    row += cell_values(col, values.get(col.id))
                if prov_cols:
                    prov = o.provenance or {}
                    row += [
                        neutralise(prov.get(p, "")) if safe else prov.get(p, "") for p in prov_cols
                    ]
                if pending_header is not None:
                    out.writerow(pending_header)
                    pending_header = None
                out.writerow(row)
                rows += 1
                if rows >= _FLUSH_ROWS:
                    yield buf.getvalue().encode("utf-8")
                    buf.seek(0)
                    buf.truncate()
                    rows = 0
        if pending_header is not None:
            out.writerow(pending_header)
        tail = buf.getvalue()
        if tail:
            yield tail.encode("utf-8")


class CsvWriter10(_CsvWriterBase):
    """SDMX-CSV 1.0: first column ``DATAFLOW`` with ``AGENCY:ID(VERSION)``."""

    name: ClassVar[str] = "SDMX-CSV 1.0"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.DATA_CSV_10,)

    def _lead_header(self, options: WriteOptions) -> list[str]:
        return ["DATAFLOW"]

    def _lead_cells(self, ref: Ref, action: str, options: WriteOptions) -> list[str]:
        return [ref.short]


class CsvWriter20(_CsvWriterBase):
    """SDMX-CSV 2.0: ``STRUCTURE``, ``STRUCTURE_ID``, ``ACTION`` and optional key columns."""

    name: ClassVar[str] = "SDMX-CSV 2.0"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.DATA_CSV_20,)

    def _lead_header(self, options: WriteOptions) -> list[str]:
        if options.labels == "name":
            return ["STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION"]
        return ["STRUCTURE", "STRUCTURE_ID", "ACTION"]

    def _lead_cells(self, ref: Ref, action: str, options: WriteOptions) -> list[str]:
        kind = STRUCTURE_CELLS.get(ref.type, "dataflow")
        if options.labels == "name":
            return [kind, ref.short, self._name(ref.id, None) or ref.id, action]
        if options.labels == "both":
            return [kind, f"{ref.short}: {self._name(ref.id, None) or ref.id}", action]
        return [kind, ref.short, action]

    def _keys_option(self, options: WriteOptions) -> tuple[bool, bool]:
        return options.keys in ("series", "both"), options.keys in ("obs", "both")


class PlainCsvWriter(_CsvWriterBase):
    """``text/csv`` for spreadsheets: component columns only, safe against formula injection."""

    name: ClassVar[str] = "CSV (spreadsheet)"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.CSV,)
    spreadsheet_safe: ClassVar[bool] = True
