"""Issue 8: what a job description says and how long it is — document profiles, the keys real
adverts need (terms rows, hours note, relationships, overview/purpose/scope, local sections,
rewording), JSON-LD a job board can read, and no talk about the tool inside a document."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import FIXTURES, Invoke, parse_html

from jdgen.salary import Salary, parse

EXAMPLES = Path(__file__).parents[1] / "examples" / "posts"
KEYS = FIXTURES / "post-keys"
FRAMEWORK_CB3 = "Support people to use cognitive restructuring materials"
REWORDED = "Help people to notice and question unhelpful thoughts using workbooks."


def _build(jdgen: Invoke, workspace: Path, target: Path, out: Path, formats: str, *extra: str) -> Result:
    result = jdgen("--workspace", str(workspace), "build", str(target), "-o", str(out), "-f", formats, "-q",
                   "-j", "1", *extra)
    assert result.exit_code == 0, result.output
    return result


def _text(html: str) -> str:
    return " ".join(" ".join(parse_html(html).text).split())


def _jsonld(html: str) -> dict[str, Any]:
    ld = [c for kind, c in parse_html(html).scripts if kind == "application/ld+json"]
    data: dict[str, Any] = json.loads(ld[0])
    return data


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture post with every new key, built with the jd and full profiles."""
    from click.testing import CliRunner

    from jdgen.cli import main

    outs = {}
    for profile in ("jd", "full", "advert"):
        out = tmp_path_factory.mktemp(profile)
        result = CliRunner().invoke(main, ["--workspace", str(KEYS), "build", str(KEYS / "posts" / "keys.yaml"),
                                           "-o", str(out), "-f", "html,md,json", "-q", "--profile", profile])
        assert result.exit_code == 0, result.output
        outs[profile] = out
    return outs


# --- keys of a post, in HTML, Markdown and JSON -------------------------------------------------


def test_terms_rows_hours_note_and_structured_salary(keys: dict[str, Path]) -> None:
    html = (keys["jd"] / "keys.html").read_text("utf-8")
    md = (keys["jd"] / "keys.md").read_text("utf-8")
    data = json.loads((keys["jd"] / "keys.json").read_text("utf-8"))
    rows = dict(re.findall(r"<tr><th scope=\"row\">(.*?)</th><td>(.*?)</td></tr>", html))
    assert rows["Pension"] == "Stakeholder pension with an employer contribution"
    assert rows["Annual leave"] == "25 days a year plus bank holidays"
    assert rows["Hours"] == "36 hours a week (full time), including some weekend and evening working"
    assert rows["Salary"] == "£26,140 to £28,100 a year (pro rata)"
    assert "| **Pension** | Stakeholder pension with an employer contribution |" in md
    assert "| **Hours** | 36 hours a week (full time), including some weekend and evening working |" in md
    assert data["terms"]["extra"] == [
        {"label": "Pension", "text": "Stakeholder pension with an employer contribution"},
        {"label": "Annual leave", "text": "25 days a year plus bank holidays"}]
    assert data["terms"]["hours_note"] == "including some weekend and evening working"
    assert data["terms"]["full_time_hours"] == 36 and data["terms"]["fte"] == 1.0
    assert data["terms"]["employment_type"] == "FULL_TIME"
    assert data["terms"]["salary_amount"] == {"min": 26140, "max": 28100, "value": None, "per": "year"}


def test_relationships_overview_purpose_scope(keys: dict[str, Path]) -> None:
    page = parse_html((keys["jd"] / "keys.html").read_text("utf-8"))
    text = _text((keys["jd"] / "keys.html").read_text("utf-8"))
    assert "Key working relationships" in page.h2
    assert "Step 2 Coordinator; Counsellors at the hub" in text and "GP practices; Employment advisers" in text
    assert "Purpose of the job" in text and "Keep waiting times short." in text
    assert "The worker offers one-to-one sessions, groups and computerised CBT." in text
    assert "The hub brings the guided self-help" in text
    md = (keys["jd"] / "keys.md").read_text("utf-8").splitlines()
    assert "| **External** | GP practices; Employment advisers |" in md
    assert "- Keep waiting times short." in md and "## Scope of the job" in md and "## Overview" in md
    data = json.loads((keys["jd"] / "keys.json").read_text("utf-8"))
    assert data["relationships"] == {"internal": ["Step 2 Coordinator", "Counsellors at the hub"],
                                     "external": ["GP practices", "Employment advisers"]}
    assert data["purpose"] == ["Offer guided self-help to people with depression and anxiety.",
                               "Keep waiting times short."]
    assert data["scope"] == ["The worker offers one-to-one sessions, groups and computerised CBT."]
    assert data["overview"][0].startswith("The hub brings")


