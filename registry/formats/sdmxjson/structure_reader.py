"""SDMX-JSON 2.0.0 structure message reader (``StructureReaderJson20``), for structure submissions.

Design decisions:

* The whole document is parsed with ``json.loads`` (structure messages are small compared with data)
  and walked with a ``_Cursor`` that knows the JSON pointer of every value, so each shape error is a
  ``StructureError`` naming the pointer (house style: errors carry their location).  Bad JSON is a
  ``MessageSyntaxError`` with the line and column from the decoder.
* Artefact arrays are dispatched by a table keyed on the ``data`` property.  Types the model does
  not hold (value lists, metadata structures, VTL schemes, …) are ignored and listed in
  ``StructureMessage.header["ignored"]``.
* A ``name`` without ``names`` is filed under the message's first ``contentLanguages`` (else
  ``en``).
* SDMX-JSON 1.0 messages are refused with a clear error (the service writes 1.0 but accepts
  submissions in SDMX-ML 2.1/3.0 and SDMX-JSON 2.0).
* Lossy by the format: 2.0 has no ``isFinal`` (read when present), no 2.1 measure dimensions and no
  attribute attachment groups.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from registry.errors import InvalidReference, MessageSyntaxError, StructureError
from registry.formats.sdmxjson.structure_common import ITEM_KEYS, V20
from registry.formats.sdmxjson.structure_dsd import check_dsd, read_components, read_representation
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import (
    ITEM_CLASSES,
    MODEL_CLASSES,
    Annotation,
    Categorisation,
    ComponentMap,
    ComponentValues,
    Concept,
    Contact,
    ContentConstraint,
    CubeRegion,
    DataKey,
    DataKeySet,
    Dataflow,
    DataStructure,
    FixedValueMap,
    HierarchicalCode,
    Hierarchy,
    HierarchyAssociation,
    HierarchyLevel,
    ItemScheme,
    MaintainableArtefact,
    Organisation,
    ProvisionAgreement,
    RepresentationMap,
    StructureMap,
    StructureMessage,
    ValueMapping,
)
from registry.sdmx.refs import ArtefactType, Ref

_T = ArtefactType
Obj = Mapping[str, Any]


class _Cursor:
    """Typed access to JSON values, raising ``StructureError`` with the JSON pointer."""

    v = V20

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang

    @staticmethod
    def fail(ptr: str, message: str) -> StructureError:
        return StructureError(f"{ptr or '/'}: {message}", details={"pointer": ptr or "/"})

    def obj(self, value: Any, ptr: str) -> Obj:
        if not isinstance(value, dict):
            raise self.fail(ptr, f"expected an object, got {type(value).__name__}")
        return value

    def arr(self, obj: Obj, key: str, ptr: str) -> list[Any]:
        value = obj.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{ptr}/{key}", f"expected an array, got {type(value).__name__}")
        return value

    def text(self, value: Any, ptr: str) -> str:
        if not isinstance(value, str):
            raise self.fail(ptr, f"expected a string, got {type(value).__name__}")
        return value

    def opt_text(self, obj: Obj, key: str, ptr: str) -> str | None:
        return None if obj.get(key) is None else self.text(obj[key], f"{ptr}/{key}")

    def id(self, obj: Obj, ptr: str) -> str:
        if "id" not in obj:
            raise self.fail(ptr, "missing required property 'id'")
        return self.text(obj["id"], f"{ptr}/id")

    def ref(self, value: Any, ptr: str) -> Ref:
        try:
            return Ref.parse_urn(self.text(value, ptr))
        except InvalidReference as exc:
            raise self.fail(ptr, exc.message) from None

    def opt_ref(self, obj: Obj, key: str, ptr: str) -> Ref | None:
        return None if obj.get(key) is None else self.ref(obj[key], f"{ptr}/{key}")

    def loc(self, obj: Obj, one: str, many: str, ptr: str) -> dict[str, str]:
        if many in obj:
            texts = self.obj(obj[many], f"{ptr}/{many}")
            return {k: self.text(x, f"{ptr}/{many}/{k}") for k, x in texts.items()}
        if one in obj:
            return {self.lang: self.text(obj[one], f"{ptr}/{one}")}
        return {}

    def annotations(self, obj: Obj, ptr: str) -> list[Annotation]:
        out = []
        for i, a in enumerate(self.arr(obj, "annotations", ptr)):
            p = f"{ptr}/annotations/{i}"
            a = self.obj(a, p)
            links = [self.obj(x, f"{p}/links") for x in self.arr(a, "links", p)]
            url = next((x.get("href") for x in links if x.get("rel") == "self"), None)
            out.append(Annotation(
                self.opt_text(a, "id", p), self.opt_text(a, "title", p),
                self.opt_text(a, "type", p), url, self.loc(a, "text", "texts", p),
                self.opt_text(a, "value", p)))
        return out


# --- Artefacts ------------------------------------------------------------------------------------


def _head(cur: _Cursor, cls: type[MaintainableArtefact], obj: Obj, ptr: str) -> Any:
    """A model artefact with the maintainable properties filled in."""
    if "agencyID" not in obj:
        raise cur.fail(ptr, "missing required property 'agencyID'")
    a = cls(cur.text(obj["agencyID"], f"{ptr}/agencyID"), cur.id(obj, ptr),
            cur.text(obj.get("version", "1.0"), f"{ptr}/version"))
    a.names = cur.loc(obj, "name", "names", ptr)
    a.descriptions = cur.loc(obj, "description", "descriptions", ptr)
    a.annotations = cur.annotations(obj, ptr)
    a.is_final = obj.get("isFinal") is True
    a.is_external_reference = obj.get("isExternalReference") is True
    a.valid_from = cur.opt_text(obj, "validFrom", ptr)
    a.valid_to = cur.opt_text(obj, "validTo", ptr)
    for i, link in enumerate(cur.arr(obj, "links", ptr)):
        link = cur.obj(link, f"{ptr}/links/{i}")
        if link.get("rel") == "self":
            a.structure_url = link.get("href")
            a.uri = link.get("uri")
        elif link.get("rel") == "service":
            a.service_url = link.get("href")
    return a


def _contacts(cur: _Cursor, obj: Obj, ptr: str) -> list[Contact]:
    out = []
    for i, c in enumerate(cur.arr(obj, "contacts", ptr)):
        p = f"{ptr}/contacts/{i}"
        c = cur.obj(c, p)
        lists = (list(cur.arr(c, k, p)) for k in ("telephones", "faxes", "x400s", "uris", "emails"))
        out.append(Contact(cur.loc(c, "name", "names", p),
                           cur.loc(c, "department", "departments", p),
                           cur.loc(c, "role", "roles", p), *lists))
    return out


def _items(cur: _Cursor, s: ItemScheme, objs: list[Any], ptr: str, parent: str | None) -> None:
    cls = ITEM_CLASSES[s.type]
    key = ITEM_KEYS[s.type]
    for i, o in enumerate(objs):
        p = f"{ptr}/{key}/{i}"
        o = cur.obj(o, p)
        it = cls(cur.id(o, p), cur.loc(o, "name", "names", p),
                 cur.loc(o, "description", "descriptions", p), cur.annotations(o, p),
                 parent if parent is not None else cur.opt_text(o, "parent", p))
        if isinstance(it, Organisation):
            it.contacts = _contacts(cur, o, p)
        if isinstance(it, Concept):
            _concept(cur, it, o, p)
        s.items.append(it)
        if s.type is _T.CATEGORY_SCHEME:
            _items(cur, s, cur.arr(o, "categories", p), p, it.id)


def _concept(cur: _Cursor, c: Concept, o: Obj, p: str) -> None:
    if "coreRepresentation" in o:
        rp = f"{p}/coreRepresentation"
        c.core_representation = read_representation(cur, cur.obj(o["coreRepresentation"], rp), rp)
    iso = o.get("isoConceptReference")
    if isinstance(iso, dict):
        c.iso_concept = (f"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept="
                         f"{iso.get('conceptAgency')}:{iso.get('conceptSchemeID')}(1.0)."
                         f"{iso.get('conceptID')}")


def _item_scheme(cur: _Cursor, rtype: ArtefactType, obj: Obj, ptr: str) -> MaintainableArtefact:
    s = _head(cur, MODEL_CLASSES[rtype], obj, ptr)
    s.is_partial = obj.get("isPartial") is True
    _items(cur, s, cur.arr(obj, ITEM_KEYS[rtype], ptr), ptr, None)
    if rtype is _T.CODELIST:
        s.extends = [cur.ref(cur.obj(e, f"{ptr}/codelistExtensions/{i}").get("codelist"),
                             f"{ptr}/codelistExtensions/{i}/codelist")
                     for i, e in enumerate(cur.arr(obj, "codelistExtensions", ptr))]
    return s  # type: ignore[no-any-return]


def _dsd(cur: _Cursor, rtype: ArtefactType, obj: Obj, ptr: str) -> MaintainableArtefact:
    dsd: DataStructure = _head(cur, DataStructure, obj, ptr)
    if "dataStructureComponents" in obj:
        p = f"{ptr}/dataStructureComponents"
        read_components(cur, dsd, cur.obj(obj["dataStructureComponents"], p), p)
        check_dsd(dsd, ptr)
    return dsd


def _dataflow(cur: _Cursor, rtype: ArtefactType, obj: Obj, ptr: str) -> MaintainableArtefact:
    df: Dataflow = _head(cur, Dataflow, obj, ptr)
    df.structure = cur.opt_ref(obj, "structure", ptr)
    return df


def _categorisation(cur: _Cursor, rtype: ArtefactType, obj: Obj, ptr: str) -> MaintainableArtefact:
    c: Categorisation = _head(cur, Categorisation, obj, ptr)
    c.source = cur.opt_ref(obj, "source", ptr)
    c.target = cur.opt_ref(obj, "target", ptr)
    return c


def _pa(cur: _Cursor, rtype: ArtefactType, obj: Obj, ptr: str) -> MaintainableArtefact:
    pa: ProvisionAgreement = _head(cur, ProvisionAgreement, obj, ptr)
    pa.dataflow = cur.opt_ref(obj, "dataflow", ptr)
    pa.provider = cur.opt_ref(obj, "dataProvider", ptr)
    return pa


def _association(cur: _Cursor, rtype: ArtefactType, obj: Obj, ptr: str) -> MaintainableArtefact:
    ha: HierarchyAssociation = _head(cur, HierarchyAssociation, obj, ptr)
    ha.linked_hierarchy = cur.opt_ref(obj, "linkedHierarchy", ptr)
    ha.linked_object = cur.opt_ref(obj, "linkedObject", ptr)
    ha.context_object = cur.opt_ref(obj, "contextObject", ptr)
    return ha


# --- Constraints ----------------------------------------------------------------------------------


def _period(cur: _Cursor, obj: Obj, key: str, ptr: str) -> tuple[str, bool]:
    o = cur.obj(obj[key], f"{ptr}/{key}")
    return cur.text(o.get("period"), f"{ptr}/{key}/period"), o.get("isInclusive", True) is not False


def _value_set(cur: _Cursor, o: Obj, p: str, is_attribute: bool) -> tuple[str, ComponentValues]:
    cv = ComponentValues(include=o.get("include", True) is not False, is_attribute=is_attribute)
    for i, x in enumerate(cur.arr(o, "values", p)):
        if isinstance(x, dict):
            cv.values.append(cur.text(x.get("value"), f"{p}/values/{i}/value"))
            cv.cascade = cv.cascade or x.get("cascadeValues") not in (None, False)
        else:
            cv.values.append(cur.text(x, f"{p}/values/{i}"))
    if "timeRange" in o:
        tp = f"{p}/timeRange"
        tr = cur.obj(o["timeRange"], tp)
        for key in ("startPeriod", "afterPeriod"):
            if key in tr:
                cv.start_period, cv.start_inclusive = _period(cur, tr, key, tp)
        for key in ("endPeriod", "beforePeriod"):
            if key in tr:
                cv.end_period, cv.end_inclusive = _period(cur, tr, key, tp)
    return cur.id(o, p), cv


def _cube_region(cur: _Cursor, obj: Obj, ptr: str) -> CubeRegion:
    region = CubeRegion(include=obj.get("include", True) is not False)
    for key, is_attr in (("keyValues", False), ("components", True)):
        for i, o in enumerate(cur.arr(obj, key, ptr)):
            p = f"{ptr}/{key}/{i}"
            cid, cv = _value_set(cur, cur.obj(o, p), p, is_attr)
            region.components[cid] = cv
    return region


def _constraint(cur: _Cursor, rtype: ArtefactType, obj: Obj, ptr: str) -> MaintainableArtefact:
    c: ContentConstraint = _head(cur, ContentConstraint, obj, ptr)
    c.role = cur.text(obj.get("role", "Allowed"), f"{ptr}/role")
    ap = f"{ptr}/constraintAttachment"
    att = cur.obj(obj.get("constraintAttachment", {}), ap)
    if "dataProvider" in att:
        c.attachment.append(cur.ref(att["dataProvider"], f"{ap}/dataProvider"))
    for key in ("dataStructures", "dataflows", "provisionAgreements"):
        c.attachment.extend(cur.ref(u, f"{ap}/{key}/{i}")
                            for i, u in enumerate(cur.arr(att, key, ap)))
    c.cube_regions = [_cube_region(cur, cur.obj(r, f"{ptr}/cubeRegions/{i}"),
                                   f"{ptr}/cubeRegions/{i}")
                      for i, r in enumerate(cur.arr(obj, "cubeRegions", ptr))]
    for i, ks in enumerate(cur.arr(obj, "dataKeySets", ptr)):
        p = f"{ptr}/dataKeySets/{i}"
        ks = cur.obj(ks, p)
        keys = []
        for j, k in enumerate(cur.arr(ks, "keys", p)):
            kp = f"{p}/keys/{j}"
            kvs = [cur.obj(kv, kp) for kv in cur.arr(cur.obj(k, kp), "keyValues", kp)]
            keys.append(DataKey({cur.id(kv, kp): cur.text(kv.get("value"), f"{kp}/value")
                                 for kv in kvs}))
        c.key_sets.append(DataKeySet(ks.get("isIncluded", True) is not False, keys))
    return c


# --- Hierarchies and maps -------------------------------------------------------------------------


def _hcodes(cur: _Cursor, obj: Obj, ptr: str) -> list[HierarchicalCode]:
    out = []
    for i, o in enumerate(cur.arr(obj, "hierarchicalCodes", ptr)):
        p = f"{ptr}/hierarchicalCodes/{i}"
        o = cur.obj(o, p)
        if "code" not in o:
            raise cur.fail(p, "missing required property 'code'")
        out.append(HierarchicalCode(
            cur.id(o, p), cur.ref(o["code"], f"{p}/code"), _hcodes(cur, o, p),
            cur.annotations(o, p), cur.opt_text(o, "validFrom", p), cur.opt_text(o, "validTo", p),
            cur.opt_text(o, "level", p)))
    return out


def _hierarchy(cur: _Cursor, rtype: ArtefactType, obj: Obj, ptr: str) -> MaintainableArtefact:
    h: Hierarchy = _head(cur, Hierarchy, obj, ptr)
    h.has_formal_levels = obj.get("hasFormalLevels") is True
    level, p = obj.get("level"), f"{ptr}/level"
    while level is not None:
        level = cur.obj(level, p)
        h.levels.append(HierarchyLevel(cur.id(level, p), cur.loc(level, "name", "names", p)))
        level, p = level.get("level"), f"{p}/level"
    h.codes = _hcodes(cur, obj, ptr)
    return h


def _map_ends(cur: _Cursor, obj: Obj, key: str, ptr: str) -> tuple[list[Ref | None],
                                                                    list[str | None]]:
    refs: list[Ref | None] = []
    types: list[str | None] = []
    for i, o in enumerate(cur.arr(obj, key, ptr)):
        p = f"{ptr}/{key}/{i}"
        o = cur.obj(o, p)
        refs.append(cur.opt_ref(o, "codelist", p))
        types.append(cur.opt_text(o, "dataType", p))
    return refs, types


def _representation_map(cur: _Cursor, rtype: ArtefactType, obj: Obj,
                        ptr: str) -> MaintainableArtefact:
    rm: RepresentationMap = _head(cur, RepresentationMap, obj, ptr)
    rm.sources, rm.source_types = _map_ends(cur, obj, "source", ptr)
    rm.targets, rm.target_types = _map_ends(cur, obj, "target", ptr)
    for i, m in enumerate(cur.arr(obj, "representationMappings", ptr)):
        p = f"{ptr}/representationMappings/{i}"
        m = cur.obj(m, p)
        src = [cur.obj(s, f"{p}/sourceValues/{j}") for j, s in enumerate(
            cur.arr(m, "sourceValues", p))]
        rm.mappings.append(ValueMapping(
            [cur.text(s.get("value"), f"{p}/sourceValues") for s in src],
            [cur.text(t, f"{p}/targetValues") for t in cur.arr(m, "targetValues", p)],
            [s.get("isRegEx") is True for s in src] if any(s.get("isRegEx") for s in src) else [],
            cur.opt_text(m, "validFrom", p), cur.opt_text(m, "validTo", p)))
    return rm


def _structure_map(cur: _Cursor, rtype: ArtefactType, obj: Obj, ptr: str) -> MaintainableArtefact:
    sm: StructureMap = _head(cur, StructureMap, obj, ptr)
    sm.source = cur.opt_ref(obj, "source", ptr)
    sm.target = cur.opt_ref(obj, "target", ptr)
    for i, o in enumerate(cur.arr(obj, "componentMaps", ptr)):
        p = f"{ptr}/componentMaps/{i}"
        o = cur.obj(o, p)
        sm.component_maps.append(ComponentMap(list(cur.arr(o, "source", p)),
                                              list(cur.arr(o, "target", p)),
                                              cur.opt_ref(o, "representationMap", p)))
    for i, o in enumerate(cur.arr(obj, "fixedValueMaps", ptr)):
        p = f"{ptr}/fixedValueMaps/{i}"
        o = cur.obj(o, p)
        role = "source" if "source" in o else "target"
        values = cur.arr(o, "values", p)
        sm.fixed_values.append(FixedValueMap(cur.text(o.get(role), f"{p}/{role}"),
                                             cur.text(values[0] if values else "", f"{p}/values"),
                                             role))
    return sm


_Decoder = Callable[[_Cursor, ArtefactType, Obj, str], MaintainableArtefact]

#: ``data`` property -> (model type, decoder).
DECODERS: dict[str, tuple[ArtefactType, _Decoder]] = {
    **{f"{k[0].lower()}{k[1:]}": (t, _item_scheme) for t, k in (
        (_T.CODELIST, "Codelists"), (_T.CONCEPT_SCHEME, "ConceptSchemes"),
        (_T.CATEGORY_SCHEME, "CategorySchemes"), (_T.AGENCY_SCHEME, "AgencySchemes"),
        (_T.DATA_PROVIDER_SCHEME, "DataProviderSchemes"),
        (_T.DATA_CONSUMER_SCHEME, "DataConsumerSchemes"),
        (_T.ORGANISATION_UNIT_SCHEME, "OrganisationUnitSchemes"))},
    "dataStructures": (_T.DATA_STRUCTURE, _dsd),
    "dataflows": (_T.DATAFLOW, _dataflow),
    "categorisations": (_T.CATEGORISATION, _categorisation),
    "provisionAgreements": (_T.PROVISION_AGREEMENT, _pa),
    "dataConstraints": (_T.CONTENT_CONSTRAINT, _constraint),
    "hierarchies": (_T.HIERARCHY, _hierarchy),
    "hierarchyAssociations": (_T.HIERARCHY_ASSOCIATION, _association),
    "representationMaps": (_T.REPRESENTATION_MAP, _representation_map),
    "structureMaps": (_T.STRUCTURE_MAP, _structure_map),
}


def _parse(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise MessageSyntaxError(f"SDMX-JSON must be UTF-8: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise MessageSyntaxError(f"Not well-formed JSON: {exc.msg}", line=exc.lineno,
                                 column=exc.colno) from None


class StructureReaderJson20:
    """Reads SDMX-JSON 2.0.0 structure messages into a ``StructureMessage``."""

    name: ClassVar[str] = "sdmx-json-structure-2.0"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.STRUCTURE_JSON_20,)

    @classmethod
    def handles(cls, head: bytes) -> bool:
        """A JSON object that names the 2.0 structure schema or carries a structure array."""
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith(b"{"):
            return False
        if b"sdmx-json-structure-schema" in text:
            return b"/1.0/" not in text
        return any(f'"{key}"'.encode() in text for key in DECODERS)

    def read(self, data: bytes) -> StructureMessage:
        """Parse a whole message.  Raises ``MessageSyntaxError`` / ``StructureError``."""
        doc = _parse(data)
        cur = _Cursor()
        root = cur.obj(doc, "")
        meta = cur.obj(root.get("meta", {}), "/meta")
        schema = meta.get("schema")
        if isinstance(schema, str) and "/1.0/" in schema:
            raise cur.fail("/meta/schema", "SDMX-JSON 1.0 structure messages are not accepted; "
                                           "send SDMX-JSON 2.0.0 or SDMX-ML")
        langs = cur.arr(meta, "contentLanguages", "/meta")
        if langs:
            cur.lang = cur.text(langs[0], "/meta/contentLanguages/0")
        if "data" not in root:
            raise cur.fail("", "missing required property 'data'")
        body = cur.obj(root["data"], "/data")
        msg = StructureMessage(header=self._header(meta))
        ignored = []
        for key, objs in body.items():
            if key not in DECODERS:
                ignored.append(key)
                continue
            rtype, decode = DECODERS[key]
            for i, obj in enumerate(cur.arr(body, key, "/data")):
                ptr = f"/data/{key}/{i}"
                msg.artefacts.append(decode(cur, rtype, cur.obj(obj, ptr), ptr))
        if ignored:
            msg.header["ignored"] = ",".join(ignored)
        return msg

    @staticmethod
    def _header(meta: Obj) -> dict[str, str]:
        out = {k: meta[k] for k in ("id", "prepared") if isinstance(meta.get(k), str)}
        sender = meta.get("sender")
        if isinstance(sender, dict) and isinstance(sender.get("id"), str):
            out["sender"] = sender["id"]
        return out


__all__ = ["StructureReaderJson20"]
