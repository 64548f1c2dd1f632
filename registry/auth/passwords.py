"""Password hashing (werkzeug scrypt) and the password policy.

A dummy hash is verified when the user does not exist, so a failed login takes the same time whether
or not the name is known (no user enumeration by timing).
"""

from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from registry.errors import Unprocessable

MIN_LENGTH = 10
MAX_LENGTH = 1024
_METHOD = "scrypt"


def check_policy(password: str) -> None:
    """Refuse passwords that are too short, too long or only whitespace (422)."""
    if len(password) < MIN_LENGTH:
        raise Unprocessable(
            f"The password must have at least {MIN_LENGTH} characters",
            details={"password": [f"at least {MIN_LENGTH} characters"]},
        )
    if len(password) > MAX_LENGTH:
        raise Unprocessable(
            "The password is too long", details={"password": [f"at most {MAX_LENGTH} characters"]}
        )
    if not password.strip():
        raise Unprocessable(
            "The password cannot be blank", details={"password": ["cannot be blank"]}
        )


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password`` (policy checked first)."""
    check_policy(password)
    return generate_password_hash(password, method=_METHOD)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password-just-for-timing", method=_METHOD)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; spends the same work when there is no stored hash."""
    if not stored_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(stored_hash, password)
