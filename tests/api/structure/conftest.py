"""A registry holding the ECB exchange-rate structures (a real third-party structure message)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from lxml import etree

from registry.sdmx.schemas import json_schema, xml_schema
from registry.structures.loader import load_files
from tests.conftest import make_test_app


@pytest.fixture(scope="module")
def ecb_app(tmp_path_factory: pytest.TempPathFactory, specimens) -> Any:
    from tests.conftest import PG_URL, _drop_pg_schema, _new_pg_schema

    tmp = tmp_path_factory.mktemp("ecb")
    handle = None
    if PG_URL:
        url, handle = _new_pg_schema()
    else:
        url = f"sqlite:///{tmp / 'ecb.db'}"
    # ECB publishes these structures with isFinal=false; a registry mirroring them lists ECB as a
    # public-draft agency so anonymous readers see them (see Settings.public_draft_agencies).
    app = make_test_app(url, tmp / "instance", public_draft_agencies="ECB")
    with app.extensions["idac.db"].transaction() as session:
        # The real ECB answer holds a categorisation into a category scheme it does not include
        # (ECB:MOBILE_NAVI): load it as a registry mirroring a third party would, dangling refs allowed.
        load_files(session, [specimens / "ECB" / "ECB_EXR1-structure-full.xml"], require_references=False)
    yield app
    app.extensions["idac.db"].dispose()
    if handle is not None:
        _drop_pg_schema(handle)


@pytest.fixture
def ecb(ecb_app: Any) -> Any:
    """Test client of the ECB registry (read-only)."""
    return ecb_app.test_client()


def assert_xml_valid(body: bytes, version: str = "2.1") -> etree._Element:
    """Parse an answer and assert it validates against the official SDMX-ML schema."""
    doc = etree.fromstring(body)
    schema = xml_schema(version)
    assert schema.validate(doc), str(schema.error_log)[:2000]
    return doc


def assert_json_valid(body: bytes, version: str = "2.0") -> dict[str, Any]:
    """Parse an answer and assert it validates against the official SDMX-JSON structure schema."""
    doc = json.loads(body)
    schema = json_schema(version, "structure")
    # The official files declare "$schema": "http://json-schema.org/schema#" (no draft); jsonschema
    # would fall back to the latest draft with a warning, so name that draft explicitly.
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    return doc
