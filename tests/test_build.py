"""`jdgen build`: every example in every format, read back with real parsers (html.parser, pypdf,
python-docx, json); incremental builds, a folder with a bad post, reproducible PDFs."""

from __future__ import annotations

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

FixtureDir = Callable[[str], Path]
Invoke = Callable[..., Result]

EXAMPLES = Path(__file__).parents[1] / "examples" / "posts"
NAMES = [p.stem for p in sorted(EXAMPLES.glob("*.yaml"))]  # in the order jdgen reports them
FORMATS = ("html", "pdf", "docx", "md", "json")
#: Headings of the `full` profile in HTML and Markdown, in order (every section a post can fill).
FULL_H2 = ["Job identification", "Job summary", "Main duties and responsibilities", "Supervision and development",
           "KSF post outline", "General", "Person specification", "Appendix: traceability of duties", "Notes"]


def _full_h2(data: dict[str, Any]) -> list[str]:
    """FULL_H2 for one post: no KSF section for a grade outside Agenda for Change (docs/ksf.md)."""
    return [h for h in FULL_H2 if h != "KSF post outline" or data["ksf_outline"]]


def _shown_ref(duty: dict[str, Any]) -> str:
    """The reference a document shows for a duty: its label ('H&S 1'), which is its id spelt out."""
    assert duty["label"].replace("&", "").replace(" ", "") == duty["id"]
    return str(duty["label"])


class Built(NamedTuple):
    out: Path
    build: Callable[[], Result]  # runs the same build again
    result: Result  # of the first build


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """All examples, all formats, the `full` profile, two worker processes, against an empty workspace,
    built once."""
    workspace = tmp_path_factory.mktemp("workspace")
    out = tmp_path_factory.mktemp("built") / "out"
    args = ["--workspace", str(workspace), "build", str(EXAMPLES), "-o", str(out), "-f", ",".join(FORMATS), "-j", "2",
            "--profile", "full"]

    def build() -> Result:
        return CliRunner().invoke(main, args, catch_exceptions=False)

    result = build()
    assert result.exit_code == 0, result.output
    return Built(out, build, result)


@pytest.fixture(scope="module")
def out(built: Built) -> Path:
    return built.out


def _json(out: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / f"{name}.json").read_text("utf-8"))
    return data


def test_examples_exist() -> None:
    assert len(NAMES) >= 6


def test_build_reports_each_post(built: Built) -> None:
    assert built.result.stderr == ""
    assert built.result.stdout.splitlines() == [f"{name}: built (html, pdf, docx, md, json) in {built.out}"
                                                for name in NAMES]


def test_every_example_has_every_format(out: Path) -> None:
    for name in NAMES:
        for fmt in FORMATS:
            path = out / f"{name}.{fmt}"
            assert path.is_file() and path.stat().st_size > 0, path
    # nothing half-written is left behind
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


# --- HTML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_html_structure(name: str, out: Path) -> None:
    data = _json(out, name)
    page = parse_html((out / f"{name}.html").read_text("utf-8"))
    assert page.lang
    assert page.h1 == [data["title"]]
    assert [h for h in page.h2 if h in FULL_H2] == _full_h2(data)
    assert page.th > 10
    ld = [content for kind, content in page.scripts if kind == "application/ld+json"]
    assert len(ld) == 1
    posting = json.loads(ld[0])
    assert posting["@type"] == "JobPosting"
    assert posting["title"] == data["title"]
    assert posting["hiringOrganization"]["name"] == data["terms"]["organisation"]
    assert posting["datePosted"] == data["terms"]["date_posted"]
    assert posting["responsibilities"] == [d["text"] for d in data["duties"]]


@pytest.mark.parametrize("name", NAMES)
def test_html_shows_every_duty(name: str, out: Path) -> None:
    data = _json(out, name)
    page = parse_html((out / f"{name}.html").read_text("utf-8"))
    refs = [_shown_ref(d) for d in data["duties"]]
    assert page.refs[:len(refs)] == refs
    assert page.refs[len(refs):] == [c["id"].partition(":")[2] for c in data["competences"]]
    text = " ".join(" ".join(page.text).split())
    for duty in data["duties"]:
        assert duty["text"] in text


