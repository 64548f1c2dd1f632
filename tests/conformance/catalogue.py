"""The SDMX TCK 3.4.0 test catalogue (``shared/conformance/tck``), parsed into runnable cases.

Our conformance suite runs the TCK's own test list (v1.4.0, Full mode) against this service, with
the placeholders (``agency/id/version``, items, keys) filled from the service's own content the way
the TCK's driver fills them from a parent test's answer.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TCK_DIR = Path(os.environ.get("IDAC_CONFORMANCE", ROOT.parent / "shared" / "conformance")) / "tck"
FULL_LIST = TCK_DIR / "sdmx-tck-3.4.0-testlist-v1.4.0-Full.txt"

_LINE = re.compile(r"^(?P<indent>\s*)(?P<url>\S+|[A-Z][^\[(]*?)(?:\s+\((?P<note>[^)]*)\))?\s+\[(?P<kind>[^\]]+)\]$")


@dataclass(frozen=True)
class TckCase:
    """One TCK test: its URL template, test type and index (Structure, Data, Schema)."""

    index: str
    template: str
    kind: str
    note: str | None
    depth: int

    @property
    def resource(self) -> str:
        return self.template.strip("/").split("/")[0].split("?")[0]

    def __str__(self) -> str:
        return f"{self.template}{' (' + self.note + ')' if self.note else ''}"


def load_cases() -> list[TckCase]:
    """All cases of the Full list, in file order."""
    cases: list[TckCase] = []
    index = ""
    for raw in FULL_LIST.read_text(encoding="utf-8").splitlines():
        if raw.startswith("## "):
            index = raw[3:].split(":")[0]
            continue
        if not raw.strip() or raw.startswith("#"):
            continue
        m = _LINE.match(raw)
        if m is None:
            raise ValueError(f"unparsed TCK line: {raw!r}")
        cases.append(TckCase(index, m["url"], m["kind"], m["note"], len(m["indent"]) // 2))
    return cases
