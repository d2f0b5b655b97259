"""The CLI's option vocabulary: -w anywhere and workspace discovery, -f/--format and -o/--output
with hidden old spellings, option values checked by parameter types (exit 2, close-only hints)
with shell completion, and `list items` of reference frameworks."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jdgen.cli import main

FixtureDir = Callable[[str], Path]
Invoke = Callable[..., Result]
FIXTURES = Path(__file__).parent / "fixtures"
GOOD_POST = FIXTURES / "posts" / "good.yaml"


# --- workspace ------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [("-w", "/nonexistent/ws", "validate"), ("validate", "-w", "/nonexistent/ws"),
                                  ("build", "-w", "/nonexistent/ws", str(GOOD_POST))])
def test_missing_workspace_is_a_usage_error(args: tuple[str, ...], jdgen: Invoke) -> None:
    result = jdgen(*args)
    assert result.exit_code == 2
    assert "'/nonexistent/ws' does not exist" in result.stderr


def test_workspace_after_the_command(jdgen: Invoke, fixture_dir: FixtureDir, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    workspace = fixture_dir("unknown-key")
    before = jdgen("-w", str(workspace), "validate")
    after = jdgen("validate", "-w", str(workspace))
    assert after.exit_code == before.exit_code == 1
    assert "unknown key 'descripton'" in after.stderr
    assert after.stderr == before.stderr


def _workspace(root: Path) -> Path:
    """A workspace whose jdgen.yaml names the employer, and a post that does not name one."""
    ws = root / "ws"
    (ws / "posts" / "team").mkdir(parents=True)
    (ws / "jdgen.yaml").write_text("organisation: Discovered Health Trust\n", "utf-8")
    text = "\n".join(line for line in GOOD_POST.read_text("utf-8").splitlines()
                     if not line.startswith("organisation:"))
    (ws / "posts" / "team" / "p.yaml").write_text(text + "\n", "utf-8")
    (root / "elsewhere").mkdir()
    return ws


def test_workspace_is_found_above_the_first_input(jdgen: Invoke, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _workspace(tmp_path)
    monkeypatch.chdir(tmp_path / "elsewhere")
    result = jdgen("build", str(ws / "posts" / "team" / "p.yaml"), "-f", "json", "-o", "out")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "elsewhere" / "out" / "p.json").read_text("utf-8"))
    assert data["terms"]["organisation"] == "Discovered Health Trust"


def test_workspace_is_found_above_the_current_folder(jdgen: Invoke, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _workspace(tmp_path)
    monkeypatch.chdir(ws / "posts" / "team")
    result = jdgen("validate", "p.yaml")
    assert (result.exit_code, result.stderr) == (0, ""), result.output


def test_without_jdgen_yaml_the_current_folder_is_the_workspace(jdgen: Invoke, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _workspace(tmp_path)
    (ws / "jdgen.yaml").unlink()
    monkeypatch.chdir(tmp_path / "elsewhere")
    # no organisation from jdgen.yaml: the post is a draft (a warning, so --strict fails it)
    result = jdgen("validate", "--strict", str(ws / "posts" / "team" / "p.yaml"))
    assert result.exit_code == 1
    assert "warning: draft: no organisation yet" in result.stderr


# --- one vocabulary, old spellings hidden ---------------------------------------------------------

@pytest.mark.parametrize(("command", "old"), [("build", "--formats"), ("build", "--out"),
                                              ("curriculum", "--formats"), ("curriculum", "--out"),
                                              ("checklist", "--formats"), ("gap", "--out"),
                                              ("post", "--dir")])
def test_old_spellings_are_hidden(command: str, old: str, jdgen: Invoke) -> None:
    args = ("new", "post", "--help") if command == "post" else (command, "--help")
    text = jdgen(*args).stdout
    assert old not in text.replace("--output", "")
    assert "-o, --output" in text
    if command != "post":
        assert "-f, --format" in text


def test_old_spellings_still_work(jdgen: Invoke, tmp_path: Path) -> None:
    built = jdgen("build", str(GOOD_POST), "--formats", "json", "--out", str(tmp_path / "b"))
    assert built.exit_code == 0, built.output
    assert sorted(p.name for p in (tmp_path / "b").iterdir() if not p.name.startswith(".")) == ["good.json"]
    cur = jdgen("curriculum", "--framework", "ips", "--formats", "md,json", "--out", str(tmp_path / "c"))
    assert cur.exit_code == 0, cur.output
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == ["curriculum-ips.json", "curriculum-ips.md"]
    chk = jdgen("checklist", "--post", str(GOOD_POST), "--formats", "csv", "--out", str(tmp_path / "k"))
    assert chk.exit_code == 0, chk.output
    assert [p.name for p in (tmp_path / "k").iterdir()] == ["good-checklist.csv"]
    new = jdgen("new", "post", "x", "--dir", str(tmp_path / "n"))
    assert new.exit_code == 0, new.output
    assert (tmp_path / "n" / "x.yaml").is_file()


def test_new_spellings(jdgen: Invoke, tmp_path: Path) -> None:
    built = jdgen("build", str(GOOD_POST), "--format", "md,json", "--output", str(tmp_path / "b"))
    assert built.exit_code == 0, built.output
    assert sorted(p.name for p in (tmp_path / "b").iterdir() if not p.name.startswith(".")) == [
        "good.json", "good.md"]
    new = jdgen("new", "post", "x", "-o", str(tmp_path / "n"))
    assert (new.exit_code, (tmp_path / "n" / "x.yaml").is_file()) == (0, True)


# --- option values --------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (("build", str(GOOD_POST), "-f", "pdf,xyz"), "unknown format 'xyz'; choose from html, pdf, docx, md, json"),
    (("build", str(GOOD_POST), "-f", "jsn"), "unknown format 'jsn'; did you mean 'json'?"),
    (("build", str(GOOD_POST), "-f", ","), "no format given"),
    (("build", str(GOOD_POST), "--profile", "advrt"), "unknown profile 'advrt'; did you mean 'advert'?"),
    (("compare", str(GOOD_POST), "-f", "html,csv"), "give one format, not 2"),
    (("curriculum", "-F", "ips", "--hours", "ENG=nan"), "hours must be a number more than 0 and at most 2000"),
    (("curriculum", "-F", "ips", "--hours", "ENG=inf"), "hours must be a number more than 0 and at most 2000"),
    (("curriculum", "-F", "ips", "--hours", "ENG=1e9"), "hours must be a number more than 0 and at most 2000"),
    (("curriculum", "-F", "ips", "--hours", "ENG=0"), "hours must be a number more than 0 and at most 2000"),
    (("curriculum", "-F", "ips", "--hours", "=4"), "'=4' is not CODE=HOURS"),
    (("curriculum", "-F", "ips", "--hours", "ENX=4"), "no module with code 'ENX'; did you mean 'ENG'?"),
    (("curriculum", "-F", "ksf"), "'ksf' is not a duties or competences framework; choose from"),
    (("list", "items", "-F", "zzzzzz"), "unknown framework 'zzzzzz'; choose from esc,"),
    (("list", "items", "-F", "ips", "-c", "CB"), "unknown cluster 'CB'; choose from"),
])
def test_bad_option_values_exit_2(args: tuple[str, ...], message: str, jdgen: Invoke, tmp_path: Path) -> None:
    result = jdgen(*args, "-o", str(tmp_path / "out")) if args[0] in ("build", "curriculum") else jdgen(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_hint_only_for_close_names(jdgen: Invoke) -> None:
    result = jdgen("list", "items", "-F", "pension")
    assert result.exit_code == 2
    assert "did you mean" not in result.stderr


def _complete(words: str) -> list[str]:
    env = {"_JDGEN_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    result = CliRunner().invoke(main, [], prog_name="jdgen", env=env)
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


def test_completion() -> None:
    assert _complete("jdgen list items --framework ip") == ["ips-leadership", "ips"]
    from jdgen.library import load_library

    iapt = sorted(f for f in load_library().frameworks if f.startswith("iapt-"))
    assert len(iapt) >= 3 and _complete("jdgen list items --framework iapt-") == iapt
    assert _complete("jdgen coverage a.yaml --framework e") == []  # esc is a reference framework
    assert _complete("jdgen build x.yaml -f pdf,d") == ["pdf,docx"]
    assert _complete("jdgen compare x.yaml -f x") == ["xlsx"]
    assert _complete("jdgen curriculum --framework ips --hours E") == ["ENG=", "EDU="]
    assert "CB" in _complete("jdgen list items --framework iapt-li --cluster C")


# --- list items of reference frameworks ---------------------------------------------------------

def test_list_items_of_ksf_gives_dimensions_with_levels(jdgen: Invoke) -> None:
    result = jdgen("list", "items", "--framework", "ksf", "--format", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == 30
    core1 = records[0]
    assert (core1["id"], core1["kind"], core1["title"]) == ("Core1", "entry", "Communication")
    assert [lv["level"] for lv in core1["levels"]] == [1, 2, 3, 4]
    table = jdgen("list", "items", "--framework", "ksf").stdout
    assert "Core1" in table and "Communication; 1: " in table


@pytest.mark.parametrize(("framework", "count"), [("esc", 10), ("nos", 6), ("iapt-supervision", 15)])
def test_list_items_of_other_reference_frameworks(framework: str, count: int, jdgen: Invoke) -> None:
    result = jdgen("list", "items", "--framework", framework, "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == count


# --- settings and library loaded once ---------------------------------------------------------------

def test_build_workers_use_the_workspace_the_parent_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jdgen import build as build_module
    from jdgen import config
    from jdgen.config import Settings
    from jdgen.workspace import load_workspace

    posts = tmp_path / "posts"
    posts.mkdir()
    text = "\n".join(line for line in GOOD_POST.read_text("utf-8").splitlines() if not line.startswith("organisation:"))
    for name in ("one", "two"):
        (posts / f"{name}.yaml").write_text(text + "\n", "utf-8")
    workspace = replace(load_workspace(tmp_path), settings=Settings(organisation="Handed Over Trust"))

    def read_again(*args: object) -> Settings:
        raise AssertionError("jdgen.yaml was read again")

    monkeypatch.setattr(config, "load_config", read_again)  # inherited by forked workers
    options = build_module.BuildOptions(out=tmp_path / "out", formats=("json",))
    results = build_module.build([posts], workspace, options, 2)
    assert [(r.name, r.status) for r in results] == [("one", "built"), ("two", "built")], results
    data = json.loads((tmp_path / "out" / "two.json").read_text("utf-8"))
    assert data["terms"]["organisation"] == "Handed Over Trust"


def test_broken_library_while_checking_an_option_is_invalid_input(jdgen: Invoke, fixture_dir: FixtureDir,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_dir("unknown-link"))
    result = jdgen("list", "items", "--framework", "ips")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "2 error(s), 0 warning(s)"
    assert "unknown ksf id 'Core7'" in result.stderr


def test_missing_workspace_from_the_environment_is_a_usage_error(jdgen: Invoke) -> None:
    result = jdgen("validate", env={"JDGEN_WORKSPACE": "/nonexistent/ws"})
    assert result.exit_code == 2
    assert "'/nonexistent/ws' does not exist" in result.stderr


@pytest.mark.parametrize("name", ["con", "NUL", "com1.yaml", "lpt9"])
def test_new_post_refuses_a_name_windows_keeps_for_a_device(jdgen: Invoke, tmp_path: Path, name: str) -> None:
    result = jdgen("new", "post", name, "-o", str(tmp_path / "n"))
    assert result.exit_code == 2
    assert "is a name Windows keeps for a device" in result.output
    assert not (tmp_path / "n").exists()


def test_an_imported_file_named_like_a_device_gets_a_post_name_windows_can_store() -> None:
    from jdgen.importing.post import post_name

    assert post_name("CON") == "CON-post" and post_name("aux 1") == "aux-1" and post_name("pwp") == "pwp"
