"""`jdgen curriculum`, `checklist` and `gap` through the real CLI.

Curriculum expectations are computed independently from the bundled IPS YAML files; the training
needs analysis is worked by hand from the ratings in tests/fixtures/training/team/ (see the table
below); every bad assessment file is a fixture with its exact diagnostics.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from jdgen.cli import main
from jdgen.library import bundled_root

HERE = Path(__file__).parent / "fixtures" / "training"
#: A frozen copy of the pwp example (the tests name its exact clusters and items; the example itself
#: changes with content reviews).
PWP = Path(__file__).parent / "fixtures" / "web" / "pwp.yaml"


def run(*args: str) -> Result:
    """`jdgen ARGS…` in-process (stdout and stderr apart), with the current folder as workspace."""
    return CliRunner().invoke(main, list(args), env={"JDGEN_WORKSPACE": None}, catch_exceptions=False)


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the fixture folder so that paths in messages are short and exact."""
    monkeypatch.chdir(HERE)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def text(value: str) -> str:
    return " ".join(value.split())


# ---------------------------------------------------------------------------------------------
# The IPS framework, read straight from its YAML files (not through jdgen).


def ips_domains() -> list[dict[str, Any]]:
    root = bundled_root()
    order = yaml.safe_load((root / "frameworks" / "ips.yaml").read_text(encoding="utf-8"))["clusters"]
    files = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / "clusters" / "ips").glob("*.yaml"))]
    by_code = {f["code"]: f for f in files}
    assert sorted(by_code) == sorted(order)
    return [by_code[code] for code in order]


def curriculum_json(tmp_path: Path, *args: str) -> dict[str, Any]:
    result = ok(run("curriculum", *args, "-f", "json", "-o", str(tmp_path)))
    (written,) = [line.removeprefix("wrote ") for line in result.stdout.splitlines()]
    assert written.endswith(".json")
    data: dict[str, Any] = json.loads(Path(written).read_text(encoding="utf-8"))
    return data


def test_framework_curriculum_one_module_per_domain_in_order(tmp_path: Path) -> None:
    domains = ips_domains()
    data = curriculum_json(tmp_path, "--framework", "ips")
    assert (tmp_path / "curriculum-ips.json").is_file()
    assert [m["code"] for m in data["modules"]] == [d["code"] for d in domains]
    assert [m["title"] for m in data["modules"]] == [d["title"] for d in domains]
    assert [m["number"] for m in data["modules"]] == list(range(1, len(domains) + 1))
    assert [len(m["outcomes"]) for m in data["modules"]] == [len(d["items"]) for d in domains]
    assert data["total_hours"] == sum(m["hours"] for m in data["modules"])


def test_framework_curriculum_maps_every_id_exactly_once(tmp_path: Path) -> None:
    every = [i for d in ips_domains() for item in d["items"]
             for i in [item["id"], *(s["id"] for s in item.get("sub", []))]]
    data = curriculum_json(tmp_path, "--framework", "ips")
    mapped = Counter(i for m in data["modules"] for o in m["outcomes"] for i in o["competences"])
    assert set(mapped) == set(every)
    assert all(n == 1 for n in mapped.values()), [i for i, n in mapped.items() if n > 1]
    assert sum(mapped.values()) == len(every)


