"""The web app's side of history and status: each write of a post recorded as a revision by the
user of the request (`identity.current_user`), status changes through the workflow, and rename,
restore and recovery of posts. The logic lives in `jdgen.history` and `jdgen.workflow`."""

from __future__ import annotations

import logging
from pathlib import Path

from ..history import STATUS_PATH, History, HistoryError, Revision, post_path
from ..output import write_atomic
from ..workflow import STATUS_FILE, Book, Entry, Status, WorkflowError, change, edited, load, parse_status
from .identity import current_user
from .store import Hook, StoreError, check_name, etag_of, locked
from .store import post_path as file_of

log = logging.getLogger("jdgen.web")


def _author() -> str:
    return current_user().name


def _write_book(root: Path, book: Book) -> bytes:
    text = book.text()
    (root / STATUS_FILE).parent.mkdir(exist_ok=True)
    write_atomic(root / STATUS_FILE, text)
    return text


def _record(root: Path, action: str, name: str, message: str, changes: dict[str, bytes | None], *,
            book: Book, previous: str = "", created: bool = False) -> str:
    history = History(root)
    changes[STATUS_PATH] = _write_book(root, book)
    return history.record(action, name, _author(), message, changes, status=str(book.get(name).status),
                          previous=previous, created=created)


def _previous(root: Path, name: str) -> bytes | None:
    path = file_of(root / "posts", name)
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def _catch_up(root: Path, name: str, previous: bytes | None, book: Book) -> None:
    if previous is not None:
        History(root).catch_up(name, previous, str(book.get(name).status))


def saving(root: Path, name: str, message: str = "") -> Hook:
    """The hook for `store.save_post`: a revision by the current user; an approved post becomes a draft."""
    previous = _previous(root, name)
    created = previous is None
    History(root).ensure()

    def hook(text: bytes | None) -> None:
        assert text is not None
        try:
            with History(root).locked():
                book = load(root)
                _catch_up(root, name, previous, book)
                book.entries[name] = edited(book.get(name), _author())
                _record(root, "save", name, message or (f"Create {name}" if created else f"Save {name}"),
                        {post_path(name): text}, book=book, created=created)
        except (OSError, HistoryError) as exc:  # the file is written: a history failure must not undo that
            log.error("the history did not record the save of %s: %s", name, exc)

    return hook


def deleting(root: Path, name: str) -> Hook:
    previous = _previous(root, name)
    History(root).ensure()

    def hook(_: bytes | None) -> None:
        try:
            with History(root).locked():
                book = load(root)
                _catch_up(root, name, previous, book)
                book.entries.pop(name, None)
                _record(root, "delete", name, f"Delete {name}", {post_path(name): None}, book=book)
        except (OSError, HistoryError) as exc:
            log.error("the history did not record the delete of %s: %s", name, exc)

    return hook


def status_of(root: Path) -> Book:
    return load(root)


def set_status(root: Path, name: str, status: object, comment: str) -> Entry:
    """Move post `name` to `status` as the current user (403/409/400 as StoreError)."""
    path = file_of(root / "posts", name)
    to = _status(status)
    user = current_user()
    History(root).ensure()
    with locked(root / "posts"):
        if not path.is_file():
            raise StoreError(404, f"no post named '{name}'")
        text = path.read_bytes()
        with History(root).locked():
            book = load(root)
            _catch_up(root, name, text, book)
            try:
                entry = change(book.get(name), to, user=user.name, role=str(user.role), enforced=user.authenticated,
                               comment=comment, text=text)
            except WorkflowError as exc:
                raise StoreError(exc.status, exc.message) from exc
            book.entries[name] = entry
            verb = {"in-review": "Send {} for review", "approved": "Approve {}"}.get(str(to), "Return {} to draft")
            message = verb.format(name) + (f": {comment}" if comment.strip() else "")
            # the post's text goes with it, so an approved revision holds exactly what was approved
            _record(root, "status", name, message, {post_path(name): text}, book=book)
    return entry


