"""Tests that bite (issue 15 §8): each test below fails when the rule it names is changed. The
hand-made mutations of the issue come first (the mutation each kills is in its docstring), then the
survivors of a mutmut run that matter (boundaries and rules the documents depend on)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from conftest import build_json

from jdgen.assessments import check_complete, read_assessments
from jdgen.errors import Collector
from jdgen.ksf import OutlineRow, Override, floor_for, ksf_outline, parse_overrides
from jdgen.library import load_library
from jdgen.model import Library, Link
from jdgen.salary import Salary, from_mapping, parse, text_of
from jdgen.web.form import _number as form_number
from jdgen.web.form import like_before
from jdgen.web.store import MAX_DEPTH, StoreError, delete_post, depth, merge, read_post, save_post
from jdgen.yamlio import parse_text

Invoke = Callable[..., Result]

POST = """\
title: Test Practitioner
organisation: Test NHS Trust
grade: Band 5
hours_per_week: 37.5
contract: Permanent
base: Test Health Centre
responsible_to: Team Lead
accountable_to: Service Manager
date_posted: "2026-01-05"
summary: A small post used by the jdgen tests.
duties:
  clusters: [A]
"""


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(None)


def _post(tmp_path: Path, text: str, name: str = "post") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, "utf-8")
    return path


# --- posts.py: KSF overrides and hours ------------------------------------------------------------


def test_a_foundation_level_equal_to_the_level_is_accepted(jdgen: Invoke, tmp_path: Path) -> None:
    """Kills posts.py `spec["foundation"] > spec["level"]` → `>=`: foundation 3 with level 3 is the
    same level at both gateways (docs/ksf.md), not an error; 4 above 3 is one."""
    same = _post(tmp_path, POST + "ksf:\n  HWB6: {level: 3, foundation: 3, reason: Leads assessment.}\n")
    result = jdgen("validate", str(same))
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    data = build_json(jdgen, same, tmp_path / "out")
    row = next(r for r in data["ksf_outline"] if r["dimension"] == "HWB6")
    assert (row["foundation"], row["level"]) == (3, 3)
    above = _post(tmp_path, POST + "ksf:\n  HWB6: {level: 3, foundation: 4, reason: Leads assessment.}\n")
    result = jdgen("validate", str(above))
    assert result.exit_code == 1
    assert "the foundation gateway level (4) is above the second gateway level (3)" in result.stderr


@pytest.mark.parametrize(("hours", "fte", "employment", "text"), [
    ("40", 1.0, "FULL_TIME", "40 hours a week (full time)"),
    ("37.5", 1.0, "FULL_TIME", "37.5 hours a week (full time)"),
    ("37", 0.99, "PART_TIME", "37 hours a week (part time, 0.99 FTE)"),
    ("22.5", 0.6, "PART_TIME", "22.5 hours a week (part time, 0.6 FTE)"),
])
def test_fte_is_hours_over_full_time_capped_at_one(hours: str, fte: float, employment: str, text: str,
                                                   jdgen: Invoke, tmp_path: Path) -> None:
    """Kills posts.py 'FTE no longer capped at 1' (40 of 37.5 hours is 1.0 FTE, not 1.07) and
    `hours >= full_time_hours` → `>` (37.5 hours is full time)."""
    post = _post(tmp_path, POST.replace("hours_per_week: 37.5", f"hours_per_week: {hours}"))
    terms = build_json(jdgen, post, tmp_path / "out")["terms"]
    assert (terms["fte"], terms["employment_type"], terms["hours_text"]) == (fte, employment, text)


# --- ksf.py: Health, safety and security below band 8 ----------------------------------------------


def test_health_and_safety_reaches_the_band_floor_from_band_8(library: Library) -> None:
    """Kills ksf.py `band < slow_until` → `<=`: Core3 stays at level 2 below band 8 and reaches the
    band's floor (3) at band 8 (docs/ksf.md); the other core dimensions are at 3 from band 7."""
    assert [floor_for("Core3", band) for band in range(1, 10)] == [1, 1, 1, 2, 2, 2, 2, 3, 3]
    assert [floor_for("Core2", band) for band in range(1, 10)] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    links = [(Link("ksf", "Core1", 3),)]
    for band, core3 in ((7, (2, 2)), (8, (3, 3)), (9, (3, 3))):
        rows = {r.dimension: (r.foundation, r.level) for r in ksf_outline(library, links, ["X1"], False, band)}
        assert rows["Core3"] == core3, band


