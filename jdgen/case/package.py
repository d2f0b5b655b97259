"""Read a CASE 1.1 package written by anyone (OpenSALT, CaSS, a CASE Network export, jdgen):
tolerant of optional fields it does not use, strict about what an import needs, and every problem
reported as `PATH:LINE:COL: error: MESSAGE` at the JSON value that causes it."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from ..errors import Collector, Diagnostic, JdgenError, display_path
from ..inputfile import MAX_FILE_BYTES, UnreadableFile, read_regular
from ..yamlio import character_problem
from .ids import EXTENSION

JsonPath = tuple[str | int, ...]
_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
PACKAGE_HINT = ("a CASE package is a JSON object with CFDocument, CFItems and CFAssociations, as a CASE "
                "server's CFPackages endpoint or an OpenSALT 'CASE JSON' export gives it")


@dataclass(frozen=True)
class Node:
    """One CFItem: what an import uses of it, and where it is in the file."""

    identifier: str
    statement: str
    code: str = ""
    item_type: str = ""
    notes: str = ""
    extension: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0
    col: int = 0


@dataclass(frozen=True)
class Association:
    """One CFAssociation between two nodes (the destination may lie outside the package)."""

    kind: str
    origin: str
    destination: str
    destination_title: str = ""
    sequence: int | None = None
    extension: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0
    col: int = 0


@dataclass(frozen=True)
class DocumentInfo:
    """The CFDocument: the framework as a whole."""

    identifier: str
    title: str
    creator: str = ""
    publisher: str = ""
    description: str = ""
    version: str = ""
    notes: str = ""
    official_url: str = ""
    framework_type: str = ""
    changed: str = ""
    extension: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Package:
    path: str
    document: DocumentInfo
    nodes: tuple[Node, ...]
    associations: tuple[Association, ...]
    #: Problems that do not stop an import (ignored associations, …).
    warnings: tuple[Diagnostic, ...] = ()


class _Positions:
    """1-based line and column of every JSON value, by its path (the text is known to be valid JSON)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.at: dict[JsonPath, int] = {}
        self._value(0, ())

    def _skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]

    def _value(self, i: int, path: JsonPath) -> int:
        text = self.text
        i = self._skip(i)
        self.at[path] = i
        c = text[i]
        if c == '"':
            return int(scanstring(text, i + 1)[1])
        if c in "{[":
            close, index = ("}" if c == "{" else "]"), 0
            i = self._skip(i + 1)
            while text[i] != close:
                if c == "{":
                    key, i = scanstring(text, self._skip(i) + 1)
                    i = self._value(self._skip(i) + 1, (*path, key))
                else:
                    i = self._value(i, (*path, index))
                    index += 1
                i = self._skip(i)
                if text[i] == ",":
                    i = self._skip(i + 1)
            return i + 1
        return _SCALAR.match(text, i).end()  # type: ignore[union-attr]

    def __call__(self, path: JsonPath) -> tuple[int, int]:
        index = self.at.get(path)
        if index is None:
            return (1, 1) if not path else self(path[:-1])
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def read_package(path: Path) -> Package:
    """The package in `path`; JdgenError listing every problem that stops an import."""
    shown = display_path(path)
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except UnreadableFile as exc:
        raise JdgenError([Diagnostic(shown, 0, 0, exc.message, code=exc.code)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise JdgenError([Diagnostic(shown, line, 1, f"not UTF-8 text ({exc.reason})",
                                     hint="CASE packages are UTF-8 JSON", code="encoding")]) from None
    if not text.strip():
        raise JdgenError([Diagnostic(shown, 1, 1, "the file is empty", hint=PACKAGE_HINT, code="empty-file")])
    try:
        data = json.loads(text, parse_constant=_reject_constant)
        positions = _Positions(text)
    except json.JSONDecodeError as exc:
        raise JdgenError([Diagnostic(shown, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}",
                                     hint=PACKAGE_HINT, code="case-json")]) from None
    except ValueError as exc:
        raise JdgenError([Diagnostic(shown, 1, 1, f"not valid JSON: {exc}", code="case-json")]) from None
    except RecursionError:
        raise JdgenError([Diagnostic(shown, 1, 1, "the file is nested too deeply", code="case-json")]) from None
    return _Reader(shown, positions).package(data)


class _Reader:
    def __init__(self, shown: str, positions: _Positions) -> None:
        self.shown, self.pos, self.out = shown, positions, Collector()

    def error(self, path: JsonPath, message: str, hint: str = "", code: str = "case-package",
              level: str = "error") -> None:
        line, col = self.pos(path)
        self.out.add(self.shown, line, col, message, hint=hint, level=level, code=code)

    def text(self, record: Mapping[str, Any], path: JsonPath, key: str) -> str:
        """An optional text field: "" when absent; an error when it is not text or holds a character
        no document can hold."""
        value = record.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error((*path, key), f"{key} must be text, not a JSON {_json_type(value)}")
            return ""
        found = character_problem(value, f"{key}")
        if found is not None:
            _, message, hint, code = found
            self.error((*path, key), message, hint, code)
            return ""
        return value

    def package(self, data: Any) -> Package:
        if not isinstance(data, dict):
            self.error((), f"not a CASE package: the file holds a JSON {_json_type(data)}, not an object",
                       hint=PACKAGE_HINT)
            raise JdgenError(self.out.items)
        document = self.document(data)
        nodes = self.nodes(data)
        associations = self.associations(data)
        self.out.raise_if_errors()
        return Package(self.shown, document, tuple(nodes), tuple(associations), tuple(self.out.warnings))

    def document(self, data: dict[str, Any]) -> DocumentInfo:
        record = data.get("CFDocument")
        path: JsonPath = ("CFDocument",)
        if not isinstance(record, dict):
            self.error(path if record is not None else (),
                       "not a CASE package: no CFDocument" if record is None else "CFDocument must be an object",
                       hint=PACKAGE_HINT)
            raise JdgenError(self.out.items)
        title = " ".join(self.text(record, path, "title").split())
        if not title:
            self.error(path, "the CFDocument has no title", hint="CASE requires a title for every CFDocument")
        url = self.text(record, path, "officialSourceURL")
        return DocumentInfo(
            identifier=self.text(record, path, "identifier"), title=title,
            creator=self.text(record, path, "creator"), publisher=self.text(record, path, "publisher"),
            description=self.text(record, path, "description"), version=self.text(record, path, "version"),
            notes=self.text(record, path, "notes"), official_url=url if url.startswith(("http://", "https://")) else "",
            framework_type=self.text(record, path, "frameworkType"),
            changed=self.text(record, path, "lastChangeDateTime"), extension=_extension(record))

    def _list(self, data: dict[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error((key,), f"{key} must be a list, not a JSON {_json_type(value)}", hint=PACKAGE_HINT)
            return []
        return value

    def nodes(self, data: dict[str, Any]) -> list[Node]:
        items = self._list(data, "CFItems")
        if not items and isinstance(data.get("CFItems", []), list):
            self.error(("CFItems",), "the package has no CFItems: there is nothing to import", hint=PACKAGE_HINT)
        seen: dict[str, int] = {}
        nodes = []
        for index, record in enumerate(items):
            path: JsonPath = ("CFItems", index)
            if not isinstance(record, dict):
                self.error(path, f"CFItems[{index}] must be an object, not a JSON {_json_type(record)}")
                continue
            identifier = self.text(record, path, "identifier")
            before = len(self.out.items)
            statement = " ".join(self.text(record, path, "fullStatement").split())
            bad_statement = len(self.out.items) > before  # not text, or a forbidden character: said already
            code = " ".join(self.text(record, path, "humanCodingScheme").split())
            name = f"CFItem {code or identifier or index}"
            if not identifier:
                self.error(path, f"{name} has no identifier", hint="CASE requires an identifier (a UUID) "
                           "for every CFItem; associations refer to items by it")
            elif identifier in seen:
                self.error((*path, "identifier"), f"{name}: identifier '{identifier}' is used twice "
                           f"(also CFItems[{seen[identifier]}])")
            seen.setdefault(identifier, index)
            if len(statement) < 3 and not bad_statement:
                self.error(path if "fullStatement" not in record else (*path, "fullStatement"),
                           f"{name} has no fullStatement" if not statement
                           else f"{name}: fullStatement '{statement}' is too short (at least 3 characters)",
                           hint="the fullStatement is the item's text; CASE requires it")
            line, col = self.pos(path)
            nodes.append(Node(identifier, statement, code, self.text(record, path, "CFItemType"),
                              " ".join(self.text(record, path, "notes").split()), _extension(record), line, col))
        return nodes

    def associations(self, data: dict[str, Any]) -> list[Association]:
        found = []
        for index, record in enumerate(self._list(data, "CFAssociations")):
            path: JsonPath = ("CFAssociations", index)
            kind = record.get("associationType") if isinstance(record, dict) else None
            ends = [record.get(key) if isinstance(record, dict) else None
                    for key in ("originNodeURI", "destinationNodeURI")]
            if not isinstance(kind, str) or not all(isinstance(e, dict) and isinstance(e.get("identifier"), str)
                                                    for e in ends):
                self.error(path, f"CFAssociations[{index}] is ignored: it needs an associationType and the "
                           "identifier of its originNodeURI and destinationNodeURI", level="warning",
                           code="case-not-kept")
                continue
            origin, destination = ends[0], ends[1]
            assert isinstance(origin, dict) and isinstance(destination, dict)
            sequence = record.get("sequenceNumber")
            line, col = self.pos(path)
            title = destination.get("title")
            found.append(Association(kind, origin["identifier"], destination["identifier"],
                                     title if isinstance(title, str) else "",
                                     sequence if isinstance(sequence, int) and not isinstance(sequence, bool) else None,
                                     _extension(record), line, col))
        return found


def _extension(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """What jdgen wrote under `extensions.jdgen` of a record; empty for other producers' records."""
    extensions = record.get("extensions")
    value = extensions.get(EXTENSION) if isinstance(extensions, dict) else None
    return value if isinstance(value, dict) else {}


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")
