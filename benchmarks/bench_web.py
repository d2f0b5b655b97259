"""Benchmark: the web app (`jdgen serve`), through Flask's test client (no network).

Measures, and prints against each target (issue 10, §6):

(a) preview: POST /compose/check with the Compose form of examples/posts/pwp.yaml (check + resolve
    + HTML preview + every field's messages, what the page asks for as you type), and
    POST /api/render?format=html with the post as JSON; after 3 warm-ups, p95 of 40 requests each.
    Target: p95 < 100 ms.
(b) PDF: POST /api/render?format=pdf against `build_post` (what `jdgen build -f pdf` runs for one
    post, in process, library already loaded), both warm; median of 3 alternating runs.
    Target: web / build < 1.5.
(c) library page: GET /library for all bundled frameworks: cold (the page's data built from the
    loaded library and checked posts, which `jdgen serve` loads before it serves) and warm (the
    data cached per workspace state), median of 10 warm requests. Target: < 300 ms (both). Also
    shown: the very first request of an app that has loaded nothing yet.

Run from the project root:  .venv/bin/python benchmarks/bench_web.py
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, print_header, print_summary

sys.path.insert(0, str(ROOT / "tests"))
ORIGIN = "http://localhost"


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    from test_web_pages import form_of

    from jdgen.build import BuildOptions, build_post
    from jdgen.web import create_app
    from jdgen.workspace import load_workspace

    print_header("web")
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        shutil.copytree(ROOT / "examples" / "posts", ws / "posts")
        app = create_app(ws)
        client = app.test_client()
        t_first = timed(lambda: client.get("/library", base_url=ORIGIN))
        app = create_app(ws)  # as `jdgen serve` starts: library loaded and posts checked before serving
        app.extensions["jdgen"].post_states()
        client = app.test_client()
        t_library_cold = timed(lambda: client.get("/library", base_url=ORIGIN))
        library_warm = [timed(lambda: client.get("/library", base_url=ORIGIN)) for _ in range(10)]
        token = client.get("/api/session", base_url=ORIGIN).get_json()["csrf_token"]
        headers = {"Origin": ORIGIN, "X-CSRF-Token": token}
        form = form_of(client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True))
        data = client.get("/api/posts/pwp", base_url=ORIGIN).get_json()

        def check() -> None:
            r = client.post("/compose/check", data=form, base_url=ORIGIN, headers=headers)
            assert r.status_code == 200 and b"iframe" in r.data

        def render(fmt: str) -> None:
            r = client.post(f"/api/render?format={fmt}", json=data, base_url=ORIGIN, headers=headers)
            assert r.status_code == 200

        for _ in range(3):
            check()
            render("html")
        checks = [timed(check) for _ in range(40)]
        htmls = [timed(lambda: render("html")) for _ in range(40)]

        options = BuildOptions(out=ws / "out", formats=("pdf",))
        workspace = load_workspace(ws)
        post = ws / "posts" / "pwp.yaml"
        render("pdf")
        build_post(post, workspace, options)
        web_pdf, build_pdf = [], []
        for _ in range(3):
            web_pdf.append(timed(lambda: render("pdf")))
            build_pdf.append(timed(lambda: build_post(post, workspace, options)))

    ms = 1000
    print("(a) preview as you type (POST /compose/check, the pwp form)")
    print(f"    median {statistics.median(checks) * ms:.1f} ms, p95 {p95(checks) * ms:.1f} ms (40 requests)")
    print("    POST /api/render?format=html (pwp as JSON)")
    print(f"    median {statistics.median(htmls) * ms:.1f} ms, p95 {p95(htmls) * ms:.1f} ms (40 requests)")
    ratio = statistics.median(web_pdf) / statistics.median(build_pdf)
    print("(b) PDF of pwp: POST /api/render?format=pdf vs build_post (jdgen build's per-post work)")
    print(f"    web {statistics.median(web_pdf):.2f} s, build {statistics.median(build_pdf):.2f} s, "
          f"ratio {ratio:.2f}")
    print("(c) GET /library (all bundled frameworks)")
    print(f"    cold {t_library_cold * ms:.0f} ms, warm median {statistics.median(library_warm) * ms:.1f} ms; "
          f"first request of an app that has loaded nothing yet {t_first * ms:.0f} ms")
    print()
    print_summary([
        ("preview p95 (compose/check)", f"{p95(checks) * ms:.1f} ms", "< 100 ms", p95(checks) < 0.1),
        ("preview p95 (api/render html)", f"{p95(htmls) * ms:.1f} ms", "< 100 ms", p95(htmls) < 0.1),
        ("PDF web / build", f"{ratio:.2f}", "< 1.5", ratio < 1.5),
        ("library page, cold", f"{t_library_cold * ms:.0f} ms", "< 300 ms", t_library_cold < 0.3),
        ("library page, warm", f"{statistics.median(library_warm) * ms:.1f} ms", "< 300 ms",
         statistics.median(library_warm) < 0.3),
    ], value_width=10, target_width=9)


if __name__ == "__main__":
    main()
