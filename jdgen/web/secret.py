"""The key that signs session cookies (and so their CSRF tokens): `JDGEN_SECRET_KEY`, else the
workspace's `.jdgen/secret_key` (mode 0600, made once). A key that outlives the server keeps open
pages and logins working across restarts and across worker processes."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..accounts import state_dir

ENV = "JDGEN_SECRET_KEY"
FILE = "secret_key"
MIN_ENV_CHARS = 32


class SecretError(Exception):
    """The key cannot be had (a short JDGEN_SECRET_KEY, an unreadable file)."""


def secret_key(root: Path, create: bool) -> bytes | None:
    """The key, made and stored when `create` and there is none; None when there is none and
    `create` is False (the app then uses a key of its own that lasts as long as it runs)."""
    env = os.environ.get(ENV)
    if env is not None:
        if len(env) < MIN_ENV_CHARS:
            raise SecretError(f"{ENV} is too short: use at least {MIN_ENV_CHARS} random characters "
                              "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))')")
        return env.encode("utf-8")
    path = root / ".jdgen" / FILE
    if path.is_file():
        return _read(path)
    if not create:
        return None
    folder = state_dir(root)
    temp = folder / f".{FILE}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_urlsafe(48) + "\n")
        f.flush()
        os.fsync(f.fileno())
    try:  # a hard link never replaces: of two workers starting at once, one key wins and both read it
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        temp.unlink()
    return _read(path)


def _read(path: Path) -> bytes:
    try:
        key = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"{path}: cannot read the secret key ({exc}); delete it to make a new one "
                          "(everyone then logs in again)") from None
    if len(key) < MIN_ENV_CHARS:
        raise SecretError(f"{path}: the secret key is too short; delete the file to make a new one")
    return key.encode("ascii")
