"""Issue 15 §7 (second half): what documents say and how they look. Adverts choose whole duty
statements instead of cutting them; dates are written the UK way in documents and stay ISO in
machine formats; documents state facts about their sources, never about the tool or its rules."""

from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke, parse_html

from jdgen.view import ADVERT_DUTY_WORDS, _duties_brief, uk_date

EXAMPLES = Path(__file__).parents[1] / "examples" / "posts"
NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
PROFILES = ("jd", "full", "advert")


@pytest.fixture(scope="module")
def built(built_examples: dict[str, Path]) -> dict[str, Path]:
    """Every example built with each bundled profile as HTML, Markdown and JSON (built once per run)."""
    return built_examples


# --- adverts: whole duty statements, chosen -----------------------------------------------------


class _Brief(HTMLParser):
    """The items of <ul class="brief">: (title in <strong>, the text after it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[list[str]] = []
        self.inside = self.strong = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ul" and "brief" in (dict(attrs).get("class") or "").split():
            self.inside = True
        elif self.inside and tag == "li":
            self.items.append(["", ""])
        elif self.inside and tag == "strong":
            self.strong = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self.inside = False
        elif tag == "strong":
            self.strong = False

    def handle_data(self, data: str) -> None:
        if self.inside and self.items:
            self.items[-1][0 if self.strong else 1] += data


def _statements(text: str, duties: list[str]) -> list[str]:
    """`text` split into the duty statements it is made of (each verbatim, with a full stop added
    where the duty has none); fails when any part is not a whole duty statement."""
    whole = sorted({" ".join(d.split()) for d in duties}, key=len, reverse=True)
    rest, found = " ".join(text.split()), []
    while rest:
        match = next((d for d in whole if rest.startswith(d)), None)
        assert match is not None, f"not a whole duty statement: {rest[:80]!r}"
        found.append(match)
        rest = rest[len(match):]
        if rest.startswith(".") and not match.endswith((".", "!", "?")):
            rest = rest[1:]
        assert rest == "" or rest.startswith(" "), f"statement cut after {match[-40:]!r}"
        rest = rest.lstrip()
    return found


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def _jd_groups(page: str) -> list[dict[str, Any]]:
    """Each duty statement of a job description's HTML with its heading (the curated selection)."""
    from lxml import html as lxml_html

    found = []
    for cluster in lxml_html.fromstring(page).xpath('//section[@id="duties"]/section'):
        title = " ".join(cluster.xpath("./h3")[0].text_content().split())
        local = title == "Duties particular to this service" or "local" in (cluster.get("class") or "")
        for li in cluster.xpath('./ul[contains(@class, "duties")]/li'):
            div = li.xpath('./div[@class="text"]')[0]
            found.append({"cluster_title": title, "text": " ".join((div.text or "").split()),
                          "sub": div.xpath(".//ol/li"), "local": local})
    return found


@pytest.mark.parametrize("name", NAMES)
def test_advert_duties_are_whole_statements_of_the_full_document(built: dict[str, Path], name: str) -> None:
    duties = _jd_groups((built["jd"] / f"{name}.html").read_text("utf-8"))
    full_text = " ".join(" ".join(parse_html((built["jd"] / f"{name}.html").read_text("utf-8")).text).split())
    parser = _Brief()
    parser.feed((built["advert"] / f"{name}.html").read_text("utf-8"))
    assert parser.items, name
    words = 0
    parser.items = [[title, text.rstrip()] for title, text in parser.items]
    for title, text in parser.items:
        assert text.startswith(": ")
        group = [d for d in duties if d["cluster_title"] == title]
        for statement in _statements(text[2:], [d["text"] for d in group if not d["sub"]]):
            assert statement in full_text  # verbatim in the job description
            words += len(statement.split())
        assert "…" not in text and _balanced(text), (name, text)
    assert words <= ADVERT_DUTY_WORDS
    if any(d["local"] for d in duties):  # the employer's own duties are always represented
        assert any(d["local"] for d in duties if d["cluster_title"] in [t for t, _ in parser.items])
    md = (built["advert"] / f"{name}.md").read_text("utf-8")
    lines = md.split("## Main duties\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(lines) == len(parser.items)
    for line, (title, text) in zip(lines, parser.items, strict=True):
        plain = re.sub(r"\\(.)", r"\1", line)
        assert plain == f"- **{title}:**{text[1:]}" and "…" not in plain


def _group(title: str, *duties: tuple[str, list[str]], local: bool = False) -> dict[str, Any]:
    return {"title": title, "local": local, "duties": [{"text": t, "sub": s} for t, s in duties]}


def test_advert_selection_takes_whole_statements_in_rounds_within_the_budget() -> None:
    ten = "one two three four five six seven eight nine ten"
    groups = [
        _group("A", ("Introduce a list:", ["first", "second"]), (f"A1 {ten}.", []), (f"A2 {ten}", []),
               (f"A3 {ten}.", [])),
        _group("B", (" ".join([ten] * 3), []), (f"B2 {ten}.", [])),  # the first duty does not fit: B2 does
        _group("Own", (f"L1 {ten}.", []), local=True),
    ]
    brief = _duties_brief(groups, budget=40)
    # round 1: the local group first, then A's first duty without a list, B's first that fits;
    # round 2: A's next one (11 words) no longer fits in the 7 words left
    assert brief == [{"title": "A", "text": f"A1 {ten}.", "duties": [f"A1 {ten}."]},
                     {"title": "B", "text": f"B2 {ten}.", "duties": [f"B2 {ten}."]},
                     {"title": "Own", "text": f"L1 {ten}.", "duties": [f"L1 {ten}."]}]
    brief = _duties_brief(groups, budget=70)  # B now takes its first, 30-word duty; A its second too
    assert brief[0]["duties"] == [f"A1 {ten}.", f"A2 {ten}."]  # a full stop closes a statement without one
    assert brief[0]["text"] == f"A1 {ten}. A2 {ten}."
    assert _duties_brief(groups, budget=5) == []


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("iso", "shown"), [("2026-12-11", "11 December 2026"), ("2027-01-05", "5 January 2027"),
                                            ("", ""), ("soon", "soon")])
