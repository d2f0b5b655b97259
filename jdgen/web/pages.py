"""The server-rendered pages: Library, Compose, Posts, Compare and Training. Each works without
JavaScript; htmx (vendored) adds validation as you type and the live preview."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from ..posts import ResolvedPost
from ..workspace import Workspace
from .checking import Checked, check_data
from .documents import FORMATS, MEDIA_TYPES, compare_html, profiles, render_post
from .form import Node, bind, to_data
from .state import WorkspaceState
from .store import StoreError, check_name, delete_post, read_post, save_post

pages = Blueprint("pages", __name__)
NAV = [("pages.posts", "Posts"), ("pages.compose", "Compose"), ("pages.library", "Library"),
       ("pages.compare", "Compare"), ("pages.training", "Training"), ("importer.import_page", "Import")]


def state() -> WorkspaceState:
    from .api import state as api_state

    return api_state()


@pages.app_context_processor
def _globals() -> dict[str, Any]:
    return {"nav": NAV}


def form_context(loaded: Workspace) -> dict[str, Any]:
    """What the schema-driven form needs from the library: duty frameworks and their clusters."""
    library = loaded.library
    duty = [fw for fw in library.frameworks.values() if fw.is_duties]
    return {
        "duty_frameworks": [fw.id for fw in duty],
        "default_framework": "iapt-li" if "iapt-li" in library.frameworks else (duty[0].id if duty else ""),
        "clusters": {fw.id: [(c.code, f"{c.shown_code}: {c.title}" + (" (required)" if c.required else ""))
                             for c in fw.clusters] for fw in duty},
        "canonical": library.canonical_id,
        "library": library,
    }


# ---------------------------------------------------------------- Posts


@pages.get("/")
@pages.get("/posts")
def posts() -> str:
    from ..workflow import load
    from .paging import SORTS, paged, rows_of

    ws = state()
    listing = paged(rows_of(ws.post_states(), load(ws.root)), request.args.get("q", ""),
                    request.args.get("sort", "title"), request.args.get("page", 1))
    return render_template("web/posts.html.j2", title="Posts", paged=listing, sorts=SORTS, statuses=STATUSES,
                           folder=ws.posts_dir, note=request.args.get("note", "")[:200])


STATUSES = {"draft": "Draft", "in-review": "In review", "approved": "Approved"}


def _free_name(ws: WorkspaceState, name: str) -> str:
    new, n = f"{name}-copy", 2
    while (ws.posts_dir / f"{new}.yaml").exists():
        new, n = f"{name}-copy{n}", n + 1
    return new[:80]


@pages.route("/posts/<name>/duplicate", methods=["GET", "POST"])
def duplicate(name: str) -> BaseResponse | str:
    """Asks for the new name (a free one offered), then copies the file exactly, comments included."""
    ws = state()
    data, _, problems = read_post(ws.posts_dir, name)
    if problems or not isinstance(data, dict):
        raise StoreError(422, f"post '{name}' cannot be read, so it cannot be duplicated: {'; '.join(problems)}")
    new = request.form.get("new_name", "").strip() if request.method == "POST" else _free_name(ws, name)
    error = ""
    if request.method == "POST":
        try:
            check_name(new)
            if (ws.posts_dir / f"{new}.yaml").exists():
                raise StoreError(409, f"a post named '{new}' exists already; choose another name")
            source = (ws.posts_dir / f"{name}.yaml").read_bytes()
            from .revisions import copy_post

            copy_post(ws.root, name, new, source)
            return redirect(url_for("pages.compose", name=new, note=f"Duplicated {name} as {new}."))
        except StoreError as exc:
            error = exc.message
    body = render_template("web/duplicate.html.j2", title=f"Duplicate {name}", name=name, new=new, error=error)
    return Response(body, status=409 if error.endswith("another name") else 400) if error else body


@pages.route("/posts/<name>/delete", methods=["GET", "POST"])
def delete(name: str) -> BaseResponse | str:
    from .revisions import deleting

    check_name(name)
    if request.method == "GET":
        if not (state().posts_dir / f"{name}.yaml").is_file():
            abort(404, description=f"no post named '{name}'")
        return render_template("web/delete.html.j2", title=f"Delete {name}", name=name)
    delete_post(state().posts_dir, name, None, deleting(state().root, name))
    return redirect(url_for("pages.posts", note=f"Deleted {name}; it can be recovered from Deleted posts."))


# ---------------------------------------------------------------- Library


def _library_data(q: str) -> list[dict[str, Any]]:
    ws = state()
    loaded = ws.loaded()
    used: dict[str, list[str]] = {}
    for p in ws.post_states():
        for ident in p.uses:
            used.setdefault(ident, []).append(p.name)
    from ..listing import display_id

    needle = q.casefold()
    frameworks = []
    for fw in loaded.library.frameworks.values():
        clusters = []
        for c in fw.clusters:
            items = [{"id": i.id, "label": display_id(i, loaded.library), "text": i.text, "kind": i.kind,
                      "sub": [s.text for s in i.sub],
                      "links": [f"{lk.framework.upper()} {lk.target}" + (f" level {lk.level}" if lk.level else "")
                                for lk in i.links],
                      "used": used.get(f"{fw.id}:{i.id}", [])}
                     for i in c.items
                     if not needle or needle in " ".join([i.id, i.text, *(s.text for s in i.sub)]).casefold()]
            if items:
                clusters.append({"code": c.shown_code, "title": c.title, "description": c.description,
                                 "required": c.required, "items": items})
        entries = [{"id": e.id, "title": e.title, "levels": [lv.title or str(lv.level) for lv in e.levels]}
                   for e in fw.entries if not needle or needle in f"{e.id} {e.title}".casefold()]
        if clusters or entries or not needle:
            frameworks.append({"id": fw.id, "title": fw.title, "kind": fw.kind,
                               "provenance": fw.provenance.source, "clusters": clusters, "entries": entries})
    return frameworks


@pages.get("/library")
def library() -> str:
    q = request.args.get("q", "")[:200]
    ws = state()
    stamp = (ws.loaded().fingerprint, ws.posts_stamp(), q)
    frameworks = ws.memo("library", stamp, lambda: _library_data(q))  # pages carry a per-session token
    return render_template("web/library.html.j2", title="Library", frameworks=frameworks, q=q)


# ---------------------------------------------------------------- Compose


def _field_messages(nodes: list[Node], checked: Checked | None) -> tuple[dict[str, list[dict[str, Any]]],
                                                                         list[dict[str, Any]]]:
    """Each message at the field it concerns (by its location), the rest for the top of the form."""
    at: dict[str, list[dict[str, Any]]] = {}
    rest: list[dict[str, Any]] = []
    if checked is None:
        return at, rest
    names: dict[tuple[Any, ...], str] = {}

    def walk(node: Node) -> None:
        names[tuple(node.path)] = node.name
        for child in node.children:
            walk(child)
        for row in node.rows:
            for child in row:
                walk(child)

    for node in nodes:
        walk(node)
    for level, items in (("error", checked.errors), ("warning", checked.warnings)):
        for item in items:
            loc = tuple(item.get("location", []))
            while loc and loc not in names:
                loc = loc[:-1]
            record = {**item, "level": level}
            if loc:
                at.setdefault(names[loc], []).append(record)
            else:
                rest.append(record)
    return at, rest


def _compose(data: dict[str, Any], name: str, etag: str, profile: str, *, checked: Checked | None = None,
             note: str = "", status: int = 200, preview: bool = True, source: str | None = None,
             conflict: dict[str, Any] | None = None) -> Response:
    ws = state()
    loaded = ws.loaded()
    if checked is None and data:
        checked = check_data(data, name or "post", loaded)
    nodes = bind(data, form_context(loaded))
    messages, general = _field_messages(nodes, checked)
    html = ""
    if preview and checked is not None and checked.post is not None:
        html = render_post(checked.post, loaded, "html", profile).decode("utf-8")
    body = render_template("web/compose.html.j2", title=f"Compose: {name}" if name else "Compose", nodes=nodes,
                           name=name, etag=etag, profile=profile, profiles=profiles(loaded), formats=FORMATS,
                           messages=messages, general=general, checked=checked, preview_html=html, note=note,
                           source=name if source is None else source, conflict=conflict)
    return Response(body, status=status)


def _source() -> str:
    """The name the form's post was opened or last saved as ('' for a new post)."""
    return request.form.get("_source", "").strip()