# --- PDF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_pdf(name: str, out: Path) -> None:
    from pypdf import PdfReader

    path = out / f"{name}.pdf"
    assert path.stat().st_size < 1_000_000
    reader = PdfReader(path)
    assert len(reader.pages) >= 2
    first = " ".join(reader.pages[0].extract_text().split())
    assert _json(out, name)["title"] in first
    assert "Page 1 of " in first
    assert f"Page 1 of {len(reader.pages)}" in first
    assert pdf_embedded_files(path) == []
    assert reader.metadata is not None and reader.metadata.title


# --- DOCX ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_docx(name: str, out: Path) -> None:
    import docx

    document = docx.Document(str(out / f"{name}.docx"))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert "Main duties and responsibilities" in headings
    assert "Person specification" in headings
    data = _json(out, name)
    assert [h for h in headings if h in FULL_H2] == _full_h2(data)  # Word follows the profile, as HTML does
    assert len(document.tables) >= 3 + bool(data["ksf_outline"])
    # one numbering scheme: each duty labelled by its reference (not also list-numbered)
    labelled = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Labelled Item"]
    assert len(labelled) == len(data["duties"]) + len(data["competences"])
    assert [t.split("\t")[0] for t in labelled[:len(data["duties"])]] == [_shown_ref(d) for d in data["duties"]]
    assert [t.split("\t", 1)[1] for t in labelled[:len(data["duties"])]] == [d["text"] for d in data["duties"]]
    assert document.core_properties.title.startswith(data["title"])


# --- Markdown -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_markdown(name: str, out: Path) -> None:
    text = (out / f"{name}.md").read_text("utf-8")
    data = _json(out, name)
    lines = text.splitlines()
    assert [line[3:] for line in lines if line[3:] in FULL_H2 and line.startswith("## ")] == _full_h2(data)
    # each duty once, as a bullet led by its reference: no second numbering
    duties = [line for line in lines if line.startswith("- **") and line.split("**")[1] in
              {_shown_ref(d) for d in data["duties"]}]
    assert [line.split("**")[1] for line in duties] == [_shown_ref(d) for d in data["duties"]]
    assert not [line for line in lines if line[:1].isdigit() and ". **" in line]


# --- JSON ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_json(name: str, out: Path) -> None:
    data = _json(out, name)
    for key in ("title", "duties", "ksf_outline", "supervision", "person_spec", "warnings"):
        assert key in data
    assert data["warnings"] == []
    assert data["duties"]
    for duty in data["duties"]:
        assert {"id", "cluster", "text"} <= set(duty)
        assert duty["text"].strip()
    ids = [d["id"] for d in data["duties"]]
    assert len(set(ids)) == len(ids)
    local = [d["id"] for d in data["duties"] if d["local"]]
    # local duties (a trainee post may have none: its curated statements say it) are numbered L1, L2, …
    assert local == [f"L{i}" for i in range(1, len(local) + 1)]
    assert {d["cluster"] for d in data["duties"] if d["local"]} <= {"LOCAL"}
    if data["ksf_band"] is None:  # NJC scale points: the KSF is part of Agenda for Change
        assert data["ksf_outline"] == []
    else:
        assert [r["dimension"] for r in data["ksf_outline"]][:6] == [f"Core{i}" for i in range(1, 7)]
    assert data["person_spec"]


# --- no talk about the tool in any document -------------------------------------------------------

TOOL_TALK = re.compile(r"jdgen|every_weeks|generated|suggested default|'s reading|warning:|\.yaml\b", re.IGNORECASE)


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


#: One example per family: a Step 2 worker, a trainee, an NJC charity post, an IPS post, a leader.
PDF_SAMPLE = {"pwp", "hi-cbt-trainee", "step2-self-help-worker", "ips-employment-specialist", "service-manager"}


@pytest.mark.parametrize("name", NAMES)
def test_no_tool_talk_in_any_format(name: str, out: Path) -> None:
    import docx
    from pypdf import PdfReader

    page = parse_html((out / f"{name}.html").read_text("utf-8"))
    document = docx.Document(str(out / f"{name}.docx"))
    texts = {
        "html": " ".join(page.text + [content for _, content in page.scripts]),
        "md": (out / f"{name}.md").read_text("utf-8"),
        # the PDF is drawn from the HTML checked above: its text is read for a sample of the examples
        # (pypdf takes about a second per full-profile PDF)
        "pdf": " ".join(p.extract_text() for p in PdfReader(out / f"{name}.pdf").pages) if name in PDF_SAMPLE else "",
        "docx": " ".join([p.text for p in document.paragraphs]
                         + [c.text for t in document.tables for r in t.rows for c in r.cells]
                         + [p.text for s in document.sections for p in s.header.paragraphs + s.footer.paragraphs]),
        "json": " ".join(_strings(json.loads((out / f"{name}.json").read_text("utf-8")))),
    }
    found = {fmt: TOOL_TALK.findall(text) for fmt, text in texts.items()}
    assert found == {fmt: [] for fmt in texts}


