"""The data API reuses structure-derived values within a store generation, and only then."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.auth.helpers import add_user, bearer, codelist, message

KEY = "/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/A.PAN.IDAC_STK_REF.......?format=csvfile"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    """A registry with data of its own (this test writes a structure)."""
    from tests.data.fixtures import data_registry

    yield from data_registry(tmp_path)


def _get(client: Any, url: str) -> bytes:
    resp = client.get(url)
    assert resp.status_code == 200, resp.data[:300]
    return bytes(resp.get_data())


def test_structures_are_resolved_once_per_generation(app: Any) -> None:
    cache = app.extensions["idac.structure_cache"]
    client = app.test_client()
    first = _get(client, KEY)
    misses = cache.misses
    assert _get(client, KEY) == first
    assert cache.misses == misses, "the second query must not resolve the structures again"
    assert cache.hits > 0
    # A structural change (a new codelist) moves the generation: everything is computed afresh.
    auth = bearer(add_user(app, "curator", ("curator", "IDAC")))
    resp = client.post(
        "/sdmx/v2/structure",
        data=message(codelist("CL_CACHE_TEST")),
        headers={**auth, "Content-Type": "application/xml"},
    )
    assert resp.status_code in (200, 201), resp.data[:300]
    assert _get(client, KEY) == first
    assert cache.misses > misses


def test_region_keys_expand_from_the_cached_regions(app: Any) -> None:
    """A region code on a national flow selects its member countries, cached or not."""
    client = app.test_client()
    url = (
        "/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/A.UNSDG_CENTRALAMR.IDAC_STK_REF......."
        "?format=csvfile"
    )
    first = _get(client, url)
    assert b",PAN," in first
    assert _get(client, url) == first
