"""An edit conflict shown to the person whose save was refused (412): what the other person changed
since the form was opened, as a reader sees it, word by word."""

from __future__ import annotations

from typing import Any

from ..history import History, HistoryError, in_context, rendered_text, word_diff
from .state import WorkspaceState
from .store import dump, etag_of


def conflict_of(ws: WorkspaceState, name: str, etag: str, mine: dict[str, Any]) -> dict[str, Any] | None:
    """{their_etag, author, time, changes, base}: `changes` go from the text the form was opened
    with (found in the history by its ETag) to theirs; without that text, from mine to theirs."""
    path = ws.posts_dir / f"{name}.yaml"
    if not path.is_file():
        return None
    theirs = path.read_bytes()
    loaded = ws.loaded()
    history = History(ws.root)
    try:
        base = history.etag_revision(name, lambda text: etag_of(text) == etag.strip()) if etag else None
        last = history.log(name)[:1]
    except (HistoryError, OSError):
        base, last = None, []
    before = base if base is not None else dump(mine, theirs)
    return {"their_etag": etag_of(theirs), "base": base is not None,
            "author": last[0].author if last else "", "time": last[0].time if last else "",
            "changes": in_context(word_diff(rendered_text(before, name, loaded), rendered_text(theirs, name, loaded)))}
