"""Issue 20: a job description is a curated selection. For every example: at most 40 duty
statements in `jd`, none repeated, each one <li> of a ul.duties under section#duties; no item code
in what applicants read (jd, advert); training posts read differently from their qualified posts
and ask an entrant for no knowledge the training gives; picks and the budget are checked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from jdgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "posts").glob("*.yaml"))
TRAINEES = {"pwp-trainee": "pwp", "hi-cbt-trainee": "hi-cbt-therapist"}


@pytest.fixture(scope="module")
def built(built_examples: dict[str, Path]) -> dict[str, Path]:
    """Every example in jd, full and advert (HTML, Markdown, JSON), built once per run."""
    return built_examples


def _statements(page: str) -> list[str]:
    tree = lxml_html.fromstring(page)
    items = tree.xpath('//section[@id="duties"]//ul[contains(concat(" ", @class, " "), " duties ")]/li')
    return [" ".join(li.xpath('./div[@class="text"]/text()')[0].split()) if li.xpath('./div[@class="text"]')
            else " ".join("".join(li.itertext()).split()) for li in items]


def _visible(page: str) -> str:
    tree = lxml_html.fromstring(page)
    for hidden in tree.xpath("//script|//style|//head"):
        hidden.getparent().remove(hidden)
    return " ".join(" ".join(tree.itertext()).split())


@pytest.mark.parametrize("post", [p.stem for p in EXAMPLES])
def test_jd_states_at_most_forty_duties_once_each(post: str, built: dict[str, Path]) -> None:
    statements = _statements((built["jd"] / f"{post}.html").read_text("utf-8"))
    assert 5 <= len(statements) <= 40, len(statements)
    assert len(set(statements)) == len(statements), [s for s in statements if statements.count(s) > 1]
    full = json.loads((built["full"] / f"{post}.json").read_text("utf-8"))
    assert len(full["duties"]) + len(full["competences"]) >= len(statements) - 1  # full keeps every item


@pytest.mark.parametrize("post", [p.stem for p in EXAMPLES])
def test_no_item_code_in_what_applicants_read(post: str, built: dict[str, Path]) -> None:
    data = json.loads((built["full"] / f"{post}.json").read_text("utf-8"))
    codes = {d["label"] for d in data["duties"]} | {d["id"] for d in data["duties"] if d.get("cluster") != "LOCAL"}
    codes |= {c["id"] for c in data["competences"]} | {c["id"].split(":")[-1] for c in data["competences"]}
    for profile, fmt in (("jd", "html"), ("jd", "md"), ("advert", "html"), ("advert", "md")):
        text = (built[profile] / f"{post}.{fmt}").read_text("utf-8")
        text = _visible(text) if fmt == "html" else text
        found = sorted(c for c in codes if re.search(rf"(?<![\w&:-]){re.escape(c)}(?![\w-])", text))
        assert found == [], (profile, fmt, found)


@pytest.mark.parametrize(("trainee", "qualified"), sorted(TRAINEES.items()))
def test_training_posts_read_as_training(trainee: str, qualified: str, built: dict[str, Path]) -> None:
    ours = _statements((built["jd"] / f"{trainee}.html").read_text("utf-8"))
    theirs = set(_statements((built["jd"] / f"{qualified}.html").read_text("utf-8")))
    own = [s for s in ours if s not in theirs]
    assert len(own) >= len(ours) / 3, f"only {len(own)} of {len(ours)} statements differ from {qualified}"
    data = json.loads((built["jd"] / f"{trainee}.json").read_text("utf-8"))
    spec = data["person_spec"]
    assert not [c for c in spec if c.get("derived_from")], "knowledge the training gives is asked for"
    assert any(re.search(r"\b(learn|study|training)\b", c["text"], re.I) and c["essential"] for c in spec)


POST = """\
title: Psychological Wellbeing Practitioner
duties:
  framework: iapt-li
  clusters: [A, CB]
  pick: [A1, W1, Z9]
"""


def test_picks_must_be_duties_of_the_post(tmp_path: Path) -> None:
    (tmp_path / "post.yaml").write_text(POST, "utf-8")
    result = CliRunner().invoke(main, ["-w", str(tmp_path), "validate", str(tmp_path / "post.yaml")])
    assert result.exit_code == 1
    assert "post.yaml:5:14: error: 'W1' is not among the post's duties, so it cannot be picked" in result.stderr
    assert "post.yaml:5:18: error: unknown item 'Z9' in iapt-li" in result.stderr


def test_a_post_over_the_budget_is_warned_with_the_clusters_to_trim(tmp_path: Path) -> None:
    (tmp_path / "jdgen.yaml").write_text("duty_budget: 5\n", "utf-8")
    (tmp_path / "post.yaml").write_text(POST.replace("  pick: [A1, W1, Z9]\n", "  pick: [A1, A2, CB1]\n"),
                                        "utf-8")
    result = CliRunner().invoke(main, ["-w", str(tmp_path), "validate", "--strict", str(tmp_path / "post.yaml")])
    assert result.exit_code == 1
    line = next(x for x in result.stderr.splitlines() if "duty-budget" in x or "more than the 5" in x)
    assert "post.yaml:2:1: warning: the job description states" in line
    assert "most lines: A (3 lines), CB (2 lines)" in result.stderr
