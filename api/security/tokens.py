"""Bearer tokens: HS256 JWTs (PyJWT) signed with a per-data-dir secret.

The secret lives in `<data dir>/api_secret.key` (0600), created on first use,
so tokens survive a restart and differ between installations.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import jwt

SECRET_NAME = "api_secret.key"
ALGORITHM = "HS256"
DEFAULT_TTL_S = 8 * 3600  # one working shift


class TokenError(Exception):
    pass


def load_secret(data_dir: Path | str) -> bytes:
    path = Path(data_dir) / SECRET_NAME
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, value.hex().encode())
    except Exception:
        os.close(fd)
        raise
    os.close(fd)
    return value


def issue(secret: bytes, username: str, role: str, ttl_s: int = DEFAULT_TTL_S) -> str:
    now = int(time.time())
    return jwt.encode({"sub": username, "role": role, "iat": now, "exp": now + ttl_s}, secret, algorithm=ALGORITHM)


def decode(secret: bytes, token: str) -> dict:
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("令牌已过期 / token expired") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError("令牌无效 / invalid token") from exc
