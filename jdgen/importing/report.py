"""The report of `jdgen import`: text for people, JSON for tools."""

from __future__ import annotations

import json
from typing import Any

from .fields import REPORTED
from .model import Candidate, ImportResult
from .post import taken


def _ref(c: Candidate | None) -> str | None:
    return c.ref if c else None


def as_json(results: list[tuple[ImportResult, str]]) -> str:
    """`{"imports": [{"source", "post", "fields", "duties": [{"text", "section", "match", "score",
    "alternatives": [{"match", "score"}]}]}]}`; `post` is the written file (null when not written)."""
    data: dict[str, Any] = {"imports": [
        {"source": r.document.source, "post": post,
         "fields": {"title": r.document.title} | r.document.fields,
         "duties": [{"text": m.duty.text, "section": m.duty.section, "match": _ref(m.match), "score": m.score,
                     "alternatives": [{"match": c.ref, "score": c.score} for c in m.alternatives]}
                    for m in r.matches]}
        for r, post in results]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def as_text(results: list[tuple[ImportResult, str]]) -> str:
    lines: list[str] = []
    for r, post in results:
        doc = r.document
        found = {"title": doc.title} | doc.fields
        matched = sum(m.match is not None for m in r.matches)
        lines.append(f"{doc.source} → {post}: {len(r.matches)} duties, {matched} matched to items, "
                     f"{len(r.matches) - matched} kept as local duties")
        shown = [k for k in REPORTED if k in found] + [k for k in found if k not in REPORTED]
        lines.append("  fields: " + ", ".join(f"{k}={_short(found[k])}" for k in shown))
        missing = [k for k in REPORTED if k not in found]
        if missing:
            lines.append("  missing: " + ", ".join(missing))
        section = None
        for m, as_item in zip(r.matches, taken(r.matches), strict=True):
            if m.duty.section != section:
                section = m.duty.section
                lines.append(f"  {section}")
            if m.match is not None:
                note = "" if as_item else f" (kept local: a better duty took {m.match.ref})"
                lines.append(f"    {m.match.ref} {m.match.score:.2f}  {_short(m.duty.text, 70)}{note}")
            else:
                best = f" (best {m.best.ref} {m.best.score:.2f})" if m.best else ""
                lines.append(f"    local {m.score:.2f}  {_short(m.duty.text, 70)}{best}")
    return "\n".join(lines) + "\n"


def _short(value: Any, limit: int = 40) -> str:
    if isinstance(value, dict):
        from .. import salary

        try:
            return salary.text_of(salary.from_mapping(value))
        except (KeyError, TypeError, ValueError):
            return str(value)
    text = str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"
