"""Password hashing with Argon2id (argon2-cffi, RFC 9106 parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
_DUMMY = _HASHER.hash("timing-equaliser")

MIN_LENGTH = 8


def hash_password(password: str) -> str:
    if len(password or "") < MIN_LENGTH:
        raise ValueError(f"密码至少 {MIN_LENGTH} 位 / password must have at least {MIN_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not the user exists (verifies a dummy hash otherwise)."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY, password or "") and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)