def _form_state() -> tuple[dict[str, Any], str, str, str]:
    form = request.form.to_dict(flat=False)
    data = to_data(form, form_context(state().loaded()))
    name = request.form.get("_name", "").strip()
    known = profiles(state().loaded())
    profile = request.form.get("_profile", known[0])
    if profile not in known:
        abort(400, description=f"unknown profile '{profile[:40]}'")
    return data, name, request.form.get("_etag", ""), profile


@pages.get("/compose")
def compose() -> Response:
    name = request.args.get("name", "")
    known = profiles(state().loaded())
    profile = request.args.get("profile", known[0])
    if profile not in known:
        abort(400, description=f"unknown profile '{profile[:40]}'")
    if not name:
        return _compose({}, "", "", profile)
    data, etag, problems = read_post(state().posts_dir, check_name(name))
    note = request.args.get("note", "")[:200]
    if problems or not isinstance(data, dict):
        note = f"{name}.yaml cannot be read as a post ({'; '.join(problems)}); fix it in a text editor."
        return _compose({}, name, etag, profile, note=note, status=422)
    return _compose(data, name, etag, profile, note=note)


@pages.post("/compose")
def compose_refresh() -> Response:
    """Without JavaScript: the form re-shown with its messages and preview."""
    data, name, etag, profile = _form_state()
    return _compose(data, name, etag, profile, source=_source())


