"""`jdgen validate` and usage errors, through the real click entry point (and once as a process)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

FixtureDir = Callable[[str], Path]
Invoke = Callable[..., Result]

SEQ = "  hint: items of cluster {0} are numbered {0}1, {0}2, … in order"

# fixture → the exact stderr of `jdgen --workspace FIXTURE validate`, run inside FIXTURE
STDERR = {
    "bad-yaml": """\
clusters/local/ld.yaml:7:10: error: YAML syntax: mapping values are not allowed in this context
  hint: check the indentation: keys of one mapping must line up
1 error(s), 0 warning(s)
""",
    "dup-key": """\
clusters/local/ld.yaml:8:5: error: duplicate key 'kind' (first defined on line 6)
  hint: each key may appear once in a mapping; remove or rename one
1 error(s), 0 warning(s)
""",
    "schema-missing-key": """\
clusters/local/ld.yaml:2:1: error: missing required key 'title'
1 error(s), 0 warning(s)
""",
    "schema-wrong-type": """\
clusters/local/ld.yaml:6:11: error: items[0].kind must be one of: duty, ability, knowledge; got the number 5
clusters/local/ld.yaml:12:20: error: items[1].links.ksf.Core1 must be a whole number, not the text 'high'
2 error(s), 0 warning(s)
""",
    "unknown-key": """\
clusters/local/ld.yaml:4:1: error: unknown key 'descripton'
  hint: did you mean 'description'?
1 error(s), 0 warning(s)
""",
    "out-of-sequence": f"""\
clusters/local/ld.yaml:8:9: error: item id 'LD3' is out of sequence: expected 'LD2'
{SEQ.format("LD")}
1 error(s), 0 warning(s)
""",
    "duplicate-item-id": f"""\
clusters/local/02-le.yaml:8:9: error: duplicate item id 'LD1' in framework 'local' (also in clusters/local/01-ld.yaml)
clusters/local/02-le.yaml:8:9: error: item id 'LD1' is out of sequence: expected 'LE2'
{SEQ.format("LE")}
2 error(s), 0 warning(s)
""",
    "unknown-link": """\
clusters/local/ld.yaml:9:13: error: unknown ksf id 'Core7'
  hint: did you mean 'Core6'?
clusters/local/ld.yaml:10:19: error: unknown esc id 'ESC11'
  hint: did you mean 'ESC1'?
2 error(s), 0 warning(s)
""",
    "ksf-level-range": """\
clusters/local/ld.yaml:9:20: error: items[0].links.ksf.Core1 must be at most 4; got 5
1 error(s), 0 warning(s)
""",
    "unknown-framework": """\
clusters/local/ld.yaml:1:12: error: unknown framework 'locale'
  hint: did you mean 'local'?
1 error(s), 0 warning(s)
""",
    "shadow-bundled": """\
frameworks/esc.yaml:2:5: error: framework 'esc' shadows the bundled framework of that id
  hint: add 'override: true' to replace it, or choose another id
1 error(s), 0 warning(s)
""",
    "alias-bomb": """\
clusters/local/ld.yaml:4:57: error: aliases expand to more than 10000 nodes
  hint: this looks like an alias bomb; write the values out instead
1 error(s), 0 warning(s)
""",
    "two-files": """\
clusters/local/01-ld.yaml:6:11: error: items[0].kind must be one of: duty, ability, knowledge; got the text 'dutty'
  hint: did you mean 'duty'?
clusters/local/02-le.yaml:9:13: error: unknown esc id 'ESC0'
  hint: did you mean 'ESC10'?
