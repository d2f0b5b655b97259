"""Strict YAML loading: tiny snippets, exact 1-based positions, exact messages."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from jdgen.errors import Diagnostic
from jdgen.yamlio import MAX_ALIAS_EXPANSION, Document, load_file, load_strict, parse_text

DUP_HINT = "each key may appear once in a mapping; remove or rename one"


def parse(text: str) -> tuple[Document | None, list[tuple[int, int, str]]]:
    """Parse `text` as t.yaml; problems as (line, col, message) for compact asserts."""
    doc, problems = parse_text(text, "t.yaml")
    assert all(d.path == "t.yaml" and d.level == "error" for d in problems)
    return doc, [(d.line, d.col, d.message) for d in problems]


# --- duplicate keys -----------------------------------------------------------------------------


def test_duplicate_key_points_at_the_second_key() -> None:
    doc, problems = parse_text("a: 1\nb: 2\na: 3\n", "t.yaml")
    assert problems == [Diagnostic("t.yaml", 3, 1, "duplicate key 'a' (first defined on line 1)",
                                   hint=DUP_HINT)]
    assert doc is not None
    assert doc.data == {"a": 1, "b": 2}  # the first value is kept, the duplicate is not silently used


def test_duplicate_key_in_nested_mapping() -> None:
    _, problems = parse("top:\n  x: 1\n  y: 2\n  x: 3\n")
    assert problems == [(4, 3, "duplicate key 'x' (first defined on line 2)")]


def test_duplicate_key_in_flow_mapping() -> None:
    _, problems = parse("a: {x: 1, x: 2}\n")
    assert problems == [(1, 11, "duplicate key 'x' (first defined on line 1)")]


def test_duplicate_key_after_implicit_conversion() -> None:
    # 1 and '1' are the same key once jdgen turns keys into text.
    _, problems = parse("1: a\n'1': b\n")
    assert problems == [(2, 1, "duplicate key '1' (first defined on line 1)")]


def test_same_key_in_sibling_mappings_is_fine() -> None:
    doc, problems = parse("- id: A1\n- id: A2\n")
    assert problems == []
    assert doc is not None and doc.data == [{"id": "A1"}, {"id": "A2"}]


def test_every_duplicate_is_reported() -> None:
    _, problems = parse("a: 1\na: 2\nb:\n  c: 1\n  c: 2\n")
    assert problems == [(2, 1, "duplicate key 'a' (first defined on line 1)"),
                        (5, 3, "duplicate key 'c' (first defined on line 4)")]


# --- merge keys, tags ---------------------------------------------------------------------------


def test_merge_key_rejected() -> None:
    doc, problems = parse_text("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "t.yaml")
    assert problems == [Diagnostic("t.yaml", 3, 3, "merge keys (<<) are not supported",
                                   hint="write the keys out in full; jdgen files stay explicit")]
    assert doc is not None
    assert doc.data["other"] == {"y": 2}  # nothing merged in


def test_python_tag_on_scalar_rejected() -> None:
    doc, problems = parse("a: !!python/name:os.system ''\n")
    assert problems == [(1, 4, "unsupported value: could not determine a constructor for the tag "
                               "'tag:yaml.org,2002:python/name:os.system'")]
    assert doc is not None and doc.data == {"a": None}


def test_python_object_tag_on_mapping_rejected() -> None:
    _, problems = parse("a: !!python/object:os.system\n  x: 1\n")
    assert [(line, col) for line, col, _ in problems] == [(1, 4)]
    assert "unsupported tag" in problems[0][2]


def test_python_object_apply_tag_on_sequence_rejected() -> None:
    _, problems = parse("a: !!python/object/apply:os.system ['ls']\n")
    assert len(problems) == 1
    assert problems[0][:2] == (1, 4)


def test_local_tag_on_scalar_rejected() -> None:
    doc, problems = parse_text("a: 1\nb: !custom 5\n", "t.yaml")
    assert problems == [Diagnostic("t.yaml", 2, 4, "unsupported tag '!custom'",
                                   hint="jdgen reads plain YAML values only")]
    assert doc is not None and doc.data == {"a": 1, "b": None}


def test_standard_tags_still_work() -> None:
    doc, problems = parse("a: !!str 5\nb: !!int '7'\n")
    assert problems == []
    assert doc is not None and doc.data == {"a": "5", "b": 7}


def test_non_scalar_key_rejected() -> None:
    _, problems = parse("? [a, b]\n: 1\n")
    assert problems == [(1, 3, "a mapping key must be a plain value, not a list or mapping")]


# --- syntax errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("a: 1\n b: 2\n", 2, 3, "YAML syntax: mapping values are not allowed in this context"),
    ("items:\n  - id: A1\n    kind: duty\n     text: x\n", 4, 10,
     "YAML syntax: mapping values are not allowed in this context"),
    ("a: [1, 2\n", 2, 1, "YAML syntax: while parsing a flow sequence, did not find expected ',' or ']'"),
    ("a:\n\tb: 1\n", 2, 1,
     "YAML syntax: while scanning for the next token, found character that cannot start any token"),
    ('key: "unterminated\n', 2, 1, "YAML syntax: while scanning a quoted scalar, found unexpected end of stream"),
    ("a: 1\n---\nb: 2\n", 2, 1,
     "YAML syntax: expected a single document in the stream, but found another document"),
])
def test_syntax_error_position(text: str, line: int, col: int, message: str) -> None:
    doc, problems = parse(text)
    assert doc is None
    assert problems == [(line, col, message)]


# --- aliases ------------------------------------------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghijklmnopqrstuvwxyz"
    for prev, name in itertools.pairwise(names[:levels]):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_refused() -> None:
    # 9 levels of 9 aliases: 9**9 strings once expanded. It must fail early, not expand.
    doc, problems = parse_text(billion_laughs(9), "bomb.yaml")
    assert doc is None
    assert len(problems) == 1
    assert problems[0].message == f"aliases expand to more than {MAX_ALIAS_EXPANSION} nodes"
    assert "alias bomb" in problems[0].hint
    assert problems[0].line == 1  # it is found while expanding the first anchored list


def test_small_aliases_are_allowed() -> None:
    doc, problems = parse("a: &x [1, 2]\nb: *x\nc: *x\n")
    assert problems == []
    assert doc is not None and doc.data == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}


@pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x\n  b: *x\n"])
def test_self_referencing_alias(text: str) -> None:
    doc, problems = parse(text)
    assert doc is None
    assert len(problems) == 1
    assert "alias" in problems[0][2]


# --- empty files, scalars -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_empty_file(text: str) -> None:
    doc, problems = parse(text)
    assert problems == [(1, 1, "the file is empty")]
    assert doc is None or doc.data is None


def test_timestamps_stay_strings() -> None:
    doc, problems = parse("d: 2001-12-14\nt: 2001-12-14t21:59:43.10-05:00\nv: '2024'\n")
    assert problems == []
    assert doc is not None
    assert doc.data == {"d": "2001-12-14", "t": "2001-12-14t21:59:43.10-05:00", "v": "2024"}


def test_plain_scalars_keep_yaml_types() -> None:
    doc, _ = parse("i: 5\nf: 1.5\nb: true\nn: null\ns: '5'\n")
    assert doc is not None
    assert doc.data == {"i": 5, "f": 1.5, "b": True, "n": None, "s": "5"}


# --- positions ----------------------------------------------------------------------------------

NESTED = """\
# comment
name: top
items:
  - id: A1
    text: hello
    links:
      ksf: {Core1: 2}
      esc: [ESC1, ESC2]
  - id: A2
    text: >-
      folded
      text