def test_uk_date(iso: str, shown: str) -> None:
    assert uk_date(iso) == shown


def test_dates_the_uk_way_in_documents_and_iso_in_machine_formats(tmp_path: Path, jdgen: Invoke) -> None:
    from pypdf import PdfReader

    post = EXAMPLES / "pwp.yaml"  # date_posted 2026-11-20, closing_date 2026-12-11
    out = tmp_path / "out"
    result = jdgen("--workspace", str(tmp_path), "build", str(post), "-o", str(out), "-f", "html,md,json,docx,pdf",
                   "-q")
    assert result.exit_code == 0, result.output
    html = (out / "pwp.html").read_text("utf-8")
    page = parse_html(html)
    text = " ".join(" ".join(page.text).split())
    assert "Closing date 11 December 2026" in text and "(20 November 2026)" in text
    assert "2026-12-11" not in text and "2026-11-20" not in text
    assert "· 20 November 2026" in html  # the running footer of print (jd.css @page)
    ld = json.loads(next(c for kind, c in page.scripts if kind == "application/ld+json"))
    assert (ld["datePosted"], ld["validThrough"]) == ("2026-11-20", "2026-12-11")
    assert '<meta name="dcterms.created" content="2026-11-20T00:00:00Z">' in html
    md = (out / "pwp.md").read_text("utf-8")
    assert "| **Closing date** | 11 December 2026 |" in md and "2026-12-11" not in md
    data = json.loads((out / "pwp.json").read_text("utf-8"))
    assert (data["terms"]["date_posted"], data["terms"]["closing_date"]) == ("2026-11-20", "2026-12-11")
    with zipfile.ZipFile(out / "pwp.docx") as z:
        body = z.read("word/document.xml").decode("utf-8")
        core = z.read("docProps/core.xml").decode("utf-8")
    words = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert "11 December 2026" in words and "(20 November 2026)" in words and "2026-12-11" not in words
    assert "2026-11-20T00:00:00Z" in core
    pdf = " ".join(p.extract_text() for p in PdfReader(out / "pwp.pdf").pages)
    assert "11 December 2026" in pdf and "20 November 2026" in pdf and "2026-12-11" not in pdf


# --- facts about the sources, not the tool --------------------------------------------------------

TOOL_WORDS = re.compile(r"jdgen|this library|this tool|not available to us|ceiling", re.IGNORECASE)


def _visible(path: Path) -> str:
    text = path.read_text("utf-8")
    return " ".join(parse_html(text).text) if path.suffix == ".html" else text


@pytest.mark.parametrize("profile", PROFILES)
def test_documents_say_nothing_about_the_tool(built: dict[str, Path], profile: str) -> None:
    paths = sorted(p for p in built[profile].glob("*.*") if p.suffix in (".html", ".md"))
    assert len(paths) == 2 * len(NAMES) + 1  # and index.html
    found = {p.name: TOOL_WORDS.findall(_visible(p)) for p in paths}
    assert {k: v for k, v in found.items() if v} == {}


def test_index_is_titled_by_the_organisation(tmp_path: Path, jdgen: Invoke) -> None:
    (tmp_path / "jdgen.yaml").write_text("organisation: Riverside NHS Foundation Trust\n", "utf-8")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "pwp.yaml").write_bytes((EXAMPLES / "pwp.yaml").read_bytes())
    result = jdgen("--workspace", str(tmp_path), "build", str(posts), "-o", str(tmp_path / "o"), "-f", "html", "-q")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "o" / "index.html").read_text("utf-8")
    assert "<title>Riverside NHS Foundation Trust: job descriptions</title>" in html
    assert "jdgen" not in html.lower()


