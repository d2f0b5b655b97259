"""KSF post outlines with both gateways, derived from links and band (jdgen/ksf.py, docs/ksf.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import build_json

from jdgen.ksf import OutlineRow, Override, band_of, foundation_for, is_training_post, ksf_outline
from jdgen.library import load_library
from jdgen.model import Library, Link

Invoke = Callable[..., Result]
EXAMPLES = Path(__file__).parent.parent / "examples" / "posts"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(None)


def _ksf(**levels: int) -> tuple[Link, ...]:
    return tuple(Link("ksf", dim, level) for dim, level in levels.items())


def _levels(rows: tuple[OutlineRow, ...]) -> dict[str, tuple[int, int]]:
    return {r.dimension: (r.foundation, r.level) for r in rows}


@pytest.mark.parametrize(("grade", "band"), [("Band 4", 4), ("band 8a", 8), ("AfC Band 7 (pro rata)", 7),
                                             ("NJC scale points 17 to 21", None), ("Band 10", None)])
def test_band_of(grade: str, band: int | None) -> None:
    assert band_of(grade) == band


def test_training_post_from_title_profile_or_declaration() -> None:
    assert is_training_post("Trainee Psychological Wellbeing Practitioner", None, None)
    assert is_training_post("High Intensity Therapist", "hi-trainee", None)
    assert not is_training_post("Psychological Wellbeing Practitioner", "pwp", None)
    assert not is_training_post("Trainee PWP", "pwp-trainee", False)


@pytest.mark.parametrize(("second", "floor", "training", "foundation"),
                         [(3, 2, False, 2), (2, 2, False, 2), (4, 3, False, 3), (1, 1, False, 1),
                          (2, 2, True, 1), (1, 1, True, 1), (4, 2, False, 3)])
def test_foundation_rule(second: int, floor: int, training: bool, foundation: int) -> None:
    assert foundation_for(second, floor, training) == foundation


def test_ceiling_and_floor_of_the_band(library: Library) -> None:
    links = [_ksf(Core1=3, HWB6=3), _ksf(HWB6=2), _ksf(HWB3=1), _ksf(Core2=1)]
    owners = ["X1", "X2", "X3", "X4"]
    band4 = _levels(ksf_outline(library, links, owners, False, band=4))
    band5 = _levels(ksf_outline(library, links, owners, False, band=5))
    band7 = _levels(ksf_outline(library, links, owners, False, band=7))
    assert band4["Core1"] == (2, 2)  # capped at the band 4 ceiling
    assert band5["Core1"] == (2, 3)  # above the band 5 floor: one lower at the foundation gateway
    assert band5["Core2"] == (2, 2) and band5["Core4"] == (2, 2)  # core dimensions reach the band floor
    assert band7["Core2"] == (3, 3) and band7["Core3"] == (2, 2)  # Core3 rises more slowly
    assert band5["HWB6"] == (2, 3)
    assert band5["HWB3"] == (2, 2)  # linked by a quarter of the statements: central, raised to the floor
    rows = ksf_outline(library, links, owners, False, band=5)
    assert next(r for r in rows if r.dimension == "HWB3").note.startswith("Central to the post")


def test_peripheral_specific_dimension_is_not_raised(library: Library) -> None:
    links = [_ksf(Core1=2)] * 7 + [_ksf(IK3=1)]
    rows = _levels(ksf_outline(library, links, [f"X{i}" for i in range(8)], False, band=7))
    assert rows["IK3"] == (1, 1)


def test_training_post_is_one_level_lower_at_foundation(library: Library) -> None:
    links = [_ksf(Core1=3, HWB7=3)]
    qualified = _levels(ksf_outline(library, links, ["X1"], False, band=7))
    trainee = _levels(ksf_outline(library, links, ["X1"], False, band=7, training=True))
    assert qualified["Core2"] == (3, 3) and trainee["Core2"] == (2, 3)


def test_no_band_uses_the_items_levels(library: Library) -> None:
    rows = _levels(ksf_outline(library, [_ksf(Core1=3, HWB7=4)], ["X1"], False, band=None))
    assert rows["HWB7"] == (3, 4) and rows["Core2"] == (1, 1)


def test_override_sets_level_and_reason(library: Library) -> None:
    overrides = {"HWB6": Override(3, "Assesses every referral at the front door."),
                 "IK1": Override(0, "Records are kept by the admin team."),
                 "Core4": Override(3, "Leads the service's audit.", foundation=3)}
    rows = ksf_outline(library, [_ksf(Core1=2, IK1=2)], ["X1"], False, band=5, overrides=overrides)
    by_dim = {r.dimension: r for r in rows}
    assert (by_dim["HWB6"].foundation, by_dim["HWB6"].level) == (2, 3)
    assert by_dim["HWB6"].reason == "Assesses every referral at the front door."
    assert "IK1" not in by_dim
    assert (by_dim["Core4"].foundation, by_dim["Core4"].level) == (3, 3)


def test_trainee_and_qualified_pwp_outlines_differ(jdgen: Invoke, tmp_path: Path) -> None:
    trainee = build_json(jdgen, EXAMPLES / "pwp-trainee.yaml", tmp_path)
    qualified = build_json(jdgen, EXAMPLES / "pwp.yaml", tmp_path)
    assert trainee["training_post"] and not qualified["training_post"]
    t = {r["dimension"]: (r["foundation"], r["level"]) for r in trainee["ksf_outline"]}
    q = {r["dimension"]: (r["foundation"], r["level"]) for r in qualified["ksf_outline"]}
    assert t != q
    assert all(t[d][1] <= 2 for d in t)  # band 4 ceiling
    assert q["Core1"][1] == 3 and q["HWB6"][1] == 3
    assert all(t[d] <= q.get(d, (4, 4)) for d in t)  # nothing in the trainee's outline is above the PWP's


BAD_OVERRIDE = """\
title: Test Practitioner
organisation: Test NHS Trust
grade: Band 5
hours_per_week: 37.5
contract: Permanent
base: Test Health Centre
responsible_to: Team Lead
accountable_to: Service Manager
summary: A small post used by the jdgen tests.
duties: {clusters: [A]}
ksf:
  HWB66: {level: 3, reason: Typo in the dimension.}
  Core2: {level: 0, reason: Not needed.}
  HWB6: {level: 2, foundation: 3, reason: Backwards.}
  HWB7: {level: 3}
