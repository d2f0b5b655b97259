"""The typed values at the seams of jdgen lint: a finding, a text the author wrote, and what a rule
looks at (one post or cluster file with its source positions and the workspace)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..yamlio import Document, JsonPath

if TYPE_CHECKING:
    from ..config import LintSettings
    from ..posts import ResolvedPost
    from ..workspace import Workspace
    from .pay import PayScale


@dataclass(frozen=True, order=True)
class Finding:
    """One wording problem: where (1-based line and column), how bad, which rule, what to do."""

    path: str
    line: int
    column: int
    severity: str
    rule: str
    message: str
    suggestion: str = ""
    #: The field it concerns (keys and indexes from the top of the file), for the composer.
    location: JsonPath = field(default=(), compare=False)

    def record(self) -> dict[str, Any]:
        """The JSON form of `jdgen lint --format json`."""
        return {"path": self.path, "line": self.line, "column": self.column, "severity": self.severity,
                "rule": self.rule, "message": self.message, "suggestion": self.suggestion}

    def format(self) -> str:
        """`PATH:LINE:COL: warning: MESSAGE (rule)`, and the suggestion on a line of its own."""
        text = f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} ({self.rule})"
        return text + (f"\n  suggestion: {self.suggestion}" if self.suggestion else "")


@dataclass(frozen=True)
class Text:
    """A text the author wrote, at `where` in the file. `standard` is the bundled wording it rewords
    (words it shares with that wording are not blamed on the author)."""

    where: JsonPath
    value: str
    kind: str  # prose | duty | criterion | clause | item
    standard: str = ""


@dataclass(frozen=True)
class Subject:
    """What every rule looks at: one file, its author's texts in document order, and the workspace."""

    doc: Document
    source: str  # the file's text, to find a word's line and column inside a folded block
    kind: str  # post | cluster
    texts: tuple[Text, ...]
    workspace: Workspace
    settings: LintSettings
    today: dt.date
    post: ResolvedPost | None = None  # the resolved post, when it resolves without errors
    pay_scales: tuple[PayScale, ...] = ()  # bundled and the workspace's, for salary-band

    def finding(self, rule: str, where: JsonPath, message: str, suggestion: str = "", *,
                text: str = "", offset: int = 0, length: int = 0, key: bool = False) -> Finding:
        """A finding of `rule` at the value at `where`, or, given the `text` of that value, at the
        word `text[offset:offset + length]` inside it."""
        line, col = self.doc.at(where, key=key)
        if text and length:
            line, col = locate(self.source, (line, col), text, offset, length)
        return Finding(self.doc.path, line, col, self.settings.severity(rule), rule, message, suggestion, where)


def _pattern(phrase: str) -> str:
    """A regex for `phrase` as a YAML block may hold it: any run of spaces may be a line break."""
    return r"\s+".join(re.escape(part) for part in phrase.split())


def locate(source: str, start: tuple[int, int], text: str, offset: int, length: int) -> tuple[int, int]:
    """The 1-based line and column in `source` of `text[offset:offset + length]`, where `text` is the
    loaded value of the scalar that starts at `start`. Folding and line breaks change the spaces
    between words but not the words, so the n-th occurrence of the phrase in the value is the n-th
    after the scalar's start; escapes (a rare double-quoted value) fall back to the scalar's start."""
    phrase = text[offset:offset + length]
    if not phrase.strip():
        return start
    pattern = re.compile(_pattern(phrase))
    nth = sum(1 for m in pattern.finditer(text, 0, offset + length) if m.start() < offset)
    lines = source.split("\n")
    if not 0 < start[0] <= len(lines):
        return start
    index = sum(len(line) + 1 for line in lines[:start[0] - 1]) + start[1] - 1
    for n, m in enumerate(pattern.finditer(source, index)):
        if n == nth:
            from ..yamlio import line_col

            return line_col(source, m.start())
    return start
