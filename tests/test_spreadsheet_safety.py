"""Formula injection: text a spreadsheet would run (`=`, `+`, `-`, `@`, also after spaces, or a
leading tab or carriage return) is written with a leading apostrophe in every CSV and XLSX output;
numbers stay numbers; `jdgen gap` reads such a cell back as the text it was."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from jdgen.cli import main
from jdgen.render.cells import dangerous, neutralise, restore

FIXTURES = Path(__file__).parent / "fixtures"
EVIL_NAMES = ("=1+1", "@SUM(A1)")  # post file stems and job titles: they become row and column headers
EVIL_DUTY = '=HYPERLINK("http://example.invalid","click")'


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"JDGEN_WORKSPACE": None}, catch_exceptions=False)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for source, name in zip(("a.yaml", "b.yaml"), EVIL_NAMES, strict=True):
        text = (FIXTURES / "compare" / source).read_text("utf-8")
        text = text.replace("    - Run the Tuesday drop-in clinic at the town library.\n",
                            f"    - '{EVIL_DUTY.replace(chr(39), chr(39) * 2)}'\n    - ' -2+3'\n")
        text = text.replace(f"title: Wellbeing Practitioner {source[0].upper()}\n", f"title: '{name}'\n")
        (tmp_path / f"{name}.yaml").write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def _csv_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8"))))


def _xlsx_cells(path: Path) -> list[Any]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    cells = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                cells.append(cell.value)
    return cells


def _assert_safe(values: list[Any]) -> None:
    for value in values:
        if isinstance(value, str):
            assert not dangerous(value), value


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "  =cmd", "\t=1", "\r=1", "\tplain", "\rx",
                                   "\n=1"])
def test_dangerous_text_is_neutralised_and_restored(value: str) -> None:
    assert dangerous(value)
    safe = neutralise(value)
    assert safe == "'" + value and not dangerous(safe)
    assert restore(safe) == value


@pytest.mark.parametrize("value", ["plain", "a=b", "'quoted", "", "C1", " spaced"])
def test_harmless_text_and_numbers_are_unchanged(value: str) -> None:
    assert neutralise(value) == value
    assert restore(value) == value
    assert neutralise(-1.5) == -1.5 and neutralise(-3) == -3


def test_compare_csv(here: Path) -> None:
    _ok(run("compare", *(f"{n}.yaml" for n in EVIL_NAMES), "--format", "csv", "-o", "c.csv"))
    rows = _csv_cells(here / "c.csv")
    _assert_safe([c for r in rows for c in r])
    assert rows[0][2:] == ["'=1+1", "'@SUM(A1)"]


def test_compare_matrix_csv(here: Path) -> None:
    text = (FIXTURES / "compare" / "band5.yaml").read_text("utf-8")
    (here / "-band5.yaml").write_text(text.replace("title: Band 5 Practitioner\n", "title: '-band5'\n"), "utf-8")
    _ok(run("compare", *(f"{n}.yaml" for n in EVIL_NAMES), "./-band5.yaml", "--format", "csv", "--order", "file",
            "-o", "c.csv"))
    rows = _csv_cells(here / "c.csv")
    _assert_safe([c for r in rows for c in r])
    assert rows[0] == ["post", "'=1+1", "'@SUM(A1)", "'-band5"]
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'@SUM(A1)", "'-band5"]
    assert float(rows[1][1]) == 1.0


def test_compare_xlsx(here: Path) -> None:
    _ok(run("compare", *(f"{n}.yaml" for n in EVIL_NAMES), "--format", "xlsx", "-o", "c.xlsx"))
    cells = _xlsx_cells(here / "c.xlsx")
    _assert_safe(cells)
    assert "'=1+1" in cells and "'@SUM(A1)" in cells
    assert 1.0 in cells  # the diagonal of the similarity matrix is still a number


def test_coverage_csv_and_xlsx(here: Path) -> None:
    posts = [f"{n}.yaml" for n in EVIL_NAMES]
    _ok(run("coverage", *posts, "--format", "csv", "-o", "c.csv"))
    rows = _csv_cells(here / "c.csv")
    _assert_safe([c for r in rows for c in r])
    assert rows[0][2:4] == ["'=1+1", "'@SUM(A1)"]
    _ok(run("coverage", *posts, "--format", "xlsx", "-o", "c.xlsx"))
    cells = _xlsx_cells(here / "c.xlsx")
    _assert_safe(cells)
    assert "'=1+1" in cells and 1 in cells


def test_checklist_csv_and_xlsx(here: Path) -> None:
    _ok(run("checklist", "--post", "=1+1.yaml", "-f", "csv,xlsx", "-o", "out"))
    rows = _csv_cells(here / "out" / "=1+1-checklist.csv")
    _assert_safe([c for r in rows for c in r])
    statements = [r[4] for r in rows[1:]]
    assert "'" + EVIL_DUTY + "." in statements and "'-2+3." in statements
    cells = _xlsx_cells(here / "out" / "=1+1-checklist.xlsx")
    _assert_safe(cells)
    assert "'" + EVIL_DUTY + "." in cells


def test_gap_csv_and_reading_neutralised_cells_back(here: Path) -> None:
    """A checklist jdgen wrote, filled in by someone called '=evil' (which a careful spreadsheet saves
    as "'=evil"), read by gap: the person is '=evil' again in JSON, and neutralised again in CSV."""
    shutil.copy(FIXTURES / "training" / "team-post.yaml", here / "team-post.yaml")
    _ok(run("checklist", "--post", "team-post.yaml", "-f", "csv", "-o", "out"))
    rows = _csv_cells(here / "out" / "team-post-checklist.csv")
    filled = [rows[0]] + [["'=evil", r[1], "1", "'- needs practice", r[4]] for r in rows[1:]]
    (here / "team").mkdir()
    with (here / "team" / "evil.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(filled)
    _ok(run("gap", "--post", "team-post.yaml", "--assessments", "team", "-f", "json,csv", "-o", "out"))
    data = json.loads((here / "out" / "team-post-gap.json").read_text("utf-8"))
    assert [p["person"] for p in data["people"]] == ["=evil"]
    assert {b["comment"] for b in data["below_level"]} == {"- needs practice"}
    gap_rows = _csv_cells(here / "out" / "team-post-gap.csv")
    _assert_safe([c for r in gap_rows for c in r])
    assert {r[3] for r in gap_rows[1:]} == {"'=evil"}
    assert all(r[2].isdigit() for r in gap_rows[1:])
