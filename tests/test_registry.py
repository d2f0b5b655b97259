"""The one registry of output formats: CLI choices and help come from it, every format it names
has a renderer, and every command renders all its formats before writing any."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from jdgen.errors import Diagnostic, JdgenError
from jdgen.registry import KINDS, renderer

Invoke = Callable[..., Result]
POST = Path(__file__).parent / "fixtures" / "posts" / "good.yaml"
COMMAND_OF = {"job-description": "build", "comparison": "compare", "coverage": "coverage",
              "curriculum": "curriculum", "checklist": "checklist", "gap": "gap"}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_format_has_a_renderer(kind: str) -> None:
    for fmt in KINDS[kind].names:
        assert callable(renderer(kind, fmt))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_help_lists_the_registry_formats(kind: str, jdgen: Invoke) -> None:
    text = " ".join(jdgen(COMMAND_OF[kind], "--help").stdout.split())
    for f in KINDS[kind].formats:
        assert f"{f.name} ({f.description})" in text


def test_a_format_outside_the_registry_is_refused(jdgen: Invoke, tmp_path: Path) -> None:
    result = jdgen("checklist", "--post", str(POST), "-f", "csv,docx", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "unknown format 'docx'; choose from html, pdf, csv, xlsx" in result.stderr


def _fail(doc: object) -> str:
    raise JdgenError([Diagnostic("templates/curriculum.md.j2", 3, 1, "template error: boom", code="template-error")])


def test_a_failing_format_writes_nothing(jdgen: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jdgen.training as training

    monkeypatch.setattr(training, "curriculum_md", _fail)
    out = tmp_path / "out"
    result = jdgen("curriculum", "--framework", "ips", "-f", "html,json,md", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == ("templates/curriculum.md.j2:3:1: error: template error: boom\n"
                             "1 error(s), 0 warning(s)\n")
    assert not out.exists() or list(out.iterdir()) == []


def test_a_failing_job_description_format_writes_nothing(jdgen: Invoke, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import jdgen.render.documents as documents

    monkeypatch.setattr(documents, "jd_md", _fail)
    out = tmp_path / "out"
    result = jdgen("build", str(POST), "-f", "html,json,md", "-o", str(out))
    assert result.exit_code == 1
    assert "template error: boom" in result.stderr
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []
