"""SDMX-ML 3.0 namespaces and qualified names (SDMX 3.0 Section 3A)."""

from __future__ import annotations

BASE = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0"
MES = f"{BASE}/message"
STR = f"{BASE}/structure"
COM = f"{BASE}/common"
SS = f"{BASE}/data/structurespecific"
REG = f"{BASE}/registry"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML = "http://www.w3.org/XML/1998/namespace"

NSMAP: dict[str | None, str] = {"mes": MES, "str": STR, "com": COM, "xsi": XSI}
DATA_NSMAP: dict[str | None, str] = {"mes": MES, "com": COM, "ss": SS, "xsi": XSI}


def q(ns: str, tag: str) -> str:
    """Clark notation ``{ns}tag``."""
    return f"{{{ns}}}{tag}"
