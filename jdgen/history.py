"""The history of a workspace's posts: a git repository (dulwich, so no git program is needed) in
`.jdgen/history.git`, where every save, status change, rename, restore, recovery and delete is a
commit with its author, time and message.

Only `posts/*.yaml` and the status record (`status.json`) are committed, and only the paths an
action changes: the repository never has a working tree or index, so a workspace that is itself a
git checkout is not touched, and no file of the user's is ever written or removed here. Each commit
message ends with trailers (`Jdgen-Action`, `Jdgen-Post`, `Jdgen-From`, `Jdgen-Status`) from which a
post's history is read back, following renames."""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STATE_DIR = ".jdgen"
REPO_DIR = "history.git"
BRANCH = b"refs/heads/main"
STATUS_PATH = "status.json"
OUTSIDE = "outside jdgen"
_TRAILER = re.compile(r"^Jdgen-([A-Za-z]+): (.*)$", re.M)
_REV = re.compile(r"^[0-9a-f]{7,40}$")


class HistoryError(Exception):
    """A revision that does not exist, or a post that a revision does not hold."""


@dataclass(frozen=True)
class Revision:
    """One commit as a post's history shows it."""

    rev: str
    author: str
    time: str  # ISO 8601, UTC
    message: str  # the first line
    action: str  # save | status | rename | delete | restore | recover | import
    post: str  # the post's name after this commit
    status: str  # the post's status after this commit
    previous: str = ""  # a rename's old name

    def record(self) -> dict[str, str]:
        return {"rev": self.rev, "author": self.author, "time": self.time, "message": self.message,
                "status": self.status, "action": self.action, "post": self.post}


@dataclass(frozen=True)
class DeletedPost:
    name: str
    rev: str  # the commit that deleted it
    author: str
    time: str
    last: str  # the last revision that held it


def post_path(name: str) -> str:
    return f"posts/{name}.yaml"