# --- supervision.py: the group-size limit -------------------------------------------------------


GROUP = POST + """\
supervision:
  profile: pwp
  arrangements:
    - type: clinical-skills
      every_weeks: 2
      minutes: 60
      format: group
      group_size: {size}
"""


def test_a_group_at_the_guidance_limit_is_not_warned(jdgen: Invoke, tmp_path: Path) -> None:
    """Kills supervision.py `group_size > max_group_size` → `>=`: the guidance allows groups of no
    more than twelve PWPs, so twelve is fine and thirteen is warned."""
    result = jdgen("validate", str(_post(tmp_path, GROUP.format(size=12))))
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    result = jdgen("validate", str(_post(tmp_path, GROUP.format(size=13))))
    assert result.exit_code == 0
    assert "warning: Clinical skills supervision in groups of 13 exceeds the guidance's limit of 12" in result.stderr
    assert result.stderr.endswith("0 error(s), 1 warning(s)\n")


# --- web/store.py: saving ------------------------------------------------------------------------


def test_saving_over_a_post_deleted_since_it_was_read_is_refused(tmp_path: Path) -> None:
    """Kills web/store.py's removed 'deleted since you read it' check: an If-Match ETag for a post
    that no longer exists is a 412 and nothing is written; '*' or no ETag creates the post."""
    etag = save_post(tmp_path, "gone", {"title": "Gone"}, "*")
    (tmp_path / "gone.yaml").unlink()
    with pytest.raises(StoreError) as refused:
        save_post(tmp_path, "gone", {"title": "Back"}, etag)
    assert refused.value.status == 412 and "deleted since you read it" in refused.value.message
    assert not (tmp_path / "gone.yaml").exists()
    save_post(tmp_path, "star", {"title": "Star"}, " * ")
    save_post(tmp_path, "plain", {"title": "Plain"}, None)
    assert read_post(tmp_path, "star")[0] == {"title": "Star"}
    assert read_post(tmp_path, "plain")[0] == {"title": "Plain"}


def test_removing_a_list_entry_shrinks_the_saved_list(tmp_path: Path) -> None:
    """Kills web/store.py's dropped `del old[len(new):]`: a list saved shorter is shorter in the file,
    and its comments stay with the entries that remain."""
    (tmp_path / "p.yaml").write_text(
        "title: T  # the title\nterms:\n  - {label: A, text: one}  # first\n  - {label: B, text: two}\n"
        "  - {label: C, text: three}\n", "utf-8")
    data, etag, problems = read_post(tmp_path, "p")
    assert problems == []
    data["terms"] = [*data["terms"][:1], {"label": "Z", "text": "new"}]
    etag = save_post(tmp_path, "p", data, etag)
    saved = (tmp_path / "p.yaml").read_text("utf-8")
    assert yaml.safe_load(saved)["terms"] == [{"label": "A", "text": "one"}, {"label": "Z", "text": "new"}]
    assert "# the title" in saved and "# first" in saved
    data["terms"] = []
    save_post(tmp_path, "p", data, etag)
    assert yaml.safe_load((tmp_path / "p.yaml").read_text("utf-8"))["terms"] == []


# --- yamlio.py: numbers too large ---------------------------------------------------------------


@pytest.mark.parametrize(("number", "ok"), [
    ("1000000000000000", True), ("-1000000000000000", True),
    ("1000000000000001", False), ("-1000000000000001", False),
])
def test_numbers_up_to_10_to_the_15_are_read(number: str, ok: bool) -> None:
    """Kills yamlio.py `abs(value) > 10**15` → `>=` and → `value > 10**15` (a large negative number)."""
    doc, problems = parse_text(f"hours_per_week: {number}\n", "p.yaml")
    if ok:
        assert problems == [] and doc is not None and doc.data == {"hours_per_week": int(number)}
    else:
        assert [p.format() for p in problems] == [
            "p.yaml:1:17: error: the number is too large\n  hint: give an ordinary number, or put the text in quotes"]


