"""The registry's canonical JSON form of model artefacts (what the ``artefact.document`` column holds).

A generic, lossless encoding of the dataclasses in ``registry.sdmx.model``: each object becomes a dict
tagged with its class name (``"_t"``), fields equal to their default are omitted to keep documents
small, and ``Ref`` values become compact lists.  It is not an exchange format — the structure API
always answers in SDMX formats — but it is stable: changing it needs a data migration.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from registry.errors import StructureError
from registry.sdmx import model
from registry.sdmx.refs import ArtefactType, Ref

_CLASSES: dict[str, type] = {
    name: obj
    for name, obj in vars(model).items()
    if isinstance(obj, type) and dataclasses.is_dataclass(obj)
}


def _encode(value: Any) -> Any:
    if isinstance(value, Ref):
        out: list[Any] = [value.type.name, value.agency, value.id, value.version]
        if value.item is not None:
            out.append(value.item)
        return {"_r": out}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        doc: dict[str, Any] = {"_t": type(value).__name__}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if f.default is not dataclasses.MISSING and v == f.default:
                continue
            if f.default_factory is not dataclasses.MISSING and v == f.default_factory():
                continue
            doc[f.name] = _encode(v)
        return doc
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "_r" in value:
            parts = value["_r"]
            return Ref(ArtefactType[parts[0]], *parts[1:])
        if "_t" in value:
            cls = _CLASSES.get(value["_t"])
            if cls is None:
                raise StructureError(f"Unknown class {value['_t']!r} in stored document")
            kwargs = {k: _decode(v) for k, v in value.items() if k != "_t"}
            return cls(**kwargs)
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def to_document(artefact: model.MaintainableArtefact) -> dict[str, Any]:
    """Encode an artefact for storage."""
    return _encode(artefact)  # type: ignore[no-any-return]


def from_document(document: dict[str, Any]) -> model.MaintainableArtefact:
    """Decode a stored artefact."""
    obj = _decode(document)
    if not isinstance(obj, model.MaintainableArtefact):
        raise StructureError("Stored document is not a maintainable artefact")
    return obj
