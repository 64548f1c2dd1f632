"""A registry with the IDAC content and data: the example submissions (PAN, MEX, COL) loaded through the
submission API, and hand-built CHL cells for disclosure, embargo and history (written through the ORM).

Hand-built cells (DF_IDAC_CORE, REF_AREA=CHL, provider CHL_SERMIG):

* ``IDAC_STK_REF`` 2024, by SEX: _T=10, F=3, M=7 — F is a small count (primary), M would give it away
  (10 - 7 = 3): M must be suppressed too (secondary).
* ``IDAC_FLW_ASY_APP`` 2024, by SEX: _T=50, F=20 (embargoed until 2099), M=30 — F is invisible to the
  public, so M must be suppressed.
* SLV ``IDAC_FLW_IMM`` 2021, 2022, 2023 (provider SLV_DGME): 11, 12, 13.
* ``IDAC_FLW_ENTRY`` 2023: value 100 loaded 2025-01-01, replaced by 120 on 2025-06-01 (history, asOf).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest
from lxml import etree

from registry.sdmx.schemas import json_schema, xml_schema
from tests.conftest import PG_URL, _drop_pg_schema, _new_pg_schema, make_test_app
from tests.data.fixtures import CORE, CORE_EXAMPLES, DataStore, key, submit

T0 = datetime(2025, 1, 1, tzinfo=UTC)
T1 = datetime(2025, 6, 1, tzinfo=UTC)
FUTURE = datetime(2099, 1, 1, tzinfo=UTC)
CHL = {"REF_AREA": "CHL"}


def load_hand_data(app: Any) -> None:
    """The CHL cells of the module docstring."""
    ds = DataStore(app)
    ds.submission("SUBCHL1", "CHL_SERMIG", filename="chl-2024.csv", finished=T0)
    ds.submission("SUBCHL2", "CHL_SERMIG", filename="chl-2024-rev.csv", finished=T1)
    for sex, v in (("_T", 10), ("F", 3), ("M", 7)):
        ds.obs(key(SEX=sex, **CHL), "2024", v, provider="CHL_SERMIG", submission="SUBCHL1", loaded_at=T0)
    for sex, v in (("_T", 50), ("F", 20), ("M", 30)):
        ds.obs(key(SEX=sex, INDICATOR="IDAC_FLW_ASY_APP", **CHL), "2024", v, provider="CHL_SERMIG",
               submission="SUBCHL1", loaded_at=T0, embargo_until=FUTURE if sex == "F" else None)
    ds.submission("SUBSLV", "SLV_DGME", finished=T0)
    for year, v in (("2021", 11), ("2022", 12), ("2023", 13)):
        ds.obs(key(REF_AREA="SLV", INDICATOR="IDAC_FLW_IMM"), year, v, provider="SLV_DGME", submission="SUBSLV",
               loaded_at=T0)
    k = key(INDICATOR="IDAC_FLW_ENTRY", **CHL)
    ds.obs(k, "2023", 100, provider="CHL_SERMIG", submission="SUBCHL1", loaded_at=T0)
    ds.obs(k, "2023", 120, provider="CHL_SERMIG", submission="SUBCHL2", loaded_at=T1)


@pytest.fixture(scope="module")
def data_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The registry with data (module scope; tests must not write)."""
    tmp = tmp_path_factory.mktemp("data")
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


@pytest.fixture
def dc(data_app: Any) -> Any:
    """Test client of the data registry."""
    return data_app.test_client()


def assert_xml_valid(body: bytes, version: str = "2.1") -> etree._Element:
    """Parse an answer and assert it validates against the official SDMX-ML message schema."""
    doc = etree.fromstring(body)
    schema = xml_schema(version)
    assert schema.validate(doc), str(schema.error_log)[:2000]
    return doc


_SS_SCHEMAS: dict[tuple[str, str, str], etree.XMLSchema] = {}
_MES = {"2.1": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
        "3.0": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message"}


def ss_schema(app: Any, flow: str, dao: str, version: str = "2.1") -> etree.XMLSchema:
    """The official message schema compiled with the DSD-specific schema ``xsdgen`` generates."""
    import tempfile
    from pathlib import Path

    from registry.formats.xsdgen import ss_namespace, structure_specific_xsd
    from registry.sdmx.refs import ArtefactType, Ref
    from registry.sdmx.schemas import xml_schema_path
    from registry.structures.resolve import codelists_for, resolve_structure

    cache_key = (flow, dao, version)
    if cache_key not in _SS_SCHEMAS:
        with app.extensions["idac.db"].transaction() as session:
            structure = resolve_structure(session, Ref.parse_short(flow, ArtefactType.DATAFLOW))
            xsd = structure_specific_xsd(structure, version=version, dimension_at_observation=dao,
                                         codelists=codelists_for(session, structure.dsd))
        folder = Path(tempfile.mkdtemp(prefix="idac-data-xsd-"))
        (folder / "dsd.xsd").write_bytes(xsd)
        (folder / "all.xsd").write_text(
            f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:idac:test">'
            f'<xs:import namespace="{_MES[version]}" schemaLocation="{xml_schema_path(version).as_uri()}"/>'
            f'<xs:import namespace="{ss_namespace(structure, dao)}" schemaLocation="{(folder / "dsd.xsd").as_uri()}"/>'
            f"</xs:schema>"
        )
        _SS_SCHEMAS[cache_key] = etree.XMLSchema(etree.parse(str(folder / "all.xsd")))
    return _SS_SCHEMAS[cache_key]


def assert_ss_valid(app: Any, body: bytes, flow: str = CORE, dao: str = "TIME_PERIOD",
                    version: str = "2.1") -> etree._Element:
    """Assert a structure-specific answer validates against the official and the generated schemas."""
    doc = etree.fromstring(body)
    schema = ss_schema(app, flow, dao, version)
    assert schema.validate(doc), str(schema.error_log)[:2000]
    return doc


def assert_json_valid(body: bytes, version: str, kind: str = "data") -> dict[str, Any]:
    """Parse an answer and assert it validates against the official SDMX-JSON schema."""
    doc = json.loads(body)
    errors = list(jsonschema.Draft202012Validator(json_schema(version, kind)).iter_errors(doc))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    return doc
