"""Who is asking: the ``Principal`` value every permission decision is made on.

A principal is an immutable value built once per request (``api.auth``), per command (``idac``) or
by a test.  Modules never look at users, grants or tokens directly: they ask the principal.

Roles (see ``registry.store.models_auth``):

* ``admin`` — everything, including users, tokens and the whole audit log;
* ``curator`` of agency *A* — create, replace, delete and edit structures maintained by *A*, see
  drafts, read the audit log of *A*'s artefacts (scope ``*``: every agency);
* ``submitter`` for data provider *P* — submit data for *P* and see *P*'s confidential values
  (scope ``*``: every provider);
* ``reader`` — what everybody is, anonymous included: final structures and public data.

``require(allowed)`` turns a ``False`` into the right error: ``Unauthorized`` (401) for anonymous
callers, who may succeed after authenticating, and ``Forbidden`` (403) for authenticated ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from registry.errors import Forbidden, Unauthorized

#: Scope value granting a role over every agency / provider.
ANY = "*"


class Role(StrEnum):
    """The four roles."""

    ADMIN = "admin"
    CURATOR = "curator"
    SUBMITTER = "submitter"
    READER = "reader"

    @property
    def scoped(self) -> bool:
        """True when a grant of this role needs a scope (agency or provider id)."""
        return self in (Role.CURATOR, Role.SUBMITTER)


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user, a system actor or the anonymous reader.

    ``grants`` holds ``(role, scope)`` pairs; ``method`` says how the principal was established
    (``anonymous``, ``session``, ``token``, ``system``); ``token_id`` is the public handle of the
    token used, if any.
    """

    name: str = "anonymous"
    grants: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    method: str = "anonymous"
    token_id: str | None = None
    user_pk: int | None = None

    # --- construction -----------------------------------------------------------------------------

    @classmethod
    def anonymous(cls) -> Principal:
        """The default principal: a reader without credentials."""
        return cls()

    @classmethod
    def system(cls, name: str = "system") -> Principal:
        """A trusted in-process actor (seeding, ``idac load``): acts as an admin."""
        return cls(name=name, grants=frozenset({(Role.ADMIN.value, "")}), method="system")

    @classmethod
    def of(
        cls,
        name: str,
        grants: Iterable[tuple[str, str]],
        *,
        method: str = "session",
        token_id: str | None = None,
        user_pk: int | None = None,
    ) -> Principal:
        """A principal with the given ``(role, scope)`` grants."""
        return cls(
            name=name,
            grants=frozenset((str(r), s or "") for r, s in grants),
            method=method,
            token_id=token_id,
            user_pk=user_pk,
        )

    # --- facts ------------------------------------------------------------------------------------

    @property
    def is_anonymous(self) -> bool:
        """True when no credentials were presented."""
        return self.method == "anonymous"

    @property
    def is_authenticated(self) -> bool:
        """True for users (session or token) and system actors."""
        return not self.is_anonymous

    @property
    def is_admin(self) -> bool:
        """True for administrators (and system actors)."""
        return (Role.ADMIN.value, "") in self.grants

    def scopes(self, role: Role | str) -> frozenset[str]:
        """The scopes (agency or provider ids, or ``*``) of one role."""
        return frozenset(s for r, s in self.grants if r == str(role))

    @property
    def is_curator(self) -> bool:
        """True for curators of at least one agency (and admins)."""
        return self.is_admin or bool(self.scopes(Role.CURATOR))

    @property
    def roles(self) -> frozenset[str]:
        """Role names held (``reader`` always included)."""
        return frozenset({r for r, _ in self.grants} | {Role.READER.value})

    def _in_scope(self, role: Role, value: str | None) -> bool:
        scopes = self.scopes(role)
        return ANY in scopes or (value is not None and value in scopes)

    # --- decisions --------------------------------------------------------------------------------

    def can_write_structure(self, agency: str) -> bool:
        """May create, replace, edit or delete structures maintained by ``agency``."""
        return self.is_admin or self._in_scope(Role.CURATOR, agency)

    def can_submit_for(self, provider: str) -> bool:
        """May submit (or delete) data on behalf of data provider ``provider``."""
        return self.is_admin or self._in_scope(Role.SUBMITTER, provider)

    def can_see_confidential(self, provider: str | None) -> bool:
        """May see ``provider``'s confidential or embargoed values (or below disclosure limits).

        Admins and the provider's own submitters may; curators maintain structures, not data.
        """
        return self.is_admin or self._in_scope(Role.SUBMITTER, provider)

    def can_see_drafts(self, agency: str | None = None) -> bool:
        """May see non-final structures.  Any curator sees every draft (drafts reference each
        other across agencies, e.g. an IDAC draft DSD using an ECB draft codelist); ``agency`` is
        accepted for call sites that know it, and for a stricter policy later."""
        return self.is_curator

    def can_read_audit(self, agency: str | None = None) -> bool:
        """May read the audit log (admins: all of it; curators: their agencies' entries)."""
        if agency is None:
            return self.is_curator
        return self.is_admin or self._in_scope(Role.CURATOR, agency)

    def can_manage_users(self) -> bool:
        """May create users, change grants and issue or revoke other users' tokens."""
        return self.is_admin

    def require(self, allowed: bool, action: str = "do this") -> None:
        """Unless ``allowed``: ``Unauthorized`` (anonymous) or ``Forbidden`` (authenticated)."""
        if allowed:
            return
        if self.is_anonymous:
            raise Unauthorized(f"Authentication is required to {action}")
        raise Forbidden(f"{self.name} is not allowed to {action}")

    def describe(self) -> dict[str, object]:
        """A JSON-ready summary (``GET /auth/me``)."""
        return {
            "name": self.name,
            "authenticated": self.is_authenticated,
            "method": self.method,
            "roles": sorted(self.roles),
            "grants": [{"role": r, "scope": s or None} for r, s in sorted(self.grants)],
            "tokenId": self.token_id,
        }
