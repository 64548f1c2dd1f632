"""The validation report: one object, one marshmallow schema, an HTML rendering, rejected-rows export.

JSON (``Report.to_dict(lang)``, schema ``ReportSchema``), top level::

    valid, structure, observations, series, datasets, periods, errors, warnings,
    rules: {code: count}, findings: [{code, severity, title, message, messages: {en, es},
    location: {line, column, row, dataset, series_key, time_period, component, value}, count}],
    duration, partial, truncated, rejected_rows

``rules`` counts *every* occurrence; ``findings`` holds the kept examples (bounded per rule), each with
``count`` = the occurrences it stands for.  ``partial`` means the run stopped early (limit or unreadable
message); ``truncated`` means some examples were not kept (counts are still complete).

HTML (``Report.to_html(lang)``) uses ``templates/report.html`` (Jinja2, autoescaped), groups findings by
rule and is bilingual (``lang`` = ``en`` or ``es``).

Rejected rows (``Report.write_rejected_csv``): SDMX-CSV 2.0 rows of the observations that have errors.
The report keeps only a bitmap of rejected observation ordinals (see ``RejectedRows``); the caller
re-reads the upload and passes the chunks again (second pass).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from marshmallow import Schema, fields

from registry.formats.base import DataChunk, Obs
from registry.validation.findings import Finding, Rule

if TYPE_CHECKING:
    from registry.validation.context import Context

_TEMPLATES = Path(__file__).parent / "templates"


class RejectedRows:
    """Which observations (by 0-based ordinal in the message) have at least one error.

    A bitmap: 1 bit per observation up to the last rejected one, so at most 125 KB per million
    observations, never truncated.  The rule codes of the first ``max_codes`` rejected rows are kept
    too (for the optional ``VALIDATION_CODES`` column of the export).
    """

    def __init__(self, max_codes: int = 100_000, max_series: int = 1_000_000) -> None:
        self.bits = bytearray()
        self.count = 0
        self.codes: dict[int, list[str]] = {}
        self.max_codes = max_codes
        self.codes_complete = True

    def add(self, ordinal: int, code: str) -> None:
        """Mark a row."""
        byte, bit = ordinal >> 3, 1 << (ordinal & 7)
        bits = self.bits
        if byte >= len(bits):
            bits.extend(bytes(byte - len(bits) + 4096))
        if not bits[byte] & bit:
            bits[byte] |= bit
            self.count += 1
        codes = self.codes.get(ordinal)
        if codes is None:
            if len(self.codes) < self.max_codes:
                self.codes[ordinal] = [code]
            else:
                self.codes_complete = False
        elif code not in codes:
            codes.append(code)

    def __contains__(self, ordinal: int) -> bool:
        byte = ordinal >> 3
        return byte < len(self.bits) and bool(self.bits[byte] & (1 << (ordinal & 7)))

    def __len__(self) -> int:
        return self.count

    def select(self, chunks: Iterable[DataChunk]) -> Iterator[tuple[int, DataChunk, Obs]]:
        """Second pass: the rejected observations of a re-read of the same message."""
        ordinal = 0
        for chunk in chunks:
            if self.count:
                for o in chunk.observations:
                    if ordinal in self:
                        yield ordinal, chunk, o
                    ordinal += 1
            else:
                ordinal += len(chunk.observations)


_ACTIONS = {"Replace": "R", "Append": "A", "Merge": "M", "Delete": "D", "Information": "I"}
_STRUCTURE_KIND = {
    "DATAFLOW": "dataflow",
    "DATA_STRUCTURE": "datastructure",
    "PROVISION_AGREEMENT": "dataprovision",
}


@dataclass(slots=True)
class Report:
    """The result of a validation run."""

    valid: bool
    observations: int
    series: int
    datasets: int
    periods: int
    errors: int
    warnings: int
    #: rule code -> number of occurrences (all of them).
    rules: dict[str, int]
    #: Kept examples.
    findings: list[Finding]
    duration: float
    partial: bool = False
    truncated: bool = False
    structure: str = ""
    catalogue: dict[str, Rule] = field(default_factory=dict)
    rejected: RejectedRows = field(default_factory=RejectedRows)
    context: Context | None = None

    @property
    def stats(self) -> dict[str, int]:
        """The counts, as one mapping."""
        return {
            "observations": self.observations,
            "series": self.series,
            "datasets": self.datasets,
            "periods": self.periods,
            "errors": self.errors,
            "warnings": self.warnings,
        }

    def flatten(self, spec: Iterable[str] = ("code", "row", "component")) -> list[list[Any]]:
        """Table-style view of the kept findings, e.g. ``[["VAL-301", 3, "REF_AREA"]]``."""
        spec = tuple(spec)
        out = []
        for f in self.findings:
            row = []
            for name in spec:
                row.append(
                    getattr(f, name)
                    if name in ("code", "severity", "count") or hasattr(f, name)
                    else f.params.get(name)
                )
            out.append(row)
        return out

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON form (``ReportSchema``)."""
        return ReportSchema(lang=lang).dump(self)  # type: ignore[no-any-return]

    def to_html(self, lang: str = "en") -> str:
        """A self-contained HTML page, grouped by rule."""
        lang = lang if lang in _LABELS else "en"
        groups = []
        for code, count in sorted(self.rules.items()):
            rule = self.catalogue.get(code)
            examples = [f for f in self.findings if f.code == code]
            severity = examples[0].severity if examples else (rule.severity if rule else "error")
            groups.append(
                {
                    "code": code,
                    "count": count,
                    "title": rule.title_in(lang) if rule else code,
                    "severity": severity,
                    "examples": [
                        {"message": f.message(lang), **f.location, "count": f.count}
                        for f in examples
                    ],
                }
            )
        return str(
            _environment()
            .get_template("report.html")
            .render(r=self, groups=groups, t=_LABELS[lang], lang=lang)
        )

    def write_rejected_csv(
        self, chunks: Iterable[DataChunk], out: IO[str], *, with_codes: bool = False
    ) -> int:
        """Write the rejected rows of a second read of the message as SDMX-CSV 2.0; return the count.

        Columns: ``STRUCTURE, STRUCTURE_ID, ACTION``, the dimensions in DSD order, the measures, the
        attributes (data set, series and observation values merged).  ``with_codes`` appends a
        non-standard ``VALIDATION_CODES`` column (the rule codes of the row, when remembered).
        """
        ctx = self.context
        if ctx is None:
            raise ValueError("the report has no structure context")
        st = ctx.structure
        artefact = st.provision_agreement or st.dataflow or st.dsd
        kind = _STRUCTURE_KIND.get(artefact.type.name, "datastructure")
        dims = [*ctx.key_dims, *((ctx.time_id,) if ctx.time_id else ())]
        measures = [m.id for m in ctx.dsd.measures] or [ctx.measure_id]
        attrs = [a.id for a in ctx.dsd.attributes]
        header = ["STRUCTURE", "STRUCTURE_ID", "ACTION", *dims, *measures, *attrs]
        if with_codes:
            header.append("VALIDATION_CODES")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        n = 0
        for ordinal, chunk, o in self.rejected.select(chunks):
            ds = chunk.dataset
            s = o.series
            row = [kind, artefact.ref.short, _ACTIONS.get(o.action or ds.action, "I")]
            row += [s.key.get(d) or o.dims.get(d) or "" for d in dims]
            row += [
                (o.value or "") if m == ctx.measure_id else o.attrs.get(m, "") for m in measures
            ]
            row += [o.attrs.get(a) or s.attrs.get(a) or ds.attrs.get(a) or "" for a in attrs]
            if with_codes:
                row.append(" ".join(self.rejected.codes.get(ordinal, [])))
            writer.writerow(row)
            n += 1
        return n

    def rejected_csv(self, chunks: Iterable[DataChunk], *, with_codes: bool = False) -> str:
        """``write_rejected_csv`` into a string."""
        buf = io.StringIO()
        self.write_rejected_csv(chunks, buf, with_codes=with_codes)
        return buf.getvalue()


