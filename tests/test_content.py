"""The bundled library, read through `jdgen list … --format json` as a user would."""

from __future__ import annotations

import json
from collections import Counter
from importlib.metadata import version
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import jdgen
from jdgen.cli import main
from jdgen.library import bundled_root

IAPT_LI_COUNTS = [("C", 18), ("A", 8), ("CB", 11), ("G", 7), ("W", 6), ("RKC", 10), ("PPD", 5), ("IT", 3),
                  ("M", 9), ("GWB", 4), ("SI", 7), ("O", 4), ("S", 10), ("CM", 6), ("RA", 7), ("HS", 4)]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`jdgen --workspace EMPTY ARGS…` → stdout, asserting exit 0: only bundled content is seen."""
    empty = tmp_path_factory.mktemp("empty-workspace")
    runner = CliRunner()

    def invoke(*args: str) -> str:
        result = runner.invoke(main, ["--workspace", str(empty), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    return invoke


@pytest.fixture(scope="module")
def items(run: Any) -> list[dict[str, Any]]:
    return list(json.loads(run("list", "items", "--format", "json")))


@pytest.fixture(scope="module")
def iapt_li(run: Any) -> list[dict[str, Any]]:
    return list(json.loads(run("list", "items", "--framework", "iapt-li", "--format", "json")))


@pytest.fixture(scope="module")
def ips(run: Any) -> list[dict[str, Any]]:
    return list(json.loads(run("list", "items", "--framework", "ips", "--format", "json")))


def test_bundled_library_validates(run: Any) -> None:
    assert run("validate", "--strict") == "ok: 14 frameworks, 481 items\n"


# --- iapt-li ------------------------------------------------------------------------------------


def test_iapt_li_has_119_items(iapt_li: list[dict[str, Any]]) -> None:
    assert len(iapt_li) == 119
    assert {r["framework"] for r in iapt_li} == {"iapt-li"}


def test_iapt_li_cluster_counts_in_order(iapt_li: list[dict[str, Any]]) -> None:
    counts = Counter(r["cluster"] for r in iapt_li)
    order = list(dict.fromkeys(r["cluster"] for r in iapt_li))
    assert [(code, counts[code]) for code in order] == IAPT_LI_COUNTS


def test_iapt_li_ids_are_numbered_in_order(iapt_li: list[dict[str, Any]]) -> None:
    expected = [f"{code}{n}" for code, count in IAPT_LI_COUNTS for n in range(1, count + 1)]
    assert [r["id"] for r in iapt_li] == expected


def test_health_and_safety_labels(iapt_li: list[dict[str, Any]]) -> None:
    hs = [(r["id"], r["label"]) for r in iapt_li if r["cluster"] == "HS"]
    assert hs == [("HS1", "H&S 1"), ("HS2", "H&S 2"), ("HS3", "H&S 3"), ("HS4", "H&S 4")]
    assert all(r["label"] == r["id"] for r in iapt_li if r["cluster"] != "HS")


def test_every_iapt_li_item_has_a_ksf_link_with_a_level(iapt_li: list[dict[str, Any]]) -> None:
    for r in iapt_li:
        ksf = [link for link in r["links"] if link["framework"] == "ksf"]
        assert ksf, f"{r['id']} has no KSF link"
        assert all(link["level"] in (1, 2, 3, 4) for link in ksf), r["id"]


def test_every_core_item_has_an_esc_link(run: Any, iapt_li: list[dict[str, Any]]) -> None:
    clusters = json.loads(run("list", "clusters", "--framework", "iapt-li", "--format", "json"))
    required = [(c["code"], c["title"]) for c in clusters if c["required"]]
    assert required == [("C", "Core")]
    core = [r for r in iapt_li if r["cluster"] == "C"]
    assert len(core) == 18
    for r in core:
        assert any(link["framework"] == "esc" for link in r["links"]), f"{r['id']} has no ESC link"


# --- iapt-hi ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def iapt_hi(run: Any) -> list[dict[str, Any]]:
    return list(json.loads(run("list", "items", "--framework", "iapt-hi", "--format", "json")))


def _ksf(record: dict[str, Any]) -> dict[str, int]:
    return {link["id"]: link["level"] for link in record["links"] if link["framework"] == "ksf"}


def test_iapt_hi_core_is_core_and_risk(run: Any, iapt_hi: list[dict[str, Any]]) -> None:
    assert len(iapt_hi) >= 40
    clusters = json.loads(run("list", "clusters", "--framework", "iapt-hi", "--format", "json"))
    assert [c["code"] for c in clusters if c["required"]] == ["HC", "HR"]
    # trainee duties live in their own optional cluster, so a qualified post's duties never mention training
    trainee = [r for r in iapt_hi if r["cluster"] == "HTR"]
    assert len(trainee) >= 3 and all(r["cluster"] == "HTR" for r in iapt_hi if "diploma" in r["text"])
    # no cluster code is shared with the low-intensity framework, so "HC3" can never be read as an iapt-li item
    li = {c["code"] for c in json.loads(run("list", "clusters", "--framework", "iapt-li", "--format", "json"))}
    assert li.isdisjoint(c["code"] for c in clusters)


def test_iapt_hi_assessment_and_treatment_sit_at_band_7_levels(iapt_hi: list[dict[str, Any]]) -> None:
    for r in iapt_hi:
        assert _ksf(r), f"{r['id']} has no KSF link"
        if r["cluster"] in ("HA", "HT"):
            levels = [level for dim, level in _ksf(r).items() if dim in ("HWB6", "HWB7")]
            assert levels and min(levels) >= 3, r["id"]
    treatment = [r for r in iapt_hi if r["cluster"] == "HT"]
    assert sum(_ksf(r).get("HWB7", 0) == 4 for r in treatment) >= 6


@pytest.mark.parametrize("topic", ["generalised anxiety", "panic", "social anxiety", "post-traumatic stress",
                                   "obsessive-compulsive", "health anxiety", "depression", "CTS-R", "BABCP",
                                   "national Talking Therapies dataset", "consultation to PWPs"])
def test_iapt_hi_covers_the_role(iapt_hi: list[dict[str, Any]], topic: str) -> None:
    assert any(topic.casefold() in r["text"].casefold() for r in iapt_hi), topic


# --- iapt-supervisor ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def iapt_supervisor(run: Any) -> list[dict[str, Any]]:
    return list(json.loads(run("list", "items", "--framework", "iapt-supervisor", "--format", "json")))


def test_iapt_supervisor_core_and_codes(run: Any, iapt_supervisor: list[dict[str, Any]]) -> None:
    assert len(iapt_supervisor) >= 20
    clusters = json.loads(run("list", "clusters", "--framework", "iapt-supervisor", "--format", "json"))
    assert [c["code"] for c in clusters if c["required"]] == ["SP"]
    others = {c["code"] for fw in ("iapt-li", "iapt-hi")
              for c in json.loads(run("list", "clusters", "--framework", fw, "--format", "json"))}
    assert others.isdisjoint(c["code"] for c in clusters)


def test_iapt_supervisor_never_links_treatment(iapt_supervisor: list[dict[str, Any]]) -> None:
    # supervising is not treating: a supervisor's outline gains HWB7 only from treatment duties taken elsewhere
    for r in iapt_supervisor:
        assert _ksf(r), f"{r['id']} has no KSF link"
        assert "HWB7" not in _ksf(r), r["id"]
    people = [r["id"] for r in iapt_supervisor if "G6" in _ksf(r)]
    assert people and all(i.startswith("SL") for i in people)


@pytest.mark.parametrize(("item", "words"), [
    ("SM1", ["every week", "at least one hour", "full-time"]),
    ("SK1", ["every fortnight", "about an hour", "twelve"]),
    ("SH2", ["two to four weeks"]),
    ("SO1", ["two live-observed assessments"]),
])
def test_iapt_supervisor_states_the_guidance_frequencies(iapt_supervisor: list[dict[str, Any]], item: str,
                                                        words: list[str]) -> None:
    [text] = [r["text"] for r in iapt_supervisor if r["id"] == item]
    for phrase in words:
        assert phrase in text, (item, phrase)


# --- iapt-step3 (issue 16: the Step 3 modalities besides CBT) -----------------------------------

STEP3_MODALITIES = ("CFD", "IPT", "DIT", "CTD")


@pytest.fixture(scope="module")
def iapt_step3(run: Any) -> list[dict[str, Any]]:
    return list(json.loads(run("list", "items", "--framework", "iapt-step3", "--format", "json")))


def test_iapt_step3_shares_one_core_and_has_a_cluster_per_modality(run: Any,
                                                                   iapt_step3: list[dict[str, Any]]) -> None:
    clusters = json.loads(run("list", "clusters", "--framework", "iapt-step3", "--format", "json"))
    assert [c["code"] for c in clusters if c["required"]] == ["MC"]
    assert [c["code"] for c in clusters] == ["MC", *STEP3_MODALITIES]
    counts = Counter(r["cluster"] for r in iapt_step3)
    assert all(counts[code] >= 12 for code in STEP3_MODALITIES), counts  # at least 12 items of its own each
    others = {c["code"] for fw in ("iapt-li", "iapt-hi", "iapt-supervisor", "iapt-employment")
              for c in json.loads(run("list", "clusters", "--framework", fw, "--format", "json"))}
    assert others.isdisjoint(c["code"] for c in clusters)


def test_iapt_step3_does_not_repeat_the_shared_step3_duties(iapt_step3: list[dict[str, Any]]) -> None:
    # risk, safeguarding and the national dataset are iapt-hi's core and clusters, taken by every Step 3 post
    for r in iapt_step3:
        assert not any(word in r["text"].casefold() for word in ("safety plan", "national talking therapies dataset",
                                                                 "phq-9", "gad-7")), r["id"]


def test_iapt_step3_treats_at_step_3_levels(iapt_step3: list[dict[str, Any]]) -> None:
    for r in iapt_step3:
        assert _ksf(r), f"{r['id']} has no KSF link"
        assert max(_ksf(r).values()) <= 4 and "G6" not in _ksf(r), r["id"]
        if r["cluster"] in STEP3_MODALITIES:
            assert max(_ksf(r).get(d, 0) for d in ("HWB6", "HWB7", "HWB4", "HWB3", "Core1")) >= 3, r["id"]
    for code in STEP3_MODALITIES:
        levels = [_ksf(r).get("HWB7", 0) for r in iapt_step3 if r["cluster"] == code]
        assert sum(level == 4 for level in levels) >= 1, code


@pytest.mark.parametrize(("cluster", "topic"), [
    ("CFD", "person-centred experiential"), ("CFD", "self-criticism"), ("CFD", "twenty sessions"),
    ("IPT", "interpersonal inventory"), ("IPT", "grief"), ("IPT", "role dispute"), ("IPT", "role transition"),
    ("IPT", "interpersonal deficits"), ("IPT", "initial phase"), ("IPT", "middle-phase"), ("IPT", "final phase"),
    ("IPT", "sixteen sessions"),
    ("DIT", "interpersonal affective focus"), ("DIT", "sixteen sessions"), ("DIT", "goodbye letter"),
    ("DIT", "states of mind"),
    ("CTD", "both partners"), ("CTD", "balanced position"), ("CTD", "twenty sessions"), ("CTD", "abuse"),
    ("CTD", "communication skills"),
])
def test_iapt_step3_covers_each_modality(iapt_step3: list[dict[str, Any]], cluster: str, topic: str) -> None:
    assert any(topic.casefold() in r["text"].casefold() for r in iapt_step3 if r["cluster"] == cluster), topic


def test_iapt_hi_core_serves_every_step3_modality(iapt_hi: list[dict[str, Any]]) -> None:
    core = [r for r in iapt_hi if r["cluster"] in ("HC", "HR")]
    assert core and not any("CBT" in r["text"] for r in core)


# --- iapt-employment ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def iapt_employment(run: Any) -> list[dict[str, Any]]:
    return list(json.loads(run("list", "items", "--framework", "iapt-employment", "--format", "json")))


def test_iapt_employment_is_a_band_5_non_treating_role(run: Any, iapt_employment: list[dict[str, Any]]) -> None:
    assert len(iapt_employment) >= 20
    clusters = json.loads(run("list", "clusters", "--framework", "iapt-employment", "--format", "json"))
    assert [c["code"] for c in clusters if c["required"]] == ["EC"]
    levels = [level for r in iapt_employment for level in _ksf(r).values()]
    assert all(_ksf(r) for r in iapt_employment)
    assert max(levels) <= 3 and levels.count(2) > len(levels) / 2  # mostly level 2, nothing above 3
    assert not any({"HWB6", "HWB7"} & _ksf(r).keys() for r in iapt_employment)


@pytest.mark.parametrize("topic", ["struggling at work", "off sick", "out of work", "return-to-work plan",
                                   "employer", "benefits", "workplace adjustments", "therapist", "IPS",
                                   "national Talking Therapies dataset"])
def test_iapt_employment_covers_the_role(iapt_employment: list[dict[str, Any]], topic: str) -> None:
    assert any(topic.casefold() in r["text"].casefold() for r in iapt_employment), topic


# --- ips ----------------------------------------------------------------------------------------


def test_ips_items_are_abilities_or_knowledge(ips: list[dict[str, Any]]) -> None:
    assert len(ips) >= 60
    for r in ips:
        assert r["kind"] in ("ability", "knowledge"), r["id"]
        start = "An ability to" if r["kind"] == "ability" else "Knowledge of"
        assert r["text"].startswith(start), f"{r['id']}: {r['text'][:40]}"
        for sub in r.get("sub", []):
            assert sub["kind"] in ("ability", "knowledge"), sub["id"]


# --- issue 16: leaders, IPS team leaders, apprentices and support roles -----------------------------


def _framework(run: Any, fw: str) -> list[dict[str, Any]]:
    return list(json.loads(run("list", "items", "--framework", fw, "--format", "json")))


def test_iapt_leadership_spans_delivery_people_money_data_and_governance(run: Any) -> None:
    items = _framework(run, "iapt-leadership")
    assert len(items) >= 25
    clusters = json.loads(run("list", "clusters", "--framework", "iapt-leadership", "--format", "json"))
    assert [c["code"] for c in clusters if c["required"]] == ["LC"]
    for topic in ("six weeks", "eighteen weeks", "recovery", "reliable improvement", "waiting list", "rotas",
                  "recruitment", "appraisal", "workforce plan", "budget", "national Talking Therapies dataset",
                  "incidents", "complaints", "audit", "risk register", "commissioning"):
        assert any(topic.casefold() in r["text"].casefold() for r in items), topic
    for r in items:
        assert _ksf(r) and not {"HWB6", "HWB7"} & _ksf(r).keys(), r["id"]  # leading is not treating
        assert max(_ksf(r).values()) >= 3, r["id"]  # Band 7 to 8b duties
    people = {r["id"] for r in items if "G6" in _ksf(r)}
    assert people and all(i.startswith("LW") for i in people)


def test_ips_leadership_rests_on_fidelity_practice(run: Any) -> None:
    items = _framework(run, "ips-leadership")
    assert len(items) >= 20
    text = " ".join(r["text"] for r in items).casefold()
    for topic in ("every week", "ten employment specialists", "in the field", "every quarter", "about twenty",
                  "25-item ips fidelity scale", "steering group", "mental health team"):
        assert topic in text, topic
    assert "pwp" not in text and "talking therapies" not in text
    assert not any({"HWB6", "HWB7"} & _ksf(r).keys() for r in items)


def test_support_roles_and_apprentices_sit_at_band_3_to_4_levels(run: Any) -> None:
    for fw in ("iapt-support", "iapt-apprenticeship"):
        items = _framework(run, fw)
        assert items and all(_ksf(r) and max(_ksf(r).values()) <= 2 for r in items), fw
    support = _framework(run, "iapt-support")
    assert not any({"HWB6", "HWB7"} & _ksf(r).keys() for r in support)
    assert {r["id"].rstrip("0123456789") for r in support} == {"UC", "BA", "PS"}
    apprenticeship = " ".join(r["text"] for r in _framework(run, "iapt-apprenticeship"))
    for topic in ("level 6", "off-the-job", "end-point assessment", "twelve months"):
        assert topic in apprenticeship, topic


def test_new_supervision_profiles_state_their_own_practice(run: Any) -> None:
    data = yaml.safe_load((bundled_root() / "frameworks" / "iapt-supervision.yaml").read_text("utf-8"))
    profiles = {p["id"]: p for p in data["profiles"]}
    assert profiles["ips-specialists"]["supervisees"] == 10
    assert profiles["ips-specialists"]["guidance"] == profiles["ips-team-leader"]["guidance"] == "IPS fidelity practice"
    # no guidance sets how the IPS team leader or a peer support worker is supervised: nothing is invented
    for pid in ("ips-team-leader", "peer-support"):
        assert all(a["every_weeks"] is None and a["minutes"] is None for a in profiles[pid]["arrangements"]), pid


# --- all frameworks -----------------------------------------------------------------------------


def test_nos_links_are_listed_in_nos_yaml(items: list[dict[str, Any]]) -> None:
    nos_file = bundled_root() / "frameworks" / "nos.yaml"
    entries = {e["id"] for e in yaml.safe_load(nos_file.read_text(encoding="utf-8"))["entries"]}
    used = [link["id"] for r in items for link in r["links"] if link["framework"] == "nos"]
    assert used, "no item links to the NOS at all"
    assert sorted(set(used) - entries) == []


def test_item_texts_are_unique(items: list[dict[str, Any]]) -> None:
    texts = [r["text"] for r in items] + [s["text"] for r in items for s in r.get("sub", [])]
    repeated = [text for text, n in Counter(texts).items() if n > 1]
    assert repeated == []


def test_every_framework_has_authored_provenance(run: Any) -> None:
    frameworks = json.loads(run("list", "frameworks", "--format", "json"))
    assert [f["id"] for f in frameworks] == ["esc", "iapt-apprenticeship", "iapt-employment", "iapt-hi",
                                             "iapt-leadership", "iapt-li", "iapt-step3", "iapt-supervision",
                                             "iapt-supervisor", "iapt-support", "ips-leadership", "ips", "ksf", "nos"]
    for f in frameworks:
        assert f["provenance"]["authored"].strip(), f["id"]


def test_search(run: Any) -> None:
    found = json.loads(run("list", "items", "--search", "PHQ-9", "--format", "json"))
    assert found
    for r in found:
        assert "phq-9" in " ".join([r["text"], *(s["text"] for s in r.get("sub", []))]).casefold()
    # case-insensitive
    assert json.loads(run("list", "items", "--search", "phq-9", "--format", "json")) == found


@pytest.mark.parametrize("cluster", ["H&S", "HS"])
def test_cluster_filter_by_label_or_code(run: Any, cluster: str) -> None:
    found = json.loads(run("list", "items", "--cluster", cluster, "--format", "json"))
    assert [r["id"] for r in found] == ["HS1", "HS2", "HS3", "HS4"]


def test_cluster_table_shows_label(run: Any) -> None:
    lines = run("list", "clusters", "--framework", "iapt-li").splitlines()
    assert lines[0].split() == ["framework", "label", "items", "range", "title"]
    assert lines[-1].split() == ["iapt-li", "H&S", "4", "HS1–HS4", "Health", "and", "Safety"]


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"jdgen, version {jdgen.__version__}\n"
    assert jdgen.__version__ == version("jdgen")
