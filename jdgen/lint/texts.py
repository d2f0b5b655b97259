"""The texts an author wrote in a post or a cluster file, in document order. Bundled wording is
not among them: a rule never blames the author for words the framework chose."""

from __future__ import annotations

from typing import Any

from ..model import Library
from ..yamlio import Document, JsonPath

#: A post's free prose, each a text or a list of texts.
PROSE_KEYS = ("summary", "overview", "purpose", "scope", "about", "how_to_apply")
#: The order a job description and its advert show a post's texts in ("used before it is spelled
#: out" follows the document, not the file): each key's texts in file order within it.
DOCUMENT_ORDER = ("overview", "summary", "purpose", "scope", "duties", "person_spec", "clauses", "about",
                  "how_to_apply")


def _prose(value: Any, where: JsonPath, kind: str) -> list[tuple[JsonPath, str, str]]:
    if isinstance(value, str):
        return [(where, value, kind)]
    if isinstance(value, list):
        return [((*where, i), v, kind) for i, v in enumerate(value) if isinstance(v, str)]
    return []


def _entry(value: Any, where: JsonPath, kind: str) -> list[tuple[JsonPath, str, str]]:
    """A text, or a mapping with `text` (and `sub` points)."""
    if isinstance(value, str):
        return [(where, value, kind)]
    if not isinstance(value, dict):
        return []
    found = _prose(value.get("text"), (*where, "text"), kind)
    for i, sub in enumerate(value.get("sub", []) if isinstance(value.get("sub"), list) else []):
        found += _entry(sub, (*where, "sub", i), kind)
    return found


def post_texts(doc: Document, library: Library) -> list[tuple[JsonPath, str, str, str]]:
    """(where, text, kind, bundled wording it rewords) of every text the author of a post wrote."""
    from ..posts import DEFAULT_DUTY_FRAMEWORK, duty_specs

    data = doc.data
    found: list[tuple[JsonPath, str, str, str]] = []
    for key in PROSE_KEYS:
        found += [(w, t, k, "") for w, t, k in _prose(data.get(key), (key,), "prose")]
    for key, text in (data.get("clauses") or {}).items():
        if isinstance(text, str):
            found.append((("clauses", key), text, "clause", ""))
    for path, spec in duty_specs(data):
        if not isinstance(spec, dict):
            continue
        for i, raw in enumerate(spec.get("local", []) or []):
            where = (*path, "local", i)
            if isinstance(raw, dict) and "items" in raw:
                found += [(w, t, "prose", "") for w, t, _ in _prose(raw.get("intro"), (*where, "intro"), "prose")]
                for j, item in enumerate(raw.get("items") or []):
                    found += [(w, t, k, "") for w, t, k in _entry(item, (*where, "items", j), "duty")]
            else:
                found += [(w, t, k, "") for w, t, k in _entry(raw, where, "duty")]
        fw = spec.get("framework", DEFAULT_DUTY_FRAMEWORK)
        for raw_id, text in (spec.get("reword") or {}).items():
            if isinstance(text, str):
                item = library.item(fw, library.canonical_id(fw, raw_id)) if fw in library.frameworks else None
                found.append(((*path, "reword", raw_id), text, "duty", item.text if item else ""))
    spec_data = data.get("person_spec")
    if isinstance(spec_data, dict):
        for key in ("essential", "desirable"):
            for i, entry in enumerate(spec_data.get(key, []) or []):
                found += [(w, t, "criterion", "") for w, t, _ in _entry(entry, ("person_spec", key, i), "criterion")]
    return sorted(found, key=lambda f: (DOCUMENT_ORDER.index(str(f[0][0])), doc.at(f[0])))


def cluster_texts(doc: Document) -> list[tuple[JsonPath, str, str, str]]:
    """The texts of a workspace's own cluster file: its title, description, statement and items."""
    data = doc.data
    found: list[tuple[JsonPath, str, str, str]] = []
    for key in ("description", "statement"):
        found += [(w, t, "prose", "") for w, t, _ in _prose(data.get(key), (key,), "prose")]
    for i, item in enumerate(data.get("items", []) or []):
        if isinstance(item, dict):
            found += [(w, t, "item", "") for w, t, _ in _entry(item, ("items", i), "item")]
            for key in ("outcome", "trainee_text"):
                found += [(w, t, "item", "") for w, t, _ in _prose(item.get(key), ("items", i, key), "item")]
    return sorted(found, key=lambda f: doc.at(f[0]))
