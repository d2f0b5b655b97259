"""The History page of a post (revisions, status, restore, what changed between two revisions) and
the Deleted posts page. Routes on the `pages` blueprint; each works without JavaScript."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from ..history import History
from ..workflow import TRANSITIONS, Status, load
from . import revisions
from .pages import STATUSES, pages, state
from .store import StoreError, check_name


def _history_page(name: str, note: str = "", error: str = "", status: int = 200) -> Response:
    ws = state()
    entries = revisions.history_of(ws.root, check_name(name))
    entry = load(ws.root).get(name)
    exists = (ws.posts_dir / f"{name}.yaml").is_file()
    moves = [(str(to), move.verb, move.needs_comment) for (frm, to), move in TRANSITIONS.items()
             if frm is entry.status]
    body = render_template("web/history.html.j2", title=f"History of {name}", name=name, entries=entries,
                           entry=entry, moves=moves, statuses=STATUSES, exists=exists, note=note, error=error)
    return Response(body, status=status)


@pages.get("/posts/<name>/history")
def history(name: str) -> Response:
    return _history_page(name, note=request.args.get("note", "")[:200])


@pages.post("/posts/<name>/status")
def change_status(name: str) -> Response | BaseResponse:
    comment = request.form.get("comment", "")[:2000]
    try:
        entry = revisions.set_status(state().root, check_name(name), request.form.get("status", ""), comment)
    except StoreError as exc:
        if exc.status == 404:
            raise
        return _history_page(name, error=exc.message, status=exc.status)
    return redirect(url_for("pages.history", name=name, note=f"{name} is now {STATUSES[str(entry.status)].lower()}."))


@pages.get("/posts/<name>/history/<rev>")
def revision(name: str, rev: str) -> str:
    text = revisions.read_revision(state().root, check_name(name), rev)
    found = next((r for r in revisions.history_of(state().root, name) if r.rev.startswith(rev)), None)
    return render_template("web/revision.html.j2", title=f"{name} at revision {rev[:12]}", name=name, rev=rev,
                           found=found, text=text.decode("utf-8", "replace"), statuses=STATUSES)


@pages.post("/posts/<name>/history/<rev>/restore")
def restore(name: str, rev: str) -> BaseResponse:
    revisions.restore(state().root, check_name(name), rev, None)
    return redirect(url_for("pages.history", name=name, note=f"Restored {name} as of revision {rev[:12]}: "
                                                             "a new revision, and a draft."))


@pages.get("/posts/<name>/diff")
def diff(name: str) -> Response:
    from .history_api import rendered_diff

    check_name(name)
    before, after = request.args.get("from", ""), request.args.get("to", "")
    if not before or not after:
        return _history_page(name, error="Choose two revisions to compare: one under From, one under To.",
                             status=400)
    log = {r.rev: r for r in revisions.history_of(state().root, name)}
    from ..history import in_context

    whole = bool(request.args.get("whole"))
    everything = rendered_diff(name, before, after)
    changes = everything if whole else in_context(everything)
    body = render_template("web/diff.html.j2", title=f"What changed in {name}", name=name, changes=changes,
                           whole=whole,
                           before=log.get(before), after=log.get(after), before_rev=before, after_rev=after,
                           changed=any(c.op != "same" for c in everything))
    return Response(body)


@pages.get("/posts/deleted")
def deleted() -> str:
    return render_template("web/deleted.html.j2", title="Deleted posts", deleted=History(state().root).deleted()
                           if (state().root / ".jdgen").is_dir() else [])


@pages.post("/posts/deleted/<name>/recover")
def recover(name: str) -> BaseResponse:
    revisions.recover(state().root, check_name(name))
    return redirect(url_for("pages.compose", name=name, note=f"Recovered {name}."))


__all__ = ["Status"]