# --- salary.py: a range or one amount -------------------------------------------------------------


@pytest.mark.parametrize(("salary", "text"), [
    (Salary(31049, 37796, None, "year"), "£31,049 to £37,796 a year"),
    (Salary(31049, 31049, None, "year"), "£31,049 a year"),
    (Salary(31049, None, None, "year"), "from £31,049 a year"),
    (Salary(None, None, 12.5, "hour", "pro rata"), "£12.50 an hour (pro rata)"),
])
def test_salary_text_is_a_range_only_when_the_ends_differ(salary: Salary, text: str) -> None:
    """Kills salary.py `salary.max != salary.min` → `==` and its removal: a range needs two different
    ends; the same amount twice is that amount (not 'from', which says it could be more)."""
    assert text_of(salary) == text


# --- survivors of the mutmut run (issue 15 §8, part 2) --------------------------------------------


@pytest.mark.parametrize(("mapping", "text", "value"), [
    ({"min": 26140, "max": 28100}, "£26,140 to £28,100 a year",
     {"@type": "QuantitativeValue", "unitText": "YEAR", "minValue": 26140, "maxValue": 28100}),
    ({"min": 0, "max": 28100, "note": "pro rata"}, "£0 to £28,100 a year (pro rata)",
     {"@type": "QuantitativeValue", "unitText": "YEAR", "minValue": 0, "maxValue": 28100}),
    ({"min": 26140}, "from £26,140 a year", {"@type": "QuantitativeValue", "unitText": "YEAR", "minValue": 26140}),
    ({"value": 12.5, "per": "hour", "note": "bank  staff"}, "£12.50 an hour (bank staff)",
     {"@type": "QuantitativeValue", "unitText": "HOUR", "value": 12.5}),
    ({"value": 95.456, "per": "day"}, "£95.46 a day",
     {"@type": "QuantitativeValue", "unitText": "DAY", "value": 95.46}),
])
def test_a_salary_mapping_is_written_out_and_given_to_job_boards(mapping: dict[str, Any], text: str,
                                                                 value: dict[str, Any]) -> None:
    """Kills salary.py mutants of from_mapping (`per` defaults to year, `note` to nothing, a missing
    max is None), `min or 0` → `or 1`, and `_number` (whole pounds are JSON integers, pence rounded
    to two places): docs/formats.md 'Salary and JSON-LD'."""
    pay = from_mapping(mapping)
    assert text_of(pay) == text
    assert json.dumps(pay.quantitative_value()) == json.dumps(value)


def test_salary_text_reads_units_in_any_case_and_the_first_two_amounts() -> None:
    """Kills salary.py `re.IGNORECASE` dropped from the unit search and `amounts[:2]` → `[:3]`."""
    assert parse("£12.50 Per Hour") == Salary(None, None, 12.5, "hour")
    assert parse("£31,049 to £37,796 a year plus £5,000 high cost area supplement") == Salary(
        31049, 37796, None, "year")


def _rows(library: Library, links: list[tuple[Link, ...]], band: int | None, manages: bool = False,
          overrides: dict[str, Override] | None = None) -> dict[str, OutlineRow]:
    owners = [f"X{i}" for i in range(1, len(links) + 1)]
    return {r.dimension: r for r in ksf_outline(library, links, owners, manages, band, overrides=overrides)}


def test_a_specific_dimension_of_the_only_linked_statement_is_central(library: Library) -> None:
    """Kills ksf.py `linked > 0` → `linked > 1` and `framework == KSF and level` → `or`: the share
    that makes a dimension central counts only statements with KSF links (docs/ksf.md rule 2)."""
    hwb3 = (Link("ksf", "HWB3", 1),)
    assert _rows(library, [hwb3], 5)["HWB3"].level == 2  # 1 of 1: central, raised to the floor
    other = (Link("esc", "X1", 2),)  # links to other frameworks, with a level, do not count
    row = _rows(library, [hwb3, other, other, other, other], 5)["HWB3"]
    assert (row.foundation, row.level, row.because) == (2, 2, ("X1",))
    assert _rows(library, [hwb3, *[(Link("ksf", "Core1", 2),)] * 4], 5)["HWB3"].level == 1  # 1 of 5


