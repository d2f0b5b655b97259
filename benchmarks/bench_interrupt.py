"""How fast a folder build stops on Ctrl-C (target: about a second).

Builds 40 copies of the fixture post as PDF with two workers, sends SIGINT once the first PDF is
written, and prints the time from the signal to the process's exit, the exit code and what was
left in the output folder. The test suite checks the behaviour (exit 130, no partial file, workers
gone) with a generous wait; the figure is measured here.

Run from the project root: .venv/bin/python benchmarks/bench_interrupt.py
"""

from __future__ import annotations

import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, print_header, verdict

RUNS = 3
TARGET_S = 1.5


def one_run() -> tuple[float, int, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "posts").mkdir()
        (folder / "ws").mkdir()
        for n in range(40):
            shutil.copy(ROOT / "tests" / "fixtures" / "posts" / "good.yaml", folder / "posts" / f"post{n:02d}.yaml")
        proc = subprocess.Popen([sys.executable, "-m", "jdgen", "-w", "ws", "build", "posts", "-o", "out",
                                 "-f", "pdf", "-j", "2", "-q"], cwd=folder,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = folder / "out"
        while proc.poll() is None and not any(out.glob("*.pdf")):
            time.sleep(0.02)
        start = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
        stopped = time.perf_counter() - start
        built = len(list(out.glob("*.pdf")))
        temps = len(list(out.glob("*.tmp")))
    return stopped, code, built, temps


def main() -> None:
    print_header("interrupt")
    runs = [one_run() for _ in range(RUNS)]
    median = statistics.median(r[0] for r in runs)
    for stopped, code, built, temps in runs:
        print(f"    stopped {stopped:5.2f} s after SIGINT  exit {code}  {built:2d} of 40 PDFs whole  {temps} .tmp left")
    print(f"Ctrl-C to exit, median of {RUNS}: {median:.2f} s  target ≤ {TARGET_S} s  {verdict(median <= TARGET_S)}")


if __name__ == "__main__":
    main()
