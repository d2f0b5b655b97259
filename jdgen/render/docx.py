"""Job description → Word (python-docx): real heading styles, numbered lists and tables, so HR
can edit it. Fed by the same view as the HTML."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from ..view import JobDescriptionView


def _field(paragraph: Any, code: str) -> None:
    """Insert a Word field (PAGE, NUMPAGES) into a paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _table(doc: Any, headers: list[str], rows: list[list[str]], widths: list[float] | None = None) -> Any:
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    _repeat_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    props.append(el)


def _numbered(doc: Any, label: str, text: str, sub: list[str]) -> None:
    p = doc.add_paragraph(style="List Number")
    p.add_run(f"{label}  ").bold = True
    p.add_run(text)
    for s in sub:
        doc.add_paragraph(s, style="List Bullet 2")


def render_docx(view: JobDescriptionView) -> bytes:
    """The job description as .docx bytes (deterministic core properties)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = section.bottom_margin = Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    colour = RGBColor.from_string(view.branding["primary"].lstrip("#").upper())
    for level in (1, 2, 3):
        doc.styles[f"Heading {level}"].font.color.rgb = colour
        doc.styles[f"Heading {level}"].font.name = "Arial"

    section.header.paragraphs[0].text = f"{view.title} — {view.organisation}"
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    props = doc.core_properties
    props.title = f"{view.title} — job description"
    props.author = view.organisation
    props.subject = "Job description and person specification"
    stamp = dt.datetime.fromisoformat(view.date) if view.date else dt.datetime(2026, 1, 1)
    props.created = props.modified = stamp
    props.last_modified_by = "jdgen"
    props.revision = 1

    doc.add_paragraph("Job description and person specification").runs[0].bold = True
    doc.add_heading(view.title, level=0)
    doc.add_heading("Job identification", level=1)
    _table(doc, ["", ""], [[r["label"], r["value"]] for r in view.terms], [5, 12])
    doc.add_heading("Job summary", level=1)
    for p in view.summary:
        doc.add_paragraph(p)
    doc.add_heading("Main duties and responsibilities", level=1)
    for group in view.duty_groups:
        doc.add_heading(f"{group['label']}  {group['title']}", level=2)
        for duty in group["duties"]:
            _numbered(doc, duty["label"], duty["text"], duty["sub"])
    if view.competence_groups:
        doc.add_heading("Competences", level=1)
        for cgroup in view.competence_groups:
            doc.add_heading(f"{cgroup['code']}  {cgroup['title']}", level=2)
            for c in cgroup["competences"]:
                _numbered(doc, c["label"], c["text"], c["sub"])
    sup = view.supervision
    doc.add_heading("Supervision and development", level=1)
    if sup["profile"]:
        doc.add_paragraph(f"Supervision follows the arrangements for: {sup['profile']}.")
    if sup["note"]:
        doc.add_paragraph(sup["note"])
    _table(doc, ["Supervision", "How often", "Length", "Format", "Purpose"],
           [[a["title"], a["frequency"], a["duration"], a["format"], a["purpose"]]
            for a in sup["arrangements"] + sup["all_staff"]])
    for provided in sup["provides"]:
        doc.add_heading(f"Supervision this post provides: {provided['title']}", level=2)
        for a in provided["arrangements"]:
            doc.add_paragraph(f"{a['title']}: {a['frequency'].lower()}, {a['duration']}, {a['format'].lower()}.",
                              style="List Bullet")
    doc.add_heading("KSF post outline", level=1)
    doc.add_paragraph("NHS Knowledge and Skills Framework (2004): the six core dimensions and the specific "
                      "dimensions this post needs, each at the highest level its duties ask for.")
    _table(doc, ["Dimension", "Type", "Level", "Level descriptor"],
           [[f"{r['dimension']} {r['title']}", "Core" if r["core"] else "Specific", str(r["level"]),
             r["level_title"]] for r in view.ksf_outline], [7, 2, 1.5, 6.5])
    doc.add_heading("Person specification", level=1)
    rows = []
    for spec in view.person_spec:
        rows.append([spec["category"].upper(), "", ""])
        rows += [[c["text"], "E" if c["essential"] else "D", c["assessed_by"]] for c in spec["criteria"]]
    _table(doc, ["Criteria", "E/D", "How assessed"], rows, [11, 1.5, 4.5])
    doc.add_heading("General", level=1)
    for clause in view.clauses:
        doc.add_heading(clause["title"], level=2)
        doc.add_paragraph(clause["text"])
    doc.add_page_break()  # type: ignore[no-untyped-call]
    doc.add_heading("Appendix: traceability of duties", level=1)
    _table(doc, ["Ref", "Duty or competence", "KSF", "ESC", "NOS"],
           [[t["id"], t["text"], t["ksf"], t["esc"], t["nos"]] for t in view.traceability],
           [1.6, 8.4, 3, 2, 2])
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render_curriculum_docx(context: dict[str, Any]) -> bytes:
    """A curriculum as .docx: modules as Heading 1, outcomes as a numbered list, mapping table."""
    from docx import Document

    doc = Document()
    props = doc.core_properties
    props.title = context["title"]
    props.created = props.modified = dt.datetime(2026, 1, 1)
    doc.add_heading(context["title"], level=0)
    doc.add_paragraph(f"Derived from {context['source']}. Total suggested hours: {context['total_hours']:g}.")
    _table(doc, ["Module", "Title", "Outcomes", "Hours"],
           [[str(m["number"]), m["title"], str(len(m["outcomes"])), f"{m['hours']:g}"] for m in context["modules"]])
    for m in context["modules"]:
        doc.add_heading(f"Module {m['number']}: {m['title']} ({m['hours']:g} hours)", level=1)
        if m["description"]:
            doc.add_paragraph(m["description"])
        doc.add_heading("Learning outcomes", level=2)
        for o in m["outcomes"]:
            _numbered(doc, o["id"], o["text"], o["criteria"])
        doc.add_heading("Teaching methods", level=2)
        for t in m["teaching"]:
            doc.add_paragraph(t, style="List Bullet")
        doc.add_heading("Assessment", level=2)
        for a in m["assessment"]:
            doc.add_paragraph(a, style="List Bullet")
    doc.add_heading("Mapping of outcomes to competences", level=1)
    _table(doc, ["Outcome", "Competences covered"],
           [[o["id"], ", ".join(o["competences"])] for m in context["modules"] for o in m["outcomes"]])
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
