"""The data a curated job description is built from (issue 20): a statement of duty for every cluster and
domain, trainee wordings for training posts, and themes naming the points several items make. Also the
data fixes of issue 20: no supervising duties in the low-intensity framework, ST1 and SH4, SP1 and SP4."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from jdgen.errors import JdgenError
from jdgen.library import check_library, discover, load_library
from jdgen.model import Cluster, Item, Library

REPO = Path(__file__).resolve().parent.parent
MAX_WORDS = 45
MIN_WORDS = 10
THEMES = {"risk", "supervision-received", "records", "data-protection", "safeguarding", "outcome-measures",
          "professional-development", "lone-working"}
#: clusters a trainee does differently: each says how in a trainee statement
TRAINEE_CLUSTERS = {"iapt-li": ["C", "A", "CB", "G", "PPD", "S", "CM"],
                    "iapt-hi": ["HC", "HR", "HA", "HT", "HQ", "HG", "HSV", "HD"]}
#: the repeats issue 20 names, and the theme each carries
NAMED_REPEATS = {"C14": "risk", "A3": "risk", "S5": "risk", "CM3": "risk", "CM5": "risk", "HS2": "risk",
                 "C15": "supervision-received",
                 **{f"S{n}": "supervision-received" for n in (1, 2, 3, 4, 6, 7, 8, 9, 10)},
                 "RKC2": "records", "RA1": "records", "IT1": "records"}
CODE = re.compile(r"\b(?:[A-Z]{1,4}[0-9]+[a-z]?|H&S ?[0-9])\b")
TOOL = re.compile(r"jdgen|this library|\bframework\b|\bcluster\b|\bitem\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def library() -> Library:
    lib, problems = check_library(discover(None))
    assert [d.format() for d in problems if d.level == "error"] == []
    return lib


def _clusters(library: Library) -> list[Cluster]:
    return [c for fw in library.frameworks.values() if fw.origin == "bundled" and fw.kind in ("duties", "competences")
            for c in fw.clusters]


def _items(library: Library) -> list[Item]:
    """Every bundled item and sub-item of a duties or competences framework."""
    return [i for c in _clusters(library) for item in c.items for i in (item, *item.sub)]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.casefold()))


def _sentence_problems(where: str, text: str, max_words: int | None = MAX_WORDS, lead_in: bool = False) -> list[str]:
    """A full statement: a capital, at least MIN_WORDS words, a full stop (or a colon for a "…, by:" lead-in)."""
    words = text.split()
    found = []
    if len(words) < (5 if lead_in else MIN_WORDS):
        found.append(f"{where}: {len(words)} words, not a full statement")
    if max_words and len(words) > max_words:
        found.append(f"{where}: {len(words)} words (at most {max_words})")
    if not (text[:1].isupper() and text.endswith((".", ":") if lead_in else ".")):
        found.append(f"{where}: not a sentence ({text[:30]!r}…)")
    if CODE.search(text):
        found.append(f"{where}: names a code ({CODE.search(text).group(0)})")  # type: ignore[union-attr]
    if TOOL.search(text):
        found.append(f"{where}: talks about the tool ({TOOL.search(text).group(0)})")  # type: ignore[union-attr]
    return found


# --- cluster statements ------------------------------------------------------------------------------


def test_every_duty_cluster_and_domain_has_a_statement(library: Library) -> None:
    clusters = _clusters(library)
    # iapt-li 16, iapt-hi 12, iapt-supervisor 9, iapt-employment 9, ips 13; iapt-step3 5, iapt-leadership 8,
    # ips-leadership 6, iapt-apprenticeship 1, iapt-support 3
    assert len(clusters) >= 82
    assert [f"{c.framework}:{c.code}" for c in clusters if not c.statement] == []


def test_statements_are_short_full_sentences_without_codes(library: Library) -> None:
    problems = []
    for c in _clusters(library):
        problems += _sentence_problems(f"{c.framework}:{c.code} statement", c.statement)
        if c.trainee_statement:
            problems += _sentence_problems(f"{c.framework}:{c.code} trainee_statement", c.trainee_statement)
    assert problems == []


def test_statements_are_unique_and_not_an_items_text(library: Library) -> None:
    texts = Counter(_norm(t) for c in _clusters(library) for t in (c.statement, c.trainee_statement) if t)
    assert [t for t, n in texts.items() if n > 1] == []
    item_texts = {_norm(i.text) for i in _items(library)}
    assert [t for t in texts if t in item_texts] == []


def test_trainee_statements_differ_from_the_qualified_statement(library: Library) -> None:
    for fw_id, codes in TRAINEE_CLUSTERS.items():
        for code in codes:
            cluster = library.cluster(fw_id, code)
            assert cluster is not None and cluster.trainee_statement, f"{fw_id}:{code}"
            assert _norm(cluster.trainee_statement) != _norm(cluster.statement)


def test_ips_statements_read_as_duties_not_competences(library: Library) -> None:
    ips = library.frameworks["ips"]
    assert [c.code for c in ips.clusters if c.statement.startswith(("An ability", "Knowledge of"))] == []


# --- trainee wording ---------------------------------------------------------------------------------


def test_trainee_wordings_are_unique_and_differ_from_the_qualified_text(library: Library) -> None:
    items = [i for i in _items(library) if i.trainee_text]
    assert len(items) >= 60
    assert [i.id for i in items if _norm(i.trainee_text) == _norm(i.text)] == []
    wordings = Counter(_norm(i.trainee_text) for i in items)
    assert [t for t, n in wordings.items() if n > 1] == []
    item_texts = {_norm(i.text) for i in _items(library)}
    assert [i.id for i in items if _norm(i.trainee_text) in item_texts] == []


def test_trainee_wordings_are_full_statements_on_duties_only(library: Library) -> None:
    items = [i for i in _items(library) if i.trainee_text]
    assert [i.id for i in items if i.kind == "knowledge"] == []
    assert {i.framework for i in items} == {"iapt-li", "iapt-hi"}
    problems = [p for i in items for p in _sentence_problems(f"{i.framework}:{i.id} trainee", i.trainee_text, None,
                                                                lead_in=i.text.endswith(":"))]
    assert problems == []
    # a lead-in ("…, by:") keeps its sub-items, so its trainee wording is a lead-in too
    assert [i.id for i in items if i.text.endswith(":") != i.trainee_text.endswith(":")] == []


def test_a_training_post_finds_trainee_wording_in_every_cluster_that_differs(library: Library) -> None:
    for fw_id, codes in TRAINEE_CLUSTERS.items():
        for code in codes:
            cluster = library.cluster(fw_id, code)
            assert cluster is not None
            assert any(i.trainee_text for i in cluster.items), f"{fw_id}:{code} has no trainee wording"


# --- themes ------------------------------------------------------------------------------------------


def test_themes_come_from_the_agreed_list(library: Library) -> None:
    used = {i.theme for i in _items(library) if i.theme}
    assert used <= THEMES, used - THEMES
    assert used == THEMES  # every agreed theme is in use


def test_each_theme_names_a_point_made_more_than_once(library: Library) -> None:
    counts = Counter(i.theme for i in _items(library) if i.theme)
    assert [t for t, n in counts.items() if n < 2] == []


def test_the_repeats_issue_20_names_carry_their_theme(library: Library) -> None:
    wrong = {}
    for item_id, theme in NAMED_REPEATS.items():
        item = library.item("iapt-li", item_id)
        assert item is not None, item_id
        if item.theme != theme:
            wrong[item_id] = item.theme
    assert wrong == {}


@pytest.mark.parametrize("framework", ["iapt-hi", "iapt-supervisor", "iapt-employment"])
def test_the_other_duty_frameworks_mark_their_repeats(library: Library, framework: str) -> None:
    themes = {i.theme for i in library.frameworks[framework].all_items() if i.theme}
    assert "supervision-received" in themes


# --- the new fields load -----------------------------------------------------------------------------


FRAMEWORK = """\
id: local-curated
title: Curated fixture duties
kind: duties
version: "1.0"
clusters: [IN]
provenance:
  source: Written for the jdgen tests
  publisher: jdgen tests
  year: 2026
  authored: Every cluster and item, written for the tests of the curated fields.
