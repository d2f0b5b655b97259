"""`jdgen curriculum`, `checklist` and `gap`: build the document data and write each format to
OUT/<name>.<ext>, atomically."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from .assessments import (
    COLUMNS,
    SCALE,
    check_complete,
    checklist_csv,
    checklist_items,
    checklist_xlsx,
    gap_analysis,
    gap_csv,
    gap_json,
    read_assessments,
)
from .config import Settings
from .curriculum import Curriculum, curriculum_json
from .errors import Collector
from .library import bundled_root
from .model import Library
from .output import safe_output_path, write_atomic
from .posts import ResolvedPost
from .render.templating import page_context, render

Renderer = Callable[[], str | bytes]


def _write_formats(name: str, formats: list[str], renderers: dict[str, Renderer], out: Path) -> list[Path]:
    """Render every chosen format first, then write each to OUT/<name>.<ext> atomically."""
    documents = {f"{name}.{fmt}": renderers[fmt]() for fmt in formats}
    written = []
    for filename, data in documents.items():
        target = safe_output_path(out, filename)
        write_atomic(target, data)
        written.append(target)
    return written


def _pdf(html: str, workspace: Path) -> bytes:
    from .render.pdf import html_to_pdf

    data, _ = html_to_pdf(html, workspace, [bundled_root(), workspace])
    return data


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def curriculum_context(c: Curriculum, settings: Settings) -> dict[str, Any]:
    return {**page_context(settings, c.title, "Curriculum"), "source": c.source, "provenance": c.provenance,
            "total_hours": c.total_hours, "modules": [asdict(m) for m in c.modules]}


def write_curriculum(c: Curriculum, name: str, formats: list[str], out: Path, settings: Settings,
                     workspace: Path) -> list[Path]:
    context = curriculum_context(c, settings)
    html = cache(lambda: render(workspace, "curriculum.html.j2", context))

    def docx() -> bytes:
        from .render.docx import render_curriculum_docx

        return render_curriculum_docx(context, workspace, settings.logo.read_bytes() if settings.logo else None)

    return _write_formats(name, formats, {
        "json": lambda: _json(curriculum_json(c)),
        "md": lambda: render(workspace, "curriculum.md.j2", context),
        "html": html,
        "pdf": lambda: _pdf(html(), workspace),
        "docx": docx,
    }, out)


def checklist_context(post: ResolvedPost, settings: Settings) -> dict[str, Any]:
    groups: list[dict[str, Any]] = []
    for item in checklist_items(post):
        if not groups or groups[-1]["key"] != item.cluster:
            groups.append({"key": item.cluster, "title": item.cluster_title, "items": []})
        groups[-1]["items"].append({"id": item.id, "text": item.text})
    return {**page_context(settings, f"Self-assessment: {post.terms['title']}", "Self-assessment"), "groups": groups,
            "scale": list(SCALE.items()), "required_level": post.required_level, "post_name": post.name,
            "columns": list(COLUMNS)}


def write_checklist(post: ResolvedPost, formats: list[str], out: Path, settings: Settings,
                    workspace: Path) -> list[Path]:
    html = cache(lambda: render(workspace, "checklist.html.j2", checklist_context(post, settings)))
    return _write_formats(f"{post.name}-checklist", formats, {
        "html": html,
        "pdf": lambda: _pdf(html(), workspace),
        "csv": lambda: checklist_csv(post),
        "xlsx": lambda: checklist_xlsx(post),
    }, out)


def write_gap(post: ResolvedPost, library: Library, assessments: list[Path], formats: list[str], out: Path,
              settings: Settings, workspace: Path, problems: Collector) -> list[Path]:
    """Read the assessments (every problem collected); write nothing if any is invalid."""
    from .curriculum import post_curriculum

    known = [i.id for i in checklist_items(post)]
    ratings = read_assessments(assessments, known, problems)
    if not problems.errors:  # rows with errors would show up again as "missing"
        check_complete(ratings, known, problems)
    if problems.errors:
        return []
    curriculum = post_curriculum(post, library)
    module_of = {ident: (str(m.number), m.title) for m in curriculum.modules for o in m.outcomes
                 for ident in o.competences}
    report = gap_analysis(post, ratings, module_of)
    def html() -> str:
        title = f"Training needs: {post.terms['title']}"
        return render(workspace, "gap.html.j2", {
            **page_context(settings, title, "Training needs analysis"), "people": report.people,
            "below": report.below, "team": report.team, "by_cluster": report.by_cluster, "modules": report.modules,
            "required_level": report.required_level, "required_label": SCALE[report.required_level],
            "item_count": len(known)})

    return _write_formats(f"{post.name}-gap", formats, {
        "json": lambda: _json(gap_json(report)),
        "csv": lambda: gap_csv(report),
        "html": html,
    }, out)