@pages.post("/compose/check")
def compose_check() -> str:
    """For htmx: the preview and, out of band, every field's messages."""
    data, name, _, profile = _form_state()
    ws = state()
    loaded = ws.loaded()
    checked = check_data(data, name or "post", loaded)
    nodes = bind(data, form_context(loaded))
    messages, general = _field_messages(nodes, checked)
    html = render_post(checked.post, loaded, "html", profile).decode("utf-8") if checked.post else ""
    names = [n for node in nodes for n in _all_names(node)]
    return render_template("web/_check.html.j2", messages=messages, general=general, checked=checked,
                           preview_html=html, names=names)


def _all_names(node: Node) -> list[str]:
    found = [node.name]
    for child in node.children:
        found += _all_names(child)
    for row in node.rows:
        for child in row:
            found += _all_names(child)
    return found


@pages.post("/compose/save")
def compose_save() -> Response | BaseResponse:
    """Save; under a new file name, a copy (the post it was opened from stays as it is)."""
    from .revisions import saving

    data, name, etag, profile = _form_state()
    source = _source()
    if not name:
        return _compose(data, name, etag, profile, note="Give the post a file name before saving.", status=400,
                        source=source)
    save_as = bool(source) and name != source
    etag = request.form.get("_keep", "") or etag  # "Keep mine" after a conflict: over their version
    ws = state()
    try:
        check_name(name)
        path = ws.posts_dir / f"{name}.yaml"
        if save_as and path.exists():
            raise StoreError(409, f"a post named '{name}' exists already; choose another name, or open it")
        data = _like_file(data, ws.posts_dir / f"{source or name}.yaml")
        new_etag = save_post(ws.posts_dir, name, data, None if save_as else etag or None, saving(ws.root, name))
    except StoreError as exc:
        return _refused(exc, data, name, etag, profile, source)
    checked = check_data(data, name, ws.loaded())
    where = f"posts/{name}.yaml" + (f" (posts/{source}.yaml is unchanged)" if save_as else "")
    note = (f"Saved {where} as a draft: it does not validate yet ({len(checked.errors)} error(s))."
            if checked.errors else f"Saved {where}.")
    return _compose(data, name, new_etag, profile, checked=checked, note=note)


