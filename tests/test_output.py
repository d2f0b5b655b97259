"""Writing outputs when the file system says no: disk full, a read-only folder, `-o` under a file, at
a broken symbolic link or somewhere that cannot exist. Every command that writes gets one clear
line, exit 1 (2 when the -o value itself is unusable), the old outputs untouched and no temporary
file left behind."""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from jdgen.cli import main
from jdgen.output import remove_stale_temporaries, write_atomic

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parents[1] / "examples" / "posts"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"JDGEN_WORKSPACE": None}, catch_exceptions=False)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp with two posts, a team of filled-in checklists and its post; the current folder."""
    shutil.copy(FIXTURES / "compare" / "a.yaml", tmp_path / "a.yaml")
    shutil.copy(FIXTURES / "compare" / "b.yaml", tmp_path / "b.yaml")
    shutil.copytree(FIXTURES / "training" / "team", tmp_path / "team")
    shutil.copy(FIXTURES / "training" / "team-post.yaml", tmp_path / "team-post.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


#: command → (arguments writing into folder OUT, the file it writes there)
COMMANDS: dict[str, tuple[list[str], str]] = {
    "build": (["build", "a.yaml", "-o", "OUT", "-f", "json"], "a.json"),
    "compare": (["compare", "a.yaml", "b.yaml", "--format", "csv", "-o", "OUT/compare.csv"], "compare.csv"),
    "coverage": (["coverage", "a.yaml", "b.yaml", "--format", "csv", "-o", "OUT/coverage.csv"], "coverage.csv"),
    "checklist": (["checklist", "--post", "a.yaml", "-f", "csv", "-o", "OUT"], "a-checklist.csv"),
    "curriculum": (["curriculum", "--framework", "ips", "-f", "json", "-o", "OUT"], "curriculum-ips.json"),
    "gap": (["gap", "--post", "team-post.yaml", "--assessments", "team", "-f", "json", "-o", "OUT"],
            "team-post-gap.json"),
    "new post": (["new", "post", "draft", "--dir", "OUT"], "draft.yaml"),
}


def _args(command: str, out: str) -> list[str]:
    return [out if a == "OUT" else a.replace("OUT/", f"{out}/") for a in COMMANDS[command][0]]


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


def _no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("command", COMMANDS)
def test_disk_full_is_one_clear_line(command: str, here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = here / "OUT"
    out.mkdir()
    target = out / COMMANDS[command][1]
    target.write_text("old output\n", "utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    args = _args(command, "OUT") + (["--force"] if command == "new post" else [])
    result = run(*args)
    _no_traceback(result)
    assert result.exit_code == 1
    assert f"error: cannot write OUT/{target.name}: no space left on device" in result.stderr.splitlines()
    assert target.read_text("utf-8") == "old output\n"
    assert _temporaries(here) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_read_only_folder(command: str, here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (here / "OUT").mkdir()

    def read_only(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    result = run(*_args(command, "OUT"))
    _no_traceback(result)
    assert result.exit_code == 1
    name = COMMANDS[command][1]
    assert f"error: cannot write OUT/{name}: the file system is read-only" in result.stderr.splitlines()
    assert list((here / "OUT").iterdir()) == []


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("where", "reason"), [
    ("afile.txt/sub", "a part of the path is a file, not a folder"),
    ("dangling", "it is a broken symbolic link (to nowhere/at/all)"),
    ("/proc/nope", "the folder does not exist and cannot be created there"),
])
def test_unusable_output_folder_is_a_usage_error(command: str, where: str, reason: str, here: Path) -> None:
    (here / "afile.txt").write_text("keep me\n", "utf-8")
    (here / "dangling").symlink_to("nowhere/at/all")
    result = run(*_args(command, where))
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert re.search(rf"^error: cannot create output folder {re.escape(where)}: {re.escape(reason)}$",
                     result.stderr, re.M), result.stderr
    assert (here / "afile.txt").read_text("utf-8") == "keep me\n"
    assert (here / "dangling").is_symlink() and not (here / "nowhere").exists()
    assert _temporaries(here) == []


def test_disk_full_in_a_parallel_build_is_a_write_error(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers are forked, so the failing fsync is theirs too: reported as a write error, not as a bug."""
    posts = here / "posts"
    posts.mkdir()
    for name in ("one", "two", "three"):
        shutil.copy(here / "a.yaml", posts / f"{name}.yaml")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = run("build", "posts", "-o", "OUT", "-f", "json", "-j", "2")
    _no_traceback(result)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"error: cannot write OUT/(one|two|three)\.json: no space left on device", lines[0])
    assert lines[1:] == ["1 error(s), 0 warning(s)"]
    assert _temporaries(here) == []


def test_write_atomic_keeps_the_old_file_and_removes_its_temporary(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from jdgen.output import OutputError

    target = tmp_path / "x.pdf"
    write_atomic(target, b"first")
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(errno.EACCES, "Permission denied")))
    with pytest.raises(OutputError) as caught:
        write_atomic(target, b"second")
    assert caught.value.diagnostics[0].message.endswith("x.pdf: permission denied")
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


def test_stale_temporaries_of_ours_are_removed_and_nothing_else(tmp_path: Path) -> None:
    old = 1_000_000.0
    ours = [".a.pdf.k2j4_x9q.tmp", ".index.html.abcdefgh.tmp"]
    theirs = ["a.tmp", ".notes.txt.swp", ".photo.jpg.abcdefgh.tmp", ".a.pdf.short.tmp", "keep.pdf"]
    for name in ours + theirs:
        (tmp_path / name).write_text("x", "utf-8")
        os.utime(tmp_path / name, (old, old))
    (tmp_path / ".b.json.zzzzzzzz.tmp").write_text("just now", "utf-8")  # newer than the build start
    removed = remove_stale_temporaries(tmp_path, older_than=old + 10)
    assert sorted(p.name for p in removed) == sorted(ours)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*theirs, ".b.json.zzzzzzzz.tmp"])


def test_a_temporary_a_live_writer_holds_is_not_removed(tmp_path: Path) -> None:
    import fcntl

    path = tmp_path / ".a.pdf.abcdefgh.tmp"
    path.write_text("being written", "utf-8")
    with path.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert remove_stale_temporaries(tmp_path) == []
    assert remove_stale_temporaries(tmp_path) == [path]


def test_build_removes_temporaries_a_killed_build_left(here: Path) -> None:
    out = here / "OUT"
    out.mkdir()
    for name in (".a.json.q1w2e3r4.tmp", ".a.pdf.zxcvbnm_.tmp"):
        (out / name).write_bytes(b"%PDF-1.7 truncated")
        os.utime(out / name, (1_000_000, 1_000_000))
    (out / "mine.tmp").write_text("not jdgen's", "utf-8")
    result = run("build", "a.yaml", "-o", "OUT", "-f", "json")
    assert result.exit_code == 0, result.output
    assert _temporaries(here) == ["mine.tmp"]
    assert (out / "a.json").is_file()