def _status(value: object) -> Status:
    try:
        return parse_status(value)
    except WorkflowError as exc:
        raise StoreError(exc.status, exc.message) from exc


def history_of(root: Path, name: str) -> list[Revision]:
    check_name(name)
    found = History(root).log(name)
    if not found and not file_of(root / "posts", name).is_file():
        raise StoreError(404, f"no post named '{name}' and no history of one")
    return found


def read_revision(root: Path, name: str, rev: str) -> bytes:
    try:
        return History(root).read(check_name(name), rev)
    except HistoryError as exc:
        raise StoreError(404, str(exc)) from exc


def _write_new(root: Path, name: str, text: bytes, action: str, message: str, *, if_match: str | None,
               exists_ok: bool, previous: str = "", created: bool = False) -> str:
    """Write `text` as post `name` (the caller holds `locked(root / "posts")`) and record it."""
    path = file_of(root / "posts", name)
    if path.is_file():
        if not exists_ok:
            raise StoreError(409, f"a post named '{name}' exists already; choose another name")
        if if_match and if_match.strip() not in ("*", etag_of(path.read_bytes())):
            raise StoreError(412, f"post '{name}' was changed by someone else since you read it",
                             etag=etag_of(path.read_bytes()))
    path.parent.mkdir(exist_ok=True)
    before = _previous(root, name)
    write_atomic(path, text)
    with History(root).locked():
        book = load(root)
        _catch_up(root, name, before, book)
        book.entries[name] = edited(book.get(name), _author())
        _record(root, action, name, message, {post_path(name): text}, book=book, previous=previous,
                created=created)
    return etag_of(text)


def copy_post(root: Path, name: str, new: str, text: bytes) -> str:
    """A duplicate of post `name` (its exact text) as the new post `new`, with a history of its own."""
    check_name(new)
    History(root).ensure()
    with locked(root / "posts"):
        return _write_new(root, new, text, "save", f"Duplicate {name} as {new}", if_match=None, exists_ok=False,
                          created=True)


def restore(root: Path, name: str, rev: str, if_match: str | None) -> str:
    """Post `name` as it was at `rev`, as a new revision; its ETag."""
    text = read_revision(root, name, rev)
    History(root).ensure()
    with locked(root / "posts"):
        return _write_new(root, name, text, "restore", f"Restore {name} as of revision {rev[:12]}",
                          if_match=if_match, exists_ok=True)


def recover(root: Path, name: str) -> str:
    """A deleted post back, as it was before it was deleted; its ETag."""
    check_name(name)
    gone = {d.name: d for d in History(root).deleted()}
    if name not in gone:
        raise StoreError(404, f"no deleted post named '{name}'")
    text = History(root).before(gone[name].rev, name)
    with locked(root / "posts"):
        return _write_new(root, name, text, "recover", f"Recover {name}", if_match=None, exists_ok=False)


def rename(root: Path, name: str, to: str, if_match: str | None, text: bytes | None = None) -> str:
    """Post `name` renamed `to` (with `text` as its new content, if given); its history follows."""
    check_name(to)
    source = file_of(root / "posts", name)
    target = file_of(root / "posts", to)
    if to == name:
        raise StoreError(400, "the new name is the same as the old one")
    History(root).ensure()
    with locked(root / "posts"):
        if not source.is_file():
            raise StoreError(404, f"no post named '{name}'")
        old = source.read_bytes()
        if if_match and if_match.strip() not in ("*", etag_of(old)):
            raise StoreError(412, f"post '{name}' was changed by someone else since you read it",
                             etag=etag_of(old))
        if target.exists():
            raise StoreError(409, f"a post named '{to}' exists already; choose another name")
        new = old if text is None else text
        write_atomic(target, new)
        source.unlink()
        with History(root).locked():
            book = load(root)
            _catch_up(root, name, old, book)
            entry = book.entries.pop(name, Entry())
            book.entries[to] = entry if new == old else edited(entry, _author())
            _record(root, "rename", to, f"Rename {name} to {to}", {post_path(name): None, post_path(to): new},
                    book=book, previous=name)
    return etag_of(new)
