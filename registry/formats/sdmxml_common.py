"""Helpers shared by the streaming SDMX-ML data readers (2.1 generic, 2.1/3.0 structure-specific).

What lives here is what the readers have in common and what is not on the per-observation hot path:

* ``sniff_root`` — look at the first bytes of a stream (after a BOM, the XML declaration, comments
  and processing instructions) and name the root element and its namespace; the readers'
  ``handles()`` and the format registry's ``detect()`` are built on it;
* ``check_root`` — turn a wrong root element (an SDMX ``Error`` message, a structure message,
  anything else) into a ``MessageSyntaxError`` that says what the file is;
* ``parse_header`` — the ``message:Header`` facts a data set needs: the structure references by
  ``structureID`` (SDMX 2.1 section 3A, ``message:Structure``), ``dimensionAtObservation``, the
  header ``DataSetAction`` and reporting period;
* ``GroupIndex`` — group attribute values keyed by the group's partial key, so the readers can put
  them into ``Series.attrs`` (or ``Obs.attrs`` when a group key uses the observation dimension);
* ``StructureCache`` — one ``resolve()`` call per structure reference and message;
* ``syntax_error`` — lxml's ``XMLSyntaxError`` to ``MessageSyntaxError`` with line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from registry.errors import InvalidReference, MessageSyntaxError
from registry.formats import xmlsafe
from registry.formats.base import DataChunk, DataSetInfo, ResolvedStructure, StructureResolver
from registry.formats.sdmxml21 import namespaces as ns21
from registry.formats.sdmxml30 import namespaces as ns30
from registry.sdmx.refs import ArtefactType, Ref

#: How many bytes detection looks at (enough for the long namespace lists real producers write).
HEAD_SIZE = 4096

_UTF8_BOM = b"\xef\xbb\xbf"
_NAME = re.compile(r"<([A-Za-z_][\w.\-]*)(?::([A-Za-z_][\w.\-]*))?")

#: Message namespaces we recognise, with a human label for messages.
MESSAGE_NAMESPACES: Mapping[str, str] = {
    ns21.MES: "SDMX-ML 2.1",
    ns30.MES: "SDMX-ML 3.0",
    "http://www.sdmx.org/resources/sdmxml/schemas/v3_1/message": "SDMX-ML 3.1",
    "http://www.SDMX.org/resources/SDMXML/schemas/v2_0/message": "SDMX-ML 2.0",
}

#: Header ``message:Structure`` children (SDMX 2.1 spells ``ProvisionAgrement``) and the type each
#: names when the reference is a ``Ref`` without ``class``.
_USAGE_TYPES: Mapping[str, ArtefactType] = {
    "Structure": ArtefactType.DATA_STRUCTURE,
    "StructureUsage": ArtefactType.DATAFLOW,
    "ProvisionAgrement": ArtefactType.PROVISION_AGREEMENT,
    "ProvisionAgreement": ArtefactType.PROVISION_AGREEMENT,
}


@dataclass(frozen=True, slots=True)
class RootInfo:
    """What the first bytes of an XML document say about its root element."""

    local: str
    namespace: str | None
    prefix: str | None
    has_doctype: bool = False

    @property
    def clark(self) -> str:
        """``{namespace}local``."""
        return f"{{{self.namespace}}}{self.local}" if self.namespace else self.local

    def describe(self) -> str:
        """A short human description, e.g. ``SDMX-ML 2.1 message Structure``."""
        label = MESSAGE_NAMESPACES.get(self.namespace or "")
        if label:
            return f"{label} {self.local} message"
        return f"XML root element {self.clark}"


def _decode_head(head: bytes) -> str:
    if head.startswith(_UTF8_BOM):
        head = head[3:]
    elif head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8", errors="replace")


def _skip_prolog(text: str) -> tuple[int, bool] | None:
    """Index of the first element's ``<`` after declarations, comments, PIs and a DOCTYPE (and
    whether a DOCTYPE was seen); None if the text ends first or is not XML."""
    i, n, doctype = 0, len(text), False
    while i < n:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if text.startswith(("<?", "<!--"), i):
            close = "?>" if text[i + 1] == "?" else "-->"
            end = text.find(close, i)
            if end < 0:
                return None
            i = end + len(close)
        elif text.startswith("<!DOCTYPE", i):
            doctype = True
            bracket, end = text.find("[", i), text.find(">", i)
            if 0 <= bracket < end:
                end = text.find("]", bracket)
                end = text.find(">", end) if end >= 0 else -1
            if end < 0:
                return None
            i = end + 1
        elif text.startswith("<", i):
            return i, doctype
        else:
            return None
    return None


def sniff_root(head: bytes) -> RootInfo | None:
    """Name the root element of the XML document that starts with ``head``; None if it is not XML.

    Skips a BOM, the XML declaration, comments, processing instructions and a DOCTYPE (reported in
    ``has_doctype`` so callers can refuse it).  The namespace is looked up among the declarations in
    ``head``; when the start tag is cut off before its declaration, ``namespace`` is None.
    """
    text = _decode_head(head)
    found = _skip_prolog(text)
    if found is None:
        return None
    i, doctype = found
    m = _NAME.match(text, i)
    if not m:
        return None
    prefix, local = (m[1], m[2]) if m[2] else (None, m[1])
    attr = f"xmlns:{prefix}" if prefix else "xmlns"
    decl = re.search(rf"\s{re.escape(attr)}\s*=\s*([\"'])(.*?)\1", text[m.end() :])
    return RootInfo(local, decl[2] if decl else None, prefix, doctype)


def describe_head(head: bytes) -> str:
    """What the head of an upload looks like, for "unsupported format" messages."""
    root = sniff_root(head)
    if root is not None:
        return root.describe()
    sample = _decode_head(head[:60]).strip().splitlines()
    first = sample[0][:60] if sample else ""
    return f"content starting with {first!r}" if first else "empty content"


_ERROR_CODE = re.compile(r"<(?:\w+:)?ErrorMessage\b[^>]*\bcode\s*=\s*[\"']([^\"']*)[\"']")
_ERROR_TEXT = re.compile(r"<(?:\w+:)?Text\b[^>]*>(.*?)</(?:\w+:)?Text>", re.S)


def error_message_from_head(head: bytes) -> MessageSyntaxError | None:
    """If ``head`` is an SDMX ``Error`` message, the exception that reports it (code and text)."""
    root = sniff_root(head)
    if root is None or root.local != "Error" or root.namespace not in MESSAGE_NAMESPACES:
        return None
    text = _decode_head(head)
    code = _ERROR_CODE.search(text)
    msg = _ERROR_TEXT.search(text)
    return sdmx_error(code[1] if code else None, msg[1] if msg else None)


def sdmx_error(code: str | None, text: str | None, line: int | None = None) -> MessageSyntaxError:
    """The exception for an uploaded SDMX ``Error`` message."""
    what = "the file is an SDMX error message"
    if code:
        what += f", code {code}"
    if text:
        what += ": " + " ".join(text.split())[:500]
    return MessageSyntaxError(what, line=line)


def syntax_error(exc: etree.XMLSyntaxError) -> MessageSyntaxError:
    """lxml's syntax error as ours, keeping line and column."""
    line, col = exc.position if exc.position else (getattr(exc, "lineno", None), None)
    msg = exc.msg or str(exc)
    # lxml appends ", line N, column M"; we say it ourselves.
    msg = re.sub(r", line \d+, column \d+$", "", msg)
    return MessageSyntaxError(f"Not well-formed XML: {msg}", line=line, column=col)


