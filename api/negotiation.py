"""Content negotiation for SDMX media types (SDMX-REST v1.5 section 4.8, v2 ``doc/formats``).

Answers carry the exact media type strings of ``registry.sdmx.mediatypes`` — no charset — because
clients (and the SDMX TCK) compare them literally.  ``format=`` (non-normative ``doc/extend.md``)
overrides the ``Accept`` header.  Nothing acceptable → ``NotAcceptable`` (406).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from registry.errors import NotAcceptable
from registry.sdmx.mediatypes import normalise


@dataclass(frozen=True, slots=True)
class Offer:
    """What an endpoint can produce: exact media types, the default, and generic aliases."""

    media_types: tuple[str, ...]
    default: str
    #: Generic or version-less types mapped to one of ``media_types`` (e.g. application/xml -> 2.1).
    aliases: dict[str, str]
    #: ``format=`` values mapped to media types.
    formats: dict[str, str]


def _parse_accept(header: str) -> list[tuple[str, float, int]]:
    entries = []
    for pos, part in enumerate(header.split(",")):
        part = part.strip()
        if not part:
            continue
        pieces = [p.strip() for p in part.split(";")]
        q = 1.0
        params = []
        for p in pieces[1:]:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
            elif p:
                params.append(p)
        entries.append((normalise(";".join([pieces[0], *params])), q, pos))
    # Highest q first; at equal q, the more specific (with parameters) and then the earlier wins.
    entries.sort(key=lambda e: (-e[1], -e[0].count(";"), e[2]))
    return entries


def negotiate(offer: Offer, accept: str | None, fmt: str | None = None) -> str:
    """The media type to answer with."""
    if fmt:
        chosen = offer.formats.get(fmt.lower())
        if chosen is None:
            raise NotAcceptable(f"Unsupported format {fmt!r}; supported: {', '.join(sorted(offer.formats))}")
        return chosen
    if not accept or not accept.strip():
        return offer.default
    exact = {normalise(m): m for m in offer.media_types}
    aliases = {normalise(k): v for k, v in offer.aliases.items()}
    for media, q, _pos in _parse_accept(accept):
        if q <= 0:
            continue
        if media in exact:
            return exact[media]
        if media in aliases:
            return aliases[media]
        base = media.split(";")[0]
        if base in ("*/*", "application/*"):
            return offer.default
        if base in aliases and ";" in media and "version=" not in media:
            return aliases[base]
    raise NotAcceptable(
        f"None of the requested media types can be produced ({accept[:200]}); available: {', '.join(offer.media_types)}"
    )


def languages(header: str | None, available: Sequence[str] = ()) -> tuple[str, ...]:
    """Languages from ``Accept-Language``, best first, always ending with English as fallback."""
    langs: list[tuple[float, int, str]] = []
    for pos, part in enumerate((header or "").split(",")):
        bits = [b.strip() for b in part.split(";")]
        tag = bits[0].lower()
        if not tag or tag == "*":
            continue
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            langs.append((-q, pos, tag))
    out: list[str] = []
    for _q, _pos, tag in sorted(langs):
        for t in (tag, tag.split("-")[0]):
            if t not in out:
                out.append(t)
    if "en" not in out:
        out.append("en")
    return tuple(out)
