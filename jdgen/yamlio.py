"""Strict YAML loading: safe tags only, no duplicate or merge keys, bounded aliases, positions kept.

PyYAML's composer gives a node graph with 0-based marks; we turn it into plain Python data and
remember the 1-based position of every key and value by its path, so later checks can point at
the exact line and column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import DEFAULT_CODE, Diagnostic, JdgenError, display_path
from .inputfile import MAX_FILE_BYTES, UnreadableFile, read_regular

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]

#: How many nodes aliases may add in one file before we call it an alias bomb.
MAX_ALIAS_EXPANSION = 10_000
#: Deepest nesting of lists and mappings we accept; jdgen's own files need fewer than ten levels.
MAX_DEPTH = 100
#: Nesting libyaml's C composer is known to survive; beyond it the composer (recursive C code) can
#: overflow the stack and kill the process, so deeper files are measured from the event stream first.
_SAFE_COMPOSE_DEPTH = 1000
#: Control characters no text value may hold (C0 but tab and newline, DEL, C1).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: The other characters XML 1.0 (so Word, XLSX and the PDF's HTML) cannot hold: lone surrogates,
#: U+FFFE and U+FFFF.
NONCHARACTERS = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
#: Every character a text value may not hold: CONTROL_CHARS and NONCHARACTERS together.
FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: Unicode's line and paragraph separators are line breaks: loaded text holds "\n" instead.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n"})
#: A flow collection that holds no other collection, quote, comment, tag or line break: it can add
#: at most one level of nesting, so it need not be counted (see _may_nest_deeply).
_SIMPLE_FLOW = re.compile(r"[\[{][^\[\]{}'\"#!\n]*[\]}]")

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_INT = "tag:yaml.org,2002:int"
_PLAIN_TYPES = (str, int, float, bool, type(None))
_COLLECTION_TAGS: dict[type, str] = {yaml.MappingNode: _MAP, yaml.SequenceNode: _SEQ}


@dataclass
class Document:
    """A loaded YAML file: its data and where each value and key came from."""

    path: str
    data: Any
    values: dict[JsonPath, Position] = field(default_factory=dict)
    keys: dict[JsonPath, Position] = field(default_factory=dict)
    #: Top-level keys whose values were set aside as the wrong shape (already reported).
    set_aside: frozenset[str] = frozenset()

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

    def build(self, node: yaml.Node, path: JsonPath, in_alias: bool = False, depth: int = 0) -> Any:
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
            value: str = node.value
            if FORBIDDEN_CHARS.search(value):  # escapes ("\\uFFFF") can make them in any style of value
                self._control(node, value)
                return None
            return line_breaks(value)
        expected = _COLLECTION_TAGS.get(type(node))
        if expected and depth >= MAX_DEPTH:
            raise (_SelfAlias if in_alias and self._cyclic(node) else _TooDeep)(node)
        if expected and tag != expected:
            self._problem(node, f"unsupported tag '{tag}'", "jdgen reads plain YAML values only", code="yaml-tag")
            return None
        if expected == _MAP:
            assert isinstance(node, yaml.MappingNode)
            return self._mapping(node, path, in_alias, depth + 1)
        if expected == _SEQ:
            return [self.build(child, (*path, i), in_alias, depth + 1) for i, child in enumerate(node.value)]
        if tag == _INT and node.value.isdigit() and len(node.value) < 16:  # below 10**15: no checks needed
            return int(node.value)
        return self._scalar(node)

    def _cyclic(self, node: yaml.Node) -> bool:
        """True if `node` contains itself (an alias inside its own anchor)."""
        stack, seen = [node], set()
        while stack:
            current = stack.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            children = current.value if isinstance(current, yaml.SequenceNode) else (
                [v for pair in current.value for v in pair] if isinstance(current, yaml.MappingNode) else [])
            if any(child is node for child in children):
                return True
            stack.extend(children)
        return False

    def _control(self, node: yaml.Node, text: str) -> None:
        problem = character_problem(text)
        if problem is not None:
            _, message, hint, code = problem
            self._problem(node, message, hint, code=code)

    def _mapping(self, node: yaml.MappingNode, path: JsonPath, in_alias: bool,
                 depth: int) -> dict[str, Any]:
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
            if FORBIDDEN_CHARS.search(key):
                self._control(key_node, key)
                continue
            if key in result:
                first = self.doc.keys.get((*path, key), (0, 0))[0]
                self._problem(key_node, f"duplicate key '{key}' (first defined on line {first})",
                              "each key may appear once in a mapping; remove or rename one", code="duplicate-key")
                continue
            key_path = (*path, key)
            self.doc.keys[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, key_path, in_alias, depth)
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag in (_STR, _TIMESTAMP):
            return str(node.value)
        if not node.tag.startswith("tag:yaml.org,2002:"):
            self._problem(node, f"unsupported tag '{node.tag}'", "jdgen reads plain YAML values only", code="yaml-tag")
            return None
        try:
            value = self.scalars.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._problem(node, f"unsupported value: {getattr(exc, 'problem', exc)}")
            return None
        except (ValueError, KeyError, TypeError, OverflowError):
            # e.g. `!!float x`, `!!bool x`, or an integer of thousands of digits
            short = (node.value[:20] + "…") if len(node.value) > 20 else node.value
            self._problem(node, f"'{short}' is not a valid {node.tag.rsplit(':', 1)[-1]}",
                          "write a plain value, or put text in quotes")
            return None
        if not isinstance(value, _PLAIN_TYPES):  # !!binary, !!set and the like
            self._problem(node, f"unsupported tag '{node.tag}'", "jdgen reads plain YAML values only",
                          code="yaml-tag")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self._problem(node, f"'{node.value}' is not a finite number",
                          "give an ordinary number, or put the text in quotes")
            return None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
            self._problem(node, "the number is too large", "give an ordinary number, or put the text in quotes")
            return None
        return value


def character_problem(text: str, where: str = "text", holders: str = "text") -> tuple[int, str, str, str] | None:
    """The first character of `text` that no document can hold, as (index, message, hint, code);
    None when there is none. Tabs and line breaks are fine. `where` names the place in the message
    ("in text", "in a cell"), `holders` in the hint ("text may hold…", "cells may hold…")."""
    found = FORBIDDEN_CHARS.search(text)
    if found is None:
        return None
    name = f"U+{ord(found.group()):04X}"
    if CONTROL_CHARS.match(found.group()):
        return (found.start(), f"control character {name} in {where}",
                f"remove it; {holders} may hold tabs and line breaks but no other control characters",
                "control-character")
    return (found.start(), f"character {name} in {where} cannot be written into a document",
            "remove it; it is not a character of any text, and Word files, spreadsheets and PDFs cannot hold it",
            "noncharacter")


def line_breaks(text: str) -> str:
    """`text` with U+2028 (line separator) and U+2029 (paragraph separator) as ordinary line breaks."""
    return text.translate(_SEPARATORS) if "\u2028" in text or "\u2029" in text else text


class _AliasBomb(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


class _TooDeep(_AliasBomb):
    """A list or mapping nested more than MAX_DEPTH levels deep."""


class _SelfAlias(_AliasBomb):
    """An alias inside the collection it refers to."""


_SYNTAX_HINTS = (
    ("cannot start any token", "\t", "use spaces, not tabs, to indent"),
    ("mapping values are not allowed", "", "a ': ' inside unquoted text starts a new key: put the text in quotes"),
    ("could not find expected ':'", "", "a key needs ': ' after it; if this is text, put it in quotes"),
    ("did not find expected key", "", "check the indentation: keys of one mapping must line up"),
    ("expected <block end>", "", "check the indentation: keys of one mapping must line up"),
    ("did not find expected '-' indicator", "", "check the indentation: items of one list must line up"),
)


def _syntax_hint(message: str, text: str, mark: Any) -> str:
    if "mapping values are not allowed" in message and mark is not None:
        index = getattr(mark, "index", 0)
        before = text[text.rfind("\n", 0, index) + 1:index].strip()
        if re.fullmatch(r"-?\s*[\w-]+", before):  # a lone key at the start of its line: indented wrongly
            return "check the indentation: keys of one mapping must line up"
    for needle, char, hint in _SYNTAX_HINTS:
        if needle in message:
            if char and mark is not None and not _char_at(text, mark).startswith(char):
                continue
            return hint
    return ""


def _char_at(text: str, mark: Any) -> str:
    index = getattr(mark, "index", None)
    return text[index:index + 1] if isinstance(index, int) and 0 <= index < len(text) else ""


def line_col(text: str, index: int) -> Position:
    """1-based line and column of character `index` of `text`."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _may_nest_deeply(text: str) -> bool:
    """False when `text` cannot hold nesting deep enough to endanger the C composer.

    Flow nesting is at most the number of '[' and '{'; block nesting at most twice the number of
    indentation columns (block collections nest only by indenting further), so at most twice the
    longest line. Cheap, and only an upper bound: files above it are measured exactly."""
    longest = max(map(len, text.split("\n")))
    block = 2 * (longest + 1)
    if text.count("[") + text.count("{") + block <= _SAFE_COMPOSE_DEPTH:
        return False
    flow = text.count("[") + text.count("{")
    if flow + block > _SAFE_COMPOSE_DEPTH:
        reduced = _SIMPLE_FLOW.sub("", text)  # each removed pair adds at most one level, counted below
        flow = reduced.count("[") + reduced.count("{") + 1
    return flow + block > _SAFE_COMPOSE_DEPTH


