"""Hardened lxml parsing: no entities, no DTD, no network, bounded depth and sizes.

Every XML input of the service (structure submissions, data uploads, queries with bodies) goes
through these functions.  ``resolve_entities=False`` with ``no_network=True`` and ``load_dtd=False``
stops XXE and billion-laughs; ``huge_tree=False`` keeps libxml2's own limits on text nodes and depth;
a DOCTYPE is refused outright because SDMX messages never carry one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from registry.errors import MessageSyntaxError

#: Deepest element nesting accepted (SDMX messages nest < 20 levels; hierarchies a few more).
MAX_DEPTH = 256


def parser() -> etree.XMLParser:
    """A new safe parser for whole-document parsing (structures: small documents)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _check_doctype(tree: Any) -> None:
    docinfo = tree.docinfo if hasattr(tree, "docinfo") else tree.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise MessageSyntaxError("XML documents with a DOCTYPE are not accepted")


def parse_document(data: bytes) -> etree._Element:
    """Parse a whole (small) XML document safely; returns the root element."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:65536]:
        raise MessageSyntaxError("XML documents with a DOCTYPE or entity declarations are not accepted")
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        line, col = (exc.position if exc.position else (None, None))
        raise MessageSyntaxError(f"Not well-formed XML: {exc.msg}", line=line, column=col) from None
    _check_doctype(root)
    _check_depth(root)
    return root


def _check_depth(root: etree._Element) -> None:
    # iterwalk-free depth check: the parser already bounds depth (libxml2 default 256 without
    # huge_tree); this keeps the limit explicit and independent of the libxml2 build.
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MessageSyntaxError(f"XML nesting deeper than {MAX_DEPTH} levels", line=el.sourceline)
        stack.extend((c, depth + 1) for c in el)


def iterparse(source: IO[bytes], events: tuple[str, ...] = ("start", "end"), **kwargs: Any) -> Iterator[Any]:
    """A safe streaming parse (``etree.iterparse`` with the hardened options)."""
    return etree.iterparse(
        source,
        events=events,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        **kwargs,
    )