def test_a_manager_is_at_g6_level_2_or_the_band_floor(library: Library) -> None:
    """Kills ksf.py `min(max(2, floor), ceiling)` → `max(3, …)`: G6 (people management) is asked of a
    post that manages people at level 2, or the band's floor where that is higher."""
    core = [(Link("ksf", "Core1", 2),)]
    assert "G6" not in _rows(library, core, 5)
    assert [(_rows(library, core, band, manages=True)["G6"].level) for band in (4, 5, 7)] == [2, 2, 3]


def test_rows_carry_the_framework_titles_and_no_note_when_nothing_was_changed(library: Library) -> None:
    """Kills ksf.py mutants of the row: the dimension and level titles the documents print, the core
    flag, the owners, and the empty note and reason of a row whose level is as asked — also at the
    band's ceiling (`level > ceiling` → `>=`) and floor (`level < floor` → `<=`)."""
    ksf = library.frameworks["ksf"]
    entries = {e.id: e for e in ksf.entries}
    rows = _rows(library, [(Link("ksf", "Core1", 3), Link("ksf", "HWB6", 2))], 5)
    for dim, core, level, foundation in (("Core1", True, 3, 2), ("HWB6", False, 2, 2)):
        row = rows[dim]
        assert (row.title, row.core, row.level, row.foundation) == (entries[dim].title, core, level, foundation)
        assert row.level_title == entries[dim].level_title(level)
        assert row.foundation_title == entries[dim].level_title(foundation)
        assert (row.because, row.note, row.reason) == (("X1",), "", "")
    assert rows["Core1"].level_title and rows["Core1"].foundation_title  # HWB levels have no titles
    overridden = _rows(library, [(Link("ksf", "Core1", 4),)], 5,
                       overrides={"Core1": Override(2, "Set by the service.")})["Core1"]
    assert (overridden.level, overridden.note, overridden.reason) == (2, "", "Set by the service.")


def test_override_reasons_are_one_line() -> None:
    """Kills ksf.py parse_overrides mutants: the reason's white space is folded as the document shows it."""
    parsed = parse_overrides({"HWB6": {"level": 3, "reason": "Leads\n  assessment. ", "foundation": 2}})
    assert parsed == {"HWB6": Override(3, "Leads assessment.", 2)}


def _nested(levels: int) -> dict[str, Any]:
    """A post `levels` deep (the post's own mapping is level 1)."""
    data: Any = "leaf"
    for _ in range(levels - 2):
        data = {"k": data}
    return {"title": "Deep", "terms": data}


def test_posts_nested_up_to_the_limit_are_saved(tmp_path: Path) -> None:
    """Kills web/store.py `depth(data) > MAX_DEPTH` → `>=`, the off-by-one mutants of depth(), its
    `stack +=` → `stack =` (a deep branch forgotten), and the 400 status of a post that is not a mapping."""
    assert [depth(v) for v in ("x", {}, [], {"a": 1}, [[1]], {"a": [{"b": 2}]})] == [1, 1, 1, 2, 3, 4]
    # the deepest branch counts wherever it is, also before a shallower sibling
    assert depth({"deep": {"x": {"y": 1}}, "shallow": {"k": 1}}) == depth([[[1]], [1]]) == 4
    assert depth(_nested(MAX_DEPTH)) == MAX_DEPTH
    save_post(tmp_path, "limit", _nested(MAX_DEPTH), "*")
    with pytest.raises(StoreError) as refused:
        save_post(tmp_path, "over", _nested(MAX_DEPTH + 1), "*")
    assert refused.value.status == 400 and not (tmp_path / "over.yaml").exists()
    with pytest.raises(StoreError) as refused:
        save_post(tmp_path, "list", [{"title": "A list"}], "*")
    assert refused.value.status == 400 and not (tmp_path / "list.yaml").exists()


