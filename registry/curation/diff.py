"""What changed between two versions (or two states) of one artefact.

* item schemes: codes added, removed, renamed (per language), re-parented, deprecated, and whether
  the order changed;
* data structures: components (dimensions, attributes, measures, groups) added, removed and
  changed, with the fields that changed;
* every type: changed top-level properties (names, descriptions, final flag, references …).

Values are rendered for people: references as ``Codelist=IDAC:CL_SEX(1.0)``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from registry.curation.codes import is_deprecated
from registry.sdmx.model import DataStructure, ItemScheme, MaintainableArtefact
from registry.sdmx.refs import Ref

_IDENTITY = {"agency", "id", "version", "items", "dimensions", "attributes", "measures", "groups"}


def plain(value: Any) -> Any:
    """A JSON-ready, readable form of model values."""
    if isinstance(value, Ref):
        return str(value)
    if isinstance(value, Enum):
        return value.name
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


@dataclass(slots=True)
class StructureDiff:
    """Differences from ``old`` to ``new``."""

    old: str
    new: str
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[dict[str, Any]] = field(default_factory=list)
    reparented: list[dict[str, Any]] = field(default_factory=list)
    deprecated: list[str] = field(default_factory=list)
    reordered: bool = False
    components: dict[str, list[Any]] = field(
        default_factory=lambda: {"added": [], "removed": [], "changed": []}
    )

    @property
    def is_empty(self) -> bool:
        """True when nothing changed."""
        return not (
            self.properties
            or self.added
            or self.removed
            or self.renamed
            or self.reparented
            or self.deprecated
            or self.reordered
            or any(self.components.values())
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "from": self.old,
            "to": self.new,
            "identical": self.is_empty,
            "properties": self.properties,
            "items": {
                "added": self.added,
                "removed": self.removed,
                "renamed": self.renamed,
                "reparented": self.reparented,
                "deprecated": self.deprecated,
                "reordered": self.reordered,
            },
            "components": self.components,
        }


def _properties(old: MaintainableArtefact, new: MaintainableArtefact) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for f in dataclasses.fields(old):
        if f.name in _IDENTITY or not hasattr(new, f.name):
            continue
        a, b = plain(getattr(old, f.name)), plain(getattr(new, f.name))
        if a != b:
            out[f.name] = {"from": a, "to": b}
    return out


def _items(d: StructureDiff, old: ItemScheme, new: ItemScheme) -> None:
    before, after = old.item_map(), new.item_map()
    d.added = [i for i in after if i not in before]
    d.removed = [i for i in before if i not in after]
    for item_id in (i for i in after if i in before):
        a, b = before[item_id], after[item_id]
        for lang in sorted(set(a.names) | set(b.names)):
            if a.names.get(lang) != b.names.get(lang):
                d.renamed.append(
                    {
                        "id": item_id,
                        "lang": lang,
                        "from": a.names.get(lang),
                        "to": b.names.get(lang),
                    }
                )
        if a.parent != b.parent:
            d.reparented.append({"id": item_id, "from": a.parent, "to": b.parent})
        if is_deprecated(b) and not is_deprecated(a):
            d.deprecated.append(item_id)
    common_old = [i for i in before if i in after]
    common_new = [i for i in after if i in before]
    d.reordered = common_old != common_new


def _components(d: StructureDiff, old: DataStructure, new: DataStructure) -> None:
    def table(dsd: DataStructure) -> dict[str, tuple[str, Any]]:
        out: dict[str, tuple[str, Any]] = {}
        for kind, comps in (
            ("dimension", dsd.dimensions),
            ("attribute", dsd.attributes),
            ("measure", dsd.measures),
            ("group", dsd.groups),
        ):
            for c in comps:
                out[f"{kind}:{c.id}"] = (kind, plain(c))
        return out

    a, b = table(old), table(new)
    d.components["added"] = [{"id": k.split(":", 1)[1], "kind": b[k][0]} for k in b if k not in a]
    d.components["removed"] = [{"id": k.split(":", 1)[1], "kind": a[k][0]} for k in a if k not in b]
    for key in (k for k in b if k in a):
        (kind, va), (_, vb) = a[key], b[key]
        changed = {
            f: {"from": va.get(f), "to": vb.get(f)}
            for f in sorted(set(va) | set(vb))
            if va.get(f) != vb.get(f)
        }
        if changed:
            d.components["changed"].append(
                {"id": key.split(":", 1)[1], "kind": kind, "fields": changed}
            )


def diff(old: MaintainableArtefact, new: MaintainableArtefact) -> StructureDiff:
    """Differences between two artefacts of the same type."""
    d = StructureDiff(old=str(old.ref), new=str(new.ref), properties=_properties(old, new))
    if isinstance(old, ItemScheme) and isinstance(new, ItemScheme):
        _items(d, old, new)
    if isinstance(old, DataStructure) and isinstance(new, DataStructure):
        _components(d, old, new)
    return d
