"""Diagnostics with a source position, and the exception that carries them.

Plain Python on purpose: the library never depends on click; the CLI turns a `JdgenError` into
output and an exit code (see `jdgen.reporter`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

#: Longest quoted value a message shows; longer ones are cut with an ellipsis.
MAX_QUOTED = 60
_QUOTED = re.compile("'([^'\\n]{" + str(MAX_QUOTED + 1) + ",})'")
#: Longest message or hint at all, whatever it quotes.
_MAX_TEXT = 1000


def shorten(text: str, limit: int = MAX_QUOTED) -> str:
    """`text` cut to `limit` characters with an ellipsis, for quoting user values in messages."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _shorten_quoted(text: str) -> str:
    if len(text) <= MAX_QUOTED:
        return text
    text = _QUOTED.sub(lambda m: f"'{shorten(m.group(1))}'", text)
    return shorten(text, _MAX_TEXT)


#: The code of a problem that has no more specific one (see jdgen/codes.py for the list).
DEFAULT_CODE = "invalid"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in an input file, 1-based line and column (0 when unknown).

    `code` is a short stable id of the kind of problem (like a yamllint rule id), for tools that
    read `jdgen validate --format json|github`; it does not take part in comparisons.
    """

    path: str
    line: int = 0
    col: int = 0
    message: str = ""
    level: str = "error"
    hint: str = ""
    code: str = field(default=DEFAULT_CODE, compare=False)

    def __post_init__(self) -> None:
        # Messages quote user values; a 1 MB value must not make a 1 MB line. Done here, once,
        # so that every message (text, JSON, GitHub annotations) is bounded.
        object.__setattr__(self, "message", _shorten_quoted(self.message))
        object.__setattr__(self, "hint", _shorten_quoted(self.hint))

    def format(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        text = f"{where}: {self.level}: {self.message}" if where else f"{self.level}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def display_path(path: str | Path) -> str:
    """A path as the user should see it: relative to the current folder when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


class JdgenError(Exception):
    """Invalid input: one or more diagnostics. The CLI reports them and exits with 1."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


@dataclass
class Collector:
    """Collects diagnostics across a run so every error is reported together."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, path: str, line: int, col: int, message: str, hint: str = "",
            level: str = "error", code: str = DEFAULT_CODE) -> None:
        self.items.append(Diagnostic(path, line, col, message, level, hint, code))

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise JdgenError(self.errors)
