"""Job descriptions: the renderers the registry names for each format (`jd_<format>`).

Each takes a `JobDocument`, which holds what every format reads and keeps what several share
(the view, the HTML that the PDF is made from), so rendering html and pdf builds the HTML once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..bundled import bundled_root

if TYPE_CHECKING:
    from ..posts import ResolvedPost
    from ..workspace import Workspace


@dataclass
class JobDocument:
    """One resolved post with everything its formats need; `refused` collects URLs the PDF
    renderer would not fetch."""

    post: ResolvedPost
    workspace: Workspace
    profile: str = "jd"
    show_warnings: bool = False
    refused: list[str] = field(default_factory=list)
    _views: dict[bool, Any] = field(default_factory=dict, repr=False)
    _html: dict[bool, str] = field(default_factory=dict, repr=False)

    def view(self, warnings: bool = False) -> Any:
        """The typed view of the post; warnings only for the HTML preview, and only when asked."""
        key = warnings and self.show_warnings
        if key not in self._views:
            from ..view import build_view

            ws = self.workspace
            self._views[key] = build_view(self.post, ws.library, ws.settings, dict(ws.clauses), self.profile, key)
        return self._views[key]

    def html(self, warnings: bool = False) -> str:
        key = warnings and self.show_warnings
        if key not in self._html:
            from .html import render_html

            self._html[key] = render_html(self.view(key), self.workspace.root)
        return self._html[key]


def jd_json(doc: JobDocument) -> str:
    from ..view import post_json

    return json.dumps(post_json(doc.post), indent=2, ensure_ascii=False) + "\n"


def jd_html(doc: JobDocument) -> str:
    return doc.html(warnings=True)


def jd_md(doc: JobDocument) -> str:
    from .html import render_markdown

    return render_markdown(doc.view(), doc.workspace.root)


def jd_docx(doc: JobDocument) -> bytes:
    from .docx import render_docx

    return render_docx(doc.view(), doc.workspace.root)


def jd_pdf(doc: JobDocument) -> bytes:
    from .pdf import html_to_pdf

    data, refused = html_to_pdf(doc.html(), doc.workspace.root, [bundled_root(), doc.workspace.root], doc.view().date)
    doc.refused += refused
    return data
