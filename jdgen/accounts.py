"""The composer's accounts: `.jdgen/users.json` in the workspace (mode 0600, written atomically),
each a name, a role and an Argon2id hash of the password (never the password itself).

A workspace without this file (or with no account in it) has no accounts: `jdgen serve` is then
the single-user tool it always was."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .output import write_atomic

STATE_DIR = ".jdgen"
USERS_FILE = "users.json"
ROLES = ("author", "reviewer", "approver", "admin")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8
#: Argon2id cost: argon2-cffi's defaults, RFC 9106's low-memory profile (64 MiB, 3 passes, 4 lanes).
#: Checking a password reads the cost from its hash, so raising these later keeps old hashes working.
HASH_COST: dict[str, int] = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}


class AccountError(Exception):
    """A refusal for people: a usage error (unknown user, bad name, short password; exit 2) or a
    damaged accounts file (exit 1)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    password_hash: str

    @property
    def stamp(self) -> str:
        """Changes when the password changes: a session remembers it, so a new password (or a removed
        account) ends the sessions opened with the old one."""
        return self.password_hash[-16:]


def users_path(root: Path) -> Path:
    return root / STATE_DIR / USERS_FILE


def state_dir(root: Path) -> Path:
    """The workspace's `.jdgen/` folder (accounts, secret key, login throttle), made private on creation."""
    folder = root / STATE_DIR
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():  # never into version control: password hashes and the session key
        write_atomic(ignore, "# jdgen's private state (accounts, session key, login throttle): never commit it\n*\n")
    return folder


def hash_password(password: str) -> str:
    """An Argon2id hash of `password` at HASH_COST (the hash string carries its salt and cost)."""
    from argon2 import PasswordHasher

    cost = HASH_COST
    return PasswordHasher(time_cost=cost["time_cost"], memory_cost=cost["memory_cost"],
                          parallelism=cost["parallelism"]).hash(password)


def verify_password(account: Account, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return PasswordHasher().verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def load(root: Path) -> dict[str, Account]:
    """The accounts of the workspace by name; {} without the file. A damaged file is an AccountError,
    never "no accounts" (which would open the composer to everyone)."""
    path = users_path(root)
    try:
        raw = path.read_text("utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise AccountError(f"{path}: cannot read the accounts file: {exc.strerror}", 1) from None
    try:
        data = json.loads(raw)
        users = data["users"]
        found = {u["name"]: Account(str(u["name"]), str(u["role"]), str(u["password_hash"])) for u in users}
    except (ValueError, KeyError, TypeError) as exc:
        raise AccountError(f"{path}: the accounts file is damaged ({type(exc).__name__}); "
                           "restore it from a backup", 1) from None
    bad = [a.name for a in found.values() if a.role not in ROLES]
    if bad:
        raise AccountError(f"{path}: unknown role for {', '.join(bad)}", 1)
    return found


def save(root: Path, accounts: dict[str, Account]) -> None:
    state_dir(root)
    records = [{"name": a.name, "role": a.role, "password_hash": a.password_hash}
               for a in sorted(accounts.values(), key=lambda a: a.name.lower())]
    write_atomic(users_path(root), json.dumps({"users": records}, indent=2) + "\n", mode=0o600)


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise AccountError(f"'{name[:80]}' is not a user name: use letters, digits, '.', '_', '@' and '-' "
                           "(at most 64), starting with a letter or digit")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    return password


def add(root: Path, name: str, role: str, password: str) -> Account:
    accounts = load(root)
    check_name(name)
    if name in accounts:
        raise AccountError(f"user '{name}' exists: change the password with `jdgen users passwd {name}`")
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}'; choose from {', '.join(ROLES)}")
    account = Account(name, role, hash_password(check_password(password)))
    save(root, {**accounts, name: account})
    return account


def get(root: Path, name: str) -> Account:
    found = load(root).get(name)
    if found is None:
        raise AccountError(f"no user named '{name[:80]}' (see jdgen users list)")
    return found


def remove(root: Path, name: str) -> None:
    get(root, name)
    accounts = load(root)
    del accounts[name]
    save(root, accounts)


def set_password(root: Path, name: str, password: str) -> None:
    get(root, name)
    accounts = load(root)
    accounts[name] = Account(name, accounts[name].role, hash_password(check_password(password)))
    save(root, accounts)


def file_stamp(root: Path) -> tuple[int, int] | None:
    """Cheap identity of the accounts file (for reloading it when `jdgen users` changes it)."""
    try:
        st = os.stat(users_path(root))
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)
