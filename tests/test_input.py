"""Bad input files through the real CLI: each gives positioned messages and exit 1, never a crash
or a traceback (issue 11, §2 and §5)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, Invoke

INPUT = FIXTURES / "input"
EXAMPLES = Path(__file__).parent.parent / "examples" / "posts"
DEEP = "lists and mappings are nested more than 100 levels deep"


@pytest.fixture
def here(tmp_path: Path) -> Path:
    """An empty workspace as the current folder."""
    old = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path  # type: ignore[misc]
    os.chdir(old)


def _no_traceback(output: str) -> None:
    assert "Traceback" not in output
    assert "internal error" not in output


# --- §2 too-deep nesting -------------------------------------------------------------------------


def test_deep_nesting_validate(jdgen: Invoke, here: Path) -> None:
    result = jdgen("validate", str(INPUT / "deep.yaml"))
    assert result.exit_code == 1
    assert f"deep.yaml:1:101: error: {DEEP}" in result.stderr
    _no_traceback(result.output)


def test_deep_nesting_build_single(jdgen: Invoke, here: Path) -> None:
    result = jdgen("build", str(INPUT / "deep.yaml"), "-o", "out", "-f", "json")
    assert result.exit_code == 1
    assert f"deep.yaml:1:101: error: {DEEP}" in result.stderr
    _no_traceback(result.output)


def test_deep_nesting_build_folder_still_builds_the_others(jdgen: Invoke, here: Path) -> None:
    result = jdgen("build", str(INPUT / "deep-folder"), "-o", "out", "-f", "json", "-j", "2")
    assert result.exit_code == 1
    assert f"b-deep.yaml:1:101: error: {DEEP}" in result.stderr
    assert "1 of 3 post(s) not built" in result.stderr
    assert sorted(p.name for p in (here / "out").glob("[!.]*.json")) == ["a-good.json", "c-good.json"]
    _no_traceback(result.output)


def test_deep_nesting_compare(jdgen: Invoke, here: Path) -> None:
    result = jdgen("compare", str(INPUT / "deep.yaml"), str(EXAMPLES / "pwp.yaml"), str(EXAMPLES / "gsh-worker.yaml"),
                   "--format", "json")
    assert result.exit_code == 1
    assert f"deep.yaml:1:101: error: {DEEP}" in result.stderr
    assert len(json.loads(result.stdout)["posts"]) == 2  # the other two are still compared
    _no_traceback(result.output)


def test_deep_nesting_in_a_cluster_file_blames_the_cluster(jdgen: Invoke, here: Path) -> None:
    shutil.copytree(INPUT / "deep-cluster", here / "ws")
    result = jdgen("-w", "ws", "build", str(EXAMPLES / "pwp.yaml"), "-o", "out", "-f", "json")
    assert result.exit_code == 1
    assert f"99-deep.yaml:1:101: error: {DEEP}" in result.stderr
    assert "pwp.yaml" not in result.stderr
    _no_traceback(result.output)


@pytest.mark.parametrize("name", ["jdgen.yaml", "clusters/iapt-li/99-deep.yaml"])
def test_deep_nesting_in_workspace_files_validate(jdgen: Invoke, here: Path, name: str) -> None:
    target = here / "ws" / name
    target.parent.mkdir(parents=True)
    target.write_text("a:\n" + "  " + "{" * 3000 + "}" * 3000 + "\n", encoding="utf-8")
    result = jdgen("-w", "ws", "validate")
    assert result.exit_code == 1
    assert f"{Path(name).name}:2:" in result.stderr and DEEP in result.stderr
    _no_traceback(result.output)


def test_deep_block_nesting(jdgen: Invoke, here: Path) -> None:
    (here / "p.yaml").write_text("- " * 25000 + "x\n", encoding="utf-8")
    result = jdgen("validate", "p.yaml")
    assert result.exit_code == 1
    assert f"p.yaml:1:201: error: {DEEP}" in result.stderr


# --- §2 values: huge integers, bad tags, numbers that are not numbers, control characters ---------


def _post(here: Path, replace: str, by: str, name: str = "p.yaml") -> Path:
    text = (EXAMPLES / "pwp.yaml").read_text(encoding="utf-8")
    assert replace in text
    (here / name).write_text(text.replace(replace, by, 1), encoding="utf-8")
    return here / name


@pytest.mark.parametrize(("replace", "by", "where", "message"), [
    ("title: Psychological Wellbeing Practitioner", "title: " + "1" * 4301, "p.yaml:3:8",
     "'11111111111111111111…' is not a valid int"),
    ("grade: Band 5", "grade: !!float x", "p.yaml:6:8", "'x' is not a valid float"),
    ("grade: Band 5", "grade: !!bool x", "p.yaml:6:8", "'x' is not a valid bool"),
    ("hours_per_week: 37.5", "hours_per_week: .nan", "p.yaml:8:17", "'.nan' is not a finite number"),
    ("hours_per_week: 37.5", "hours_per_week: .inf", "p.yaml:8:17", "'.inf' is not a finite number"),
    ("hours_per_week: 37.5", "hours_per_week: 5.0e-324", "p.yaml:8:17",
     "hours_per_week must be at least 1; got 5e-324"),
    ("hours_per_week: 37.5", "hours_per_week: 169", "p.yaml:8:17", "hours_per_week must be at most 48; got 169"),
    ("title: Psychological Wellbeing Practitioner", 'title: "Psychological\\x01 Wellbeing"', "p.yaml:3:8",
     "control character U+0001 in text"),
])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_bad_values_in_a_post(jdgen: Invoke, here: Path, replace: str, by: str, where: str, message: str,
                              command: str) -> None:
    _post(here, replace, by)
    args = ["build", "p.yaml", "-o", "out", "-f", "json"] if command == "build" else ["validate", "p.yaml"]
    result = jdgen(*args)
    assert result.exit_code == 1
    assert f"{where}: error: {message}" in result.stderr
    assert not (here / "out" / "p.json").exists()
    _no_traceback(result.output)


def test_control_character_in_a_local_duty(jdgen: Invoke, here: Path) -> None:
    (here / "p.yaml").write_text('title: Draft\nduties:\n  local:\n    - "Ring the \\a bell"\n', encoding="utf-8")
    result = jdgen("validate", "p.yaml")
    assert result.exit_code == 1
    assert "p.yaml:4:7: error: control character U+0007 in text" in result.stderr


@pytest.mark.parametrize(("line", "message"), [
    ("hours: !!float x", "'x' is not a valid float"),
    ("hours: .nan", "'.nan' is not a finite number"),
    ("hours: 1.0e+300", "hours must be at most 1000; got 1e+300"),
])
def test_bad_value_in_a_cluster_is_blamed_on_the_cluster(jdgen: Invoke, here: Path, line: str,
                                                          message: str) -> None:
    folder = here / "clusters" / "iapt-li"
    folder.mkdir(parents=True)
    (folder / "90-local.yaml").write_text(
        f"framework: iapt-li\ncode: LX\ntitle: Local extras\n{line}\nitems:\n"
        "  - id: LX1\n    kind: duty\n    text: Keep the local rota up to date.\n", encoding="utf-8")
    result = jdgen("build", str(EXAMPLES / "pwp.yaml"), "-o", "out", "-f", "json")
    assert result.exit_code == 1
    assert f"clusters/iapt-li/90-local.yaml:4:8: error: {message}" in result.stderr
    assert "pwp.yaml" not in result.stderr
    _no_traceback(result.output)
