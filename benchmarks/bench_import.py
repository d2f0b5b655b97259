"""Benchmark: `jdgen import`, how well it matches and how fast it reads.

Measures, and prints:

(a) accuracy on the labelled set (tests/fixtures/import/labels.yaml: six job descriptions in six
    layouts, the right item or null for each duty decided before the matcher was written): the
    share of duties whose match (after the threshold) is the labelled item, per format and overall,
    and every duty it gets wrong with its best candidates. No target: the figure is reported.
(b) time per document, in this process after one warm-up (library loaded, matcher fitted): read,
    structure, match and make the post, median of 5, per labelled file.
(c) `jdgen import` of 100 Word files (50 copies of each .docx fixture) in a fresh process, wall
    time including Python start-up, imports, fitting the matcher and writing 100 posts; median of
    3. Target: < 30 s on 2 cores.

Generated files go to a tempfile.TemporaryDirectory and are removed afterwards.

Run from the project root:  .venv/bin/python benchmarks/bench_import.py
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml
from _common import ROOT, median_ms, print_header, print_missed, print_summary, run_jdgen

from jdgen.importing.readers import SUFFIXES
from jdgen.importing.run import import_file
from jdgen.workspace import load_workspace

FIXTURES = ROOT / "tests" / "fixtures" / "import"
TARGET_S = 30.0


def accuracy() -> float:
    labels = yaml.safe_load((FIXTURES / "labels.yaml").read_text(encoding="utf-8"))
    workspace = load_workspace(ROOT)
    per_format: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong = []
    print("(a) matches against the labels")
    for name, label in labels.items():
        result = import_file(FIXTURES / "labelled" / name, workspace)
        kind = SUFFIXES[Path(name).suffix]
        for m, want in zip(result.matches, label["duties"], strict=True):
            got = m.match.ref if m.match else None
            per_format[kind][1] += 1
            if got == want["match"]:
                per_format[kind][0] += 1
            else:
                best = ", ".join(f"{c.ref} {c.score:.2f}" for c in ([m.best] if m.best else []) + list(m.alternatives))
                wrong.append(f"    {name}: '{want['text'][:60]}…' want {want['match']}, got {got} ({best})")
    for kind, (right, total) in per_format.items():
        print(f"    {kind:<10} {right:>3} of {total:<3} {right / total:.3f}")
    right = sum(r for r, _ in per_format.values())
    total = sum(t for _, t in per_format.values())
    print(f"    {'overall':<10} {right:>3} of {total:<3} {right / total:.3f}")
    print("  wrong:")
    print("\n".join(wrong) or "    none")
    print()
    return right / total


def per_document() -> None:
    workspace = load_workspace(ROOT)
    print("(b) time per document, in process (median of 5, after a warm-up)")
    for path in sorted((FIXTURES / "labelled").iterdir()):
        import_file(path, workspace)
        print(f"    {path.name:<32} {median_ms(lambda p=path: import_file(p, workspace), 5):7.1f} ms")
    print()


def hundred_word_files() -> float:
    print("(c) jdgen import of 100 Word files, fresh process (median of 3)")
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = sorted((FIXTURES / "labelled").glob("*.docx"))
        files = []
        for i in range(100):
            target = folder / "in" / f"jd-{i:03}.docx"
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(sources[i % len(sources)], target)
            files.append(str(target))
        for run in range(3):
            out = folder / f"posts-{run}"
            elapsed, _ = run_jdgen(["-w", tmp, "import", *files, "-o", str(out), "--format", "json"])
            assert len(list(out.glob("*.yaml"))) == 100
            times.append(elapsed)
    median = statistics.median(times)
    print(f"    {median:.2f} s in all, {median * 10:.0f} ms a document (runs: {', '.join(f'{t:.2f}' for t in times)})")
    print_missed(median, TARGET_S, "s", 2)
    print()
    return median


def main() -> None:
    print_header("import")
    share = accuracy()
    per_document()
    seconds = hundred_word_files()
    print_summary([("labelled duties matched right", f"{share:.3f}", "(info)", True),
                   ("100 Word files, fresh process", f"{seconds:.2f} s", f"< {TARGET_S:.0f} s", seconds < TARGET_S)])


if __name__ == "__main__":
    main()
