"""What a newcomer meets (issue 15 §7, first half): `jdgen init`, `jdgen new post` following
jdgen.yaml and today's date, starter text left in a post, unreadable salaries and unknown grades,
every error of a file in one run (jdgen.yaml, competences, gap), and `gap --help` matching the
checklist it reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, Invoke

from jdgen import starter
from jdgen.config import load_config
from jdgen.errors import Collector
from jdgen.yamlio import load_file

NEWCOMER = FIXTURES / "newcomer"


def _diagnostics(jdgen: Invoke, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = jdgen("validate", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


# --- jdgen init ----------------------------------------------------------------------------------


def test_init_lays_out_a_workspace(tmp_path: Path, jdgen: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = jdgen("init", "ws")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["wrote ws/jdgen.yaml", "wrote ws/README.md",
                                          "wrote ws/posts/example-post.yaml", "wrote ws/templates/README.md"]
    ws = tmp_path / "ws"
    assert sorted(str(p.relative_to(ws)) for p in ws.rglob("*")) == [
        "README.md", "jdgen.yaml", "posts", "posts/example-post.yaml", "templates", "templates/README.md"]
    config = (ws / "jdgen.yaml").read_text("utf-8")
    for key in ("organisation:", "address:", "logo:", "colours:", "primary:", "full_time_hours:"):
        assert key in config
    found = Collector()
    assert load_config(ws / "jdgen.yaml", found) == load_config(tmp_path / "absent.yaml", Collector())
    assert found.items == []  # the active lines hold the defaults
    readme = (ws / "README.md").read_text("utf-8")
    assert "# ws" in readme and "jdgen build posts/" in readme
    assert "override" in (ws / "templates" / "README.md").read_text("utf-8")


def test_an_untouched_starter_fails_under_strict(tmp_path: Path, jdgen: Invoke,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert jdgen("init").exit_code == 0
    plain = jdgen("validate", "posts/")
    assert plain.exit_code == 0  # a warning only: the starter builds as a draft preview
    strict = jdgen("validate", "--strict", "posts/")
    assert strict.exit_code == 1
    assert "posts/example-post.yaml:26:10: warning: starter text left in summary: 'Say in three to five" \
        in strict.stderr
    _, found = _diagnostics(jdgen, "posts/")
    starter_text = [(d["line"], d["message"]) for d in found if d["code"] == "starter-text"]
    # each placeholder of the starter, at its own line; nothing else of the starter is flagged
    lines = (tmp_path / "posts" / "example-post.yaml").read_text("utf-8").splitlines()
    flagged = {lines[int(str(line)) - 1].split(":")[0].strip(" -") for line, _ in starter_text}
    assert flagged == {"organisation", "base", "reference", "summary", "about", "how_to_apply",
                       "Replace this line with a duty of your own service, or delete it."}
    assert [d for d in found if d["level"] == "warning" and d["code"] != "starter-text"] == []


def test_a_starter_with_its_placeholders_replaced_passes_strict(tmp_path: Path, jdgen: Invoke,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert jdgen("new", "post", "band5").exit_code == 0
    post = tmp_path / "posts" / "band5.yaml"
    text = post.read_text("utf-8")
    for i, placeholder in enumerate(starter.PLACEHOLDERS):
        text = text.replace(placeholder, f"Our own text number {i}.")
    post.write_text(text, "utf-8")
    checked = jdgen("validate", "--strict", "posts/band5.yaml")
    assert (checked.exit_code, checked.stderr) == (0, "")


def test_a_placeholder_sentence_left_inside_edited_text_is_found(tmp_path: Path, jdgen: Invoke) -> None:
    post = tmp_path / "p.yaml"
    post.write_text("title: Psychological Wellbeing Practitioner\n"
                    "summary: >\n  Our service helps adults in Riverside. Plain English; the first\n"
                    "  sentence is what candidates read first.\n"
                    "overview: Example NHS Foundation Trust runs it.\n", "utf-8")
    _, found = _diagnostics(jdgen, str(post))
    assert [(d["line"], d["col"], d["level"]) for d in found if d["code"] == "starter-text"] == [
        (2, 10, "warning"), (5, 11, "warning")]


def test_init_refuses_to_overwrite(tmp_path: Path, jdgen: Invoke) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "jdgen.yaml").write_text("organisation: Mine\n", "utf-8")
    (ws / "notes.txt").write_text("keep\n", "utf-8")
    refused = jdgen("init", str(ws))
    assert refused.exit_code == 2
    assert "jdgen.yaml already exists (use --force to overwrite)" in refused.stderr
    assert "Traceback" not in refused.output
    assert sorted(p.name for p in ws.iterdir()) == ["jdgen.yaml", "notes.txt"]  # nothing written
    assert (ws / "jdgen.yaml").read_text("utf-8") == "organisation: Mine\n"

    forced = jdgen("init", "--force", str(ws))
    assert forced.exit_code == 0
    assert (ws / "jdgen.yaml").read_text("utf-8") == starter.CONFIG
    assert (ws / "notes.txt").read_text("utf-8") == "keep\n"  # files not of the workspace are left alone
    assert [p.name for p in ws.rglob(".*.tmp")] == []  # written atomically: no temporaries left


def test_init_where_a_folder_cannot_be_made_is_a_diagnostic(tmp_path: Path, jdgen: Invoke) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "posts").write_text("a file where the folder should be\n", "utf-8")
    result = jdgen("init", str(ws))
    assert result.exit_code in (1, 2)
    assert "posts" in result.stderr and "Traceback" not in result.output


# --- jdgen new post ------------------------------------------------------------------------------


def test_new_post_takes_organisation_and_address_from_jdgen_yaml(tmp_path: Path, jdgen: Invoke,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "jdgen.yaml").write_text(
        'organisation: "Riverside: NHS Foundation Trust"\n'
        "address: {street: 14 Mill Lane, locality: Riverside, postcode: RV1 4ML, country: GB}\n", "utf-8")
    before = dt.date.today()
    assert jdgen("new", "post", "band5").exit_code == 0
    after = dt.date.today()
    doc, problems = load_file(tmp_path / "posts" / "band5.yaml")
    assert problems == [] and doc is not None
    assert doc.data["organisation"] == "Riverside: NHS Foundation Trust"
    assert doc.data["address"] == {"street": "14 Mill Lane", "locality": "Riverside", "postcode": "RV1 4ML",
                                   "country": "GB"}
    posted = dt.date.fromisoformat(doc.data["date_posted"])
    assert before <= posted <= after
    assert dt.date.fromisoformat(doc.data["closing_date"]) == posted + dt.timedelta(days=21)
    built = jdgen("build", "posts/band5.yaml", "-o", "out", "-f", "json")
    assert built.exit_code == 0
    data = json.loads((tmp_path / "out" / "band5.json").read_text("utf-8"))
    assert data["terms"]["organisation"] == "Riverside: NHS Foundation Trust"


def test_starter_dates_follow_the_day_given() -> None:
    text = starter.starter_post("x", today=dt.date(2027, 2, 20))
    assert 'date_posted: "2027-02-20"' in text and 'closing_date: "2027-03-13"' in text
    assert "organisation: Example NHS Foundation Trust" in text and "address:" not in text.split("summary")[0]


# --- unreadable salaries, unknown grades --------------------------------------------------------


def test_unreadable_salary_and_unknown_grade_are_warned_at_their_lines(jdgen: Invoke) -> None:
    code, found = _diagnostics(jdgen, str(NEWCOMER / "posts" / "pay-and-grade.yaml"))
    assert code == 0
    assert [(d["code"], d["line"], d["col"], d["level"]) for d in found] == [
        ("unknown-grade", 4, 8, "warning"), ("unreadable-salary", 5, 9, "warning")]
    assert jdgen("validate", "--strict", str(NEWCOMER / "posts" / "pay-and-grade.yaml")).exit_code == 1


@pytest.mark.parametrize(("grade", "salary", "codes"), [
    ("Band 8a", "£55,690 to £62,682 a year", []),
    ("NJC scale point 29", "£12.50 an hour", []),  # another pay scale: no band expected
    ("Band 9", "£31k pro rata", []),
    ("Band 8e", "£31,049", ["unknown-grade"]),
    ("band 0", "£31,049", ["unknown-grade"]),
    ("Band 5", "Competitive", ["unreadable-salary"]),
    ("Band 5", "31,049 to 37,796", ["unreadable-salary"]),  # no £: not read as money
])
def test_grades_and_salaries(tmp_path: Path, jdgen: Invoke, grade: str, salary: str, codes: list[str]) -> None:
    post = tmp_path / "p.yaml"
    post.write_text(f"title: Practitioner\ngrade: {json.dumps(grade)}\nsalary: {json.dumps(salary)}\n", "utf-8")
    _, found = _diagnostics(jdgen, str(post))
    assert [d["code"] for d in found if d["code"] in ("unknown-grade", "unreadable-salary")] == codes


# --- every error of a file in one run ------------------------------------------------------------


def test_a_duplicate_key_in_jdgen_yaml_does_not_hide_its_unknown_key(jdgen: Invoke) -> None:
    ws = NEWCOMER / "config-dup-unknown"
    found = Collector()
    load_config(ws / "jdgen.yaml", found)
    assert [(d.code, d.line) for d in found.items] == [("duplicate-key", 2), ("schema-unknown-key", 3)]
    result = jdgen("--workspace", str(ws), "validate")
    assert result.exit_code == 1
    assert "2 error(s)" in result.stderr


def test_a_competence_prefix_error_does_not_hide_unknown_ids(jdgen: Invoke) -> None:
    code, found = _diagnostics(jdgen, str(NEWCOMER / "posts" / "competence-prefix.yaml"))
    assert code == 1
    assert [(d["line"], d["code"]) for d in found] == [
        (12, "schema-pattern"),                          # IPS:JD2
        (13, "unknown-item"),                            # ips:ZZ9
        (14, "schema-pattern"),                          # JD4
        (15, "schema-pattern"), (15, "unknown-item"),    # IPS:QQ1
        (16, "unknown-framework"),                       # ipz:JD6
    ]


# --- gap --help ----------------------------------------------------------------------------------


def test_gap_help_names_the_checklist_columns(tmp_path: Path, jdgen: Invoke) -> None:
    helped = " ".join(jdgen("gap", "--help").stdout.split())
    named = re.search(r"The first row names the columns: ([a-z, ]+?) \(", helped)
    assert named is not None, helped
    written = jdgen("checklist", "--post", str(FIXTURES / "training" / "team-post.yaml"), "-f", "csv",
                    "-o", str(tmp_path))
    assert written.exit_code == 0
    header = next(csv.reader(io.StringIO((tmp_path / "team-post-checklist.csv").read_text("utf-8"))))
    assert named.group(1).split(", ") == header
    # and the CSV gap writes is described as it is
    described = re.search(r"csv \(the team summary: .*?columns ([a-z, ]+)\)", helped)
    assert described is not None, helped
    gap = jdgen("gap", "--post", str(FIXTURES / "training" / "team-post.yaml"), "--assessments",
                str(FIXTURES / "training" / "team"), "-f", "csv", "-o", str(tmp_path))
    assert gap.exit_code == 0, gap.output
    report = next(csv.reader(io.StringIO((tmp_path / "team-post-gap.csv").read_text("utf-8"))))
    assert described.group(1).split(", ") == report
