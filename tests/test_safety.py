"""Hostile input: text that looks like markup or template code, templates that try to fetch files
and URLs, output paths that try to leave OUT, writes that fail half-way, and `jdgen new post`."""

from __future__ import annotations

import html as html_module
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner, Result
from conftest import parse_html, pdf_embedded_files

from jdgen.cli import main
from jdgen.errors import JdgenError
from jdgen.output import safe_output_path, write_atomic

FixtureDir = Callable[[str], Path]
Invoke = Callable[..., Result]

POSTS = Path(__file__).parent / "fixtures" / "posts"
PAYLOAD = "<script>alert(1)</script> {{ 7*7 }} [click](javascript:x)"
TITLE = f"Evil {PAYLOAD}"
ORGANISATION = "Evil </style><script>alert(1)</script> Trust"
SUMMARY = f"A summary with {PAYLOAD} in it."
LOCAL = f"A local duty with {PAYLOAD} in it."


def _hostile_post() -> str:
    return "\n".join([
        f"title: {json.dumps(TITLE)}",
        f"organisation: {json.dumps(ORGANISATION)}",
        "grade: Band 5",
        "hours_per_week: 37.5",
        "contract: Permanent",
        "base: Test Health Centre",
        "responsible_to: Team Lead",
        "accountable_to: Service Manager",
        'date_posted: "2026-01-05"',
        f"summary: {json.dumps(SUMMARY)}",
        "duties:",
        "  clusters: [A]",
        f"  local: [{json.dumps(LOCAL)}]",
        "supervision: pwp",
        "",
    ])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile post built as HTML, Markdown and JSON; returns OUT."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "hostile.yaml").write_text(_hostile_post(), "utf-8")
    result = CliRunner().invoke(main, ["--workspace", str(root), "build", str(root / "hostile.yaml"),
                                       "-o", str(root / "out"), "-f", "html,md,json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return root / "out"


def test_hostile_text_is_kept_as_data(hostile: Path) -> None:
    data = json.loads((hostile / "hostile.json").read_text("utf-8"))
    assert data["title"] == TITLE
    assert data["summary"] == SUMMARY
    assert data["duties"][-1] == {**data["duties"][-1], "id": "L1", "text": LOCAL}


def test_html_escapes_hostile_text(hostile: Path) -> None:
    html = (hostile / "hostile.html").read_text("utf-8")
    assert "<script>alert" not in html
    assert "</style><script>" not in html
    page = parse_html(html)
    # the only script is the JSON-LD one: neither the text nor the organisation in the CSS made another
    assert [kind for kind, _ in page.scripts] == ["application/ld+json"]
    assert page.h1 == [TITLE]  # shown as text, and {{ 7*7 }} was not evaluated
    text = " ".join(" ".join(page.text).split())
    assert SUMMARY in text
    assert LOCAL in text
    assert ORGANISATION in text
    assert "49" not in page.h1[0]


def test_jsonld_cannot_close_its_script(hostile: Path) -> None:
    html = (hostile / "hostile.html").read_text("utf-8")
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    content = html[start:html.index("</script>", start)]
    assert "<" not in content and ">" not in content
    posting = json.loads(content)  # the whole object lies before the first </script>
    assert posting["title"] == TITLE
    assert f"<p>{html_module.escape(SUMMARY, quote=False)}</p>" in posting["description"]
    assert posting["hiringOrganization"]["name"] == ORGANISATION
    assert LOCAL in posting["responsibilities"]


def test_markdown_escapes_hostile_text(hostile: Path) -> None:
    md = (hostile / "hostile.md").read_text("utf-8")
    assert "<script>" not in md
    assert "](javascript:" not in md.replace("\\]", "")  # only escaped brackets before it
    assert "[click]" not in md
    escaped = r"&lt;script>alert(1)&lt;/script> {{ 7\*7 }} \[click\](javascript:x)"
    assert md.splitlines()[0] == rf"# Evil {escaped}"
    assert rf"A summary with {escaped} in it." in md.splitlines()
    assert rf"- A local duty with {escaped} in it." in md.splitlines()  # jd: no codes (issue 20 §2)
    # a CommonMark parser reads all of it as text: no HTML, no link
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    inline = [t for block in tokens for t in (block.children or [])]
    assert not [t for t in tokens + inline if t.type.startswith("html") or t.type == "link_open"]


# --- a workspace with its own template and settings ----------------------------------------------

OVERRIDE = """\
{% extends "default:job_description.html.j2" %}
{% block head %}<link rel="attachment" href="file:///etc/passwd">{% endblock %}
{% block logo %}<img src="http://example.com/logo.png" alt="logo">{% endblock %}
{% block footer %}<footer class="doc-footer">Printed by the Workspace Health Board</footer>{% endblock %}
"""
SETTINGS = """\
organisation: Workspace Health Board
colours:
  primary: "#123456"
  accent: "#654321"
"""
REFUSED = ("posts/good.yaml: warning: refused to fetch {}: only files of jdgen and the workspace, and data: URLs, "
           "may be used")


class Workspace(NamedTuple):
    root: Path
    result: Result


def _workspace(root: Path, template: str, settings: str = "") -> None:
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "job_description.html.j2").write_text(template, "utf-8")
    (root / "posts").mkdir()
    shutil.copy(POSTS / "good.yaml", root / "posts" / "good.yaml")
    if settings:
        (root / "jdgen.yaml").write_text(settings, "utf-8")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A workspace whose template tries to attach /etc/passwd and load a remote logo, built once."""
    root = tmp_path_factory.mktemp("workspace")
    _workspace(root, OVERRIDE, SETTINGS)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        result = CliRunner().invoke(main, ["--workspace", str(root), "build", "posts", "-o", "out",
                                           "-f", "html,pdf", "-j", "1"], catch_exceptions=False)
    return Workspace(root, result)


def test_template_fetches_are_refused(workspace: Workspace) -> None:
    result = workspace.result
    assert result.exit_code == 0, result.output
    assert result.stdout == "good: built (html, pdf) in out\n"
    assert sorted(result.stderr.splitlines()) == ["0 error(s), 2 warning(s)", REFUSED.format("file:///etc/passwd"),
                                                  REFUSED.format("http://example.com/logo.png")]


def _pdf_streams(path: Path) -> list[bytes]:
    """Every stream of the PDF, decoded, so compressed content is searched too."""
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    reader = PdfReader(path)
    streams = []
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if isinstance(obj, StreamObject):
            streams.append(obj.get_data())
    return streams


def test_pdf_embeds_nothing(workspace: Workspace) -> None:
    pdf = workspace.root / "out" / "good.pdf"
    assert pdf_embedded_files(pdf) == []
    assert b"root:x:0:0" not in pdf.read_bytes()
    streams = _pdf_streams(pdf)
    assert streams
    assert not [s for s in streams if b"root:x:0:0" in s]
    assert b"/EmbeddedFile" not in pdf.read_bytes()


def test_workspace_block_and_settings_change_the_html(workspace: Workspace) -> None:
    html = (workspace.root / "out" / "good.html").read_text("utf-8")
    page = parse_html(html)
    assert "Printed by the Workspace Health Board" in page.text
    assert "Generated with jdgen" not in " ".join(page.text)  # the bundled footer was replaced
    assert page.h1 == ["Test Practitioner"]  # the rest of the bundled template is still there
    assert re.search(r"--primary:\s*#123456;\s*--accent:\s*#654321;", html)
    assert "#005EB8" not in html
    index = parse_html((workspace.root / "out" / "index.html").read_text("utf-8"))
    assert "Workspace Health Board" in index.text
    assert index.hrefs == ["./good.html", "./good.pdf"]


def test_default_settings_without_jdgen_yaml(hostile: Path) -> None:
    html = (hostile / "hostile.html").read_text("utf-8")
    assert re.search(r"--primary:\s*#005EB8;", html)
    assert "This job description is a guide to the main duties" in " ".join(parse_html(html).text)


def test_workspace_files_may_be_attached(tmp_path: Path, jdgen: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    # the other side of the fetcher's rule, and proof that pdf_embedded_files finds attachments
    _workspace(tmp_path, '{% extends "default:job_description.html.j2" %}\n'
                         '{% block head %}<link rel="attachment" href="notes.txt">{% endblock %}\n')
    (tmp_path / "notes.txt").write_text("workspace notes 12345\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = jdgen("--workspace", str(tmp_path), "build", "posts/good.yaml", "-o", "out", "-f", "pdf")
    assert (result.exit_code, result.stderr) == (0, "")
    pdf = tmp_path / "out" / "good.pdf"
    assert pdf_embedded_files(pdf) == ["notes.txt"]
    assert [s for s in _pdf_streams(pdf) if b"workspace notes 12345" in s]


def test_strict_build_fails_on_refused_fetch(tmp_path: Path, jdgen: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    _workspace(tmp_path, OVERRIDE)
    monkeypatch.chdir(tmp_path)
    result = jdgen("--workspace", str(tmp_path), "build", "--strict", "posts/good.yaml", "-o", "out", "-f", "pdf")
    assert REFUSED.format("file:///etc/passwd") in result.stderr.splitlines()
    assert result.exit_code == 1


def test_default_workspace_follows_the_current_folder(tmp_path: Path, jdgen: Invoke,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("first", "second"):
        _workspace(tmp_path / name, '{% extends "default:job_description.html.j2" %}\n'
                                    f'{{% block footer %}}<footer>{name} footer</footer>{{% endblock %}}\n')
    for name in ("first", "second"):
        monkeypatch.chdir(tmp_path / name)
        result = jdgen("build", "posts/good.yaml", "-o", "out", "-f", "html")  # --workspace defaults to '.'
        assert result.exit_code == 0, result.output
    page = parse_html((tmp_path / "second" / "out" / "good.html").read_text("utf-8"))
    assert "second footer" in page.text


# --- output paths and atomic writes --------------------------------------------------------------


@pytest.mark.parametrize("name", ["../x", "../../etc/passwd", "sub/../../x", "/etc/passwd", ".."])
def test_output_path_cannot_escape(name: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(JdgenError) as info:
        safe_output_path(out, name)
    assert info.value.diagnostics[0].message == f"output path '{name}' would be outside {out}"


def test_output_path_through_a_symlink_cannot_escape(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere.html").write_text("keep", "utf-8")
    (out / "post.html").symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(JdgenError):
        safe_output_path(out, "post.html")


def test_output_path_inside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert safe_output_path(out, "pwp.html") == (out / "pwp.html").resolve()


def test_write_atomic(tmp_path: Path) -> None:
    target = tmp_path / "a" / "doc.html"
    write_atomic(target, "<p>é</p>")
    assert target.read_bytes() == "<p>é</p>".encode()
    assert target.stat().st_mode & 0o777 == 0o644
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert os.listdir(target.parent) == ["doc.html"]


@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_write_leaves_old_file_and_no_temp(failure: BaseException, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "doc.html"
    target.write_text("old", "utf-8")

    def fail(*args: Any, **kwargs: Any) -> None:
        raise failure

    monkeypatch.setattr(os, "replace", fail)
    from jdgen.output import OutputError

    # an OSError becomes our OutputError (one clear line, no traceback); Ctrl-C stays Ctrl-C
    with pytest.raises(OutputError if isinstance(failure, OSError) else KeyboardInterrupt):
        write_atomic(target, "new")
    assert os.listdir(tmp_path) == ["doc.html"]
    assert target.read_text("utf-8") == "old"


# --- jdgen new post ------------------------------------------------------------------------------


def test_new_post(tmp_path: Path, jdgen: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = jdgen("new", "post", "band5")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "wrote posts/band5.yaml\n", "")
    post = tmp_path / "posts" / "band5.yaml"
    assert "jdgen build posts/band5.yaml" in post.read_text("utf-8")

    checked = jdgen("validate", "posts/band5.yaml")
    assert checked.exit_code == 0  # valid; its example texts are warnings (an error under --strict)
    assert jdgen("validate", "--strict", "posts/band5.yaml").exit_code == 1
    built = jdgen("build", "posts/band5.yaml", "-o", "out", "-f", "json")
    assert built.exit_code == 0
    warnings = json.loads((tmp_path / "out" / "band5.json").read_text("utf-8"))["warnings"]
    assert warnings and all("starter text left in" in w for w in warnings)

    post.write_text("# mine\n", "utf-8")
    again = jdgen("new", "post", "band5")
    assert again.exit_code == 2
    assert "posts/band5.yaml already exists (use --force to overwrite)" in again.stderr
    assert post.read_text("utf-8") == "# mine\n"

    forced = jdgen("new", "post", "band5.yaml", "--force")
    assert forced.exit_code == 0
    assert post.read_text("utf-8").startswith("# A post for jdgen.")


def test_new_post_in_another_folder(tmp_path: Path, jdgen: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = jdgen("new", "post", "ips", "--dir", "workspace/posts")
    assert (result.exit_code, result.stdout) == (0, "wrote workspace/posts/ips.yaml\n")
    assert (tmp_path / "workspace" / "posts" / "ips.yaml").is_file()


@pytest.mark.parametrize("name", ["../x", "..", "a/b", "a\\b", ".hidden", ""])
def test_new_post_rejects_paths(name: str, tmp_path: Path, jdgen: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    result = jdgen("new", "post", name)
    assert result.exit_code == 2
    assert "give a plain file name such as band5-pwp" in result.stderr
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["cwd"]
