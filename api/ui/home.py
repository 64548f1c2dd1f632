"""The home page: what the registry holds and how to use its API from sdmx1, pysdmx, R and curl."""

from __future__ import annotations

from flask import Response, current_app, g

from api.auth import current_principal
from api.db import get_session
from api.ui import catalogue
from api.ui.base import bp, feature, page
from registry.store import artefacts as store
from registry.submissions.services import can_read_submission


def api_examples(summary: catalogue.FlowSummary, base: str) -> dict[str, str]:
    """Copy-paste snippets that fetch one dataflow's data."""
    f = summary.flow
    data_v1 = f"{base}/sdmx/rest/data/{summary.path}/all"
    csv20 = "application/vnd.sdmx.data+csv;version=2.0.0"
    return {
        "sdmx1": (
            "import sdmx\n\n"
            "sdmx.add_source(\n"
            f'    {{"id": "IDAC", "url": "{base}/sdmx/rest", "name": "IDAC registry"}}\n)\n'
            'idac = sdmx.Client("IDAC")\n'
            f'msg = idac.data("{f.id}")\n'
            "df = sdmx.to_pandas(msg)\n"
        ),
        "pysdmx": (
            "from pysdmx.io import read_sdmx\n\n"
            f'msg = read_sdmx("{data_v1}?format=sdmx-csv-2.0")\n'
            "df = msg.data[0].data  # pandas DataFrame\n"
        ),
        "R": (f'library(rsdmx)\n\nmsg <- readSDMX("{data_v1}")\ndf <- as.data.frame(msg)\n'),
        "curl": (
            f"curl -H 'Accept: {csv20}' \\\n  '{data_v1}'\n\n"
            f"curl '{base}/sdmx/rest/dataflow/{f.agency}/{f.id}/{f.version}?references=all'\n"
        ),
    }


@bp.get("/")
def home() -> Response:
    """What the registry holds, recent submissions and API examples."""
    g.ui_active = "home"
    session = get_session()
    summaries = catalogue.summaries(session)
    base = catalogue.base_url()
    areas = catalogue.area_codes(session)
    counts = store.count(session)
    recent = catalogue.recent_submissions(session) if feature("submissions") else []
    # Everyone sees that a provider reported (status and size); only those who may read a
    # submission's report get a link to it.
    allow_anon = current_app.extensions["idac.settings"].allow_anonymous_submissions
    readable = {r.id for r in recent
                if can_read_submission(current_principal(), r.provider, allow_anonymous=allow_anon)}
    countries = sorted({c for s in summaries for c in s.countries})
    return page(
        "home.html",
        summaries=summaries,
        base=base,
        areas=areas,
        counts=counts,
        recent=recent,
        readable=readable,
        countries=countries,
        examples={s.key: api_examples(s, base) for s in summaries},
        providers=catalogue.providers(session),
        reported={
            pa.dataflow.maintainable.short for pa in catalogue.agreements(session) if pa.dataflow
        },
    )
