"""Documents for the web app, through the same renderers as `jdgen build` and `jdgen compare`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..posts import ResolvedPost
from ..registry import KINDS
from .state import Loaded

FORMATS = KINDS["job-description"].names
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
}


def profiles(loaded: Loaded) -> list[str]:
    """The document profiles: bundled (jd, full, advert) and the workspace's, the default first."""
    from ..profiles import available

    names = list(available(loaded.settings.profiles))
    default = loaded.settings.profile
    return [default, *[n for n in names if n != default]] if default in names else names


def render_post(post: ResolvedPost, loaded: Loaded, fmt: str, profile: str, workspace: Path) -> bytes:
    """One document of a resolved post, as `jdgen build -f FMT --profile P` writes it (PDF fetch rules
    included)."""
    from ..build import render_format

    data, _refused = render_format(post, loaded.library, loaded.settings, loaded.clauses, fmt, workspace, profile)
    return data.encode("utf-8") if isinstance(data, str) else data


def compare_json(posts: list[ResolvedPost], loaded: Loaded, workspace: Path, order: str = "similarity") -> Any:
    """The comparison JSON `jdgen compare --format json` writes."""
    import json

    from ..reports import render_compare

    return json.loads(render_compare(posts, loaded.library, "json", order, loaded.settings, workspace))


def compare_html(posts: list[ResolvedPost], loaded: Loaded, workspace: Path, order: str = "similarity") -> str:
    """The HTML `jdgen compare --format html` writes: side by side (two posts) and heatmaps."""
    from ..reports import render_compare

    return str(render_compare(posts, loaded.library, "html", order, loaded.settings, workspace))
