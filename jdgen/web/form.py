"""The Compose form, driven by the post JSON Schema: every key of the post format becomes a field,
so keys added to the schema appear in the form without changes here. A small table gives a few
fields a better widget or label.

Form names are dotted paths ('duties.clusters', 'person_spec.essential.0.text'); `to_data` turns a
submitted form back into post data and `bind` turns post data into fields with values."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..schema import load_schema
from .picker import apply_picks, attach_picker

#: Lists whose blank row is shown open when the list is empty: a post is mostly its duties.
OPEN_WHEN_EMPTY = {"duties"}
#: Fields that read better as several lines of text.
LONG_TEXT = {"summary", "overview", "purpose", "scope", "note", "text", "intro", "description", "value"}
#: Lists of long texts: one entry per paragraph (entries separated by a blank line).
PARAGRAPH_LISTS = {"duties.local"}
LABELS = {
    "hours_per_week": "Hours per week", "responsible_to": "Responsible to", "accountable_to": "Accountable to",
    "date_posted": "Date posted (YYYY-MM-DD)", "closing_date": "Closing date (YYYY-MM-DD)",
    "duties.clusters": "Clusters", "duties.add": "Items to add", "duties.remove": "Items to remove",
    "duties.local": "Local duties", "person_spec": "Person specification", "required_level": "Required level (0–3)",
    "provides_supervision": "Provides supervision to (profiles)", "manages_people": "Manages people",
}
HELP = {
    "duties.add": "Item ids, one per line (e.g. W1). The Library page lists them.",
    "duties.remove": "Item ids, one per line, of chosen clusters' items this post does not take.",
    "duties.local": "The employer's own duties: each a sentence (Text), or a section with a heading, an "
                    "introduction and items.",
    "competences": "framework:id, one per line (e.g. ips:ENG or ips:JD3).",
    "clauses": "Standard clauses this post words differently (key and text).",
}


@dataclass
class Node:
    """One field of the form, bound to a value."""

    kind: str  # text|textarea|select|checks|lines|paragraphs|group|rows|yaml
    name: str
    path: tuple[str | int, ...]
    label: str
    help: str = ""
    required: bool = False
    value: Any = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    rows: list[list[Node]] = field(default_factory=list)
    row_schema: dict[str, Any] = field(default_factory=dict)
    collapse: str = ""  # rows/groups written as a plain string when only this key is set
    map_rows: bool = False
    open_new: bool = False  # the blank row is shown open (not behind "Add …")
    picker: dict[str, Any] = field(default_factory=dict)  # kind 'picker': see picker.py

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace("_", "-")


TEXT_KEY = "_text"  # the form field of a value that may be text or a mapping without a text key


def _deref(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    doc, _, pointer = ref.partition("#")
    target = load_schema(doc.removesuffix(".schema.json")) if doc else root
    for part in pointer.strip("/").split("/"):
        if part:
            target = target[part]
    return _deref(target, target if doc else root) if "$ref" in target else target


def _label(key: str, dotted: str) -> str:
    return LABELS.get(dotted) or LABELS.get(key) or key.replace("_", " ").capitalize()


def _variants(schema: dict[str, Any], root: dict[str, Any]) -> list[dict[str, Any]]:
    return [_deref(v, root) for v in schema.get("oneOf", schema.get("anyOf", []))]


def _shape(schema: dict[str, Any], root: dict[str, Any]) -> tuple[str, dict[str, Any], str]:
    """(kind, the schema that kind describes, collapse key) for one value schema."""
    schema = _deref(schema, root)
    variants = _variants(schema, root)
    if variants:
        objects = [v for v in variants if v.get("type") == "object"]
        strings = [v for v in variants if v.get("type") == "string"]
        enums = [v for v in variants if "enum" in v]
        arrays = [v for v in variants if v.get("type") == "array"]
        if objects and strings:  # text, or a mapping: one group with every mapping's keys
            props: dict[str, Any] = {}
            for o in objects:
                props.update(o.get("properties", {}))
            key = "text" if "text" in props else "profile" if "profile" in props else TEXT_KEY
            return "object", {"type": "object", "properties": props}, key
        if strings and arrays and _deref(arrays[0].get("items", {}), root).get("type") == "string":
            return "prose", schema, ""  # text, or a list of points
        if enums and arrays and "enum" in _deref(arrays[0].get("items", {}), root):  # one value or several
            return "checks", {"enum": enums[0]["enum"], "single": True}, ""
        if objects and arrays:  # one mapping or a list of them: rows
            return "rows", {"items": objects[0], "single": True}, ""
        return "yaml", schema, ""
    kind = schema.get("type")
    if "enum" in schema:
        return "select", schema, ""
    if kind == "object":
        if "properties" in schema:
            return "object", schema, ""
        if isinstance(schema.get("additionalProperties"), dict):
            return "map", schema, ""
        return "yaml", schema, ""
    if kind == "array":
        items = _deref(schema.get("items", {}), root)
        if "enum" in items:
            return "checks", {"enum": items["enum"]}, ""
        if items.get("type") == "string":
            return "lines", schema, ""
        if items.get("type") == "object" or _variants(items, root):
            return "rows", {"items": items}, ""
        return "yaml", schema, ""
    if kind == "boolean":
        return "bool", schema, ""
    if kind in ("string", "number", "integer") or (isinstance(kind, list) and "array" not in kind
                                                  and "object" not in kind):
        return "text", schema, ""
    return "yaml", schema, ""


def _node(key: str, path: tuple[str | int, ...], schema: dict[str, Any], root: dict[str, Any], value: Any,
          required: bool, context: dict[str, Any]) -> Node:
    dotted = ".".join(str(p) for p in path if not isinstance(p, int))
    name = ".".join(str(p) for p in path)
    kind, shape, collapse = _shape(schema, root)
    base = _deref(schema, root)
    node = Node(kind, name, path, _label(key, dotted), HELP.get(dotted, base.get("description", "")), required)
    if kind == "object":
        node.kind = "group"
        node.collapse = collapse
        if isinstance(value, str) and collapse and collapse != TEXT_KEY:
            value = {collapse: value}
        values = value if isinstance(value, dict) else {}
        req = set(shape.get("required", []))
        if isinstance(values.get("framework"), str):
            context = {**context, "framework": values["framework"]}
        node.children = [_node(k, (*path, k), s, root, values.get(k), k in req, context)
                         for k, s in shape.get("properties", {}).items()]
        if dotted == "duties" and context.get("library") is not None and not context.get("no_picker"):
            attach_picker(node, values, context)
        if collapse == TEXT_KEY:
            text = Node("text", f"{name}.{TEXT_KEY}", (*path, TEXT_KEY), f"{node.label} as text",
                        "Either this text or the fields below.", value=value if isinstance(value, str) else "")
            node.children.insert(0, text)
        return node
    if kind == "rows" or kind == "map":
        node.kind = "rows"
        entries: list[Any]
        if kind == "map":
            node.map_rows = True
            items: dict[str, Any] = {"type": "object", "required": ["key"],
                     "properties": {"key": {"type": "string"}, "value": shape["additionalProperties"]}}
            entries = [{"key": k, "value": v} for k, v in value.items()] if isinstance(value, dict) else []
        else:
            items = shape["items"]
            entries = ([value] if isinstance(value, dict) else list(value) if isinstance(value, list)
                                  else [])
            node.collapse = "single" if shape.get("single") else ""
        item_kind, _, item_collapse = _shape(items, root)
        node.row_schema = {"group": item_kind == "object"}
        node.open_new = dotted in OPEN_WHEN_EMPTY and not entries
        for i, entry in enumerate([*entries, None]):
            row_context = {**context, "no_picker": True} if entry is None and entries else context
            row = _node(key, (*path, i), items, root, entry, False, row_context)
            node.rows.append(row.children if row.kind == "group" else [row])
        node.value = item_collapse
        return node
    if kind == "checks":
        node.options = [(str(v), str(v)) for v in shape["enum"]]
        node.value = [value] if isinstance(value, str) else list(value or [])
        node.collapse = "single" if shape.get("single") else ""
        return node
    if kind == "prose":
        node.kind = "textarea"
        node.help = (node.help + " " if node.help else "") + "Paragraphs, or a list of points each starting with '- '."
        node.value = "\n".join(f"- {v}" for v in value) if isinstance(value, list) else (value or "")
        node.options = [("prose", "")]
        return node
    if kind == "lines" and dotted.endswith("clusters") and context.get("clusters"):
        node.kind = "checks"
        fw = context.get("framework") or context.get("default_framework", "")
        node.options = context["clusters"].get(fw, [])
        canon = context.get("canonical") or (lambda _fw, v: v)
        node.value = [canon(fw, str(v)) for v in (value or [])]
        node.help = f"Clusters of {fw}; required clusters are always included."
        return node
    if kind == "lines":
        node.kind = "paragraphs" if dotted in PARAGRAPH_LISTS else "lines"
        lines = value if isinstance(value, list) else []
        node.value = ("\n\n" if node.kind == "paragraphs" else "\n").join(str(v) for v in lines)
        return node
    if kind == "select":
        node.options = [("", "(not set)")] + [(str(v), str(v)) for v in shape["enum"]]
        node.value = "" if value is None else str(value)
        return node
    if kind == "bool":
        node.kind = "select"
        node.options = [("", "(not set)"), ("true", "Yes"), ("false", "No")]
        node.value = "" if value is None else ("true" if value else "false")
        return node
    if kind == "text" and key == "framework" and context.get("duty_frameworks"):
        node.kind = "select"
        node.options = [("", "(default)")] + [(f, f) for f in context["duty_frameworks"]]
        node.value = "" if value is None else str(value)
        return node
    if kind == "text":
        node.kind = "textarea" if key in LONG_TEXT or base.get("minLength", 0) >= 10 else "text"
        node.value = "" if value is None else str(value)
        raw = base.get("type")
        types: list[Any] = raw if isinstance(raw, list) else [raw]
        node.options = [("number", "")] if {"number", "integer"} & set(types) else []
        return node
    node.kind = "yaml"
    node.value = "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    node.help = (node.help + " " if node.help else "") + "A value, or a list written as [2, 4]."
    return node


def bind(data: dict[str, Any], context: dict[str, Any]) -> list[Node]:
    """The form's fields for `data` (the post), in the schema's order."""
    root = load_schema("post")
    req = set(root.get("required", []))
    return [_node(k, (k,), s, root, data.get(k), k in req, context) for k, s in root["properties"].items()]


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            return text  # the schema check says it is not a number, at this field
        return value if value == value and abs(value) != float("inf") else text


def _read(node: Node, form: dict[str, list[str]]) -> Any:
    """The value of one field from the submitted form; None when not given."""
    def one(name: str) -> str:
        return (form.get(name) or [""])[0].replace("\r\n", "\n").strip()

    if node.kind == "group":
        values = {c.path[-1]: v for c in node.children if (v := _read(c, form)) is not None}
        if node.collapse == TEXT_KEY:
            text = values.pop(TEXT_KEY, None)
            return values or text
        if node.collapse and list(values) == [node.collapse] and isinstance(values[node.collapse], str):
            return values[node.collapse]
        return values or None
    if node.kind == "rows":
        found: list[Any] = []
        start = len(node.name) + 1
        indexes = sorted({int(k[start:].split(".")[0]) for k in form
                          if k.startswith(node.name + ".") and k[start:].split(".")[0].isdigit()})
        template = node.rows[0] if node.rows else []
        for i in indexes:
            if not node.row_schema.get("group"):
                value = _read(_renamed(template[0], node.name, i), form)
                if value is not None:
                    found.append(value)
                continue
            row = {}
            for child in template:
                value = _read(_renamed(child, node.name, i), form)
                if value is not None:
                    row[child.path[-1]] = value
            for child in template:
                if child.kind == "picker":
                    row = apply_picks(row, _renamed(child, node.name, i), [c.path[-1] for c in template], form)
            if row:
                found.append(row)
        if not found:
            return None
        if node.map_rows:
            return {str(r.get("key", "")): r.get("value", "") for r in found if r.get("key")}
        collapse = node.value
        rows: list[Any] = [r[collapse] if collapse and list(r) == [collapse] and isinstance(r[collapse], str)
                           else r for r in found]
        if node.collapse == "single" and len(rows) == 1:
            return rows[0]
        return rows
    if node.kind in ("checks", "picker"):
        chosen = [v for v in form.get(node.name, []) if v]
        if not chosen:
            return None
        return chosen[0] if node.collapse == "single" and len(chosen) == 1 else chosen
    if node.kind == "lines":
        lines = [line.strip() for line in one(node.name).split("\n") if line.strip()]
        return lines or None
    if node.kind == "paragraphs":
        parts = [" ".join(p.split()) for p in one(node.name).split("\n\n") if p.strip()]
        return parts or None
    text = one(node.name)
    if not text:
        return None
    if node.kind == "select" and node.options == [("", "(not set)"), ("true", "Yes"), ("false", "No")]:
        return text == "true"
    if node.kind == "text" and node.options == [("number", "")]:
        return _number(text)
    if node.kind == "yaml":
        import yaml

        if text[:1] in "[{":
            try:
                return yaml.safe_load(text)
            except yaml.YAMLError:
                return text
        return _number(text)
    if node.kind == "textarea" and node.options == [("prose", "")]:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        if lines and all(line.startswith("- ") for line in lines):
            return [" ".join(line[2:].split()) for line in lines]
    if node.kind == "textarea":  # paragraphs kept, lines within a paragraph joined (as YAML's '>' does)
        return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n") if p.strip())
    return text


def _renamed(node: Node, prefix: str, index: int) -> Node:
    """A row's field renamed for row `index` (rows share the first row's fields), nested rows too."""
    return _moved(node, f"{prefix}.0", f"{prefix}.{index}")


def _moved(node: Node, old: str, new: str) -> Node:
    name = new + node.name[len(old):] if node.name == old or node.name.startswith(old + ".") else node.name
    return Node(node.kind, name, node.path, node.label, node.help, node.required, node.value, node.options,
                [_moved(c, old, new) for c in node.children], [[_moved(c, old, new) for c in row] for row in node.rows],
                node.row_schema, node.collapse, node.map_rows, node.open_new, node.picker)


def to_data(form: dict[str, list[str]], context: dict[str, Any]) -> dict[str, Any]:
    """Post data from a submitted Compose form (fields left empty are left out)."""
    data = {}
    for node in bind({}, context):
        value = _read(node, form)
        if value is not None:
            data[str(node.path[-1])] = value
    return data


def like_before(new: Any, old: Any) -> Any:
    """Form data made to match the file it came from where the form cannot say the difference: the
    order of ticked boxes (the file's order is kept when the same values are ticked) and empty
    lists or mappings the file wrote out (kept)."""
    if isinstance(new, dict) and isinstance(old, dict):
        merged = {k: like_before(v, old.get(k)) for k, v in new.items()}
        for k, v in old.items():
            if k not in new and v in ([], {}):
                merged[k] = v
        return {k: merged[k] for k in [*[k for k in old if k in merged], *[k for k in merged if k not in old]]}
    if isinstance(new, list) and isinstance(old, list):
        if all(isinstance(v, str) for v in new + old) and sorted(new) == sorted(old):
            return old
        return [like_before(n, o) for n, o in zip(new, old, strict=False)] + new[len(old):]
    return new
