"""`jdgen case export` and `jdgen case import`: CASE 1.1 packages checked against the published
CFPackage JSON schema (tests/vendor/case), byte-identical exports, the round trip export → import,
a package from another producer, and every refusal with its fixture."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import Result

from jdgen.case.export import export_package, package_json
from jdgen.case.ids import CHANGED
from jdgen.case.importer import check_plan, plan_import, write_plan
from jdgen.case.package import read_package
from jdgen.errors import JdgenError
from jdgen.library import check_library, discover
from jdgen.model import Framework, Library
from jdgen.workspace import load_workspace

Invoke = Callable[..., Result]
CASE = Path(__file__).parent / "fixtures" / "case"
SCHEMA = Path(__file__).parent / "vendor" / "case" / "imscasev1p1_getcfpackage_schema.json"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    return load_workspace(tmp_path_factory.mktemp("empty")).library


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def exportable(library: Library) -> list[Framework]:
    return [fw for fw in library.frameworks.values() if fw.clusters or fw.entries]


BUNDLED = ["esc", "iapt-apprenticeship", "iapt-employment", "iapt-hi", "iapt-leadership", "iapt-li", "iapt-step3",
           "iapt-supervisor", "iapt-support", "ips", "ips-leadership", "ksf", "nos"]
DUTIES = [f for f in BUNDLED if f not in ("esc", "ksf", "nos")]


def test_every_bundled_framework_but_supervision_is_exported(library: Library) -> None:
    assert sorted(fw.id for fw in exportable(library)) == BUNDLED


@pytest.mark.parametrize("framework", BUNDLED)
def test_export_validates_against_the_case_schema(framework: str, library: Library,
                                                  validator: jsonschema.Draft202012Validator) -> None:
    package = export_package(library.frameworks[framework], library)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]
    assert errors == []
    # What the schema states but jsonschema does not check without extra packages: date-times and URIs.
    records = [package["CFDocument"], *package["CFItems"], *package["CFAssociations"],
               *package["CFDefinitions"]["CFItemTypes"]]
    assert {r["lastChangeDateTime"] for r in records} == {CHANGED}
    datetime.fromisoformat(CHANGED)
    identifiers = [r["identifier"] for r in records]
    assert len(set(identifiers)) == len(identifiers)
    for r in records:
        assert uuid.UUID(r["identifier"]).version == 5
        assert r["uri"] == f"urn:uuid:{r['identifier']}"


@pytest.mark.parametrize("framework", DUTIES)
def test_export_structure(framework: str, library: Library) -> None:
    """Every cluster isChildOf the document, every item its cluster, every sub-item its item, in
    order; codes in humanCodingScheme; one isRelatedTo per link, the KSF level kept."""
    fw = library.frameworks[framework]
    package = export_package(fw, library)
    by_code = {i["humanCodingScheme"]: i for i in package["CFItems"]}
    parent = {a["originNodeURI"]["identifier"]: (a["destinationNodeURI"]["identifier"], a["sequenceNumber"])
              for a in package["CFAssociations"] if a["associationType"] == "isChildOf"}
    assert len(parent) == len(package["CFItems"])
    doc = package["CFDocument"]["identifier"]
    links = [a for a in package["CFAssociations"] if a["associationType"] == "isRelatedTo"]
    assert len(links) == sum(len(item.links) for item in fw.all_items())
    for n, cluster in enumerate(fw.clusters, 1):
        node = by_code[cluster.shown_code]
        assert (node["fullStatement"], parent[node["identifier"]]) == (cluster.title, (doc, n))
        for i, item in enumerate(cluster.items, 1):
            record = by_code[item.id]
            assert (record["fullStatement"], parent[record["identifier"]]) == (item.text, (node["identifier"], i))
            assert record["CFItemType"] == item.kind.capitalize()
            for j, sub in enumerate(item.sub, 1):
                assert parent[by_code[sub.id]["identifier"]] == (record["identifier"], j)
            for link in item.links:
                found = [a for a in links if a["originNodeURI"]["identifier"] == record["identifier"]
                         and a["extensions"]["jdgen"]["target"] == link.target]
                assert len(found) == 1
                assert found[0]["extensions"]["jdgen"].get("level") == link.level


def test_link_destinations_are_the_reference_frameworks_own_nodes(library: Library) -> None:
    """A KSF link points at the node `jdgen case export ksf` gives that dimension."""
    ksf = {i["humanCodingScheme"]: i["identifier"]
           for i in export_package(library.frameworks["ksf"], library)["CFItems"]}
    package = export_package(library.frameworks["iapt-apprenticeship"], library)
    targets = [(a["extensions"]["jdgen"], a["destinationNodeURI"]["identifier"])
               for a in package["CFAssociations"] if a["associationType"] == "isRelatedTo"]
    ksf_targets = [(ext["target"], ident) for ext, ident in targets if ext["framework"] == "ksf"]
    assert ksf_targets and all(ksf[target] == ident for target, ident in ksf_targets)


def test_two_exports_are_byte_identical(jdgen: Invoke, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert jdgen("-w", str(tmp_path), "case", "export", "iapt-hi", "-o", str(first)).exit_code == 0
    assert jdgen("-w", str(tmp_path), "case", "export", "iapt-hi", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    printed = jdgen("-w", str(tmp_path), "case", "export", "iapt-hi")
    assert printed.stdout.encode() == first.read_bytes()


def test_export_refuses_a_framework_without_statements(jdgen: Invoke, tmp_path: Path) -> None:
    result = jdgen("-w", str(tmp_path), "case", "export", "iapt-supervision")
    assert result.exit_code == 2
    assert "has no clusters or entries to export" in result.stderr
    assert jdgen("-w", str(tmp_path), "case", "export", "no-such").exit_code == 2


def _contents(fw: Framework) -> list[Any]:
    """What a round trip must keep: clusters (code, label, title, texts), items and sub-items."""
    return [(c.code, c.label, c.title, c.description, c.statement, c.trainee_statement, c.required, c.hours,
             [(i.id, i.kind, i.text, i.trainee_text, i.theme, i.outcome, sorted(i.links, key=repr),
               [(s.id, s.kind, s.text, s.trainee_text) for s in i.sub]) for i in c.items])
            for c in fw.clusters]


@pytest.mark.parametrize("framework", DUTIES)
def test_round_trip_keeps_item_texts_and_codes(framework: str, library: Library, tmp_path: Path) -> None:
    source = tmp_path / f"{framework}.json"
    source.write_text(package_json(export_package(library.frameworks[framework], library)), encoding="utf-8")
    plan = plan_import(read_package(source), "copy", library)
    assert plan.warnings == ()
    write_plan(plan, tmp_path)
    imported, problems = check_library(discover(tmp_path))
    assert problems == []
    original, copy = library.frameworks[framework], imported.frameworks["copy"]
    assert _contents(copy) == _contents(original)
    assert (copy.title, copy.kind, copy.core, copy.provenance) == (original.title, original.kind, original.core,
                                                                   original.provenance)


def test_round_trip_through_the_command_line(jdgen: Invoke, tmp_path: Path) -> None:
    package = tmp_path / "li.json"
    assert jdgen("-w", str(tmp_path), "case", "export", "iapt-li", "-o", str(package)).exit_code == 0
    result = jdgen("-w", str(tmp_path), "case", "import", str(package), "--id", "my-li")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "imported 'my-li': 16 cluster(s), 119 item(s)"
    assert (tmp_path / "frameworks" / "my-li.yaml").is_file()
    assert (tmp_path / "clusters" / "my-li" / "16-hs.yaml").is_file()
    assert jdgen("-w", str(tmp_path), "validate").exit_code == 0
    again = tmp_path / "again.json"
    assert jdgen("-w", str(tmp_path), "case", "export", "my-li", "-o", str(again)).exit_code == 0
    statements = [(i["humanCodingScheme"], i["fullStatement"]) for i in json.loads(again.read_text())["CFItems"]]
    assert statements == [(i["humanCodingScheme"], i["fullStatement"])
                          for i in json.loads(package.read_text())["CFItems"]]


def test_import_from_another_producer(jdgen: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenSALT-style optional fields (CFPackageURI, CFDocumentURI, educationLevel), items listed out
    of order, sequence numbers on some associations only, a four-level branch, a loose item, other
    association types and a broken association."""
    monkeypatch.chdir(CASE)
    result = jdgen("-w", str(tmp_path), "case", "import", "other-producer.json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "other-producer.json:130:5: warning: CFAssociations[9] is ignored: it needs an associationType and the "
        "identifier of its originNodeURI and destinationNodeURI",
        "other-producer.json:120:5: warning: 2 association(s) not kept: 1 exactMatchOf, 1 precedes",
        "  hint: jdgen keeps the isChildOf hierarchy and links to the KSF, ESC, NOS and bundled items it knows "
        "(see docs/case.md)",
        "other-producer.json: warning: 5 item code(s) replaced by jdgen ids (the first: 'DS.1.1' is now DS1)",
        "  hint: jdgen numbers items after their cluster's code; the cluster keeps the package's code as its "
        "label where it has letters",
        "0 error(s), 3 warning(s)"]
    assert jdgen("-w", str(tmp_path), "validate").exit_code == 0
    fw = load_workspace(tmp_path).library.frameworks["digital-skills-for-care-staff"]
    assert fw.origin == "workspace" and fw.kind.value == "duties"
    assert (fw.provenance.publisher, fw.provenance.year, fw.provenance.url) == (
        "Example Skills Partnership", 2023, "https://skills.example.org/digital")
    assert [(c.code, c.label, c.title) for c in fw.clusters] == [
        ("DS", "DS.1", "Communicating and recording"), ("KIS", None, "Keeping information safe"),
        ("OTHER", None, "Items without a cluster")]
    assert [(i.id, i.kind, i.text, [s.text for s in i.sub]) for i in fw.all_items()] == [
        ("DS1", "ability", "Use email, video calls and messaging safely to communicate with colleagues and "
                           "the people supported.", []),
        ("DS2", "ability", "Keep records of care accurately in the electronic record system.", []),
        ("KIS1", "knowledge", "Protect personal data in line with the data protection policy.",
         ["Lock the screen when leaving a device.", "Never share a password, even with a colleague."]),
        ("OTHER1", "duty", "Report a suspected cyber incident to the IT service desk at once.", [])]
    assert fw.clusters[0].description == "Everyday digital communication and records."


