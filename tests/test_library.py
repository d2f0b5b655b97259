"""discover → check_library → Library, on the fixture workspaces (tests/fixtures/<name>/)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from jdgen.errors import JdgenError
from jdgen.library import bundled_root, check_library, discover, load_library

FixtureDir = Callable[[str], Path]

SEQ_HINT = "items of cluster {0} are numbered {0}1, {0}2, … in order"

# fixture → every diagnostic as (path, line, col, message, hint), in the order reported
EXPECTED: dict[str, list[tuple[str, int, int, str, str]]] = {
    "bad-yaml": [
        ("clusters/local/ld.yaml", 7, 10, "YAML syntax: mapping values are not allowed in this context",
         "check the indentation: keys of one mapping must line up"),
    ],
    "dup-key": [
        ("clusters/local/ld.yaml", 8, 5, "duplicate key 'kind' (first defined on line 6)",
         "each key may appear once in a mapping; remove or rename one"),
    ],
    "schema-missing-key": [
        ("clusters/local/ld.yaml", 2, 1, "missing required key 'title'", ""),
    ],
    "schema-wrong-type": [
        ("clusters/local/ld.yaml", 6, 11,
         "items[0].kind must be one of: duty, ability, knowledge; got the number 5", ""),
        ("clusters/local/ld.yaml", 12, 20, "items[1].links.ksf.Core1 must be a whole number, not the text 'high'", ""),
    ],
    "unknown-key": [
        ("clusters/local/ld.yaml", 4, 1, "unknown key 'descripton'", "did you mean 'description'?"),
    ],
    "out-of-sequence": [
        ("clusters/local/ld.yaml", 8, 9, "item id 'LD3' is out of sequence: expected 'LD2'",
         SEQ_HINT.format("LD")),
    ],
    "duplicate-item-id": [
        ("clusters/local/02-le.yaml", 8, 9,
         "duplicate item id 'LD1' in framework 'local' (also in clusters/local/01-ld.yaml)", ""),
        ("clusters/local/02-le.yaml", 8, 9, "item id 'LD1' is out of sequence: expected 'LE2'",
         SEQ_HINT.format("LE")),
    ],
    "unknown-link": [
        ("clusters/local/ld.yaml", 9, 13, "unknown ksf id 'Core7'", "did you mean 'Core6'?"),
        ("clusters/local/ld.yaml", 10, 19, "unknown esc id 'ESC11'", "did you mean 'ESC1'?"),
    ],
    "ksf-level-range": [
        ("clusters/local/ld.yaml", 9, 20, "items[0].links.ksf.Core1 must be at most 4; got 5", ""),
    ],
    "unknown-framework": [
        ("clusters/local/ld.yaml", 1, 12, "unknown framework 'locale'", "did you mean 'local'?"),
    ],
    "shadow-bundled": [
        ("frameworks/esc.yaml", 2, 5, "framework 'esc' shadows the bundled framework of that id",
         "add 'override: true' to replace it, or choose another id"),
    ],
    "alias-bomb": [
        ("clusters/local/ld.yaml", 4, 57, "aliases expand to more than 10000 nodes",
         "this looks like an alias bomb; write the values out instead"),
    ],
    "two-files": [
        ("clusters/local/01-ld.yaml", 6, 11,
         "items[0].kind must be one of: duty, ability, knowledge; got the text 'dutty'", "did you mean 'duty'?"),
        ("clusters/local/02-le.yaml", 9, 13, "unknown esc id 'ESC0'", "did you mean 'ESC10'?"),
    ],
}


def check(workspace: Path) -> list[tuple[str, int, int, str, str]]:
    _, problems = check_library(discover(workspace))
    assert all(d.level == "error" for d in problems)
    return [(d.path, d.line, d.col, d.message, d.hint) for d in sorted(problems)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_workspace(name: str, fixture_dir: FixtureDir, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = fixture_dir(name)
    monkeypatch.chdir(workspace)
    assert check(workspace) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_library_raises_with_every_error(name: str, fixture_dir: FixtureDir,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = fixture_dir(name)
    monkeypatch.chdir(workspace)
    with pytest.raises(JdgenError) as info:
        load_library(workspace)
    assert [(d.path, d.line, d.col) for d in info.value.diagnostics] == [e[:3] for e in EXPECTED[name]]
    assert info.value.exit_code == 1


def test_ksf_level_out_of_range_names_the_level(fixture_dir: FixtureDir,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = fixture_dir("ksf-level-range")
    monkeypatch.chdir(workspace)
    [(path, line, col, message, _)] = check(workspace)
    assert (path, line, col) == ("clusters/local/ld.yaml", 9, 20)  # the 5 in `ksf: {Core1: 5}`
    assert "5" in message


def test_bundled_library_is_clean() -> None:
    library, problems = check_library(discover(None))
    assert problems == []
    assert sorted(library.frameworks) == ["esc", "iapt-apprenticeship", "iapt-employment", "iapt-hi",
                                          "iapt-leadership", "iapt-li", "iapt-step3", "iapt-supervision",
                                          "iapt-supervisor", "iapt-support", "ips", "ips-leadership", "ksf", "nos"]
    assert all(fw.origin == "bundled" for fw in library.frameworks.values())


def test_source_tree_as_workspace_is_not_loaded_twice() -> None:
    library = load_library(bundled_root())
    assert len(library.frameworks["iapt-li"].all_items()) == 119


def test_good_workspace_adds_its_framework(fixture_dir: FixtureDir, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = fixture_dir("good")
    monkeypatch.chdir(workspace)
    library = load_library(workspace)
    assert len(library.frameworks) == 15  # the 14 bundled frameworks and the workspace's own
    fw = library.frameworks["local-duties"]
    assert (fw.kind, fw.origin, fw.version) == ("duties", "workspace", "1.0")
    assert fw.provenance.authored == "Every cluster and item."
    assert [c.code for c in fw.clusters] == ["FD", "AD"]
    assert [c.shown_code for c in fw.clusters] == ["FD", "A&D"]
    assert [c.required for c in fw.clusters] == [True, False]
    assert [i.id for i in fw.all_items()] == ["FD1", "FD2", "AD1", "AD2", "AD3"]
    ad1 = library.item("local-duties", "AD1")
    assert ad1 is not None
    assert [(s.id, s.parent, s.kind) for s in ad1.sub] == [("AD1a", "AD1", "duty"), ("AD1b", "AD1", "duty")]
    assert library.item("local-duties", "AD1b") == ad1.sub[1]
    fd1 = library.item("local-duties", "FD1")
    assert fd1 is not None
    assert [(lk.framework, lk.target, lk.level) for lk in fd1.links] == [("ksf", "Core1", 1), ("esc", "ESC1", None)]
    assert fd1.source.path == "clusters/local-duties/01-front-desk.yaml"
    assert (fd1.source.line, fd1.source.col) == (6, 5)
    # the bundled frameworks are untouched
    assert len(library.frameworks["iapt-li"].all_items()) == 119


def test_override_replaces_bundled_framework(fixture_dir: FixtureDir, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = fixture_dir("override-bundled")
    monkeypatch.chdir(workspace)
    library = load_library(workspace)
    fw = library.frameworks["iapt-li"]
    assert (fw.origin, fw.title) == ("workspace", "Our own low-intensity duties")
    # the bundled iapt-li clusters are dropped with the bundled header
    assert [i.id for i in fw.all_items()] == ["LI1", "LI2"]
    assert library.item("iapt-li", "C1") is None
    assert library.frameworks["ips"].origin == "bundled"


def test_errors_in_several_files_are_all_reported(fixture_dir: FixtureDir,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = fixture_dir("two-files")
    monkeypatch.chdir(workspace)
    assert {path for path, *_ in check(workspace)} == {"clusters/local/01-ld.yaml", "clusters/local/02-le.yaml"}


def test_extra_cluster_file_is_classified(fixture_dir: FixtureDir, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    # A cluster file named on the command line, outside any workspace folder, joins its framework.
    extra = tmp_path / "extra.yaml"
    extra.write_text("framework: local-duties\ncode: EX\ntitle: Extra\nitems:\n"
                     "  - id: EX1\n    kind: duty\n    text: Lock up at night.\n", encoding="utf-8")
    workspace = fixture_dir("good")
    monkeypatch.chdir(workspace)
    library, problems = check_library(discover(workspace, [extra]))
    assert problems == []
    assert [c.code for c in library.frameworks["local-duties"].clusters] == ["FD", "AD", "EX"]
