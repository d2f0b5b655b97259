"""`jdgen compare` and `jdgen coverage`: load posts (a bad post is reported, the rest compared),
compute, and render in the chosen format."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import Collector, Diagnostic
from .library import yaml_files
from .posts import ResolvedPost, load_post, resolve
from .registry import KINDS, renderer
from .workspace import Workspace

COMPARE_FORMATS = KINDS["comparison"].names
#: Job descriptions compare and coverage import in memory (docs/import.md) instead of reading a post.
IMPORTED = (".docx", ".pdf")


def load_posts(paths: list[Path], workspace: Workspace) -> tuple[list[ResolvedPost], list[Diagnostic]]:
    """Resolve every post; invalid posts are left out and their errors returned. A .docx or .pdf job
    description is imported in memory, as `jdgen import` would write it."""
    files = [f for p in paths for f in (yaml_files(p) if p.is_dir() else [p])]
    posts, problems = [], []
    seen: dict[str, str] = {}
    for f in files:
        if f.suffix.lower() in IMPORTED:
            from .importing.run import load_imported

            doc, found = load_imported(f, workspace)
        else:
            doc, found = load_post(f, partial=True)
        if doc is None:
            problems += found
            continue
        out = Collector(list(found))
        post = resolve(doc, workspace, out, name=f.stem)
        # an imported document has no lines of YAML to point at: its problems name the file alone
        problems += [replace(d, line=0, col=0) for d in out.items] if f.suffix.lower() in IMPORTED else out.items
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


@dataclass
class CompareDocument:
    """Posts compared: the matrices and, for two posts, the side-by-side report."""

    matrices: Any
    pair: Any
    workspace: Workspace


def render_compare(posts: list[ResolvedPost], workspace: Workspace, fmt: str, order: str) -> str | bytes:
    from .compare import compare_pair, matrices, with_ids

    library = workspace.library
    m = with_ids(matrices(posts, library, order), posts, library)
    report = compare_pair(posts[0], posts[1], library) if len(posts) == 2 else None
    return renderer("comparison", fmt)(CompareDocument(m, report, workspace))


def compare_json(doc: CompareDocument) -> str:
    from .compare import matrices_json, pair_json

    data: dict[str, Any] = pair_json(doc.pair, doc.matrices) if doc.pair else matrices_json(doc.matrices)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def compare_csv(doc: CompareDocument) -> str:
    from .render import tables

    return tables.pair_csv(doc.pair) if doc.pair else tables.matrices_csv(doc.matrices)


def compare_xlsx(doc: CompareDocument) -> bytes:
    from .render import tables

    return tables.compare_xlsx(doc.matrices, doc.pair)


def compare_html(doc: CompareDocument) -> str:
    from .render.compare_html import compare_html as page

    return page(doc.matrices, doc.pair, doc.workspace)


def compare_table(doc: CompareDocument) -> str:
    from .render import tables

    return (tables.pair_text(doc.pair) + "\n\n" if doc.pair else "") + tables.matrices_text(doc.matrices) + "\n"


@dataclass
class CoverageDocument:
    coverage: Any
    workspace: Workspace


def render_coverage(posts: list[ResolvedPost], workspace: Workspace, framework: str, fmt: str) -> str | bytes:
    from .compare import coverage

    return renderer("coverage", fmt)(CoverageDocument(coverage(posts, workspace.library, framework), workspace))


def coverage_json(doc: CoverageDocument) -> str:
    c = doc.coverage
    return json.dumps({"framework": c.framework, "posts": c.posts, "items": c.items, "uncovered": c.uncovered,
                       "coverage": {p: [i["id"] for i in c.items if p in i["covered_by"]] for p in c.posts}},
                      indent=2, ensure_ascii=False) + "\n"


def coverage_csv(doc: CoverageDocument) -> str:
    from .render import tables

    return tables.coverage_csv(doc.coverage)


def coverage_xlsx(doc: CoverageDocument) -> bytes:
    from .render import tables

    return tables.coverage_xlsx(doc.coverage)


def coverage_html(doc: CoverageDocument) -> str:
    from .render.compare_html import coverage_html as page

    return page(doc.coverage, doc.workspace)


def coverage_table(doc: CoverageDocument) -> str:
    from .render import tables

    return tables.coverage_text(doc.coverage) + "\n"