"""


def test_bad_overrides_are_reported_together(jdgen: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_text(BAD_OVERRIDE, "utf-8")
    result = jdgen("validate", "bad.yaml")
    assert result.exit_code == 1
    assert result.stderr == ("bad.yaml:15:9: error: missing required key 'reason' in ksf.HWB7\n"
                             "1 error(s), 0 warning(s)\n")
    Path("bad.yaml").write_text(BAD_OVERRIDE.replace("  HWB7: {level: 3}\n", ""), "utf-8")
    result = jdgen("validate", "bad.yaml")
    assert result.stderr == (
        "bad.yaml:12:3: error: unknown KSF dimension 'HWB66'\n  hint: did you mean 'HWB6'?\n"
        "bad.yaml:13:18: error: Core2 is a core dimension: every post outline keeps it (level 1 to 4)\n"
        "bad.yaml:14:32: error: the foundation gateway level (3) is above the second gateway level (2)\n"
        "3 error(s), 0 warning(s)\n")


# --- issue 20 §4: outlines as services write them --------------------------------------------------

ALL_EXAMPLES = tuple(sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
#: The examples on NJC scale points (charity posts), outside Agenda for Change.
NON_AFC_EXAMPLES = ("gsh-worker", "step2-self-help-worker")
AFC_EXAMPLES = tuple(name for name in ALL_EXAMPLES if name not in NON_AFC_EXAMPLES)
#: Each example trainee and its qualified post.
TRAINEES = (("pwp-trainee", "pwp"), ("pwp-apprentice", "pwp"), ("hi-cbt-trainee", "hi-cbt-therapist"))


def test_two_to_four_specific_dimensions_carry_the_post(library: Library) -> None:
    # HWB7 by 6 statements, HWB6 by 5, IK1 by 3, IK2 by 2 (less than half of 6), HWB3 by 1
    links = ([_ksf(Core1=2, HWB7=3)] * 3 + [_ksf(HWB7=2, HWB6=3)] * 3 + [_ksf(HWB6=2, IK1=2)] * 2
             + [_ksf(IK1=2, IK2=2)] + [_ksf(IK2=2, HWB3=3)])
    rows = ksf_outline(library, links, [f"X{i}" for i in range(len(links))], False, band=5)
    assert [r.dimension for r in rows if not r.core] == ["HWB6", "HWB7", "IK1"]
    assert sum(r.core for r in rows) == 6
    # the second is kept however few statements link to it; never more than four
    two = ksf_outline(library, [_ksf(HWB4=2)] * 9 + [_ksf(IK3=1)], [f"X{i}" for i in range(10)], False, band=5)
    assert [r.dimension for r in two if not r.core] == ["HWB4", "IK3"]
    many = [_ksf(**{dim: 2}) for dim in ("HWB1", "HWB2", "HWB3", "HWB4", "HWB5", "HWB6")]
    assert len([r for r in ksf_outline(library, many, [f"X{i}" for i in range(6)], False, band=5)
                if not r.core]) == 4


def test_a_post_that_manages_people_keeps_g6(library: Library) -> None:
    links = [_ksf(HWB6=3, HWB7=3, IK1=2, IK2=2)] * 4
    rows = ksf_outline(library, links, ["X1", "X2", "X3", "X4"], True, band=6)
    specific = [r.dimension for r in rows if not r.core]
    assert "G6" in specific and len(specific) == 4


def test_overrides_add_and_remove_specific_dimensions(library: Library) -> None:
    links = [_ksf(HWB6=3, HWB7=3)] * 4 + [_ksf(IK1=2)]
    overrides = {"IK1": Override(2, "Keeps the service's records."), "HWB7": Override(0, "Assessment only.")}
    rows = ksf_outline(library, links, [f"X{i}" for i in range(5)], False, band=5, overrides=overrides)
    assert [r.dimension for r in rows if not r.core] == ["HWB6", "IK1"]


def _example_links(name: str) -> tuple[list[tuple[Link, ...]], list[str], bool]:
    from jdgen.posts import resolve_file
    from jdgen.workspace import load_workspace

    post = resolve_file(EXAMPLES / f"{name}.yaml", load_workspace(EXAMPLES.parent))
    links = [d.links for d in post.duties] + [c.links for c in post.competences]
    owners = [d.id for d in post.duties] + [c.id for c in post.competences]
    manages = bool(post.terms.get("manages_people")) or bool(post.supervision.provides)
    return links, owners, manages


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_levels_never_fall_as_the_band_rises(library: Library, name: str) -> None:
    """Each example's duties at every band, qualified and training: no level falls one band up, a
    trainee is never above a qualified post at its band and never below one a band lower."""
    links, owners, manages = _example_links(name)
    outline = {(band, training): _levels(ksf_outline(library, links, owners, manages, band, training))
               for band in range(1, 10) for training in (False, True)}
    for band in range(2, 10):
        for training in (False, True):
            lower, upper = outline[band - 1, training], outline[band, training]
            assert lower.keys() == upper.keys()
            for dim, (foundation, level) in lower.items():
                assert upper[dim][0] >= foundation and upper[dim][1] >= level, (name, band, training, dim)
        trainee, qualified, below = outline[band, True], outline[band, False], outline[band - 1, False]
        for dim, (foundation, level) in trainee.items():
            assert foundation <= qualified[dim][0] and level <= qualified[dim][1], (name, band, dim)
            assert foundation >= below[dim][0] and level >= below[dim][1], (name, band, dim)


@pytest.fixture(scope="module")
def outlines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Every example's KSF outline, from `jdgen build -f json`."""
    from click.testing import CliRunner

    from jdgen.cli import main

    out = tmp_path_factory.mktemp("json")
    result = CliRunner().invoke(main, ["--workspace", str(tmp_path_factory.mktemp("ws")), "build", str(EXAMPLES),
                                       "-o", str(out), "-f", "json", "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    return {name: json.loads((out / f"{name}.json").read_text("utf-8"))["ksf_outline"]
            for name in sorted(p.stem for p in EXAMPLES.glob("*.yaml"))}


def test_every_example_outline_is_short(outlines: dict[str, list[dict[str, Any]]]) -> None:
    assert set(NON_AFC_EXAMPLES) < set(outlines) and len(AFC_EXAMPLES) >= 8
    for name in AFC_EXAMPLES:
        rows = outlines[name]
        specific = [r for r in rows if not r["core"]]
        assert len(rows) <= 10 and 2 <= len(specific) <= 4, (name, [r["dimension"] for r in rows])
        assert sum(r["core"] for r in rows) == 6


def test_no_outline_for_grades_outside_agenda_for_change(outlines: dict[str, list[dict[str, Any]]]) -> None:
    from jdgen.ksf import band_of
    from jdgen.yamlio import load_strict

    for name in ALL_EXAMPLES:
        grade = (load_strict(EXAMPLES / f"{name}.yaml").data or {})["grade"]
        assert (band_of(grade) is None) == (name in NON_AFC_EXAMPLES), (name, grade)
        assert (outlines[name] == []) == (name in NON_AFC_EXAMPLES), name


@pytest.mark.parametrize(("trainee", "qualified"), TRAINEES)
def test_example_trainee_is_never_above_its_qualified_post(outlines: dict[str, list[dict[str, Any]]],
                                                          trainee: str, qualified: str) -> None:
    t = {r["dimension"]: (r["foundation"], r["level"]) for r in outlines[trainee]}
    q = {r["dimension"]: (r["foundation"], r["level"]) for r in outlines[qualified]}
    for dim, (foundation, level) in t.items():
        assert dim in q, f"{trainee} has {dim}, {qualified} has not"
        assert foundation <= q[dim][0] and level <= q[dim][1], (dim, t[dim], q[dim])
    assert t != q


def test_trainee_hi_is_not_below_a_band_5_pwp(outlines: dict[str, list[dict[str, Any]]]) -> None:
    """Issue 20: the trainee HI outline had Health, safety and security at 1/2, below the PWP's 2/2."""
    hi = {r["dimension"]: (r["foundation"], r["level"]) for r in outlines["hi-cbt-trainee"]}
    pwp = {r["dimension"]: (r["foundation"], r["level"]) for r in outlines["pwp"]}
    for dim in hi.keys() & pwp.keys():
        assert hi[dim] >= pwp[dim] and hi[dim][0] >= pwp[dim][0], dim


NJC_POST = """\
title: Self-help Worker
organisation: Test Charity
grade: NJC scale points 17 to 21
hours_per_week: 37
contract: Permanent
base: Test Centre
responsible_to: Team Lead
accountable_to: Chief Executive
summary: A small post used by the jdgen tests.
duties: {clusters: [A]}
"""


@pytest.mark.parametrize("asked", [False, True])
def test_non_afc_outline_only_when_jdgen_yaml_asks(jdgen: Invoke, tmp_path: Path, asked: bool) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "njc.yaml").write_text(NJC_POST, "utf-8")
    if asked:
        (tmp_path / "jdgen.yaml").write_text("ksf_for_non_afc: true\n", "utf-8")
    result = jdgen("--workspace", str(tmp_path), "build", str(tmp_path / "posts"), "-o", str(tmp_path / "o"),
                   "-f", "json,html,md,docx", "-q", "--profile", "full")
    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "o" / "njc.json").read_text("utf-8"))["ksf_outline"]
    assert bool(rows) == asked
    assert ('id="ksf"' in (tmp_path / "o" / "njc.html").read_text("utf-8")) == asked
    assert ("## KSF post outline" in (tmp_path / "o" / "njc.md").read_text("utf-8")) == asked
    from docx import Document as Docx

    headings = [p.text for p in Docx(str(tmp_path / "o" / "njc.docx")).paragraphs]
    assert ("KSF post outline" in headings) == asked


