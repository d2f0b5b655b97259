"""Benchmark: `jdgen lint` on the bundled examples.

Measures, and prints against each target:

(a) `jdgen lint POST…` on ten bundled example posts (the first ten of examples/posts by name) as a
    whole process: subprocess wall time, median of 5 after one warm-up (lint exits 0 with warnings).
    Target: < 1 s.
(b) warm, in this process: `jdgen.lint.lint_file` of each of the ten posts after one untimed pass
    (the workspace and linter loaded once, Pyphen and the word lists loaded); median over 5
    passes of the time per post. Target: < 50 ms per post.
(c) (info) the steps of (a) inside this process: importing jdgen.lint, loading the workspace, and
    the first (cold) pass over the ten posts. (a) also prints the process's CPU time (user +
    system): on a machine shared with other work the wall time includes waiting for a core.

Run from the project root:  .venv/bin/python benchmarks/bench_lint.py [--profile]
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time

from _common import ROOT, jdgen_command, jdgen_env, print_header, print_missed, print_summary, profile, timed

POSTS = sorted((ROOT / "examples" / "posts").glob("*.yaml"))[:10]


def whole_process() -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of the lint process, in seconds. On a
    shared machine the CPU time shows what the wall time would be without waiting for a core."""
    args = [*jdgen_command(), "-w", "examples", "lint", *[str(p.relative_to(ROOT)) for p in POSTS]]
    times, cpu = [], []
    for run in range(6):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(args, cwd=ROOT, env=jdgen_env(), capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"jdgen lint failed ({proc.returncode}):\n{proc.stderr}")
        if run:  # the first run warms the file cache
            times.append(elapsed)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


def main() -> None:
    print_header("lint")
    start = time.perf_counter()
    from jdgen.lint import lint_file, linter
    from jdgen.workspace import load_workspace

    imported = time.perf_counter()
    workspace = load_workspace(ROOT / "examples")
    lint = linter(workspace)
    loaded = time.perf_counter()
    findings = sum(len(lint_file(p, lint)[0]) for p in POSTS)
    cold = time.perf_counter()
    per_post = statistics.median(timed(lambda: [lint_file(p, lint) for p in POSTS], 5)) / len(POSTS) * 1000
    print(f"(c) in this process: import jdgen.lint {1000 * (imported - start):.0f} ms, workspace "
          f"{1000 * (loaded - imported):.0f} ms, first pass over {len(POSTS)} posts {1000 * (cold - loaded):.0f} ms "
          f"({findings} findings)")
    print(f"(b) warm, per post: {per_post:.1f} ms (median of 5 passes over {len(POSTS)} posts)")
    print_missed(per_post, 50, "ms", 1)
    process, cpu = whole_process()
    print(f"(a) jdgen lint on {len(POSTS)} posts, whole process: {process:.2f} s (median of 5; CPU time "
          f"{cpu:.2f} s)")
    print_missed(process, 1.0, "s", 2)
    print()
    print_summary([("lint 10 posts, whole process", f"{process:.2f} s", "< 1 s", process < 1.0),
                   ("lint one post, warm", f"{per_post:.1f} ms", "< 50 ms", per_post < 50)])
    if "--profile" in sys.argv:
        profile(lambda: [lint_file(p, lint) for p in POSTS])


if __name__ == "__main__":
    main()