def test_index_links_every_document(out: Path) -> None:
    page = parse_html((out / "index.html").read_text("utf-8"))
    assert page.lang
    assert sorted(page.hrefs) == sorted(f"./{name}.{fmt}" for name in NAMES for fmt in FORMATS)
    text = " ".join(page.text)
    for name in NAMES:
        assert _json(out, name)["title"] in text


# --- incremental builds -------------------------------------------------------------------------


OLD = 1_000_000_000  # 2001-09-09: the mtime given to documents before a rebuild, so rewrites show


def _documents(folder: Path) -> list[Path]:
    """The documents of the posts (not the index, not the hidden build cache)."""
    return [p for p in folder.iterdir()
            if p.suffix[1:] in FORMATS and p.name != "index.html" and not p.name.startswith(".")]


def _age(folder: Path) -> None:
    """Date every document back to OLD; a file that is rewritten afterwards gets the current time."""
    for p in _documents(folder):
        os.utime(p, (OLD, OLD))


def _rewritten(folder: Path) -> list[str]:
    return sorted(p.name for p in _documents(folder) if p.stat().st_mtime != OLD)


def test_second_build_is_up_to_date(built: Built) -> None:
    assert len(_documents(built.out)) == len(NAMES) * len(FORMATS)
    _age(built.out)
    result = built.build()
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{name}: up to date (html, pdf, docx, md, json) in {built.out}"
                                          for name in NAMES]
    assert _rewritten(built.out) == []


