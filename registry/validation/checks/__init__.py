"""Validation checks, one module per rule family; each is a ``Check`` plug-in with generator hooks."""

from registry.validation.checks.attributes import AttributeCheck
from registry.validation.checks.constraints import ConstraintCheck
from registry.validation.checks.content import ContentCheck
from registry.validation.checks.duplicates import DuplicateCheck, ExistingHook
from registry.validation.checks.message import MessageCheck
from registry.validation.checks.representation import RepresentationCheck
from registry.validation.checks.structure import StructureCheck

__all__ = [
    "AttributeCheck",
    "ConstraintCheck",
    "ContentCheck",
    "DuplicateCheck",
    "ExistingHook",
    "MessageCheck",
    "RepresentationCheck",
    "StructureCheck",
]
