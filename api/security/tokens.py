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


class SecretError(RuntimeError):
    """The token secret file exists but cannot be used."""


def load_secret(data_dir: Path | str) -> bytes:
    """The data dir's token secret, made on first use.

    A secret file that exists but does not hold the key (damaged, edited) is refused with a
    message naming it rather than silently replaced: replacing it would end every session,
    and a changed secret file is worth an administrator's look."""
    path = Path(data_dir) / SECRET_NAME
    try:
        raw = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raw = None
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(
            f"令牌密钥文件无法读取：{path}（{exc}）。确认无误后可删除该文件重新生成，所有用户需重新登录。"
        ) from exc
    if raw is not None:
        try:
            value = bytes.fromhex(raw)
        except ValueError:
            value = b""
        if len(value) < 16:
            raise SecretError(f"令牌密钥文件已损坏：{path}。确认无误后可删除该文件重新生成，所有用户需重新登录。")
        return value
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


def issue(secret: bytes, username: str, role: str, ttl_s: int = DEFAULT_TTL_S, version: int = 0) -> str:
    """A token for `username`; `version` is the user's token version, checked on every request,
    so a password change, a disable or a replaced account ends every token issued before."""
    now = int(time.time())
    claims = {"sub": username, "role": role, "ver": version, "iat": now, "exp": now + ttl_s}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode(secret: bytes, token: str) -> dict:
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("令牌已过期 / token expired") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError("令牌无效 / invalid token") from exc