def test_items_beyond_26_sub_items_follow_as_items(library: Library, tmp_path: Path) -> None:
    doc = {"identifier": "d", "title": "Deep"}
    items = [{"identifier": "top", "fullStatement": "Top level"}, {"identifier": "mid", "fullStatement": "Middle one"}]
    items += [{"identifier": f"n{k}", "fullStatement": f"Leaf number {k}"} for k in range(30)]
    assoc = [{"associationType": "isChildOf", "originNodeURI": {"identifier": "mid"},
              "destinationNodeURI": {"identifier": "top"}}]
    assoc += [{"associationType": "isChildOf", "originNodeURI": {"identifier": f"n{k}"},
               "destinationNodeURI": {"identifier": "mid"}, "sequenceNumber": k} for k in range(30)]
    source = tmp_path / "deep.json"
    source.write_text(json.dumps({"CFDocument": doc, "CFItems": items, "CFAssociations": assoc}))
    plan = plan_import(read_package(source), "deep", library)
    assert check_plan(plan) == []
    write_plan(plan, tmp_path)
    fw = check_library(discover(tmp_path))[0].frameworks["deep"]
    assert [i.text for i in fw.all_items()] == ["Middle one", *[f"Leaf number {k}" for k in range(30)]]


# fixture → (line, col, code, message) of the one error `jdgen case import` reports
ERRORS = {
    "not-json.json": (4, 3, "case-json", "not valid JSON: Expecting property name enclosed in double quotes"),
    "no-document.json": (1, 1, "case-package", "not a CASE package: no CFDocument"),
    "array.json": (1, 1, "case-package", "not a CASE package: the file holds a JSON array, not an object"),
    "empty.json": (1, 1, "empty-file", "the file is empty"),
    "no-items.json": (4, 14, "case-package", "the package has no CFItems: there is nothing to import"),
    "item-without-statement.json": (7, 5, "case-package", "CFItem X.2 has no fullStatement"),
    "control-character.json": (6, 23, "control-character", "control character U+0007 in fullStatement"),
    "duplicate-identifier.json": (7, 20, "case-package", "CFItem 22222222-2222-4222-8222-222222222222: identifier "
                                  "'22222222-2222-4222-8222-222222222222' is used twice (also CFItems[0])"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_packages_are_refused_with_a_position(name: str, jdgen: Invoke, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASE)
    line, col, code, message = ERRORS[name]
    result = jdgen("-w", str(tmp_path), "case", "import", name, "--id", "bad")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{name}:{line}:{col}: error: {message}"
    assert result.stderr.splitlines()[-1] == "1 error(s), 0 warning(s)"
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(JdgenError) as caught:
        read_package(CASE / name)
    assert [d.code for d in caught.value.diagnostics] == [code]


def test_every_problem_of_a_package_is_reported_together(jdgen: Invoke, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASE)
    result = jdgen("-w", str(tmp_path), "case", "import", "several-problems.json", "--id", "bad")
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if not line.startswith("  hint:")] == [
        "several-problems.json:2:17: error: the CFDocument has no title",
        "several-problems.json:4:5: error: CFItems[0] must be an object, not a JSON string",
        "several-problems.json:5:5: error: CFItem A.1 has no identifier",
        "several-problems.json:6:77: error: fullStatement must be text, not a JSON number",
        "several-problems.json:8:21: error: CFAssociations must be a list, not a JSON object",
        "5 error(s), 0 warning(s)"]
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_utf8(jdgen: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "latin1.json"
    source.write_bytes('{"CFDocument": {"title": "Caf\u00e9"}}\n'.encode("latin-1"))
    result = jdgen("-w", str(tmp_path), "case", "import", str(source))
    assert result.exit_code == 1
    assert "latin1.json:1:1: error: not UTF-8 text" in result.stderr


def test_an_id_that_shadows_a_bundled_framework(jdgen: Invoke, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASE)
    given = jdgen("-w", str(tmp_path), "case", "import", "other-producer.json", "--id", "iapt-li")
    assert given.exit_code == 2
    assert "Invalid value for --id: framework id 'iapt-li' is a bundled framework's" in given.stderr
    derived = jdgen("-w", str(tmp_path), "case", "import", "shadows-bundled.json")  # its title is "KSF"
    assert derived.exit_code == 1
    assert derived.stderr.splitlines()[:2] == [
        "shadows-bundled.json: error: framework id 'ksf' is a bundled framework's: the import would shadow it",
        "  hint: choose another id with --id"]
    assert jdgen("-w", str(tmp_path), "case", "import", "other-producer.json", "--id", "Not An Id").exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_never_overwrites(jdgen: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASE)
    assert jdgen("-w", str(tmp_path), "case", "import", "other-producer.json", "--id", "digital").exit_code == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.yaml")}
    again = jdgen("-w", str(tmp_path), "case", "import", "other-producer.json", "--id", "digital")
    assert again.exit_code == 2
    assert "the workspace already has a framework 'digital'" in again.stderr
    # A cluster folder left without its header is not replaced either.
    (tmp_path / "clusters" / "stray").mkdir()
    stray = jdgen("-w", str(tmp_path), "case", "import", "other-producer.json", "--id", "stray")
    assert stray.exit_code == 1
    assert "error: refused: " in stray.stderr and "jdgen case import never replaces files" in stray.stderr
    assert not (tmp_path / "frameworks" / "stray.yaml").exists()
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.yaml")} == before
