"""docs/commands.md and docs/diagnostics.md are generated (scripts/gen_docs.py); they must match
the code, so that a changed option or a new diagnostic code cannot leave the docs behind."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _gen_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_docs_are_current() -> None:
    stale = [str(path.relative_to(ROOT)) for path, text in _gen_docs().generated().items()
             if not path.is_file() or path.read_text("utf-8") != text]
    assert stale == [], f"run `python scripts/gen_docs.py` to regenerate {', '.join(stale)}"


def test_command_docs_cover_every_command_and_option() -> None:
    text = (ROOT / "docs" / "commands.md").read_text("utf-8")
    for heading in ("## `jdgen validate`", "## `jdgen build`", "## `jdgen new post`", "## `jdgen gap`"):
        assert heading in text
    assert "-f, --format [html|pdf|docx|md|json],…" in text
    assert "--formats" not in text  # hidden old spellings stay out of the docs
    assert "-h, --help" in text


def test_diagnostic_docs_list_every_code() -> None:
    from jdgen.codes import CODES

    text = (ROOT / "docs" / "diagnostics.md").read_text("utf-8")
    assert all(f"| `{code}` |" in text for code in CODES)
