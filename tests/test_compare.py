"""`jdgen compare` and `jdgen coverage` through the real CLI, against expectations worked out by hand
from the small posts in tests/fixtures/compare/ (every number below is derived in the comments).

Cluster sizes used throughout (`jdgen list clusters --framework iapt-li`):
C 18, A 8, CB 11, G 7, W 6, RKC 10, PPD 5, IT 3, M 9, GWB 4, SI 7, O 4, S 10, CM 6, RA 7, HS 4 (= 119).
Core (C1–C18) is required, so every post has it.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from jdgen.cli import main
from jdgen.render.colour import contrast

HERE = Path(__file__).parent / "fixtures" / "compare"


#: Job titles of the fixture posts: comparisons label posts by them (JSON keeps the file names).
TITLES = {"a": "Wellbeing Practitioner A", "b": "Wellbeing Practitioner B", "cbt1": "CBT Practitioner One",
          "cbt2": "CBT Practitioner Two", "work": "Work and Inclusion Worker"}


def run(*args: str) -> Result:
    """`jdgen ARGS…` in-process (stdout and stderr apart), with the current folder as workspace."""
    return CliRunner().invoke(main, list(args), env={"JDGEN_WORKSPACE": None}, catch_exceptions=False)


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the fixture folder so that paths in messages are short and exact."""
    monkeypatch.chdir(HERE)