@pytest.fixture
def two_posts(tmp_path: Path, fixture_dir: FixtureDir, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/posts with two small posts; the current folder is tmp."""
    posts = tmp_path / "posts"
    posts.mkdir()
    shutil.copy(fixture_dir("posts") / "good.yaml", posts / "alpha.yaml")
    shutil.copy(fixture_dir("posts") / "resolve.yaml", posts / "beta.yaml")
    (tmp_path / "workspace").mkdir()
    monkeypatch.chdir(tmp_path)
    return posts


def _build(jdgen: Invoke, *args: str) -> Result:
    return jdgen("--workspace", "workspace", "build", "posts", "-o", "out", "-f", "html,md,json", "-j", "1", *args)


def test_only_the_changed_post_is_rebuilt(two_posts: Path, jdgen: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    every = sorted(f"{name}.{fmt}" for name in ("alpha", "beta") for fmt in ("html", "md", "json"))
    first = _build(jdgen)
    assert first.exit_code == 0, first.output
    assert first.stdout == "alpha: built (html, md, json) in out\nbeta: built (html, md, json) in out\n"

    _age(out)
    again = _build(jdgen)
    assert again.stdout == "alpha: up to date (html, md, json) in out\nbeta: up to date (html, md, json) in out\n"
    assert _rewritten(out) == []

    post = two_posts / "beta.yaml"
    post.write_text(post.read_text("utf-8").replace("Band 5", "Band 6"), "utf-8")
    changed = _build(jdgen)
    assert changed.exit_code == 0
    assert changed.stdout == "alpha: up to date (html, md, json) in out\nbeta: built (html, md, json) in out\n"
    assert _rewritten(out) == ["beta.html", "beta.json", "beta.md"]
    assert _json(out, "beta")["terms"]["grade"] == "Band 6"

    _age(out)
    forced = _build(jdgen, "--force")
    assert forced.stdout == "alpha: built (html, md, json) in out\nbeta: built (html, md, json) in out\n"
    assert _rewritten(out) == every


def test_other_formats_are_not_up_to_date(two_posts: Path, jdgen: Invoke) -> None:
    assert _build(jdgen).exit_code == 0
    result = jdgen("--workspace", "workspace", "build", "posts", "-o", "out", "-f", "json", "-j", "1")
    assert result.stdout == "alpha: built (json) in out\nbeta: built (json) in out\n"


def test_a_bad_post_does_not_stop_the_others(two_posts: Path, jdgen: Invoke, fixture_dir: FixtureDir,
                                             tmp_path: Path) -> None:
    (two_posts / "beta.yaml").unlink()
    shutil.copy(fixture_dir("posts") / "remove-core.yaml", two_posts / "remove-core.yaml")
    result = jdgen("--workspace", "workspace", "build", "posts", "-o", "out", "-f", "html,json", "-j", "2")
    assert result.exit_code == 1
    assert result.stdout == "alpha: built (html, json) in out\n"
    assert result.stderr == (
        "posts/remove-core.yaml:14:16: error: cannot remove 'C3': Core duties are required of every post\n"
        "  hint: remove the line, or add a local duty that explains local practice\n"
        "1 error(s), 0 warning(s); 1 of 2 post(s) not built\n")
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == \
        ["alpha.html", "alpha.json", "index.html"]
    index = parse_html((out / "index.html").read_text("utf-8"))
    assert sorted(index.hrefs) == ["./alpha.html", "./alpha.json"]
    assert "Failed: see messages" in index.text


def test_same_input_gives_identical_pdf(fixture_dir: FixtureDir, jdgen: Invoke, tmp_path: Path) -> None:
    post = str(fixture_dir("posts") / "good.yaml")
    for folder in ("one", "two"):
        result = jdgen("--workspace", str(tmp_path), "build", post, "-o", str(tmp_path / folder), "-f", "pdf",
                       "--force")
        assert result.exit_code == 0, result.output
    first, second = (tmp_path / "one" / "good.pdf").read_bytes(), (tmp_path / "two" / "good.pdf").read_bytes()
    assert first[:5] == b"%PDF-"
    assert first == second


@pytest.mark.parametrize("change", ["template", "settings"])
def test_workspace_change_rebuilds_every_post(change: str, two_posts: Path, jdgen: Invoke, tmp_path: Path) -> None:
    assert _build(jdgen).exit_code == 0
    workspace = tmp_path / "workspace"
    if change == "template":
        (workspace / "templates").mkdir()
        (workspace / "templates" / "job_description.html.j2").write_text(
            '{% extends "default:job_description.html.j2" %}{% block footer %}<footer>ours</footer>{% endblock %}',
            "utf-8")
    else:
        (workspace / "jdgen.yaml").write_text('colours: {primary: "#123456"}\n', "utf-8")
    result = _build(jdgen)
    assert result.stdout == "alpha: built (html, md, json) in out\nbeta: built (html, md, json) in out\n"


def test_posts_with_the_same_name_are_refused(tmp_path: Path, fixture_dir: FixtureDir, jdgen: Invoke,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    for folder, grade in (("a", "Band 5"), ("b", "Band 7")):
        (tmp_path / folder).mkdir()
        text = (fixture_dir("posts") / "good.yaml").read_text("utf-8").replace("Band 5", grade)
        (tmp_path / folder / "pwp.yaml").write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)
    result = jdgen("--workspace", str(tmp_path), "build", "a/pwp.yaml", "b/pwp.yaml", "-o", "out", "-f", "json")
    assert result.exit_code == 1
    assert "a/pwp.yaml" in result.stderr and "b/pwp.yaml" in result.stderr


def test_post_named_index_is_not_overwritten(two_posts: Path, jdgen: Invoke, tmp_path: Path) -> None:
    """A post named index.yaml in a folder build is refused (its page would be the folder index)."""
    (two_posts / "beta.yaml").rename(two_posts / "index.yaml")
    result = jdgen("--workspace", "workspace", "build", "posts", "-o", "out", "-f", "html", "-j", "1")
    assert result.exit_code == 1
    assert ("posts/index.yaml: error: a post named 'index' would overwrite the folder's index.html"
            in result.stderr.splitlines())
    assert sorted(p.name for p in (tmp_path / "out").glob("*.html")) == ["alpha.html", "index.html"]
    index = parse_html((tmp_path / "out" / "index.html").read_text("utf-8"))
    assert index.h1 == ["Job descriptions"]
    assert parse_html((tmp_path / "out" / "alpha.html").read_text("utf-8")).h1 == ["Test Practitioner"]
