"""marshmallow schemas of the authentication and administration bodies (kept apart from the ORM)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

_ROLES = ("admin", "curator", "submitter", "reader")


class LoginSchema(Schema):
    """``POST /auth/login``."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class GrantSchema(Schema):
    """One role grant; ``scope`` is the agency (curator) or data provider (submitter)."""

    role = fields.String(required=True, validate=validate.OneOf(_ROLES))
    scope = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class NewUserSchema(Schema):
    """``POST /api/admin/users``."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1024))
    displayName = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )  # noqa: N815
    email = fields.Email(load_default=None, allow_none=True)
    grants = fields.List(fields.Nested(GrantSchema), load_default=list)


class UserChangeSchema(Schema):
    """``PATCH /api/admin/users/{name}``: only the fields given change."""

    password = fields.String(allow_none=True, validate=validate.Length(max=1024))
    active = fields.Boolean()
    displayName = fields.String(allow_none=True, validate=validate.Length(max=200))  # noqa: N815
    email = fields.Email(allow_none=True)
    grants = fields.List(fields.Nested(GrantSchema))


class NewTokenSchema(Schema):
    """``POST …/tokens``: ``expiresDays`` 0 means no expiry."""

    label = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    expiresDays = fields.Integer(load_default=90, validate=validate.Range(min=0, max=3650))  # noqa: N815
