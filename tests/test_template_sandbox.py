"""Workspace templates as untrusted input (issue 15 §3): the sandbox refuses Python's internals,
limits stop runaway templates, a template's own mistakes are reported at its file and line, and
every file of templates/ (templates, pdf.css, reference.docx) is read only when it is a regular
file inside the workspace. Each case builds a real workspace in tmp_path and runs the CLI."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import Result
from conftest import Invoke

from jdgen.render import templating

ROOT = Path(__file__).resolve().parent.parent
PWP = ROOT / "examples" / "posts" / "pwp.yaml"
TRAINING = ROOT / "tests" / "fixtures" / "training"
JD = "job_description.html.j2"
EXTENDS = '{% extends "default:job_description.html.j2" %}\n'


def workspace(root: Path, files: dict[str, str | bytes], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with posts/pwp.yaml and the given files of templates/; the current folder."""
    (root / "templates").mkdir(parents=True)
    (root / "posts").mkdir()
    shutil.copy(PWP, root / "posts" / "pwp.yaml")
    for name, content in files.items():
        path = root / "templates" / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
    monkeypatch.chdir(root)
    return root


def build(jdgen: Invoke, root: Path, formats: str = "html", *posts: str) -> Result:
    return jdgen("-w", str(root), "build", *(posts or ("posts/pwp.yaml",)), "-f", formats, "-o", "out", "-j", "1")


def assert_clean_failure(result: Result, first_line: str) -> None:
    """Exit 1 with `first_line` first, and no traceback or 'internal error' anywhere."""
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == first_line, result.stderr
    for text in (result.stdout, result.stderr):
        assert "Traceback" not in text and "internal error" not in text and "jdgen bug" not in text


# --- §3: the sandbox ---------------------------------------------------------------------------

ATTACKS = {
    "cycler": ("{{ cycler.__init__.__globals__.os.popen('id').read() }}",
               "access to attribute '__init__' of 'type' object is unsafe."),
    "lipsum": ("{{ lipsum.__globals__['__builtins__']['open']('/etc/passwd').read() }}",
               "access to attribute '__globals__' of 'function' object is unsafe."),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_template_cannot_reach_python_internals(attack: str, tmp_path: Path, jdgen: Invoke,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    body, refusal = ATTACKS[attack]
    root = workspace(tmp_path, {JD: EXTENDS + "{% block summary %}\n" + body + "\n{% endblock %}\n"}, monkeypatch)
    result = build(jdgen, root, "html,md")
    assert_clean_failure(result, f"templates/{JD}:3:1: error: template refused by the sandbox: {refusal}")
    assert "uid=" not in result.output and "root:x:0" not in result.output
    assert not (root / "out" / "pwp.html").exists() and not (root / "out" / "pwp.md").exists()


@pytest.mark.parametrize(("template", "command"), [
    ("compare.html.j2", ["compare", "posts", "--format", "html", "-o", "c.html"]),
    ("coverage.html.j2", ["coverage", "posts", "--framework", "iapt-li", "--format", "html", "-o", "c.html"]),
    ("curriculum.html.j2", ["curriculum", "--framework", "ips", "-f", "html", "-o", "out"]),
    ("checklist.html.j2", ["checklist", "--post", "posts/pwp.yaml", "-f", "html", "-o", "out"]),
    ("gap.html.j2", ["gap", "--post", "team-post.yaml", "--assessments", "team", "-f", "html", "-o", "out"]),
    ("index.html.j2", ["build", "posts", "-f", "md", "-o", "out"]),
])
def test_every_document_kind_renders_in_the_sandbox(template: str, command: list[str], tmp_path: Path,
                                                    jdgen: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, {template: "{% extends 'default:" + template + "' %}\n"
                                          "{% block title %}{{ cycler.__init__ }}{% endblock %}\n"}, monkeypatch)
    shutil.copy(PWP.parent / "senior-pwp.yaml", root / "posts")
    shutil.copy(TRAINING / "team-post.yaml", root)
    shutil.copytree(TRAINING / "team", root / "team")
    assert jdgen("-w", str(root), *command).exit_code == 1  # the workspace template is used, and refused
    (root / "templates" / template).unlink()
    assert jdgen("-w", str(root), *command).exit_code == 0  # the bundled one needs nothing the sandbox forbids


# --- §3: limits ----------------------------------------------------------------------------------

STEPS = (f"the template takes more than {templating.MAX_STEPS:,} steps (loop iterations; a call counts "
         f"{templating.CALL_STEPS})")
VALUE = f"the template makes a value of more than {templating.MAX_OUTPUT:,} characters"
WIDTH = "a format width or precision over 9999, or one taken from an argument, is not allowed in templates"
COUNT = f"a count over {templating.MAX_FILTER_COUNT:,} is not allowed in templates"
LIMITS = {
    "loop of 10**10 steps": ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                             STEPS),
    "string times 10**9": ("{{ 'A' * 10**9 }}", VALUE),
    "huge range": ("{% for i in range(10**10) %}x{% endfor %}",
                   f"a range() of more than {templating.MAX_RANGE:,} numbers"),
    "document too large": ("{% for i in range(100000) %}{{ 'A' * 1000 }}{% endfor %}",
                           f"the template makes a document of more than {templating.MAX_OUTPUT:,} characters"),
    "macro output too large": ("{% macro m() %}{% for i in range(100000) %}{{ 'A' * 1000 }}{% endfor %}"
                               "{% endmacro %}{% for i in range(3) %}{{ m()|length }}{% endfor %}",
                               f"the template writes more than {templating.MAX_PRODUCED:,} characters"),
    "doubling with ~": ("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
                        "{% endfor %}", VALUE),
    "doubling with +": ("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}"
                        "{% endfor %}", VALUE),
    "exponential macro": ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
                          "{{ f(40) }}", STEPS),
    "percent width": ("{{ '%0999999999d' % 1 }}", WIDTH),
    "format width": ("{{ '{:>999999999}'.format(1) }}", WIDTH),
    "format width from an argument": ("{{ '{:>{}}'.format(1, 10**9) }}", WIDTH),
    "format filter": ("{{ '%*d'|format(10**9, 1) }}", WIDTH),
    "center filter": ("{{ 'a'|center(10**9) }}", COUNT),
    "str method": ("{{ 'a'.ljust(10**9) }}", VALUE),
    "lipsum": ("{{ lipsum(10**9) }}", COUNT),
    "join": ("{% set s = 'A' * 10**7 %}{{ [s, s, s]|join }}", VALUE),
    "replace": ("{{ ('a' * 10**6)|replace('a', 'b' * 1000) }}", VALUE),
    "power": ("{{ 2 ** (10**9) }}", f"the template makes a number of more than {templating.MAX_INT_BITS:,} bits"),
    "lists cannot grow": ("{% set l = [1] %}{% for i in range(60) %}{{ l.extend(l) }}{% endfor %}",
                          "access to attribute 'extend' of 'list' object is unsafe."),
}


