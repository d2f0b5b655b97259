"""Helpers shared by the benchmark scripts in this folder (not a benchmark itself).

The scripts are run as `.venv/bin/python benchmarks/bench_X.py` from the project root, so this
folder is sys.path[0] and they import these with `from _common import ...`.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_header(topic: str) -> None:
    """The first line of each benchmark's output, and a blank line."""
    print(f"jdgen {topic} benchmarks (python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    print()


def print_missed(value: float, target: float, unit: str, decimals: int) -> None:
    """How far `value` is over an upper-bound `target`, if it is not below it."""
    if value >= target:
        print(f"    missed by {value - target:.{decimals}f} {unit} ({value / target:.2f}× the target)")


def print_summary(rows: Iterable[tuple[str, str, str, bool]], value_width: int = 9, target_width: int = 8) -> None:
    """The "Summary" heading and one line per (name, value, target, ok) row."""
    print("Summary")
    for name, value, target, ok in rows:
        print(f"    {name:<34} {value:>{value_width}}  {target:>{target_width}}  {verdict(ok)}")


def jdgen_env() -> dict[str, str]:
    """This process's environment without JDGEN_WORKSPACE, for subprocesses run in the project root."""
    env = dict(os.environ)
    env.pop("JDGEN_WORKSPACE", None)
    return env


def jdgen_command() -> list[str]:
    script = Path(sys.executable).parent / "jdgen"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "jdgen"]


def run_jdgen(args: list[str]) -> tuple[float, str]:
    """Wall-clock seconds and combined output of one jdgen run in the project root (which must succeed)."""
    env = jdgen_env()
    start = time.perf_counter()
    proc = subprocess.run([*jdgen_command(), *args], cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"jdgen {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return elapsed, proc.stdout + proc.stderr


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Seconds of each of `runs` calls of fn, in this process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def median_ms(fn: Callable[[], object], runs: int) -> float:
    return statistics.median(timed(fn, runs)) * 1000


def profile(fn: Callable[[], object], lines: int = 20) -> None:
    """A cProfile listing of one call of fn, by cumulative and by own time."""
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
