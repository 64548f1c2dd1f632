"""Round trip: a national file (national codes and age bands) -> the example map -> IDAC data, valid,
loaded -> the regional aggregate that results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.aggregation.compute import recompute
from registry.aggregation.core import AggregationConfig
from registry.data.fetch import fetch_series
from registry.formats.sdmxcsv.reader import CsvReader
from registry.formats.sdmxml30.structure_reader import StructureReader30
from registry.harmonisation.apply import MappedObs, national_key_of
from registry.harmonisation.lookup import harmonise
from registry.store import artefacts as store
from registry.structures.resolve import resolve_structure
from registry.submissions.loader import Loader
from registry.submissions.pipeline import rules_for
from registry.submissions.structure import for_submission
from registry.validation import ValidationOptions, Validator
from tests.aggregation.helpers import CORE, KEY_DIMS, REGIONAL, key, load

MAPS = Path(__file__).resolve().parents[2] / "examples" / "maps"


def store_example(session: Any) -> None:
    """Load the national structure and the map (SDMX-ML 3.0 files) into the store."""
    reader = StructureReader30()
    for name in ("PAN_SNM-national-structure-1.0.xml", "PAN_SNM-map-to-IDAC-1.0.xml"):
        store.save(session, reader.read((MAPS / name).read_bytes()).artefacts, actor="test")


def mapped_chunks(session: Any) -> tuple[list[Any], Any]:
    resolved = for_submission(session, CORE, "PAN_SNM")
    with (MAPS / "pan-snm-ninez-2024.csv").open("rb") as fh:
        raw = list(CsvReader().read(fh, lambda ref: resolve_structure(session, ref)))
    return list(harmonise(session, raw, resolved.structure)), resolved


def test_national_file_becomes_valid_idac_data(db: Any, seeded: Any) -> None:
    with db.transaction() as session:
        store_example(session)
    with db.transaction() as session:
        chunks, resolved = mapped_chunks(session)
        obs = [o for c in chunks for o in c.observations]
        cells = {(o.series.key["SEX"], o.series.key["AGE"]): o for o in obs}
        # 6 national bands x 3 sexes = 18 rows -> 5 IDAC bands x 3 sexes (0-2 and 3-4 summed into Y0T4)
        assert len(obs) == 15
        assert cells[("M", "Y0T4")].value == "70"  # national H (hombres) 40 + 30
        assert cells[("F", "Y0T4")].value == "65"  # national M (mujeres) 38 + 27
        assert cells[("_T", "Y0T4")].value == "135"
        assert cells[("_T", "Y0T17")].value == "390"
        y0t4 = cells[("F", "Y0T4")]
        assert isinstance(y0t4, MappedObs)
        assert sorted(national_key_of(y0t4)) == [
            "A.PA.REFUGIADOS.M.E00_02.TOTAL 2024",
            "A.PA.REFUGIADOS.M.E03_04.TOTAL 2024",
        ]
        assert y0t4.idac_key == "A.PAN.IDAC_STK_REF.F.Y0T4._T.ORIGIN._T._Z._T 2024"
        assert y0t4.series.attrs["UNIT_MEASURE"] == "PS"
        assert y0t4.attrs["TIME_DETAIL"] == "2024-12-31"
        rules = rules_for(resolved.structure, seeded.extensions["idac.settings"].content_path)
        report = Validator(
            resolved.structure, resolved.codelists, rules, ValidationOptions()
        ).validate(iter(chunks))
        assert report.valid, [f.message for f in report.findings][:5]


def test_round_trip_to_the_regional_aggregate(db: Any) -> None:
    with db.transaction() as session:
        store_example(session)
    with db.transaction() as session:
        chunks, resolved = mapped_chunks(session)
        from registry.store.base import utcnow

        Loader(
            session.connection(),
            resolved.structure,
            dataflow=CORE,
            submission_id=None,
            provider="PAN_SNM",
            now=utcnow(),
        ).load(chunks)
        # Two more members of IDAC_LA6 report in the IDAC structure directly.
        load(session, [(key("MEX", age="Y0T4"), "2024", "300", {})], provider="MEX_INM")
        load(session, [(key("COL", age="Y0T4"), "2024", "165", {})], provider="COL_MIGRACION")
    with db.transaction() as session:
        recompute(session, config=AggregationConfig(min_coverage=50.0))
    with db.transaction() as session:
        stored = {s.key: s for s in fetch_series(session, REGIONAL, KEY_DIMS, None)}
        la6 = stored[
            ("A", "IDAC_LA6", "IDAC_STK_REF", "_T", "Y0T4", "_T", "ORIGIN", "_T", "_Z", "_T")
        ]
        (o,) = la6.observations
        assert (
            o.value == "600"
        )  # PAN 135 (= 40 + 30 + 38 + 27 from national bands) + MEX 300 + COL 165
        assert o.attrs["AGG_COVERAGE"] == "50"
        assert o.attrs["CONF_STATUS"] == "F"
        assert (
            o.attrs["TIME_DETAIL"] == "2024-12-31"
            or "reference dates differ" in o.attrs["COMMENT_OBS"]
        )
