"""Bad input files through the real CLI: each gives positioned messages and exit 1, never a crash
or a traceback (issue 11, §2 and §5)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, Invoke

INPUT = FIXTURES / "input"
EXAMPLES = Path(__file__).parent.parent / "examples" / "posts"
DEEP = "lists and mappings are nested more than 100 levels deep"


@pytest.fixture
def here(tmp_path: Path) -> Path:
    """An empty workspace as the current folder."""
    old = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path  # type: ignore[misc]
    os.chdir(old)


def _no_traceback(output: str) -> None:
    assert "Traceback" not in output
    assert "internal error" not in output


# --- §2 too-deep nesting -------------------------------------------------------------------------


def test_deep_nesting_validate(jdgen: Invoke, here: Path) -> None:
    result = jdgen("validate", str(INPUT / "deep.yaml"))
    assert result.exit_code == 1
    assert f"deep.yaml:1:101: error: {DEEP}" in result.stderr
    _no_traceback(result.output)


def test_deep_nesting_build_single(jdgen: Invoke, here: Path) -> None:
    result = jdgen("build", str(INPUT / "deep.yaml"), "-o", "out", "-f", "json")
    assert result.exit_code == 1
    assert f"deep.yaml:1:101: error: {DEEP}" in result.stderr
    _no_traceback(result.output)


def test_deep_nesting_build_folder_still_builds_the_others(jdgen: Invoke, here: Path) -> None:
    result = jdgen("build", str(INPUT / "deep-folder"), "-o", "out", "-f", "json", "-j", "2")
    assert result.exit_code == 1
    assert f"b-deep.yaml:1:101: error: {DEEP}" in result.stderr
    assert "1 of 3 post(s) not built" in result.stderr
    assert sorted(p.name for p in (here / "out").glob("[!.]*.json")) == ["a-good.json", "c-good.json"]
    _no_traceback(result.output)


def test_deep_nesting_compare(jdgen: Invoke, here: Path) -> None:
    result = jdgen("compare", str(INPUT / "deep.yaml"), str(EXAMPLES / "pwp.yaml"), str(EXAMPLES / "gsh-worker.yaml"),
                   "--format", "json")
    assert result.exit_code == 1
    assert f"deep.yaml:1:101: error: {DEEP}" in result.stderr
    assert len(json.loads(result.stdout)["posts"]) == 2  # the other two are still compared
    _no_traceback(result.output)


def test_deep_nesting_in_a_cluster_file_blames_the_cluster(jdgen: Invoke, here: Path) -> None:
    shutil.copytree(INPUT / "deep-cluster", here / "ws")
    result = jdgen("-w", "ws", "build", str(EXAMPLES / "pwp.yaml"), "-o", "out", "-f", "json")
    assert result.exit_code == 1
    assert f"99-deep.yaml:1:101: error: {DEEP}" in result.stderr
    assert "pwp.yaml" not in result.stderr
    _no_traceback(result.output)


@pytest.mark.parametrize("name", ["jdgen.yaml", "clusters/iapt-li/99-deep.yaml"])
def test_deep_nesting_in_workspace_files_validate(jdgen: Invoke, here: Path, name: str) -> None:
    target = here / "ws" / name
    target.parent.mkdir(parents=True)
    target.write_text("a:\n" + "  " + "{" * 3000 + "}" * 3000 + "\n", encoding="utf-8")
    result = jdgen("-w", "ws", "validate")
    assert result.exit_code == 1
    assert f"{Path(name).name}:2:" in result.stderr and DEEP in result.stderr
    _no_traceback(result.output)


def test_deep_block_nesting(jdgen: Invoke, here: Path) -> None:
    (here / "p.yaml").write_text("- " * 25000 + "x\n", encoding="utf-8")
    result = jdgen("validate", "p.yaml")
    assert result.exit_code == 1
    assert f"p.yaml:1:201: error: {DEEP}" in result.stderr


# --- §2 values: huge integers, bad tags, numbers that are not numbers, control characters ---------


def _post(here: Path, replace: str, by: str, name: str = "p.yaml") -> Path:
    # a frozen copy of the pwp example, so that content reviews of the example do not move these fixtures
    text = (Path(__file__).parent / "fixtures" / "web" / "pwp.yaml").read_text(encoding="utf-8")
    assert replace in text
    (here / name).write_text(text.replace(replace, by, 1), encoding="utf-8")
    return here / name


@pytest.mark.parametrize(("replace", "by", "where", "message"), [
    ("title: Psychological Wellbeing Practitioner", "title: " + "1" * 4301, "p.yaml:3:8",
     "'11111111111111111111…' is not a valid int"),
    ("grade: Band 5", "grade: !!float x", "p.yaml:6:8", "'x' is not a valid float"),
    ("grade: Band 5", "grade: !!bool x", "p.yaml:6:8", "'x' is not a valid bool"),
    ("hours_per_week: 37.5", "hours_per_week: .nan", "p.yaml:8:17", "'.nan' is not a finite number"),
    ("hours_per_week: 37.5", "hours_per_week: .inf", "p.yaml:8:17", "'.inf' is not a finite number"),
    ("hours_per_week: 37.5", "hours_per_week: 5.0e-324", "p.yaml:8:17",
     "hours_per_week must be at least 1; got 5e-324"),
    ("hours_per_week: 37.5", "hours_per_week: 169", "p.yaml:8:17", "hours_per_week must be at most 48; got 169"),
    ("title: Psychological Wellbeing Practitioner", 'title: "Psychological\\x01 Wellbeing"', "p.yaml:3:8",
     "control character U+0001 in text"),
])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_bad_values_in_a_post(jdgen: Invoke, here: Path, replace: str, by: str, where: str, message: str,
                              command: str) -> None:
    _post(here, replace, by)
    args = ["build", "p.yaml", "-o", "out", "-f", "json"] if command == "build" else ["validate", "p.yaml"]
    result = jdgen(*args)
    assert result.exit_code == 1
    assert f"{where}: error: {message}" in result.stderr
    assert not (here / "out" / "p.json").exists()
    _no_traceback(result.output)


def test_control_character_in_a_local_duty(jdgen: Invoke, here: Path) -> None:
    (here / "p.yaml").write_text('title: Draft\nduties:\n  local:\n    - "Ring the \\a bell"\n', encoding="utf-8")
    result = jdgen("validate", "p.yaml")
    assert result.exit_code == 1
    assert "p.yaml:4:7: error: control character U+0007 in text" in result.stderr


@pytest.mark.parametrize(("line", "message"), [
    ("hours: !!float x", "'x' is not a valid float"),
    ("hours: .nan", "'.nan' is not a finite number"),
    ("hours: 1.0e+300", "hours must be at most 1000; got 1e+300"),
])
def test_bad_value_in_a_cluster_is_blamed_on_the_cluster(jdgen: Invoke, here: Path, line: str,
                                                          message: str) -> None:
    folder = here / "clusters" / "iapt-li"
    folder.mkdir(parents=True)
    (folder / "90-local.yaml").write_text(
        f"framework: iapt-li\ncode: LX\ntitle: Local extras\n{line}\nitems:\n"
        "  - id: LX1\n    kind: duty\n    text: Keep the local rota up to date.\n", encoding="utf-8")
    result = jdgen("build", str(EXAMPLES / "pwp.yaml"), "-o", "out", "-f", "json")
    assert result.exit_code == 1
    assert f"clusters/iapt-li/90-local.yaml:4:8: error: {message}" in result.stderr
    assert "pwp.yaml" not in result.stderr
    _no_traceback(result.output)


# --- §5 every problem of a file in one run --------------------------------------------------------


def test_every_schema_error_and_the_reference_checks_in_one_run(jdgen: Invoke, here: Path) -> None:
    result = jdgen("validate", str(INPUT / "three-problems.yaml"))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [e.split("three-problems.yaml:", 1)[1] for e in errors] == [
        "9:1: error: unknown key 'sumary'",
        "10:1: error: unknown key 'bsae'",
        "14:9: error: unknown item 'ZZ99' in iapt-li",
    ]
    assert "hint: did you mean 'summary'?" in result.stderr
    assert "hint: did you mean 'base'?" in result.stderr


def test_build_reports_the_same_three_problems(jdgen: Invoke, here: Path) -> None:
    result = jdgen("build", str(INPUT / "three-problems.yaml"), "-o", "out", "-f", "json")
    assert result.exit_code == 1
    assert sum(": error: " in line for line in result.stderr.splitlines()) == 3


# --- §5 drafts: a title and duties are enough ----------------------------------------------------

DRAFT_A = str(INPUT / "drafts" / "draft-a.yaml")
DRAFT_B = str(INPUT / "drafts" / "draft-b.yaml")
DRAFT_WARNING = "warning: draft: no organisation, grade, hours_per_week, contract, base, responsible_to, " \
                "accountable_to, summary yet"


def test_validate_accepts_a_draft_with_a_warning(jdgen: Invoke, here: Path) -> None:
    result = jdgen("validate", DRAFT_A)
    assert result.exit_code == 0, result.output
    assert f"draft-a.yaml:1:1: {DRAFT_WARNING}" in result.stderr


def test_validate_strict_refuses_a_draft(jdgen: Invoke, here: Path) -> None:
    result = jdgen("validate", "--strict", DRAFT_A)
    assert result.exit_code == 1
    assert DRAFT_WARNING in result.stderr


def test_compare_compares_two_drafts(jdgen: Invoke, here: Path) -> None:
    result = jdgen("compare", DRAFT_A, DRAFT_B, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [p["name"] if isinstance(p, dict) else p for p in report["posts"]] == ["draft-a", "draft-b"]
    assert "None" not in result.stdout


def test_coverage_of_drafts(jdgen: Invoke, here: Path) -> None:
    result = jdgen("coverage", DRAFT_A, DRAFT_B, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "None" not in result.stdout


@pytest.mark.parametrize("args", [
    ["curriculum", "--post", DRAFT_A, "-f", "json,html"],
    ["checklist", "--post", DRAFT_A, "-f", "csv,html"],
])
def test_training_commands_on_a_draft(jdgen: Invoke, here: Path, args: list[str]) -> None:
    result = jdgen(*args, "-o", "out")
    assert result.exit_code == 0, result.output
    written = list((here / "out").iterdir())
    assert written
    for f in written:
        assert "None" not in f.read_text(encoding="utf-8")


def test_gap_on_a_draft(jdgen: Invoke, here: Path) -> None:
    assert jdgen("checklist", "--post", DRAFT_B, "-f", "csv", "-o", "tmpl").exit_code == 0
    rows = (here / "tmpl" / "draft-b-checklist.csv").read_text(encoding="utf-8").splitlines()
    filled = [rows[0]] + ["Ann," + r.split(",", 2)[1] + ",1," for r in rows[1:]]
    (here / "ann.csv").write_text("\n".join(filled) + "\n", encoding="utf-8")
    result = jdgen("gap", "--post", DRAFT_B, "--assessments", "ann.csv", "-f", "json", "-o", "out")
    assert result.exit_code == 0, result.output
    report = json.loads((here / "out" / "draft-b-gap.json").read_text(encoding="utf-8"))
    assert report["people"][0]["person"] == "Ann"


def test_build_of_a_draft_omits_what_is_missing(jdgen: Invoke, here: Path) -> None:
    result = jdgen("build", DRAFT_A, "-o", "out", "-f", "html,md,json,docx")
    assert result.exit_code == 0, result.output
    assert DRAFT_WARNING in result.stderr
    for name in ("draft-a.html", "draft-a.md", "draft-a.json"):
        text = (here / "out" / name).read_text(encoding="utf-8")
        assert "None" not in text and "nan" not in text.split()
    data = json.loads((here / "out" / "draft-a.json").read_text(encoding="utf-8"))
    assert data["title"] == "Psychological Wellbeing Practitioner (draft)"
    assert "grade" not in data["terms"]


def test_build_strict_refuses_a_draft(jdgen: Invoke, here: Path) -> None:
    result = jdgen("build", "--strict", DRAFT_A, "-o", "out", "-f", "json")
    assert result.exit_code == 1
    assert not (here / "out" / "draft-a.json").exists()


# --- §5 messages people can act on ---------------------------------------------------------------


@pytest.mark.parametrize(("key", "hint"), [
    ("sumary", "hint: did you mean 'summary'?"),
    ("pension", "hint: allowed keys: title, "),  # not 'supervision': they only share letters
])
def test_did_you_mean_only_for_close_names(jdgen: Invoke, here: Path, key: str, hint: str) -> None:
    _post(here, "reference: RNT-PWP-001", f"{key}: yes")
    result = jdgen("validate", "p.yaml")
    assert result.exit_code == 1
    assert f"p.yaml:19:1: error: unknown key '{key}'" in result.stderr
    assert hint in result.stderr
    assert "supervision'?" not in result.stderr


def test_a_number_where_text_is_needed_says_to_quote_it(jdgen: Invoke, here: Path) -> None:
    _post(here, "grade: Band 5", "grade: 29")
    result = jdgen("validate", "p.yaml")
    assert result.exit_code == 1
    assert "p.yaml:6:8: error: grade must be text, not the number 29\n" \
           '  hint: put it in quotes to make it text: grade: "29"' in result.stderr


def test_logo_that_does_not_exist(jdgen: Invoke, here: Path) -> None:
    (here / "jdgen.yaml").write_text("organisation: Riverside NHS Foundation Trust\nlogo: images/logo.png\n",
                                     encoding="utf-8")
    result = jdgen("validate")
    assert result.exit_code == 1
    assert "jdgen.yaml:2:7: error: logo 'images/logo.png' does not exist" in result.stderr


def test_long_values_are_shortened_in_messages(jdgen: Invoke, here: Path) -> None:
    _post(here, "add: [W1, RA1]", "add: [W1, RA1, " + "X" * 1_000_000 + "]")
    result = jdgen("validate", "p.yaml")
    assert result.exit_code == 1
    line = next(x for x in result.stderr.splitlines() if "unknown item" in x)
    assert line.endswith("error: unknown item '" + "X" * 59 + "…' in iapt-li")
    assert len(result.stderr) < 2_000


@pytest.mark.parametrize(("name", "options", "expected"), [
    ("sumary", ["summary", "supervision"], "did you mean 'summary'?"),
    ("bsae", ["base", "grade"], "did you mean 'base'?"),
    ("ipz", ["ips", "iapt-li"], "did you mean 'ips'?"),
    ("pension", ["supervision", "summary", "title"], ""),
    ("xyz", ["ips", "esc"], ""),
])
def test_suggest_only_close_names(name: str, options: list[str], expected: str) -> None:
    from jdgen.schema import suggest

    assert suggest(name, options) == expected


# --- §2/§5 assessments -----------------------------------------------------------------------------

TEAM_POST = str(FIXTURES / "training" / "team-post.yaml")
TEAM = FIXTURES / "training" / "team"


def _gap(jdgen: Invoke, *files: str) -> tuple[int, str]:
    args = ["gap", "--post", TEAM_POST]
    for f in files:
        args += ["--assessments", f]
    result = jdgen(*args, "-f", "json", "-o", "out")
    _no_traceback(result.output)
    return result.exit_code, result.stderr


def test_csv_field_over_the_limit(jdgen: Invoke, here: Path) -> None:
    (here / "a.csv").write_text("person,item,rating,comment\nann,C1,2," + "x" * 140_000 + "\n", encoding="utf-8")
    code, err = _gap(jdgen, "a.csv")
    assert code == 1
    assert "a.csv:2:1: error: cannot read row 2: a cell is longer than 131,072 characters" in err


def test_csv_not_utf8_says_save_as_csv_utf8(jdgen: Invoke, here: Path) -> None:
    (here / "a.csv").write_bytes("person,item,rating,comment\nRené,C1,2,\n".encode("cp1252"))
    code, err = _gap(jdgen, "a.csv")
    assert code == 1
    assert "a.csv:2:1: error: not UTF-8 text\n" in err and '"CSV UTF-8 (Comma delimited) (*.csv)"' in err


def test_semicolon_csv(jdgen: Invoke, here: Path) -> None:
    (here / "a.csv").write_text("person;item;rating;comment\nann;C1;2;\n", encoding="utf-8")
    code, err = _gap(jdgen, "a.csv")
    assert code == 1
    assert "a.csv:1:1: error: the columns are separated by semicolons, not commas" in err
    assert err.count("error:") == 1


def test_blank_checklist_template_is_one_message(jdgen: Invoke, here: Path) -> None:
    assert jdgen("checklist", "--post", TEAM_POST, "-f", "csv,xlsx", "-o", "tmpl").exit_code == 0
    for name in ("team-post-checklist.csv", "team-post-checklist.xlsx"):
        code, err = _gap(jdgen, str(here / "tmpl" / name))
        assert code == 1
        assert err.count("error:") == 1
        assert "error: no ratings: the checklist's" in err


def test_control_character_in_a_csv_cell(jdgen: Invoke, here: Path) -> None:
    rows = (TEAM / "alice.csv").read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1] + "ring\x07"
    (here / "a.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, err = _gap(jdgen, "a.csv")
    assert code == 1
    assert "a.csv:2:4: error: control character U+0007 in a cell" in err


def _damaged_xlsx(here: Path, how: str) -> Path:
    import zipfile

    source = FIXTURES / "training" / "team.xlsx"
    target = here / "d.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if how == "truncated" and info.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 2]
            zout.writestr(info, data)
    if how == "crc":
        raw = bytearray(target.read_bytes())
        with zipfile.ZipFile(target) as z:
            info = next(i for i in z.infolist() if i.filename.startswith("xl/worksheets/sheet"))
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        raw[start + info.compress_size // 2] ^= 0xFF  # one byte of the sheet's data flipped
        target.write_bytes(bytes(raw))
    return target


@pytest.mark.parametrize("how", ["truncated", "crc"])
def test_damaged_xlsx_names_the_file(jdgen: Invoke, here: Path, how: str) -> None:
    _damaged_xlsx(here, how)
    code, err = _gap(jdgen, "d.xlsx")
    assert code == 1
    assert ("damaged" in err) or ("cannot read workbook: Bad CRC-32" in err)
    assert err.splitlines()[0].startswith("d.xlsx")
