"""Curation over HTTP: SDMX-REST structure maintenance (``maintenance``), curator JSON endpoints
(``structures``) and the audit trail (``audit_api``)."""
