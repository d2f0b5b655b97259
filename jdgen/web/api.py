"""The JSON API under /api/ (documented in docs/api.md and openapi.json)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request

from ..listing import framework_record, item_record
from ..registry import KINDS
from .checking import check_data
from .documents import FORMATS, MEDIA_TYPES, compare_json, profiles, render_post
from .history_api import history_api
from .revisions import deleting, saving, status_of
from .state import WorkspaceState
from .store import MAX_DEPTH, StoreError, check_name, delete_post, depth, read_post, save_post

api = Blueprint("api", __name__, url_prefix="/api")
api.register_blueprint(history_api)  # status, history, rename, recovery


def state() -> WorkspaceState:
    found: WorkspaceState = current_app.extensions["jdgen"]
    return found


def json_body(missing: str = "the request body must be JSON (Content-Type: application/json)") -> Any:
    """The request's JSON, refused with 400 (`missing` when there is none) when absent or nested too deep."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # the JSON parser's own limit, far past MAX_DEPTH
        abort(400, description=f"the request body is nested more than {MAX_DEPTH} levels deep")
    if data is None:
        abort(400, description=missing)
    if depth(data) > MAX_DEPTH:
        abort(400, description=f"the request body is nested more than {MAX_DEPTH} levels deep")
    return data


def _post_body() -> tuple[Any, str]:
    """The post of a validate/render request: the body itself, or {"post": …, "name": …}."""
    data = json_body()
    name = "post"
    if isinstance(data, dict) and isinstance(data.get("post"), dict):
        name = check_name(str(data.get("name") or name))
        data = data["post"]
    if not isinstance(data, dict):
        abort(400, description="a post must be a JSON object of keys (title, grade, …)")
    return data, name


@api.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_description())


def openapi_description() -> dict[str, Any]:
    """openapi.json with the document formats and their media types taken from the registry, so a
    format added there is described here too."""
    spec: dict[str, Any] = json.loads(resources.files("jdgen.web").joinpath("openapi.json").read_text("utf-8"))
    formats = KINDS["job-description"].formats
    for operation in (op for item in spec["paths"].values() for op in item.values() if isinstance(op, dict)):
        for param in operation.get("parameters", []):
            if param.get("name") == "format" and param.get("in") == "query":
                param["schema"]["enum"] = [f.name for f in formats]
        ok = operation.get("responses", {}).get("200", {})
        if ok.get("description") == "the document":
            ok["content"] = {f.media_type.split(";")[0]: {} for f in formats}
    return spec


@api.get("/frameworks")
def frameworks() -> Response:
    library = state().loaded().library
    return jsonify({"frameworks": [framework_record(fw) for fw in library.frameworks.values()]})


@api.get("/frameworks/<framework_id>")
def framework(framework_id: str) -> Response:
    library = state().loaded().library
    fw = library.frameworks.get(framework_id)
    if fw is None:
        abort(404, description=f"no framework '{framework_id[:80]}'")
    record = framework_record(fw)
    record["clusters"] = [{"code": c.code, "label": c.shown_code, "title": c.title, "description": c.description,
                           "required": c.required, "items": [item_record(i, library) for i in c.items]}
                          for c in fw.clusters]
    record["entries"] = [{"id": e.id, "title": e.title, "group": e.group,
                          "levels": [{"level": lv.level, "title": lv.title} for lv in e.levels]}
                         for e in fw.entries]
    return jsonify(record)


@api.get("/posts")
def posts() -> Response:
    book = status_of(state().root)
    rows = [{"name": p.name, "title": p.title, "state": p.state, "errors": len(p.errors),
             "warnings": len(p.warnings), "status": str(book.get(p.name).status),
             "status_by": book.get(p.name).by, "status_at": book.get(p.name).at}
            for p in state().post_states()]
    return jsonify({"posts": rows})


@api.get("/posts/<name>")
def get_post(name: str) -> Response:
    data, etag, problems = read_post(state().posts_dir, name)
    if problems:
        response = jsonify({"error": f"post '{name}' cannot be read as a post", "problems": problems})
        response.status_code = 422
        response.headers["ETag"] = etag
        return response
    response = jsonify(data)
    response.headers["ETag"] = etag
    return response