def test_local_sections_under_the_employers_heading(keys: dict[str, Path]) -> None:
    full = (keys["full"] / "keys.html").read_text("utf-8")
    assert parse_html(full).refs[-4:] == ["CB11", "L1", "L2", "L3"]  # codes in the full record only
    html = (keys["jd"] / "keys.html").read_text("utf-8")
    assert parse_html(html).refs == []
    section = html[html.index(">Holistic delivery</h3>"):]
    assert "The service follows a person-centred recovery model." in section
    assert re.search(r"Share knowledge of the service with partners\s*<ol class=\"sub\"><li>at GP practice "
                     r"meetings</li><li>at community events</li></ol>", section)
    md = (keys["jd"] / "keys.md").read_text("utf-8")
    assert "### Holistic delivery\n\nThe service follows a person-centred recovery model.\n\n- Work" in md
    assert "- Share knowledge of the service with partners\n    - at GP practice meetings\n" in md
    data = json.loads((keys["jd"] / "keys.json").read_text("utf-8"))
    local = [d for d in data["duties"] if d["local"]]
    assert [(d["id"], d["cluster_title"]) for d in local] == [
        ("L1", "Local duties"), ("L2", "Holistic delivery"), ("L3", "Holistic delivery")]
    assert local[2]["sub"] == ["at GP practice meetings", "at community events"]
    assert local[1]["intro"] == "The service follows a person-centred recovery model."


def test_reworded_item_shows_the_posts_wording(keys: dict[str, Path]) -> None:
    jd = _text((keys["jd"] / "keys.html").read_text("utf-8"))
    full = (keys["full"] / "keys.html").read_text("utf-8")
    assert REWORDED in jd and FRAMEWORK_CB3 not in jd
    notes = _text(full[full.index('<section id="notes"'):])
    assert "CB3" in notes and FRAMEWORK_CB3 in notes
    assert REWORDED in (keys["jd"] / "keys.md").read_text("utf-8")
    assert FRAMEWORK_CB3 in (keys["full"] / "keys.md").read_text("utf-8").split("## Notes")[1]
    cb3 = next(d for d in json.loads((keys["jd"] / "keys.json").read_text("utf-8"))["duties"] if d["id"] == "CB3")
    assert cb3["text"] == REWORDED and cb3["framework_text"].startswith(FRAMEWORK_CB3)


def test_reword_of_an_item_the_post_does_not_take(tmp_path: Path, jdgen: Invoke) -> None:
    text = (KEYS / "posts" / "keys.yaml").read_text("utf-8").replace("    CB3:", "    A1:")
    (tmp_path / "p.yaml").write_text(text, "utf-8")
    result = jdgen("validate", str(tmp_path / "p.yaml"))
    assert result.exit_code == 1
    assert re.search(r"p\.yaml:\d+:5: error: 'A1' is not among the post's duties", result.stderr)


def test_jsonld_for_job_boards(keys: dict[str, Path]) -> None:
    posting = _jsonld((keys["jd"] / "keys.html").read_text("utf-8"))
    assert posting["baseSalary"] == {"@type": "MonetaryAmount", "currency": "GBP", "value": {
        "@type": "QuantitativeValue", "minValue": 26140, "maxValue": 28100, "unitText": "YEAR"}}
    assert posting["employmentType"] == "FULL_TIME"
    assert posting["directApply"] is True
    assert posting["jobLocationType"] == "TELECOMMUTE"
    description = parse_html(posting["description"])
    assert "A worker who offers guided self-help at step 2." in description.text
    assert "Holistic delivery" in " ".join(description.text)
    assert REWORDED in description.text


