"""SDMX-ML 2.1 namespaces and qualified names (SDMX 2.1 Section 3A)."""

from __future__ import annotations

BASE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1"
MES = f"{BASE}/message"
STR = f"{BASE}/structure"
COM = f"{BASE}/common"
GEN = f"{BASE}/data/generic"
SS = f"{BASE}/data/structurespecific"
FOOTER = f"{BASE}/message/footer"
REG = f"{BASE}/registry"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML = "http://www.w3.org/XML/1998/namespace"

#: Prefixes used when writing.
NSMAP: dict[str | None, str] = {"mes": MES, "str": STR, "com": COM, "xsi": XSI}
DATA_NSMAP: dict[str | None, str] = {"mes": MES, "com": COM, "gen": GEN, "ss": SS, "xsi": XSI}


def q(ns: str, tag: str) -> str:
    """Clark notation ``{ns}tag``."""
    return f"{{{ns}}}{tag}"
