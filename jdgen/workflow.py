"""The approval workflow of posts: each post is a `draft`, `in-review` or `approved`, and who may
move it where depends on their role. The status record lives in `.jdgen/status.json` (committed to
the history with every change) as {"posts": {NAME: {status, by, at, comment, editors, approval}}}.

Pure: no web, no git. Roles are the strings of `jdgen.web.identity.Role`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

STATUS_FILE = Path(".jdgen") / "status.json"


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    APPROVED = "approved"


ALL_ROLES = frozenset({"author", "reviewer", "approver", "admin"})


@dataclass(frozen=True)
class Transition:
    verb: str  # for messages and commit lines
    roles: frozenset[str]
    needs_comment: bool = False


#: (from, to) → who may make the change. Anything else is refused (409).
TRANSITIONS: dict[tuple[Status, Status], Transition] = {
    (Status.DRAFT, Status.IN_REVIEW): Transition("sent for review", ALL_ROLES),
    (Status.IN_REVIEW, Status.DRAFT): Transition("returned with comments", frozenset({"reviewer", "approver",
                                                                                       "admin"}), True),
    (Status.IN_REVIEW, Status.APPROVED): Transition("approved", frozenset({"approver", "admin"})),
    (Status.APPROVED, Status.DRAFT): Transition("reopened", frozenset({"approver", "admin"})),
}


class WorkflowError(Exception):
    """A refused change: 400 (bad request), 403 (not this user's to make) or 409 (not allowed from here)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Approval:
    """Who approved a post, when, and the SHA-256 of the file they approved."""

    by: str
    on: str  # ISO 8601, UTC
    sha256: str


@dataclass(frozen=True)
class Entry:
    """A post's status and who set it. `editors`: who changed its text since it was last approved
    (an approver among them may not approve it)."""

    status: Status = Status.DRAFT
    by: str = ""
    at: str = ""
    comment: str = ""
    editors: tuple[str, ...] = ()
    approval: Approval | None = None

    def record(self) -> dict[str, Any]:
        return {"status": str(self.status), "by": self.by, "at": self.at, "comment": self.comment,
                "editors": list(self.editors),
                "approval": None if self.approval is None else
                {"by": self.approval.by, "on": self.approval.on, "sha256": self.approval.sha256}}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def sha256(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()


def parse_status(value: Any) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise WorkflowError(400, f"status must be one of {', '.join(s.value for s in Status)}") from None


def change(entry: Entry, to: Status, *, user: str, role: str, enforced: bool, comment: str,
           text: bytes) -> Entry:
    """The entry after `user` moves the post to `to`, or a WorkflowError. Without accounts
    (`enforced` False) every change the workflow allows is allowed to anyone."""
    move = TRANSITIONS.get((entry.status, to))
    if move is None:
        raise WorkflowError(409, f"a post that is {entry.status} cannot become {to}; "
                                 + _allowed_from(entry.status))
    if enforced and role not in move.roles:
        raise WorkflowError(403, f"a{'n' if role[0] in 'aeiou' else ''} {role} cannot make this change "
                                 f"({entry.status} → {to}); it needs: {', '.join(sorted(move.roles))}")
    if enforced and to is Status.APPROVED and user in entry.editors:
        raise WorkflowError(403, "you changed this post, so someone else must approve it")
    if move.needs_comment and not comment.strip():
        raise WorkflowError(400, "say what needs changing: a comment is needed to return a post")
    stamp = now()
    if to is Status.APPROVED:
        return replace(entry, status=to, by=user, at=stamp, comment=comment,
                       approval=Approval(user, stamp, sha256(text)))
    return replace(entry, status=to, by=user, at=stamp, comment=comment)


def edited(entry: Entry, user: str) -> Entry:
    """The entry after `user` saved new text: an approved post becomes a new draft (its approval
    stays on record for the approved revision)."""
    editors = entry.editors if user in entry.editors else (*entry.editors, user)
    if entry.status is Status.APPROVED:
        return replace(entry, status=Status.DRAFT, by=user, at=now(), comment="edited after approval",
                       editors=(user,))
    return replace(entry, editors=editors)


def _allowed_from(status: Status) -> str:
    targets = [str(b) for (a, b) in TRANSITIONS if a is status]
    return f"from {status} it can become {' or '.join(targets)}" if targets else ""


@dataclass
class Book:
    """Every post's entry, as kept in the status record."""

    entries: dict[str, Entry] = field(default_factory=dict)

    def get(self, name: str) -> Entry:
        return self.entries.get(name, Entry())

    def text(self) -> bytes:
        data = {"posts": {name: e.record() for name, e in sorted(self.entries.items())}}
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def load(root: Path) -> Book:
    """The status record of the workspace at `root` (empty when there is none or it is unreadable)."""
    try:
        data = json.loads((root / STATUS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return Book()
    book = Book()
    for name, raw in (data.get("posts") or {}).items() if isinstance(data, dict) else ():
        if not isinstance(raw, dict):
            continue
        try:
            approval = raw.get("approval")
            book.entries[str(name)] = Entry(
                status=Status(raw.get("status", "draft")), by=str(raw.get("by", "")), at=str(raw.get("at", "")),
                comment=str(raw.get("comment", "")), editors=tuple(str(e) for e in raw.get("editors", [])),
                approval=Approval(str(approval["by"]), str(approval["on"]), str(approval["sha256"]))
                if isinstance(approval, dict) else None)
        except (ValueError, KeyError, TypeError):
            continue
    return book


def approval_of(root: Path, name: str, text: bytes) -> Approval | None:
    """The approval of post `name` if the file's `text` is the text that was approved."""
    entry = load(root).get(name)
    if entry.status is Status.APPROVED and entry.approval and entry.approval.sha256 == sha256(text):
        return entry.approval
    return None