def test_framework_curriculum_outcome_rules(tmp_path: Path) -> None:
    data = curriculum_json(tmp_path, "--framework", "ips")
    outcomes = {o["competences"][0]: o for m in data["modules"] for o in m["outcomes"]}
    kinds: Counter[str] = Counter()
    for domain, module in zip(ips_domains(), data["modules"], strict=True):
        for n, item in enumerate(domain["items"], start=1):
            o = outcomes[item["id"]]
            assert o is module["outcomes"][n - 1]
            assert o["id"] == f"{module['number']}.{n}"
            assert o["competences"] == [item["id"], *(s["id"] for s in item.get("sub", []))]
            assert o["assessment_criteria"] == [text(s["text"]) for s in item.get("sub", [])]
            if "outcome" in item:
                assert o["text"] == text(item["outcome"]), item["id"]
                kinds["own"] += 1
            elif item["kind"] == "ability":
                assert o["text"].startswith("Demonstrate the ability to "), item["id"]
                assert o["text"].endswith(".")
                kinds["ability"] += 1
            else:
                assert item["kind"] == "knowledge"
                assert o["text"].startswith("Explain "), item["id"]
                kinds["knowledge"] += 1
    assert kinds["own"] and kinds["ability"] and kinds["knowledge"]  # every rule is exercised
    # Two worked by hand: "Knowledge of the severe mental illnesses …" and
    # "An ability to build a collaborative working alliance with the person, by:" (+ sub-items).
    assert outcomes["KNW1"]["text"].startswith("Explain the severe mental illnesses most often seen in secondary")
    assert outcomes["ENG2"]["text"] == ("Demonstrate the ability to build a collaborative working alliance "
                                        "with the person.")


def test_hours_option_changes_one_module(tmp_path: Path) -> None:
    before = {m["code"]: m["hours"] for m in curriculum_json(tmp_path / "a", "--framework", "ips")["modules"]}
    data = curriculum_json(tmp_path / "b", "--framework", "ips", "--hours", "ENG=14")
    after = {m["code"]: m["hours"] for m in data["modules"]}
    assert after["ENG"] == 14.0
    assert before["ENG"] != 14.0
    assert {k: v for k, v in after.items() if k != "ENG"} == {k: v for k, v in before.items() if k != "ENG"}
    assert data["total_hours"] == sum(before.values()) - before["ENG"] + 14


