"""Every DOCX jdgen writes, opened with python-docx and read at the XML level: A4, en-GB, grid and
cell widths that agree, repeated header rows, rows that do not split, no empty rows, one numbering
scheme with lettered sub-lists, core properties, no python-docx leftovers, the reference document
(bundled or the workspace's) and the logo; and the same sections as the HTML of the same post."""

from __future__ import annotations

import base64
import importlib.util
import json
import shutil
import struct
import zipfile
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import parse_html

from jdgen.cli import main
from jdgen.library import bundled_root

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "posts"
#: sub-items in duties; competences; the employer's own duty headings, relationships, overview, purpose and scope
POSTS = ["pwp", "ips-employment-specialist", "step2-self-help-worker"]
PROFILES = ["jd", "full", "advert"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def run(*args: str) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx")
    for name in POSTS:
        for profile in PROFILES:
            run("--workspace", str(ROOT), "build", str(EXAMPLES / f"{name}.yaml"), "-f", "docx,html,json",
                "--profile", profile, "-o", str(out / profile))
    run("--workspace", str(ROOT), "curriculum", "--post", str(EXAMPLES / "pwp.yaml"), "-f", "docx", "-o", str(out))
    return out


def documents(out: Path) -> Iterator[tuple[str, Any]]:
    import docx

    for path in sorted(out.rglob("*.docx")):
        yield str(path.relative_to(out)), docx.Document(str(path))


def w(el: Any, name: str) -> str | None:
    value = el.get(f"{W}{name}")
    return None if value is None else str(value)


def test_a4_en_gb_and_core_properties(built: Path) -> None:
    for name, doc in documents(built):
        for section in doc.sections:
            pg = section._sectPr.find(f"{W}pgSz")
            assert (w(pg, "w"), w(pg, "h")) == ("11906", "16838"), name  # A4 in twentieths of a point
        langs = [w(el, "val") for el in doc.styles.element.iter(f"{W}lang")]
        assert langs and set(langs) == {"en-GB"}, name
        default = doc.styles.element.find(f"{W}docDefaults").find(f"{W}rPrDefault").find(f"{W}rPr")
        assert w(default.find(f"{W}lang"), "val") == "en-GB"
        props = doc.core_properties
        assert props.title and props.subject, name
        if not name.endswith("curriculum.docx"):  # a curriculum's author is jdgen.yaml's organisation (below)
            data = json.loads((built / name).with_suffix(".json").read_text("utf-8"))
            assert props.author == data["terms"]["organisation"], name
        assert props.language == "en-GB"
        assert props.comments == "" and props.keywords == ""
    assert {d.core_properties.title for _, d in documents(built)} >= {
        "Psychological Wellbeing Practitioner", "Curriculum: Psychological Wellbeing Practitioner"}


def test_no_python_docx_leftovers(built: Path) -> None:
    for path in [*sorted(built.rglob("*.docx")), bundled_root() / "templates" / "reference.docx"]:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
            assert not [n for n in names if "thumbnail" in n or "customXml" in n or "stylesWithEffects" in n], path
            for member in names:
                text = package.read(member).decode("utf-8", "replace").lower()
                assert "python-docx" not in text and "macintosh word" not in text, (path, member)
                assert "normal.dotm" not in text, (path, member)


def _grid_and_cells(table: Any) -> Iterator[tuple[list[int], list[int], list[int]]]:
    grid = [int(w(c, "w") or 0) for c in table._tbl.tblGrid.findall(f"{W}gridCol")]
    for tr in table._tbl.tr_lst:
        widths, spans = [], []
        for tc in tr.tc_lst:
            widths.append(int(w(tc.tcPr.find(f"{W}tcW"), "w") or 0))
            spans.append(tc.grid_span)
        yield grid, widths, spans


def test_tables_have_real_widths_repeat_headers_and_keep_rows_whole(built: Path) -> None:
    checked = 0
    for name, doc in documents(built):
        for table in doc.tables:
            grid_widths = set()
            for grid, widths, spans in _grid_and_cells(table):
                col = 0
                for width, span in zip(widths, spans, strict=True):
                    assert width == sum(grid[col:col + span]), (name, grid, widths)
                    col += span
                assert col == len(grid)
                grid_widths.add(tuple(grid))
            assert len(grid_widths) == 1
            tbl_pr = table._tbl.tblPr
            assert w(tbl_pr.find(f"{W}tblLayout"), "type") == "fixed"
            assert int(w(tbl_pr.find(f"{W}tblW"), "w") or 0) == sum(next(iter(grid_widths)))
            rows = table._tbl.tr_lst
            assert all(tr.trPr is not None and tr.trPr.find(f"{W}cantSplit") is not None for tr in rows), name
            for tr in rows:  # no empty rows
                assert "".join(t.text or "" for t in tr.iter(f"{W}t")).strip(), name
            checked += 1
    assert checked >= 12


def test_header_rows_repeat_and_identification_has_no_header(built: Path) -> None:
    import docx

    doc = docx.Document(str(built / "jd" / "pwp.docx"))
    first_cells = [t.rows[0].cells[0].text for t in doc.tables]
    assert first_cells[0] == "Job title"  # the identification table starts with its first term, no empty row
    assert doc.tables[0]._tbl.tr_lst[0].trPr.find(f"{W}tblHeader") is None
    # key working relationships are row-headed like the identification table: no header row either
    relationships = [t for t in doc.tables if t.rows[0].cells[0].text == "Internal"]
    assert len(relationships) == 1 and relationships[0]._tbl.tr_lst[0].trPr.find(f"{W}tblHeader") is None
    with_header = [t for t in doc.tables[1:] if t.rows[0].cells[0].text != "Internal"]
    assert with_header and all(t._tbl.tr_lst[0].trPr.find(f"{W}tblHeader") is not None for t in with_header)
    assert all(tr.trPr.find(f"{W}tblHeader") is None for t in with_header for tr in t._tbl.tr_lst[1:])
    assert all(len(set(grid)) > 1 for t in doc.tables for grid, _, _ in _grid_and_cells(t))  # real, unequal widths


def _numbering(doc: Any) -> tuple[dict[str, str], dict[str, str]]:
    """numId → abstractNumId, and abstractNumId → number format of level 0."""
    numbering = doc.part.numbering_part.element
    nums = {w(n, "numId") or "": w(n.find(f"{W}abstractNumId"), "val") or "" for n in numbering.findall(f"{W}num")}
    fmts = {w(a, "abstractNumId") or "": w(a.find(f"{W}lvl").find(f"{W}numFmt"), "val") or ""
            for a in numbering.findall(f"{W}abstractNum")}
    return nums, fmts


def test_one_numbering_scheme_and_lettered_sub_lists(built: Path) -> None:
    import docx

    data = json.loads((built / "full" / "pwp.json").read_text("utf-8"))
    doc = docx.Document(str(built / "full" / "pwp.docx"))  # the full profile keeps every item's code
    nums, fmts = _numbering(doc)
    paragraphs = doc.paragraphs
    items = [p for p in paragraphs if p.style.name == "Labelled Item"]
    assert [p.text.split("\t")[0] for p in items][:len(data["duties"])] == [d["label"] for d in data["duties"]]
    style_ppr = doc.styles["Labelled Item"].element.pPr
    assert style_ppr is None or style_ppr.numPr is None
    for p in items:  # the reference is the only number a duty has
        assert p._p.pPr is None or p._p.pPr.numPr is None
    with_sub = [d for d in data["duties"] if d["sub"]]
    assert with_sub
    index = {id(p._p): n for n, p in enumerate(paragraphs)}
    for duty in with_sub:
        head = next(p for p in items if p.text.startswith(duty["label"] + "\t"))
        n = index[id(head._p)]
        subs = paragraphs[n + 1:n + 1 + len(duty["sub"])]
        assert [p.text for p in subs] == duty["sub"]
        num_ids = {p._p.pPr.numPr.numId.val for p in subs}
        assert len(num_ids) == 1  # one list per duty
        num_id = str(num_ids.pop())
        assert fmts[nums[num_id]] == "lowerLetter"
        num = next(x for x in doc.part.numbering_part.element.findall(f"{W}num") if w(x, "numId") == num_id)
        start = num.find(f"{W}lvlOverride").find(f"{W}startOverride")
        assert w(start, "val") == "1"  # every sub-list starts again at a)
    assert sum(1 for p in paragraphs if p.style.name == "List Number") == 0


class _H3(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h3":
            self._open = True
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = self._open and tag != "h3"

    def handle_data(self, data: str) -> None:
        if self._open:
            self.found[-1] += data


def _squash(text: str) -> str:
    return "".join(text.split())


def _duty_statements(page: str) -> list[str]:
    """The text of each duty statement of an HTML job description (its div.text, sub-points aside)."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(page)
    return [" ".join((div.text or "").split()) for div in
            tree.xpath('//section[@id="duties"]//ul[contains(@class, "duties")]/li/div[@class="text"]')]


def test_every_html_section_is_in_the_docx(built: Path) -> None:
    import docx

    for name in POSTS:
        for profile in PROFILES:
            html = parse_html((built / profile / f"{name}.html").read_text("utf-8"))
            doc = docx.Document(str(built / profile / f"{name}.docx"))
            h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
            assert h1 == html.h2, (profile, name)
            h3 = _H3()
            h3.feed((built / profile / f"{name}.html").read_text("utf-8"))
            h2 = [_squash(p.text) for p in doc.paragraphs if p.style.name == "Heading 2"]
            assert h2 == [_squash(t) for t in h3.found], (profile, name)
            text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for r in t.rows
                                                                         for c in r.cells)
            assert "\n".join(html.text).count("jdgen") == text.count("jdgen") == 0
            if profile != "full":  # jd and advert state a curated selection: compare with the HTML's
                for statement in _duty_statements((built / profile / f"{name}.html").read_text("utf-8")):
                    assert statement in text, (profile, name, statement)
                continue
            data = json.loads((built / profile / f"{name}.json").read_text("utf-8"))
            for item in data["duties"] + data["competences"]:
                assert item["text"] in text
                for sub in item["sub"]:
                    assert sub in text


def test_reproducible_bytes_and_bundled_reference_made_by_its_script(built: Path, tmp_path: Path) -> None:
    run("--workspace", str(ROOT), "build", str(EXAMPLES / "pwp.yaml"), "-f", "docx", "-o", str(tmp_path), "--force")
    assert (tmp_path / "pwp.docx").read_bytes() == (built / "jd" / "pwp.docx").read_bytes()
    spec = importlib.util.spec_from_file_location("make_reference_docx", ROOT / "scripts" / "make_reference_docx.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.build() == (bundled_root() / "templates" / "reference.docx").read_bytes()


def _png(width: int = 4, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x00\x5e\xb8" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_workspace_reference_doc_and_logo_reach_word(tmp_path: Path) -> None:
    import docx
    from docx.shared import Pt

    workspace = tmp_path / "ws"
    (workspace / "templates").mkdir(parents=True)
    (workspace / "logo.png").write_bytes(_png())
    (workspace / "jdgen.yaml").write_text("organisation: Hillside Mind\nlogo: logo.png\n", encoding="utf-8")
    reference = docx.Document(str(bundled_root() / "templates" / "reference.docx"))
    reference.styles["Normal"].font.name = "Georgia"
    reference.styles["Heading 1"].font.size = Pt(17)
    reference.sections[0].footer.paragraphs[0].add_run(" · Hillside footer")
    reference.save(str(workspace / "templates" / "reference.docx"))
    shutil.copy(EXAMPLES / "hi-cbt-therapist.yaml", workspace / "post.yaml")
    run("--workspace", str(workspace), "build", str(workspace / "post.yaml"), "-f", "docx", "-o", str(tmp_path / "o"))
    run("--workspace", str(workspace), "curriculum", "--framework", "ips", "-f", "docx", "-o", str(tmp_path / "o"))
    for path in (tmp_path / "o" / "post.docx", tmp_path / "o" / "curriculum-ips.docx"):
        doc = docx.Document(str(path))
        assert doc.styles["Normal"].font.name == "Georgia"
        # the post names its own organisation; the curriculum takes jdgen.yaml's
        assert doc.core_properties.author == ("Hillside Mind" if "curriculum" in path.name
                                              else "Riverside NHS Foundation Trust")
        assert doc.styles["Heading 1"].font.size == Pt(17)
        assert "Hillside footer" in doc.sections[0].footer.paragraphs[0].text
        header = doc.sections[0].header
        images = [r.target_part.blob for r in header.part.rels.values() if "image" in r.reltype]
        assert images == [_png()], path
        anchors = list(header._element.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
                                            "anchor"))
        assert len(anchors) == 1  # floating at the right of the header, not on a line of its own
    first = docx.Document(str(tmp_path / "o" / "post.docx"))
    title = next(p.text for p in first.paragraphs if p.style.name == "Title")
    assert first.core_properties.title == title and title
    # the header shows the document's title through a TITLE field whose shown text is already filled in
    fields = {f.get(f"{W}instr").split()[0]: "".join(t.text or "" for t in f.iter(f"{W}t"))
              for f in first.sections[0].header._element.iter(f"{W}fldSimple")}
    assert fields == {"TITLE": first.core_properties.title}


def test_data_url_logo_is_decoded() -> None:
    from jdgen.render.wordml import _data_url_bytes

    assert _data_url_bytes("data:image/png;base64," + base64.b64encode(_png()).decode()) == _png()
    assert _data_url_bytes("data:image/png;base64,@@@") == b""
    assert _data_url_bytes("https://example.org/logo.png") == b""


def test_property_elements_in_schema_order(built: Path) -> None:
    """Word rejects a document whose w:rPr or w:tblPr children are out of schema order."""
    from jdgen.render.wordml import R_PR_ORDER, TBL_PR_ORDER

    for name, doc in documents(built):
        for root in (doc.element, doc.styles.element):
            for tag, order in (("rPr", R_PR_ORDER), ("tblPr", TBL_PR_ORDER)):
                for props in root.iter(f"{W}{tag}"):
                    names = [child.tag.split("}")[1] for child in props]
                    known = [n for n in names if n in order]
                    assert known == sorted(known, key=order.index), (name, tag, names)
