"""Links that lead elsewhere: index.html links are relative (`./`) and URL-quoted, so a post named
`javascript:alert(1).yaml` is a file, not a script; templates, framework and cluster files that are
symbolic links to files outside the workspace (and jdgen) are refused with a clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import parse_html

from jdgen.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "posts" / "good.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"JDGEN_WORKSPACE": None}, catch_exceptions=False)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "ws").mkdir()
    (tmp_path / "posts").mkdir()
    shutil.copy(GOOD, tmp_path / "posts" / "good.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_index_links_are_relative_and_quoted(here: Path) -> None:
    shutil.copy(GOOD, here / "posts" / "javascript:alert(1).yaml")
    shutil.copy(GOOD, here / "posts" / "a b#c?.yaml")
    result = run("-w", "ws", "build", "posts", "-o", "out", "-f", "html", "-j", "1")
    assert result.exit_code == 0, result.output
    hrefs = parse_html((here / "out" / "index.html").read_text("utf-8")).hrefs
    assert sorted(hrefs) == ["./a%20b%23c%3F.html", "./good.html", "./javascript%3Aalert%281%29.html"]
    for href in hrefs:  # each link is a file in the folder
        from urllib.parse import unquote

        assert (here / "out" / unquote(href)).is_file()


def test_template_including_a_link_outside_is_refused(here: Path) -> None:
    secret = here / "secret.txt"
    secret.write_text("root:x:0:0:SECRET\n", "utf-8")
    templates = here / "ws" / "templates"
    templates.mkdir()
    (templates / "passwd").symlink_to(secret)
    (templates / "job_description.html.j2").write_text(
        '{% extends "default:job_description.html.j2" %}{% block footer %}{% include "passwd" %}{% endblock %}',
        "utf-8")
    result = run("-w", "ws", "build", "posts/good.yaml", "-o", "out", "-f", "html")
    assert result.exit_code == 1
    assert (f"ws/templates/passwd: error: refused: this template is a link to {secret}, outside the workspace "
            "and jdgen") in result.stderr.splitlines()
    assert not (here / "out" / "good.html").exists()
    assert "SECRET" not in result.output


def test_template_that_is_a_link_outside_is_refused(here: Path) -> None:
    outside = here / "elsewhere.j2"
    outside.write_text("<p>{{ title }}</p>", "utf-8")
    (here / "ws" / "templates").mkdir()
    (here / "ws" / "templates" / "job_description.html.j2").symlink_to(outside)
    result = run("-w", "ws", "build", "posts/good.yaml", "-o", "out", "-f", "html")
    assert result.exit_code == 1
    assert "ws/templates/job_description.html.j2: error: refused: this template is a link to" in result.stderr


def test_template_links_inside_the_workspace_still_work(here: Path) -> None:
    templates = here / "ws" / "templates"
    (templates / "parts").mkdir(parents=True)
    (templates / "parts" / "footer.html").write_text("<p>Our footer</p>", "utf-8")
    (templates / "footer.html").symlink_to(templates / "parts" / "footer.html")
    (templates / "job_description.html.j2").write_text(
        '{% extends "default:job_description.html.j2" %}{% block footer %}{% include "footer.html" %}{% endblock %}',
        "utf-8")
    result = run("-w", "ws", "build", "posts/good.yaml", "-o", "out", "-f", "html")
    assert result.exit_code == 0, result.output
    assert "Our footer" in parse_html((here / "out" / "good.html").read_text("utf-8")).text


@pytest.mark.parametrize("folder", ["clusters", "frameworks"])
def test_library_file_that_is_a_link_outside_is_refused(folder: str, here: Path) -> None:
    source = FIXTURES / "good" / folder
    outside = here / "outside"
    shutil.copytree(source, outside)
    (here / "ws" / folder).mkdir()
    first = sorted(outside.rglob("*.yaml"))[0]
    link = here / "ws" / folder / first.name
    link.symlink_to(first)
    result = run("-w", "ws", "validate")
    assert result.exit_code == 1
    assert (f"ws/{folder}/{first.name}: error: refused: this file is a link to {first}, outside the workspace "
            f"{(here / 'ws').resolve()}") in result.stderr.splitlines()
    assert "  hint: copy the file into the workspace instead of linking to it" in result.stderr.splitlines()