def check_doctype(root: etree._Element) -> None:
    """Refuse documents with a DOCTYPE (SDMX messages never carry one; entities are a risk)."""
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise MessageSyntaxError(
            "XML documents with a DOCTYPE are not accepted", line=root.sourceline
        )


def local_name(tag: Any) -> str:
    """Local part of a Clark-notation tag ("" for comments and processing instructions)."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def namespace_of(tag: str) -> str | None:
    """Namespace of a Clark-notation tag."""
    return tag[1:].partition("}")[0] if tag.startswith("{") else None


def check_root(root: etree._Element, mes_ns: str, accepted: Iterable[str], format_name: str) -> str:
    """Check the root element of a data message; returns its local name.

    An SDMX error message is reported as such (with its code and text, read by the caller once the
    message is parsed: see ``read_error_message``); structure and other messages are named.
    """
    check_doctype(root)
    tag = root.tag
    local, ns = local_name(tag), namespace_of(tag)
    if ns == mes_ns and local in accepted:
        return local
    label = MESSAGE_NAMESPACES.get(ns or "")
    if label and local == "Error":
        return local  # the caller reads the error message and raises sdmx_error()
    if label and local == "Structure":
        raise MessageSyntaxError(
            f"the file is an {label} structure message, not a data message "
            f"({format_name} expected)",
            line=root.sourceline,
        )
    if label:
        raise MessageSyntaxError(
            f"the file is an {label} {local} message, not {format_name}", line=root.sourceline
        )
    raise MessageSyntaxError(
        f"not an SDMX-ML data message: root element {tag} ({format_name} expected)",
        line=root.sourceline,
    )


def read_error_message(events: Iterable[tuple[str, etree._Element]], root: etree._Element) -> None:
    """Consume the rest of an ``Error`` message; raise ``sdmx_error`` with its code and text."""
    code: str | None = None
    text: str | None = None
    for ev, el in events:
        if ev == "end" and local_name(el.tag) == "ErrorMessage" and code is None:
            code = el.get("code")
            for child in el.iter():
                if local_name(child.tag) == "Text" and child.text:
                    text = child.text
                    break
    raise sdmx_error(code, text, line=root.sourceline)


# --- Header ---------------------------------------------------------------------------------


@dataclass(slots=True)
class HeaderStructure:
    """One ``message:Header/message:Structure``."""

    structure_id: str | None
    ref: Ref | None
    dimension_at_observation: str | None
    namespace: str | None = None


@dataclass(slots=True)
class HeaderInfo:
    """The facts of ``message:Header`` that data sets inherit."""

    structures: dict[str, HeaderStructure] = field(default_factory=dict)
    action: str | None = None
    reporting_begin: str | None = None
    reporting_end: str | None = None
    provider: Ref | None = None

    def structure_for(self, structure_ref: str | None) -> HeaderStructure | None:
        """The header structure a data set names in ``structureRef`` (or the only one there is)."""
        if structure_ref is not None and structure_ref in self.structures:
            return self.structures[structure_ref]
        if len(self.structures) >= 1:
            return next(iter(self.structures.values()))
        return None


def parse_ref(el: etree._Element, default_type: ArtefactType) -> Ref | None:
    """A reference written as ``<Ref agencyID id version class/>``, ``<URN>…</URN>`` or URN text."""
    try:
        for child in el:
            name = local_name(child.tag)
            if name == "Ref":
                cls = child.get("class")
                rtype = ArtefactType.from_class(cls) if cls else default_type
                agency, ident = child.get("agencyID"), child.get("id")
                if not agency or not ident:
                    raise MessageSyntaxError("Ref without agencyID or id", line=child.sourceline)
                return Ref(rtype, agency, ident, child.get("version") or "1.0")
            if name == "URN" and child.text:
                return Ref.parse_urn(child.text)
        if el.text and el.text.strip():
            return Ref.parse_urn(el.text)
    except InvalidReference as exc:
        raise MessageSyntaxError(
            f"bad structure reference: {exc.message}", line=el.sourceline
        ) from None
    return None


def parse_provider(el: etree._Element) -> Ref | None:
    """A ``DataProvider`` reference (an item of a data provider scheme)."""
    for child in el:
        name = local_name(child.tag)
        if name == "Ref" and child.get("id"):
            return Ref(
                ArtefactType.DATA_PROVIDER_SCHEME,
                child.get("agencyID") or "",
                child.get("maintainableParentID") or "DATA_PROVIDERS",
                child.get("maintainableParentVersion") or "1.0",
                child.get("id"),
            )
        if name == "URN" and child.text:
            try:
                return Ref.parse_urn(child.text)
            except InvalidReference:
                return None
    if el.text and el.text.strip():
        try:
            return Ref.parse_urn(el.text)
        except InvalidReference:
            return None
    return None


def parse_header(header: etree._Element) -> HeaderInfo:
    """Read the data-relevant facts of a complete ``message:Header`` element."""
    info = HeaderInfo()
    for child in header:
        name = local_name(child.tag)
        if name == "Structure":
            ref = None
            for usage in child:
                rtype = _USAGE_TYPES.get(local_name(usage.tag))
                if rtype is not None:
                    ref = parse_ref(usage, rtype)
                    break
            sid = child.get("structureID")
            info.structures[sid or f"#{len(info.structures)}"] = HeaderStructure(
                sid, ref, child.get("dimensionAtObservation"), child.get("namespace")
            )
        elif name == "DataSetAction" and child.text:
            info.action = child.text.strip()
        elif name == "ReportingBegin" and child.text:
            info.reporting_begin = child.text.strip()
        elif name == "ReportingEnd" and child.text:
            info.reporting_end = child.text.strip()
        elif name == "DataProvider":
            info.provider = parse_provider(child)
    return info


class StructureCache:
    """Calls ``resolve`` once per structure reference of a message."""

    __slots__ = ("_resolve", "_seen")

    def __init__(self, resolve: StructureResolver) -> None:
        self._resolve = resolve
        self._seen: dict[Ref | None, ResolvedStructure] = {}

    def get(self, ref: Ref | None) -> ResolvedStructure:
        """The resolved structure of ``ref``."""
        if ref not in self._seen:
            self._seen[ref] = self._resolve(ref)
        return self._seen[ref]


#: DataSet XML attributes defined by the schemas (any namespace); everything else unqualified is a
#: data-set-level attribute of the DSD (structure-specific formats).
DATASET_STANDARD_ATTRS = frozenset(
    {
        "structureRef",
        "setID",
        "action",
        "reportingBeginDate",
        "reportingEndDate",
        "validFromDate",
        "validToDate",
        "publicationYear",
        "publicationPeriod",
        "dataScope",
        "type",
        "schemaLocation",
    }
)


def dataset_facts(attrib: Mapping[str, str]) -> dict[str, str]:
    """The standard DataSet attributes by local name (``ss:structureRef`` = ``structureRef``)."""
    out: dict[str, str] = {}
    for k, v in attrib.items():
        name = k.rpartition("}")[2]
        if name in DATASET_STANDARD_ATTRS:
            out.setdefault(name, v)
    return out


# --- Groups ---------------------------------------------------------------------------------


class GroupIndex:
    """Attribute values reported for groups, by the group's partial key.

    A group is identified by the set of dimensions in its key (its "signature"), not by its id, so a
    group the DSD does not declare still attaches wherever its key matches.  ``for_series`` returns
    the attributes of every group whose key is contained in the series key, plus the signatures that
    need observation-level dimensions too (cross-sectional data: a group key with ``CURRENCY`` when
    ``CURRENCY`` is at the observation level); ``for_obs`` resolves those per observation.
    """

    __slots__ = ("_by_sig",)

    def __init__(self) -> None:
        self._by_sig: dict[tuple[str, ...], dict[tuple[str, ...], dict[str, str]]] = {}

    def __bool__(self) -> bool:
        return bool(self._by_sig)

    def add(self, key: Mapping[str, str], attrs: Mapping[str, str]) -> None:
        """Record the attributes of one group."""
        sig = tuple(sorted(key))
        values = tuple(key[d] for d in sig)
        self._by_sig.setdefault(sig, {}).setdefault(values, {}).update(attrs)

    def for_series(self, key: Mapping[str, str]) -> tuple[dict[str, str], list[tuple[str, ...]]]:
        """Group attributes matching a series key, and the signatures left to match per obs."""
        found: dict[str, str] = {}
        pending: list[tuple[str, ...]] = []
        for sig, table in self._by_sig.items():
            try:
                values = tuple(key[d] for d in sig)
            except KeyError:
                pending.append(sig)
                continue
            hit = table.get(values)
            if hit:
                found.update(hit)
        return found, pending

    def for_obs(
        self, sigs: list[tuple[str, ...]], series_key: Mapping[str, str], dims: Mapping[str, str]
    ) -> dict[str, str]:
        """Group attributes matching the full key of one observation (series key + its dims)."""
        found: dict[str, str] = {}
        for sig in sigs:
            try:
                values = tuple(dims[d] if d in dims else series_key[d] for d in sig)
            except KeyError:
                continue
            hit = self._by_sig[sig].get(values)
            if hit:
                found.update(hit)
        return found


def merge_group_attrs(own: dict[str, str], groups: Mapping[str, str]) -> dict[str, str]:
    """Series attributes with the matching groups' attributes; the series' own values win."""
    if not groups:
        return own
    merged = dict(groups)
    merged.update(own)
    return merged


class PrefixedStream:
    """A read-only stream replaying ``head`` before the rest of ``source`` (detection, no seek)."""

    __slots__ = ("_head", "_source")

    def __init__(self, head: bytes, source: Any) -> None:
        self._head = head
        self._source = source

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes."""
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._source.read(), b""
                return bytes(data)
            data, self._head = self._head[:size], self._head[size:]
            return data
        return bytes(self._source.read(size))


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between the SDMX-ML data formats a reader accepts."""

    version: str
    #: Message namespace and accepted root element names.
    mes: str
    roots: frozenset[str]
    #: SDMX 3.0: ``<Comp id><Value>…</Value></Comp>`` children and ``<Atts>`` attribute sets.
    comps: bool = False


class MessageParse:
    """Per-message state of one read (the reader classes themselves hold no state).

    Walks the top level of a data message — root check, ``Header``, each ``DataSet`` (any namespace:
    Eurostat writes ``u:DataSet``), ``Footer`` — and hands each data set to ``_dataset``, which the
    format's reader implements and which consumes events up to and including the data set's end.
    """

    __slots__ = ("dialect", "name", "structures", "batch_size", "header")

    def __init__(
        self, dialect: Dialect, name: str, resolve: StructureResolver, batch_size: int
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.dialect = dialect
        self.name = name
        self.structures = StructureCache(resolve)
        self.batch_size = batch_size
        self.header = HeaderInfo()

    def run(self, source: IO[bytes]) -> Iterator[DataChunk]:
        events = xmlsafe.iterparse(source, events=("start", "end"))
        try:
            yield from self._message(events)
        except etree.XMLSyntaxError as exc:
            raise syntax_error(exc) from None

    def _message(self, events: Any) -> Iterator[DataChunk]:
        try:
            _, root = next(events)
        except StopIteration:
            raise MessageSyntaxError("empty document") from None
        if check_root(root, self.dialect.mes, self.dialect.roots, self.name) == "Error":
            read_error_message(events, root)
        depth, index = 0, 0
        for ev, el in events:
            if ev == "start":
                depth += 1
                if depth == 1 and local_name(el.tag) == "DataSet":
                    yield from self._dataset(events, el, index)
                    index += 1
                    depth = 0
                    # only finished elements are removed: later siblings may already be under
                    # construction by the parser (iterparse reads ahead)
                    del root[: root.index(el) + 1]
            else:
                depth -= 1
                if depth == 0:
                    if local_name(el.tag) == "Header":
                        self.header = parse_header(el)
                    del root[: root.index(el) + 1]

    def _dataset(self, events: Any, ds: etree._Element, index: int) -> Iterator[DataChunk]:
        """Read one data set, consuming events up to and including its end."""
        raise NotImplementedError

    def _dataset_info(
        self, ds: etree._Element, index: int
    ) -> tuple[DataSetInfo, ResolvedStructure]:
        header = self.header
        facts = dataset_facts(ds.attrib)
        hs = header.structure_for(facts.get("structureRef"))
        ref = hs.ref if hs is not None else None
        structure = self.structures.get(ref)
        dsd = structure.dsd
        dao = hs.dimension_at_observation if hs is not None else None
        if not dao:
            time = dsd.time_dimension
            dao = time.id if time is not None else "AllDimensions"
        attrs = {k: v for k, v in ds.items() if k[0] != "{" and k not in facts}
        info = DataSetInfo(
            structure_ref=ref,
            structure=structure,
            action=facts.get("action") or header.action or "Replace",
            dimension_at_observation=dao,
            attrs=attrs,
            provider=header.provider,
            valid_from=facts.get("validFromDate"),
            valid_to=facts.get("validToDate"),
            reporting_begin=facts.get("reportingBeginDate") or header.reporting_begin,
            reporting_end=facts.get("reportingEndDate") or header.reporting_end,
            index=index,
        )
        return info, structure