@pytest.mark.parametrize(("text", "expected"), [
    ("£31,049 to £37,796 a year", Salary(31049, 37796, None, "year")),
    ("£26,140 pro rata", Salary(None, None, 26140, "year")),
    ("£12.50 an hour", Salary(None, None, 12.5, "hour")),
    ("£26,140 inc OLW", Salary(None, None, 26140, "year")),
    ("£25k - £30k per annum", Salary(25000, 30000, None, "year")),
    ("Band 5: £31,049–£37,796", Salary(31049, 37796, None, "year")),
    ("£2,100 a month", Salary(None, None, 2100, "month")),
    ("Competitive", None),
])
def test_salary_parser(text: str, expected: Salary | None) -> None:
    assert parse(text) == expected


def test_salary_text_gives_a_quantitative_value(tmp_path: Path, jdgen: Invoke) -> None:
    text = (KEYS / "posts" / "keys.yaml").read_text("utf-8")
    text = text.replace("salary: {min: 26140, max: 28100, per: year, note: pro rata}", 'salary: "£12.50 an hour"')
    text = text.replace("full_time_hours: 36\n", "")
    (tmp_path / "p.yaml").write_text(text, "utf-8")
    _build(jdgen, tmp_path, tmp_path / "p.yaml", tmp_path / "out", "html")
    posting = _jsonld((tmp_path / "out" / "p.html").read_text("utf-8"))
    assert posting["baseSalary"]["value"] == {"@type": "QuantitativeValue", "value": 12.5, "unitText": "HOUR"}
    assert posting["employmentType"] == "PART_TIME"  # 36 < the default full-time week of 37.5


def test_full_time_hours_from_jdgen_yaml(tmp_path: Path, jdgen: Invoke) -> None:
    text = (KEYS / "posts" / "keys.yaml").read_text("utf-8").replace("full_time_hours: 36\n", "")
    (tmp_path / "p.yaml").write_text(text.replace("hours_per_week: 36", "hours_per_week: 37.5"), "utf-8")
    (tmp_path / "jdgen.yaml").write_text("full_time_hours: 40\n", "utf-8")
    _build(jdgen, tmp_path, tmp_path / "p.yaml", tmp_path / "out", "html,json")
    data = json.loads((tmp_path / "out" / "p.json").read_text("utf-8"))
    assert data["terms"]["employment_type"] == "PART_TIME" and data["terms"]["fte"] == 0.94
    assert data["terms"]["hours_text"].startswith("37.5 hours a week (part time, 0.94 FTE)")


# --- profiles -----------------------------------------------------------------------------------


def test_unknown_profile_is_a_usage_error(jdgen: Invoke, tmp_path: Path) -> None:
    result = jdgen("--workspace", str(tmp_path), "build", str(EXAMPLES / "pwp.yaml"), "-o", str(tmp_path / "o"),
                   "--profile", "advrt")
    assert result.exit_code == 2
    assert "unknown profile 'advrt'" in result.stderr and "did you mean 'advert'?" in result.stderr
    assert not (tmp_path / "o").exists()


def test_workspace_profiles(tmp_path: Path, jdgen: Invoke) -> None:
    (tmp_path / "jdgen.yaml").write_text("profile: short\nprofiles:\n  short: [summary, duties_brief]\n", "utf-8")
    _build(jdgen, tmp_path, EXAMPLES / "pwp.yaml", tmp_path / "out", "html,md")
    page = parse_html((tmp_path / "out" / "pwp.html").read_text("utf-8"))
    assert page.h2 == ["Job summary", "Main duties"]
    md = (tmp_path / "out" / "pwp.md").read_text("utf-8")
    assert [line for line in md.splitlines() if line.startswith("## ")] == ["## Job summary", "## Main duties"]


