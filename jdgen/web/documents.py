"""Documents for the web app, through the same renderers as `jdgen build` and `jdgen compare`."""

from __future__ import annotations

from typing import Any

from ..posts import ResolvedPost
from ..registry import KINDS
from ..workspace import Workspace

FORMATS = KINDS["job-description"].names
MEDIA_TYPES = {f.name: f.media_type for f in KINDS["job-description"].formats}


def profiles(workspace: Workspace) -> list[str]:
    """The document profiles: bundled (jd, full, advert) and the workspace's, the default first."""
    return workspace.profiles()


def render_post(post: ResolvedPost, workspace: Workspace, fmt: str, profile: str) -> bytes:
    """One document of a resolved post, as `jdgen build -f FMT --profile P` writes it (PDF fetch rules
    included)."""
    from ..build import render_format

    data, _refused = render_format(post, workspace, fmt, profile)
    return data.encode("utf-8") if isinstance(data, str) else data


def compare_json(posts: list[ResolvedPost], workspace: Workspace, order: str = "similarity") -> Any:
    """The comparison JSON `jdgen compare --format json` writes."""
    import json

    from ..reports import render_compare

    return json.loads(render_compare(posts, workspace, "json", order))


def compare_html(posts: list[ResolvedPost], workspace: Workspace, order: str = "similarity") -> str:
    """The HTML `jdgen compare --format html` writes: side by side (two posts) and heatmaps."""
    from ..reports import render_compare

    return str(render_compare(posts, workspace, "html", order))
