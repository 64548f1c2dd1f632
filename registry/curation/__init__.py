"""Curation services: structure submission (``submit``), item-level codelist editing (``codes``),
version life cycle (``versioning``), structure differences (``diff``) and the SDMX-ML 2.1
``SubmitStructureResponse`` (``response``).

Every service takes the session, the acting ``Principal`` (permissions) and an
``AuditContext`` (who/where, for the audit trail) as arguments; none reads request globals.
"""
