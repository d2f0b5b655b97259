"""`jdgen curriculum`, `checklist` and `gap`: build the document data and write each format to
OUT/<name>.<ext>, atomically, through the registry (jdgen.registry names the `curriculum_*`,
`checklist_*` and `gap_*` renderers below)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import assessments as sheets
from .assessments import (
    COLUMNS,
    SCALE,
    Rating,
    check_complete,
    checklist_items,
    gap_analysis,
    read_assessments,
)
from .bundled import bundled_root
from .config import Settings
from .curriculum import Curriculum
from .errors import Collector
from .posts import ResolvedPost
from .registry import render_and_write
from .render.templating import page_context, render
from .workspace import Workspace


def _pdf(html: str, workspace: Path) -> bytes:
    from .render.pdf import html_to_pdf

    data, _ = html_to_pdf(html, workspace, [bundled_root(), workspace])
    return data


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def curriculum_context(c: Curriculum, settings: Settings) -> dict[str, Any]:
    return {**page_context(settings, c.title, "Curriculum"), "source": c.source, "provenance": c.provenance,
            "total_hours": c.total_hours, "modules": [asdict(m) for m in c.modules]}


@dataclass
class CurriculumDocument:
    """A curriculum with what its formats share (the template context, the HTML the PDF is made from)."""

    curriculum: Curriculum
    workspace: Workspace
    _html: list[str] = field(default_factory=list, repr=False)

    @property
    def context(self) -> dict[str, Any]:
        return curriculum_context(self.curriculum, self.workspace.settings)

    def html(self) -> str:
        if not self._html:
            self._html.append(render(self.workspace.root, "curriculum.html.j2", self.context))
        return self._html[0]


def curriculum_json(doc: CurriculumDocument) -> str:
    from .curriculum import curriculum_json as data

    return _json(data(doc.curriculum))


def curriculum_md(doc: CurriculumDocument) -> str:
    return render(doc.workspace.root, "curriculum.md.j2", doc.context)


def curriculum_html(doc: CurriculumDocument) -> str:
    return doc.html()


def curriculum_pdf(doc: CurriculumDocument) -> bytes:
    return _pdf(doc.html(), doc.workspace.root)


def curriculum_docx(doc: CurriculumDocument) -> bytes:
    from .logo import word_bytes
    from .render.docx import render_curriculum_docx

    return render_curriculum_docx(doc.context, doc.workspace.root, word_bytes(doc.workspace.settings.logo))


def write_curriculum(c: Curriculum, name: str, formats: list[str], out: Path, workspace: Workspace) -> list[Path]:
    return render_and_write("curriculum", formats, CurriculumDocument(c, workspace), out, name)


def checklist_context(post: ResolvedPost, settings: Settings) -> dict[str, Any]:
    groups: list[dict[str, Any]] = []
    for item in checklist_items(post):
        if not groups or groups[-1]["key"] != item.cluster:
            groups.append({"key": item.cluster, "title": item.cluster_title, "items": []})
        groups[-1]["items"].append({"id": item.id, "text": item.text})
    return {**page_context(settings, f"Self-assessment: {post.terms['title']}", "Self-assessment"), "groups": groups,
            "scale": list(SCALE.items()), "required_level": post.required_level, "post_name": post.name,
            "columns": list(COLUMNS)}


@dataclass
class ChecklistDocument:
    post: ResolvedPost
    workspace: Workspace
    _html: list[str] = field(default_factory=list, repr=False)

    def html(self) -> str:
        if not self._html:
            context = checklist_context(self.post, self.workspace.settings)
            self._html.append(render(self.workspace.root, "checklist.html.j2", context))
        return self._html[0]


def checklist_html(doc: ChecklistDocument) -> str:
    return doc.html()


def checklist_pdf(doc: ChecklistDocument) -> bytes:
    return _pdf(doc.html(), doc.workspace.root)


def checklist_csv(doc: ChecklistDocument) -> str:
    return sheets.checklist_csv(doc.post)


def checklist_xlsx(doc: ChecklistDocument) -> bytes:
    return sheets.checklist_xlsx(doc.post)


def write_checklist(post: ResolvedPost, formats: list[str], out: Path, workspace: Workspace) -> list[Path]:
    return render_and_write("checklist", formats, ChecklistDocument(post, workspace), out,
                            f"{post.name}-checklist")


def write_gap(post: ResolvedPost, workspace: Workspace, assessments: list[Path], formats: list[str], out: Path,
              problems: Collector) -> list[Path]:
    """Read the assessments (every problem collected); write nothing if any is invalid."""
    from .curriculum import post_curriculum

    known = [i.id for i in checklist_items(post)]
    rows: list[Rating] = []  # also the rows with a wrong rating: reported already, not missing as well
    ratings = read_assessments(assessments, known, problems, rows)
    check_complete(rows, known, problems)
    if problems.errors:
        return []
    curriculum = post_curriculum(post, workspace.library)
    module_of = {ident: (str(m.number), m.title) for m in curriculum.modules for o in m.outcomes
                 for ident in o.competences}
    report = gap_analysis(post, ratings, module_of)
    return render_and_write("gap", formats, GapDocument(post, report, len(known), workspace), out,
                            f"{post.name}-gap")


@dataclass
class GapDocument:
    post: ResolvedPost
    report: Any
    item_count: int
    workspace: Workspace


def gap_json(doc: GapDocument) -> str:
    return _json(sheets.gap_json(doc.report))


def gap_csv(doc: GapDocument) -> str:
    return sheets.gap_csv(doc.report)


@dataclass(frozen=True)
class GapPerson:
    """One row of the gap page's "By person" table: the items below level and their commented ratings."""
    person: str
    gaps: list[str]
    comments: list[dict[str, Any]]


def gap_people(report: Any) -> list[GapPerson]:
    """Group the below-level ratings by person once (linear), so the page does not search them per person."""
    commented: dict[str, list[dict[str, Any]]] = {}
    for row in report.below:
        if row.get("comment"):
            commented.setdefault(row["person"], []).append(row)
    return [GapPerson(p["person"], p["gaps"], commented.get(p["person"], [])) for p in report.people]


def gap_html(doc: GapDocument) -> str:
    report = doc.report
    title = f"Training needs: {doc.post.terms['title']}"
    return render(doc.workspace.root, "gap.html.j2", {
        **page_context(doc.workspace.settings, title, "Training needs analysis"), "people": gap_people(report),
        "below": report.below, "team": report.team, "by_cluster": report.by_cluster, "modules": report.modules,
        "required_level": report.required_level, "required_label": SCALE[report.required_level],
        "item_count": doc.item_count})
