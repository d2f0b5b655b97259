"""The one registry of output formats: for each kind of document, the formats it can be written
in and the function that renders each. The CLI's choices, its help text and the dispatch all
come from here, so a format is added in one place.

Renderers are named as "module:function" and imported only when used, so this module stays
cheap to import (the CLI reads it to build `--help`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple


class Format(NamedTuple):
    """One output format of a document kind."""

    name: str
    description: str
    renderer: str  # "module:function", called with the kind's document object
    binary: bool = False

    @property
    def media_type(self) -> str:
        """The Content-Type of this format's files (web downloads, the OpenAPI description)."""
        return MEDIA_TYPES[self.name]


class DocumentKind(NamedTuple):
    """A kind of document (job description, comparison, …) and its formats, in the order shown."""

    name: str
    title: str
    formats: tuple[Format, ...]
    default: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.formats)

    def format(self, name: str) -> Format:
        for f in self.formats:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no format {name!r}")

    def help(self) -> str:
        """`pdf (PDF/UA-1 for printing), docx (Word), …` for option help."""
        return ", ".join(f"{f.name} ({f.description})" for f in self.formats)


#: Media type of each format name; a new format adds its line here (a test checks every format has one).
MEDIA_TYPES: Mapping[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "table": "text/plain; charset=utf-8",
}


def _f(name: str, description: str, where: str, binary: bool = False) -> Format:
    """A format rendered by `jdgen.<module>:<prefix><name>`, where `where` is "module:prefix"."""
    module, _, prefix = where.partition(":")
    return Format(name, description, f"jdgen.{module}:{prefix}{name}", binary)


_JD = "render.documents:jd_"
_COMPARE = "reports:compare_"
_COVERAGE = "reports:coverage_"
_CURRICULUM = "training:curriculum_"
_CHECKLIST = "training:checklist_"
_GAP = "training:gap_"
KINDS: Mapping[str, DocumentKind] = {k.name: k for k in (
    DocumentKind("job-description", "Job description", (
        _f("html", "a web page", _JD),
        _f("pdf", "tagged PDF for printing and attaching", _JD, True),
        _f("docx", "Word", _JD, True),
        _f("md", "Markdown", _JD),
        _f("json", "the resolved post as data", _JD),
    ), ("html", "pdf")),
    DocumentKind("comparison", "Comparison", (
        _f("table", "plain text on the terminal", _COMPARE),
        _f("html", "a web page with heatmaps", _COMPARE),
        _f("csv", "spreadsheet text", _COMPARE),
        _f("xlsx", "Excel workbook, needs -o", _COMPARE, True),
        _f("json", "data", _COMPARE),
    ), ("table",)),
    DocumentKind("coverage", "Coverage", (
        _f("table", "plain text on the terminal", _COVERAGE),
        _f("html", "a web page", _COVERAGE),
        _f("csv", "spreadsheet text", _COVERAGE),
        _f("xlsx", "Excel workbook, needs -o", _COVERAGE, True),
        _f("json", "data", _COVERAGE),
    ), ("table",)),
    DocumentKind("curriculum", "Curriculum", (
        _f("html", "a web page", _CURRICULUM),
        _f("pdf", "PDF for printing", _CURRICULUM, True),
        _f("docx", "Word", _CURRICULUM, True),
        _f("md", "Markdown", _CURRICULUM),
        _f("json", "data", _CURRICULUM),
    ), ("html",)),
    DocumentKind("checklist", "Self-assessment checklist", (
        _f("html", "a web page", _CHECKLIST),
        _f("pdf", "PDF for printing", _CHECKLIST, True),
        _f("csv", "template to fill in for `jdgen gap`", _CHECKLIST),
        _f("xlsx", "workbook to fill in for `jdgen gap`", _CHECKLIST, True),
    ), ("html", "csv")),
    DocumentKind("gap", "Training needs analysis", (
        _f("html", "a web page", _GAP),
        _f("csv", "the team summary: one row per item someone rates below the level, columns "
                  "item, cluster, count, people, text", _GAP),
        _f("json", "data", _GAP),
    ), ("html", "json")),
)}


def kind(name: str) -> DocumentKind:
    return KINDS[name]


def renderer(kind_name: str, fmt: str) -> Callable[[Any], str | bytes]:
    """The function that renders `fmt` of `kind_name`, imported on first use."""
    spec = KINDS[kind_name].format(fmt).renderer
    module, _, attr = spec.partition(":")
    function: Callable[[Any], str | bytes] = getattr(importlib.import_module(module), attr)
    return function


def render(kind_name: str, formats: tuple[str, ...] | list[str], document: Any) -> dict[str, str | bytes]:
    """Every requested format of one document, rendered in memory (nothing written yet)."""
    return {fmt: renderer(kind_name, fmt)(document) for fmt in formats}


def write_all(out: Path, name: str, rendered: Mapping[str, str | bytes]) -> list[Path]:
    """Write OUT/<name>.<ext> for every rendered format, each atomically, after all rendered."""
    from .output import safe_output_path, write_atomic

    targets = [(safe_output_path(out, f"{name}.{fmt}"), data) for fmt, data in rendered.items()]
    for target, data in targets:
        write_atomic(target, data)
    return [target for target, _ in targets]


def render_and_write(kind_name: str, formats: tuple[str, ...] | list[str], document: Any, out: Path,
                     name: str) -> list[Path]:
    """The one output path: render every format first (a failure writes nothing), then write all."""
    return write_all(out, name, render(kind_name, formats, document))
