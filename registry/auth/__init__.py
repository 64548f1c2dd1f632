"""Authentication and authorisation: users, roles, tokens and the ``Principal``.

Other modules need only::

    from registry.auth import Principal
    principal.can_write_structure("IDAC")     # curators of IDAC, admins
    principal.can_submit_for("PAN_SNM")       # submitters for PAN_SNM, admins
    principal.can_see_confidential("PAN_SNM") # submitters for PAN_SNM, admins
    principal.require(allowed, "submit data for PAN_SNM")   # 401 anonymous / 403 otherwise

and in the web layer ``api.auth.current_principal()``.  Accounts live in ``accounts``, tokens in
``tokens``, read visibility of drafts in ``visibility``.
"""

from registry.auth.principal import ANY, Principal, Role
from registry.auth.visibility import (
    can_read_structure,
    drafts_visible,
    ensure_readable,
    filter_readable,
)

__all__ = [
    "ANY",
    "Principal",
    "Role",
    "can_read_structure",
    "drafts_visible",
    "ensure_readable",
    "filter_readable",
]
