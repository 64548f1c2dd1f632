"""The web interface: server-rendered pages for data officers, agencies, curators and admins.

One module per page family (``home``, ``structures``, ``submit``, ``explore``, ``curation``,
``admin``), all on one blueprint (``blueprint.bp``) so the security headers, the language choice and
the HTML error pages apply to every page in one place.  Pages call the same services as the JSON
and SDMX APIs (``registry.*``); they never reimplement a rule.
"""