def test_hours_option_with_an_unknown_module_is_an_error(tmp_path: Path) -> None:
    result = run("curriculum", "--framework", "ips", "--hours", "ENGG=14", "-f", "json", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "ENGG" in result.stderr


@pytest.mark.parametrize("value", ["ENG", "ENG=lots", "ENG=-1"])
def test_hours_option_rejects_bad_values(tmp_path: Path, value: str) -> None:
    result = run("curriculum", "--framework", "ips", "--hours", value, "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "is not CODE=HOURS" in result.stderr
    assert not any(tmp_path.iterdir())


def test_post_curriculum_modules_follow_the_post(tmp_path: Path) -> None:
    # pwp.yaml: clusters [A, CB, RKC, IT, S, CM, HS] + required Core, add [W1, RA1].
    # Modules follow the framework's cluster order; W and RA hold only the added item.
    data = curriculum_json(tmp_path, "--post", str(PWP))
    assert (tmp_path / "pwp-curriculum.json").is_file()
    assert [m["code"] for m in data["modules"]] == ["C", "A", "CB", "W", "RKC", "IT", "S", "CM", "RA", "H&S"]
    tops = {m["code"]: [o["competences"][0] for o in m["outcomes"]] for m in data["modules"]}
    assert tops["W"] == ["W1"]
    assert tops["RA"] == ["RA1"]
    assert tops["S"] == [f"S{n}" for n in range(1, 11)]
    assert tops["H&S"] == ["HS1", "HS2", "HS3", "HS4"]


def test_post_curriculum_with_competences_qualifies_their_ids(tmp_path: Path) -> None:
    # mixed-post.yaml: Core, IT and competence ips:ENG1.
    data = curriculum_json(tmp_path, "--post", "mixed-post.yaml")
    assert [m["code"] for m in data["modules"]] == ["C", "IT", "ENG"]
    assert [o["competences"] for o in data["modules"][2]["outcomes"]] == [["ips:ENG1"]]
    assert data["modules"][1]["outcomes"][0]["competences"] == ["IT1"]


def test_curriculum_docx_and_md(tmp_path: Path) -> None:
    from docx import Document

    first = ips_domains()[0]["title"]
    ok(run("curriculum", "--framework", "ips", "-f", "docx,md", "-o", str(tmp_path)))
    doc = Document(str(tmp_path / "curriculum-ips.docx"))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    modules = [h for h in headings if h.startswith("Module ")]
    assert len(modules) == 13
    assert modules[0].startswith(f"Module 1: {first} (")
    md = (tmp_path / "curriculum-ips.md").read_text(encoding="utf-8")
    lines = [line for line in md.splitlines() if line.startswith("## Module")]
    assert len(lines) == 13
    assert lines[0].startswith(f"## Module 1: {first}")


def test_curriculum_pdf_smoke(tmp_path: Path) -> None:
    from pypdf import PdfReader

    ok(run("curriculum", "--post", "team-post.yaml", "-f", "pdf", "-o", str(tmp_path)))
    reader = PdfReader(tmp_path / "team-post-curriculum.pdf")
    assert "Module 1" in "".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("args", [[], ["--framework", "ips", "--post", "team-post.yaml"]], ids=["neither", "both"])
def test_curriculum_needs_exactly_one_source(tmp_path: Path, args: list[str]) -> None:
    result = run("curriculum", *args, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "give exactly one of --framework ID or --post FILE" in result.stderr
    assert not (tmp_path / "out").exists()


def test_curriculum_unknown_framework(tmp_path: Path) -> None:
    result = run("curriculum", "--framework", "ipz", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "unknown framework 'ipz'; did you mean 'ips'?" in result.stderr


# ---------------------------------------------------------------------------------------------
# Checklist: mixed-post.yaml = Core C1–C18, IT1–IT3, one local duty (L1), competence ips:ENG1.

MIXED_IDS = [*(f"C{n}" for n in range(1, 19)), "IT1", "IT2", "IT3", "L1", "ips:ENG1"]
HEADER = ["person", "item", "rating", "comment", "statement"]


def test_checklist_csv(tmp_path: Path) -> None:
    ok(run("checklist", "--post", "mixed-post.yaml", "-f", "csv", "-o", str(tmp_path)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mixed-post-checklist.csv"]
    rows = list(csv.reader(io.StringIO((tmp_path / "mixed-post-checklist.csv").read_text(encoding="utf-8"))))
    assert rows[0] == HEADER
    assert [r[1] for r in rows[1:]] == MIXED_IDS
    assert all(r[0] == r[2] == r[3] == "" for r in rows[1:])
    statements = {r[1]: r[4] for r in rows[1:]}
    assert statements["L1"] == "Staff the reception desk of the Thursday evening clinic."
    assert statements["ips:ENG1"].startswith("An ability to contact a person promptly after referral")


def test_checklist_xlsx(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ok(run("checklist", "--post", "mixed-post.yaml", "-f", "xlsx", "-o", str(tmp_path)))
    wb = load_workbook(tmp_path / "mixed-post-checklist.xlsx")
    assert "Checklist" in wb.sheetnames
    ws = wb["Checklist"]
    assert [c.value for c in ws[1]] == HEADER
    assert [r[1] for r in ws.iter_rows(min_row=2, values_only=True)] == MIXED_IDS
    (rating,) = [dv for dv in ws.data_validations.dataValidation if "C2" in str(dv.sqref)]
    assert (rating.type, rating.operator, rating.formula1, rating.formula2) == ("whole", "between", "0", "3")
    # the rule covers the template rows and rows added below them for more people
    assert str(rating.sqref) == "C2:C10000"
    assert rating.showInputMessage and rating.prompt


class Rows(HTMLParser):
    """Texts of every table row's cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(text(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell += data


def table_rows(html: str) -> list[list[str]]:
    parser = Rows()
    parser.feed(html)
    parser.close()
    return parser.rows


def test_checklist_html_has_the_rating_scale(tmp_path: Path) -> None:
    ok(run("checklist", "--post", "mixed-post.yaml", "-f", "html", "-o", str(tmp_path)))
    rows = table_rows((tmp_path / "mixed-post-checklist.html").read_text(encoding="utf-8"))
    for row in (["0", "Not yet"], ["1", "With support"], ["2", "Independently"], ["3", "Can teach others"]):
        assert row in rows
    assert [r[0] for r in rows if r and r[0] in MIXED_IDS] == MIXED_IDS


class FormFields(HTMLParser):
    """The checklist form as a browser sees it: rows with their radios, legends, labels and inputs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[dict[str, Any]] = []
        self.legends: list[str] = []
        self.label_depth = 0
        self.labelled_radios = 0
        self.labels_for: set[str] = set()
        self.inputs: list[dict[str, str]] = []
        self.columns = ""
        self._legend: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.columns = a["data-columns"]
        elif tag == "tr" and "data-item" in a:
            self.items.append({"id": a["data-item"], "statement": a["data-statement"], "ratings": []})
        elif tag == "legend":
            self._legend = ""
        elif tag == "label":
            self.label_depth += 1
            if "for" in a:
                self.labels_for.add(a["for"])
        elif tag == "input":
            self.inputs.append(a)
            if a.get("type") == "radio":
                self.items[-1]["ratings"].append(a["value"])
                self.labelled_radios += self.label_depth > 0
                assert a["name"] == f"rating-{self.items[-1]['id']}"

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1
        elif tag == "legend" and self._legend is not None:
            self.legends.append(" ".join(self._legend.split()))
            self._legend = None

    def handle_data(self, data: str) -> None:
        if self._legend is not None:
            self._legend += data


def test_checklist_html_is_a_form_that_saves_what_gap_reads(tmp_path: Path) -> None:
    ok(run("checklist", "--post", "mixed-post.yaml", "-f", "html", "-o", str(tmp_path)))
    form = FormFields()
    form.feed((tmp_path / "mixed-post-checklist.html").read_text(encoding="utf-8"))
    assert [i["id"] for i in form.items] == MIXED_IDS
    assert all(i["ratings"] == ["0", "1", "2", "3"] for i in form.items)
    assert form.labelled_radios == 4 * len(MIXED_IDS)  # each radio inside its label
    assert [f"Rating of {i}" for i in MIXED_IDS] == [g for g in form.legends if g.startswith("Rating of")]
    text_inputs = [i for i in form.inputs if i.get("type") != "radio"]
    assert {i["id"] for i in text_inputs} <= form.labels_for  # name, date, supervisor, comments: all labelled
    assert {f"comment-{i}" for i in MIXED_IDS} <= {i["name"] for i in text_inputs}
    # build the CSV from the form's field names, as the page's script does, and give it to gap
    assert form.columns == "person,item,rating,comment,statement"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(form.columns.split(","))
    for n, item in enumerate(form.items):
        writer.writerow(["sam", item["id"], item["ratings"][n % 4], "a, \"quoted\" note" if n == 0 else "",
                         item["statement"]])
    (tmp_path / "sam.csv").write_text(buffer.getvalue(), encoding="utf-8")
    ok(run("gap", "--post", "mixed-post.yaml", "--assessments", str(tmp_path / "sam.csv"), "-f", "json",
           "-o", str(tmp_path)))
    data = json.loads((tmp_path / "mixed-post-gap.json").read_text(encoding="utf-8"))
    below = [i for n, i in enumerate(MIXED_IDS) if n % 4 < 2]
    assert [p["gaps"] for p in data["people"]] == [below]


# ---------------------------------------------------------------------------------------------
# Gap analysis, worked by hand.
#
# team-post.yaml: Core C1–C18 and one local duty L1 (19 items); required level 2.
# Ratings in tests/fixtures/training/team/*.csv (every other item: alice 3, bob 2, carol 3):
#           C1  C3  C7  C12  L1
#   alice    3   1   0    2   3
#   bob      3   1   2    2   1
#   carol    3   3   3    2   3
# Below 2: alice C3, C7; bob C3, L1; carol nothing.
#   → team: C3 ×2 (alice, bob), then C7 ×1 and L1 ×1 in post order.
# Below 3 (team-post-level3.yaml): alice C3, C7, C12; carol C12;
#   bob every item but C1 (C2–C18, L1).
#   → team: C12 ×3, C3 ×2, C7 ×2, then bob's other 15 items ×1 in post order.
PEOPLE_2 = [{"person": "alice", "gaps": ["C3", "C7"]}, {"person": "bob", "gaps": ["C3", "L1"]},
            {"person": "carol", "gaps": []}]
TEAM_2 = [{"item": "C3", "count": 2}, {"item": "C7", "count": 1}, {"item": "L1", "count": 1}]
BOB_3 = [f"C{n}" for n in range(2, 19)] + ["L1"]
PEOPLE_3 = [{"person": "alice", "gaps": ["C3", "C7", "C12"]}, {"person": "bob", "gaps": BOB_3},
            {"person": "carol", "gaps": ["C12"]}]
TEAM_3 = ([{"item": "C12", "count": 3}, {"item": "C3", "count": 2}, {"item": "C7", "count": 2}]
          + [{"item": i, "count": 1} for i in BOB_3 if i not in ("C3", "C7", "C12")])


def gap_json(tmp_path: Path, post: str, assessments: str) -> dict[str, Any]:
    ok(run("gap", "--post", post, "--assessments", assessments, "-f", "json", "-o", str(tmp_path)))
    data: dict[str, Any] = json.loads((tmp_path / f"{Path(post).stem}-gap.json").read_text(encoding="utf-8"))
    return data


def summary(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"item": t["item"], "count": t["count"]} for t in data["team"]]


def test_gap_from_csv_files(tmp_path: Path) -> None:
    data = gap_json(tmp_path, "team-post.yaml", "team")
    assert data["required_level"] == 2
    assert data["people"] == PEOPLE_2
    assert summary(data) == TEAM_2
    assert [t["people"] for t in data["team"]] == [["alice", "bob"], ["alice"], ["bob"]]
    # C3 and C7 are Core duties (curriculum module 1); L1 is local, with no module.
    assert [(m["module"], m["items"], m["people"]) for m in data["modules"]] == [("1", ["C3", "C7"], 2),
                                                                                ("", ["L1"], 1)]
    # every rating below the level, with the rater's own comment, in document order per person
    assert [(b["person"], b["item"], b["rating"], b["comment"]) for b in data["below_level"]] == [
        ("alice", "C3", 1, ""), ("alice", "C7", 0, "new to this"), ("bob", "C3", 1, ""),
        ("bob", "L1", 1, "not started yet")]


def test_gap_required_level_3(tmp_path: Path) -> None:
    data = gap_json(tmp_path, "team-post-level3.yaml", "team")
    assert data["required_level"] == 3
    assert data["people"] == PEOPLE_3
    assert summary(data) == TEAM_3


def test_gap_csv_and_html(tmp_path: Path) -> None:
    ok(run("gap", "--post", "team-post.yaml", "--assessments", "team", "-f", "csv,html", "-o", str(tmp_path)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team-post-gap.csv", "team-post-gap.html"]
    rows = list(csv.reader(io.StringIO((tmp_path / "team-post-gap.csv").read_text(encoding="utf-8"))))
    assert rows[0] == ["item", "cluster", "count", "people", "text"]
    assert [r[:4] for r in rows[1:]] == [["C3", "C", "2", "alice; bob"], ["C7", "C", "1", "alice"],
                                         ["L1", "LOCAL", "1", "bob"]]
    html_rows = table_rows((tmp_path / "team-post-gap.html").read_text(encoding="utf-8"))
    # by person: name, items below level, and the comments they wrote on those items
    assert ["alice", "C3, C7", "C7 (rated 0): new to this"] in html_rows
    assert ["bob", "C3, L1", "L1 (rated 1): not started yet"] in html_rows
    assert ["carol", "None", ""] in html_rows


@pytest.mark.parametrize("post", ["team-post.yaml", "team-post-level3.yaml"])
def test_gap_html_by_person_matches_the_json_report(tmp_path: Path, post: str) -> None:
    """Each person's row in the page holds exactly their below-level items and commented ratings, per the JSON."""
    ok(run("gap", "--post", post, "--assessments", "team.xlsx", "-f", "json,html", "-o", str(tmp_path)))
    stem = Path(post).stem
    data = json.loads((tmp_path / f"{stem}-gap.json").read_text(encoding="utf-8"))
    page = (tmp_path / f"{stem}-gap.html").read_text(encoding="utf-8")
    by_person = page[page.index('<section id="people">'):]
    rows = {r[0]: r for r in table_rows(by_person)[1:]}
    assert sorted(rows) == sorted(p["person"] for p in data["people"])
    for p in data["people"]:
        assert rows[p["person"]][1] == (", ".join(p["gaps"]) if p["gaps"] else "None")
        comments = " ".join(f"{b['item']} (rated {b['rating']}): {b['comment']}" for b in data["below_level"]
                            if b["person"] == p["person"] and b["comment"])
        assert rows[p["person"]][2] == text(comments)


def test_team_xlsx_fixture_holds_the_csv_ratings() -> None:
    from openpyxl import load_workbook

    wb = load_workbook(HERE / "team.xlsx", read_only=True)
    try:
        in_xlsx = [tuple("" if v is None else str(v) for v in row[:3])
                   for row in wb["Checklist"].iter_rows(min_row=2, values_only=True)]
    finally:
        wb.close()
    in_csv = [tuple(r[:3]) for p in ("alice", "bob", "carol")
              for r in list(csv.reader(io.StringIO((HERE / "team" / f"{p}.csv").read_text(encoding="utf-8"))))[1:]]
    assert in_xlsx == in_csv


@pytest.mark.parametrize(("post", "people", "team"), [("team-post.yaml", PEOPLE_2, TEAM_2),
                                                      ("team-post-level3.yaml", PEOPLE_3, TEAM_3)])
def test_gap_from_one_xlsx_with_many_people(tmp_path: Path, post: str, people: list[Any], team: list[Any]) -> None:
    from_xlsx = gap_json(tmp_path / "xlsx", post, "team.xlsx")
    from_csv = gap_json(tmp_path / "csv", post, "team")
    assert from_xlsx["people"] == people
    assert summary(from_xlsx) == team
    assert from_xlsx == from_csv


HINT_RATING = "  hint: 0 not yet, 1 with support, 2 independently, 3 can teach others\n"
M18 = "no rating for 18 item(s): C2, C3, C4, C5, C6, C7, C8, C9 and 10 more\n"  # dave's, when he rates C1 only
BAD = {
    # Every error of a file in one run: the rows a small file leaves out are missing too.
    "bad/unknown-item.csv": "bad/unknown-item.csv:2:1: error: dave has " + M18 +
                            "bad/unknown-item.csv:3:2: error: unknown item 'c7' for this post\n"
                            "  hint: did you mean 'C7'?\n",
    "bad/rating-4.csv": "bad/rating-4.csv:2:1: error: dave has " + M18 +
                        "bad/rating-4.csv:2:3: error: rating 4 is out of range (0 to 3)\n",
    "bad/rating-two.csv": "bad/rating-two.csv:2:1: error: dave has " + M18 +
                          "bad/rating-two.csv:2:3: error: rating 'two' is not a whole number 0 to 3\n" + HINT_RATING,
    "bad/duplicate.csv": "bad/duplicate.csv:2:1: error: dave has no rating for 17 item(s): C3, C4, C5, C6, C7, C8, "
                         "C9, C10 and 9 more\n"
                         "bad/duplicate.csv:4:2: error: dave rates C1 twice (also at bad/duplicate.csv:2)\n",
    # dave rates C1–C18 except C5, and not L1; reported at his first row.
    "bad/missing-items.csv": "bad/missing-items.csv:2:1: error: dave has no rating for 2 item(s): C5, L1\n",
    # A wrong rating no longer hides the missing rows, and its own row is not counted missing (C3).
    "bad/rating-and-missing.csv": "bad/rating-and-missing.csv:2:1: error: dave has no rating for 2 item(s): "
                                  "C5, L1\n"
                                  "bad/rating-and-missing.csv:4:3: error: rating 'x' is not a whole number "
                                  "0 to 3\n" + HINT_RATING,
    "bad/wrong-header.csv": "bad/wrong-header.csv:1:1: error: missing column(s): rating\n"
                            "  hint: the header row must be: person,item,rating,comment (from `jdgen checklist`)\n"
                            "bad/wrong-header.csv:1:3: error: unknown column 'ratng'\n"
                            "  hint: did you mean 'rating'?\n",
    "bad/no-sheet.xlsx": "bad/no-sheet.xlsx: error: no sheet named 'Checklist' (sheets: Checklst, Scale)\n"
                         "  hint: did you mean 'Checklst'?\n",
    # one.csv: C99 rated 5 (two errors on one row), a missing rating;
    # two.xlsx: rating "high", and frank's C1 twice. All five reported together, in order.
    "bad/several": "bad/several/one.csv:2:1: error: dave has " + M18 +
                   "bad/several/one.csv:3:2: error: unknown item 'C99' for this post\n"
                   "  hint: did you mean 'C9'?\n"
                   "bad/several/one.csv:3:3: error: rating 5 is out of range (0 to 3)\n"
                   "bad/several/one.csv:4:1: error: erin has no rating for 18 item(s): C1, C3, C4, C5, C6, C7, "
                   "C8, C9 and 10 more\n"
                   "bad/several/one.csv:4:3: error: missing rating\n" + HINT_RATING +
                   "bad/several/two.xlsx[Checklist]:2:1: error: frank has no rating for 17 item(s): C3, C4, C5, "
                   "C6, C7, C8, C9, C10 and 9 more\n" +
                   "bad/several/two.xlsx[Checklist]:3:3: error: rating 'high' is not a whole number 0 to 3\n"
                   + HINT_RATING +
                   "bad/several/two.xlsx[Checklist]:4:2: error: frank rates C1 twice "
                   "(also at bad/several/two.xlsx[Checklist]:2)\n",
}


@pytest.mark.parametrize("assessments", list(BAD))
def test_gap_bad_assessments(tmp_path: Path, assessments: str) -> None:
    out = tmp_path / "out"
    result = run("gap", "--post", "team-post.yaml", "--assessments", assessments, "-f", "html,csv,json",
                 "-o", str(out))
    assert result.exit_code == 1
    errors = BAD[assessments].count(": error: ")
    assert result.stderr == BAD[assessments] + f"{errors} error(s), 0 warning(s)\n"
    assert result.stdout == ""
    assert not out.exists()


def test_gap_empty_file_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("gap", "--post", "team-post.yaml", "--assessments", "bad/empty.csv", "-f", "json", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith("bad/empty.csv")
    assert not out.exists()


def test_gap_errors_in_two_arguments_are_reported_together(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("gap", "--post", "team-post.yaml", "--assessments", "bad/rating-4.csv",
                 "--assessments", "bad/duplicate.csv", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == ("bad/duplicate.csv:4:2: error: dave rates C1 twice (also at bad/duplicate.csv:2)\n"
                             "bad/rating-4.csv:2:1: error: dave has no rating for 17 item(s): C3, C4, C5, C6, C7, "
                             "C8, C9, C10 and 9 more\n"
                             "bad/rating-4.csv:2:3: error: rating 4 is out of range (0 to 3)\n"
                             "3 error(s), 0 warning(s)\n")
    assert not out.exists()