def compare_json(*args: str) -> dict[str, Any]:
    result = run("compare", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def ids(prefix: str, first: int, last: int) -> list[str]:
    return [f"{prefix}{n}" for n in range(first, last + 1)]


# ---------------------------------------------------------------------------------------------
# Two posts, worked by hand.
#
# a.yaml: clusters [A, W], add [G1], competences [ips:ENG1, ips:ENG2]
#   → C1–C18 (18), A1–A8 (8), W1–W6 (6), G1 (1), ips:ENG1, ips:ENG2 (2)      = 35 ids
# b.yaml: clusters [A, CM], remove [A8], add [W2], competences [ips:ENG2, ips:VAL1]
#   → C1–C18 (18), A1–A7 (7), CM1–CM6 (6), W2 (1), ips:ENG2, ips:VAL1 (2)   = 34 ids
# shared: C1–C18, A1–A7, W2, ips:ENG2                                        = 27
# only a: A8, G1, W1, W3–W6, ips:ENG1                                        = 8   (27 + 8 = 35 ✓)
# only b: CM1–CM6, ips:VAL1                                                  = 7   (27 + 7 = 34 ✓)
# union = 27 + 8 + 7 = 42; Jaccard = 27 / 42 = 0.642857… → 0.6429
# Ids are listed in framework order (iapt-li clusters C, A, CB, G, W, …, CM; then ips KNW, VAL, ENG, …).
SHARED = [*ids("C", 1, 18), *ids("A", 1, 7), "W2", "ips:ENG2"]
ONLY_A = ["A8", "G1", "W1", *ids("W", 3, 6), "ips:ENG1"]
ONLY_B = [*ids("CM", 1, 6), "ips:VAL1"]
AB = round(27 / 42, 4)
# Per cluster, shared / (shared + only a + only b) over the clusters either post touches:
#   C 18/18 = 1.0;  A 7/8 = 0.875;  G 0/1 = 0.0;  W 1/6 = 0.1667;  CM 0/6 = 0.0;
#   ips:ENG 1/2 = 0.5 (ENG2 shared, ENG1 only a);  ips:VAL 0/1 = 0.0.
# Duty clusters are keyed plainly, competence domains by framework.
CLUSTER_SIMILARITY = {"C": 1.0, "A": 0.875, "G": 0.0, "W": 0.1667, "CM": 0.0, "ips:VAL": 0.0, "ips:ENG": 0.5}


def test_two_posts_json_shared_only_and_similarity() -> None:
    data = compare_json("a.yaml", "b.yaml")
    assert AB == 0.6429
    assert data["posts"] == ["a", "b"]
    assert data["similarity"] == [[1.0, AB], [AB, 1.0]]
    assert data["similarity_overall"] == AB
    assert data["shared"] == SHARED
    assert data["only"] == {"a": ONLY_A, "b": ONLY_B}
    assert data["cluster_similarity"] == CLUSTER_SIMILARITY
    assert list(data["cluster_similarity"]) == ["C", "A", "G", "W", "CM", "ips:VAL", "ips:ENG"]
    assert data["nearest"] == [{"post": "a", "nearest": "b", "similarity": AB},
                               {"post": "b", "nearest": "a", "similarity": AB}]
    assert data["near_duplicates"] == []


def test_two_posts_by_cluster_rows_partition_the_ids() -> None:
    data = compare_json("a.yaml", "b.yaml")
    rows = {r["code"]: r for r in data["by_cluster"]}
    assert rows["A"]["shared"] == ids("A", 1, 7)
    assert rows["A"]["only_a"] == ["A8"]
    assert rows["A"]["only_b"] == []
    assert rows["W"]["shared"] == ["W2"]
    assert rows["W"]["only_a"] == ["W1", *ids("W", 3, 6)]
    assert rows["CM"]["only_b"] == ids("CM", 1, 6)
    assert rows["ENG"]["framework"] == "ips"
    # Every id of the union is in exactly one bucket of one cluster row.
    buckets = [i for r in data["by_cluster"] for k in ("shared", "only_a", "only_b") for i in r[k]]
    assert len(buckets) == 42 == len(set(buckets))


def test_local_duties_are_compared_by_text_and_not_scored() -> None:
    # Both posts share "Run the Tuesday drop-in clinic …"; each has one local duty of its own.
    data = compare_json("a.yaml", "b.yaml")
    assert data["local_duties"] == {
        "shared": ["Run the Tuesday drop-in clinic at the town library."],
        "only_a": ["Cover the duty telephone line on Friday afternoons."],
        "only_b": ["Lead the carers' support group once a month."],
    }
    # Local duties never appear among the framework ids.
    assert not any(i.startswith("L") for i in [*data["shared"], *data["only"]["a"], *data["only"]["b"]])


@pytest.mark.parametrize("variant", ["no local duties", "no local duty in common"])
def test_local_duties_do_not_change_the_score(tmp_path: Path, variant: str) -> None:
    for name in ("a", "b"):
        post = yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8"))
        if variant == "no local duties":
            del post["duties"]["local"]
        elif name == "b":
            post["duties"]["local"] = ["Answer the team's email inbox.", "Book interpreters for clinics."]
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(post, sort_keys=False), encoding="utf-8")
    data = compare_json(str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))
    assert data["similarity"] == [[1.0, AB], [AB, 1.0]]
    assert data["shared"] == SHARED
    assert data["only"] == {"a": ONLY_A, "b": ONLY_B}
    assert data["cluster_similarity"] == CLUSTER_SIMILARITY
    if variant == "no local duties":
        assert data["local_duties"] == {"shared": [], "only_a": [], "only_b": []}
    else:
        assert data["local_duties"]["shared"] == []
        assert len(data["local_duties"]["only_a"]) == 2


