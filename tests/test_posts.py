"""Post files through `jdgen validate` and `jdgen build`: exact positions of every error class and
warning, and resolution of duties, KSF outline, person specification and supervision checked by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from jdgen.cli import main
from jdgen.library import bundled_root

FixtureDir = Callable[[str], Path]
Invoke = Callable[..., Result]

PWP_CASE_RULE = ("IAPT supervision guidance: qualified PWPs receive individual case management supervision every "
                 "week, at least one hour for a full-time post and pro rata for part-time posts.")
PWP_SKILLS_RULE = ("IAPT supervision guidance: qualified PWPs receive clinical skills supervision every fortnight, "
                   "about one hour a session, which may be delivered in groups of no more than twelve PWPs.")

# bad post (tests/fixtures/posts/NAME.yaml) → its diagnostics, exactly as printed
ERRORS = {
    "yaml-syntax": """\
yaml-syntax.yaml:14:12: error: YAML syntax: while parsing a flow sequence, did not find expected ',' or ']'
""",
    "duplicate-key": """\
duplicate-key.yaml:12:1: error: duplicate key 'grade' (first defined on line 4)
  hint: each key may appear once in a mapping; remove or rename one
""",
    "wrong-type": """\
wrong-type.yaml:5:17: error: hours_per_week must be a number, not the text 'full'
""",
    "unknown-key": """\
unknown-key.yaml:5:1: error: unknown key 'salery'
  hint: did you mean 'salary'?
""",
    "missing-key": """\
missing-key.yaml:2:1: error: missing required key 'title'
""",
    "unknown-cluster": """\
unknown-cluster.yaml:13:17: error: unknown cluster 'CBB' in iapt-li
  hint: did you mean 'CB'?
""",
    "unknown-add": """\
unknown-add.yaml:14:9: error: unknown item 'GG1' in iapt-li
  hint: did you mean 'G1'?
""",
    "remove-core": """\
remove-core.yaml:14:16: error: cannot remove 'C3': Core duties are required of every post
  hint: remove the line, or add a local duty that explains local practice
""",
    "unknown-domain": """\
unknown-domain.yaml:14:24: error: unknown domain or competence 'ENGG' in ips
  hint: did you mean 'ENG'?
""",
    "unknown-framework": """\
unknown-framework.yaml:13:14: error: unknown framework 'iapt-lo'
  hint: did you mean 'iapt-li'?
""",
    "unknown-profile": """\
unknown-profile.yaml:14:14: error: unknown supervision profile 'pwpp'
  hint: did you mean 'pwp'?
""",
    "bad-category": """\
bad-category.yaml:18:17: error: person_spec.essential[0].category must be one of: Qualifications, Experience, \
Knowledge, Skills, Personal qualities, Other; got the text 'Qualification'
  hint: did you mean 'Qualifications'?
""",
}

WARNINGS = {
    "warn-fortnightly": "warn-fortnightly.yaml:18:20: warning: Case management supervision fortnightly is less often "
                        f"than the guidance (weekly) — {PWP_CASE_RULE}\n",
    "warn-short": "warn-short.yaml:19:16: warning: Case management supervision of 45 minutes is shorter than the "
                  f"guidance (60 minutes for a post of 1.00 FTE) — {PWP_CASE_RULE}\n",
    "warn-group": "warn-group.yaml:21:19: warning: Clinical skills supervision in groups of 14 exceeds the guidance's "
                  f"limit of 12 — {PWP_SKILLS_RULE}\n",
    "warn-add-included": "warn-add-included.yaml:14:13: warning: 'A2' is already included through cluster A\n",
}


@pytest.fixture
def posts(fixture_dir: FixtureDir, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run inside tests/fixtures/posts, so diagnostics name the files relative to it."""
    folder = fixture_dir("posts")
    monkeypatch.chdir(folder)
    return folder


