"""`jdgen compare` and `jdgen coverage`: load posts (a bad post is reported, the rest compared),
compute, and render in the chosen format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import Collector, Diagnostic
from .library import yaml_files
from .model import Library
from .posts import ResolvedPost, load_post, resolve

COMPARE_FORMATS = ("table", "html", "csv", "xlsx", "json")


def load_posts(paths: list[Path], library: Library,
               organisation: str | None = None) -> tuple[list[ResolvedPost], list[Diagnostic]]:
    """Resolve every post; invalid posts are left out and their errors returned."""
    files = [f for p in paths for f in (yaml_files(p) if p.is_dir() else [p])]
    posts, problems = [], []
    seen: dict[str, str] = {}
    for f in files:
        doc, found = load_post(f)
        problems += found
        if doc is None:
            continue
        out = Collector()
        post = resolve(doc, library, out, name=f.stem, organisation=organisation)
        problems += out.items
        if out.errors:
            continue
        if post.name in seen:
            problems.append(Diagnostic(doc.path, 0, 0, f"another post is also named '{post.name}' "
                                                       f"({seen[post.name]}); posts are named by their file stem",
                                       hint="rename one of the files", code="output-clash"))
            continue
        seen[post.name] = doc.path
        posts.append(post)
    return posts, problems


def render_compare(posts: list[ResolvedPost], library: Library, fmt: str, order: str, settings: Settings,
                   workspace: Path) -> str | bytes:
    from .compare import compare_pair, matrices, matrices_json, pair_json
    from .render import tables

    m = matrices(posts, library, order)
    report = compare_pair(posts[0], posts[1], library) if len(posts) == 2 else None
    if fmt == "json":
        data: dict[str, Any] = pair_json(report, m) if report else matrices_json(m)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return tables.pair_csv(report) if report else tables.matrices_csv(m)
    if fmt == "xlsx":
        return tables.compare_xlsx(m, report)
    if fmt == "html":
        from .render.compare_html import compare_html

        return compare_html(m, report, settings, workspace)
    return (tables.pair_text(report) + "\n\n" if report else "") + tables.matrices_text(m) + "\n"


def render_coverage(posts: list[ResolvedPost], library: Library, framework: str, fmt: str, settings: Settings,
                    workspace: Path) -> str | bytes:
    from .compare import coverage
    from .render import tables

    c = coverage(posts, library, framework)
    if fmt == "json":
        return json.dumps({"framework": c.framework, "posts": c.posts, "items": c.items, "uncovered": c.uncovered,
                           "coverage": {p: [i["id"] for i in c.items if p in i["covered_by"]] for p in c.posts}},
                          indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return tables.coverage_csv(c)
    if fmt == "xlsx":
        return tables.coverage_xlsx(c)
    if fmt == "html":
        from .render.compare_html import coverage_html

        return coverage_html(c, settings, workspace)
    return tables.coverage_text(c) + "\n"
