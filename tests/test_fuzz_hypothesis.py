"""Property-based fuzzing (Hypothesis) of every kind of input file through the real CLI.

Mutated example posts, a workspace cluster file, a workspace `jdgen.yaml` and a filled-in checklist
CSV go through `validate`, `build -f html,md,json` and `gap` in-process. Whatever the input, the
outcome must be a clean message and exit 0, 1 or 2: no exception but SystemExit may escape, and no
traceback or "internal error" may be printed. Bounded (few examples, fixed seed, no database) so
the suite stays quick; Hypothesis shrinks any failure to a minimal mutation."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jdgen.cli import main

ROOT = Path(__file__).parent.parent
POSTS = sorted((ROOT / "examples" / "posts").glob("*.yaml"))
PWP = ROOT / "examples" / "posts" / "pwp.yaml"
GOOD_WS = ROOT / "tests" / "fixtures" / "good"
CLUSTER = "clusters/local-duties/01-front-desk.yaml"
CONFIG = """\
organisation: Northfield Mind
colours:
  primary: "#7C2855"
  accent: "#330072"
clauses:
  flexibility: Our own flexibility clause.
  no_smoking: ""
  hybrid_working: Staff may work from home up to two days a week.
formats: [html, md]
full_time_hours: 37.5
about: Northfield Mind runs talking therapies services.
profile: jd
"""

FUZZ = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

SCALARS = [".nan", ".inf", "-.inf", "1e309", "5.0e-324", "1" * 40, "-1", "0", "true", "null", "~", "[]", "{}",
           "'a: b'", "a: b", "x\ty", "[unclosed", "{a: [1, 2}", "]", "&a", "*a", "!!python/object:os.system"]
INSERTS = ["\x00", "\x01", "\t", "\u0085", "\ufeff", "\r", "\x1b[31m", ": ", "- ", "[", "]", "{", "}", "#", "\"",
           "'", ",", ";", "=cmd|' /C calc'!A0", "\n  - \n", "\n" + "[" * 200 + "]" * 200 + "\n"]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """`text` after one to three random line or character mutations."""
    for _ in range(draw(st.integers(1, 3))):
        lines = text.splitlines() or [""]
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "scalar", "truncate", "random"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(draw(st.integers(0, len(lines))), lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "scalar":
            value = draw(st.sampled_from(SCALARS) | st.floats().map(repr) | st.integers().map(str))
            sep = ": " if ": " in lines[i] else ","
            lines[i] = lines[i].split(sep)[0] + sep + value
        elif kind in ("insert", "random"):
            pos = draw(st.integers(0, len(text)))
            extra = draw(st.sampled_from(INSERTS)) if kind == "insert" else draw(st.text(max_size=12))
            text = text[:pos] + extra + text[pos:]
            continue
        else:
            text = text[: draw(st.integers(0, len(text)))]
            continue
        text = "\n".join(lines) + "\n"
    return text


def _filled_checklist() -> str:
    """The pwp checklist as `jdgen checklist -f csv` writes it, filled in by one person."""
    with tempfile.TemporaryDirectory() as tmp:
        result = CliRunner().invoke(main, ["checklist", "--post", str(PWP), "-f", "csv", "-o", tmp])
        assert result.exit_code == 0, result.output
        (path,) = Path(tmp).glob("*.csv")
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    for n, row in enumerate(rows[1:]):
        writer.writerow(["Ann Example", row[1], str(n % 4), "", row[4]])
    return out.getvalue()


CHECKLIST = _filled_checklist()


@contextmanager
def _workspace() -> Iterator[Path]:
    """A fresh workspace per example (Hypothesis reuses function-scoped fixtures across examples)."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        shutil.copytree(GOOD_WS, ws)
        (ws / "jdgen.yaml").write_text(CONFIG, encoding="utf-8")
        yield ws


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")


def _assert_clean(args: list[str], text: str) -> None:
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    shown = f"{args}\n--- input ---\n{text}\n--- output ---\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        (repr(result.exception), shown)
    assert result.exit_code in (0, 1, 2), shown
    assert "Traceback" not in result.output and "internal error" not in result.output, shown


def _validate_and_build(ws: Path, post: Path, text: str) -> None:
    _assert_clean(["validate", "-w", str(ws), str(post)], text)
    _assert_clean(["build", "-w", str(ws), str(post), "-o", str(ws / "out"), "-f", "html,md,json"], text)


@FUZZ
@given(data=st.data(), post=st.sampled_from(POSTS))
def test_mutated_example_post(data: st.DataObject, post: Path) -> None:
    text = data.draw(mutated(post.read_text(encoding="utf-8")), label="post")
    with _workspace() as ws:
        target = ws / post.name
        _write(target, text)
        _validate_and_build(ws, target, text)


@FUZZ
@given(text=mutated((GOOD_WS / CLUSTER).read_text(encoding="utf-8")))
def test_mutated_workspace_cluster(text: str) -> None:
    with _workspace() as ws:
        _write(ws / CLUSTER, text)
        _validate_and_build(ws, PWP, text)


@FUZZ
@given(text=mutated(CONFIG))
def test_mutated_jdgen_yaml(text: str) -> None:
    with _workspace() as ws:
        _write(ws / "jdgen.yaml", text)
        _validate_and_build(ws, PWP, text)


@FUZZ
@given(text=mutated(CHECKLIST))
def test_mutated_checklist_csv(text: str) -> None:
    with _workspace() as ws:
        _write(ws / "ann.csv", text)
        _assert_clean(["gap", "-w", str(ws), "--post", str(PWP), "--assessments", str(ws / "ann.csv"),
                       "-o", str(ws / "out"), "-f", "html,csv,json"], text)


def test_the_unmutated_inputs_are_valid() -> None:
    """The fuzzing starts from valid files, so a mutation is what makes any error."""
    with _workspace() as ws:
        _write(ws / "ann.csv", CHECKLIST)
        for args in (["validate", "-w", str(ws), str(PWP)],
                     ["gap", "-w", str(ws), "--post", str(PWP), "--assessments", str(ws / "ann.csv"),
                      "-o", str(ws / "out"), "-f", "json"]):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
