"""Data validation: a streaming validator over ``DataChunk`` iterators, its findings and its report.

Modules: ``findings`` (Finding, rule catalogue), ``context`` (compiled structure, Batch, Check base,
options), ``checks`` (one plug-in per rule family), ``rules`` (TOML content rules), ``validator``
(the driver) and ``report`` (Report, JSON schema, HTML, rejected-rows export).
"""

from registry.validation.context import ValidationOptions
from registry.validation.findings import CATALOGUE, Finding, Rule
from registry.validation.report import Report, ReportSchema
from registry.validation.rules import RuleSet, load_rules, parse_rules
from registry.validation.validator import Validator

__all__ = [
    "CATALOGUE",
    "Finding",
    "Report",
    "ReportSchema",
    "Rule",
    "RuleSet",
    "ValidationOptions",
    "Validator",
    "load_rules",
    "parse_rules",
]
