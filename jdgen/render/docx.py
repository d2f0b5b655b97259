"""Job descriptions and curricula → Word. Each starts from the reference document
(templates/reference.docx of the workspace, else the bundled one) and is fed by the same view as
the HTML: the same sections, in the order of the document profile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..view import JobDescriptionView
from . import wordml
from .wordml import bullets, labelled_item, table


def _prose(doc: Any, text: dict[str, list[str]] | None) -> None:
    if not text:
        return
    for p in text.get("paragraphs", []):
        doc.add_paragraph(p)
    bullets(doc, text.get("points", []))


def _has(text: dict[str, list[str]] | None) -> bool:
    return bool(text and (text.get("paragraphs") or text.get("points")))


def _lead(doc: Any, text: str) -> None:
    """A paragraph that introduces what follows, kept on the same page as it."""
    doc.add_paragraph(text).paragraph_format.keep_with_next = True


def _note(doc: Any, text: str) -> None:
    doc.add_paragraph(text, style=wordml.style_or(doc, wordml.NOTE_STYLE))


class _JobDescription:
    """One method per section of the profile; each writes its heading and content."""

    def __init__(self, doc: Any, view: JobDescriptionView) -> None:
        self.doc, self.view = doc, view
        self.fill = view.branding.get("primary", "#005EB8")

    def identification(self) -> None:
        self.doc.add_heading("Job identification", level=1)
        table(self.doc, [3, 7], [[r["label"], r["value"]] for r in self.view.terms], row_headers=True)

    def overview(self) -> None:
        if _has(self.view.overview):
            self.doc.add_heading("Overview", level=1)
            _prose(self.doc, self.view.overview)

    def summary(self) -> None:
        self.doc.add_heading("Job summary", level=1)
        for p in self.view.summary:
            self.doc.add_paragraph(p)

    def purpose(self) -> None:
        if _has(self.view.purpose):
            self.doc.add_heading("Purpose of the job", level=1)
            _prose(self.doc, self.view.purpose)

    def scope(self) -> None:
        if _has(self.view.scope):
            self.doc.add_heading("Scope of the job", level=1)
            _prose(self.doc, self.view.scope)

    def relationships(self) -> None:
        rows = self.view.relationships
        if rows:
            self.doc.add_heading("Key working relationships", level=1)
            if len(rows) == 1 and not rows[0]["title"]:  # the post's one plain list
                bullets(self.doc, rows[0]["items"])
                return
            table(self.doc, [3, 7], [[r["title"], "; ".join(r["items"])] for r in rows], row_headers=True)

    def duties(self) -> None:
        self.doc.add_heading("Main duties and responsibilities", level=1)
        for group in self.view.duty_groups:
            label = group.get("label", "")
            self.doc.add_heading(f"{label}  {group['title']}" if label else group["title"], level=2)
            intro = group.get("intro") or ""
            if intro:
                _lead(self.doc, intro)
            for duty in group["duties"]:
                labelled_item(self.doc, duty["label"], duty["text"], duty["sub"])

    def duties_brief(self) -> None:
        self.doc.add_heading("Main duties", level=1)
        style = wordml.style_or(self.doc, "List Bullet")
        for b in self.view.duties_brief:
            paragraph = self.doc.add_paragraph(style=style)
            paragraph.add_run(b["title"]).bold = True
            paragraph.add_run(f": {b['text']}")

    def competences(self) -> None:
        if not self.view.competence_groups:
            return
        self.doc.add_heading("Competences", level=1)
        _lead(self.doc, "The post holder is expected to have, or to develop with training and supervision, "
                        "these competences.")
        for group in self.view.competence_groups:
            self.doc.add_heading(f"{group['code']}  {group['title']} ({group['framework_title']})", level=2)
            for c in group["competences"]:
                labelled_item(self.doc, c["label"], c["text"], c["sub"])

    def supervision(self, detail: bool = False) -> None:
        sup = self.view.supervision
        self.doc.add_heading("Supervision and development", level=1)
        if detail and sup["profile"]:
            self.doc.add_paragraph(f"Supervision follows the arrangements for: {sup['profile']}. "
                                   f"{sup['profile_description']}".strip())
        if sup["note"]:
            self.doc.add_paragraph(sup["note"])
        header = ["Supervision", "How often", "Length", "Format"] + (["Purpose"] if detail else [])
        rows = [[a["title"], a["frequency"], a["duration"], a["format"]] + ([a["purpose"]] if detail else [])
                for a in sup["arrangements"] + sup["all_staff"]]
        table(self.doc, [3, 1.9, 1.7, 2.2, 6] if detail else [4, 2.5, 2, 3], rows, header, fill=self.fill)
        for provided in sup["provides"]:
            self.doc.add_heading(f"Supervision this post provides: {provided['title']}", level=2)
            if detail and provided["description"]:
                self.doc.add_paragraph(provided["description"])
            bullets(self.doc, [f"{a['title']}: {a['frequency'].lower()}, {a['duration']}, {a['format'].lower()}."
                               + (f" {a['purpose']}" if detail and a["purpose"] else "")
                               for a in provided["arrangements"]])
        if detail and sup["principles"]:
            self.doc.add_heading("Principles of supervision", level=2)
            bullets(self.doc, sup["principles"])
        self.doc.add_paragraph("The post holder takes part in annual appraisal and agrees a personal development "
                               "plan, and keeps up the continuing professional development their role and "
                               "registration require.")

    def supervision_detail(self) -> None:
        self.supervision(detail=True)

    def ksf(self) -> None:
        rows = self.view.ksf_outline
        if not rows:  # a grade outside Agenda for Change has no KSF outline
            return
        self.doc.add_heading("KSF post outline", level=1)
        self.doc.add_paragraph("NHS Knowledge and Skills Framework (2004): the six core dimensions and the specific "
                               "dimensions that carry most of this post's duties, with the level expected at the "
                               "foundation gateway (after about a year in post) and at the second gateway (towards "
                               "the top of the band). Levels follow from the duties and the band; they are not an "
                               "official mapping.")
        # Level descriptors only where the library cites the KSF's level titles, under the dimension;
        # the note column only when a row has a note. The gateway columns fit 'Foundation' in bold.
        notes = any(r["note"] for r in rows)
        cells = [[f"{r['dimension']} {r['title']}" + (f"\nLevel {r['level']} descriptor: {r['level_title']}"
                                                      if r["level_title"] else ""),
                  "Core" if r["core"] else "Specific", str(r["foundation"]), str(r["level"]),
                  *([r["note"]] if notes else [])] for r in rows]
        table(self.doc, [5.6, 1.7, 2.6, 2.4, 4.7] if notes else [9.5, 2.1, 2.8, 2.6], cells,
              ["Dimension", "Type", "Foundation gateway", "Second gateway", *(["Note"] if notes else [])],
              fill=self.fill)

    def person_spec(self) -> None:
        self.doc.add_heading("Person specification", level=1)
        self.doc.add_paragraph("Only the criteria below are used to shortlist and select. E = essential, "
                               "D = desirable.")
        rows: list[list[str]] = []
        spans = []
        for spec in self.view.person_spec:
            spans.append(len(rows))
            rows.append([spec["category"], "", ""])
            rows += [[c["text"], "E" if c["essential"] else "D", c["assessed_by"]] for c in spec["criteria"]]
        table(self.doc, [11, 1.5, 4.5], rows, ["Criteria", "E/D", "How assessed"], spans=spans, fill=self.fill)

    def general(self) -> None:
        self.doc.add_heading("General", level=1)
        for clause in self.view.clauses:
            self.doc.add_heading(clause["title"], level=2)
            self.doc.add_paragraph(clause["text"])

    def about(self) -> None:
        if _has(self.view.about):
            self.doc.add_heading(f"About {self.view.organisation}", level=1)
            _prose(self.doc, self.view.about)

    def apply(self) -> None:
        self.doc.add_heading("How to apply", level=1)
        _prose(self.doc, self.view.how_to_apply)
        facts = [r for r in self.view.terms if r["label"] in ("Salary", "Hours", "Closing date", "Reference")]
        bullets(self.doc, [f"{r['label']}: {r['value']}" for r in facts])
        if self.view.apply_url:
            self.doc.add_paragraph(f"Apply at {self.view.apply_url}.")

    def traceability(self) -> None:
        self.doc.add_page_break()
        self.doc.add_heading("Appendix: traceability of duties", level=1)
        self.doc.add_paragraph("Each duty and competence (first words shown) with the framework entries it links "
                               "to: NHS KSF dimension (level), Ten Essential Shared Capabilities, National "
                               "Occupational Standards.")
        table(self.doc, [1.5, 8, 3.7, 2.1, 1.9], [[t["id"], t["text"], t["ksf"], t["esc"], t["nos"]]
                                                for t in self.view.traceability],
              ["Ref", "Duty or competence", "KSF", "ESC", "NOS"], fill=self.fill)

    def notes(self) -> None:
        notes = self.view.notes
        if not notes:
            return
        self.doc.add_heading("Notes", level=1)
        for n in notes:
            self.doc.add_heading(n["title"], level=2)
            bullets(self.doc, n["items"])


def document_kind(sections: list[str], profile: str) -> str:
    if profile == "advert":
        return "Job advert"
    return "Job description and person specification" if "person_spec" in sections else "Job description"


def render_docx(view: JobDescriptionView, workspace: Path | None = None) -> bytes:
    """The job description as .docx bytes: the view's sections in the profile's order."""
    doc = wordml.open_reference(workspace, view.branding.get("primary", "#005EB8"))
    sections = view.sections
    kind = document_kind(sections, view.profile)
    wordml.set_core(doc, view.title, view.organisation, kind, view.date, kind)
    wordml.add_logo(doc, view.branding.get("logo", ""))
    _note(doc, f"{kind} · {view.organisation}" if view.organisation else kind)
    doc.add_heading(view.title, level=0)
    writer = _JobDescription(doc, view)
    for section in sections:
        method: Callable[[], None] | None = getattr(writer, section, None)
        if method is None:
            raise ValueError(f"the Word renderer has no section '{section}'")
        method()
    if "duties" in sections:
        _note(doc, "This job description is a guide to the main duties of the post"
              + (f" ({view.date_text})" if view.date_text else "")
              + " and may be reviewed with the post holder as the service develops.")
    return wordml.save(doc)


def render_curriculum_docx(context: dict[str, Any], workspace: Path | None = None, logo: bytes | None = None) -> bytes:
    """A curriculum as .docx: modules as Heading 1, outcomes labelled by their ids with lettered
    assessment criteria, teaching and assessment methods, and the mapping table."""
    branding = context.get("branding", {})
    fill = branding.get("primary", "#005EB8")
    doc = wordml.open_reference(workspace, fill)
    organisation = context.get("organisation", "")
    wordml.set_core(doc, context["title"], organisation, "Curriculum", context.get("date", ""), "Curriculum")
    wordml.add_logo(doc, logo or branding.get("logo", ""))
    _note(doc, f"Curriculum · {organisation}" if organisation else "Curriculum")
    doc.add_heading(context["title"], level=0)
    doc.add_paragraph(f"Derived from {context['source']}. Total suggested hours: {context['total_hours']:g}.")
    doc.add_heading("Programme overview", level=1)
    table(doc, [1.5, 9, 2, 2.5], [[str(m["number"]), m["title"], str(len(m["outcomes"])), f"{m['hours']:g}"]
                                  for m in context["modules"]], ["Module", "Title", "Outcomes", "Hours"], fill=fill)
    for m in context["modules"]:
        doc.add_heading(f"Module {m['number']}: {m['title']} ({m['hours']:g} hours)", level=1)
        if m["description"]:
            _lead(doc, m["description"])
        doc.add_heading("Learning outcomes", level=2)
        _lead(doc, "By the end of the module the learner will be able to:")
        for o in m["outcomes"]:
            labelled_item(doc, o["id"], o["text"], o["criteria"])
        doc.add_heading("Teaching methods", level=2)
        bullets(doc, m["teaching"])
        doc.add_heading("Assessment", level=2)
        bullets(doc, m["assessment"])
    doc.add_heading("Mapping of outcomes to competences", level=1)
    table(doc, [2, 8], [[o["id"], ", ".join(o["competences"])] for m in context["modules"] for o in m["outcomes"]],
          ["Outcome", "Competences covered"], fill=fill)
    if context.get("provenance"):
        _note(doc, context["provenance"])
    return wordml.save(doc)