@pytest.mark.parametrize("case", list(LIMITS))
def test_limits_stop_runaway_templates(case: str, tmp_path: Path, jdgen: Invoke,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    body, message = LIMITS[case]
    root = workspace(tmp_path, {JD: EXTENDS + "{% block summary %}" + body + "{% endblock %}\n"}, monkeypatch)
    result = build(jdgen, root)
    kind = "refused by the sandbox" if message.startswith("access") else "stopped"
    assert_clean_failure(result, f"templates/{JD}:2:1: error: template {kind}: {message}")
    assert not (root / "out" / "pwp.html").exists()


def test_render_time_limit(tmp_path: Path, jdgen: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    # the clock is checked while the output streams and every 1,024 steps; a limit of 0 seconds
    # stops the first check (no timing is measured here)
    monkeypatch.setattr(templating, "RENDER_SECONDS", 0.0)
    root = workspace(tmp_path, {JD: EXTENDS}, monkeypatch)
    result = build(jdgen, root)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith(  # at the first template line that wrote something
        ".html.j2:1:1: error: template stopped: the template takes more than 0 seconds to render")
    assert "Traceback" not in result.output


def test_bundled_documents_stay_well_inside_the_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The largest bundled job description (full profile) uses a small part of each budget."""
    used: list[templating._Budget] = []
    original = templating._Budget

    def recording() -> templating._Budget:
        used.append(original())
        return used[-1]

    monkeypatch.setattr(templating, "_Budget", recording)
    from click.testing import CliRunner

    from jdgen.cli import main

    examples = sorted(str(p) for p in PWP.parent.glob("*.yaml"))
    result = CliRunner().invoke(main, ["build", *examples, "--profile", "full", "-f", "html,md",
                                       "-o", str(tmp_path), "-j", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert used and max(b.steps for b in used) < templating.MAX_STEPS // 100
    assert max(b.produced for b in used) < templating.MAX_PRODUCED // 100


# --- §4: a template's own mistakes, at its file and line ----------------------------------------

MISTAKES = {
    "division by zero": ("<p>\n{{ 1/0 }}</p>", "3:1: error: template error: division by zero (ZeroDivisionError)"),
    "unknown test": ("\n\n{% if title is frobbed %}x{% endif %}",
                     "4:1: error: template error: No test named 'frobbed' found."),
    "unknown filter": ("\n{{ title|frob }}", "3:1: error: template error: No filter named 'frob'."),
    "recursion": ("{% macro f(n) %}\n{{ f(n + 1) }}\n{% endmacro %}\n{{ f(1) }}",  # at the macro
                  "2:1: error: template error: calls nest too deeply (a macro that calls itself without end?)"),
    "syntax": ("\n\n{% if %}", "4:1: error: template syntax: Expected an expression, got 'end of statement block'"),
    "unknown variable": ("\n{{ nosuch }}", "3:1: error: template error: 'nosuch' is undefined"),
    "wrong type": ("{{ title + 1 }}", '2:1: error: template error: can only concatenate str (not "int") to str '
                                      "(TypeError)"),
}


@pytest.mark.parametrize("case", list(MISTAKES))
def test_template_mistakes_are_reported_at_their_line(case: str, tmp_path: Path, jdgen: Invoke,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    body, where = MISTAKES[case]
    root = workspace(tmp_path, {JD: EXTENDS + "{% block summary %}" + body + "{% endblock %}\n"}, monkeypatch)
    assert_clean_failure(build(jdgen, root), f"templates/{JD}:{where}")


def test_a_non_utf8_template_is_reported_at_the_byte(tmp_path: Path, jdgen: Invoke,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, {JD: EXTENDS.encode() + b"{% block summary %}\nCaf\xe9{% endblock %}\n"}, monkeypatch)
    assert_clean_failure(build(jdgen, root), f"templates/{JD}:3:4: error: this template is not UTF-8 text (byte 0xe9)")


def test_a_mistake_in_an_included_template_names_that_file(tmp_path: Path, jdgen: Invoke,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, {JD: EXTENDS + "{% block summary %}{% include 'part.html.j2' %}{% endblock %}\n",
                                "part.html.j2": "ok\nok\n{{ 1/0 }}\n"}, monkeypatch)
    assert_clean_failure(build(jdgen, root),
                         "templates/part.html.j2:3:1: error: template error: division by zero (ZeroDivisionError)")


def test_curriculum_template_mistake_is_not_a_traceback(tmp_path: Path, jdgen: Invoke,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, {"curriculum.html.j2": "{% extends 'default:curriculum.html.j2' %}\n"
                                                      "{% block title %}{{ 1/0 }}{% endblock %}\n"}, monkeypatch)
    result = jdgen("-w", str(root), "curriculum", "--framework", "ips", "-f", "html,pdf", "-o", "out")
    assert_clean_failure(result, "templates/curriculum.html.j2:2:1: error: template error: division by zero "
                                 "(ZeroDivisionError)")


# --- §3: only regular files inside the workspace -------------------------------------------------

def _reference() -> bytes:
    return (ROOT / "templates" / "reference.docx").read_bytes()


@pytest.mark.parametrize(("name", "formats"), [(JD, "html"), ("jd.css", "html"), ("pdf.css", "pdf"),
                                               ("reference.docx", "docx")])
@pytest.mark.parametrize("kind", ["link outside", "fifo"])
def test_template_files_must_be_regular_files_inside(name: str, formats: str, kind: str, tmp_path: Path,
                                                     jdgen: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:secret\n", "utf-8")
    root = workspace(tmp_path / "ws", {}, monkeypatch)
    target = root / "templates" / name
    if kind == "fifo":
        os.mkfifo(target)  # nobody writes to it: reading it would wait for ever
        message = f"templates/{name}: error: refused: this is a FIFO, device or socket, not a regular file"
    else:
        target.symlink_to(secret)
        what = "template" if name.endswith((".j2", "jd.css")) else "file"
        message = (f"templates/{name}: error: refused: this {what} is a link to {secret}, "
                   "outside the workspace and jdgen")
    result = build(jdgen, root, formats)
    assert_clean_failure(result, message)
    assert "root:x:0" not in result.output


def test_links_inside_the_workspace_are_followed(tmp_path: Path, jdgen: Invoke,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, {}, monkeypatch)
    (root / "shared.css").write_text("@page { margin: 2cm }\n", "utf-8")
    (root / "templates" / "pdf.css").symlink_to(root / "shared.css")
    (root / "templates" / "reference.docx").symlink_to(ROOT / "templates" / "reference.docx")  # jdgen's own
    assert build(jdgen, root, "pdf,docx").exit_code == 0


@pytest.mark.parametrize(("content", "message"), [
    (b"", "this reference document is empty"),
    (b"not a zip file at all\n" * 10, "this is not a Word document (.docx) jdgen can read: File is not a zip file"),
    ("zip", "this is not a Word document (.docx) jdgen can read: \"There is no item named '[Content_Types].xml' "
            "in the archive\""),
    ("no heading 1", "this reference document lacks the style(s) Heading 1"),
])
@pytest.mark.parametrize("command", ["build", "curriculum"])
def test_bad_reference_docx_is_an_error_at_that_file(content: bytes | str, message: str, command: str,
                                                     tmp_path: Path, jdgen: Invoke,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, {}, monkeypatch)
    path = root / "templates" / "reference.docx"
    if content == "zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "hello")
    elif content == "no heading 1":
        with zipfile.ZipFile(ROOT / "templates" / "reference.docx") as src, zipfile.ZipFile(path, "w") as out:
            for name in src.namelist():
                data = src.read(name)
                if name == "word/styles.xml":
                    data = data.replace(b'w:styleId="Heading1"', b'w:styleId="Other"').replace(
                        b'w:val="heading 1"', b'w:val="other"')
                out.writestr(name, data)
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    if command == "build":
        result = build(jdgen, root, "docx")
    else:
        result = jdgen("-w", str(root), "curriculum", "--framework", "ips", "-f", "docx", "-o", "out")
    assert_clean_failure(result, f"templates/reference.docx: error: {message}")
