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
    as PDF/UA-1 (`pdf_variant="pdf/ua-1"`, tagged, as jdgen asks) to show how much of any gap is
    tagging rather than jdgen's own code.
(c) `jdgen build examples/posts -o TMP --force -q -j 1` against `-j 2` (html,pdf, subprocess wall
    time, best of 2 each, alternating). Target: speed-up ≥ 1.7×.
(d) a rebuild with nothing changed, `jdgen build examples/posts -o TMP -q` (subprocess wall time,
    median of 5, after checking that every post reports "up to date"). Target: < 1 s.

Output files go to a tempfile.TemporaryDirectory and are removed afterwards.

Run from the project root:  .venv/bin/python benchmarks/bench_build.py
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path
from typing import Any

from _common import ROOT, median_ms, print_header, print_summary, run_jdgen, timed, verdict

POSTS = ROOT / "examples" / "posts"
POST = POSTS / "pwp.yaml"
HTML_RUNS = 20
PDF_RUNS = 5
HTML_TARGET_MS = 20.0
PDF_RATIO_TARGET = 1.15
SPEEDUP_TARGET = 1.7
NOOP_TARGET_S = 1.0


def main() -> None:
    from jdgen.build import render_format
    from jdgen.errors import Collector
    from jdgen.posts import load_post, resolve
    from jdgen.workspace import load_workspace

    print_header("build")
    workspace = load_workspace(ROOT)

    def resolve_post() -> Any:
        doc, problems = load_post(POST)
        assert doc is not None, problems
        out = Collector()
        post = resolve(doc, workspace, out, name=POST.stem)
        out.raise_if_errors()
        return post

    def html_once() -> str:
        data, _ = render_format(resolve_post(), workspace, "html")
        assert isinstance(data, str)
        return data

    # (a) HTML, warm
    html = html_once()  # warm-up
    t_html = median_ms(html_once, HTML_RUNS)
    post = resolve_post()
    t_resolve = median_ms(resolve_post, HTML_RUNS)
    t_render = median_ms(lambda: render_format(post, workspace, "html"), HTML_RUNS)
    print(f"(a) HTML for one post (examples/posts/pwp.yaml, {len(html):,} characters), warm, "
          f"median of {HTML_RUNS}")
    print(f"    {'load + resolve + render_format(html)':<44} {t_html:>8.2f} ms  target <20 ms  "
          f"{verdict(t_html < HTML_TARGET_MS)}")
    print(f"    {'  (info) load + resolve only':<44} {t_resolve:>8.2f} ms")
    print(f"    {'  (info) render_format(html) only':<44} {t_render:>8.2f} ms")
    print()

    # (b) PDF, warm: jdgen vs raw WeasyPrint on the same HTML
    from jdgen.render.pdf import weasyprint

    HTML = weasyprint().HTML

    def jdgen_pdf() -> bytes:
        data, _ = render_format(post, workspace, "pdf")
        assert isinstance(data, bytes)
        return data

    def raw_pdf() -> bytes:
        return HTML(string=html).write_pdf()  # type: ignore[no-any-return]

    def raw_pdf_tagged() -> bytes:
        return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]

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
    print(f"    {'  (info) raw write_pdf(PDF/UA-1)':<44} {tag:>8.1f} ms")
    print(f"    ratio jdgen / raw = {ratio:.2f}  target ≤1.15  {verdict(ratio <= PDF_RATIO_TARGET)}")
    print(f"    (info) jdgen / raw as PDF/UA-1 = {jd / tag:.2f}")
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
    print_summary([
        ("HTML, one post, warm", f"{t_html:.1f} ms", "<20 ms", t_html < HTML_TARGET_MS),
        ("PDF, jdgen / raw WeasyPrint", f"{ratio:.2f}", "≤1.15", ratio <= PDF_RATIO_TARGET),
        ("folder build speed-up -j2 vs -j1", f"{speedup:.2f}×", "≥1.7×", speedup >= SPEEDUP_TARGET),
        ("no-op rebuild", f"{noop:.2f} s", "<1 s", noop < NOOP_TARGET_S),
    ], target_width=7)


if __name__ == "__main__":
    main()
