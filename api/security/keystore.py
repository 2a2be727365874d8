"""Secrets kept outside the data directory: the audit MAC key, its anchor and checkpoints.

*Why outside*: whoever can write the data directory (a backup operator, a
compromised service account, a stolen disk image) can rewrite the audit log;
if the MAC key sat beside it they could re-sign what they rewrote.  The key
directory is per data directory, under `ECOGRAPH_KEY_DIR` or
`$XDG_CONFIG_HOME/ecograph/keys` (default `~/.config/ecograph/keys`), named
after the data directory's resolved path, mode 0700, files 0600.  Back it up
separately from the data (see README, *Threat model*).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

__all__ = ["KeyDir", "key_root", "key_dir_for"]


def key_root() -> Path:
    env = os.environ.get("ECOGRAPH_KEY_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ecograph" / "keys"


@dataclass(frozen=True)
class KeyDir:
    """One data directory's key folder."""

    path: Path

    def _ensure(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.path, 0o700)

    def read(self, name: str) -> str | None:
        try:
            return (self.path / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def secret(self, name: str, create: bool) -> bytes | None:
        """32 random bytes kept as hex in `name`; made on first use when `create`."""
        raw = self.read(name)
        if raw is not None:
            try:
                value = bytes.fromhex(raw.strip())
                if len(value) >= 16:
                    return value
            except ValueError:
                pass
            raise ValueError(f"密钥文件已损坏：{self.path / name}")
        if not create:
            return None
        self._ensure()
        value = secrets.token_bytes(32)
        try:
            fd = os.open(self.path / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return self.secret(name, create=False)
        with os.fdopen(fd, "w") as f:
            f.write(value.hex())
            f.flush()
            os.fsync(f.fileno())
        return value

    def write_atomic(self, name: str, text: str) -> None:
        self._ensure()
        tmp = self.path / f".{name}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path / name)

    def append_line(self, name: str, line: str) -> None:
        self._ensure()
        fd = os.open(self.path / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(line.rstrip("\n") + "\n")
            f.flush()
            os.fsync(f.fileno())


def key_dir_for(data_dir: Path | str) -> KeyDir:
    """The key folder of `data_dir`: `<key root>/<first 16 hex of SHA-256 of its resolved path>`."""
    resolved = str(Path(data_dir).resolve())
    d = KeyDir(key_root() / hashlib.sha256(resolved.encode()).hexdigest()[:16])
    return d
