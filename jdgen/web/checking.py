"""A post arriving as JSON goes through the same parse, schema and resolve path as a post file:
it is written out as JSON text (which is YAML), parsed under the virtual path `posts/NAME.yaml`,
and every diagnostic is mapped back to the field it concerns."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..errors import Collector, Diagnostic
from ..posts import ResolvedPost, check_post, resolve
from ..schema import field_name
from ..workspace import Workspace
from ..yamlio import Document, JsonPath, parse_text

_MISSING = re.compile(r"missing required key '([^']+)'")


@dataclass(frozen=True)
class Checked:
    """A post checked as `jdgen validate` checks it; `post` is set when it has no errors."""

    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    post: ResolvedPost | None


def _positions(doc: Document) -> dict[tuple[int, int], JsonPath]:
    """Position → field. In indented JSON every key and value starts at its own line and column."""
    where: dict[tuple[int, int], JsonPath] = {}
    for path, pos in doc.values.items():
        where.setdefault(pos, path)
    for path, pos in doc.keys.items():
        where.setdefault(pos, path)
    return where


def _record(d: Diagnostic, where: dict[tuple[int, int], JsonPath]) -> dict[str, Any]:
    path = where.get((d.line, d.col), ())
    missing = _MISSING.match(d.message)
    if missing:  # a missing key is reported at its parent mapping; the field is the key itself
        path = (*path, missing.group(1))
    record: dict[str, Any] = {"path": field_name(path) if path else "", "location": list(path),
                              "message": d.message}
    if d.hint:
        record["hint"] = d.hint
    return record


def post_text(data: Any) -> str:
    """The JSON text a post is checked as (ASCII, so any character survives the YAML parser)."""
    return json.dumps(data, indent=1, ensure_ascii=True, allow_nan=False)


def check_data(data: Any, name: str, loaded: Workspace) -> Checked:
    """Schema and reference checks of a post given as data, as `jdgen validate` makes them."""
    virtual = f"posts/{name}.yaml"
    try:
        text = post_text(data)
    except ValueError:
        msg = {"path": "", "location": [], "message": "numbers must be finite (no NaN or Infinity)"}
        return Checked([msg], [], None)
    parsed, problems = parse_text(text, virtual)
    where = _positions(parsed) if parsed is not None else {}
    doc, problems = check_post(parsed, problems)
    if doc is None:
        return Checked([_record(d, where) for d in problems if d.level == "error"],
                       [_record(d, where) for d in problems if d.level != "error"], None)
    out = Collector()
    post = resolve(doc, loaded, out, name=name)
    errors = [_record(d, where) for d in sorted(out.errors)]
    warnings = [_record(d, where) for d in sorted(out.warnings)]
    return Checked(errors, warnings, None if errors else post)
