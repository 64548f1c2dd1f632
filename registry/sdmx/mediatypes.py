"""SDMX media types (SDMX-REST v1.5 section 4.8 and v2 ``doc/formats``), as exact strings.

The SDMX TCK compares ``Content-Type`` literally, so these strings carry no charset and use
``;version=`` with no space.  Content negotiation (``api/negotiation.py``) and every codec import them.
"""

from __future__ import annotations

from enum import Enum


class MediaType(str, Enum):
    """Every SDMX media type the service reads or writes."""

    # Structures
    STRUCTURE_ML_21 = "application/vnd.sdmx.structure+xml;version=2.1"
    STRUCTURE_ML_30 = "application/vnd.sdmx.structure+xml;version=3.0.0"
    STRUCTURE_JSON_10 = "application/vnd.sdmx.structure+json;version=1.0.0"
    STRUCTURE_JSON_20 = "application/vnd.sdmx.structure+json;version=2.0.0"
    # Data
    GENERIC_DATA_21 = "application/vnd.sdmx.genericdata+xml;version=2.1"
    GENERIC_TS_DATA_21 = "application/vnd.sdmx.generictimeseriesdata+xml;version=2.1"
    SS_DATA_21 = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
    SS_TS_DATA_21 = "application/vnd.sdmx.structurespecifictimeseriesdata+xml;version=2.1"
    DATA_ML_30 = "application/vnd.sdmx.data+xml;version=3.0.0"
    DATA_JSON_10 = "application/vnd.sdmx.data+json;version=1.0.0"
    DATA_JSON_20 = "application/vnd.sdmx.data+json;version=2.0.0"
    DATA_CSV_10 = "application/vnd.sdmx.data+csv;version=1.0.0"
    DATA_CSV_20 = "application/vnd.sdmx.data+csv;version=2.0.0"
    # Schemas
    SCHEMA_ML_21 = "application/vnd.sdmx.schema+xml;version=2.1"
    SCHEMA_ML_30 = "application/vnd.sdmx.schema+xml;version=3.0.0"
    # Generic
    XML = "application/xml"
    JSON = "application/json"
    CSV = "text/csv"

    def __str__(self) -> str:
        return self.value


def normalise(media_type: str) -> str:
    """Lower-case, strip spaces around ``;`` and ``=`` so ``a; version=2.1`` equals ``a;version=2.1``."""
    parts = [p.strip() for p in media_type.split(";")]
    head = parts[0].lower()
    params = []
    for p in parts[1:]:
        if "=" in p:
            k, v = p.split("=", 1)
            params.append(f"{k.strip().lower()}={v.strip().strip(chr(34))}")
    return ";".join([head, *params])
