"""The composer's Import page (issue 18): upload a Word, PDF, HTML, Markdown or text job
description, review each duty's match with its alternatives, accept or change it, and save the
post through the composer's own store (`save_post`). The same import functions as `jdgen import`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from ..errors import JdgenError
from ..importing.model import Candidate, Duty, DutyMatch, ImportedDocument, ImportResult
from ..importing.post import post_data
from ..importing.readers import SUFFIXES
from ..model import Library
from .revisions import saving
from .store import StoreError, check_name, save_post

importer = Blueprint("importer", __name__)
ACCEPT = ",".join(sorted(SUFFIXES))
LOCAL = "local"
OTHER = "other"


def _state() -> Any:
    from .api import state

    return state()


def _page(status: int = 200, **context: Any) -> Response:
    body = render_template("web/import.html.j2", title="Import a job description", accept=ACCEPT, **context)
    return Response(body, status=status)


@importer.get("/import")
def import_page() -> Response:
    return _page()


@importer.post("/import")
def import_upload() -> Response:
    """The uploaded file read and matched: the review form."""
    from ..importing.run import import_bytes

    upload = request.files.get("document")
    if upload is None or not upload.filename:
        return _page(400, error="Choose a job description to upload.")
    path = Path(Path(upload.filename).name)
    if path.suffix.lower() not in SUFFIXES:
        return _page(400, error=f"{path.name}: cannot import '{path.suffix or path.name}' files; "
                                f"choose a {', '.join(sorted(SUFFIXES))} file.")
    loaded = _state().loaded()
    try:
        result = import_bytes(path, upload.read(), loaded)
    except JdgenError as exc:
        return _page(422, error="; ".join(d.message + (f" ({d.hint})" if d.hint else "") for d in exc.diagnostics))
    return _review(result, loaded.library)


def _review(result: ImportResult, library: Library, status: int = 200, error: str = "", name: str = "",
            chosen: list[str] | None = None) -> Response:
    doc = result.document
    carried = {"source": doc.source, "title": doc.title, "fields": doc.fields, "summary": doc.summary,
               "duties": [[d.text, d.section] for d in doc.duties]}
    rows = []
    for i, m in enumerate(result.matches):
        options = [c for c in ([m.best] if m.best else []) + list(m.alternatives)]
        pick = chosen[i] if chosen else (m.match.ref if m.match else LOCAL)
        rows.append({"index": i, "duty": m.duty, "match": m.match, "options": [
            {"ref": c.ref, "score": c.score, "text": _item_text(library, c.ref)} for c in options],
            "chosen": pick, "other": pick if pick not in {c.ref for c in options} | {LOCAL} else ""})
    return _page(status, review=True, source=doc.source, document=json.dumps(carried, ensure_ascii=False),
                 name=name or result.name, title_found=doc.title, fields=shown_fields(doc.fields), rows=rows,
                 error=error)


#: Labels of the header fields an import finds, as a job description's terms table names them.
FIELD_LABELS = {"grade": "Grade", "salary": "Salary", "hours_per_week": "Hours a week", "contract": "Contract",
                "base": "Base", "responsible_to": "Responsible to", "accountable_to": "Accountable to",
                "closing_date": "Closing date"}


def shown_fields(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) of each field found, the salary written out as a document writes it."""
    from .. import salary

    shown = []
    for key, value in fields.items():
        text = str(value)
        if key == "salary" and isinstance(value, dict):
            text = salary.text_of(salary.from_mapping(value))
        shown.append((FIELD_LABELS.get(key, key.replace("_", " ").capitalize()), text))
    return shown


def _item_text(library: Library, ref: str) -> str:
    fw, _, item_id = ref.partition(":")
    item = library.item(fw, item_id)
    return item.text if item else ""


def _document(raw: str) -> ImportedDocument:
    try:
        data = json.loads(raw)
        duties = tuple(Duty(str(text), str(section)) for text, section in data["duties"])
        return ImportedDocument(source=str(data["source"]), title=str(data["title"]), fields=dict(data["fields"]),
                                duties=duties, summary=str(data.get("summary", "")))
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(400, "the review form was damaged; upload the document again") from exc


@importer.post("/import/save")
def import_save() -> Response | BaseResponse:
    """The reviewed choices saved as a new post, through the composer's store."""
    loaded = _state().loaded()
    library = loaded.library
    doc = _document(request.form.get("document", ""))
    name = request.form.get("name", "").strip()
    chosen, matches, wrong = [], [], []
    for i, duty in enumerate(doc.duties):
        pick = request.form.get(f"duty-{i}", LOCAL)
        if pick == OTHER:
            pick = "".join(request.form.get(f"other-{i}", "").split())
        chosen.append(pick or LOCAL)
        match = None
        if pick and pick != LOCAL:
            fw, _, item_id = pick.partition(":")
            item = library.item(fw, library.canonical_id(fw, item_id)) if fw in library.frameworks else None
            if item is None or item.parent or library.frameworks[fw].is_reference:
                wrong.append(f"duty {i + 1}: '{pick[:60]}' is not an item of a duties framework (write framework:id)")
            else:
                match = Candidate(f"{fw}:{item.id}", 1.0)
        matches.append(DutyMatch(duty, match, (), match))
    result = ImportResult(doc, tuple(matches), {}, name)
    if wrong:
        return _review(result, library, 400, "; ".join(wrong), name, chosen)
    try:
        check_name(name)
        ws = _state()
        save_post(ws.posts_dir, name, post_data(doc, matches, library), None,
                  saving(ws.root, name, f"Import {name} from {doc.source}"))
    except StoreError as exc:
        message = exc.message + (": choose another name" if exc.status == 428 else "")
        return _review(result, library, exc.status if exc.status != 428 else 409, message, name, chosen)
    return redirect(url_for("pages.compose", name=name, note=f"Imported {doc.source} as posts/{name}.yaml."))
