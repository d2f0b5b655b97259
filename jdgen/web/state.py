"""What the web app knows about its workspace: the `Workspace` (loaded again when a file it comes
from changes), and the posts folder with each post's checked state (re-checked when
the post file or the library changes)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import CONFIG_NAME, Settings
from ..errors import Collector, Diagnostic
from ..workspace import Workspace, load_workspace, source_files

Stamp = tuple[tuple[str, int, int], ...]


def _stamp(paths: list[Path]) -> Stamp:
    """Cheap identity of a set of files: name, modification time and size of each."""
    found = []
    for p in sorted(paths):
        try:
            st = p.stat()
        except OSError:
            continue
        found.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(found)


@dataclass(frozen=True)
class PostState:
    """A post file as the Posts page lists it."""

    name: str
    title: str
    state: str  # valid | warnings | errors
    errors: tuple[Diagnostic, ...]
    warnings: tuple[Diagnostic, ...]
    uses: frozenset[str]  # qualified item ids ('iapt-li:C1', 'ips:ENG1')


@dataclass
class WorkspaceState:
    """Shared by every request of one app; cheap to ask, reloads only what changed."""

    root: Path
    _loaded: Workspace | None = None
    _stamp: Stamp = ()
    _posts: dict[str, tuple[Stamp, PostState]] = field(default_factory=dict)
    _memo: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def posts_dir(self) -> Path:
        return self.root / "posts"

    def _workspace_files(self) -> list[Path]:
        """The files the workspace comes from, and jdgen.yaml even before it exists."""
        settings = self._loaded.settings if self._loaded is not None else Settings()
        return [*source_files(self.root, settings), self.root / CONFIG_NAME]

    def loaded(self) -> Workspace:
        """The workspace (as `jdgen build` loads it, with jdgen.yaml's problems kept to show),
        loaded again when any file it comes from changed."""
        stamp = _stamp(self._workspace_files())
        with self._lock:
            if self._loaded is None or self._stamp != stamp:
                self._loaded = load_workspace(self.root, lenient_settings=True)
                self._stamp = _stamp(self._workspace_files())
                self._posts.clear()
                self._memo.clear()
            return self._loaded

    def post_files(self) -> list[Path]:
        folder = self.posts_dir
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())

    def posts_stamp(self) -> Stamp:
        return _stamp(self.post_files())

    def file_stamp(self, path: Path) -> Stamp:
        """The identity of one post file (name, modification time, size)."""
        return _stamp([path])

    def post_states(self) -> list[PostState]:
        """Every post of the workspace with its state, each re-checked only when its file changed."""
        loaded = self.loaded()
        states = []
        for path in self.post_files():
            stamp = self.file_stamp(path)
            cached = self._posts.get(path.name)
            if cached is None or cached[0] != stamp:
                cached = (stamp, _check_file(path, loaded))
                self._posts[path.name] = cached
            states.append(cached[1])
        return states

    def memo(self, key: str, stamp: Any, make: Any) -> Any:
        """`make()` once per `stamp` (e.g. the library page for one state of the workspace)."""
        hit = self._memo.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        value = make()
        self._memo[key] = (stamp, value)
        return value


def _check_file(path: Path, loaded: Workspace) -> PostState:
    from ..compare import qualified_ids
    from ..posts import load_post, resolve

    doc, problems = load_post(path)
    title = path.stem
    if doc is None:
        return PostState(path.stem, title, "errors", tuple(problems), (), frozenset())
    out = Collector()
    title = str(doc.data.get("title", title))
    try:
        post = resolve(doc, loaded, out, name=path.stem)
    except Exception as exc:  # a post the resolver cannot take is shown as broken, not as a server error
        out.extend([Diagnostic(doc.path, 0, 0, f"cannot resolve this post: {exc}")])
        post = None
    uses = frozenset(qualified_ids(post)) if post is not None and not out.errors else frozenset()
    state = "errors" if out.errors else "warnings" if out.warnings else "valid"
    return PostState(path.stem, title, state, tuple(out.errors), tuple(out.warnings), uses)
