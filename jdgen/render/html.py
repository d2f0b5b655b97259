"""Job description → self-contained HTML and Markdown through the Jinja templates."""

from __future__ import annotations

from pathlib import Path

from ..view import JobDescriptionView
from .templating import render


def render_html(view: JobDescriptionView, workspace: Path | None) -> str:
    return render(workspace, "job_description.html.j2", view.as_dict())


def render_markdown(view: JobDescriptionView, workspace: Path | None) -> str:
    return render(workspace, "job_description.md.j2", view.as_dict())
