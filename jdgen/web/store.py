"""The workspace's post files: safe names, ETags, and saving that keeps people's comments and key
order (ruamel.yaml round trip), written atomically."""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..output import windows_reserved, write_atomic
from ..yamlio import load_file

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")
MAX_DEPTH = 32
_write_lock = threading.Lock()


class StoreError(Exception):
    """A refusal with an HTTP status and a message for people."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def check_name(name: str) -> str:
    """A post name is a file stem: letters, digits, '-' and '_' (no '..', slashes or absolute paths)."""
    if not NAME.match(name):
        raise StoreError(400, f"'{name[:80]}' is not a post name: use letters, digits, '-' and '_' "
                              "(at most 80), starting with a letter or digit")
    if windows_reserved(name):
        raise StoreError(400, f"'{name}' is a name Windows keeps for a device: choose another")
    return name


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Held around every read-compare-write of the posts folder: a thread lock, and a file lock
    (the workspace's .jdgen/posts.lock) that holds across worker processes."""
    from filelock import FileLock

    from ..accounts import state_dir

    with _write_lock, FileLock(state_dir(folder.parent) / "posts.lock", timeout=30):
        yield


def post_path(folder: Path, name: str) -> Path:
    check_name(name)
    path = (folder / f"{name}.yaml").resolve()
    if path.parent != folder.resolve():  # belt and braces: the name rule already excludes this
        raise StoreError(400, f"'{name}' is outside the posts folder")
    return path


def etag_of(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of JSON data, stopping early past `limit`."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit:
            return deepest
        if isinstance(node, dict):
            stack += [(v, d + 1) for v in node.values()]
        elif isinstance(node, list):
            stack += [(v, d + 1) for v in node]
    return deepest


def read_post(folder: Path, name: str) -> tuple[Any, str, list[str]]:
    """The post as plain data (as `jdgen validate` reads it), its ETag, and any reading problems."""
    path = post_path(folder, name)
    if not path.is_file():
        raise StoreError(404, f"no post named '{name}'")
    raw = path.read_bytes()
    doc, problems = load_file(path)
    data = doc.data if doc is not None else None
    return data, etag_of(raw), [p.format() for p in problems]


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap people's lines
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _plain(value: Any) -> Any:
    """New values as ruamel nodes: multi-line text as a literal block."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, dict):
        return CommentedMap((k, _plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_plain(v) for v in value)
    if isinstance(value, str) and "\n" in value.strip():
        return LiteralScalarString(value)
    return value


def merge(old: Any, new: Any) -> Any:
    """`new`, reusing `old`'s nodes wherever they hold the same key or value, so comments, key order,
    quoting and block styles survive; keys no longer present are dropped, new keys come last."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = merge(old[key], value) if key in old else _plain(value)
        return old
    if isinstance(old, list) and isinstance(new, list):
        if old == new:
            return old
        for i, value in enumerate(new[:len(old)]):
            old[i] = merge(old[i], value)
        del old[len(new):]
        old.extend(_plain(v) for v in new[len(old):])
        return old
    if (type(old) is type(new) and old == new) or (isinstance(old, str) and old == new):
        return old
    return _plain(new)


def dump(data: Any, previous: bytes | None = None) -> bytes:
    """YAML text of `data`, keeping what it can of the `previous` file's text."""
    y = _yaml()
    tree: Any = None
    if previous is not None:
        try:
            tree = y.load(previous.decode("utf-8"))
        except Exception:  # an unreadable old file is replaced, not merged
            tree = None
    tree = merge(tree, data) if isinstance(tree, dict) else _plain(data)
    buffer = io.StringIO()
    y.dump(tree, buffer)
    return buffer.getvalue().encode("utf-8")


#: Called with a post's new text (None once deleted) right after a write, still holding the write
#: lock (the history records it); the web app's `revisions` module makes them.
Hook = Callable[[bytes | None], None]


def locked(folder: Path) -> Any:
    """The lock every post write to `folder` holds (renames and restores hold it too), across threads
    and worker processes."""
    return writing(folder)


def save_post(folder: Path, name: str, data: Any, if_match: str | None, after: Hook | None = None) -> str:
    """Write the post atomically; its new ETag. An existing post needs the ETag it was read with."""
    if not isinstance(data, dict):
        raise StoreError(400, "a post must be a JSON object of keys (title, grade, …)")
    if depth(data) > MAX_DEPTH:
        raise StoreError(400, f"the post is nested more than {MAX_DEPTH} levels deep")
    path = post_path(folder, name)
    with writing(folder):
        previous = path.read_bytes() if path.is_file() else None
        if previous is not None:
            if not if_match:
                raise StoreError(428, f"post '{name}' exists: send the ETag you read it with in If-Match",
                                 etag=etag_of(previous))
            if if_match.strip() not in ("*", etag_of(previous)):
                raise StoreError(412, f"post '{name}' was changed by someone else since you read it; "
                                      "reload it and make your changes again", etag=etag_of(previous))
        elif if_match and if_match.strip() != "*":
            raise StoreError(412, f"post '{name}' was deleted since you read it")
        text = dump(data, previous)
        write_atomic(path, text)
        if after is not None:
            after(text)
        return etag_of(text)


def delete_post(folder: Path, name: str, if_match: str | None, after: Hook | None = None) -> None:
    path = post_path(folder, name)
    with writing(folder):
        if not path.is_file():
            raise StoreError(404, f"no post named '{name}'")
        if if_match and if_match.strip() not in ("*", etag_of(path.read_bytes())):
            raise StoreError(412, f"post '{name}' was changed since you read it; not deleted")
        path.unlink()
        if after is not None:
            after(None)
