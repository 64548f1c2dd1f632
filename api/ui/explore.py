"""The data explorer: choose a dataflow and filters, see a table and a chart, download the data.

Data come from the data services every SDMX data answer uses (``registry.data.pipeline.published``)
for the **public audience**, so disclosure control applies exactly as in the public API: suppressed
cells are shown as such, never with a value.  Each download button is the equivalent SDMX-REST
request (shown too, for v1 and v2), so what is seen here is what the API gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, g, request
from flask_babel import gettext as _
from sqlalchemy import select

from api.db import get_session
from api.ui import catalogue
from api.ui.base import bp, page
from api.ui.charts import Bar, Line, bar_chart, line_chart
from api.ui.i18n import label
from registry.data.disclosure import Audience, DisclosurePolicy, threshold_for
from registry.data.fetch import StoredSeries
from registry.data.pipeline import DataContext, published
from registry.data.query import DataQuery
from registry.errors import InvalidRequest, NotFound
from registry.sdmx.model import Dataflow, Item
from registry.store.data_models import DataSeries, Observation
from registry.structures.resolve import codelists_for, resolve_structure

#: Data formats offered: (label, ``format=`` value).
DATA_FORMATS = (
    ("SDMX-CSV 2.0", "sdmx-csv-2.0"),
    ("SDMX-CSV 1.0", "sdmx-csv-1.0"),
    ("SDMX-JSON 2.0", "sdmx-json-2.0"),
    ("SDMX-JSON 1.0", "sdmx-json-1.0"),
    ("SDMX-ML 3.0", "sdmx-ml-3.0"),
    ("SDMX-ML 2.1 Generic", "genericdata"),
    ("SDMX-ML 2.1 Structure-specific", "structurespecificdata"),
    ("CSV", "csv"),
)
MAX_SERIES = 300
MAX_LINES = 8
SUPPRESSED_STATUS = frozenset({"Q"})


@dataclass(slots=True)
class Cell:
    """One table cell: the published value, or why there is none."""

    value: str | None
    suppressed: bool = False
    flags: dict[str, str] = field(default_factory=dict)


def data_context(flow: Dataflow) -> DataContext:
    """The public view of a dataflow's data (the policy of the data API)."""
    from registry.submissions.pipeline import rules_for

    session = get_session()
    settings = current_app.extensions["idac.settings"]
    structure = resolve_structure(session, flow.ref)
    policy = DisclosurePolicy.from_rules(
        rules_for(structure, settings.content_path),
        threshold_for(flow, settings.disclosure_threshold),
    )
    return DataContext(structure, flow.ref.short, policy, Audience.public())


def dimension_options(flow_key: str, dims: list[str]) -> dict[str, list[str]]:
    """Values present in current data, per key dimension."""
    session = get_session()
    rows = session.execute(
        select(DataSeries.dims).where(
            DataSeries.dataflow == flow_key,
            select(Observation.pk)
            .where(Observation.series_pk == DataSeries.pk, Observation.superseded_at.is_(None))
            .exists(),
        )
    ).scalars()
    out: dict[str, set[str]] = {d: set() for d in dims}
    for d in rows:
        for dim in dims:
            if isinstance(d, dict) and d.get(dim):
                out[dim].add(d[dim])
    return {d: sorted(v) for d, v in out.items()}


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


