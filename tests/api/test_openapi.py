"""Our OpenAPI document, and schemathesis run in-process against it (no 5xx, documented statuses and types)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.openapi import build


def test_openapi_document_is_served(seeded_client) -> None:
    resp = seeded_client.get("/sdmx/openapi.json")
    assert resp.status_code == 200
    doc = resp.json
    assert doc["openapi"].startswith("3.")
    assert "/sdmx/v2/structure/{structureType}/{agencyID}/{resourceID}/{version}" in doc["paths"]


def test_openapi_document_is_valid() -> None:
    from openapi_spec_validator import validate

    validate(build())


@pytest.fixture
def api_schema(seeded_app: Any) -> Any:
    return schemathesis.openapi.from_wsgi("/sdmx/openapi.json", seeded_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi(case: Any) -> None:
    case.call_and_validate()
