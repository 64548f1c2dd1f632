"""Fixtures of the submissions API tests: a writable seeded application per test, and helpers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from registry.store.data_models import DataSeries, Observation
from tests.conftest import make_test_app

CORE = "IDAC:DF_IDAC_CORE(1.0)"


@pytest.fixture
def sub_app(db_url: str, tmp_path: Path) -> Iterator[Any]:
    """A seeded application of its own (tests here write data)."""
    application = make_test_app(db_url, tmp_path / "instance", seed_content=True)
    yield application
    application.extensions["idac.jobs"].shutdown()
    application.extensions["idac.db"].dispose()


@pytest.fixture
def sub_client(sub_app: Any) -> Any:
    """A test client of ``sub_app``."""
    return sub_app.test_client()


def submit(client: Any, body: bytes, *, dataflow: str = CORE, provider: str = "PAN_SNM", **params: str) -> Any:
    """POST a data file as the raw body; returns the response."""
    query = "&".join([f"dataflow={dataflow}", f"provider={provider}", *(f"{k}={v}" for k, v in params.items())])
    return client.post(f"/api/submissions?{query}", data=body, content_type="application/octet-stream",
                       headers={"Accept": "application/json"})


def current(app: Any, dataflow: str = CORE) -> dict[tuple[str, str], Observation]:
    """Current observations by (series key, period)."""
    db = app.extensions["idac.db"]
    with db.sessions() as session:
        rows = session.execute(
            select(DataSeries.series_key, Observation)
            .join(Observation, Observation.series_pk == DataSeries.pk)
            .where(DataSeries.dataflow == dataflow, Observation.superseded_at.is_(None))
        ).all()
        for _k, o in rows:
            session.expunge(o)
    return {(k, o.time_period): o for k, o in rows}


def all_observations(app: Any) -> int:
    """Every observation row, current or history."""
    db = app.extensions["idac.db"]
    with db.sessions() as session:
        return len(session.scalars(select(Observation.pk)).all())


def csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of an SDMX-CSV file."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def to_csv(header: list[str], rows: list[dict[str, str]]) -> bytes:
    """SDMX-CSV bytes."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")
