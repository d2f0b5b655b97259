"""Importing a file: read it, find its fields and duties, match them and make the post; also the
in-memory import `jdgen compare` and `coverage` use for .docx and .pdf files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import Collector, Diagnostic, JdgenError, display_path
from ..inputfile import UnreadableFile, read_regular
from ..workspace import Workspace
from ..yamlio import Document
from .matcher import THRESHOLD, matcher_for
from .model import DutyMatch, ImportResult
from .post import post_data, post_name
from .readers import SUFFIXES, fail, read_blocks
from .structure import build


def duty_frameworks(workspace: Workspace, chosen: Sequence[str] = ()) -> list[str]:
    """The frameworks duties are matched against: those chosen, else every duties framework."""
    return list(chosen) or [fw.id for fw in workspace.library.frameworks.values() if fw.is_duties]


def import_bytes(path: Path, data: bytes, workspace: Workspace, frameworks: Sequence[str] = ()) -> ImportResult:
    """Import one document given as bytes (`path` names it and gives its format)."""
    if path.suffix.lower() not in SUFFIXES:
        raise fail(path, f"cannot import a '{path.suffix}' file", "import-unreadable",
                   hint=f"jdgen import reads {', '.join(sorted(SUFFIXES))}")
    blocks, meta_title = read_blocks(path, data)
    if not any(b.text.strip() for b in blocks):
        raise fail(path, "the document is empty: it has no text", "import-empty")
    first_heading = next((b.text for b in blocks if b.kind == "heading"), "")
    doc = build(blocks, path.name, meta_title or first_heading or path.stem)
    if not doc.duties:
        seen = "; headings found: " + ", ".join(f"'{h}'" for h in doc.headings[:8]) if doc.headings else ""
        raise fail(path, "no duties found: no bullet or numbered lines under a duties heading" + seen,
                   "import-no-duties", hint="list the duties as bullets under a heading such as 'Main duties' or "
                                            "'Key responsibilities'")
    found = matcher_for(workspace.library, duty_frameworks(workspace, frameworks)).match(
        [d.text for d in doc.duties])
    matches = tuple(DutyMatch(duty, cands[0] if cands and cands[0].score >= THRESHOLD else None,
                              tuple(cands[1:]), cands[0] if cands else None)
                    for duty, cands in zip(doc.duties, found, strict=True))
    return ImportResult(doc, matches, post_data(doc, matches, workspace.library), post_name(path.stem))


def import_file(path: Path, workspace: Workspace, frameworks: Sequence[str] = ()) -> ImportResult:
    try:
        data = read_regular(path)
    except UnreadableFile as exc:
        raise fail(path, exc.message, exc.code) from None
    return import_bytes(path, data, workspace, frameworks)


def as_document(result: ImportResult, path: str) -> tuple[Document | None, list[Diagnostic]]:
    """The imported post as a schema-checked post document, read from its YAML text as
    `jdgen validate` reads a post file; `path` names it in messages."""
    from ..posts import check_post as schema_check
    from ..yamlio import parse_text
    from .post import post_yaml

    return schema_check(*parse_text(post_yaml(result.post, path).decode("utf-8"), path), partial=True)


def check_post(result: ImportResult, workspace: Workspace, path: str) -> Collector:
    """Validate the imported post as `jdgen validate` would; its diagnostics."""
    from ..posts import resolve

    doc, problems = as_document(result, path)
    out = Collector(list(problems))
    if doc is not None:
        resolve(doc, workspace, out, name=result.name)
    return out


def load_imported(path: Path, workspace: Workspace) -> tuple[Document | None, list[Diagnostic]]:
    """A .docx or .pdf job description imported in memory, as a post document (for compare and
    coverage); its problems instead when it cannot be imported."""
    try:
        result = import_file(path, workspace)
    except JdgenError as exc:
        return None, exc.diagnostics
    return as_document(result, display_path(path))


def import_all(paths: Sequence[Path], workspace: Workspace, frameworks: Sequence[str] = ()) -> list[ImportResult]:
    """Import every file; JdgenError with the problems of all the files that failed."""
    results, problems = [], []
    for path in paths:
        try:
            results.append(import_file(path, workspace, frameworks))
        except JdgenError as exc:
            problems += exc.diagnostics
    if problems:
        raise JdgenError(problems)
    return results
