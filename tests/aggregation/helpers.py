"""Helpers: store national observations of DF_IDAC_CORE directly (no file, no validation)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from registry.formats.base import DataChunk, DataSetInfo, Obs, Series
from registry.sdmx.refs import ArtefactType, Ref
from registry.store.base import utcnow
from registry.store.data_models import Submission
from registry.structures.resolve import resolve_structure
from registry.submissions.loader import Loader

CORE = "IDAC:DF_IDAC_CORE(1.0)"
REGIONAL = "IDAC:DF_IDAC_REGIONAL(1.0)"
KEY_DIMS = [
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
]


def key(
    area: str, indicator: str = "IDAC_STK_REF", sex: str = "_T", age: str = "Y0T17"
) -> dict[str, str]:
    """A core key (refugee stock by origin _T unless told)."""
    return dict(
        zip(
            KEY_DIMS,
            ["A", area, indicator, sex, age, "_T", "ORIGIN", "_T", "_Z", "_T"],
            strict=True,
        )
    )


def load(
    session: Any,
    rows: Iterable[tuple[dict[str, str], str, str | None, dict[str, str]]],
    *,
    provider: str,
    flow: str = CORE,
    action: str = "replace",
    unit: str = "PS",
) -> str:
    """Store observations (key, period, value, obs attrs) as one submission of ``provider``."""
    structure = resolve_structure(session, Ref.parse_short(flow, ArtefactType.DATAFLOW))
    now = utcnow()
    sub_id = hashlib.sha256(f"{provider}{now.isoformat()}".encode()).hexdigest()[:32]
    session.add(
        Submission(
            id=sub_id,
            dataflow=flow,
            provider=provider,
            action=action,
            status="loaded",
            content_hash=sub_id,
            created_at=now,
            finished_at=now,
            filename=f"{provider}.csv",
        )
    )
    session.flush()
    ds = DataSetInfo(
        Ref.parse_short(flow, ArtefactType.DATAFLOW),
        structure,
        action="Delete" if action == "delete" else "Replace",
    )
    chunk = DataChunk(ds)
    for k, period, value, attrs in rows:
        s = Series(dict(k), {"UNIT_MEASURE": unit, "UNIT_MULT": "0", "SOURCE_TYPE": "ADMIN_ASYLUM"})
        chunk.observations.append(
            Obs(s, {"TIME_PERIOD": period}, value, {"OBS_STATUS": "A", "CONF_STATUS": "F", **attrs})
        )
    Loader(
        session.connection(),
        structure,
        dataflow=flow,
        submission_id=sub_id,
        provider=provider,
        action=action,
        now=now,
    ).load([chunk])
    return sub_id
