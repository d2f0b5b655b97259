"""Did-you-mean hints, shared by the loaders, the post checks and the CLI's option types."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_match(name: str, choices: Iterable[str]) -> str | None:
    """The choice `name` most likely meant, or None when nothing is close.

    A different case is always a match. Otherwise short names (≤ 4 characters, like ids and
    codes) need a ratio of 0.6, longer ones 0.75, so that `pension` does not suggest `supervision`.
    """
    options = list(choices)
    if len(name) > 100:  # no name is that long; comparing it would only cost time
        return None
    folded = {c.casefold(): c for c in options}
    if name.casefold() in folded:
        return folded[name.casefold()]
    cutoff = 0.6 if len(name) <= 4 else 0.75
    close = difflib.get_close_matches(name, options, n=1, cutoff=cutoff)
    return close[0] if close else None


def suggest(name: str, choices: Iterable[str]) -> str:
    """A 'did you mean …?' hint, or ''."""
    match = close_match(name, choices)
    return f"did you mean '{match}'?" if match else ""
