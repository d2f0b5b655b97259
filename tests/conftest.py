"""Shared helpers: the fixture workspaces, a CliRunner bound to the real `jdgen` entry point, and
parsers for the documents `jdgen build` writes (import them with `from conftest import …`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from jdgen.cli import main

FIXTURES = Path(__file__).parent / "fixtures"

Invoke = Callable[..., Result]


@pytest.fixture
def fixture_dir() -> Callable[[str], Path]:
    """Path of a fixture workspace by name; fails loudly when it does not exist."""

    def get(name: str) -> Path:
        path = FIXTURES / name
        assert path.is_dir(), f"missing fixture workspace {path}"
        return path

    return get


@pytest.fixture
def jdgen() -> Invoke:
    """Run `jdgen ARGS…` in-process; stdout and stderr are kept apart (result.stdout, result.stderr)."""
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@dataclass
class ParsedHtml:
    """What the HTML tests look at, gathered with the stdlib parser (never by string matching)."""

    lang: str | None = None
    h1: list[str] = field(default_factory=list)
    h2: list[str] = field(default_factory=list)
    th: int = 0
    refs: list[str] = field(default_factory=list)  # text of <span class="ref"> (duty references)
    hrefs: list[str] = field(default_factory=list)  # href of every <a>
    scripts: list[tuple[str | None, str]] = field(default_factory=list)  # (type, raw content)
    text: list[str] = field(default_factory=list)  # every text node outside <script> and <style>


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parsed = ParsedHtml()
        self.open: list[tuple[str, list[str]]] = []  # capturing elements: (tag, text parts)
        self.raw: str | None = None  # tag of the <script>/<style> being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.parsed.lang = a.get("lang")
        elif tag == "th":
            self.parsed.th += 1
        elif tag == "a" and a.get("href"):
            self.parsed.hrefs.append(a["href"] or "")
        if tag in ("script", "style"):
            self.raw = tag
            if tag == "script":
                self.parsed.scripts.append((a.get("type"), ""))
        if tag in ("h1", "h2") or (tag == "span" and "ref" in (a.get("class") or "").split()):
            self.open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == self.raw:
            self.raw = None
        if self.open and self.open[-1][0] == tag:
            name, parts = self.open.pop()
            text = " ".join("".join(parts).split())
            {"h1": self.parsed.h1, "h2": self.parsed.h2, "span": self.parsed.refs}[name].append(text)

    def handle_data(self, data: str) -> None:
        if self.raw == "script":
            kind, content = self.parsed.scripts[-1]
            self.parsed.scripts[-1] = (kind, content + data)
            return
        if self.raw == "style":
            return
        self.parsed.text.append(data)
        for _, parts in self.open:
            parts.append(data)


def build_json(jdgen: Invoke, post: Path, out: Path) -> dict[str, Any]:
    """`jdgen build POST -f json` into `out`, which must succeed; the post's JSON document."""
    result = jdgen("build", str(post), "-o", str(out), "-f", "json", "-q")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads((out / f"{post.stem}.json").read_text("utf-8"))
    return data


def parse_html(text: str) -> ParsedHtml:
    collector = _Collector()
    collector.feed(text)
    collector.close()
    return collector.parsed


def pdf_embedded_files(path: Path) -> list[str]:
    """Names of files embedded in a PDF: the EmbeddedFiles name tree and file-attachment annotations."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    names = list(reader.attachments)
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            if obj.get("/Subtype") == "/FileAttachment":
                names.append(str(obj.get("/FS")))
    return names


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example post built once per run with each bundled profile (jd, full, advert) as HTML,
    Markdown and JSON, in an empty workspace: the folder of each profile's files."""
    from click.testing import CliRunner

    from jdgen.cli import main

    examples = Path(__file__).parents[1] / "examples" / "posts"
    outs = {}
    for profile in ("jd", "full", "advert"):
        out = tmp_path_factory.mktemp(profile)
        result = CliRunner().invoke(main, ["--workspace", str(tmp_path_factory.mktemp("ws")), "build", str(examples),
                                           "-o", str(out), "-f", "html,md,json", "-q", "-j", "1",
                                           "--profile", profile])
        assert result.exit_code == 0, result.output
        outs[profile] = out
    return outs
