"""`jdgen lint` in the web app: findings of a post sent as data (`POST /api/lint` and the composer,
which asks for them apart from the preview so that they never slow it down), and each saved post's
finding count for the Posts page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from flask import Blueprint, render_template

from ..lint.model import Finding
from ..schema import field_name
from ..workspace import Workspace
from .checking import Checked
from .state import WorkspaceState

lint_pages = Blueprint("lint_pages", __name__)


def _state() -> WorkspaceState:
    from .api import state

    return state()


def findings(data: dict[str, Any], name: str, loaded: Workspace) -> list[Finding]:
    """The lint findings of a post given as data, each with the field it concerns (`location`)."""
    from ..lint.run import lint_data, linter

    return lint_data(data, name, linter(loaded))


def record(f: Finding) -> dict[str, Any]:
    """A finding as the API gives it: the field (as /api/validate names it) instead of a line."""
    return {"path": field_name(f.location) if f.location else "", "location": list(f.location),
            "severity": f.severity, "rule": f.rule, "message": f.message, "suggestion": f.suggestion}


def lint_counts() -> dict[str, int]:
    """Each saved post's number of findings, each worked out again only when its file or the workspace
    changed (a save relints that post, not all of them)."""
    from ..lint.run import Linter, lint_file, linter

    ws = _state()
    loaded = ws.loaded()
    made: list[Linter] = []

    def count(path: Path) -> int:
        if not made:
            made.append(linter(loaded))
        return len(lint_file(path, made[0])[0])

    today = dt.date.today()  # a closing date passes at midnight: counts of another day are not reused
    return {path.stem: ws.memo(f"lint-count:{path.name}", (loaded.fingerprint, today, ws.file_stamp(path)),
                               lambda path=path: count(path))
            for path in ws.post_files()}


@lint_pages.app_context_processor
def _globals() -> dict[str, Any]:
    return {"lint_counts": lint_counts}


@lint_pages.post("/compose/lint")
def compose_lint() -> str:
    """For htmx: every field's lint findings, out of band (asked for apart from the preview)."""
    from .form import bind
    from .pages import _all_names, _field_messages, _form_state, form_context

    data, name, _, _ = _form_state()
    loaded = _state().loaded()
    found = findings(data, name or "post", loaded)
    notes = [{"location": list(f.location), "message": f"{f.message} ({f.rule})", "hint": f.suggestion}
             for f in found]
    nodes = bind(data, form_context(loaded))
    messages, general = _field_messages(nodes, Checked([], notes, None))
    names = [n for node in nodes for n in _all_names(node)]
    return render_template("web/_lint.html.j2", messages=messages, general=general, names=names, total=len(found))
