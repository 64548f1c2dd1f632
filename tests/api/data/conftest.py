"""Fixtures of the data API tests: a registry with data (``tests.data.fixtures.data_registry``) and
schema-validity helpers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from lxml import etree

from registry.sdmx.schemas import json_schema, xml_schema
from tests.data.fixtures import CORE, data_registry


@pytest.fixture(scope="module")
def data_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The registry with data (module scope; tests must not write)."""
    yield from data_registry(tmp_path_factory.mktemp("data"))


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
_MES = {
    "2.1": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "3.0": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message",
}


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
            xsd = structure_specific_xsd(
                structure,
                version=version,
                dimension_at_observation=dao,
                codelists=codelists_for(session, structure.dsd),
            )
        folder = Path(tempfile.mkdtemp(prefix="idac-data-xsd-"))
        (folder / "dsd.xsd").write_bytes(xsd)
        (folder / "all.xsd").write_text(
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'targetNamespace="urn:idac:test">'
            f'<xs:import namespace="{_MES[version]}" '
            f'schemaLocation="{xml_schema_path(version).as_uri()}"/>'
            f'<xs:import namespace="{ss_namespace(structure, dao)}" '
            f'schemaLocation="{(folder / "dsd.xsd").as_uri()}"/>'
            f"</xs:schema>"
        )
        _SS_SCHEMAS[cache_key] = etree.XMLSchema(etree.parse(str(folder / "all.xsd")))
    return _SS_SCHEMAS[cache_key]


def assert_ss_valid(
    app: Any, body: bytes, flow: str = CORE, dao: str = "TIME_PERIOD", version: str = "2.1"
) -> etree._Element:
    """Assert a structure-specific answer is valid (official and generated schemas)."""
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
