"""`jdgen lint`: each rule fires at the exact line and column of its fixture post and stays quiet on
its clean fixture; settings in jdgen.yaml switch rules off and tune them; the command's formats,
summary line and exit codes; a workspace's own pay year and clusters; the bundled examples."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import Result

from jdgen.config import LintSettings
from jdgen.lint import RULES, Finding, Linter, lint_file, lint_paths, linter
from jdgen.lint.model import locate
from jdgen.workspace import Workspace, load_workspace

Invoke = Callable[..., Result]
FIXTURES = Path(__file__).parent / "fixtures" / "lint"
ROOT = Path(__file__).parent.parent
TODAY = dt.date(2026, 1, 6)  # before every fixture's closing date


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return load_workspace(FIXTURES)


def _linter(workspace: Workspace, today: dt.date = TODAY, **settings: object) -> Linter:
    lint = LintSettings(**settings)  # type: ignore[arg-type]
    return linter(replace(workspace, settings=replace(workspace.settings, lint=lint)), today)


def _found(workspace: Workspace, name: str, rule: str, **kwargs: object) -> list[tuple[int, int, str]]:
    findings, problems = lint_file(FIXTURES / f"{name}.yaml", _linter(workspace, **kwargs))  # type: ignore[arg-type]
    assert problems == []
    return [(f.line, f.column, f.message) for f in findings if f.rule == rule]


@pytest.mark.parametrize(("name", "rule", "expected"), [
    ("gendered", "gendered-wording", [(13, 13, "confident"), (13, 27, "competitive"), (13, 59, "decisive"),
                                      (14, 12, "lead"), (14, 21, "ambitious")]),
    ("exclusionary", "exclusionary-wording", [(14, 13, "'young'"), (14, 20, "'energetic'"), (14, 44, "'he or she'"),
                                              (20, 9, "driving licence"), (21, 7, "'Native English speaker'")]),
    ("long-sentence", "long-sentence", [(13, 31, "41 words")]),
    ("readability", "readability", [(12, 10, "Flesch reading ease")]),
    ("acronym", "acronym", [(13, 51, "'CBT'")]),
    ("salary-band", "salary-band", [(12, 9, "£29,000 is outside Band 5's Agenda for Change pay for 2025/26 "
                                            "(£31,049 to £37,796 a year)")]),
    ("duplicate-duty", "duplicate-duty", [(17, 7, "L2 says nearly what L1"), (18, 7, "L3 says nearly what A1")]),
    ("placeholder", "placeholder", [(16, 7, "Replace this line")]),
])
def test_rule_fires_at_the_word(workspace: Workspace, name: str, rule: str,
                                expected: list[tuple[int, int, str]]) -> None:
    found = _found(workspace, name, rule)
    assert [(line, col) for line, col, _ in found] == [(line, col) for line, col, _ in expected]
    for (_, _, message), (_, _, part) in zip(found, expected, strict=True):
        assert part in message


def test_closing_date_passed_and_too_short(workspace: Workspace) -> None:
    found = _found(workspace, "closing-date", "closing-date", today=dt.date(2026, 2, 1))  # type: ignore[arg-type]
    assert found == [(11, 15, "the advert runs 5 day(s), fewer than 14"),
                     (11, 15, "the closing date 2026-01-10 has passed")]
    assert _found(workspace, "closing-date", "closing-date", min_days=5) == []


@pytest.mark.parametrize(("name", "rule"), [
    ("gendered-clean", "gendered-wording"),  # a coded word of a bundled item's wording, kept in a rewording
    ("exclusionary-clean", "exclusionary-wording"),
    ("acronym-clean", "acronym"),  # spelled out on first use; GP allowed below
    ("salary-band-clean", "salary-band"),
])
def test_clean_fixture(workspace: Workspace, name: str, rule: str) -> None:
    assert _found(workspace, name, rule, acronyms=("GP",)) == []


def test_settings_switch_off_tune_and_raise(workspace: Workspace) -> None:
    assert _found(workspace, "long-sentence", "long-sentence", max_words=45) == []
    assert _found(workspace, "gendered", "gendered-wording", disabled=frozenset({"gendered-wording"})) == []
    findings, _ = lint_file(FIXTURES / "acronym.yaml", _linter(workspace, errors=frozenset({"acronym"})))
    assert {f.severity for f in findings if f.rule == "acronym"} == {"error"}


def test_lint_settings_read_from_jdgen_yaml(tmp_path: Path) -> None:
    (tmp_path / "jdgen.yaml").write_text("lint:\n  acronyms: [GP, CBT]\n  rules:\n    long-sentence: {max_words: 40}\n"
                                         "    readability: false\n    acronym: {severity: error}\n", "utf-8")
    lint = load_workspace(tmp_path).settings.lint
    assert lint == LintSettings(frozenset({"readability"}), frozenset({"acronym"}), ("GP", "CBT"), max_words=40)


def test_unknown_rule_in_jdgen_yaml_is_an_error(tmp_path: Path, jdgen: Invoke) -> None:
    (tmp_path / "jdgen.yaml").write_text("lint:\n  rules:\n    long-sentences: false\n", "utf-8")
    result = jdgen("-w", str(tmp_path), "validate")
    assert result.exit_code == 1
    assert "jdgen.yaml:3:5: error:" in result.stderr and "long-sentences" in result.stderr


def test_every_rule_has_a_docs_section() -> None:
    docs = (ROOT / "docs" / "lint.md").read_text("utf-8")
    for rule in RULES:
        assert f"## `{rule}`" in docs


def test_locate_falls_back_to_the_value_for_escapes() -> None:
    source = 'summary: "caf\\u00e9 young"\n'
    assert locate(source, (1, 10), "café young", 5, 5) == (1, 21)  # the word itself is found after the escape
    assert locate(source, (1, 10), "café young", 0, 4) == (1, 10)  # 'café' is not in the source as written


# ---------------------------------------------------------------- the command


def test_text_output_suggestion_and_summary(jdgen: Invoke) -> None:
    result = jdgen("-w", str(FIXTURES), "lint", str(FIXTURES / "salary-band.yaml"))
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[-1].endswith("warning(s)") and lines[-1].startswith("0 error(s)")
    at = next(i for i, line in enumerate(lines) if "(salary-band)" in line)
    assert lines[at].endswith(": warning: £29,000 is outside Band 5's Agenda for Change pay for 2025/26 "
                              "(£31,049 to £37,796 a year) (salary-band)")
    assert ":12:9: warning:" in lines[at]
    assert lines[at + 1] == '  suggestion: "£31,049 to £37,796 a year", or say that the salary includes a high ' \
                            "cost area supplement"


def test_strict_fails_and_json_has_exactly_the_keys(jdgen: Invoke) -> None:
    result = jdgen("-w", str(FIXTURES), "lint", "--strict", "--format", "json", str(FIXTURES / "acronym.yaml"))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert list(data) == ["findings"]
    acronym = next(f for f in data["findings"] if f["rule"] == "acronym")
    assert list(acronym) == ["path", "line", "column", "severity", "rule", "message", "suggestion"]
    assert (acronym["line"], acronym["column"], acronym["severity"]) == (13, 51, "warning")
    assert "failed because warnings are errors under --strict" in result.stderr


def test_github_format(jdgen: Invoke) -> None:
    result = jdgen("-w", str(FIXTURES), "lint", "-f", "github", str(FIXTURES / "placeholder.yaml"))
    line = next(x for x in result.stdout.splitlines() if "title=placeholder" in x)
    assert line.startswith("::warning file=") and ",line=16,col=7,title=placeholder::starter text left" in line
    assert "%0Asuggestion: replace it" in line


def test_usage_error_and_unreadable_post(jdgen: Invoke, tmp_path: Path) -> None:
    assert jdgen("lint", "--format", "xml").exit_code == 2
    bad = tmp_path / "posts" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text("title: [unclosed\n", "utf-8")
    result = jdgen("-w", str(tmp_path), "lint")
    assert result.exit_code == 1
    assert "bad.yaml:2:1: error: YAML syntax" in result.stderr


def test_default_paths_are_the_workspace_posts_and_clusters_with_its_own_pay_year(jdgen: Invoke,
                                                                                   tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    post = (FIXTURES / "salary-band-clean.yaml").read_text("utf-8").replace('"2026-01-05"', '"2026-05-01"')
    (tmp_path / "posts" / "p.yaml").write_text(post.replace('"2026-01-26"', '"2026-05-29"'), "utf-8")
    (tmp_path / "pay-scales").mkdir()
    (tmp_path / "pay-scales" / "2026-27.yaml").write_text(
        'pay_year: 2026/27\neffective_from: "2026-04-01"\nsource: a test pay year\nbands: {"5": [32000, 39000]}\n',
        "utf-8")
    (tmp_path / "clusters" / "local").mkdir(parents=True)
    (tmp_path / "clusters" / "local" / "lx.yaml").write_text(
        "framework: iapt-li\ncode: LX\ntitle: Local\nitems:\n  - id: LX1\n    kind: duty\n"
        "    text: Drive a young team.\n", "utf-8")
    result = jdgen("-w", str(tmp_path), "lint", "--format", "json")
    found = {(Path(f["path"]).name, f["rule"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]}
    assert ("p.yaml", "salary-band", 12, 9) in found  # £31,049 is below the workspace's 2026/27 Band 5
    assert ("lx.yaml", "exclusionary-wording", 7, 19) in found


def test_bundled_examples_are_clean_of_the_strict_rules() -> None:
    report = lint_paths(linter(load_workspace(ROOT / "examples")), [ROOT / "examples" / "posts"])
    assert report.problems == []
    bad = [f.format() for f in report.findings
           if f.rule in ("exclusionary-wording", "salary-band", "duplicate-duty")]
    assert bad == []


def test_finding_record_and_format() -> None:
    f = Finding("p.yaml", 3, 4, "warning", "acronym", "'CBT' is used", "spell it out", ("summary",))
    assert f.format() == "p.yaml:3:4: warning: 'CBT' is used (acronym)\n  suggestion: spell it out"
    assert f.record() == {"path": "p.yaml", "line": 3, "column": 4, "severity": "warning", "rule": "acronym",
                          "message": "'CBT' is used", "suggestion": "spell it out"}


def test_reading_ease_is_flesch_with_british_hyphenation() -> None:
    from jdgen.lint.prose import reading_ease

    # Flesch's formula with Pyphen's en_GB syllables (textstat 0.7.8 gives 92.965 for the same text); a
    # change of hyphenation dictionary or sentence splitting shows here
    assert reading_ease("The cat sat on the mat. You will manage a busy caseload of adults with depression.") \
        == pytest.approx(92.965)


def test_acronym_follows_the_document_order_and_numbered_forms(workspace: Workspace, tmp_path: Path) -> None:
    text = (FIXTURES / "acronym-clean.yaml").read_text("utf-8").replace(
        "summary: >-", "how_to_apply: Ask the IPS team leader.\nsummary: >-").replace(
        "adults referred", "adults with the Patient Health Questionnaire (PHQ-9), in Individual Placement and "
        "Support (IPS) teams,\n  referred")
    post = tmp_path / "order.yaml"
    post.write_text(text, "utf-8")
    findings, _ = lint_file(post, _linter(workspace, acronyms=("GP",)))
    assert [f.message for f in findings if f.rule == "acronym"] == []  # how_to_apply comes last in the advert