@bp.get("/explore")
def explore() -> Response:
    """Pick a dataflow and filters; table, chart and downloads of the public data."""
    g.ui_active = "explore"
    session = get_session()
    flows = catalogue.dataflows(session)
    if not flows:
        return page("explore.html", flows=[], flow=None)
    key = request.args.get("flow") or flows[0].ref.short
    try:
        flow = catalogue.find_flow(session, key)
    except (NotFound, InvalidRequest):
        raise NotFound(f"No dataflow {key!r}") from None
    ctx = data_context(flow)
    dsd = ctx.structure.dsd
    dims = ctx.key_dims
    options = dimension_options(ctx.flow_key, dims)
    chosen = {d: v for d in dims if (v := request.args.get(d, "")) and v in options.get(d, [])}
    start = (request.args.get("start") or "").strip()[:10]
    end = (request.args.get("end") or "").strip()[:10]
    codelists = {ref: cl.item_map() for ref, cl in codelists_for(session, dsd).items()}
    codes: dict[str, dict[str, Item]] = {}
    for comp in dsd.dimensions:
        rep = comp.local_representation
        if rep is not None and rep.enumeration is not None:
            codes[comp.id] = codelists.get(rep.enumeration.maintainable, {})
    pattern = tuple(frozenset({chosen[d]}) if d in chosen else None for d in dims)
    query = DataQuery(
        keys=[pattern] if chosen else None, start=_bound(start, False), end=_bound(end, True)
    )
    series: list[StoredSeries] = []
    truncated = False
    for s in published(session, ctx, query):
        if len(series) >= MAX_SERIES:
            truncated = True
            break
        series.append(s)
    periods = sorted({o.time_period for s in series for o in s.observations})
    varying = [d for d in dims if len({s.dims.get(d) for s in series}) > 1] or dims[:2]
    measure = ctx.measure_ids[0]

    def code_label(dim: str, code: str | None) -> str:
        item = codes.get(dim, {}).get(code or "")
        return label(item.names, code or "") if item else (code or "")

    rows = []
    for s in series:
        cells: dict[str, Cell] = {}
        for o in s.observations:
            suppressed = o.value is None and (
                o.obs_status in SUPPRESSED_STATUS
                or o.attrs.get("OBS_STATUS") in SUPPRESSED_STATUS
                or o.conf_status not in (None, "F")
            )
            cells[o.time_period] = Cell(
                o.value,
                suppressed or o.value is None,
                {
                    k: v
                    for k, v in (
                        ("OBS_STATUS", o.obs_status or o.attrs.get("OBS_STATUS")),
                        ("CONF_STATUS", o.conf_status or o.attrs.get("CONF_STATUS")),
                        ("AGG_COVERAGE", o.attrs.get("AGG_COVERAGE")),
                    )
                    if v
                },
            )
        rows.append(
            {"series": s, "labels": [code_label(d, s.dims.get(d)) for d in varying], "cells": cells}
        )
    chart, chart_kind = _chart(rows, periods, varying, code_label, flow)
    v1_key = ".".join(chosen.get(d, "") for d in dims) if chosen else "all"
    v2_key = ".".join(chosen.get(d, "*") for d in dims)
    f = flow
    params = "&".join(
        p for p in (f"startPeriod={start}" if start else "", f"endPeriod={end}" if end else "") if p
    )
    v2_params = "&".join(
        p
        for p in (
            f"c[TIME_PERIOD]=ge:{start}" if start else "",
            f"c[TIME_PERIOD]=le:{end}" if end else "",
        )
        if p
    )
    v1 = f"/sdmx/rest/data/{f.agency},{f.id},{f.version}/{v1_key}"
    v2 = f"/sdmx/v2/data/dataflow/{f.agency}/{f.id}/{f.version}/{v2_key}"
    downloads = [
        {"label": lbl, "url": f"{v1}?{params + '&' if params else ''}format={fmt}"}
        for lbl, fmt in DATA_FORMATS
    ]
    return page(
        "explore.html",
        flows=flows,
        flow=flow,
        dsd=dsd,
        dims=dims,
        options=options,
        chosen=chosen,
        codes=codes,
        start=start,
        end=end,
        rows=rows,
        periods=periods,
        varying=varying,
        truncated=truncated,
        chart=chart,
        chart_kind=chart_kind,
        downloads=downloads,
        base=catalogue.base_url(),
        measure=measure,
        v1_url=v1 + (f"?{params}" if params else ""),
        v2_url=v2 + (f"?{v2_params}" if v2_params else ""),
        max_series=MAX_SERIES,
        code_label=code_label,
    )


def _bound(text: str, end: bool) -> str | None:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` bound as the ISO date the data query expects."""
    if not text:
        return None
    from registry.sdmx.periods import PeriodError, period_bounds

    try:
        first, last = period_bounds(text)
    except (PeriodError, ValueError):
        raise InvalidRequest(
            f"{text!r} is not a period (e.g. 2020, 2020-06 or 2020-06-30)"
        ) from None
    return str(last if end else first)[:10]


def _chart(
    rows: list[dict[str, Any]],
    periods: list[str],
    varying: list[str],
    code_label: Any,
    flow: Dataflow,
) -> tuple[Any, str]:
    if not rows:
        return None, ""
    name = label(flow.names, flow.id)
    suppressed = _("suppressed")
    if len(periods) > 1:
        lines = [
            Line(
                " · ".join(r["labels"]) or r["series"].key[1],
                [(p, _float(c.value) if not c.suppressed else None) for p, c in r["cells"].items()],
            )
            for r in rows[:MAX_LINES]
        ]
        desc = _(
            "Time series of %(n)d series, %(first)s to %(last)s.",
            n=len(lines),
            first=periods[0],
            last=periods[-1],
        )
        return line_chart(lines, name, desc, suppressed_label=suppressed), "line"
    period = periods[0]
    bars = []
    for r in rows[:40]:
        cell = r["cells"].get(period)
        if cell is None:
            continue
        cover = cell.flags.get("AGG_COVERAGE")
        note = _("coverage %(pct)s%%", pct=cover) if cover else ""
        bars.append(
            Bar(" · ".join(r["labels"]), None if cell.suppressed else _float(cell.value), note)
        )
    desc = _("Values of %(n)d series in %(period)s.", n=len(bars), period=period)
    return bar_chart(bars, f"{name} — {period}", desc, suppressed_label=suppressed), "bar"