class LocationSchema(Schema):
    """Where a finding is."""

    line = fields.Int(allow_none=True)
    column = fields.Int(allow_none=True)
    row = fields.Int(allow_none=True)
    dataset = fields.Int(allow_none=True)
    series_key = fields.Str(allow_none=True)
    time_period = fields.Str(allow_none=True)
    component = fields.Str(allow_none=True)
    value = fields.Str(allow_none=True)


class FindingSchema(Schema):
    """One finding in the language of the report."""

    code = fields.Str()
    severity = fields.Str()
    title = fields.Method("get_title")
    #: Spanish title, so a report stored in English can be shown in either language.
    title_es = fields.Method("get_title_es")
    message = fields.Method("get_message")
    messages = fields.Method("get_messages")
    location = fields.Method("get_location")
    count = fields.Int()

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang

    def get_title(self, f: Finding) -> str:
        return f.rule.title_in(self.lang)

    def get_title_es(self, f: Finding) -> str:
        return f.rule.title_in("es")

    def get_message(self, f: Finding) -> str:
        return f.message(self.lang)

    def get_messages(self, f: Finding) -> dict[str, str]:
        return {"en": f.message_en, "es": f.message_es}

    def get_location(self, f: Finding) -> dict[str, Any]:
        loc = {
            k: (str(v) if k in ("series_key", "time_period", "component", "value") else v)
            for k, v in f.location.items()
        }
        return LocationSchema().dump(loc)  # type: ignore[no-any-return]