def _ok(result: Result) -> None:
    assert result.stdout.startswith("ok: ") and result.stdout.endswith(", 1 post(s)\n"), result.output


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_validate_reports_error_with_position(name: str, posts: Path, jdgen: Invoke) -> None:
    result = jdgen("validate", f"{name}.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == ERRORS[name] + "1 error(s), 0 warning(s)\n"


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_build_reports_error_and_writes_nothing(name: str, posts: Path, jdgen: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = jdgen("build", f"{name}.yaml", "-o", str(out), "-f", "html,md,json,docx")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == ERRORS[name] + "1 error(s), 0 warning(s); 1 of 1 post(s) not built\n"
    assert not [p.name for p in out.iterdir() if p.name.startswith(name)]


def test_good_post_is_clean(posts: Path, jdgen: Invoke) -> None:
    result = jdgen("validate", "--strict", "good.yaml")
    assert result.exit_code == 0
    assert result.stderr == ""
    _ok(result)


def test_every_error_of_a_post_is_reported_in_order(posts: Path, jdgen: Invoke, tmp_path: Path) -> None:
    text = (posts / "good.yaml").read_text("utf-8")
    text = text.replace("clusters: [A]", "clusters: [A, CBB]").replace("supervision: pwp", "supervision: pwpp")
    (tmp_path / "two.yaml").write_text(text, "utf-8")
    result = jdgen("validate", str(tmp_path / "two.yaml"))
    assert result.exit_code == 1
    assert [line.split(": error: ")[1] for line in result.stderr.splitlines() if ": error: " in line] == [
        "unknown cluster 'CBB' in iapt-li", "unknown supervision profile 'pwpp'"]
    assert result.stderr.endswith("2 error(s), 0 warning(s)\n")


# --- warnings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_validate_warning_exits_0(name: str, posts: Path, jdgen: Invoke) -> None:
    result = jdgen("validate", f"{name}.yaml")
    assert result.exit_code == 0
    assert result.stderr == WARNINGS[name] + "0 error(s), 1 warning(s)\n"
    _ok(result)


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_validate_strict_warning_exits_1(name: str, posts: Path, jdgen: Invoke) -> None:
    result = jdgen("validate", "--strict", f"{name}.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == WARNINGS[name] + ("0 error(s), 1 warning(s); "
                                              "failed because warnings are errors under --strict\n")


@pytest.mark.parametrize("name", ["warn-fortnightly", "warn-add-included"])
def test_build_with_warning(name: str, posts: Path, jdgen: Invoke, tmp_path: Path) -> None:
    loose = jdgen("build", f"{name}.yaml", "-o", str(tmp_path / "loose"), "-f", "json")
    assert loose.exit_code == 0
    assert loose.stderr == WARNINGS[name] + "0 error(s), 1 warning(s)\n"
    assert loose.stdout == f"{name}: built (json) in {tmp_path / 'loose'}\n"
    data = json.loads((tmp_path / "loose" / f"{name}.json").read_text("utf-8"))
    assert data["warnings"] == [WARNINGS[name].rstrip("\n")]

    strict = jdgen("build", "--strict", f"{name}.yaml", "-o", str(tmp_path / "strict"), "-f", "json")
    assert strict.exit_code == 1
    assert strict.stdout == ""
    assert strict.stderr == (WARNINGS[name] + f"{name}.yaml: error: not built: warnings are errors under --strict\n"
                             "0 error(s), 1 warning(s); 1 of 1 post(s) not built\n")
    assert not (tmp_path / "strict" / f"{name}.json").exists()


def test_part_time_pwp_needs_only_pro_rata_case_management(posts: Path, jdgen: Invoke, tmp_path: Path) -> None:
    # 45 minutes is below the hour a full-time PWP needs, but above 0.6 × 60 = 36 minutes.
    text = (posts / "warn-short.yaml").read_text("utf-8").replace("hours_per_week: 37.5", "hours_per_week: 22.5")
    (tmp_path / "part-time.yaml").write_text(text, "utf-8")
    result = jdgen("validate", "--strict", str(tmp_path / "part-time.yaml"))
    assert (result.exit_code, result.stderr) == (0, "")


# --- resolution, checked by hand ----------------------------------------------------------------


def _build_json(jdgen: Invoke, post: str, out: Path, stderr: str = "") -> dict[str, Any]:
    result = jdgen("build", post, "-o", str(out), "-f", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == stderr
    data: dict[str, Any] = json.loads((out / f"{Path(post).stem}.json").read_text("utf-8"))
    return data


def _iapt_li_items() -> dict[str, dict[str, Any]]:
    """Every iapt-li item straight from the bundled YAML, by id (independent of jdgen's loader)."""
    items: dict[str, dict[str, Any]] = {}
    for path in sorted((bundled_root() / "clusters" / "iapt-li").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for item in data["items"]:
            items[item["id"]] = item
    return items


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """tests/fixtures/posts/resolve.yaml built once as JSON."""
    out = tmp_path_factory.mktemp("resolved")
    post = Path(__file__).parent / "fixtures" / "posts" / "resolve.yaml"
    result = CliRunner().invoke(main, ["build", str(post), "-o", str(out), "-f", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data: dict[str, Any] = json.loads((out / "resolve.json").read_text("utf-8"))
    return data


EXPECTED_DUTY_IDS = [f"C{i}" for i in range(1, 19)] + [f"A{i}" for i in range(1, 8)] + ["G1", "L1", "L2"]


def test_duties_in_order(resolved: dict[str, Any]) -> None:
    assert [d["id"] for d in resolved["duties"]] == EXPECTED_DUTY_IDS
    assert [d["cluster"] for d in resolved["duties"]] == ["C"] * 18 + ["A"] * 7 + ["G", "LOCAL", "LOCAL"]
    assert [d["local"] for d in resolved["duties"]] == [False] * 26 + [True, True]
    assert [d["text"] for d in resolved["duties"][-2:]] == ["Run an evening clinic each week.",
                                                            "Keep the clinic's leaflet rack stocked."]


def test_duty_texts_are_the_framework_texts(resolved: dict[str, Any]) -> None:
    items = _iapt_li_items()
    for duty in resolved["duties"][:-2]:
        assert duty["text"] == " ".join(items[duty["id"]]["text"].split())


def test_ksf_outline_by_hand(resolved: dict[str, Any]) -> None:
    items = _iapt_li_items()
    framework_ids = EXPECTED_DUTY_IDS[:-2]
    levels: dict[str, int] = {}
    because: dict[str, list[str]] = {}
    for ident in framework_ids:
        for dimension, level in items[ident].get("links", {}).get("ksf", {}).items():
            levels[dimension] = max(levels.get(dimension, 0), level)
            because.setdefault(dimension, []).append(ident)
    core = [f"Core{i}" for i in range(1, 7)]
    # specific dimensions: the two linked by most items (ties: higher level), then any linked by at
    # least half as many items as the first, at most four (docs/ksf.md)
    ranked = sorted((d for d in levels if d not in core), key=lambda d: (-len(because[d]), -levels[d]))
    kept = ranked[:2] + [d for d in ranked[2:4] if len(because[d]) >= len(because[ranked[0]]) / 2]
    expected = {d: levels.get(d, 1) for d in core} | {d: levels[d] for d in levels if d in kept}
    outline = resolved["ksf_outline"]
    assert [r["dimension"] for r in outline][:6] == core
    assert all(r["core"] for r in outline[:6]) and not any(r["core"] for r in outline[6:])
    assert {r["dimension"]: r["level"] for r in outline} == expected
    assert {r["dimension"]: r["because"] for r in outline} == {d: because.get(d, []) for d in expected}
    # spot check of the arithmetic above: C5 and A1 ask for Core1 at level 3; nothing asks for more
    assert expected["Core1"] == 3


def test_supervision_pwp(resolved: dict[str, Any]) -> None:
    sup = resolved["supervision"]
    assert sup["profile"] == "pwp"
    assert [(a["type"], a["every_weeks"], a["minutes"], a["format"]) for a in sup["arrangements"]] == [
        ("case-management", 1, 60, "individual"), ("clinical-skills", 2, 60, "individual-or-group")]
    assert [a["type"] for a in sup["all_staff"]] == ["professional-management"]
    assert resolved["warnings"] == []


def test_own_arrangement_replaces_the_profile_one(posts: Path, jdgen: Invoke, tmp_path: Path) -> None:
    sup = _build_json(jdgen, "warn-group.yaml", tmp_path,
                      WARNINGS["warn-group"] + "0 error(s), 1 warning(s)\n")["supervision"]
    assert [(a["type"], a["format"], a["group_size"]) for a in sup["arrangements"]] == [
        ("case-management", "individual", None), ("clinical-skills", "group", 14)]
    assert sup["arrangements"][1]["rule"] == PWP_SKILLS_RULE


def test_hs_label_and_derived_knowledge(posts: Path, jdgen: Invoke, tmp_path: Path) -> None:
    data = _build_json(jdgen, "resolve-extras.yaml", tmp_path)
    by_id = {d["id"]: d for d in data["duties"]}
    assert by_id["HS1"]["label"] == "H&S 1" and by_id["HS1"]["cluster"] == "HS"
    assert [d["id"] for d in data["duties"]][25:] == ["A8", "M1", "HS1"]  # framework order, not the order of add
    m1 = " ".join(_iapt_li_items()["M1"]["text"].split())
    assert m1.startswith("Knowledge of ")
    knowledge = [c for c in data["person_spec"] if c["category"] == "Knowledge"]
    assert knowledge == [
        {"text": "Knowledge of the stepped care model", "category": "Knowledge", "essential": True,
         "assessed_by": ["application", "interview"], "derived_from": None},
        {"text": m1, "category": "Knowledge", "essential": True, "assessed_by": ["interview"], "derived_from": "M1"},
    ]
    assert data["person_spec"][0] == {"text": "Experience of working in a team", "category": "Experience",
                                      "essential": True, "assessed_by": ["application", "interview"],
                                      "derived_from": None}


def test_derive_knowledge_false(posts: Path, jdgen: Invoke, tmp_path: Path) -> None:
    text = (posts / "resolve-extras.yaml").read_text("utf-8") + "  derive_knowledge: false\n"
    (tmp_path / "no-derive.yaml").write_text(text, "utf-8")
    data = _build_json(jdgen, str(tmp_path / "no-derive.yaml"), tmp_path / "out")
    assert [c["derived_from"] for c in data["person_spec"]] == [None, None]


def test_impossible_date_is_a_validation_error(posts: Path, jdgen: Invoke, tmp_path: Path) -> None:
    build = jdgen("build", "impossible-date.yaml", "-o", str(tmp_path), "-f", "docx")
    assert "internal error" not in build.stderr
    result = jdgen("validate", "impossible-date.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("impossible-date.yaml:10:14: error: ")


def test_organisation_defaults_to_the_workspace_settings(tmp_path: Path) -> None:
    # A post without `organisation` is a draft (a warning, an error under --strict), and takes
    # jdgen.yaml's when there is one.
    from click.testing import CliRunner

    from jdgen.cli import main

    good = (Path(__file__).parent / "fixtures" / "posts" / "good.yaml").read_text(encoding="utf-8")
    post = tmp_path / "p.yaml"
    post.write_text("\n".join(line for line in good.splitlines() if not line.startswith("organisation:")) + "\n",
                    encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["--workspace", str(tmp_path), "validate", "--strict", str(post)])
    assert result.exit_code == 1
    assert "warning: draft: no organisation yet" in result.stderr
    (tmp_path / "jdgen.yaml").write_text("organisation: Northfield NHS Trust\n", encoding="utf-8")
    result = runner.invoke(main, ["--workspace", str(tmp_path), "build", str(post), "-f", "json",
                                  "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "out" / "p.json").read_text(encoding="utf-8"))
    assert data["terms"]["organisation"] == "Northfield NHS Trust"


def test_a_reworded_item_shows_the_posts_wording_without_the_frameworks_sub_points(jdgen: Invoke,
                                                                                    tmp_path: Path) -> None:
    post = tmp_path / "reworded.yaml"
    post.write_text("title: Worker\ngrade: Band 5\nduties:\n  clusters: [CB]\n  reword:\n"
                    "    CB2: Help people with low mood to plan rewarding activities.\n", "utf-8")
    result = jdgen("build", str(post), "-o", str(tmp_path / "o"), "-f", "json", "--profile", "full", "-q")
    assert result.exit_code == 0, result.output
    duties = {d["id"]: d for d in json.loads((tmp_path / "o" / "reworded.json").read_text("utf-8"))["duties"]}
    assert duties["CB2"]["text"] == "Help people with low mood to plan rewarding activities."
    assert duties["CB2"]["sub"] == [] and duties["CB2"]["framework_text"]
    assert duties["CB1"]["sub"]  # an item the post does not reword keeps its sub-points
