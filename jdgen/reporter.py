"""One way to report: diagnostics as text, JSON or GitHub workflow commands, and one summary line.

Every command ends the same way: when it found problems or failed, the last line on stderr is
`N error(s), M warning(s)` followed by `; DETAIL` where the command has more to say (which posts
were not built, why --strict failed). A clean run prints no summary (`validate` prints `ok: …`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TextIO

from .errors import Diagnostic

FORMATS = ("text", "json", "github")


def summary_line(errors: int, warnings: int, detail: str = "") -> str:
    """The one summary line every command ends with."""
    line = f"{errors} error(s), {warnings} warning(s)"
    return f"{line}; {detail}" if detail else line


def as_json(diagnostics: Iterable[Diagnostic]) -> str:
    """A JSON list of {path, line, col, level, code, message, hint} (line and col 0 when unknown)."""
    return json.dumps([{"path": d.path, "line": d.line, "col": d.col if d.line else 0, "level": d.level,
                        "code": d.code, "message": d.message, "hint": d.hint} for d in diagnostics],
                      indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(d: Diagnostic) -> str:
    """A GitHub Actions workflow command (`::error file=…,line=…,col=…,title=CODE::message`)."""
    props = [f"file={_escape_property(d.path)}"]
    if d.line:
        props += [f"line={d.line}", f"col={d.col or 1}"]
    props.append(f"title={_escape_property(d.code)}")
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    command = "warning" if d.level == "warning" else "error"
    return f"::{command} {','.join(props)}::{_escape_data(message)}"


class Reporter:
    """Prints diagnostics as they come (text, github) or at the end (json), and counts them."""

    def __init__(self, fmt: str = "text", out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.fmt = fmt
        self.out = out
        self.err = err
        self.errors = 0
        self.warnings = 0
        self.collected: list[Diagnostic] = []
        self.finished = False

    def _stream(self, name: str) -> TextIO:
        given = self.out if name == "out" else self.err
        return given if given is not None else (sys.stdout if name == "out" else sys.stderr)

    def _write(self, name: str, text: str) -> None:
        import click

        click.echo(text, file=self._stream(name), nl=False)

    def report(self, diagnostics: Iterable[Diagnostic]) -> None:
        for d in diagnostics:
            if d.level == "error":
                self.errors += 1
            else:
                self.warnings += 1
            if self.fmt == "json":
                self.collected.append(d)
            elif self.fmt == "github":
                self._write("out", as_github(d) + "\n")
            else:
                self._write("err", d.format() + "\n")

    def finish(self, detail: str = "", *, failed: bool = False) -> bool:
        """Flush JSON output and print the summary line when there is anything to sum up.

        Returns whether the run failed (any error, or `failed` set by the caller). Only the first
        call prints; later ones (the CLI calls it once more after every command) return the same.
        """
        failed = failed or self.errors > 0
        if self.finished:
            return failed
        self.finished = True
        if self.fmt == "json":
            self._write("out", as_json(self.collected))
        if failed or self.warnings or detail:
            self._write("err", summary_line(self.errors, self.warnings, detail) + "\n")
        return failed
