"""The error taxonomy of the service, organised by what the caller must do.

Every exception carries a stable ``code`` (quoted in logs, tests and documentation), the SDMX-REST
error code and the HTTP status.  ``api/errors.py`` is the single place that turns them into SDMX error
messages.  Each class also subclasses the matching builtin so library callers can catch
``LookupError``/``ValueError``/``PermissionError`` without importing this module.

Validation *findings* are not exceptions: see ``registry.validation.findings``.
"""

from __future__ import annotations

import errno
from typing import Any, ClassVar


class IdacError(Exception):
    """Base class: a failure the service reports to its caller."""

    code: ClassVar[str] = "IDAC-500"
    sdmx_code: ClassVar[int] = 500
    http_status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"
    #: Seconds after which the client may try again (throttling, outages, a full disk), if known.
    retry_after: int | None = None

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None) -> None:
        self.message = message or self.title
        self.details = details or {}
        super().__init__(self.message)


class InvalidRequest(IdacError, ValueError):
    """The request does not follow the API (bad syntax, bad parameter value)."""

    code = "IDAC-400"
    sdmx_code = 140
    http_status = 400
    title = "Syntax error"


class InvalidReference(InvalidRequest):
    """A reference, URN or version string is malformed."""

    code = "IDAC-401-REF"


class Unauthorized(IdacError, PermissionError):
    """No credentials, or credentials that are wrong, expired or revoked."""

    code = "IDAC-401"
    sdmx_code = 110
    http_status = 401
    title = "Unauthorized"


class Forbidden(IdacError, PermissionError):
    """Authenticated, but not allowed to do this."""

    code = "IDAC-403"
    sdmx_code = 150
    http_status = 403
    title = "Forbidden"


class NotFound(IdacError, LookupError):
    """Nothing matches the query (SDMX 100 "No results found")."""

    code = "IDAC-404"
    sdmx_code = 100
    http_status = 404
    title = "No results found"


class MethodNotAllowed(IdacError):
    """The HTTP method is not allowed on this resource."""

    code = "IDAC-405"
    sdmx_code = 140
    http_status = 405
    title = "Method not allowed"


class NotAcceptable(IdacError):
    """No representation the client accepts can be produced."""

    code = "IDAC-406"
    sdmx_code = 406
    http_status = 406
    title = "Not acceptable"


class Conflict(IdacError):
    """The change breaks a versioning or referential rule of the store."""

    code = "IDAC-409"
    sdmx_code = 150
    http_status = 409
    title = "Conflict"


class PayloadTooLarge(IdacError):
    """The request body, a decompressed upload or the answer exceeds a configured limit."""

    code = "IDAC-413"
    sdmx_code = 510
    http_status = 413
    title = "Request or response too large"


class UriTooLong(IdacError):
    """The URL or query string exceeds the configured limit."""

    code = "IDAC-414"
    sdmx_code = 140
    http_status = 414
    title = "URI too long"


class UnsupportedMediaType(IdacError, ValueError):
    """The body's format is not one the service reads."""

    code = "IDAC-415"
    sdmx_code = 140
    http_status = 415
    title = "Unsupported media type"


class Unprocessable(IdacError, ValueError):
    """Well-formed, but semantically invalid (business rules, identity mismatch)."""

    code = "IDAC-422"
    sdmx_code = 150
    http_status = 422
    title = "Unprocessable content"


class TooManyRequests(IdacError):
    """A rate limit was hit; ``retry_after`` (seconds) says when the budget refills, if known."""

    code = "IDAC-429"
    sdmx_code = 503
    http_status = 429
    title = "Too many requests"

    def __init__(
        self,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.retry_after = retry_after


class NotImplementedFeature(IdacError, NotImplementedError):
    """A standard parameter or resource that this service does not implement (SDMX 501)."""

    code = "IDAC-501"
    sdmx_code = 501
    http_status = 501
    title = "Not implemented"


class Unavailable(IdacError):
    """A dependency (database, queue) is down; the client should retry later."""

    code = "IDAC-503"
    sdmx_code = 503
    http_status = 503
    title = "Service unavailable"
    retry_after: int = 30


def retry_headers(exc: IdacError) -> dict[str, str]:
    """``Retry-After`` for an error that says when to come back (the API and the pages use it)."""
    return {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}


class InsufficientStorage(IdacError):
    """The service has no disk space (or quota) left to store what it was sent; nothing was kept."""

    code = "IDAC-507"
    sdmx_code = 503
    http_status = 507
    title = "Insufficient storage"
    retry_after: int = 300


#: errno values that mean "no room to write": device full, quota exceeded, file size limit.
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def is_out_of_space(exc: BaseException) -> bool:
    """True when ``exc`` (or what it was raised from) is a write refused for lack of space."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _NO_SPACE:
            return True
        current = current.__cause__ or current.__context__
    return False


class StructureError(Unprocessable):
    """A structure message or artefact is invalid (bad XML, unknown element, broken reference)."""

    code = "IDAC-422-STRUCT"


class MessageSyntaxError(InvalidRequest):
    """A document is not well-formed or not the kind of SDMX message expected.

    ``line``/``column`` locate the problem in the input when known.
    """

    code = "IDAC-400-SYNTAX"

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.line = line
        self.column = column
        where = f" (line {line}" + (f", column {column})" if column else ")") if line else ""
        super().__init__(message + where, details=details)