class ReportSchema(Schema):
    """The report as JSON."""

    valid = fields.Bool()
    structure = fields.Str()
    observations = fields.Int()
    series = fields.Int()
    datasets = fields.Int()
    periods = fields.Int()
    errors = fields.Int()
    warnings = fields.Int()
    rules = fields.Dict(keys=fields.Str(), values=fields.Int())
    findings = fields.Method("get_findings")
    duration = fields.Float()
    partial_ = fields.Bool(attribute="partial", data_key="partial")
    truncated = fields.Bool()
    rejected_rows = fields.Method("get_rejected")

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang

    def get_findings(self, r: Report) -> list[dict[str, Any]]:
        return FindingSchema(lang=self.lang, many=True).dump(r.findings)  # type: ignore[no-any-return]

    def get_rejected(self, r: Report) -> int:
        return len(r.rejected)


_LABELS = {
    "en": {
        "title": "Validation report",
        "valid": "Valid",
        "invalid": "Not valid",
        "structure": "Structure",
        "observations": "Observations",
        "series": "Series",
        "datasets": "Data sets",
        "periods": "Periods",
        "errors": "Errors",
        "warnings": "Warnings",
        "rule": "Rule",
        "count": "Occurrences",
        "severity": "Severity",
        "error": "error",
        "warning": "warning",
        "row": "Row",
        "line": "Line",
        "series_key": "Series key",
        "time_period": "Period",
        "component": "Component",
        "value": "Value",
        "message": "Message",
        "partial": "Validation stopped early: the file was not checked completely.",
        "truncated": "Only the first examples of each rule are shown; the counts include every occurrence.",
        "same": "same problem on {n} observations",
        "duration": "Duration",
        "none": "No problems found.",
        "rejected": "Observations with errors",
    },
    "es": {
        "title": "Informe de validación",
        "valid": "Válido",
        "invalid": "No válido",
        "structure": "Estructura",
        "observations": "Observaciones",
        "series": "Series",
        "datasets": "Conjuntos de datos",
        "periods": "Períodos",
        "errors": "Errores",
        "warnings": "Advertencias",
        "rule": "Regla",
        "count": "Ocurrencias",
        "severity": "Gravedad",
        "error": "error",
        "warning": "advertencia",
        "row": "Fila",
        "line": "Línea",
        "series_key": "Clave de serie",
        "time_period": "Período",
        "component": "Componente",
        "value": "Valor",
        "message": "Mensaje",
        "partial": "La validación se detuvo antes de tiempo: el archivo no se revisó por completo.",
        "truncated": "Solo se muestran los primeros ejemplos de cada regla; los totales incluyen todas "
        "las ocurrencias.",
        "same": "mismo problema en {n} observaciones",
        "duration": "Duración",
        "none": "No se encontraron problemas.",
        "rejected": "Observaciones con errores",
    },
}


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"], default=True),
        undefined=jinja2.StrictUndefined,
    )
