"""Data fixtures: the IDAC example submissions loaded through the submission API, and hand-built
observations written through the ORM (for disclosure, embargo and history cases the examples lack).

``DataStore`` writes rows the way the loader does (closing the current row of a cell and inserting a
new one, with provider and submission), so tests control load times exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update

from registry.data.fetch import StoredObs, StoredSeries
from registry.sdmx.periods import period_bounds
from registry.store.data_models import DataSeries, Observation, Submission

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CORE = "IDAC:DF_IDAC_CORE(1.0)"
CORE_DIMS = (
    "FREQ",
    "REF_AREA",
    "INDICATOR",
    "SEX",
    "AGE",
    "ACCOMPANIMENT",
    "ORIGIN_BASIS",
    "COUNTERPART_AREA",
    "DISPL_CAUSE",
    "URBANISATION",
)
DEFAULTS = {
    "FREQ": "A",
    "REF_AREA": "PAN",
    "INDICATOR": "IDAC_STK_REF",
    "SEX": "_T",
    "AGE": "Y0T17",
    "ACCOMPANIMENT": "_T",
    "ORIGIN_BASIS": "ORIGIN",
    "COUNTERPART_AREA": "_T",
    "DISPL_CAUSE": "_Z",
    "URBANISATION": "_T",
}
#: The example files and their providers (all valid, loaded into DF_IDAC_CORE).
CORE_EXAMPLES = (
    ("core-pan-2024.csv", "PAN_SNM"),
    ("core-mex-2024.csv", "MEX_INM"),
    ("core-col-2024.xml", "COL_MIGRACION"),
)
COUNT_ATTRS = {"UNIT_MEASURE": "PS", "UNIT_MULT": "0", "SOURCE_TYPE": "ADMIN_ASYLUM"}


def key(**dims: str) -> str:
    """A DF_IDAC_CORE series key: defaults (PAN refugee children, all totals) with overrides."""
    unknown = set(dims) - set(DEFAULTS)
    assert not unknown, unknown
    values = {**DEFAULTS, **dims}
    return ".".join(values[d] for d in CORE_DIMS)


def submit(client: Any, filename: str, provider: str, flow: str = CORE) -> dict[str, Any]:
    """Submit an example file through the HTTP API (validated and loaded inline)."""
    resp = client.post(
        f"/api/submissions?dataflow={flow}&provider={provider}",
        data=(EXAMPLES / filename).read_bytes(),
        content_type="application/octet-stream",
    )
    assert resp.status_code in (200, 201, 202), resp.data[:500]
    body = resp.get_json()
    assert body["status"] == "loaded", body
    return body


class DataStore:
    """Writes submissions and observations straight into the store (one transaction per call)."""

    def __init__(self, app: Any, flow: str = CORE, dims: tuple[str, ...] = CORE_DIMS) -> None:
        self.db = app.extensions["idac.db"]
        self.flow = flow
        self.dims = dims

    def submission(
        self,
        sid: str,
        provider: str,
        *,
        filename: str | None = None,
        finished: datetime | None = None,
        embargo: datetime | None = None,
    ) -> None:
        with self.db.transaction() as s:
            s.add(
                Submission(
                    id=sid,
                    dataflow=self.flow,
                    provider=provider,
                    status="loaded",
                    filename=filename,
                    content_hash=sid.ljust(64, "0")[:64],
                    created_at=finished or datetime.now(UTC),
                    finished_at=finished or datetime.now(UTC),
                    embargo_until=embargo,
                    size_bytes=0,
                    observations_read=0,
                    observations_loaded=0,
                    accept_partial=False,
                    actor="test",
                    action="replace",
                )
            )

    def obs(
        self,
        series_key: str,
        period: str,
        value: float | str | None,
        *,
        provider: str,
        submission: str,
        attrs: dict[str, str] | None = None,
        series_attrs: dict[str, str] | None = None,
        loaded_at: datetime | None = None,
        embargo_until: datetime | None = None,
    ) -> None:
        """Store one value (closing the current one of the same cell)."""
        now = loaded_at or datetime.now(UTC)
        attrs = {"OBS_STATUS": "A", "CONF_STATUS": "F", **(attrs or {})}
        with self.db.transaction() as s:
            row = (
                s.query(DataSeries)
                .filter_by(dataflow=self.flow, series_key=series_key)
                .one_or_none()
            )
            if row is None:
                row = DataSeries(
                    dataflow=self.flow,
                    series_key=series_key,
                    dims=dict(zip(self.dims, series_key.split("."), strict=True)),
                    attrs=dict(series_attrs or COUNT_ATTRS),
                    updated_at=now,
                )
                s.add(row)
                s.flush()
            s.execute(
                update(Observation)
                .where(
                    Observation.series_pk == row.pk,
                    Observation.time_period == period,
                    Observation.superseded_at.is_(None),
                )
                .values(superseded_at=now)
            )
            start, end = period_bounds(period)
            num = float(value) if isinstance(value, (int, float)) else None
            s.add(
                Observation(
                    series_pk=row.pk,
                    time_period=period,
                    period_start=start,
                    period_end=end,
                    value=num,
                    value_text=value if isinstance(value, str) else None,
                    attrs=attrs,
                    obs_status=attrs.get("OBS_STATUS"),
                    conf_status=attrs.get("CONF_STATUS"),
                    provider=provider,
                    submission_id=submission,
                    loaded_at=now,
                    embargo_until=embargo_until,
                )
            )

    def delete(self, series_key: str, period: str, *, at: datetime) -> None:
        """Close the current value of a cell (an SDMX Delete)."""
        with self.db.transaction() as s:
            row = s.query(DataSeries).filter_by(dataflow=self.flow, series_key=series_key).one()
            s.execute(
                update(Observation)
                .where(
                    Observation.series_pk == row.pk,
                    Observation.time_period == period,
                    Observation.superseded_at.is_(None),
                )
                .values(superseded_at=at)
            )


def series(
    values: dict[str, float | None],
    *,
    dims: tuple[str, ...] = CORE_DIMS,
    period: str = "2024",
    provider: str = "PAN_SNM",
    unit: str = "PS",
    conf: dict[str, str] | None = None,
    **fixed: str,
) -> list[StoredSeries]:
    """Hand-built stored series (no database) for disclosure unit tests.

    ``values`` maps ``"SEX=F,AGE=Y0T4"``-style coordinates to values; ``fixed`` overrides the
    defaults of the other dimensions; ``conf`` gives CONF_STATUS per coordinate.
    """
    out = []
    for coord, value in sorted(values.items()):
        over = dict(fixed)
        for part in filter(None, coord.split(",")):
            k, _, v = part.partition("=")
            over[k] = v
        k = key(**over)
        parts = tuple(k.split("."))
        cs = (conf or {}).get(coord, "F")
        start, end = period_bounds(period)
        obs = StoredObs(
            period,
            start,
            end,
            None
            if value is None
            else (str(int(value)) if float(value).is_integer() else str(value)),
            {"OBS_STATUS": "A", "CONF_STATUS": cs},
            "A",
            cs,
            provider,
            "SUB1",
            datetime(2025, 1, 1, tzinfo=UTC),
        )
        out.append(
            StoredSeries(parts, dict(zip(dims, parts, strict=True)), {"UNIT_MEASURE": unit}, [obs])
        )
    out.sort(key=lambda s: s.key)
    return out


# --- the data registry of the API and conformance tests
# -----------------------------------------------

T0 = datetime(2025, 1, 1, tzinfo=UTC)
T1 = datetime(2025, 6, 1, tzinfo=UTC)
FUTURE = datetime(2099, 1, 1, tzinfo=UTC)
CHL = {"REF_AREA": "CHL"}


def load_hand_data(app: Any) -> None:
    """The hand-built cells described in ``data_registry``."""
    ds = DataStore(app)
    ds.submission("SUBCHL1", "CHL_SERMIG", filename="chl-2024.csv", finished=T0)
    ds.submission("SUBCHL2", "CHL_SERMIG", filename="chl-2024-rev.csv", finished=T1)
    for sex, v in (("_T", 10), ("F", 3), ("M", 7)):
        ds.obs(
            key(SEX=sex, **CHL),
            "2024",
            v,
            provider="CHL_SERMIG",
            submission="SUBCHL1",
            loaded_at=T0,
        )
    for sex, v in (("_T", 50), ("F", 20), ("M", 30)):
        ds.obs(
            key(SEX=sex, INDICATOR="IDAC_FLW_ASY_APP", **CHL),
            "2024",
            v,
            provider="CHL_SERMIG",
            submission="SUBCHL1",
            loaded_at=T0,
            embargo_until=FUTURE if sex == "F" else None,
        )
    ds.submission("SUBSLV", "SLV_DGME", finished=T0)
    for year, v in (("2021", 11), ("2022", 12), ("2023", 13)):
        ds.obs(
            key(REF_AREA="SLV", INDICATOR="IDAC_FLW_IMM"),
            year,
            v,
            provider="SLV_DGME",
            submission="SUBSLV",
            loaded_at=T0,
        )
    k = key(INDICATOR="IDAC_FLW_ENTRY", **CHL)
    ds.obs(k, "2023", 100, provider="CHL_SERMIG", submission="SUBCHL1", loaded_at=T0)
    ds.obs(k, "2023", 120, provider="CHL_SERMIG", submission="SUBCHL2", loaded_at=T1)


def data_registry(tmp: Path) -> Iterator[Any]:
    """A registry with the IDAC content and data (a generator for module-scoped fixtures).

    The example submissions (PAN, MEX, COL) are loaded through the submission API; hand-built cells
    are written through the ORM (REF_AREA=CHL, provider CHL_SERMIG, unless said otherwise):

    * ``IDAC_STK_REF`` 2024, by SEX: _T=10, F=3, M=7 -- F is a small count (primary), M would give
      it away (10 - 7 = 3): M must be suppressed too (secondary).
    * ``IDAC_FLW_ASY_APP`` 2024, by SEX: _T=50, F=20 (embargoed until 2099), M=30 -- F is invisible
      to the public, so M must be suppressed.
    * SLV ``IDAC_FLW_IMM`` 2021, 2022, 2023 (provider SLV_DGME): 11, 12, 13.
    * ``IDAC_FLW_ENTRY`` 2023: 100 loaded 2025-01-01, replaced by 120 on 2025-06-01 (history, asOf).
    """
    from tests.conftest import PG_URL, _drop_pg_schema, _new_pg_schema, make_test_app

    handle = None
    if PG_URL:
        url, handle = _new_pg_schema()
    else:
        url = f"sqlite:///{tmp / 'data.db'}"
    app = make_test_app(url, tmp / "instance", seed_content=True)
    client = app.test_client()
    for filename, provider in CORE_EXAMPLES:
        submit(client, filename, provider)
    load_hand_data(app)
    yield app
    app.extensions["idac.db"].dispose()
    if handle is not None:
        _drop_pg_schema(handle)
