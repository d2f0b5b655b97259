"""Strict YAML loading: safe tags only, no duplicate or merge keys, bounded aliases, positions kept.

PyYAML's composer gives a node graph with 0-based marks; we turn it into plain Python data and
remember the 1-based position of every key and value by its path, so later checks can point at
the exact line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import DEFAULT_CODE, Diagnostic, JdgenError, display_path

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]

#: How many nodes aliases may add in one file before we call it an alias bomb.
MAX_ALIAS_EXPANSION = 10_000
#: Largest input file we read at all (bytes).
MAX_FILE_BYTES = 20 * 1024 * 1024

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_INT = "tag:yaml.org,2002:int"
_COLLECTION_TAGS: dict[type, str] = {yaml.MappingNode: _MAP, yaml.SequenceNode: _SEQ}


@dataclass
class Document:
    """A loaded YAML file: its data and where each value and key came from."""

    path: str
    data: Any
    values: dict[JsonPath, Position] = field(default_factory=dict)
    keys: dict[JsonPath, Position] = field(default_factory=dict)

    def at(self, path: JsonPath, *, key: bool = False) -> Position:
        """Position of the value (or key) at `path`, or of its nearest known ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        p = tuple(path)
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))

    def diag(self, path: JsonPath, message: str, *, key: bool = False, hint: str = "",
             level: str = "error", code: str = DEFAULT_CODE) -> Diagnostic:
        line, col = self.at(path, key=key)
        return Diagnostic(self.path, line, col, message, level, hint, code)


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Diagnostic] = []
        self.seen: set[int] = set()
        self.expanded = 0
        self.scalars = yaml.constructor.SafeConstructor()

    def _pos(self, node: yaml.Node) -> Position:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _problem(self, node: yaml.Node, message: str, hint: str = "", code: str = "yaml-value") -> None:
        line, col = self._pos(node)
        self.problems.append(Diagnostic(self.doc.path, line, col, message, "error", hint, code))

    def build(self, node: yaml.Node, path: JsonPath, in_alias: bool = False) -> Any:
        node_id = id(node)
        if node_id in self.seen:
            in_alias = True
        else:
            self.seen.add(node_id)
        if in_alias:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_EXPANSION:
                raise _AliasBomb(node)
        mark = node.start_mark
        self.doc.values[path] = (mark.line + 1, mark.column + 1)
        tag = node.tag
        if tag == _STR:  # the common case first: plain text
            return node.value
        expected = _COLLECTION_TAGS.get(type(node))
        if expected and tag != expected:
            self._problem(node, f"unsupported tag '{tag}'", "jdgen reads plain YAML values only", code="yaml-tag")
            return None
        if expected == _MAP:
            assert isinstance(node, yaml.MappingNode)
            return self._mapping(node, path, in_alias)
        if expected == _SEQ:
            return [self.build(child, (*path, i), in_alias) for i, child in enumerate(node.value)]
        if tag == _INT and node.value.isdigit():
            return int(node.value)
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: JsonPath, in_alias: bool) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._problem(key_node, "merge keys (<<) are not supported",
                              "write the keys out in full; jdgen files stay explicit", code="yaml-merge-key")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, "a mapping key must be a plain value, not a list or mapping", code="yaml-key")
                continue
            key = str(key_node.value)
            if key in result:
                first = self.doc.keys.get((*path, key), (0, 0))[0]
                self._problem(key_node, f"duplicate key '{key}' (first defined on line {first})",
                              "each key may appear once in a mapping; remove or rename one", code="duplicate-key")
                continue
            key_path = (*path, key)
            self.doc.keys[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, key_path, in_alias)
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag in (_STR, _TIMESTAMP):
            return str(node.value)
        if not node.tag.startswith("tag:yaml.org,2002:"):
            self._problem(node, f"unsupported tag '{node.tag}'", "jdgen reads plain YAML values only", code="yaml-tag")
            return None
        try:
            return self.scalars.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._problem(node, f"unsupported value: {getattr(exc, 'problem', exc)}")
            return None


class _AliasBomb(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def parse_text(text: str, path: str) -> tuple[Document | None, list[Diagnostic]]:
    """Parse YAML text into a Document; problems are returned, never raised."""
    doc = Document(path=path, data=None)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = exc.problem or "invalid YAML"
        if exc.context:
            message = f"{exc.context}, {message}"
        return None, [Diagnostic(path, line, col, f"YAML syntax: {message}", code="yaml-syntax")]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(path, 0, 0, f"YAML syntax: {exc}", code="yaml-syntax")]
    if node is None:
        return doc, [Diagnostic(path, 1, 1, "the file is empty", code="empty-file")]
    builder = _Builder(doc)
    try:
        doc.data = builder.build(node, ())
    except _AliasBomb as bomb:
        line, col = builder._pos(bomb.node)
        return None, [Diagnostic(path, line, col,
                                 f"aliases expand to more than {MAX_ALIAS_EXPANSION} nodes",
                                 hint="this looks like an alias bomb; write the values out instead",
                                 code="yaml-alias-limit")]
    except RecursionError:
        return None, [Diagnostic(path, 1, 1, "the file is nested too deeply, or an alias refers to itself",
                                 code="yaml-too-deep")]
    return doc, builder.problems


def load_file(path: Path) -> tuple[Document | None, list[Diagnostic]]:
    """Read and parse one YAML file (UTF-8)."""
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Diagnostic(shown, 0, 0, f"file is larger than {MAX_FILE_BYTES} bytes",
                                     code="file-too-large")]
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Diagnostic(shown, 0, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                 code="encoding")]
    except OSError as exc:
        return None, [Diagnostic(shown, 0, 0, f"cannot read file: {exc.strerror}", code="read-error")]
    return parse_text(text, shown)


def load_strict(path: Path) -> Document:
    """Load one file, raising JdgenError if it has any problem."""
    doc, problems = load_file(path)
    if problems or doc is None:
        raise JdgenError(problems)
    return doc

