"""Atomic writes and safe output paths: a failure or Ctrl-C never leaves a half-written file,
and nothing is written outside the output folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import Diagnostic, JdgenError


def safe_output_path(out_dir: Path, name: str) -> Path:
    """OUT/name, refusing names that would escape OUT (absolute paths, '..', separators)."""
    target = (out_dir / name).resolve()
    if not target.is_relative_to(out_dir.resolve()) or Path(name).is_absolute():
        raise JdgenError([Diagnostic(name, 0, 0, f"output path '{name}' would be outside {out_dir}",
            code="output-path")])
    return target


def write_atomic(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
