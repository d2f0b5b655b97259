"""How `jdgen lint` prints its findings: text lines with a suggestion, JSON, or GitHub Actions
workflow commands; then the one summary line every command ends with."""

from __future__ import annotations

import json

import click

from ..reporter import Reporter, _escape_data, _escape_property, summary_line
from .model import Finding
from .run import Report


def as_github(f: Finding) -> str:
    """`::warning file=…,line=…,col=…,title=RULE::message` (the suggestion on a second line)."""
    props = [f"file={_escape_property(f.path)}", f"line={f.line}", f"col={f.column}",
             f"title={_escape_property(f.rule)}"]
    message = f.message + (f"\nsuggestion: {f.suggestion}" if f.suggestion else "")
    return f"::{'error' if f.severity == 'error' else 'warning'} {','.join(props)}::{_escape_data(message)}"


def emit(report: Report, fmt: str, strict: bool, reporter: Reporter) -> bool:
    """Print the report; True when the run failed (an error, or a warning under `strict`)."""
    reporter.fmt = fmt
    reporter.report(report.problems)  # files lint could not read: errors as `jdgen validate` words them
    findings = sorted(report.findings)
    errors = reporter.errors + sum(1 for f in findings if f.severity == "error")
    warnings = reporter.warnings + sum(1 for f in findings if f.severity != "error")
    if fmt == "json":
        click.echo(json.dumps({"findings": [f.record() for f in findings]}, indent=2, ensure_ascii=False))
    else:
        for f in findings:
            if fmt == "github":
                click.echo(as_github(f))
            else:
                click.echo(f.format(), err=True)
    reporter.finished = True  # lint prints its own summary line, counting the findings too
    failed = errors > 0 or (strict and warnings > 0)
    detail = "failed because warnings are errors under --strict" if strict and warnings and not errors else ""
    if errors or warnings:
        click.echo(summary_line(errors, warnings, detail), err=True)
    elif fmt == "text":
        click.echo(f"ok: {report.files} file(s), no findings", err=True)
    return failed