"""


@pytest.fixture
def nested() -> Document:
    doc, problems = parse_text(NESTED, "n.yaml")
    assert problems == []
    assert doc is not None
    return doc


@pytest.mark.parametrize(("path", "key", "expected"), [
    ((), False, (2, 1)),                                       # root mapping starts after the comment
    (("name",), False, (2, 7)),
    (("name",), True, (2, 1)),
    (("items",), True, (3, 1)),
    (("items",), False, (4, 3)),                               # the first "-"
    (("items", 0), False, (4, 5)),
    (("items", 0, "id"), False, (4, 9)),
    (("items", 0, "id"), True, (4, 5)),
    (("items", 0, "links", "ksf"), True, (7, 7)),
    (("items", 0, "links", "ksf"), False, (7, 12)),
    (("items", 0, "links", "ksf", "Core1"), True, (7, 13)),
    (("items", 0, "links", "ksf", "Core1"), False, (7, 20)),
    (("items", 0, "links", "esc", 1), False, (8, 19)),
    (("items", 1, "text"), True, (10, 5)),
    (("items", 1, "text"), False, (10, 11)),
])
def test_positions(nested: Document, path: tuple[str | int, ...], key: bool,
                   expected: tuple[int, int]) -> None:
    assert nested.at(path, key=key) == expected


def test_unknown_path_falls_back_to_nearest_ancestor(nested: Document) -> None:
    assert nested.at(("items", 0, "missing")) == (4, 5)
    assert nested.at(("items", 0, "missing"), key=True) == (4, 5)
    assert nested.at(("items", 7, "x")) == (4, 3)
    assert nested.at(("nope",)) == (2, 1)


def test_diag_uses_position(nested: Document) -> None:
    d = nested.diag(("items", 0, "links", "esc", 1), "unknown esc id", hint="did you mean 'ESC1'?")
    assert d.format() == "n.yaml:8:19: error: unknown esc id\n  hint: did you mean 'ESC1'?"


# --- Diagnostic, files --------------------------------------------------------------------------


def test_diagnostic_format() -> None:
    assert Diagnostic("a.yaml", 3, 5, "bad").format() == "a.yaml:3:5: error: bad"
    assert Diagnostic("a.yaml", 3, 0, "bad").format() == "a.yaml:3:1: error: bad"
    assert Diagnostic("a.yaml", 0, 0, "bad").format() == "a.yaml: error: bad"
    assert Diagnostic("a.yaml", 1, 2, "w", "warning", "h").format() == "a.yaml:1:2: warning: w\n  hint: h"


def test_load_file_shows_path_relative_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.yaml").write_text("a: 1\na: 2\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    doc, problems = load_file(tmp_path / "sub" / "x.yaml")
    assert doc is not None
    assert [d.format().splitlines()[0] for d in problems] == [
        "sub/x.yaml:2:1: error: duplicate key 'a' (first defined on line 1)"]


def test_load_file_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "latin.yaml").write_bytes("a: caf\xe9\n".encode("latin-1"))
    monkeypatch.chdir(tmp_path)
    doc, problems = load_file(tmp_path / "latin.yaml")
    assert doc is None
    assert [d.format() for d in problems] == ["latin.yaml:1:7: error: not UTF-8 text (invalid continuation byte)\n"
                                              "  hint: save the file as UTF-8 in your editor"]


def test_load_file_not_utf8_counts_lines_and_characters(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_bytes("a: b\nc: d\u00e9\xff\n".encode("utf-8").replace(b"\xc3\xbf", b"\xff"))
    _, problems = load_file(tmp_path / "x.yaml")
    assert [(d.line, d.col) for d in problems] == [(2, 6)]  # é is one column, not two bytes


def test_load_strict_raises_with_every_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jdgen.errors import JdgenError

    (tmp_path / "x.yaml").write_text("b: 1\nb: 2\na: !x 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(JdgenError) as info:
        load_strict(tmp_path / "x.yaml")
    assert [(d.line, d.col) for d in info.value.diagnostics] == [(2, 1), (3, 4)]
    assert info.value.exit_code == 1


# --- values that are not values (issue 11 §2) -----------------------------------------------------

HINT_PLAIN = "write a plain value, or put text in quotes"


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("title: " + "1" * 4301 + "\n", 1, 8, "'11111111111111111111…' is not a valid int"),
    ("title: " + "1" * 30 + "\n", 1, 8, "the number is too large"),
    ("a: !!float x\n", 1, 4, "'x' is not a valid float"),
    ("a: !!int x\n", 1, 4, "'x' is not a valid int"),
    ("a: !!bool x\n", 1, 4, "'x' is not a valid bool"),
    ("a: .nan\n", 1, 4, "'.nan' is not a finite number"),
    ("a:\n  - -.inf\n", 2, 5, "'-.inf' is not a finite number"),
    ("a: !!binary aGVsbG8=\n", 1, 4, "unsupported tag 'tag:yaml.org,2002:binary'"),
    ('title: "x\\x01y"\n', 1, 8, "control character U+0001 in text"),
    ('a: ["ok", "bell\\a"]\n', 1, 11, "control character U+0007 in text"),
    ('"k\\x85": 1\n', 1, 1, "control character U+0085 in text"),
    ("a: b\nc: d\x00e\n", 2, 5, "character U+0000 is not allowed in YAML"),
])
def test_bad_values_are_positioned_errors(text: str, line: int, col: int, message: str) -> None:
    _, problems = parse(text)
    assert problems == [(line, col, message)]


def test_tab_and_newline_in_text_are_fine() -> None:
    doc, problems = parse('a: "one\\ttwo\\nthree"\n')
    assert problems == []
    assert doc is not None and doc.data == {"a": "one\ttwo\nthree"}


@pytest.mark.parametrize(("text", "hint"), [
    ("a:\n\tb: 1\n", "use spaces, not tabs, to indent"),
    ("summary: Works with: people\n", "a ': ' inside unquoted text starts a new key: put the text in quotes"),
    ("a:\n  b: 1\n c: 2\n", "check the indentation: keys of one mapping must line up"),
])
def test_syntax_errors_have_hints(text: str, hint: str) -> None:
    _, problems = parse_text(text, "t.yaml")
    assert [p.hint for p in problems] == [hint]


@pytest.mark.parametrize("text", [
    "[" * 101 + "]" * 101,
    "a: " + "{b: " * 101 + "1" + "}" * 101,
    "- " * 101 + "x",
    "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 102)) + "  " * 102 + "x",
])
def test_nesting_deeper_than_the_limit_is_refused(text: str) -> None:
    doc, problems = parse(text + "\n")
    assert doc is None
    assert [m for _, _, m in problems] == ["lists and mappings are nested more than 100 levels deep"]


def test_nesting_at_the_limit_is_fine() -> None:
    doc, problems = parse("[" * 100 + "]" * 100 + "\n")
    assert problems == [] and doc is not None


def test_huge_nesting_is_refused_before_composing() -> None:
    # 25,000 levels crash libyaml's recursive composer (exit 139); the pre-scan must catch it.
    doc, problems = parse("[" * 25_000 + "]" * 25_000 + "\n")
    assert doc is None
    assert problems == [(1, 101, "lists and mappings are nested more than 100 levels deep")]


def test_quoted_brackets_do_not_count_as_nesting() -> None:
    doc, problems = parse("a: '" + "[" * 2000 + "'\n")
    assert problems == [] and doc is not None


def test_misindented_key_gets_the_indentation_hint() -> None:
    _, problems = parse_text("items:\n  - id: A1\n    kind: duty\n     text: x\n", "t.yaml")
    assert [p.hint for p in problems] == ["check the indentation: keys of one mapping must line up"]