def _too_deep(text: str) -> tuple[int, int] | None:
    """Position of the first list or mapping nested deeper than MAX_DEPTH, read from the event
    stream (libyaml parses without recursion), or None."""
    loader = _Loader(text)
    depth = 0
    try:
        while True:
            event = loader.get_event()
            if event is None:
                return None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                mark = event.start_mark
                if depth > MAX_DEPTH:
                    return (mark.line + 1, mark.column + 1) if mark else (1, 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        if "maximum nesting depth" in str(exc):
            # PyYAML >= 6.0.4 refuses 1,000 levels itself, while scanning ahead of the first event
            # we could count: find our limit in the text instead, so the message is jdgen's.
            return _flow_too_deep(text) or _mark_position(getattr(exc, "problem_mark", None))
        return None  # the real parse reports it, with its position
    finally:
        loader.dispose()


def _mark_position(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _flow_too_deep(text: str) -> tuple[int, int] | None:
    """Position of the first '[' or '{' opened more than MAX_DEPTH levels deep, counting brackets
    outside quotes and comments; used only once the parser has refused the nesting itself."""
    depth, quote = 0, ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
            continue
        if char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t\n"):
            end = text.find("\n", index)
            if end < 0:
                return None
            quote = "\n"  # skip to the end of the comment line
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line_col(text, index)
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


def _depth_problem(path: str, line: int, col: int) -> Diagnostic:
    return Diagnostic(path, line, col, f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                      hint="jdgen files need only a few levels; look for unbalanced '[' or '{'",
                      code="yaml-too-deep")


def parse_text(text: str, path: str) -> tuple[Document | None, list[Diagnostic]]:
    """Parse YAML text into a Document; problems are returned, never raised."""
    doc = Document(path=path, data=None)
    surrogate = _SURROGATE.search(text)  # only text handed over as str can hold one (the web app)
    if surrogate is not None:
        problem = character_problem(surrogate.group())
        assert problem is not None
        return None, [Diagnostic(path, *line_col(text, surrogate.start()), problem[1], hint=problem[2],
                                 code=problem[3])]
    if _may_nest_deeply(text):
        deep = _too_deep(text)
        if deep is not None:
            return None, [_depth_problem(path, *deep)]
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
        hint = _syntax_hint(message, text, exc.problem_mark)
        return None, [Diagnostic(path, line, col, f"YAML syntax: {message}", hint=hint, code="yaml-syntax")]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. NUL
        line, col = line_col(text, exc.position)
        return None, [Diagnostic(path, line, col, f"character U+{exc.character:04X} is not allowed in YAML"
                                 if isinstance(exc.character, int) else f"YAML syntax: {exc.reason}",
                                 hint="remove it; the file may be damaged or not a text file", code="encoding")]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(path, 0, 0, f"YAML syntax: {exc}", code="yaml-syntax")]
    if node is None:
        return doc, [Diagnostic(path, 1, 1, "the file is empty", code="empty-file")]
    builder = _Builder(doc)
    try:
        doc.data = builder.build(node, ())
    except _SelfAlias as cycle:
        return None, [Diagnostic(path, *builder._pos(cycle.node), "an alias refers to the list or mapping "
                                 "that holds it", hint="write the values out instead",
                                 code="yaml-alias-limit")]
    except _TooDeep as deep:
        return None, [_depth_problem(path, *builder._pos(deep.node))]
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
        raw = read_regular(path, MAX_FILE_BYTES)  # a pipe or device is refused before any reading
        text = raw.decode("utf-8")
    except UnreadableFile as exc:
        return None, [Diagnostic(shown, 0, 0, exc.message, code=exc.code)]
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        return None, [Diagnostic(shown, line, col, f"not UTF-8 text ({exc.reason})",
                                 hint="save the file as UTF-8 in your editor", code="encoding")]
    return parse_text(text, shown)


def load_strict(path: Path) -> Document:
    """Load one file, raising JdgenError if it has any problem."""
    doc, problems = load_file(path)
    if problems or doc is None:
        raise JdgenError(problems)
    return doc

