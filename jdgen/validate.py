"""`jdgen validate`: the library, the workspace and named files, every problem collected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Collector, Diagnostic
from .library import check_library, discover, is_cluster_data, yaml_files
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


def validate_paths(workspace: Path, paths: tuple[Path, ...]) -> Report:
    """Check everything; never raises for bad input."""
    files = expand(paths)
    kinds = {f: classify(f) for f in files}
    library_files = [f for f in files if kinds[f] in ("cluster", "framework")]
    library, problems = check_library(discover(workspace, library_files))
    out = Collector(list(problems))
    posts = [f for f in files if kinds[f] == "post"]
    configs = [f for f in files if kinds[f] == "config"]
    workspace_config = workspace / "jdgen.yaml"
    if workspace_config.is_file() and workspace_config not in configs:
        configs.append(workspace_config)
    from .config import load_config

    organisation, full_time_hours = None, 37.5
    for config in configs:
        settings = load_config(config, out)
        if config == workspace_config:
            organisation, full_time_hours = settings.organisation, settings.full_time_hours
    if not out.errors or posts:
        from .posts import load_post, resolve

        for post in posts:
            doc, found = load_post(post, partial=True)
            out.extend(found)
            if doc is not None:
                resolve(doc, library, out, name=post.stem, organisation=organisation,
                        full_time_hours=full_time_hours)
    items = sum(len(fw.all_items()) for fw in library.frameworks.values())
    summary = f"{len(library.frameworks)} frameworks, {items} items"
    if posts:
        summary += f", {len(posts)} post(s)"
    return Report(sorted(set(out.items)), summary)