def test_ksf_junior_post_has_lower_or_missing_levels() -> None:
    # Highest KSF level linked by each cluster's items (from clusters/iapt-li/*.yaml):
    #   C  Core1 3, Core2–Core6 2, HWB3 2, HWB4 2, HWB7 2
    #   A  HWB6 3, Core1 3, HWB2 2, HWB3 2, IK2 2
    #   CB HWB7 3, Core1 2, HWB1 2
    #   S  Core1 3, Core2 2, Core5 2, HWB3 2, HWB6 2, HWB7 2, IK1 2, IK2 2 (giving supervision, with its
    #      G1 and G6 links, is in iapt-supervisor)
    # band5 (C + A + CB + S) takes the maximum of all four; band4 (C only) keeps C's levels, except
    # that Band 4's ceiling is level 2 (docs/ksf.md), so its Core1 is 2.
    # Specific dimensions: each outline keeps the two linked by most items (then any linked by at
    # least half as many as the first): band5 HWB7 (13 items) and HWB6 (11), HWB3 (4) is left out;
    # band4 HWB3 and HWB4 (2 each), ahead of HWB7 (1). So the junior post names two dimensions the
    # senior one's outline leaves out: an outline lists what carries the post, not all it touches.
    # Rows come in KSF order; difference = band4 − band5; 0 = dimension not in that post.
    data = compare_json("band5.yaml", "band4.yaml")
    got = [(k["dimension"], k["a"], k["b"], k["difference"]) for k in data["ksf"]]
    assert got == [
        ("Core1", 3, 2, -1), ("Core2", 2, 2, 0), ("Core3", 2, 2, 0), ("Core4", 2, 2, 0),
        ("Core5", 2, 2, 0), ("Core6", 2, 2, 0),
        ("HWB3", 0, 2, 2), ("HWB4", 0, 2, 2),  # band4's two specific dimensions
        ("HWB6", 3, 0, -3),  # A and S
        ("HWB7", 3, 2, -1),  # CB asks 3, Core 2 (band4 leaves it out: one item)
    ]
    assert all(b <= a for dim, a, b, _ in got if dim.startswith("Core") or dim == "HWB7")
    # The matrices say the same: row band5 ≥ row band4 in every core dimension.
    levels = dict(zip(data["posts"], data["ksf_levels"], strict=True))
    core = [i for i, dim in enumerate(data["ksf_dimensions"]) if dim.startswith("Core")]
    assert len(core) == 6 and all(levels["band5"][i] >= levels["band4"][i] for i in core)


# ---------------------------------------------------------------------------------------------
# Three posts, worked by hand (tests/fixtures/compare/many/).
#
# cbt1: clusters [A, CB, CM]               → C 18 + A 8 + CB 11 + CM 6 = 43 ids
# cbt2: the same, remove [CB11]            → 42 ids, all in cbt1
# work: clusters [G, W, SI]                → C 18 + G 7 + W 6 + SI 7   = 38 ids
# cbt1~cbt2: ∩ 42, ∪ 43       → 42/43 = 0.97674 → 0.9767 (≥ 0.9: near-duplicates)
# cbt1~work: ∩ 18 (Core), ∪ 43 + 38 − 18 = 63 → 18/63 = 0.28571 → 0.2857
# cbt2~work: ∩ 18,        ∪ 42 + 38 − 18 = 62 → 18/62 = 0.29032 → 0.2903
PAIRS = {frozenset({"cbt1", "cbt2"}): 0.9767, frozenset({"cbt1", "work"}): 0.2857,
         frozenset({"cbt2", "work"}): 0.2903}
FILE_ORDER = ["many/cbt1.yaml", "many/work.yaml", "many/cbt2.yaml"]


def expected_matrix(posts: list[str]) -> list[list[float]]:
    return [[1.0 if p == q else PAIRS[frozenset({p, q})] for q in posts] for p in posts]


def test_three_posts_file_order() -> None:
    data = compare_json(*FILE_ORDER, "--order", "file")
    assert data["posts"] == ["cbt1", "work", "cbt2"]
    assert data["similarity"] == [[1.0, 0.2857, 0.9767], [0.2857, 1.0, 0.2903], [0.9767, 0.2903, 1.0]]
    assert data["similarity"] == expected_matrix(data["posts"])
    assert data["nearest"] == [{"post": "cbt1", "nearest": "cbt2", "similarity": 0.9767},
                               {"post": "work", "nearest": "cbt2", "similarity": 0.2903},
                               {"post": "cbt2", "nearest": "cbt1", "similarity": 0.9767}]
    assert data["near_duplicates"] == [{"a": "cbt1", "b": "cbt2", "similarity": 0.9767}]
    assert "shared" not in data  # the side-by-side keys belong to two-post comparisons