class History:
    """The history repository of the workspace at `root`, created on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / STATE_DIR / REPO_DIR

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One writer at a time, across threads and processes (an advisory file lock)."""
        from .output import folder_lock

        folder = self.root / STATE_DIR
        folder.mkdir(exist_ok=True)
        with folder_lock(folder, "history.lock"):
            yield

    def ensure(self) -> None:
        """Create the repository (with the posts as they are now) if it is absent; call it before a
        write, so the first revision of a change is the change itself."""
        if not (self.path / "HEAD").is_file():
            with self.locked():
                self._repo()

    def _repo(self) -> Any:
        from dulwich.repo import Repo

        if (self.path / "HEAD").is_file():
            return Repo(str(self.path))
        self.path.parent.mkdir(exist_ok=True)
        repo: Any = Repo.init_bare(str(self.path), mkdir=True)
        repo.refs.set_symbolic_ref(b"HEAD", BRANCH)
        self._import(repo)
        return repo

    def _import(self, repo: Any) -> None:
        """The first commit: the posts (and status record) as they are when history starts."""
        files: dict[str, bytes | None] = {}
        folder = self.root / "posts"
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                if p.suffix == ".yaml" and p.is_file():
                    files[post_path(p.stem)] = p.read_bytes()
        status = self.root / STATE_DIR / STATUS_PATH
        if status.is_file():
            files[STATUS_PATH] = status.read_bytes()
        self._commit(repo, files, "jdgen", "History starts: the posts as they were",
                     {"Action": "import", "Post": "", "Status": ""})

    def _head(self, repo: Any) -> bytes | None:
        try:
            head: bytes = repo.refs[BRANCH]
        except KeyError:
            return None
        return head

    def _files(self, repo: Any, commit_id: bytes | None) -> dict[str, bytes]:
        """Path → blob id of a commit's tree."""
        from dulwich.object_store import iter_tree_contents

        if commit_id is None:
            return {}
        tree = repo[commit_id].tree
        return {e.path.decode("utf-8"): e.sha for e in iter_tree_contents(repo.object_store, tree)}

    def _commit(self, repo: Any, changes: dict[str, bytes | None], author: str, message: str,
                trailers: dict[str, str]) -> str:
        from dulwich.index import commit_tree
        from dulwich.objects import Blob, Commit

        store = repo.object_store
        parent = self._head(repo)
        files = self._files(repo, parent)
        for path, data in changes.items():
            if data is None:
                files.pop(path, None)
            else:
                blob = Blob.from_string(data)
                store.add_object(blob)
                files[path] = blob.id
        entries: Any = [(p.encode("utf-8"), sha, 0o100644) for p, sha in sorted(files.items())]
        tree = commit_tree(store, entries)
        commit: Any = Commit()
        commit.tree = tree
        commit.parents = [parent] if parent else []
        who = _person(author)
        commit.author = commit.committer = who
        commit.author_time = commit.commit_time = int(time.time())
        commit.author_timezone = commit.commit_timezone = 0
        lines = "".join(f"Jdgen-{k}: {_one_line(v)}\n" for k, v in trailers.items())
        commit.message = f"{_one_line(message)}\n\n{lines}".encode()
        store.add_object(commit)
        if not repo.refs.set_if_equals(BRANCH, parent, commit.id):
            raise HistoryError("the history moved on while recording; try again")
        return str(commit.id.decode("ascii"))

    def record(self, action: str, post: str, author: str, message: str, changes: dict[str, bytes | None], *,
               status: str = "", previous: str = "", created: bool = False) -> str:
        """Commit `changes` (path → new bytes, None to remove); its revision id. Call it holding
        `locked()`, right after the files were written. `created`: a new post (its history starts
        here even where an older, deleted post had the same name)."""
        trailers = {"Action": action, "Post": post, "Status": status}
        if previous:
            trailers["From"] = previous
        if created:
            trailers["Created"] = "yes"
        return self._commit(self._repo(), changes, author, message, trailers)

    def catch_up(self, name: str, text: bytes, status: str) -> None:
        """Record a change made to post `name` outside jdgen (a text editor, a copied file) before
        the next change is recorded, so each revision shows only its own author's change."""
        from dulwich.objects import Blob

        repo = self._repo()
        held = self._files(repo, self._head(repo)).get(post_path(name))
        if held == Blob.from_string(text).id:
            return
        trailers = {"Action": "save", "Post": name, "Status": status}
        if held is None:
            trailers["Created"] = "yes"
        self._commit(repo, {post_path(name): text}, OUTSIDE, "Changed outside the composer", trailers)

    # ------------------------------------------------------------ reading

    def _walk(self) -> Iterator[tuple[bytes, Any]]:
        """Commits from the newest, following first parents (none before the repository exists)."""
        if not (self.path / "HEAD").is_file():
            return
        repo = self._repo()
        commit_id = self._head(repo)
        while commit_id is not None:
            commit = repo[commit_id]
            yield commit_id, commit
            commit_id = commit.parents[0] if commit.parents else None

    def log(self, name: str) -> list[Revision]:
        """The revisions of post `name`, newest first, through its renames."""
        found = []
        current = name
        for commit_id, commit in self._walk():
            rev = _revision(commit_id, commit)
            if rev.action == "import":
                if post_path(current) in self._files(self._repo(), commit_id):
                    found.append(Revision(rev.rev, rev.author, rev.time, rev.message, "import", current, "draft"))
                continue
            if rev.post != current:
                continue
            found.append(rev)
            if rev.action == "rename" and rev.previous:
                current = rev.previous
            elif _is_creation(commit):
                break
        return found

    def _resolve(self, rev: str) -> bytes:
        if not _REV.match(rev):
            raise HistoryError(f"'{rev[:40]}' is not a revision")
        for commit_id, _ in self._walk():
            if commit_id.decode("ascii").startswith(rev):
                return commit_id
        raise HistoryError(f"no revision '{rev}'")

    def read(self, name: str, rev: str) -> bytes:
        """The post's file as it was at revision `rev` (under the name it had then)."""
        repo = self._repo()
        commit_id = self._resolve(rev)
        wanted = self._name_at(name, commit_id)
        files = self._files(repo, commit_id)
        blob = files.get(post_path(wanted))
        if blob is None:
            raise HistoryError(f"revision {rev[:12]} does not hold post '{name}'")
        data: bytes = repo[blob].data
        return data

    def _name_at(self, name: str, commit_id: bytes) -> str:
        """The name post `name` had at `commit_id` (before any later rename)."""
        current = name
        for cid, commit in self._walk():
            if cid == commit_id:
                return current
            rev = _revision(cid, commit)
            if rev.action == "rename" and rev.post == current and rev.previous:
                current = rev.previous
        return current

    def before(self, rev: str, name: str) -> bytes:
        """The post's file just before revision `rev` (e.g. the content a delete removed)."""
        repo = self._repo()
        commit = repo[self._resolve(rev)]
        if not commit.parents:
            raise HistoryError(f"revision {rev[:12]} has nothing before it")
        blob = self._files(repo, commit.parents[0]).get(post_path(name))
        if blob is None:
            raise HistoryError(f"post '{name}' did not exist before revision {rev[:12]}")
        data: bytes = repo[blob].data
        return data

    def deleted(self) -> list[DeletedPost]:
        """Posts whose last recorded action was a delete (and no file of that name is back)."""
        seen: set[str] = set()
        found = []
        for commit_id, commit in self._walk():
            rev = _revision(commit_id, commit)
            if not rev.post or rev.post in seen:
                continue
            seen.add(rev.post)
            if rev.action == "delete" and not (self.root / "posts" / f"{rev.post}.yaml").exists():
                found.append(DeletedPost(rev.post, rev.rev, rev.author, rev.time,
                                         commit.parents[0].decode("ascii") if commit.parents else ""))
        return found

    def etag_revision(self, name: str, matches: Any) -> bytes | None:
        """The newest recorded text of post `name` for which `matches(text)` holds (e.g. the text
        an ETag was taken from)."""
        for rev in self.log(name):
            try:
                text = self.read(name, rev.rev)
            except HistoryError:
                continue
            if matches(text):
                return text
        return None


