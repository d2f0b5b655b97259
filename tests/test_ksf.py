"""KSF post outlines with both gateways, derived from links and band (jdgen/ksf.py, docs/ksf.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

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


def _outline(jdgen: Invoke, post: Path, out: Path) -> dict[str, Any]:
    result = jdgen("build", str(post), "-o", str(out), "-f", "json", "-q")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads((out / f"{post.stem}.json").read_text("utf-8"))
    return data


def test_trainee_and_qualified_pwp_outlines_differ(jdgen: Invoke, tmp_path: Path) -> None:
    trainee = _outline(jdgen, EXAMPLES / "pwp-trainee.yaml", tmp_path)
    qualified = _outline(jdgen, EXAMPLES / "pwp.yaml", tmp_path)
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