def test_three_posts_default_order_puts_near_duplicates_together() -> None:
    data = compare_json(*FILE_ORDER)
    posts = data["posts"]
    assert sorted(posts) == ["cbt1", "cbt2", "work"]
    assert abs(posts.index("cbt1") - posts.index("cbt2")) == 1
    sim = data["similarity"]
    assert len(sim) == 3 and all(len(row) == 3 for row in sim)
    assert all(sim[i][i] == 1.0 for i in range(3))
    assert all(sim[i][j] == sim[j][i] for i in range(3) for j in range(3))
    assert sim == expected_matrix(posts)  # rows and columns reordered together
    assert {(d["a"], d["b"]) for d in data["near_duplicates"]} <= {("cbt1", "cbt2"), ("cbt2", "cbt1")}
    assert [d["similarity"] for d in data["near_duplicates"]] == [0.9767]
    # Each row of the coverage and KSF matrices belongs to the post in the same position.
    cb = data["clusters"].index("iapt-li:CB")
    coverage = dict(zip(posts, data["coverage"], strict=True))
    assert [coverage[p][cb] for p in ("cbt1", "cbt2", "work")] == [1.0, round(10 / 11, 4), 0.0]


def test_folder_argument_compares_every_post_in_it() -> None:
    data = compare_json("many")
    assert sorted(data["posts"]) == ["cbt1", "cbt2", "work"]
    assert data["similarity"] == expected_matrix(data["posts"])


def test_bad_post_is_reported_and_the_others_compared() -> None:
    result = run("compare", "a.yaml", "bad.yaml", "b.yaml", "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == ("bad.yaml:12:17: error: unknown cluster 'CBB' in iapt-li\n"
                             "  hint: did you mean 'CB'?\n"
                             "1 error(s), 0 warning(s)\n")
    data = json.loads(result.stdout)
    assert data["posts"] == ["a", "b"]
    assert data["similarity"] == [[1.0, AB], [AB, 1.0]]
    assert data["only"] == {"a": ONLY_A, "b": ONLY_B}


def test_fewer_than_two_valid_posts_is_an_error() -> None:
    result = run("compare", "a.yaml", "bad.yaml", "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == ("1 error(s), 0 warning(s); "
                                              "need at least two valid posts to compare, found 1")


def test_two_posts_with_the_same_name_are_refused(tmp_path: Path) -> None:
    # Posts are named by file stem; a second post of the same name would hide the first one's
    # unique ids under one key of `only`, so it is refused with an error naming both files.
    for folder, name in (("x", "a"), ("y", "b")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "post.yaml").write_text((HERE / f"{name}.yaml").read_text(encoding="utf-8"),
                                                     encoding="utf-8")
    result = run("compare", str(tmp_path / "x" / "post.yaml"), str(tmp_path / "y" / "post.yaml"),
                 "--format", "json")
    assert result.exit_code == 1
    assert "another post is also named 'post'" in result.stderr
    assert "need at least two valid posts" in result.stderr
    assert result.stdout == ""


# ---------------------------------------------------------------------------------------------
# Other formats