2 error(s), 0 warning(s)
""",
}


@pytest.mark.parametrize("name", sorted(STDERR))
def test_validate_bad_workspace(name: str, jdgen: Invoke, fixture_dir: FixtureDir,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = fixture_dir(name)
    monkeypatch.chdir(workspace)
    result = jdgen("--workspace", str(workspace), "validate")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == STDERR[name]


def test_all_errors_of_a_run_are_reported_together(jdgen: Invoke, fixture_dir: FixtureDir,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_dir("two-files"))
    result = jdgen("validate")  # the workspace defaults to the current folder
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [line.split(": error: ")[0] for line in errors] == ["clusters/local/01-ld.yaml:6:11",
                                                              "clusters/local/02-le.yaml:9:13"]


def test_workspace_from_environment(jdgen: Invoke, fixture_dir: FixtureDir,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = fixture_dir("unknown-key")
    monkeypatch.chdir(workspace)
    result = jdgen("validate", env={"JDGEN_WORKSPACE": str(workspace)})
    assert result.exit_code == 1
    assert result.stderr == STDERR["unknown-key"]


def test_paths_outside_cwd_are_shown_in_full(jdgen: Invoke, fixture_dir: FixtureDir,
                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    workspace = fixture_dir("dup-key")
    monkeypatch.chdir(tmp_path)
    result = jdgen("--workspace", str(workspace), "validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (f"{workspace / 'clusters/local/ld.yaml'}:8:5: error: "
                                             "duplicate key 'kind' (first defined on line 6)")


def test_named_file_inside_workspace_is_reported_once(jdgen: Invoke, fixture_dir: FixtureDir,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_dir("out-of-sequence"))
    result = jdgen("validate", "clusters/local/ld.yaml")
    assert result.exit_code == 1
    assert result.stderr == STDERR["out-of-sequence"]


def test_named_alias_bomb_outside_workspace(jdgen: Invoke, fixture_dir: FixtureDir,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # The bomb is named on the command line while the workspace is the (empty) fixtures folder.
    root = fixture_dir("alias-bomb").parent
    monkeypatch.chdir(root)
    result = jdgen("validate", "alias-bomb/clusters/local/ld.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == \
        "alias-bomb/clusters/local/ld.yaml:4:57: error: aliases expand to more than 10000 nodes"


@pytest.mark.parametrize(("name", "summary"), [
    ("good", "ok: 15 frameworks, 486 items\n"),
    ("override-bundled", "ok: 14 frameworks, 364 items\n"),
])
def test_validate_good_workspace(name: str, summary: str, jdgen: Invoke, fixture_dir: FixtureDir,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = fixture_dir(name)
    monkeypatch.chdir(workspace)
    for args in (("validate",), ("validate", "--strict")):
        result = jdgen("--workspace", str(workspace), *args)
        assert (result.exit_code, result.stdout, result.stderr) == (0, summary, "")


def test_good_workspace_items_are_listed(jdgen: Invoke, fixture_dir: FixtureDir,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_dir("good"))
    result = jdgen("list", "items", "--framework", "local-duties", "--cluster", "A&D", "--format", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert [(r["id"], r["label"], r["kind"]) for r in records] == [
        ("AD1", "A&D 1", "duty"), ("AD2", "A&D 2", "knowledge"), ("AD3", "A&D 3", "duty")]
    assert records[0]["sub"] == [
        {"id": "AD1a", "parent": "AD1", "kind": "duty", "text": "Check the room has enough chairs."},
        {"id": "AD1b", "parent": "AD1", "kind": "duty", "text": "Confirm the booking by email."}]
    assert records[1]["links"] == [{"framework": "ksf", "id": "IK1", "level": 1},
                                   {"framework": "esc", "id": "ESC3"}]


def test_validate_as_a_process_has_no_traceback(fixture_dir: FixtureDir) -> None:
    workspace = fixture_dir("two-files")
    proc = subprocess.run([sys.executable, "-m", "jdgen", "--workspace", ".", "validate"], cwd=workspace,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert proc.stderr == STDERR["two-files"]


# --- usage errors: exit 2 -----------------------------------------------------------------------


def test_unknown_option(jdgen: Invoke) -> None:
    result = jdgen("validate", "--bogus")
    assert result.exit_code == 2
    assert "Error: No such option '--bogus'." in result.stderr


def test_missing_path(jdgen: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = jdgen("validate", "nothing-here.yaml")
    assert result.exit_code == 2
    assert "'nothing-here.yaml' does not exist" in result.stderr


def test_unknown_list_kind(jdgen: Invoke) -> None:
    result = jdgen("list", "things")
    assert result.exit_code == 2
    assert "'things' is not one of 'frameworks', 'clusters', 'items'" in result.stderr


@pytest.mark.parametrize(("given", "meant"), [("iapt", "iapt-li"), ("IPS", "ips"), ("ksff", "ksf")])
def test_unknown_framework_suggests(given: str, meant: str, jdgen: Invoke, tmp_path: Path) -> None:
    result = jdgen("--workspace", str(tmp_path), "list", "items", "--framework", given)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (f"Error: Invalid value for '--framework' / '-F': unknown framework "
                                              f"'{given}'; did you mean '{meant}'?")


def test_unknown_framework_without_near_name(jdgen: Invoke, tmp_path: Path) -> None:
    result = jdgen("--workspace", str(tmp_path), "list", "items", "--framework", "nope")
    assert result.exit_code == 2
    assert "unknown framework 'nope'" in result.stderr


def test_unknown_framework_without_near_name_lists_known(jdgen: Invoke, tmp_path: Path) -> None:
    result = jdgen("--workspace", str(tmp_path), "list", "items", "--framework", "nope")
    assert "iapt-li" in result.stderr


def test_unknown_cluster_is_a_usage_error(jdgen: Invoke, tmp_path: Path) -> None:
    result = jdgen("--workspace", str(tmp_path), "list", "items", "--framework", "iapt-li", "--cluster", "CBB")
    assert result.exit_code == 2
    assert "did you mean 'CB'?" in result.stderr


def test_list_with_broken_workspace_exits_1(jdgen: Invoke, fixture_dir: FixtureDir,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_dir("unknown-link"))
    result = jdgen("list", "frameworks")
    assert result.exit_code == 1
    assert result.stderr == """\
clusters/local/ld.yaml:9:13: error: unknown ksf id 'Core7'
  hint: did you mean 'Core6'?
clusters/local/ld.yaml:10:19: error: unknown esc id 'ESC11'
  hint: did you mean 'ESC1'?
2 error(s), 0 warning(s)
"""
