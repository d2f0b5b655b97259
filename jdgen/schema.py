"""JSON Schema validation of loaded documents, with messages written for people."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

from .errors import DEFAULT_CODE, Diagnostic
from .quickcheck import quick_valid
from .suggest import suggest as suggest  # re-exported: older imports name it here
from .yamlio import Document, JsonPath


@cache
def _registry() -> Any:
    from referencing import Registry, Resource

    resources_ = []
    for name in ("framework", "cluster", "post", "config"):
        schema = load_schema(name)
        resources_.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources_)


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The bundled JSON Schema `name` (framework, cluster, post, config)."""
    text = resources.files("jdgen.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    schema = dict(json.loads(text))
    if name == "config":  # the formats jdgen.yaml may name are the registry's, whatever the file lists
        from .registry import KINDS

        schema["properties"]["formats"]["items"]["enum"] = list(KINDS["job-description"].names)
    return schema


def _inline_local_refs(node: Any, defs: dict[str, Any]) -> Any:
    """Replace `{"$ref": "#/$defs/x"}` by the definition itself: the schemas are not recursive, and
    resolving thousands of references dominated validation of large libraries."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
            return _inline_local_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_local_refs(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_local_refs(v, defs) for v in node]
    return node


@cache
def _inlined(name: str) -> dict[str, Any]:
    schema = load_schema(name)
    return dict(_inline_local_refs(schema, schema.get("$defs", {})))


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_inlined(name), registry=_registry())


def field_name(path: JsonPath) -> str:
    """`duties.clusters[2]` for ('duties', 'clusters', 2)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the file"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


_TYPES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
          "array": "a list", "object": "a mapping", "null": "null"}


def _reword_all(error: Any, doc: Document) -> list[tuple[Diagnostic, JsonPath | None]]:
    """Every problem one jsonschema error stands for (each missing key, each unknown key), with the
    path of the faulty value (None when nothing is there to set aside: a top-level key missing)."""
    path: JsonPath = tuple(error.absolute_path)
    name = field_name(path)
    inst = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required" and isinstance(inst, dict):
        where = "" if not path else f" in {name}"
        return [(doc.diag(path, f"missing required key '{key}'{where}"), path or None)
                for key in error.validator_value if key not in inst]
    if error.validator == "additionalProperties" and isinstance(inst, dict):
        allowed = list(schema.get("properties", {}))
        return [(doc.diag((*path, key), f"unknown key '{key}'" + (f" in {name}" if path else ""),
                          key=True, hint=suggest(key, allowed) or f"allowed keys: {', '.join(allowed)}"),
                 (*path, key)) for key in inst if key not in allowed]
    return [(_reword(error, doc), path)]


def _reword(error: Any, doc: Document) -> Diagnostic:
    path: JsonPath = tuple(error.absolute_path)
    name = field_name(path)
    kind = error.validator
    inst = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind in ("required", "additionalProperties"):
        return _reword_all(error, doc)[0][0]
    if kind in ("oneOf", "anyOf"):
        deeper = [e for e in error.context if len(e.absolute_path) > len(path)]
        if deeper:  # the value has the right shape but something inside it is wrong: say what
            from jsonschema.exceptions import best_match

            return _reword(best_match(deeper), doc)
        message = schema.get("x-message")
        if message:
            return doc.diag(path, f"{name} must be {message}; got {_describe(inst)}")
        from jsonschema.exceptions import best_match

        return _reword(best_match(error.context), doc)
    if kind == "type" and schema.get("x-message"):
        return doc.diag(path, f"{name} must be {schema['x-message']}; got {_describe(inst)}")
    if kind == "type":
        expected = error.validator_value
        names = [_TYPES.get(t) or str(t) for t in (expected if isinstance(expected, list) else [expected])]
        hint = ""
        if expected == "string" and isinstance(inst, int | float) and path and isinstance(path[-1], str):
            shown = str(inst).lower() if isinstance(inst, bool) else str(inst)
            hint = f'put it in quotes to make it text: {path[-1]}: "{shown}"'
        return doc.diag(path, f"{name} must be {' or '.join(names)}, not {_describe(inst)}", hint=hint)
    if kind == "enum":
        allowed = [str(v) for v in error.validator_value]
        return doc.diag(path, f"{name} must be one of: {', '.join(allowed)}; got {_describe(inst)}",
                        hint=suggest(str(inst), allowed))
    if kind == "pattern":
        form = schema.get("x-message", f"text matching {error.validator_value}")
        return doc.diag(path, f"{name} must be {form}; got {_describe(inst)}")
    if kind in ("minimum", "exclusiveMinimum"):
        word = "at least" if kind == "minimum" else "more than"
        return doc.diag(path, f"{name} must be {word} {error.validator_value}; got {inst}")
    if kind in ("maximum", "exclusiveMaximum"):
        word = "at most" if kind == "maximum" else "less than"
        return doc.diag(path, f"{name} must be {word} {error.validator_value}; got {inst}")
    if kind in ("minItems", "minProperties"):
        return doc.diag(path, f"{name} must not be empty")
    if kind == "minLength":
        return doc.diag(path, f"{name} is too short (at least {error.validator_value} characters)")
    if kind == "uniqueItems":
        seen: set[str] = set()
        for i, v in enumerate(inst):
            if json.dumps(v, sort_keys=True) in seen:
                return doc.diag((*path, i), f"{name} lists {_describe(v)} twice")
            seen.add(json.dumps(v, sort_keys=True))
    return doc.diag(path, f"{name}: {error.message}")


def schema_diagnostics(doc: Document, schema_name: str) -> list[Diagnostic]:
    """Every JSON Schema problem of `doc`, reworded and positioned."""
    if quick_valid(_inlined(schema_name), doc.data):
        return []  # the common case, without building jsonschema's error tree
    return sorted(d for d, _ in schema_problems(doc, schema_name))


def schema_problems(doc: Document, schema_name: str) -> list[tuple[Diagnostic, JsonPath | None]]:
    """Every JSON Schema problem of `doc` with the path of the value it is about (for an unknown
    key, the key's own path), so that callers can set the faulty parts aside and check the rest."""
    if quick_valid(_inlined(schema_name), doc.data):
        return []
    found: dict[Diagnostic, JsonPath | None] = {}
    for error in _validator(schema_name).iter_errors(doc.data):
        for d, path in _reword_all(error, doc):
            found.setdefault(_coded(d, error), path)
    return sorted(found.items(), key=lambda kv: kv[0])


_SCHEMA_CODES = {"required": "schema-required", "additionalProperties": "schema-unknown-key",
                 "type": "schema-type", "enum": "schema-enum", "pattern": "schema-pattern",
                 "minimum": "schema-range", "exclusiveMinimum": "schema-range", "maximum": "schema-range",
                 "exclusiveMaximum": "schema-range", "minItems": "schema-empty", "minProperties": "schema-empty",
                 "minLength": "schema-empty", "uniqueItems": "schema-unique"}


def _coded(d: Diagnostic, error: Any) -> Diagnostic:
    """The diagnostic with the code of the schema rule it reports (`schema` when none fits)."""
    if d.code != DEFAULT_CODE:
        return d
    kind = error.validator
    if kind in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        kind = best_match(error.context).validator
    return replace(d, code=_SCHEMA_CODES.get(kind, "schema"))