def test_conflicts_carry_the_current_etag_and_star_overwrites(tmp_path: Path) -> None:
    """Kills web/store.py `etag=` dropped from the 428 and 412 refusals (the client reloads with it)
    and `"*"` → `"XX*XX"` when saving over or deleting a post."""
    first = save_post(tmp_path, "p", {"title": "One"}, None)
    for if_match, status in ((None, 428), ('"stale"', 412)):
        with pytest.raises(StoreError) as refused:
            save_post(tmp_path, "p", {"title": "Two"}, if_match)
        assert (refused.value.status, refused.value.extra) == (status, {"etag": first})
    second = save_post(tmp_path, "p", {"title": "Two"}, "*")
    assert read_post(tmp_path, "p")[:2] == ({"title": "Two"}, second)
    with pytest.raises(StoreError) as refused:
        delete_post(tmp_path, "p", first)
    assert refused.value.status == 412 and (tmp_path / "p.yaml").exists()
    delete_post(tmp_path, "p", "*")
    assert not (tmp_path / "p.yaml").exists()


def test_a_new_post_is_written_in_the_project_style(tmp_path: Path) -> None:
    """Kills web/store.py _yaml and _plain mutants: lists indented under their key, several lines of
    text as a literal block."""
    save_post(tmp_path, "new", {"title": "T", "summary": "One line.\nTwo lines.",
                                "terms": [{"label": "A", "text": "x"}], "duties": {"clusters": ["A", "B"]}}, None)
    assert (tmp_path / "new.yaml").read_text("utf-8") == (
        "title: T\nsummary: |-\n  One line.\n  Two lines.\nterms:\n  - label: A\n    text: x\n"
        "duties:\n  clusters:\n    - A\n    - B\n")


def test_saving_keeps_quotes_and_comments_inside_list_entries_and_follows_changes_of_shape(tmp_path: Path) -> None:
    """Kills web/store.py `preserve_quotes` off, `merge(None, value)` for list entries, and `and` → `or`
    in merge's dict and list tests (a value that changes from text to a mapping or list and back)."""
    (tmp_path / "p.yaml").write_text(
        'title: "T"\nterms:\n  - label: A  # keep me\n    text: one\nduties: x\nother: [1]\n', "utf-8")
    data, etag, _ = read_post(tmp_path, "p")
    data["terms"][0]["text"] = "changed"
    data["duties"], data["other"] = {"clusters": ["A"]}, "text"
    etag = save_post(tmp_path, "p", data, etag)
    saved = (tmp_path / "p.yaml").read_text("utf-8")
    assert saved.startswith('title: "T"\nterms:\n  - label: A  # keep me\n    text: changed\n'), saved
    assert yaml.safe_load(saved) == {"title": "T", "terms": [{"label": "A", "text": "changed"}],
                                     "duties": {"clusters": ["A"]}, "other": "text"}
    data["duties"], data["other"] = "x", [1]
    save_post(tmp_path, "p", data, etag)
    assert yaml.safe_load((tmp_path / "p.yaml").read_text("utf-8"))["duties"] == "x"


def test_a_post_that_does_not_parse_reads_as_no_data_with_its_problems(tmp_path: Path) -> None:
    """Kills web/store.py read_post `doc is not None` → always true (a crash on a broken file)."""
    (tmp_path / "bad.yaml").write_text("title: [unclosed\n", "utf-8")
    data, etag, problems = read_post(tmp_path, "bad")
    assert data is None and etag.startswith('"') and len(problems) == 1 and "bad.yaml:" in problems[0]


def test_merge_replaces_a_value_of_another_type_even_when_equal() -> None:
    """Kills web/store.py merge `type(old) is type(new)` → `is not`: 1 and True are equal in Python,
    but a post that said 1 and now says true must say true."""
    assert merge(1, True) is True and merge(True, 1) == 1 and merge(True, 1) is not True


SUPERVISED = POST + """\
supervision:
  profile: {profile}
  arrangements:
{arrangements}
"""