"""

CLUSTER = """\
framework: local-curated
code: IN
title: Intake
description: Taking referrals.
statement: >-
  Take referrals by telephone and
  in writing, and agree the next step with each person.
trainee_statement: Under supervision, take referrals and agree the next step.
items:
  - id: IN1
    kind: duty
    theme: risk
    text: Ask every caller about risk to self and others.
    trainee: Ask every caller about risk, and tell the supervisor the same day.
    links:
      ksf: {Core1: 2}
    sub:
      - id: IN1a
        text: asking directly about thoughts of suicide
        trainee: asking directly about thoughts of suicide, as practised in supervision
        theme: safeguarding
  - id: IN2
    kind: duty
    text: Book the first appointment.
    links:
      ksf: {Core1: 1}
"""


def _workspace(tmp_path: Path, cluster: str) -> Path:
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "clusters" / "local-curated").mkdir(parents=True)
    (tmp_path / "frameworks" / "local-curated.yaml").write_text(FRAMEWORK, "utf-8")
    (tmp_path / "clusters" / "local-curated" / "01-intake.yaml").write_text(cluster, "utf-8")
    return tmp_path


def test_a_cluster_with_every_new_field_loads_into_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_workspace(tmp_path, CLUSTER))
    library = load_library(tmp_path)
    cluster = library.cluster("local-curated", "IN")
    assert cluster is not None
    assert cluster.statement == "Take referrals by telephone and in writing, and agree the next step with each person."
    assert cluster.trainee_statement == "Under supervision, take referrals and agree the next step."
    in1, in2 = cluster.items
    assert (in1.theme, in1.trainee_text) == (
        "risk", "Ask every caller about risk, and tell the supervisor the same day.")
    assert (in1.sub[0].theme, in1.sub[0].trainee_text) == (
        "safeguarding", "asking directly about thoughts of suicide, as practised in supervision")
    assert (in2.theme, in2.trainee_text) == ("", "")  # defaults: empty


def test_the_new_fields_default_to_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bare = re.sub(r"(?m)^(statement|trainee_statement): .*\n(  .*\n)*", "", CLUSTER)
    bare = re.sub(r"(?m)^ *(theme|trainee): .*\n", "", bare)
    assert "statement" not in bare and "theme" not in bare and "trainee" not in bare
    monkeypatch.chdir(_workspace(tmp_path, bare))
    cluster = load_library(tmp_path).cluster("local-curated", "IN")
    assert cluster is not None
    assert (cluster.statement, cluster.trainee_statement) == ("", "")
    assert {(i.theme, i.trainee_text) for i in (*cluster.items, *cluster.items[0].sub)} == {("", "")}


@pytest.mark.parametrize(("key", "value"), [("theme", "Risk management"), ("trainee", "[]"), ("statement", "[a, b]")])
def test_a_malformed_new_field_is_a_schema_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str,
                                                 value: str) -> None:
    if key == "statement":
        text = CLUSTER.replace("statement: >-\n  Take referrals by telephone and\n  in writing, and agree the next "
                               "step with each person.\n", f"statement: {value}\n")
    else:
        text = re.sub(rf"(?m)^(    {key}): .*$", rf"\1: {value}", CLUSTER, count=1)
    assert text != CLUSTER
    monkeypatch.chdir(_workspace(tmp_path, text))
    with pytest.raises(JdgenError) as raised:
        load_library(tmp_path)
    assert key in str(raised.value)


# --- the data fixes of issue 20 ----------------------------------------------------------------------


def test_the_low_intensity_framework_holds_no_supervising_duties(library: Library) -> None:
    s = library.cluster("iapt-li", "S")
    assert s is not None
    assert [i.id for i in s.items] == [f"S{n}" for n in range(1, 11)]
    giving = [i.id for i in library.frameworks["iapt-li"].all_items()
              if re.search(r"\b(provide|give|lead)\b[^.]*\bsupervision\b", i.text, re.IGNORECASE)]
    assert giving == []
    for item_id in ("SM1", "SK1", "SP4"):  # the supervisor framework keeps these points
        assert library.item("iapt-supervisor", item_id) is not None


def test_a_band_6_post_does_not_name_itself_supervisor_of_high_intensity_trainees(library: Library) -> None:
    st1, sh4 = library.item("iapt-supervisor", "ST1"), library.item("iapt-supervisor", "SH4")
    assert st1 is not None and sh4 is not None
    assert "high-intensity" not in st1.text and "trainee PWPs" in st1.text
    assert "named supervisor for trainee high-intensity therapists" in sh4.text
    senior = (REPO / "examples" / "posts" / "senior-pwp.yaml").read_text("utf-8")
    assert "SH" not in re.search(r"clusters: \[(SM[^\]]*)\]", senior).group(1)  # type: ignore[union-attr]


def test_supervisory_practice_fits_supervision_outside_talking_therapies(library: Library) -> None:
    sp1, sp4 = library.item("iapt-supervisor", "SP1"), library.item("iapt-supervisor", "SP4")
    assert sp1 is not None and sp4 is not None
    assert "guidance requires before" not in sp1.text  # no IAPT training requirement for every post
    assert "person's case record" not in sp4.text  # the supervisor writes in no partner's record
    assert "service responsible for that person" in sp4.text
    example = (REPO / "examples" / "posts" / "clinical-supervisor.yaml").read_text("utf-8")
    assert "responsibility for the client stays with the worker's organisation" in " ".join(example.lower().split())


def test_the_employment_adviser_takes_no_time_unlimited_ips_support() -> None:
    text = (REPO / "examples" / "posts" / "employment-adviser.yaml").read_text("utf-8")
    competences = re.search(r"(?m)^competences: \[(.*)\]", text)
    assert competences is not None
    assert "IWS" not in competences.group(1)


def test_no_example_names_a_removed_item() -> None:
    for path in sorted((REPO / "examples" / "posts").glob("*.yaml")):
        assert not re.search(r"\bS1[1-3]\b", path.read_text("utf-8")), path.name

