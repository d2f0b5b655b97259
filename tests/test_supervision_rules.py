"""Supervision data as the guidance gives it: ranges, usual group sizes, the IPS profile (issue 9)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from jdgen.library import bundled_root, load_library
from jdgen.model import Arrangement
from jdgen.supervision import arrangement_frequency, format_text

Invoke = Callable[..., Result]

POST = """\
title: Test Post
organisation: Test NHS Trust
grade: Band 7
hours_per_week: 37.5
contract: Permanent
base: Test Health Centre
responsible_to: Team Lead
accountable_to: Service Manager
summary: A small post used by the jdgen tests.
"""


def _run(jdgen: Invoke, tmp_path: Path, supervision: dict[str, Any], extra: str = "") -> tuple[Result, dict[str, Any]]:
    post = tmp_path / "post.yaml"
    post.write_text(POST + extra + yaml.safe_dump({"supervision": supervision}, sort_keys=False), "utf-8")
    result = jdgen("build", str(post), "-o", str(tmp_path / "out"), "-f", "json", "-q")
    data = json.loads((tmp_path / "out" / "post.json").read_text("utf-8")) if result.exit_code == 0 else {}
    return result, data


def _arr(**kw: Any) -> dict[str, Any]:
    return {"minutes": None, "format": "individual-or-group", **kw}


def test_hi_case_review_is_a_range() -> None:
    library = load_library(None)
    hi = next(p for p in library.frameworks["iapt-supervision"].profiles if p.id == "hi-therapist")
    review = next(a for a in hi.arrangements if a.type == "case-management")
    assert (review.every_weeks, review.every_weeks_max) == (2, 4)
    assert arrangement_frequency(review) == "every two to four weeks"


@pytest.mark.parametrize("weeks", [2, 3, 4])
def test_a_post_inside_the_range_is_not_warned(weeks: int, jdgen: Invoke, tmp_path: Path) -> None:
    result, _ = _run(jdgen, tmp_path, {"profile": "hi-therapist", "arrangements": [
        _arr(type="case-management", every_weeks=weeks)]})
    assert result.exit_code == 0 and result.stderr == "", result.stderr


def test_a_post_outside_the_range_is_warned_in_plain_words(jdgen: Invoke, tmp_path: Path) -> None:
    result, _ = _run(jdgen, tmp_path, {"profile": "hi-therapist", "arrangements": [
        _arr(type="case-management", every_weeks=6)]})
    assert "Case review every 6 weeks is less often than the guidance (every two to four weeks)" in result.stderr
    assert "every_weeks" not in result.stderr and "jdgen" not in result.stderr


def test_usual_group_size_is_guidance_not_a_limit(jdgen: Invoke, tmp_path: Path) -> None:
    result, data = _run(jdgen, tmp_path, {"profile": "hi-trainee", "arrangements": [
        {"type": "training-case", "every_weeks": 1, "minutes": 90, "format": "group", "group_size": 5}]})
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    college = next(a for a in data["supervision"]["arrangements"] if a["type"] == "training-case")
    assert college["usual_group_size"] == [2, 3] and college["max_group_size"] is None
    rule = Arrangement("training-case", 1, 90, "group", usual_group_size=(2, 3))
    assert format_text(rule) == "group (usually two to three)"


def test_trainee_pwp_case_management_is_an_hour() -> None:
    library = load_library(None)
    trainee = next(p for p in library.frameworks["iapt-supervision"].profiles if p.id == "pwp-trainee")
    case = next(a for a in trainee.arrangements if a.type == "case-management")
    assert (case.every_weeks, case.minutes, case.minimum, case.format) == (1, 60, False, "individual")


def test_ips_profile_follows_ips_practice(jdgen: Invoke, tmp_path: Path) -> None:
    result, data = _run(jdgen, tmp_path, {"profile": "ips", "arrangements": [
        {"type": "employment-group", "every_weeks": 1, "minutes": 60, "format": "group", "group_size": 6},
        {"type": "field-mentoring", "every_weeks": 4, "minutes": None, "format": "individual"}]})
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    sup = data["supervision"]
    assert sup["profile"] == "ips"
    assert sup["all_staff"] == []  # the IAPT guidance's all-staff arrangement does not govern IPS
    mentoring = next(a for a in sup["arrangements"] if a["type"] == "field-mentoring")
    assert mentoring["note"] == "IPS fidelity practice does not set a frequency; this post sets every four weeks."
    group = next(a for a in sup["arrangements"] if a["type"] == "employment-group")
    assert group["note"] == "IPS fidelity practice does not set a length; this post sets about 1 hour."


def test_ips_rules_warn_in_their_own_name(jdgen: Invoke, tmp_path: Path) -> None:
    result, _ = _run(jdgen, tmp_path, {"profile": "ips", "caseload": 28, "supervisees": 14, "arrangements": [
        {"type": "employment-group", "every_weeks": 2, "minutes": 60, "format": "group"}]},
        extra="provides_supervision: [ips]\n")
    assert "IPS group supervision fortnightly is less often than IPS fidelity practice (weekly)" in result.stderr
    assert ("a caseload of 28 is more than IPS fidelity practice expects of one IPS Employment Specialist "
            "(about 20)") in result.stderr
    assert "supervising 14 staff is more than IPS fidelity practice expects of one supervisor (about 10)" \
        in result.stderr
    assert "IAPT" not in result.stderr.split(" — ")[0]
    assert "every_weeks" not in result.stderr and "jdgen" not in result.stderr


def test_supervision_texts_name_no_field_and_no_tool() -> None:
    data = yaml.safe_load((bundled_root() / "frameworks" / "iapt-supervision.yaml").read_text("utf-8"))
    texts = [data["provenance"]["notes"], *data["principles"]]
    for arrangement in data["all_staff"] + [a for p in data["profiles"] for a in p["arrangements"]]:
        texts += [arrangement.get(k, "") for k in ("purpose", "rule", "note")]
    texts += [p.get("description", "") for p in data["profiles"]]
    for text in texts:
        for word in ("every_weeks", "max_group_size", "minutes is", "jdgen"):
            assert word not in text, (word, text)


# --- issue 16: the Step 3 modalities besides CBT ------------------------------------------------

MODALITY_PROFILES = ("cfd-counsellor", "ipt-therapist", "dit-therapist", "couple-therapist")


@pytest.mark.parametrize("profile", MODALITY_PROFILES)
def test_modality_profiles_say_no_guidance_sets_a_frequency(profile: str) -> None:
    library = load_library(None)
    found = next(p for p in library.frameworks["iapt-supervision"].profiles if p.id == profile)
    [clinical] = found.arrangements
    assert clinical.type == "clinical" and clinical.every_weeks is None and clinical.minutes is None
    assert arrangement_frequency(clinical).casefold() == "as agreed"
    assert "only for high-intensity CBT therapists" in (clinical.rule or "")
    assert "Sources:" in found.description


@pytest.mark.parametrize(("profile", "weeks"), [("ipt-trainee", 1), ("couple-therapist-trainee", 2)])
def test_modality_trainings_set_their_own_frequency(profile: str, weeks: int, jdgen: Invoke, tmp_path: Path) -> None:
    library = load_library(None)
    found = next(p for p in library.frameworks["iapt-supervision"].profiles if p.id == profile)
    [training] = found.arrangements
    assert training.type == "training-case" and training.every_weeks == weeks
    result, _ = _run(jdgen, tmp_path, {"profile": profile, "arrangements": [
        _arr(type="training-case", every_weeks=weeks * 2)]})
    assert result.exit_code == 0 and "less often than the guidance" in result.stderr


def test_a_modality_post_may_set_its_own_frequency_without_a_warning(jdgen: Invoke, tmp_path: Path) -> None:
    result, data = _run(jdgen, tmp_path, {"profile": "ipt-therapist", "arrangements": [
        _arr(type="clinical", every_weeks=2, minutes=60)]})
    assert result.exit_code == 0 and "warning" not in result.stderr
    assert data["supervision"]["profile"] == "ipt-therapist"
