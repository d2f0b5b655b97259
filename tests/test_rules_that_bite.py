"""Rules a mutation check found unguarded: each test below fails if its rule is changed (the
mutation it kills is named in its docstring)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from jdgen.cli import main
from jdgen.compare import matrices, near_duplicates, nearest_neighbours, similarity_matrix
from jdgen.curriculum import default_hours
from jdgen.ksf import ksf_outline
from jdgen.library import load_library
from jdgen.model import Library
from jdgen.posts import Duty, person_spec
from jdgen.render.templating import md_escape
from jdgen.reports import load_posts
from jdgen.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
WARN_SHORT = FIXTURES / "posts" / "warn-short.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"JDGEN_WORKSPACE": None}, catch_exceptions=False)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(None)


def test_similarity_of_exactly_0_9_is_a_near_duplicate() -> None:
    """Kills `>= 0.9` → `> 0.9`: 9 shared items of 10 is Jaccard 0.9 exactly (as float32)."""
    x = np.zeros((3, 20), dtype=np.float32)
    x[0, :10] = 1
    x[1, :9] = 1  # 9 / 10
    x[2, 10:] = 1
    sim = similarity_matrix(x)
    assert sim[0, 1] == np.float32(0.9)
    assert near_duplicates(sim, ["a", "b", "c"]) == [{"a": "a", "b": "b", "similarity": 0.9}]
    below = sim.copy()
    below[0, 1] = below[1, 0] = np.float32(0.8999)
    assert near_duplicates(below, ["a", "b", "c"]) == []


def test_a_post_with_nothing_in_common_has_no_nearest_neighbour() -> None:
    """Kills 'a zero-similarity post reported as nearest neighbour'."""
    sim = np.array([[1, 0.5, 0], [0.5, 1, 0], [0, 0, 1]], dtype=np.float32)
    assert nearest_neighbours(sim, ["a", "b", "c"]) == [
        {"post": "a", "nearest": "b", "similarity": 0.5},
        {"post": "b", "nearest": "a", "similarity": 0.5},
        {"post": "c", "nearest": None, "similarity": 0.0},
    ]


def test_cluster_coverage_is_a_share_of_the_whole_cluster(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills 'coverage divided by ids present instead of cluster size': post A adds G1 alone (G has 7
    items), so its G coverage is 1/7, not 1/1."""
    monkeypatch.chdir(FIXTURES / "compare")
    posts, problems = load_posts([Path("a.yaml"), Path("b.yaml")], Workspace(Path("."), library))
    assert [p.name for p in posts] == ["a", "b"] and not [d for d in problems if d.level == "error"]
    m = matrices(posts, library, "file")
    labels = [(c["framework"], c["label"]) for c in m.clusters]
    g, w = labels.index(("iapt-li", "G")), labels.index(("iapt-li", "W"))
    assert m.coverage[0, g] == pytest.approx(1 / 7)
    assert m.coverage[0, w] == pytest.approx(1.0)


def test_about_an_hour_allows_a_quarter_less_but_not_more(tmp_path: Path) -> None:
    """Kills the 'about' tolerance 0.75 → 0.5: fortnightly clinical skills supervision is 'about one hour';
    45 minutes is within a quarter of it, 40 minutes is not."""
    text = WARN_SHORT.read_text("utf-8").replace("type: case-management", "type: clinical-skills")
    text = text.replace("every_weeks: 1", "every_weeks: 2")
    for minutes, warned in ((45, False), (40, True)):
        post = tmp_path / f"skills{minutes}.yaml"
        post.write_text(text.replace("minutes: 45", f"minutes: {minutes}"), "utf-8")
        result = run("validate", str(post))
        assert result.exit_code == 0, result.output
        shorter = [line for line in result.stderr.splitlines() if "shorter than the guidance" in line]
        assert bool(shorter) is warned, result.stderr
        if warned:
            assert f"Clinical skills supervision of {minutes} minutes is shorter than the guidance (60 minutes)" \
                in shorter[0]


@pytest.mark.parametrize(("text", "escaped"), [("- item", "\\- item"), ("+ item", "\\+ item"),
                                               ("1. first", "1\\. first"), ("a - b", "a - b")])
def test_markdown_escapes_what_would_start_a_list(text: str, escaped: str) -> None:
    """Kills 'Markdown stops escaping a leading `- `'."""
    assert md_escape(text) == escaped


def test_curriculum_hours_are_rounded_up_to_half_days() -> None:
    """Kills 'rounded to nearest instead of up': two knowledge outcomes are 4 hours, i.e. two half days."""
    assert default_hours(["knowledge", "knowledge"]) == 7.0
    assert default_hours(["ability"]) == 3.5
    assert default_hours(["ability", "ability", "knowledge"]) == 10.5  # 8 hours → 3 half days
    assert default_hours([]) == 0.0


def test_managers_get_g6(library: Library) -> None:
    """Kills 'G6 no longer added for managers': a post that manages people has G6 (People management)
    even when no duty links to it; one that does not manage people has none."""
    managing = {row.dimension: row.level for row in ksf_outline(library, [()], ["x"], True, band=7)}
    plain = {row.dimension: row.level for row in ksf_outline(library, [()], ["x"], False, band=7)}
    assert managing.get("G6", 0) >= 2
    assert "G6" not in plain


def test_closing_date_before_posting_date_is_an_error(tmp_path: Path) -> None:
    """Kills 'closing date before posting date no longer rejected'."""
    post = tmp_path / "dates.yaml"
    post.write_text(WARN_SHORT.read_text("utf-8").replace('date_posted: "2026-01-05"',
                                                          'date_posted: "2026-01-05"\nclosing_date: "2026-01-04"'),
                    "utf-8")
    result = run("validate", str(post))
    assert result.exit_code == 1
    assert "closing_date 2026-01-04 is before date_posted 2026-01-05" in result.stderr
    post.write_text(post.read_text("utf-8").replace("2026-01-04", "2026-01-05"), "utf-8")
    assert run("validate", str(post)).exit_code == 0


def test_essential_criteria_come_before_desirable_ones() -> None:
    """Kills 'essential no longer sorted before desirable': a criterion derived from a knowledge duty
    (essential, added last) is listed before the post's desirable knowledge."""
    duty = Duty("K1", "K1", "K", "Knowledge", "Knowledge of the stepped care model.", kind="knowledge")
    raw = {"desirable": [{"text": "Knowledge of the local voluntary sector.", "category": "Knowledge"}],
           "essential": [{"text": "A recognised PWP qualification.", "category": "Qualifications"}]}
    criteria = person_spec(raw, [duty], [])
    assert [(c.category, c.essential, c.text) for c in criteria] == [
        ("Qualifications", True, "A recognised PWP qualification."),
        ("Knowledge", True, "Knowledge of the stepped care model."),
        ("Knowledge", False, "Knowledge of the local voluntary sector."),
    ]
