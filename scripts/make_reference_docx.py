#!/usr/bin/env python3
"""Write templates/reference.docx, the bundled reference document every DOCX of jdgen starts from
(as pandoc's --reference-doc): A4 with 2 cm margins, en-GB, Arial, NHS-blue headings, a header
with the document's title (a TITLE field) and a footer with its subject and "Page N of M".

    python scripts/make_reference_docx.py [OUT]

The result is the same bytes on every run. A workspace replaces it with its own
templates/reference.docx (make one by editing a copy of this file in Word or LibreOffice).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jdgen.render import wordml  # noqa: E402
from jdgen.render.wordml import element, qn  # noqa: E402

LEFTOVERS = ("customXml", "stylesWithEffects", "thumbnail")
FONT = "Arial"
GREY = "4C6272"


def drop_leftovers(doc: Any) -> None:
    """Parts python-docx's template carries that a clean document does not need."""
    for source in (doc.part, doc.part.package):
        for rid, rel in list(source.rels.items()):
            if any(word in rel.reltype for word in LEFTOVERS):
                del source.rels[rid]


def plain_fonts(rpr: Any, size_pt: float | None = None, bold: bool | None = None, colour: str | None = None) -> None:
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(0, element("w:rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT))
    if colour is not None:
        for old in rpr.findall(qn("w:color")):
            rpr.remove(old)
        rpr.append(element("w:color", val=colour))
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            for old in rpr.findall(qn(tag)):
                rpr.remove(old)
            rpr.append(element(tag, val=str(round(size_pt * 2))))
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            for old in rpr.findall(qn(tag)):
                rpr.remove(old)
            if bold:
                rpr.append(element(tag))
    order = wordml.R_PR_ORDER
    kids = sorted(rpr, key=lambda el: order.index(el.tag.split("}")[1]) if el.tag.split("}")[1] in order else 99)
    for kid in kids:
        rpr.remove(kid)
        rpr.append(kid)


def styles(doc: Any) -> None:
    from docx.shared import Pt

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    plain_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), 10.5)
    normal = doc.styles["Normal"]
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    sizes = {"Title": (20, True, "003087"), "Heading 1": (14, True, "005EB8"), "Heading 2": (12, True, "005EB8"),
             "Heading 3": (10.5, True, "212B32"), "Header": (8.5, None, GREY), "Footer": (8, None, GREY)}
    for name, (size, bold, colour) in sizes.items():
        style = doc.styles[name]
        plain_fonts(style.element.get_or_add_rPr(), size, bold, colour)
    title = doc.styles["Title"].element.get_or_add_pPr()
    for old in title.findall(qn("w:pBdr")):
        title.remove(old)
    doc.styles["Title"].paragraph_format.space_after = Pt(10)
    for name, before in (("Heading 1", 16), ("Heading 2", 10), ("Heading 3", 8)):
        doc.styles[name].paragraph_format.space_before = Pt(before)
        doc.styles[name].paragraph_format.space_after = Pt(4)
    for name in ("Header", "Footer"):
        ppr = doc.styles[name].element.get_or_add_pPr()
        for old in ppr.findall(qn("w:tabs")):
            ppr.remove(old)
        tabs = element("w:tabs")
        tabs.append(element("w:tab", val="right", pos=str(wordml.text_width(doc))))
        ppr.insert(0, tabs)
    for name in ("Table Grid",):
        doc.styles[name].font.size = Pt(9.5)


def field(paragraph: Any, instr: str, shown: str) -> None:
    fld = element("w:fldSimple", instr=f" {instr} ")
    run = element("w:r")
    text = element("w:t")
    text.text = shown
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def page(doc: Any) -> None:
    from docx.shared import Cm

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)
    section.header_distance = section.footer_distance = Cm(1)
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.style = doc.styles["Header"]
    field(paragraph, "TITLE \\* MERGEFORMAT", "Title")
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = doc.styles["Footer"]
    field(paragraph, "SUBJECT \\* MERGEFORMAT", "Subject")
    paragraph.add_run("\tPage ")
    field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ")
    field(paragraph, "NUMPAGES", "1")


def build() -> bytes:
    from docx import Document

    doc = Document()
    drop_leftovers(doc)
    page(doc)
    styles(doc)
    wordml.ensure_styles(doc, "#005EB8")
    wordml.set_language(doc)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    wordml.set_core(doc, "", "", "", "", "")
    return wordml.save(doc)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "templates" / wordml.REFERENCE
    out.write_bytes(build())
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