def test_bad_ksf_for_non_afc_setting(jdgen: Invoke, tmp_path: Path) -> None:
    (tmp_path / "jdgen.yaml").write_text("ksf_for_non_afc: often\n", "utf-8")
    result = jdgen("--workspace", str(tmp_path), "validate", str(EXAMPLES / "pwp.yaml"))
    assert result.exit_code == 1
    assert "jdgen.yaml:1:18: error:" in result.stderr


def test_descriptors_only_where_the_library_cites_them(jdgen: Invoke, tmp_path: Path) -> None:
    from conftest import parse_html

    result = jdgen("--workspace", str(tmp_path), "build", str(EXAMPLES / "pwp.yaml"), "-o", str(tmp_path / "o"),
                   "-f", "html,md", "-q", "--profile", "full")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "o" / "pwp.html").read_text("utf-8")
    section = html.split('<section id="ksf">', 1)[1].split("</section>", 1)[0]
    text = " ".join(" ".join(parse_html(section).text).split())
    assert ("Core1 Communication Level 3 descriptor: Develop and maintain communication with people about "
            "difficult matters and/or in difficult situations") in text
    assert "Level 2 descriptor: Develop own skills and knowledge" in text
    assert text.count("descriptor:") == 2  # Core1 and Core2 only: the library cites no other level title
    assert "Level descriptor" not in text  # no column that would be empty on most rows
    md = (tmp_path / "o" / "pwp.md").read_text("utf-8")
    assert "| Core1 Communication<br>Level 3 descriptor: Develop and maintain" in md


@pytest.mark.parametrize("asked", [False, True])
def test_ksf_levels_on_a_non_afc_post_warn_unless_shown(jdgen: Invoke, tmp_path: Path, asked: bool) -> None:
    """A `ksf:` block on an NJC post would silently do nothing: validate says so at the key."""
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "njc.yaml").write_text(NJC_POST + "ksf:\n  IK1: {level: 0, reason: Kept by admin.}\n",
                                                 "utf-8")
    if asked:
        (tmp_path / "jdgen.yaml").write_text("ksf_for_non_afc: true\n", "utf-8")
    result = jdgen("--workspace", str(tmp_path), "validate", str(tmp_path / "posts" / "njc.yaml"))
    assert result.exit_code == 0, result.output
    line = NJC_POST.count("\n") + 1
    assert (f"njc.yaml:{line}:1: warning: the post sets KSF levels, but its grade is not an Agenda for Change "
            f"band" in result.stderr) is not asked, result.stderr
    assert ("set ksf_for_non_afc: true in jdgen.yaml" in result.stderr) is not asked  # the hint