def test_two_posts_csv() -> None:
    result = run("compare", "a.yaml", "b.yaml", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["cluster", "id", TITLES["a"], TITLES["b"]]
    body = {row[1]: (row[0], row[2], row[3]) for row in rows[1:]}
    assert len(rows) - 1 == len(body) == 42
    duties = {i: v for i, v in body.items() if v[0] not in ("ENG", "VAL")}
    assert duties == {**{i: (i.rstrip("0123456789"), "1", "1") for i in SHARED if ":" not in i},
                      **{i: (i.rstrip("0123456789"), "1", "0") for i in ONLY_A if ":" not in i},
                      **{i: ("CM", "0", "1") for i in ONLY_B if ":" not in i}}


def test_two_posts_csv_competence_ids_match_json() -> None:
    result = run("compare", "a.yaml", "b.yaml", "--format", "csv")
    listed = {row[1] for row in list(csv.reader(io.StringIO(result.stdout)))[1:]}
    assert {"ips:ENG1", "ips:ENG2", "ips:VAL1"} <= listed


def test_three_posts_csv_is_the_similarity_matrix() -> None:
    result = run("compare", *FILE_ORDER, "--order", "file", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["post", *(TITLES[n] for n in ("cbt1", "work", "cbt2"))]
    assert [r[0] for r in rows[1:]] == [TITLES[n] for n in ("cbt1", "work", "cbt2")]
    assert [[float(v) for v in r[1:]] for r in rows[1:]] == expected_matrix(["cbt1", "work", "cbt2"])


def read_xlsx(path: Path) -> Any:
    from openpyxl import load_workbook

    return load_workbook(path)


@pytest.mark.parametrize("posts", [["a.yaml", "b.yaml"], FILE_ORDER], ids=["two", "three"])
def test_xlsx_sheets(tmp_path: Path, posts: list[str]) -> None:
    out = tmp_path / "comparison.xlsx"
    result = run("compare", *posts, "--order", "file", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    wb = read_xlsx(out)
    expected = ["Similarity", "Cluster coverage", "KSF levels", "Nearest"]
    assert wb.sheetnames == ([*expected, "Side by side"] if len(posts) == 2 else expected)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "B2", ws.title
    sim = wb["Similarity"]
    for ws in (sim, wb["Cluster coverage"], wb["KSF levels"]):  # heat-filled, text readable on every fill
        cells = [c for row in ws.iter_rows(min_row=2, min_col=2) for c in row if c.value is not None]
        assert cells and all(c.fill.fgColor.rgb[-6:] for c in cells)
        for c in cells:
            ratio = contrast("#" + c.fill.fgColor.rgb[-6:], "#" + (c.font.color.rgb or "FF000000")[-6:])
            assert ratio >= 4.5, (ws.title, c.coordinate, c.fill.fgColor.rgb, c.font.color.rgb)
    assert {c.fill.fgColor.rgb[-6:] for row in sim.iter_rows(min_row=2, min_col=2) for c in row} >= {"005EB8"}
    n = len(posts)
    values = [[c.value for c in row] for row in sim.iter_rows(min_row=1, max_row=n + 1, max_col=n + 1)]
    if n == 2:
        a, b = TITLES["a"], TITLES["b"]
        assert values == [["post", a, b], [a, 1.0, AB], [b, AB, 1.0]]
        side = wb["Side by side"]
        assert [c.value for c in side[1]] == ["cluster", "similarity", "shared", f"only {a}", f"only {b}"]
        rows = {r[0]: r[1:] for r in side.iter_rows(min_row=2, values_only=True)}
        # an empty "only b" cell reads back as None
        assert rows["A Assessment and Intervention Planning"] == (0.875, " ".join(ids("A", 1, 7)), "A8", None)
    else:
        names = ["cbt1", "work", "cbt2"]
        titles = [TITLES[n] for n in names]
        assert values == [["post", *titles], *([p, *row] for p, row in zip(titles, expected_matrix(names),
                                                                            strict=True))]
        nearest = [r for r in wb["Nearest"].iter_rows(min_row=2, values_only=True)]
        one, two, work = TITLES["cbt1"], TITLES["cbt2"], TITLES["work"]
        assert nearest == [(one, two, 0.9767), (work, two, 0.2903), (two, one, 0.9767)]


def test_xlsx_needs_an_output_file() -> None:
    result = run("compare", "a.yaml", "b.yaml", "--format", "xlsx")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--format xlsx writes a binary file: give -o FILE" in result.stderr


class Cells(HTMLParser):
    """Every table cell (tag, text, style), and the classes of every element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[tuple[str, str, str]] = []
        self.classes: list[str] = []
        self._cell: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.classes += (a.get("class") or "").split()
        if tag in ("td", "th"):
            self._cell = [tag, "", a.get("style") or ""]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append((self._cell[0], " ".join(self._cell[1].split()), self._cell[2]))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1] += data


def parse_cells(text: str) -> Cells:
    parser = Cells()
    parser.feed(text)
    parser.close()
    return parser


@pytest.mark.parametrize("posts", [["a.yaml", "b.yaml"], FILE_ORDER], ids=["two", "three"])
def test_html_heatmap(tmp_path: Path, posts: list[str]) -> None:
    out = tmp_path / "comparison.html"
    result = run("compare", *posts, "--order", "file", "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    page = parse_cells(out.read_text(encoding="utf-8"))
    assert "legend" in page.classes
    headers = [text for tag, text, _ in page.cells if tag == "th"]
    names = ["a", "b"] if len(posts) == 2 else ["cbt1", "work", "cbt2"]
    assert all(TITLES[name] in headers for name in names) and not any(name in headers for name in names)
    coloured = [(text, style) for tag, text, style in page.cells if tag == "td" and "background" in style]
    assert len(coloured) >= len(names) ** 2
    # Similarity 1 is the darkest colour of the scale, 0 is white.
    assert ("1.00", "background: #005eb8; color: #ffffff") in coloured
    expected = "0.64" if len(posts) == 2 else "0.98"
    assert any(text == expected for text, _ in coloured)


def test_table_output_shows_both_parts() -> None:
    result = run("compare", "a.yaml", "b.yaml")
    assert result.exit_code == 0, result.stderr
    assert "Similarity (Jaccard over framework items): 0.64" in result.stdout
    assert "Local duties (compared by text; not in the score)" in result.stdout
    assert "Pairwise similarity" in result.stdout


# ---------------------------------------------------------------------------------------------
# Coverage

CLUSTER_SIZES = {"C": 18, "A": 8, "CB": 11, "G": 7, "W": 6, "RKC": 10, "PPD": 5, "IT": 3, "M": 9, "GWB": 4,
                 "SI": 7, "O": 4, "S": 10, "CM": 6, "RA": 7, "HS": 4}


def test_coverage_json_uncovered_by_hand() -> None:
    every = [i for code, size in CLUSTER_SIZES.items() for i in ids(code, 1, size)]
    assert len(every) == 119
    # a covers C, A, W and G1; b adds CM (its W2 and A1–A7 are already covered by a).
    covered = {*ids("C", 1, 18), *ids("A", 1, 8), *ids("W", 1, 6), "G1", *ids("CM", 1, 6)}
    assert len(covered) == 39
    result = run("coverage", "a.yaml", "b.yaml", "--framework", "iapt-li", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["framework"] == "iapt-li"
    assert data["posts"] == ["a", "b"]
    assert data["uncovered"] == [i for i in every if i not in covered]
    assert len(data["uncovered"]) == 80
    by_id = {i["id"]: i["covered_by"] for i in data["items"]}
    assert [i["id"] for i in data["items"]] == every
    assert by_id["A8"] == ["a"] and by_id["A1"] == ["a", "b"] and by_id["CM1"] == ["b"] and by_id["CB1"] == []
    assert data["coverage"]["b"] == [*ids("C", 1, 18), *ids("A", 1, 7), "W2", *ids("CM", 1, 6)]


def test_coverage_of_a_competence_framework() -> None:
    result = run("coverage", "a.yaml", "b.yaml", "--framework", "ips", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["coverage"] == {"a": ["ENG1", "ENG2"], "b": ["VAL1", "ENG2"]}
    assert len(data["uncovered"]) == len(data["items"]) - 3


def test_coverage_table_mentions_not_covered() -> None:
    result = run("coverage", "a.yaml", "b.yaml", "--framework", "iapt-li")
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("Coverage of iapt-li by 2 post(s): 39 of 119 items covered; not covered: CB1, CB2")
    assert "not covered" in result.stdout.lower()


def test_coverage_rejects_a_reference_framework() -> None:
    result = run("coverage", "a.yaml", "--framework", "ksf")
    assert result.exit_code == 2
    assert "'ksf' is not a duties or competences framework" in result.stderr


def test_coverage_csv() -> None:
    result = run("coverage", "a.yaml", "b.yaml", "--framework", "iapt-li", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "cluster", "a", "b", "covered"]
    assert len(rows) == 120
    by_id = {r[0]: r[1:] for r in rows[1:]}
    assert by_id["A8"] == ["A", "1", "0", "1"]
    assert by_id["W2"] == ["W", "1", "1", "2"]
    assert by_id["HS1"] == ["H&S", "0", "0", "0"]


def test_posts_without_framework_items_are_not_near_duplicates(tmp_path: Path) -> None:
    # Two posts with only local duties share no framework item: nothing shows they are alike,
    # so their similarity is 0, not 1, and they are not flagged as near-duplicates.
    from jdgen.compare import jaccard

    assert jaccard(set(), set()) == 0.0
    for name, duty in (("x", "Run a weekly drop-in."), ("y", "Keep the team rota.")):
        (tmp_path / f"{name}.yaml").write_text(
            "title: Local Post\norganisation: Test NHS Trust\ngrade: Band 5\nhours_per_week: 37.5\n"
            "contract: Permanent\nbase: Test Health Centre\nresponsible_to: Team Lead\n"
            "accountable_to: Service Manager\nsummary: A post with local duties only.\n"
            f"duties:\n  local: ['{duty}']\n", encoding="utf-8")
    result = run("compare", str(tmp_path / "x.yaml"), str(tmp_path / "y.yaml"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["similarity"] == [[1.0, 0.0], [0.0, 1.0]]
    assert data["near_duplicates"] == []


# ---------------------------------------------------------------------------------------------
# Large comparisons: one data block drawn in pages (issue 11 §6)

LARGE_SOURCES = ["a.yaml", "b.yaml", "band4.yaml", "band5.yaml", "many/cbt1.yaml", "many/cbt2.yaml", "many/work.yaml"]


def large_folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    for n in range(count):
        text = (HERE / LARGE_SOURCES[n % len(LARGE_SOURCES)]).read_text(encoding="utf-8")
        if n == 0:  # a title that would end a <script> element if it were not escaped
            text = text.replace("title: Wellbeing Practitioner A", "title: 'A </script><b>x</b> & co'")
        (folder / f"p{n:03d}.yaml").write_text(text, encoding="utf-8")
    return folder


def compare_data(page: str) -> dict[str, Any]:
    start = '<script type="application/json" id="compare-data">'
    assert page.count(start) == 1
    body = page[page.index(start) + len(start):]
    data: dict[str, Any] = json.loads(body[:body.index("</script>")])
    return data


def test_large_html_is_one_data_block_matching_the_json(tmp_path: Path) -> None:
    from jdgen.render.compare_html import LARGE

    count = LARGE + 10
    folder = large_folder(tmp_path, count)
    for fmt in ("html", "json"):
        result = run("compare", str(folder), "--format", fmt, "-o", str(tmp_path / f"c.{fmt}"))
        assert result.exit_code == 0, result.stderr
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    report = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    data = compare_data(page)
    assert data["posts"] == report["posts"] and sorted(data["posts"]) == [f"p{n:03d}" for n in range(count)]
    assert data["titles"] == report["titles"] and "A </script><b>x</b> & co" in data["titles"]
    from jdgen.compare import post_labels

    assert data["labels"] == post_labels(data["posts"], data["titles"])  # what the page shows
    assert "</script><b>" not in page  # the title is escaped inside the data block
    scale = data["scale"]
    assert len(data["similarity"]) == count * count
    flat = [v for row in report["similarity"] for v in row]
    assert all(abs(v / scale - w) <= 1e-4 for v, w in zip(data["similarity"], flat, strict=True))
    assert len(data["coverage"]) == count * len(report["clusters"])
    assert [f"{fw}:{c}" for fw, c in zip([c.split(":")[0] for c in report["clusters"]], data["clusters"],
                                          strict=True)] == report["clusters"]
    cover = [v for row in report["coverage"] for v in row]
    assert all(abs(v / scale - w) <= 1e-4 for v, w in zip(data["coverage"], cover, strict=True))
    assert data["ksf"] == [v for row in report["ksf_levels"] for v in row]
    assert data["dimensions"] == report["ksf_dimensions"]
    # each post's ids give its similarity with every other post (what the side-by-side computes)
    ids = [set(items) for items in data["items"]]
    for i in range(0, count, 7):
        for j in range(count):
            union = ids[i] | ids[j]
            expected = 1.0 if i == j else (len(ids[i] & ids[j]) / len(union) if union else 0.0)
            assert abs(expected - report["similarity"][i][j]) <= 1e-4
    # every id belongs to a cluster of the matrix, and the heat palette reads at 4.5:1
    assert all(0 <= k < len(data["clusters"]) for k in data["id_cluster"])
    # ids are shown as in the two-post comparison: duties plain (one duty framework here), competences qualified
    assert "C1" in data["ids"] and "ips:ENG1" in data["ids"] and not any(i.startswith("iapt-li:") for i in data["ids"])
    assert all(contrast(fg, bg) >= 4.5 for bg, fg in data["palette"])
    # no matrix cell is rendered in the page itself: only the nearest-neighbour rows are
    assert page.count("<td") == 2 * count
    assert '<table><caption>' in page and 'id="similarity-table"' in page


def test_small_comparisons_keep_the_server_rendered_tables(tmp_path: Path) -> None:
    from jdgen.render.compare_html import LARGE

    folder = large_folder(tmp_path, LARGE)
    result = run("compare", str(folder), "--format", "html", "-o", str(tmp_path / "c.html"))
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "compare-data" not in page
    assert page.count('<td class="v"') >= LARGE * LARGE


# ---------------------------------------------------------------------------------------------
# Labels: posts are named by job title; the file name only tells apart posts of the same title


def test_posts_are_labelled_by_job_title_and_file_name_only_for_equal_titles(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    for name, source in (("first", "a.yaml"), ("second", "a.yaml"), ("other", "b.yaml")):
        (folder / f"{name}.yaml").write_bytes((HERE / source).read_bytes())
    first, second, other = (f"{TITLES['a']} (first)", f"{TITLES['a']} (second)", TITLES["b"])
    outs = {}
    for fmt in ("table", "csv", "json", "html", "xlsx"):
        out = tmp_path / f"c.{fmt}"
        result = run("compare", str(folder), "--order", "file", "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.stderr
        outs[fmt] = out
    # file order is sorted by file name: first, other, second
    text = outs["table"].read_text("utf-8")
    assert f"1  {first}" in text and f"2  {other}" in text and f"3  {second}" in text
    assert f"{first} ~ {second} (1.00)" in text  # the near-duplicate pair, by label
    rows = list(csv.reader(io.StringIO(outs["csv"].read_text("utf-8"))))
    assert rows[0] == ["post", first, other, second]
    wb = read_xlsx(outs["xlsx"])
    assert [c.value for c in wb["Similarity"][1]] == ["post", first, other, second]
    assert [r[0] for r in wb["Nearest"].iter_rows(min_row=2, values_only=True)] == [first, other, second]
    page = parse_cells(outs["html"].read_text("utf-8"))
    headers = [text for tag, text, _ in page.cells if tag == "th"]
    assert {first, second, other} <= set(headers) and not {"first", "second", "other"} & set(headers)
    # JSON keeps its keys and values (file names) and carries the titles beside them
    data = json.loads(outs["json"].read_text("utf-8"))
    assert data["posts"] == ["first", "other", "second"]
    assert data["titles"] == [TITLES["a"], TITLES["b"], TITLES["a"]]
    assert data["nearest"][0]["post"] == "first"


def test_two_posts_side_by_side_by_title(tmp_path: Path) -> None:
    out = tmp_path / "pair.html"
    result = run("compare", "a.yaml", "b.yaml", "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    html = out.read_text("utf-8")
    assert f"<h1>Comparison: {TITLES['a']} and {TITLES['b']}</h1>" in html
    assert f"Only {TITLES['a']}" in html and "Only a<" not in html
    text = run("compare", "a.yaml", "b.yaml").stdout
    assert f"Comparison: {TITLES['a']}  vs  {TITLES['b']}" in text and f"  {TITLES['b']}:" in text


def test_post_labels() -> None:
    from jdgen.compare import post_labels

    assert post_labels(["x", "y", "z"], ["PWP", "pwp ", "Therapist"]) == ["PWP (x)", "pwp  (y)", "Therapist"]