def test_unknown_section_in_a_workspace_profile(tmp_path: Path, jdgen: Invoke) -> None:
    (tmp_path / "jdgen.yaml").write_text("profiles:\n  short: [summary, dutie]\nprofile: shrt\n", "utf-8")
    result = jdgen("--workspace", str(tmp_path), "validate")
    assert result.exit_code == 1
    assert re.search(r"jdgen\.yaml:2:20: error: unknown section 'dutie' in profile 'short'\n"
                     r"  hint: did you mean 'duties'\?", result.stderr)
    assert re.search(r"jdgen\.yaml:3:10: error: unknown profile 'shrt'\n  hint: did you mean 'short'\?",
                     result.stderr)


def _words(md: str) -> int:
    return len(re.findall(r"[A-Za-z0-9£][\w'’,.£-]*", md))


def test_advert_is_short(tmp_path: Path, jdgen: Invoke) -> None:
    _build(jdgen, tmp_path, EXAMPLES, tmp_path / "out", "md,html", "--profile", "advert")
    for post in sorted(EXAMPLES.glob("*.yaml")):
        md = (tmp_path / "out" / f"{post.stem}.md").read_text("utf-8")
        assert _words(md) <= 600, (post.stem, _words(md))
        page = parse_html((tmp_path / "out" / f"{post.stem}.html").read_text("utf-8"))
        assert page.h2[:1] in (["Overview"], ["Job summary"]) and "Main duties" in page.h2
        assert "How to apply" in page.h2
        assert "Person specification" not in page.h2 and "Job identification" not in page.h2


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("-", "").replace("\u00ad", "")


# With the locked WeasyPrint (70.0) the pwp example takes 9 pages; the bound follows the lock.
@pytest.mark.parametrize(("name", "pages"), [("pwp", 9), ("step2-self-help-worker", 6)])
def test_jd_pdf_is_short_and_states_every_duty(name: str, pages: int, tmp_path: Path, jdgen: Invoke) -> None:
    from pypdf import PdfReader

    _build(jdgen, tmp_path, EXAMPLES / f"{name}.yaml", tmp_path / "out", "pdf,html")
    reader = PdfReader(tmp_path / "out" / f"{name}.pdf")
    assert len(reader.pages) <= pages
    text = _normal(" ".join(page.extract_text() for page in reader.pages))
    text = text[:text.index("Supervisionanddevelopment")]  # the duties, before the person specification
    statements = _statements((tmp_path / "out" / f"{name}.html").read_text("utf-8"))
    assert len(statements) > 10
    missing = [s for s in statements if _normal(s) not in text]
    assert missing == []
    for s in statements:  # each statement once
        assert text.count(_normal(s)) == 1, s


def _statements(page: str) -> list[str]:
    """The duty statements of a job description's HTML (the curated selection of jd)."""
    from lxml import html as lxml_html

    return [" ".join((div.text or "").split()) for div in lxml_html.fromstring(page).xpath(
        '//section[@id="duties"]//ul[contains(@class, "duties")]/li/div[@class="text"]')]


# --- no tool commentary -------------------------------------------------------------------------

TOOL_TALK = re.compile(r"jdgen|every_weeks|generated|python-docx|suggested default|'s reading|warning:|\.yaml\b",
                       re.IGNORECASE)


def _readable(path: Path) -> str:
    """What a reader or a job board sees: Markdown as it is; HTML's text and JSON-LD (not its CSS)."""
    text = path.read_text("utf-8")
    if path.suffix != ".html":
        return text
    page = parse_html(text)
    return " ".join(page.text + [content for _, content in page.scripts])


def test_no_tool_talk_in_jd_and_advert(tmp_path: Path, jdgen: Invoke) -> None:
    for profile in ("jd", "advert"):
        out = tmp_path / profile
        _build(jdgen, tmp_path, EXAMPLES, out, "html,md", "--profile", profile)
        for path in sorted(out.glob("*.*")):
            if path.suffix in (".html", ".md") and path.name != "index.html":
                found = TOOL_TALK.findall(_readable(path))
                assert found == [], (path.name, found)


