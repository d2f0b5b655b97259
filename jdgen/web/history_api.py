"""The API of status, history, rename and recovery (under /api, documented in docs/api.md)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request

from ..history import word_diff
from . import revisions
from .store import StoreError, check_name

history_api = Blueprint("history_api", __name__)


def _root() -> Any:
    from .api import state

    return state().root


def _json() -> dict[str, Any]:
    from .api import json_body

    data = json_body()
    if not isinstance(data, dict):
        abort(400, description="the request body must be a JSON object (Content-Type: application/json)")
    return data


@history_api.post("/posts/<name>/status")
def set_status(name: str) -> Response:
    data = _json()
    comment = data.get("comment", "")
    if not isinstance(comment, str) or len(comment) > 2000:
        abort(400, description="comment must be text of at most 2000 characters")
    entry = revisions.set_status(_root(), check_name(name), data.get("status"), comment)
    return jsonify({"name": name, "status": str(entry.status), "by": entry.by, "at": entry.at,
                    "comment": entry.comment})


@history_api.get("/posts/<name>/history")
def history(name: str) -> Response:
    return jsonify({"history": [r.record() for r in revisions.history_of(_root(), name)]})


@history_api.get("/posts/<name>/history/<rev>")
def revision(name: str, rev: str) -> Response:
    text = revisions.read_revision(_root(), name, rev)
    return jsonify({"name": name, "rev": rev, "text": text.decode("utf-8", "replace")})


@history_api.post("/posts/<name>/history/<rev>/restore")
def restore(name: str, rev: str) -> Response:
    etag = revisions.restore(_root(), check_name(name), rev, request.headers.get("If-Match"))
    response = jsonify({"name": name, "restored": rev})
    response.headers["ETag"] = etag
    return response


@history_api.get("/posts/<name>/diff")
def diff(name: str) -> Response:
    before, after = request.args.get("from", ""), request.args.get("to", "")
    if not before or not after:
        abort(400, description="give two revisions: ?from=REV&to=REV")
    changes = rendered_diff(name, before, after)
    return jsonify({"name": name, "from": before, "to": after,
                    "changes": [{"op": c.op, "text": c.text} for c in changes]})


def rendered_diff(name: str, before: str, after: str) -> list[Any]:
    """What a reader sees change between two revisions of post `name`, word by word."""
    from ..history import rendered_text
    from .api import state

    ws = state()
    loaded = ws.loaded()
    a = rendered_text(revisions.read_revision(ws.root, name, before), name, loaded)
    b = rendered_text(revisions.read_revision(ws.root, name, after), name, loaded)
    return word_diff(a, b)


@history_api.post("/posts/<name>/rename")
def rename(name: str) -> Response:
    to = _json().get("to")
    if not isinstance(to, str):
        abort(400, description='send {"to": NEW_NAME}')
    etag = revisions.rename(_root(), check_name(name), to, request.headers.get("If-Match"))
    response = jsonify({"name": to, "from": name})
    response.status_code = 201
    response.headers["ETag"] = etag
    response.headers["Location"] = f"/api/posts/{to}"
    return response


@history_api.get("/deleted")
def deleted() -> Response:
    from ..history import History

    return jsonify({"deleted": [{"name": d.name, "rev": d.rev, "author": d.author, "time": d.time}
                                for d in History(_root()).deleted()]})


@history_api.post("/deleted/<name>/recover")
def recover(name: str) -> Response:
    etag = revisions.recover(_root(), name)
    response = jsonify({"name": name, "recovered": True})
    response.status_code = 201
    response.headers["ETag"] = etag
    return response


__all__ = ["StoreError", "history_api"]
