"""One `Workspace`: the library, the settings of jdgen.yaml, the default clauses and the files whose
bytes documents embed, loaded by one function and handed to everything that resolves or renders
(the commands, the build workers and the web app), so that they all build the same document.

Like black's `Mode`, it is a frozen value: a command loads it once; the web app loads a new one when
a file it comes from changes. Its fingerprint is the build cache's key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import __version__
from .bundled import bundled_root
from .config import CONFIG_NAME, Settings, load_config
from .errors import Collector, Diagnostic, JdgenError
from .library import check_library, discover
from .model import Library
from .yamlio import load_strict


@dataclass(frozen=True)
class PostDefaults:
    """What jdgen.yaml supplies to a post that does not set it."""

    organisation: str | None = None
    full_time_hours: float = Settings.full_time_hours
    about: str = ""


@dataclass(frozen=True, eq=False)
class Workspace:
    """Everything besides a post that decides what its documents say and look like."""

    root: Path
    library: Library
    settings: Settings = field(default_factory=Settings)
    #: The standard clauses (bundled templates/clauses.yaml); jdgen.yaml's `clauses` add to them.
    clauses: Mapping[str, str] = field(default_factory=dict)
    #: Problems found while loading (only a workspace loaded with `check_workspace` keeps any).
    problems: tuple[Diagnostic, ...] = ()
    #: Every file whose bytes reach a document: library, templates, CSS, reference.docx, logo, jdgen.yaml.
    sources: tuple[Path, ...] = ()

    @property
    def defaults(self) -> PostDefaults:
        s = self.settings
        return PostDefaults(s.organisation, s.full_time_hours, s.about)

    @property
    def templates(self) -> Path:
        """The workspace's own templates folder (it may not exist)."""
        return self.root / "templates"

    def profiles(self) -> list[str]:
        """The document profiles, bundled and the workspace's, the default first."""
        from .profiles import available

        names = list(available(self.settings.profiles))
        default = self.settings.profile
        return [default, *[n for n in names if n != default]] if default in names else names

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever any file a document embeds changes, or jdgen's version does."""
        return digest_files(self.sources) + __version__


def source_files(root: Path, settings: Settings) -> tuple[Path, ...]:
    """The files a document may read: library files, bundled and workspace templates (with the
    CSS and reference.docx), jdgen.yaml and the logo it names."""
    templates = [p for folder in (bundled_root() / "templates", root / "templates") if folder.is_dir()
                 for p in folder.rglob("*") if p.is_file()]
    extra = [p for p in (root / CONFIG_NAME, settings.logo) if p is not None and p.is_file()]
    return tuple(sorted(set(discover(root).all_paths() + templates + extra)))


def digest_files(paths: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of `paths` (a file that vanished counts as empty)."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(str(p).encode())
        try:
            h.update(p.read_bytes())
        except OSError:
            h.update(b"\0missing")
    return h.hexdigest()


def _default_clauses() -> dict[str, str]:
    return {str(k): str(v) for k, v in (load_strict(bundled_root() / "templates" / "clauses.yaml").data or {}).items()}


def _load(root: Path, extra: Iterable[Path] = ()) -> tuple[Workspace, list[Diagnostic], list[Diagnostic]]:
    """The workspace, with the problems of jdgen.yaml and of the library kept apart."""
    settings_out = Collector()
    settings = load_config(root / CONFIG_NAME, settings_out)
    library, library_problems = check_library(discover(root, extra))
    problems = tuple(settings_out.items) + tuple(library_problems)
    workspace = Workspace(root, library, settings, _default_clauses(), problems, source_files(root, settings))
    return workspace, settings_out.items, library_problems


def check_workspace(root: Path, extra: Iterable[Path] = ()) -> Workspace:
    """Load the workspace at `root`, never raising for bad input: every problem of jdgen.yaml and
    the library is kept in `problems`, and what could be loaded is used (the default for a wrong
    setting). `extra` adds library files named on the command line (`jdgen validate`)."""
    return _load(root, extra)[0]


def load_workspace(root: Path, *, lenient_settings: bool = False) -> Workspace:
    """The workspace at `root`; JdgenError listing every error of jdgen.yaml and the library.
    With `lenient_settings` (the web app, which shows them) errors of jdgen.yaml are kept in
    `problems` and their defaults used instead."""
    workspace, settings_problems, library_problems = _load(root)
    errors = [d for d in (library_problems if lenient_settings else [*settings_problems, *library_problems])
              if d.level == "error"]
    if errors:
        raise JdgenError(errors)
    return workspace
