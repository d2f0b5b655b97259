"""A fast yes/no check of a document against one of our JSON Schemas.

jsonschema builds an error object tree for every keyword it visits, which made validating a
10,000-item library take seconds. Valid documents are the common case, so we first ask this small
interpreter of the keywords our schemas use; only when it says "not sure" does the caller run
jsonschema, which then produces the messages. It answers True only when the instance is valid:
any keyword it does not know, and any value it would have to judge loosely, gives False.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_TYPES: dict[str, Any] = {
    "string": lambda v: type(v) is str,
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) in (int, float),
    "boolean": lambda v: type(v) is bool,
    "array": lambda v: type(v) is list,
    "object": lambda v: type(v) is dict,
    "null": lambda v: v is None,
}
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "x-message", "default"})


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def quick_valid(schema: Any, value: Any) -> bool:
    """True only if `value` is valid against `schema` (a schema with local refs inlined)."""
    if schema is True:
        return True
    if type(schema) is not dict:
        return False
    for keyword, rule in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        check = _KEYWORDS.get(keyword)
        if check is None or not check(rule, value, schema):
            return False
    return True


def _type(rule: Any, value: Any, _: dict[str, Any]) -> bool:
    names = rule if type(rule) is list else [rule]
    return any(name in _TYPES and _TYPES[name](value) for name in names)


def _properties(rule: dict[str, Any], value: Any, _: dict[str, Any]) -> bool:
    if type(value) is not dict:
        return True
    return all(quick_valid(rule[key], item) for key, item in value.items() if key in rule)


def _additional(rule: Any, value: Any, schema: dict[str, Any]) -> bool:
    if type(value) is not dict:
        return True
    if "patternProperties" in schema:
        return False
    known = schema.get("properties", {})
    extra = [item for key, item in value.items() if key not in known]
    if rule is False:
        return not extra
    return all(quick_valid(rule, item) for item in extra)


def _items(rule: Any, value: Any, _: dict[str, Any]) -> bool:
    return type(value) is not list or all(quick_valid(rule, item) for item in value)


def _unique(rule: Any, value: Any, _: dict[str, Any]) -> bool:
    if not rule or type(value) is not list:
        return True
    if not all(type(v) is str for v in value):
        return False  # let jsonschema judge equality of other kinds
    return len(set(value)) == len(value)


def _one_of(rule: list[Any], value: Any, _: dict[str, Any]) -> bool:
    return sum(1 for branch in rule if quick_valid(branch, value)) == 1


def _number(value: Any) -> bool:
    return type(value) in (int, float)


_KEYWORDS: dict[str, Any] = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": lambda rule, v, _: type(v) is not dict or all(k in v for k in rule),
    "items": _items,
    "enum": lambda rule, v, _: any(type(v) is type(option) and v == option for option in rule),
    "pattern": lambda rule, v, _: type(v) is not str or _pattern(rule).search(v) is not None,
    "minLength": lambda rule, v, _: type(v) is not str or len(v) >= rule,
    "minItems": lambda rule, v, _: type(v) is not list or len(v) >= rule,
    "maxItems": lambda rule, v, _: type(v) is not list or len(v) <= rule,
    "minProperties": lambda rule, v, _: type(v) is not dict or len(v) >= rule,
    "uniqueItems": _unique,
    "minimum": lambda rule, v, _: not _number(v) or v >= rule,
    "maximum": lambda rule, v, _: not _number(v) or v <= rule,
    "exclusiveMinimum": lambda rule, v, _: not _number(v) or v > rule,
    "exclusiveMaximum": lambda rule, v, _: not _number(v) or v < rule,
    "oneOf": _one_of,
}
