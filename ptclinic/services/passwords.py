"""Password hashing (argon2id) and the password rules staff passwords must meet."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so a wrong name takes as long as a wrong
    password. Made on first use: hashing at import would slow every start-up by a tenth of a
    second."""
    return _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """What is wrong with a new password, in plain words, or None if it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password needs at least {MIN_PASSWORD_LENGTH} characters."
    if password.strip() != password:
        return "The password cannot start or end with a space."
    return None
