"""marshmallow schemas of the curator JSON bodies (kept apart from the model and the ORM)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema


def _texts(**kwargs: Any) -> fields.Dict:
    """Multilingual text: language tag -> text."""
    return fields.Dict(
        keys=fields.String(validate=validate.Length(min=2, max=20)),
        values=fields.String(validate=validate.Length(min=1, max=4000)),
        **kwargs,
    )


class NewCodeSchema(Schema):
    """``POST …/codes``: a code with names per language (at least one)."""

    id = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[A-Za-z0-9_@$\-]{1,200}$", error="letters, digits, _ @ $ - only"
        ),
    )
    names = _texts(required=True, validate=validate.Length(min=1, error="at least one language"))
    descriptions = _texts(load_default=dict)
    parent = fields.String(load_default=None, allow_none=True)
    position = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))


class CodeChangeSchema(Schema):
    """``PATCH …/codes/{code}``: rename (per language; null removes a language), re-parent
    (``parent``: null makes it top-level), reorder (``position``, 0-based)."""

    names = fields.Dict(
        keys=fields.String(validate=validate.Length(min=2, max=20)),
        values=fields.String(allow_none=True, validate=validate.Length(max=4000)),
    )
    descriptions = fields.Dict(
        keys=fields.String(validate=validate.Length(min=2, max=20)),
        values=fields.String(allow_none=True, validate=validate.Length(max=4000)),
    )
    parent = fields.String(allow_none=True)
    position = fields.Integer(validate=validate.Range(min=0))

    @validates_schema
    def _something(self, data: dict[str, object], **_kw: object) -> None:
        if not data:
            raise ValidationError(
                "give at least one of names, descriptions, parent, position", "_schema"
            )


class DeprecationSchema(Schema):
    """``DELETE …/codes/{code}`` (optional body): why, and which code replaces it."""

    reason = _texts(load_default=None, allow_none=True)
    replacedBy = fields.String(load_default=None, allow_none=True)  # noqa: N815


class NextVersionSchema(Schema):
    """``POST …/next-version``: the new version (default: next minor version)."""

    version = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(
            r"^\d+(\.\d+){0,2}(-[0-9A-Za-z.\-]+)?$", error="a version such as 1.1 or 1.1.0"
        ),
    )
