"""Template contexts are documented: every field of the job-description view has help text,
and docs/templates.md names each one."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from jdgen.library import bundled_root, check_library, discover
from jdgen.view import JobDescriptionView

DOCS = Path(__file__).parent.parent / "docs" / "templates.md"


def test_every_view_field_has_help() -> None:
    for f in dataclasses.fields(JobDescriptionView):
        assert f.metadata.get("help"), f"JobDescriptionView.{f.name} has no help text"


def test_every_view_field_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [f.name for f in dataclasses.fields(JobDescriptionView) if f"`{f.name}`" not in text]
    assert missing == []


def test_a_copy_of_the_bundled_files_is_not_shadowing(tmp_path: Path) -> None:
    # A workspace holding exact copies of bundled files (e.g. the source checkout used with a
    # non-editable install) loads cleanly; a changed copy is a shadowing error.
    shutil.copytree(bundled_root() / "frameworks", tmp_path / "frameworks")
    shutil.copytree(bundled_root() / "clusters", tmp_path / "clusters")
    _, problems = check_library(discover(tmp_path))
    assert problems == []
    esc = tmp_path / "frameworks" / "esc.yaml"
    esc.write_text(esc.read_text(encoding="utf-8") + "\n# a local edit\n", encoding="utf-8")
    _, problems = check_library(discover(tmp_path))
    assert [d.message for d in problems] == ["framework 'esc' shadows the bundled framework of that id"]
