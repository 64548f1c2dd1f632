"""Hostile XML built from real messages: each attack is spliced into a valid document of the right kind.

``attack(template, kind)`` returns the template with a DOCTYPE / entity declarations after the XML
declaration and an entity reference inside the first text node of the header (data) or the first
``Name`` (structures), or with a deep element nest / a huge attribute inserted, so every reader meets
the attack in a document it would otherwise accept.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Attack name -> short description (ids of the parametrised tests).
ATTACKS = (
    "xxe_file",
    "xxe_network",
    "xxe_parameter_entity",
    "billion_laughs",
    "quadratic_blowup",
    "deep_nesting",
    "huge_attribute",
    "doctype_only",
    "doctype_after_padding",
)

#: Marker that would only appear if ``/etc/passwd`` (or the planted file) were read.
SECRET = "TOP-SECRET-CANARY-7f3a"  # noqa: S105 - a canary, not a credential

_DECL = re.compile(rb"^(\s*<\?xml[^>]*\?>)", re.S)


def _split(template: bytes) -> tuple[bytes, bytes]:
    m = _DECL.match(template)
    if not m:
        return b"", template
    return m.group(1), template[m.end() :]


def _inject_ref(body: bytes, ref: bytes) -> bytes:
    """Put ``ref`` at the start of the first ``ID`` or ``Name`` text in the document."""
    m = re.search(rb"<(?:[\w]+:)?(?:ID|Name)(?:\s[^>]*)?>", body)
    if not m:
        raise ValueError("template has no ID or Name element")
    return body[: m.end()] + ref + body[m.end() :]


def _after_root_start(body: bytes, insert: bytes) -> bytes:
    """Insert right after the first start tag of the root element (skipping comments)."""
    m = re.search(rb"<(?![!?])[^>]*[^/]>", body)
    assert m is not None
    return body[: m.end()] + insert + body[m.end() :]


def attack(template: bytes, kind: str, *, secret_file: Path | None = None, port: int = 9) -> bytes:
    """The hostile variant ``kind`` of ``template`` (see ``ATTACKS``)."""
    decl, body = _split(template)
    decl = decl or b'<?xml version="1.0" encoding="UTF-8"?>'
    root = re.search(rb"<(?![!?])([\w:.-]+)", body)
    assert root is not None
    name = root.group(1)
    if kind == "xxe_file":
        target = (secret_file or Path("/etc/passwd")).as_uri().encode()
        dtd = b"<!DOCTYPE " + name + b' [<!ENTITY xxe SYSTEM "' + target + b'">]>'
        return decl + b"\n" + dtd + b"\n" + _inject_ref(body, b"&xxe;")
    if kind == "xxe_network":
        dtd = b"<!DOCTYPE " + name + b' [<!ENTITY xxe SYSTEM "http://127.0.0.1:%d/xxe">]>' % port
        return decl + b"\n" + dtd + b"\n" + _inject_ref(body, b"&xxe;")
    if kind == "xxe_parameter_entity":
        dtd = (
            b"<!DOCTYPE "
            + name
            + b' [<!ENTITY % remote SYSTEM "http://127.0.0.1:'
            + str(port).encode()
            + b'/dtd"> %remote;]>'
        )
        return decl + b"\n" + dtd + b"\n" + body
    if kind == "billion_laughs":
        ents = [b'<!ENTITY lol0 "lol">']
        ents += [b'<!ENTITY lol%d "' % i + b"&lol%d;" % (i - 1) * 10 + b'">' for i in range(1, 10)]
        dtd = b"<!DOCTYPE " + name + b" [" + b"".join(ents) + b"]>"
        return decl + b"\n" + dtd + b"\n" + _inject_ref(body, b"&lol9;")
    if kind == "quadratic_blowup":
        dtd = b"<!DOCTYPE " + name + b' [<!ENTITY a "' + b"A" * 50_000 + b'">]>'
        return decl + b"\n" + dtd + b"\n" + _inject_ref(body, b"&a;" * 20_000)
    if kind == "deep_nesting":
        depth = 50_000
        return decl + b"\n" + _after_root_start(body, b"<x>" * depth + b"</x>" * depth)
    if kind == "huge_attribute":
        return decl + b"\n" + _after_root_start(body, b'<x huge="' + b"A" * 12_000_000 + b'"/>')
    if kind == "doctype_only":
        return decl + b"\n<!DOCTYPE " + name + b">\n" + body
    if kind == "doctype_after_padding":
        # past the 4 KB / 64 KB pre-checks of xmlsafe.parse_document: only the parsed docinfo sees it
        pad = b"<!-- " + b"p" * 70_000 + b" -->\n"
        dtd = b"<!DOCTYPE " + name + b' [<!ENTITY e "' + SECRET.encode() + b'">]>'
        return decl + b"\n" + pad + dtd + b"\n" + _inject_ref(body, b"&e;")
    raise ValueError(kind)