def _warnings(jdgen: Invoke, tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    """(line, col, code, message before the rule) of each warning `validate -f json` gives."""
    result = jdgen("validate", "-f", "json", str(_post(tmp_path, text)))
    assert result.exit_code == 0, result.output
    return [(d["line"], d["col"], d["code"], d["message"].split(" — ")[0]) for d in json.loads(result.stdout)]


def _pwp(hours: str, case_minutes: int, case_format: str, skills_minutes: int) -> str:
    arrangements = (f"    - {{type: case-management, every_weeks: 1, minutes: {case_minutes}, format: {case_format}}}\n"
                    f"    - {{type: clinical-skills, every_weeks: 2, minutes: {skills_minutes}, format: group}}")
    return SUPERVISED.format(profile="pwp", arrangements=arrangements).replace(
        "hours_per_week: 37.5", f"hours_per_week: {hours}")


def test_supervision_length_is_pro_rata_only_where_the_guidance_says_and_about_allows_a_quarter_less(
        jdgen: Invoke, tmp_path: Path) -> None:
    """Kills supervision.py `if rule.full_time_basis` → always, `if rule.minimum` → always, and the
    individual-format check's mutants: PWP case management is at least an hour a week pro rata and
    individual; clinical skills is about an hour (45 minutes is still about an hour) whatever the FTE."""
    assert _warnings(jdgen, tmp_path, _pwp("18.75", 30, "individual", 45)) == []
    assert _warnings(jdgen, tmp_path, _pwp("18.75", 29, "group", 44)) == [
        (16, 56, "supervision-below-guidance", "Case management supervision of 29 minutes is shorter than "
                                                "the guidance (30 minutes for a post of 0.50 FTE)"),
        (16, 68, "supervision-below-guidance", "Case management supervision is given as group supervision; "
                                                "the guidance asks for individual"),
        (17, 56, "supervision-below-guidance", "Clinical skills supervision of 44 minutes is shorter than "
                                                "the guidance (60 minutes)")]
    assert [w[3] for w in _warnings(jdgen, tmp_path, _pwp("37.5", 59, "individual", 60))] == [
        "Case management supervision of 59 minutes is shorter than the guidance (60 minutes for a post of 1.00 FTE)"]


def test_caseload_and_supervisees_are_warned_only_above_the_practice(jdgen: Invoke, tmp_path: Path) -> None:
    """Kills supervision.py `caseload > profile.caseload` and `supervisees > provided.supervisees` → `>=`,
    the `and` → `or` mutants of the supervisees test, and the keys and code of both warnings: IPS
    practice expects a caseload of about 20 and about 10 staff for one supervisor."""
    ips = SUPERVISED.format(profile="ips", arrangements="    []").replace(
        "  arrangements:\n    []\n", "  caseload: {caseload}\n  supervisees: {supervisees}\n")
    ips += "provides_supervision: [ips]\n"
    assert _warnings(jdgen, tmp_path, ips.format(caseload=20, supervisees=10)) == []
    assert _warnings(jdgen, tmp_path, ips.format(caseload=21, supervisees=11)) == [
        (15, 13, "supervision-below-guidance",
         "a caseload of 21 is more than IPS fidelity practice expects of one IPS Employment Specialist (about 20)"),
        (16, 16, "supervision-below-guidance",
         "supervising 11 staff is more than IPS fidelity practice expects of one supervisor (about 10)")]
    no_provides = ips.replace("provides_supervision: [ips]\n", "")
    assert _warnings(jdgen, tmp_path, no_provides.format(caseload=20, supervisees=11)) == []


def test_coverage_items_have_the_documented_keys(jdgen: Invoke, library: Library) -> None:
    """Kills compare.py coverage's `"cluster_title"` key renamed: docs/compare.md lists each item as
    {"id", "cluster", "cluster_title", "text", "covered_by"}."""
    posts = Path(__file__).parent.parent / "examples" / "posts"
    result = jdgen("coverage", str(posts / "pwp.yaml"), "--framework", "iapt-li", "--format", "json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    titles = {c.shown_code: c.title for c in library.frameworks["iapt-li"].clusters}
    assert all(list(i) == ["id", "cluster", "cluster_title", "text", "covered_by"] for i in items)
    assert all(i["cluster_title"] == titles[i["cluster"]] for i in items) and items[0]["cluster_title"] == "Core"


@pytest.mark.parametrize(("text", "code", "message"), [
    ("a: !foo x", "yaml-tag", "p.yaml:1:4: error: unsupported tag '!foo'\n  hint: jdgen reads plain YAML values only"),
    ("a: !!binary aGk=", "yaml-tag",
     "p.yaml:1:4: error: unsupported tag 'tag:yaml.org,2002:binary'\n  hint: jdgen reads plain YAML values only"),
    ("a: !!int abcdefghijklmnopqrst", "yaml-value",
     "p.yaml:1:4: error: 'abcdefghijklmnopqrst' is not a valid int\n"
     "  hint: write a plain value, or put text in quotes"),
    ("a: !!int abcdefghijklmnopqrstu", "yaml-value",
     "p.yaml:1:4: error: 'abcdefghijklmnopqrst…' is not a valid int\n"
     "  hint: write a plain value, or put text in quotes"),
    ("a: .inf", "yaml-value",
     "p.yaml:1:4: error: '.inf' is not a finite number\n  hint: give an ordinary number, or put the text in quotes"),
])
def test_bad_values_have_their_stable_code_and_a_hint(text: str, code: str, message: str) -> None:
    """Kills yamlio.py _scalar mutants of the `yaml-tag` code (docs/diagnostics.md: codes are stable),
    of the hints, and of the 20-character cut of a bad value (`> 20` → `>= 20`, `> 21`)."""
    _, problems = parse_text(text + "\n", "p.yaml")
    assert [(p.code, p.format()) for p in problems] == [(code, message)]


@pytest.mark.parametrize(("text", "value"), [("3", 3), ("2.5", 2.5), ("-0.5", -0.5), ("nan", "nan"), ("inf", "inf"),
                                             ("-Infinity", "-Infinity"), ("1e400", "1e400"), ("ten", "ten")])
def test_a_form_number_is_a_finite_number_or_stays_text(text: str, value: Any) -> None:
    """Kills web/form.py _number `value == value and abs(value) != inf` → `or` / always: NaN and
    infinities stay text, so the schema check reports them at their field."""
    result = form_number(text)
    assert result == value and type(result) is type(value)


def test_form_data_keeps_the_files_order_and_its_empty_lists() -> None:
    """Kills web/form.py like_before mutants: the file's key order (new keys last), the empty lists and
    mappings the file wrote out (kept; other keys the form leaves out are dropped), the file's order of
    the same ticked values, also inside list entries, and new data of another shape taken as it is."""
    old = {"title": "T", "duties": {"clusters": ["B", "A"], "add": []}, "terms": [{"tags": ["y", "x"]}],
           "ksf": {}, "note": "gone", "extra": [1]}
    new = {"grade": "Band 5", "terms": [{"tags": ["x", "y"]}, {"tags": ["z"]}], "title": "T2",
           "duties": {"clusters": ["A", "B"]}}
    assert list(like_before(new, old).items()) == [
        ("title", "T2"), ("duties", {"clusters": ["B", "A"], "add": []}),
        ("terms", [{"tags": ["y", "x"]}, {"tags": ["z"]}]), ("ksf", {}), ("grade", "Band 5")]
    assert like_before({"clusters": ["A", "C"]}, {"clusters": ["B", "A"]}) == {"clusters": ["A", "C"]}
    assert like_before({"a": 1}, None) == {"a": 1} and like_before(["x"], None) == ["x"]
    assert like_before("text", {"a": []}) == "text" and like_before("text", ["a"]) == "text"


def _diagnostics(jdgen: Invoke, tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    result = jdgen("validate", "-f", "json", str(_post(tmp_path, text)))
    return [(d["line"], d["col"], d["level"], d["code"]) for d in json.loads(result.stdout)]


def test_ksf_overrides_and_dates_are_checked_one_by_one_with_stable_codes(jdgen: Invoke, tmp_path: Path) -> None:
    """Kills posts.py _ksf_overrides `level == 0 and core` → `or` (a core dimension may be set to
    another level), `continue` → `break` (every override is checked), the codes `unknown-link`,
    `ksf-override` and `bad-date`, closing_date dropped from the real-date check, and a missing
    date_posted read as text that closing_date is before; a closing date before the posting date is
    `date-order` at closing_date."""
    fine = POST.replace('date_posted: "2026-01-05"\n', 'closing_date: "2026-02-01"\n') + (
        "ksf:\n  Core4: {level: 3, reason: Leads the audit.}\n")
    assert _diagnostics(jdgen, tmp_path, fine) == []
    bad = POST + ('closing_date: "2026-02-30"\nksf:\n  HWB6: {level: 2, foundation: 3, reason: Backwards.}\n'
                  "  Core2: {level: 0, reason: Not needed.}\n  HWB66: {level: 3, reason: Typo.}\n")
    assert _diagnostics(jdgen, tmp_path, bad) == [
        (13, 15, "error", "bad-date"), (15, 32, "error", "ksf-override"), (16, 18, "error", "ksf-override"),
        (17, 3, "error", "unknown-link")]
    early = POST.replace('date_posted: "2026-01-05"\n', 'date_posted: "2026-01-05"\nclosing_date: "2026-01-04"\n')
    assert _diagnostics(jdgen, tmp_path, early) == [(10, 15, "error", "date-order")]


KNOWN = [f"C{i}" for i in range(1, 13)]


def _read_csv(tmp_path: Path, text: str) -> tuple[list[Any], list[tuple[int, int, str, str]]]:
    """Ratings read from one CSV (items C1–C12) and the problems (line, col, code, message)."""
    path = tmp_path / "a.csv"
    path.write_text(text, "utf-8")
    out = Collector()
    ratings = read_assessments([path], KNOWN, out)
    check_complete(ratings, KNOWN, out)
    return ratings, [(d.line, d.col, d.code, d.message) for d in out.items]


def test_checklist_headers_are_refused_with_their_column_and_code(tmp_path: Path) -> None:
    """Kills assessments.py _header mutants: an unknown column is an error even when the required ones
    are there (`problems = True` → False/None); only a one-cell header holding ';' and 'person' is read
    as semicolon-separated (`and` → `or`); the position and the `assessment-header` code; the list of
    columns as the hint when no column name is near (the `', '.join(None)` mutant crashed unseen)."""
    rows = "".join(f"ann,{i},2\n" for i in KNOWN)
    assert _read_csv(tmp_path, "person,item,rating\n" + rows)[1] == []
    ratings, problems = _read_csv(tmp_path, "person,item,rating,commment\n" + rows)
    assert ratings == [] and problems == [(1, 4, "assessment-header", "unknown column 'commment'")]
    _, problems = _read_csv(tmp_path, "person,item,rating,zzzzzz\n" + rows)
    assert problems == [(1, 4, "assessment-header", "unknown column 'zzzzzz'")]
    out = Collector()
    read_assessments([tmp_path / "a.csv"], KNOWN, out)
    assert out.items[0].hint == "columns: person, item, rating, comment, statement"
    assert _read_csv(tmp_path, "person\nann\n")[1] == [(1, 1, "assessment-header", "missing column(s): item, rating")]
    assert _read_csv(tmp_path, "person;item;rating\nann;C1;2\n")[1] == [
        (1, 1, "assessment-header", "the columns are separated by semicolons, not commas")]


def test_missing_ratings_name_up_to_eight_items(tmp_path: Path) -> None:
    """Kills assessments.py check_complete mutants: up to eight missing items are all named, more are
    counted ('and 1 more'), at the person's first row with the `assessment-missing` code."""
    header = "person,item,rating\n"
    _, problems = _read_csv(tmp_path, header + "".join(f"ann,{i},2\n" for i in KNOWN[8:]))
    assert problems == [(2, 1, "assessment-missing",
                         "ann has no rating for 8 item(s): C1, C2, C3, C4, C5, C6, C7, C8")]
    _, problems = _read_csv(tmp_path, header + "".join(f"ann,{i},2\n" for i in KNOWN[9:]))
    assert problems == [(2, 1, "assessment-missing",
                         "ann has no rating for 9 item(s): C1, C2, C3, C4, C5, C6, C7, C8 and 1 more")]
    _, problems = _read_csv(tmp_path, header + "ann,C12,2\n")
    assert problems[0][3].endswith("C8 and 3 more")
