"""Shared helpers: the fixture workspaces and a CliRunner bound to the real `jdgen` entry point."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jdgen.cli import main

FIXTURES = Path(__file__).parent / "fixtures"

Invoke = Callable[..., Result]


@pytest.fixture
def fixture_dir() -> Callable[[str], Path]:
    """Path of a fixture workspace by name; fails loudly when it does not exist."""

    def get(name: str) -> Path:
        path = FIXTURES / name
        assert path.is_dir(), f"missing fixture workspace {path}"
        return path

    return get


@pytest.fixture
def jdgen() -> Invoke:
    """Run `jdgen ARGS…` in-process; stdout and stderr are kept apart (result.stdout, result.stderr)."""
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke
