"""What the web app knows about its workspace: the library, settings and clauses (reloaded when a
file they come from changes), and the posts folder with each post's checked state (re-checked when
the post file or the library changes)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings, load_config
from ..errors import Collector, Diagnostic
from ..library import bundled_root, discover, load_library
from ..model import Library
from ..yamlio import load_strict

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
class Loaded:
    """The library and settings of one state of the workspace's files."""

    library: Library
    settings: Settings
    clauses: dict[str, str]
    problems: tuple[Diagnostic, ...]
    stamp: Stamp


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
    _loaded: Loaded | None = None
    _posts: dict[str, tuple[Stamp, PostState]] = field(default_factory=dict)
    _memo: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def posts_dir(self) -> Path:
        return self.root / "posts"

    def _library_files(self) -> list[Path]:
        templates = [p for folder in (bundled_root() / "templates", self.root / "templates") if folder.is_dir()
                     for p in folder.rglob("*") if p.is_file()]
        return discover(self.root).all_paths() + templates + [self.root / "jdgen.yaml"]

    def loaded(self) -> Loaded:
        """Library, settings and clauses, reloaded when any file they come from changed."""
        stamp = _stamp(self._library_files())
        with self._lock:
            if self._loaded is None or self._loaded.stamp != stamp:
                out = Collector()
                settings = load_config(self.root / "jdgen.yaml", out)
                clauses = load_strict(bundled_root() / "templates" / "clauses.yaml").data or {}
                self._loaded = Loaded(load_library(self.root), settings, dict(clauses), tuple(out.items), stamp)
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

    def post_states(self) -> list[PostState]:
        """Every post of the workspace with its state, each re-checked only when its file changed."""
        loaded = self.loaded()
        states = []
        for path in self.post_files():
            stamp = _stamp([path])
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


def _check_file(path: Path, loaded: Loaded) -> PostState:
    from ..compare import qualified_ids
    from ..posts import load_post, resolve

    doc, problems = load_post(path)
    title = path.stem
    if doc is None:
        return PostState(path.stem, title, "errors", tuple(problems), (), frozenset())
    out = Collector()
    title = str(doc.data.get("title", title))
    try:
        post = resolve(doc, loaded.library, out, name=path.stem, organisation=loaded.settings.organisation)
    except Exception as exc:  # a post the resolver cannot take is shown as broken, not as a server error
        out.extend([Diagnostic(doc.path, 0, 0, f"cannot resolve this post: {exc}")])
        post = None
    uses = frozenset(qualified_ids(post)) if post is not None and not out.errors else frozenset()
    state = "errors" if out.errors else "warnings" if out.warnings else "valid"
    return PostState(path.stem, title, state, tuple(out.errors), tuple(out.warnings), uses)
