"""Issue 20 §6: Markdown says what the HTML says. Every example, in every bundled profile, is read
with a CommonMark parser (markdown-it-py, with GFM tables and strikethrough) and its visible text
compared with the HTML document's; and the `md` filter escapes only what Markdown would misread."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from jdgen.render.templating import md_escape

EXAMPLES = Path(__file__).parents[1] / "examples" / "posts"
NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
PROFILES = ("jd", "full", "advert")

#: Elements whose start and end separate words. Besides the block elements: the cluster code of a
#: duty group heading and a duty's reference, which the CSS sets apart (a margin, a float), so that
#: "C" and "Core" read as two words on the page though no space separates them in the source.
_BREAKS = {"p", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "br", "ul", "ol", "table",
           "caption", "section", "header", "footer", "blockquote", "main", "hr", "dl", "dt", "dd"}
_SET_APART = {"code", "ref"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "wbr"}
#: Never visible: the head, scripts (JSON-LD), styles.
_INVISIBLE = {"head", "script", "style"}


class _Visible(HTMLParser):
    """The visible text of an HTML document, and separately that of its masthead.

    Left out, by design: elements of class `visually-hidden` (table captions for screen readers,
    which Markdown has no place for and which no one sees). The masthead (`<header class=
    "masthead">`: document kind and employer, a band above the title) is kept apart, because
    Markdown gives the same facts as a byline under the title, where a Markdown document's first
    heading belongs; the test compares the two separately."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.masthead: list[str] = []
        self.stack: list[tuple[str, bool, bool, bool]] = []  # (tag, hidden, in masthead, set apart)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        parent = self.stack[-1] if self.stack else ("", False, False, False)
        hidden = parent[1] or tag in _INVISIBLE or "visually-hidden" in classes
        masthead = parent[2] or (tag == "header" and "masthead" in classes)
        apart = tag in _BREAKS or bool(classes & _SET_APART)
        if apart:
            self.parts.append(" ")
        if tag not in _VOID:
            self.stack.append((tag, hidden, masthead, apart))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, _, _, apart = self.stack.pop()
            if apart:
                self.parts.append(" ")
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][1]:
            return
        (self.masthead if self.stack and self.stack[-1][2] else self.parts).append(data)


def visible(html: str) -> tuple[str, str]:
    """(visible text without the masthead, the masthead's text), whitespace collapsed."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split()), " ".join("".join(parser.masthead).split())


_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def markdown_visible(md: str) -> tuple[str, str]:
    """(visible text of the Markdown read by a CommonMark parser without its byline, the byline):
    the byline is the paragraph under the title ("**Employer** — Job description")."""
    html = _MARKDOWN.render(md)
    title, rest = html.split("</h1>", 1)
    byline, body = rest.split("</p>", 1)
    return visible(title + "</h1>" + body)[0], visible(byline + "</p>")[0]


@pytest.fixture(scope="module")
def built(built_examples: dict[str, Path]) -> dict[str, Path]:
    """Every example built with each bundled profile as HTML and Markdown (built once per run)."""
    return built_examples


def _difference(a: str, b: str) -> str:
    """Where two texts first differ, with some context, for the failure message."""
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"HTML …{a[max(0, i - 60):i + 120]}…\nMarkdown …{b[max(0, i - 60):i + 120]}…"


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", NAMES)
def test_markdown_reads_as_the_html(built: dict[str, Path], profile: str, name: str) -> None:
    html_text, masthead = visible((built[profile] / f"{name}.html").read_text("utf-8"))
    md_text, byline = markdown_visible((built[profile] / f"{name}.md").read_text("utf-8"))
    assert md_text == html_text, _difference(html_text, md_text)
    # the masthead's two facts (document kind, employer) are the byline's
    kind, organisation = byline.split(" — ")[1], byline.split(" — ")[0]
    assert masthead.startswith(kind) and masthead.removeprefix(kind).strip() == organisation, (masthead, byline)


_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]|&lt;")


@pytest.mark.parametrize("profile", PROFILES)
def test_no_stray_escapes(built: dict[str, Path], profile: str) -> None:
    """Every escape in every example's Markdown is needed: undoing it changes what a CommonMark
    parser reads. (Over-escaping reads the same, so the test above cannot see it.)"""
    for name in NAMES:
        md = (built[profile] / f"{name}.md").read_text("utf-8")
        parsed = _MARKDOWN.render(md)
        for match in _ESCAPE.finditer(md):
            undone = md[:match.start()] + ("<" if match.group() == "&lt;" else match.group()[1]) + md[match.end():]
            where = md[max(0, match.start() - 40):match.end() + 40]
            assert _MARKDOWN.render(undone) != parsed, f"{name}.md: stray {match.group()!r}: …{where}…"
    pwp = (built[profile] / "pwp.md").read_text("utf-8")
    if profile != "advert":
        assert "37.5 hours a week (full time)" in pwp
    if profile == "full":
        assert "(e.g. IAPTus)" in pwp


PLAIN = ["37.5 hours a week (full time)", "(e.g. IAPTus)", "H&S 1", "Step 2 — 1:1 sessions", "snake_case_name",
         "caseload of 5 < 6 > 4", "~20 people a week", "#1 priority", "2024 was a year.", "a - b + c", "50% of 10!",
         "{braces} and (brackets)", "wait... what?", "email@example.com", "C:/path/file.txt", "AT&T", "& more"]
HOSTILE = ["*bold*", "_em_", "**strong**", "`code`", "[link](http://x)", "![img](x.png)", "<b>tag</b>", "<!-- c -->",
           "<http://auto.link>", "&amp; &copy; &#169; &#xA9;", "a | b", "~~gone~~", "# heading", "## h2", "> quote",
           "- item", "+ item", "1. first", "1) first", "---", "===", "***", "___", "- - -", "line end\\",
           "back\\*slash", "[ref]: http://x", "[text][ref]", "```", "~~~", "    indented", "<script>x</script>",
           "7*7 and 8*8", "__init__ and _x_"]


def _texts(tokens: list[Any]) -> list[str]:
    return [t.type for block in tokens for t in [block, *(block.children or [])]]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_not_escaped(text: str) -> None:
    assert md_escape(text) == text


@pytest.mark.parametrize("text", HOSTILE + PLAIN)
@pytest.mark.parametrize("context", ["{}", "- {}", "- **L1** {}", "| | |\n|---|---|\n| **Hours** | {} |", "# {}"])
def test_escaped_text_reads_as_written(text: str, context: str) -> None:
    """In a paragraph, a list item, a table cell and a heading, escaped text reads back as written
    (whitespace collapsed) and makes no HTML, link, image, emphasis, code or strikethrough."""
    md = context.format(md_escape(text)) + "\n"
    tokens = _MARKDOWN.parse(md)
    made = set(_texts(tokens))
    assert not made & {"html_inline", "html_block", "link_open", "image", "em_open", "strong_open", "code_inline",
                       "s_open", "fence", "code_block", "blockquote_open", "hr"} - (
        {"strong_open"} if "**" in context else set()), (md, made)
    shown = visible(_MARKDOWN.render(md))[0]
    expected = " ".join(text.split())
    assert shown.endswith(expected), (md, shown)
