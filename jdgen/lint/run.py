"""Run the lint rules over files or over a post sent as data (the composer): load, pick out the
author's texts, resolve the post (for its duties), and let each enabled rule look."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Collector, Diagnostic
from ..library import is_cluster_data, yaml_files
from ..workspace import Workspace
from ..yamlio import Document, parse_text
from .model import Finding, Subject, Text
from .pay import PayScale, bundled_scales, workspace_scales
from .registry import RULES
from .texts import cluster_texts, post_texts


@dataclass(frozen=True)
class Linter:
    """What every file is linted with: the workspace, its pay scales and the day it is."""

    workspace: Workspace
    today: dt.date
    pay_scales: tuple[PayScale, ...] = ()
    problems: tuple[Diagnostic, ...] = ()  # of the workspace's pay-scales/ files


def linter(workspace: Workspace, today: dt.date | None = None) -> Linter:
    own, problems = workspace_scales(workspace.root)
    return Linter(workspace, today or dt.date.today(), (*bundled_scales(), *own), tuple(problems))


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # files lint could not read
    files: int = 0


def file_kind(path: Path, data: Any) -> str | None:
    """post, cluster, or None for files lint does not read (jdgen.yaml, framework headers)."""
    if path.name == "jdgen.yaml" or not isinstance(data, dict):
        return None
    if is_cluster_data(data):
        return "cluster"
    if "kind" in data and "provenance" in data:
        return None
    return "post"


def lint_document(doc: Document, source: str, kind: str, lint: Linter, name: str = "post") -> list[Finding]:
    """Every finding of the enabled rules in one loaded post or cluster file."""
    workspace = lint.workspace
    post = None
    if kind == "post":
        from ..posts import check_post, resolve

        checked, _ = check_post(doc, [], partial=True)
        if checked is None:
            return []
        doc = checked
        out = Collector()
        try:
            resolved = resolve(doc, workspace, out, name=name)
        except Exception:  # a post the resolver cannot take: its text is still linted
            resolved = None
        post = resolved if not out.errors else None
        raw = post_texts(doc, workspace.library)
    else:
        raw = cluster_texts(doc)
    settings = workspace.settings.lint
    subject = Subject(doc, source, kind, tuple(Text(w, t, k, s) for w, t, k, s in raw), workspace, settings,
                      lint.today, post, lint.pay_scales)
    found: list[Finding] = []
    for rule in RULES.values():
        if kind in rule.kinds and settings.enabled(rule.id):
            found += rule.check(subject)
    return sorted(set(found))


def lint_file(path: Path, lint: Linter) -> tuple[list[Finding], list[Diagnostic]]:
    from ..errors import display_path
    from ..inputfile import MAX_FILE_BYTES, UnreadableFile, read_regular
    from ..yamlio import load_file

    try:
        source = read_regular(path, MAX_FILE_BYTES).decode("utf-8")
    except (UnreadableFile, UnicodeDecodeError):
        return [], load_file(path)[1]  # the loader says what is wrong, at its position
    doc, problems = parse_text(source, display_path(path))
    if doc is None or problems:
        return [], problems
    kind = file_kind(path, doc.data)
    return (lint_document(doc, source, kind, lint, path.stem) if kind else []), []


def default_paths(root: Path) -> list[Path]:
    """The workspace's posts and its own cluster files."""
    return [p for p in (root / "posts", root / "clusters") if p.is_dir()]


def lint_paths(lint: Linter, paths: list[Path]) -> Report:
    report = Report(problems=list(lint.problems))
    for target in paths:
        for path in yaml_files(target) if target.is_dir() else [target]:
            findings, problems = lint_file(path, lint)
            report.findings += findings
            report.problems += problems
            report.files += 1
    return report


def lint_data(data: dict[str, Any], name: str, lint: Linter) -> list[Finding]:
    """Findings of a post sent as data (the composer), with `location` telling each one's field."""
    from ..web.checking import post_text

    virtual = f"posts/{name}.yaml"
    text = post_text(data)
    doc, problems = parse_text(text, virtual)
    if doc is None or problems:
        return []
    return lint_document(doc, text, "post", lint, name)
