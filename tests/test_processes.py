"""A folder build as a real process: Ctrl-C stops it at once (exit 130, workers gone, nothing
half-written), kill -9 of the parent takes its workers with it, two builds into one folder keep
each other's cache entries, and jdgen's own file names in the output folder are reserved."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from jdgen.build import CACHE_FILE, BuildOptions, build
from jdgen.cli import main
from jdgen.workspace import Workspace, load_workspace

GOOD = Path(__file__).parent / "fixtures" / "posts" / "good.yaml"


def _posts(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for n in range(count):
        shutil.copy(GOOD, folder / f"post{n:02d}.yaml")
    return folder


def _children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def _start_build(tmp_path: Path, count: int = 40) -> tuple[subprocess.Popen[bytes], Path]:
    _posts(tmp_path / "posts", count)
    (tmp_path / "ws").mkdir()
    out = tmp_path / "out"
    with (tmp_path / "stderr.txt").open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "jdgen", "-w", "ws", "build", "posts", "-o", "out", "-f",
                                 "pdf", "-j", "2", "-q"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=err)
    return proc, out


def _wait_for_workers(proc: subprocess.Popen[bytes], out: Path, written: bool) -> list[int]:
    """Until both workers run (and, if `written`, the first document is there: writes are under way)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = _children(proc.pid)
        if len(workers) >= 2 and (not written or any(out.glob("*.pdf"))):
            return workers
        assert proc.poll() is None, (out.parent / "stderr.txt").read_text()
        time.sleep(0.05)
    raise AssertionError("the build did not start its workers")


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_ctrl_c_stops_the_build_at_once(tmp_path: Path) -> None:
    proc, out = _start_build(tmp_path)
    workers = _wait_for_workers(proc, out, written=True)
    proc.send_signal(signal.SIGINT)
    try:
        # Generous, for a loaded machine: the time it takes is measured by benchmarks/bench_interrupt.py;
        # that it stopped rather than finishing is asserted below (fewer than 40 PDFs).
        proc.wait(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 130
    err = (tmp_path / "stderr.txt").read_text()
    assert err.strip().splitlines() == ["interrupted: stopped; no partial file was left"]
    assert not any(_alive(w) for w in workers)
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []
    built = sorted(out.glob("*.pdf"))
    assert 0 < len(built) < 40  # it stopped, and what it wrote is whole
    assert all(p.read_bytes().rstrip().endswith(b"%%EOF") for p in built)


def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    proc, out = _start_build(tmp_path)
    workers = _wait_for_workers(proc, out, written=False)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)
    written = {p.name: p.stat().st_mtime for p in out.iterdir()}
    time.sleep(0.5)
    assert {p.name: p.stat().st_mtime for p in out.iterdir()} == written  # nobody is writing any more


def test_a_worker_whose_parent_is_gone_exits(tmp_path: Path) -> None:
    """The portable fallback: a worker notices it has been re-parented and exits."""
    script = ("import os, sys, time\n"
              "from jdgen.build import _watch_parent\n"
              "pid = os.fork()\n"
              "if pid == 0:\n"
              "    parent = os.getppid()\n"
              "    print(os.getpid(), flush=True)\n"
              "    _watch_parent(parent, 0.05)\n"
              "else:\n"
              "    time.sleep(0.3)\n"
              "    os._exit(0)\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=10, check=True)
    child = int(proc.stdout.split()[0])
    deadline = time.monotonic() + 3
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_two_builds_into_one_folder_keep_every_cache_entry(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    first, second = _posts(tmp_path / "a", 4), tmp_path / "b"
    second.mkdir()
    for n in range(4):
        shutil.copy(GOOD, second / f"other{n}.yaml")
    out = tmp_path / "out"
    options = BuildOptions(out=out, formats=("json",))
    workspace = load_workspace(tmp_path / "ws")
    gate = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(folder: Path) -> None:
        try:
            gate.wait()
            build(sorted(folder.glob("*.yaml")), workspace, options, 1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    for _ in range(3):  # the race is not certain in one round
        shutil.rmtree(out, ignore_errors=True)
        threads = [threading.Thread(target=run, args=(f,)) for f in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        cache = json.loads((out / CACHE_FILE).read_text("utf-8"))
        assert sorted(cache) == sorted([f"post{n:02d}" for n in range(4)] + [f"other{n}" for n in range(4)])


def test_cache_updates_are_merged_under_a_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic: another build writes its entry between our reading the cache and our update."""
    import jdgen.build as jb

    (tmp_path / "ws").mkdir()
    posts = _posts(tmp_path / "posts", 1)
    out = tmp_path / "out"
    options = BuildOptions(out=out, formats=("json",))
    workspace = load_workspace(tmp_path / "ws")
    real = jb.build_post

    def slow(post: Path, ws: Workspace, opts: BuildOptions, fp: str = "") -> jb.BuildResult:
        result = real(post, ws, opts, fp)
        other = json.loads((out / CACHE_FILE).read_text("utf-8")) if (out / CACHE_FILE).exists() else {}
        other["elsewhere"] = {"fingerprint": "x", "files": [], "title": "", "grade": ""}
        (out / CACHE_FILE).write_text(json.dumps(other), "utf-8")
        return result

    monkeypatch.setattr(jb, "build_post", slow)
    build([posts], workspace, options, 1)
    assert sorted(json.loads((out / CACHE_FILE).read_text("utf-8"))) == ["elsewhere", "post00"]


def test_post_named_like_the_cache_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    shutil.copy(GOOD, posts / ".jdgen-cache.yaml")
    shutil.copy(GOOD, posts / "fine.yaml")
    (tmp_path / "ws").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["-w", "ws", "build", "posts", "-o", "out", "-f", "json", "-j", "1"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert ("posts/.jdgen-cache.yaml: error: the name '.jdgen-cache' is reserved: jdgen keeps its "
            ".jdgen-cache.json in the output folder") in result.stderr.splitlines()
    assert "  hint: rename the post file" in result.stderr.splitlines()
    assert sorted(json.loads((tmp_path / "out" / CACHE_FILE).read_text("utf-8"))) == ["fine"]
    assert (tmp_path / "out" / "fine.json").is_file()


def test_a_stopped_pool_is_not_woken_again_at_exit() -> None:
    """The exit handler of concurrent.futures (Python < 3.12) wakes every manager thread it knows; a
    stopped pool's thread may have closed its pipe by then (a Ctrl-C ended with 'OSError: Bad file
    descriptor' about once in twelve on a loaded machine). _stop takes the thread off that list."""
    import concurrent.futures.process as futures_process
    from concurrent.futures import ProcessPoolExecutor

    from jdgen.build import _stop

    pool = ProcessPoolExecutor(max_workers=1)
    pool.submit(time.sleep, 5)
    manager = pool._executor_manager_thread  # type: ignore[attr-defined]
    assert manager in futures_process._threads_wakeups  # type: ignore[attr-defined]
    _stop(pool)
    assert manager not in futures_process._threads_wakeups  # type: ignore[attr-defined]
    assert not manager.is_alive()