def test_warnings_only_in_the_html_preview_when_asked(tmp_path: Path, jdgen: Invoke) -> None:
    post = FIXTURES / "posts" / "warn-short.yaml"
    for flag in ((), ("--show-warnings",)):
        out = tmp_path / ("shown" if flag else "hidden")
        _build(jdgen, tmp_path, post, out, "html,md", *flag)
        html = (out / "warn-short.html").read_text("utf-8")
        assert ('class="warnings"' in html) == bool(flag)
        assert "warn-short.yaml" not in (out / "warn-short.md").read_text("utf-8")
        if not flag:
            assert "warn-short.yaml" not in html


NEW_KEYS = ("terms", "hours_note", "full_time_hours", "relationships", "overview", "purpose", "scope", "about",
            "how_to_apply", "apply_url", "direct_apply", "location_type", "reword", "heading", "intro", "sub")


def test_new_keys_are_documented_and_in_the_starter(tmp_path: Path, jdgen: Invoke) -> None:
    formats = (Path(__file__).parents[1] / "docs" / "formats.md").read_text("utf-8")
    assert [k for k in NEW_KEYS if f"`{k}`" not in formats] == []
    result = jdgen("new", "post", "x", "--dir", str(tmp_path / "posts"))
    assert result.exit_code == 0
    starter = (tmp_path / "posts" / "x.yaml").read_text("utf-8")
    assert [k for k in NEW_KEYS if f"{k}:" not in starter] == []
    assert jdgen("--workspace", str(tmp_path), "validate", str(tmp_path / "posts" / "x.yaml")).exit_code == 0


# --- PDF: running headers and footers are artifacts; no orphaned words ----------------------------


def _artifact_text_runs(page: Any) -> tuple[int, int]:
    """(text-showing operations inside /Artifact, inside tagged /MCID content) on one page."""
    from pypdf.generic import ContentStream

    stack: list[str] = []
    artifact = tagged = 0
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator in (b"BMC", b"BDC"):
            stack.append(str(operands[0]))
        elif operator == b"EMC":
            stack.pop()
        elif operator in (b"Tj", b"TJ"):
            if "/Artifact" in stack:
                artifact += 1
            elif stack:
                tagged += 1
    return artifact, tagged


def test_running_header_and_footer_are_artifacts(tmp_path: Path, jdgen: Invoke) -> None:
    from pypdf import PdfReader

    _build(jdgen, tmp_path, EXAMPLES / "ips-employment-specialist.yaml", tmp_path / "out", "pdf")
    reader = PdfReader(tmp_path / "out" / "ips-employment-specialist.pdf")
    for number, page in enumerate(reader.pages, start=1):
        artifact, tagged = _artifact_text_runs(page)
        # footer left and right on every page, and the header (title, organisation) after the first
        assert artifact >= (2 if number == 1 else 4), number
        assert tagged > 10, number  # the body is still tagged content
    lines = [" ".join(line.split()) for page in reader.pages for line in page.extract_text().splitlines()]
    # a duty's first line is a whole line, not one word alone (the flex layout used to break it)
    assert not [line for line in lines if line in ("An", "Work", "Take", "Keep", "Use")]
    assert len([line for line in lines if len(line.split()) >= 6]) > 40


def test_every_example_gives_job_boards_a_salary_and_the_whole_description(tmp_path: Path, jdgen: Invoke) -> None:
    _build(jdgen, tmp_path, EXAMPLES, tmp_path / "out", "html,json")
    for post in sorted(EXAMPLES.glob("*.yaml")):
        posting = _jsonld((tmp_path / "out" / f"{post.stem}.html").read_text("utf-8"))
        data = json.loads((tmp_path / "out" / f"{post.stem}.json").read_text("utf-8"))
        value = posting["baseSalary"]["value"]
        assert value["@type"] == "QuantitativeValue" and value["unitText"] == "YEAR", post.stem
        assert ("minValue" in value and value["maxValue"] > value["minValue"]) or value["value"] > 0
        description = " ".join(parse_html(posting["description"]).text)
        page = (tmp_path / "out" / f"{post.stem}.html").read_text("utf-8")
        assert [s for s in _statements(page) if s not in description] == [], post.stem
        assert posting["employmentType"] == data["terms"]["employment_type"]
