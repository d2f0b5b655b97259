"""Benchmark: building job descriptions (HTML, PDF, whole folders, no-op rebuilds).

Measures, and prints against each target:

(a) HTML for one post, warm: load + resolve examples/posts/pwp.yaml and render it with
    `jdgen.build.render_format(..., "html", ...)`, after one warm-up; median of 20 runs.
    The library, settings and clauses are loaded once beforehand (as a build worker does).
    Target: < 20 ms.
(b) PDF for one post, warm: jdgen's `render_format(..., "pdf", ...)` (view + HTML + WeasyPrint with
    jdgen's URL fetcher, PDF tags and fixed identifier) against raw WeasyPrint
    `HTML(string=html).write_pdf()` on the same HTML; one warm-up each, then median of 5
    alternating runs. Target: jdgen / raw ≤ 1.15. An extra, informational row times raw WeasyPrint
    with `pdf_tags=True` to show how much of any gap is tagging rather than jdgen's own code.
(c) `jdgen build examples/posts -o TMP --force -q -j 1` against `-j 2` (html,pdf, subprocess wall
    time, best of 2 each, alternating). Target: speed-up ≥ 1.7×.
(d) a rebuild with nothing changed, `jdgen build examples/posts -o TMP -q` (subprocess wall time,
    median of 5, after checking that every post reports "up to date"). Target: < 1 s.

Output files go to a tempfile.TemporaryDirectory and are removed afterwards.

Run from the project root:  .venv/bin/python benchmarks/bench_build.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "examples" / "posts"
POST = POSTS / "pwp.yaml"
HTML_RUNS = 20
PDF_RUNS = 5
HTML_TARGET_MS = 20.0
PDF_RATIO_TARGET = 1.15
SPEEDUP_TARGET = 1.7
NOOP_TARGET_S = 1.0


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def jdgen_command() -> list[str]:
    script = Path(sys.executable).parent / "jdgen"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "jdgen"]


def run_jdgen(args: list[str]) -> tuple[float, str]:
    """Wall-clock seconds and combined output of one jdgen run in the project root."""
    env = dict(os.environ)
    env.pop("JDGEN_WORKSPACE", None)
    start = time.perf_counter()
    proc = subprocess.run([*jdgen_command(), *args], cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"jdgen {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return elapsed, proc.stdout + proc.stderr


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    from jdgen.build import _context, render_format
    from jdgen.errors import Collector
    from jdgen.posts import load_post, resolve

    print(f"jdgen build benchmarks (python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    print()
    workspace = ROOT
    library, settings, clauses = _context(workspace)

    def resolve_post() -> Any:
        doc, problems = load_post(POST)
        assert doc is not None, problems
        out = Collector()
        post = resolve(doc, library, out, name=POST.stem)
        out.raise_if_errors()
        return post

    def html_once() -> str:
        data, _ = render_format(resolve_post(), library, settings, clauses, "html", workspace)
        assert isinstance(data, str)
        return data

    # (a) HTML, warm
    html = html_once()  # warm-up
    t_html = statistics.median(timed(html_once, HTML_RUNS)) * 1000
    post = resolve_post()
    t_resolve = statistics.median(timed(resolve_post, HTML_RUNS)) * 1000
    t_render = statistics.median(timed(lambda: render_format(post, library, settings, clauses, "html", workspace),
                                       HTML_RUNS)) * 1000
    print(f"(a) HTML for one post (examples/posts/pwp.yaml, {len(html):,} characters), warm, "
          f"median of {HTML_RUNS}")
    print(f"    {'load + resolve + render_format(html)':<44} {t_html:>8.2f} ms  target <20 ms  "
          f"{verdict(t_html < HTML_TARGET_MS)}")
    print(f"    {'  (info) load + resolve only':<44} {t_resolve:>8.2f} ms")
    print(f"    {'  (info) render_format(html) only':<44} {t_render:>8.2f} ms")
    print()

    # (b) PDF, warm: jdgen vs raw WeasyPrint on the same HTML
    from weasyprint import HTML

    def jdgen_pdf() -> bytes:
        data, _ = render_format(post, library, settings, clauses, "pdf", workspace)
        assert isinstance(data, bytes)
        return data

    def raw_pdf() -> bytes:
        return HTML(string=html).write_pdf()  # type: ignore[no-any-return]

    def raw_pdf_tagged() -> bytes:
        return HTML(string=html).write_pdf(pdf_tags=True)  # type: ignore[no-any-return]

    pdf = jdgen_pdf()
    raw_pdf()
    raw_pdf_tagged()
    t_jd: list[float] = []
    t_raw: list[float] = []
    t_tag: list[float] = []
    for _ in range(PDF_RUNS):
        t_jd += timed(jdgen_pdf, 1)
        t_raw += timed(raw_pdf, 1)
        t_tag += timed(raw_pdf_tagged, 1)
    jd, raw, tag = (statistics.median(t) * 1000 for t in (t_jd, t_raw, t_tag))
    ratio = jd / raw
    print(f"(b) PDF for one post ({len(pdf):,} bytes), warm, median of {PDF_RUNS}")
    print(f"    {'jdgen render_format(pdf)':<44} {jd:>8.1f} ms")
    print(f"    {'raw HTML(string=html).write_pdf()':<44} {raw:>8.1f} ms")
    print(f"    {'  (info) raw write_pdf(pdf_tags=True)':<44} {tag:>8.1f} ms")
    print(f"    ratio jdgen / raw = {ratio:.2f}  target ≤1.15  {verdict(ratio <= PDF_RATIO_TARGET)}")
    print(f"    (info) jdgen / raw with pdf_tags=True = {jd / tag:.2f}")
    print()

    # (c) and (d): whole folder through the CLI
    n_posts = len([p for p in POSTS.iterdir() if p.suffix in (".yaml", ".yml")])
    with tempfile.TemporaryDirectory(prefix="jdgen-bench-") as tmp:
        out = str(Path(tmp) / "out")
        run_jdgen(["build", "examples/posts", "-o", out, "--force", "-q", "-j", "1"])  # warm-up
        best: dict[int, float] = {1: float("inf"), 2: float("inf")}
        for _ in range(2):
            for jobs in (1, 2):
                t, _ = run_jdgen(["build", "examples/posts", "-o", out, "--force", "-q", "-j", str(jobs)])
                best[jobs] = min(best[jobs], t)
        speedup = best[1] / best[2]
        print(f"(c) jdgen build examples/posts ({n_posts} posts, html,pdf) --force, subprocess wall, best of 2")
        print(f"    {'-j 1':<44} {best[1]:>8.2f} s")
        print(f"    {'-j 2':<44} {best[2]:>8.2f} s")
        print(f"    speed-up = {speedup:.2f}×  target ≥1.7×  {verdict(speedup >= SPEEDUP_TARGET)}")
        print()

        _, text = run_jdgen(["build", "examples/posts", "-o", out])
        fresh = text.count("up to date")
        if fresh != n_posts:
            raise SystemExit(f"expected {n_posts} posts up to date, got:\n{text}")
        noop = statistics.median([run_jdgen(["build", "examples/posts", "-o", out, "-q"])[0] for _ in range(5)])
        print("(d) rebuild with nothing changed: jdgen build examples/posts -o TMP -q (subprocess wall, median of 5)")
        print(f"    {f'{fresh} of {n_posts} posts up to date':<44} {noop:>8.3f} s  target <1 s  "
              f"{verdict(noop < NOOP_TARGET_S)}")
    print()
    print("Summary")
    rows = [
        ("HTML, one post, warm", f"{t_html:.1f} ms", "<20 ms", t_html < HTML_TARGET_MS),
        ("PDF, jdgen / raw WeasyPrint", f"{ratio:.2f}", "≤1.15", ratio <= PDF_RATIO_TARGET),
        ("folder build speed-up -j2 vs -j1", f"{speedup:.2f}×", "≥1.7×", speedup >= SPEEDUP_TARGET),
        ("no-op rebuild", f"{noop:.2f} s", "<1 s", noop < NOOP_TARGET_S),
    ]
    for name, value, target, ok in rows:
        print(f"    {name:<34} {value:>9}  {target:>7}  {verdict(ok)}")


if __name__ == "__main__":
    main()