@pages.post("/compose/rename")
def compose_rename() -> Response:
    """Rename the post the form was opened from to the name in the form, saving the form's content;
    its history and status follow."""
    from .revisions import rename
    from .store import dump

    data, name, etag, profile = _form_state()
    source = _source()
    ws = state()
    try:
        if not source:
            raise StoreError(400, "only a saved post can be renamed: save it first")
        check_name(name)
        old = ws.posts_dir / f"{check_name(source)}.yaml"
        data = _like_file(data, old)
        previous = old.read_bytes() if old.is_file() else None
        new_etag = rename(ws.root, source, name, etag or None, dump(data, previous))
    except StoreError as exc:
        return _refused(exc, data, name, etag, profile, source)
    return _compose(data, name, new_etag, profile, note=f"Renamed posts/{source}.yaml to posts/{name}.yaml; "
                                                         "its history and status came with it.")


def _like_file(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The form's data with the file's own spelling of values it did not change."""
    if not path.is_file():
        return data
    from ..yamlio import load_file
    from .form import like_before

    before, _ = load_file(path)
    return like_before(data, before.data) if before is not None else data


def _refused(exc: StoreError, data: dict[str, Any], name: str, etag: str, profile: str, source: str) -> Response:
    """A refused save, with the form kept; after a conflict (412), what the other person changed."""
    note = exc.message
    conflict = None
    if exc.status in (412, 428):
        note += ". Your changes are still in this form; nothing was saved."
        if exc.status == 412:
            from .conflicts import conflict_of

            conflict = conflict_of(state(), source or name, etag, data)
    return _compose(data, name, etag, profile, note=note, status=exc.status, source=source, conflict=conflict)


@pages.post("/compose/download")
def compose_download() -> Response:
    data, name, etag, profile = _form_state()
    fmt = request.args.get("format", "pdf")
    if fmt not in FORMATS:
        abort(400, description=f"unknown format '{fmt[:20]}'")
    ws = state()
    loaded = ws.loaded()
    checked = check_data(data, name or "post", loaded)
    if checked.post is None:
        return _compose(data, name, etag, profile, checked=checked, status=422,
                        note="The post has errors; fix the fields marked below to download it.")
    document = render_post(checked.post, loaded, fmt, profile)
    response = Response(document, content_type=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name or "post"}.{fmt}"'
    return response


# ---------------------------------------------------------------- Compare


def _chosen(ws: WorkspaceState) -> list[str]:
    return [check_name(n) for n in request.args.getlist("post")]


@pages.get("/compare")
def compare() -> str:
    from ..workflow import load
    from .paging import paged, rows_of

    ws = state()
    chosen = list(dict.fromkeys(_chosen(ws)))
    order = request.args.get("order", "similarity")
    valid = [p for p in ws.post_states() if p.state != "errors"]
    by_name = {p.name: p for p in valid}
    listing = paged(rows_of(valid, load(ws.root)), request.args.get("q", ""), "title", request.args.get("page", 1))
    finding = bool(request.args.get("find"))
    return render_template("web/compare.html.j2", title="Compare", paged=listing, chosen=chosen, order=order,
                           chosen_rows=[by_name[n] for n in chosen if n in by_name], finding=finding,
                           ready=len(chosen) >= 2 and not finding)


@pages.get("/compare/report")
def compare_report() -> Response:
    from .api import resolve_named

    ws = state()
    order = request.args.get("order", "similarity")
    if order not in ("similarity", "file"):
        abort(400, description="order must be 'similarity' or 'file'")
    loaded, chosen = resolve_named(ws, _chosen(ws))
    return Response(compare_html(chosen, loaded, order), mimetype="text/html")


# ---------------------------------------------------------------- Training


def _post(name: str) -> tuple[Workspace, ResolvedPost]:
    from ..errors import JdgenError
    from ..posts import resolve_file

    ws = state()
    loaded = ws.loaded()
    path = ws.posts_dir / f"{check_name(name)}.yaml"
    if not path.is_file():
        abort(404, description=f"no post named '{name}'")
    try:
        return loaded, resolve_file(path, loaded)
    except JdgenError as exc:
        raise StoreError(422, f"post '{name}' does not validate: "
                              + "; ".join(d.message for d in exc.diagnostics[:5])) from exc


@pages.get("/training")
def training() -> str:
    from ..assessments import SCALE, checklist_items

    ws = state()
    name = request.args.get("post", "")
    valid = [p for p in ws.post_states() if p.state != "errors"]
    items: list[Any] = []
    post = None
    if name:
        _, post = _post(name)
        items = checklist_items(post)
    return render_template("web/training.html.j2", title="Training", posts=valid, name=name, post=post,
                           items=items, scale=list(SCALE.items()))


def _written(write: Any) -> str:
    with tempfile.TemporaryDirectory(prefix="jdgen-web-") as tmp:
        paths: list[Path] = write(Path(tmp))
        return paths[0].read_text("utf-8")


@pages.get("/training/curriculum")
def curriculum() -> Response:
    from ..curriculum import post_curriculum
    from ..training import write_curriculum

    loaded, post = _post(request.args.get("post", ""))
    c = post_curriculum(post, loaded.library)
    html = _written(lambda out: write_curriculum(c, post.name, ["html"], out, loaded))
    return Response(html, mimetype="text/html")


@pages.post("/training/checklist")
def checklist_csv() -> Response:
    """The filled-in checklist as the CSV `jdgen gap` reads."""
    import csv
    import io

    from ..assessments import COLUMNS, SCALE, checklist_items
    from ..render.cells import row as safe_row

    _, post = _post(request.form.get("post", ""))
    person = " ".join(request.form.get("person", "").split())[:200]
    if not person:
        abort(400, description="give the name of the person the checklist is for")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in checklist_items(post):
        rating = request.form.get(f"rating-{item.id}", "")
        if rating and (not rating.isdigit() or int(rating) not in SCALE):
            abort(400, description=f"rating of {item.id} must be one of {', '.join(map(str, SCALE))}")
        comment = " ".join(request.form.get(f"comment-{item.id}", "").split())[:2000]
        writer.writerow(safe_row([person, item.id, rating, comment, item.text]))  # no formula injection
    safe = "".join(ch if ch.isalnum() else "-" for ch in person).strip("-")[:60] or "person"
    response = Response(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{post.name}-{safe}.csv"'
    return response


@pages.post("/training/gap")
def gap() -> Response:
    """Uploaded returns (CSV or XLSX) → the gap report, as `jdgen gap` writes it."""
    from ..errors import Collector
    from ..training import write_gap

    loaded, post = _post(request.form.get("post", ""))
    files = [f for f in request.files.getlist("returns") if f.filename]
    if not files:
        abort(400, description="choose one or more filled-in checklists (CSV or XLSX) to upload")
    problems = Collector()
    with tempfile.TemporaryDirectory(prefix="jdgen-web-") as tmp:
        folder = Path(tmp) / "returns"
        folder.mkdir()
        paths = []
        for i, f in enumerate(files):
            suffix = Path(f.filename or "").suffix.lower()
            if suffix not in (".csv", ".xlsx"):  # a name without the usual ending: judged by its content
                suffix = ".xlsx" if f.stream.read(2) == b"PK" else ".csv"
                f.stream.seek(0)
            stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in Path(f.filename or "").stem)[:60]
            target = folder / f"{i + 1:02d}-{stem}{suffix}"
            f.save(target)
            paths.append(target)
        out = Path(tmp) / "out"
        written = write_gap(post, loaded, paths, ["html"], out, problems)
        if problems.errors or not written:
            messages = [d.format().replace(str(folder) + "/", "") for d in problems.items]
            return Response(render_template("web/error.html.j2", title="Returns not accepted", status=422,
                                            message="The uploaded returns have problems:", details=messages),
                            status=422)
        return Response(written[0].read_text("utf-8"), mimetype="text/html")


from . import history_pages  # noqa: E402,F401  (its routes are on this blueprint)