def _is_creation(commit: Any) -> bool:
    message = commit.message.decode("utf-8", "replace")
    return "Jdgen-Created: yes" in message


def _person(name: str) -> bytes:
    clean = "".join(ch for ch in name if ch not in "<>\n\r").strip() or "unknown"
    return f"{clean} <>".encode()


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def _revision(commit_id: bytes, commit: Any) -> Revision:
    message = commit.message.decode("utf-8", "replace")
    trailers = dict(_TRAILER.findall(message))
    author = commit.author.decode("utf-8", "replace").rsplit(" <", 1)[0]
    when = datetime.fromtimestamp(commit.author_time, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return Revision(rev=commit_id.decode("ascii"), author=author, time=when, message=message.split("\n", 1)[0],
                    action=trailers.get("Action", ""), post=trailers.get("Post", ""),
                    status=trailers.get("Status", ""), previous=trailers.get("From", ""))


# ---------------------------------------------------------------- what changed, word by word


@dataclass(frozen=True)
class Change:
    """A run of words: kept (`same`), added (`ins`) or removed (`del`)."""

    op: str
    text: str


def word_diff(before: str, after: str) -> list[Change]:
    """What changed from `before` to `after`, word by word (whitespace between words kept as one
    space, paragraphs as line breaks)."""
    a, b = _words(before), _words(after)
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(Change("same", _join(a[i1:i2])))
        else:
            if i2 > i1:
                changes.append(Change("del", _join(a[i1:i2])))
            if j2 > j1:
                changes.append(Change("ins", _join(b[j1:j2])))
    return changes


def in_context(changes: list[Change], words: int = 12) -> list[Change]:
    """The changes with at most `words` unchanged words either side of each ('…' for the rest)."""
    out: list[Change] = []
    for i, c in enumerate(changes):
        if c.op != "same":
            out.append(c)
            continue
        parts = c.text.replace("\n", " \n ").split(" ")
        parts = [p for p in parts if p]
        keep_head = words if i > 0 else 0
        keep_tail = words if i < len(changes) - 1 else 0
        if len(parts) <= keep_head + keep_tail + 1:
            out.append(c)
            continue
        head, tail = _join(parts[:keep_head]), _join(parts[len(parts) - keep_tail:] if keep_tail else [])
        out.append(Change("same", " ".join(x for x in (head, "…", tail) if x)))
    return out


def _words(text: str) -> list[str]:
    words: list[str] = []
    for line in text.strip().splitlines():
        if words:
            words.append("\n")
        words += line.split()
    return words


def _join(words: list[str]) -> str:
    return " ".join(words).replace(" \n ", "\n").replace("\n ", "\n").replace(" \n", "\n")


def rendered_text(text: bytes, name: str, workspace: Any) -> str:
    """A post's file as a reader sees it: the Markdown of its job description (the same renderer
    as the composer's preview and `jdgen build -f md`), or the file's text when it does not resolve."""
    from .errors import Collector
    from .posts import check_post, resolve
    from .web.documents import render_post
    from .yamlio import parse_text

    source = text.decode("utf-8", "replace")
    parsed, problems = parse_text(source, f"posts/{name}.yaml")
    doc, problems = check_post(parsed, problems, partial=True)
    if doc is None:
        return source
    out = Collector(list(problems))
    try:
        post = resolve(doc, workspace, out, name=name)
    except Exception:  # a revision the resolver cannot take is compared as its text
        return source
    if out.errors:
        return source
    return render_post(post, workspace, "md", "jd").decode("utf-8")
