"""A provider submits in its national structure: the stored map converts it before validation and loading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from registry.store.data_models import DataSeries, Observation
from registry.structures.loader import load_files
from tests.api.submissions.conftest import submit

MAPS = Path(__file__).resolve().parents[3] / "examples" / "maps"


def test_national_file_is_mapped_validated_and_loaded(sub_app: Any, sub_client: Any) -> None:
    with sub_app.extensions["idac.db"].transaction() as session:
        load_files(session, sorted(MAPS.glob("*.xml")))
    resp = submit(sub_client, (MAPS / "pan-snm-ninez-2024.csv").read_bytes())
    assert resp.status_code in (200, 201, 202), resp.data[:500]
    status = sub_client.get(resp.headers["Location"], headers={"Accept": "application/json"}).json
    assert status["status"] == "loaded", status
    with sub_app.extensions["idac.db"].sessions() as session:
        keys = set(session.scalars(select(DataSeries.series_key)).all())
        assert keys, "nothing loaded"
        # National codes (PA, H, E00_02 …) became IDAC codes (PAN, M, Y0T4 …).
        assert all(".PAN." in k for k in keys)
        assert not any(".E00_02" in k or ".H." in k for k in keys)
        ages = {k.split(".")[4] for k in keys}
        assert "Y0T4" in ages
        n = session.scalar(select(Observation.pk).limit(1))
        assert n is not None


def test_national_file_without_a_map_is_rejected_clearly(sub_app: Any, sub_client: Any) -> None:
    with sub_app.extensions["idac.db"].transaction() as session:
        load_files(session, [MAPS / "PAN_SNM-national-structure-1.0.xml"])
    resp = submit(sub_client, (MAPS / "pan-snm-ninez-2024.csv").read_bytes())
    status = sub_client.get(resp.headers["Location"], headers={"Accept": "application/json"}).json
    assert status["status"] == "rejected"
    text = str(status["report"])
    assert "no structure map" in text
