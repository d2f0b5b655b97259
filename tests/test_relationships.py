"""Issue 20 §8: `relationships:` as one plain list, beside the `internal`/`external` mapping
(tests/fixtures/relationships/posts/plain.yaml), in HTML, Markdown, Word and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, Invoke, parse_html

WORKSPACE = FIXTURES / "relationships"
PEOPLE = ["Step 2 team and senior PWPs", "GP practices and primary care networks",
          "Employment advisers (e.g. in the same hub)"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from jdgen.cli import main

    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["--workspace", str(WORKSPACE), "build", str(WORKSPACE / "posts" / "plain.yaml"),
                                       "-o", str(out), "-f", "html,md,docx,json", "-q"])
    assert result.exit_code == 0, result.output
    return out


def test_plain_list_in_json(built: Path) -> None:
    assert json.loads((built / "plain.json").read_text("utf-8"))["relationships"] == PEOPLE


def test_plain_list_is_one_list_in_html(built: Path) -> None:
    html = (built / "plain.html").read_text("utf-8")
    section = html.split('<section id="relationships">', 1)[1].split("</section>", 1)[0]
    assert "<table" not in section and "Internal" not in section and "External" not in section
    assert section.count('<ul class="relationships">') == 1
    items = [" ".join(t.split()) for t in parse_html(section).text if t.strip()]
    assert items == ["Key working relationships", *PEOPLE]


def test_plain_list_is_one_list_in_markdown(built: Path) -> None:
    md = (built / "plain.md").read_text("utf-8")
    section = md.split("## Key working relationships\n\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines() == [f"- {p}" for p in PEOPLE]


def test_plain_list_is_one_list_in_word(built: Path) -> None:
    import docx

    document = docx.Document(str(built / "plain.docx"))
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("Key working relationships")
    assert paragraphs[start + 1:start + 4] == PEOPLE
    assert not [t for t in document.tables if t.rows[0].cells[0].text in ("Internal", "External")]


def test_relationships_of_the_wrong_form(jdgen: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(WORKSPACE)
    result = jdgen("validate", "posts/bad.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "posts/bad.yaml:10:16: error: relationships must be a list of the people and teams the post works "
        "with, or a mapping {internal: [...], external: [...]}; got the text 'Step 2 team'")
