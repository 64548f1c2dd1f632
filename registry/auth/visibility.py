"""Who may read which structure: the single decision the structure API applies.

Final artefacts are public.  Drafts (``isFinal=false``) are work in progress: only curators (and
admins) see them.  A caller who may not see an artefact must not learn that it exists, so the API
answers 404 ("No results found") exactly as if it were absent — never 403.

Wiring (in the structure API, which owns the queries):

* cheapest: ``store.find(..., final_only=not drafts_visible(principal))`` — drafts are never loaded;
* or filter results: ``[x for x in found if can_read_structure(principal, x.artefact)]``;
* single look-ups: ``ensure_readable(principal, artefact)`` raises ``NotFound``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from registry.auth.principal import Principal
from registry.errors import NotFound
from registry.sdmx.model import MaintainableArtefact

T = TypeVar("T")


def drafts_visible(principal: Principal) -> bool:
    """True when the principal may see non-final artefacts (of any agency)."""
    return principal.can_see_drafts()


def can_read_structure(principal: Principal, artefact: MaintainableArtefact) -> bool:
    """True when ``principal`` may see ``artefact`` (final, or a draft and a curator asks)."""
    return artefact.is_final or principal.can_see_drafts(artefact.agency)


def ensure_readable(principal: Principal, artefact: MaintainableArtefact) -> MaintainableArtefact:
    """``artefact`` itself, or ``NotFound`` (404, existence not revealed)."""
    if not can_read_structure(principal, artefact):
        raise NotFound(f"{artefact.ref} is not in the registry")
    return artefact


def filter_readable(principal: Principal, items: Iterable[T]) -> list[T]:
    """The items whose artefact the principal may read.

    ``items`` are artefacts, or objects with an ``artefact`` attribute (``StoredArtefact``,
    ``WriteItem``).
    """
    out: list[T] = []
    for item in items:
        art = item if isinstance(item, MaintainableArtefact) else getattr(item, "artefact")  # noqa: B009
        if can_read_structure(principal, art):
            out.append(item)
    return out
