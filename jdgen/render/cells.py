"""Spreadsheet cells that cannot run: text a spreadsheet would read as a formula is written with a
leading apostrophe (OWASP's advice against CSV/formula injection), and read back without it.

A text cell is *dangerous* when it starts with `=`, `+`, `-` or `@` (also after leading white
space), or with a tab or carriage return. Numbers (int and float values) are left as numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_TRIGGERS = ("=", "+", "-", "@")


def dangerous(text: str) -> bool:
    """True if a spreadsheet could take this text for a formula."""
    return text[:1] in ("\t", "\r") or text.lstrip()[:1] in _TRIGGERS


def neutralise(value: Any) -> Any:
    """A cell value safe to write: dangerous text gets a leading `'`; anything else is unchanged."""
    if isinstance(value, str) and dangerous(value):
        return "'" + value
    return value


def row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in values]


def restore(text: str) -> str:
    """Undo `neutralise` on a cell read back (e.g. a checklist passed to `jdgen gap`)."""
    if text.startswith("'") and dangerous(text[1:]):
        return text[1:]
    return text
