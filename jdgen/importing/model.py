"""The typed values passed between the import steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Block:
    """One unit of a document as its reader saw it: a heading (with its level when the format has
    levels), a paragraph, a bullet or numbered line, or a row of a two-column table."""

    kind: str  # "heading", "para", "bullet", "row"
    text: str
    level: int | None = None
    value: str = ""  # a row's second cell


@dataclass(frozen=True)
class Duty:
    """One duty statement of the source, under the heading it was written under."""

    text: str
    section: str


@dataclass(frozen=True)
class ImportedDocument:
    """A job description, format-neutral: the header fields found (post keys → values), the
    labels seen for each, the summary, and the duties in document order."""

    source: str
    title: str
    fields: dict[str, Any]
    duties: tuple[Duty, ...]
    summary: str = ""
    #: the label each field was found under ("Reports to"), for the report
    labels: dict[str, str] = field(default_factory=dict)
    #: every heading of the document, to say where duties were looked for when none are found
    headings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A framework item and how closely a duty's text matches it (cosine similarity, 0–1)."""

    ref: str  # framework:id
    score: float


@dataclass(frozen=True)
class DutyMatch:
    """A duty, the item it was matched to (None below the threshold) and the next best items."""

    duty: Duty
    match: Candidate | None
    alternatives: tuple[Candidate, ...]
    best: Candidate | None = None  # the best candidate even when under the threshold

    @property
    def score(self) -> float:
        return self.best.score if self.best else 0.0


@dataclass(frozen=True)
class ImportResult:
    """One file imported: the document, its duties' matches and the post made of them."""

    document: ImportedDocument
    matches: tuple[DutyMatch, ...]
    post: dict[str, Any]
    name: str