def test_ksf_notes_are_facts_about_the_post(built: dict[str, Path]) -> None:
    # the PWP trainee (Band 4) does what a qualified PWP does: held at Band 4's highest level
    rows = json.loads((built["full"] / "pwp-trainee.json").read_text("utf-8"))["ksf_outline"]
    held = [r for r in rows if r["note"] == "Level 2: the highest level for Band 4."]
    assert held and all(r["level"] == 2 for r in held)
    page = " ".join(parse_html((built["full"] / "pwp-trainee.html").read_text("utf-8")).text)
    assert "Level 2: the highest level for Band 4." in page
    assert "ask for level" not in page


def test_full_notes_name_the_sources_as_facts(built: dict[str, Path]) -> None:
    md = (built["full"] / "pwp.md").read_text("utf-8")
    notes = md.split("## Notes", 1)[1]
    assert "Written afresh" in notes and "item texts are not reproduced" in notes


# --- table headers never break inside a word ------------------------------------------------------

#: Advance widths (1/1000 em) of Arial Bold, which has Helvetica-Bold's metrics (Adobe's AFM).
_LOWER = (556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611,
          556, 778, 556, 556, 500)
_UPPER = (722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
          667, 944, 667, 667, 611)
BOLD = dict(zip("abcdefghijklmnopqrstuvwxyz", _LOWER, strict=True)) | dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", _UPPER,
                                                                                strict=True))
BOLD |= {"/": 278, "(": 333, ")": 333, "-": 333, "&": 722}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _word_tables(path: Path) -> list[tuple[list[int], list[str], float, int]]:
    """Each table with a header row: grid column widths (dxa), header texts, the table style's font
    size (pt) and its left + right cell margins (dxa)."""
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(path) as z:
        body = ET.fromstring(z.read("word/document.xml"))
        styles = ET.fromstring(z.read("word/styles.xml"))
    style = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == "TableGrid")
    size = int(style.find(f"{W}rPr/{W}sz").get(f"{W}val")) / 2  # type: ignore[union-attr]
    margins = sum(int(m.get(f"{W}w") or 0) for side in ("left", "right")
                  for m in style.iter(f"{W}{side}") if m.get(f"{W}type") == "dxa")
    tables = []
    for tbl in body.iter(f"{W}tbl"):
        first = tbl.find(f"{W}tr")
        if first is None or first.find(f"{W}trPr/{W}tblHeader") is None:
            continue
        grid = [int(c.get(f"{W}w") or 0) for c in tbl.iter(f"{W}gridCol")]
        header = ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in first.findall(f"{W}tc")]
        tables.append((grid, header, size, margins))
    return tables


@pytest.mark.parametrize("profile", ["full", "jd"])
def test_word_table_header_words_fit_their_columns(tmp_path: Path, jdgen: Invoke, profile: str) -> None:
    result = jdgen("--workspace", str(tmp_path), "build", str(EXAMPLES / "pwp.yaml"), "-o", str(tmp_path / "o"),
                   "-f", "docx", "-q", "--profile", profile)
    assert result.exit_code == 0, result.output
    tables = _word_tables(tmp_path / "o" / "pwp.docx")
    assert any("Foundation gateway" in header for _, header, _, _ in tables) == (profile == "full")
    assert any("E/D" in header for _, header, _, _ in tables)
    for grid, header, size, margins in tables:
        for width, text in zip(grid, header, strict=True):
            room = (width - margins) / 20  # points
            for word in text.split():
                needed = sum(BOLD[c] for c in word) / 1000 * size
                assert needed <= room, f"{word!r} needs {needed:.1f} pt in a {room:.1f} pt column"


def test_pdf_table_headers_are_unbroken(tmp_path: Path, jdgen: Invoke) -> None:
    from pypdf import PdfReader

    result = jdgen("--workspace", str(tmp_path), "build", str(EXAMPLES / "pwp.yaml"), "-o", str(tmp_path / "o"),
                   "-f", "pdf", "-q", "--profile", "full")
    assert result.exit_code == 0, result.output
    lines = [line.strip() for page in PdfReader(tmp_path / "o" / "pwp.pdf").pages
             for line in page.extract_text().splitlines()]
    spec = [line for line in lines if line.startswith("Criteria")]
    assert spec and all(line.split()[:2] == ["Criteria", "E/D"] for line in spec), spec
    assert "E/" not in [line.split()[-1] for line in lines if line.split()]
    ksf = [line for line in lines if line.startswith("Dimension Type")]
    assert ksf and all(line.split()[:3] == ["Dimension", "Type", "Foundation"] for line in ksf), ksf
