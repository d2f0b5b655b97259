"""Who is making a request: the seam between accounts (login) and what is recorded (history, status).

Without accounts in the workspace the composer is a single-user tool: every request is made by
`LOCAL_USER`, who may do everything. With accounts, the login code sets the user of the request
(see `set_current_user`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask import g


class Role(StrEnum):
    AUTHOR = "author"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    ADMIN = "admin"


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    #: False for the single user of a workspace without accounts (no login, no roles enforced)
    authenticated: bool = True


LOCAL_USER = User(name="local user", role=Role.ADMIN, authenticated=False)


def set_current_user(user: User) -> None:
    """Called once per request by the login check."""
    g.jdgen_user = user


def current_user() -> User:
    """The user of this request; `LOCAL_USER` when the workspace has no accounts."""
    user = g.get("jdgen_user")
    return user if isinstance(user, User) else LOCAL_USER