@api.put("/posts/<name>")
def put_post(name: str) -> Response:
    check_name(name)
    data = json_body()
    ws = state()
    if not isinstance(data, dict):
        abort(400, description="a post must be a JSON object of keys (title, grade, …)")
    existed = (ws.posts_dir / f"{name}.yaml").is_file()
    etag = save_post(ws.posts_dir, name, data, request.headers.get("If-Match"), saving(ws.root, name))
    checked = check_data(data, name, ws.loaded())
    # a draft: it does not validate yet, or lacks terms a published job description needs
    draft = bool(checked.errors) or any(w["message"].startswith("draft:") for w in checked.warnings)
    response = jsonify({"name": name, "saved": True, "draft": draft,
                        "message": ("saved as a draft: it does not validate yet" if checked.errors else
                                    "saved as a draft: it lacks terms a published job description needs"
                                    if draft else "saved"),
                        "errors": checked.errors, "warnings": checked.warnings})
    response.status_code = 200 if existed else 201
    response.headers["ETag"] = etag
    return response


@api.delete("/posts/<name>")
def remove_post(name: str) -> Response:
    delete_post(state().posts_dir, name, request.headers.get("If-Match"), deleting(state().root, check_name(name)))
    return Response(status=204)


@api.post("/validate")
def validate() -> Response:
    data, name = _post_body()
    checked = check_data(data, name, state().loaded())
    return jsonify({"errors": checked.errors, "warnings": checked.warnings})


@api.post("/lint")
def lint() -> Response:
    """The `jdgen lint` findings of a post, each at its field (docs/lint.md)."""
    from .linting import findings, record

    data, name = _post_body()
    return jsonify({"findings": [record(f) for f in findings(data, name, state().loaded())]})


@api.post("/render")
def render() -> Response:
    fmt = request.args.get("format", "html")
    ws = state()
    loaded = ws.loaded()
    known = profiles(loaded)
    profile = request.args.get("profile", known[0])
    if fmt not in FORMATS:
        abort(400, description=f"unknown format '{fmt[:20]}'; choose from {', '.join(FORMATS)}")
    if profile not in known:
        abort(400, description=f"unknown profile '{profile[:40]}'; choose from {', '.join(known)}")
    data, name = _post_body()
    checked = check_data(data, name, loaded)
    if checked.post is None:
        response = jsonify({"error": "the post does not validate", "errors": checked.errors,
                            "warnings": checked.warnings})
        response.status_code = 422
        return response
    document = render_post(checked.post, loaded, fmt, profile)
    response = Response(document, content_type=MEDIA_TYPES[fmt])
    if fmt != "html":
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@api.post("/compare")
def compare() -> Response:
    data = json_body()
    names = data.get("posts") if isinstance(data, dict) else data
    if not isinstance(names, list) or len(names) < 2 or not all(isinstance(n, str) for n in names):
        abort(400, description='send {"posts": [NAME, NAME, …]} with at least two post names')
    order = data.get("order", "similarity") if isinstance(data, dict) else "similarity"
    if order not in ("similarity", "file"):
        abort(400, description="order must be 'similarity' or 'file'")
    ws = state()
    loaded, chosen = resolve_named(ws, names)
    return jsonify(compare_json(chosen, loaded, order))


def resolve_named(ws: WorkspaceState, names: list[str]) -> tuple[Any, list[Any]]:
    """Resolve the named posts; 404 for a missing one, 422 (with its errors) for an invalid one."""
    from ..errors import JdgenError
    from ..posts import resolve_file

    loaded = ws.loaded()
    chosen = []
    for name in dict.fromkeys(names):
        path: Path = ws.posts_dir / f"{check_name(name)}.yaml"
        if not path.is_file():
            raise StoreError(404, f"no post named '{name}'")
        try:
            chosen.append(resolve_file(path, loaded))
        except JdgenError as exc:
            raise StoreError(422, f"post '{name}' does not validate",
                             errors=[d.format() for d in exc.diagnostics]) from exc
    if len(chosen) < 2:
        raise StoreError(400, "name at least two different posts")
    return loaded, chosen
