"""`jdgen validate`: the library, the workspace and named files, every problem collected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_NAME, load_config
from .errors import Collector, Diagnostic
from .library import is_cluster_data, yaml_files
from .workspace import check_workspace
from .yamlio import load_file


@dataclass(frozen=True)
class Report:
    diagnostics: list[Diagnostic]
    summary: str


def classify(path: Path) -> str:
    """'post', 'config', 'cluster' or 'framework', from the file's name and keys."""
    if path.name == "jdgen.yaml":
        return "config"
    doc, _ = load_file(path)
    data = doc.data if doc is not None else None
    if isinstance(data, dict):
        if is_cluster_data(data):
            return "cluster"
        if "kind" in data and "provenance" in data:
            return "framework"
        return "post"
    return "post" if "post" in str(path) else "framework"


def expand(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        files += yaml_files(p) if p.is_dir() else [p]
    return files


def validate_paths(root: Path, paths: tuple[Path, ...]) -> Report:
    """Check the workspace at `root` and the files named; never raises for bad input."""
    files = expand(paths)
    kinds = {f: classify(f) for f in files}
    library_files = [f for f in files if kinds[f] in ("cluster", "framework")]
    workspace = check_workspace(root, library_files)
    out = Collector(list(workspace.problems))
    own_config = (root / CONFIG_NAME).resolve()
    for config in (f for f in files if kinds[f] == "config" and f.resolve() != own_config):
        load_config(config, out)
    posts = [f for f in files if kinds[f] == "post"]
    from .posts import load_post, resolve

    for post in posts:
        doc, found = load_post(post, partial=True)
        out.extend(found)
        if doc is not None:
            resolve(doc, workspace, out, name=post.stem)
    library = workspace.library
    items = sum(len(fw.all_items()) for fw in library.frameworks.values())
    summary = f"{len(library.frameworks)} frameworks, {items} items"
    if posts:
        summary += f", {len(posts)} post(s)"
    return Report(sorted(set(out.items)), summary)
