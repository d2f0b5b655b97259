"""The jdgen command line: parses options, calls the library, prints results. Nothing else.

Heavy modules (jsonschema, Jinja, WeasyPrint, python-docx, openpyxl) are imported inside the
commands so that `jdgen --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__

FORMATS_HELP = "comma-separated list"


def _split_formats(value: str, allowed: tuple[str, ...]) -> list[str]:
    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in chosen if f not in allowed]
    if bad or not chosen:
        raise click.BadParameter(f"unknown format {', '.join(bad) or '(none)'}; choose from {', '.join(allowed)}")
    return list(dict.fromkeys(chosen))


class Context:
    """What every command needs: the workspace folder and a lazily loaded library."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace

    def library(self, extra: tuple[Path, ...] = ()) -> Any:
        from .library import load_library

        return load_library(self.workspace, extra)


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="jdgen")
@click.option("--workspace", "-w", type=click.Path(file_okay=False, path_type=Path), default=".",
              envvar="JDGEN_WORKSPACE", show_default=True,
              help="Folder with your own frameworks/, clusters/, templates/ and jdgen.yaml.")
@click.pass_context
def main(ctx: click.Context, workspace: Path) -> None:
    """Competence frameworks as data; job descriptions, comparisons and curricula built from them.

    \b
    Examples:
      jdgen validate                       check the bundled library and your workspace
      jdgen list items --framework iapt-li --cluster CB
      jdgen build examples/posts -o out    job descriptions as HTML and PDF
      jdgen compare a.yaml b.yaml          two posts side by side
      jdgen curriculum --framework ips -f html,pdf

    Shell completion (bash): eval "$(_JDGEN_COMPLETE=bash_source jdgen)"
    """
    ctx.obj = Context(workspace)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@pass_ctx
def validate(ctx: Context, paths: tuple[Path, ...], strict: bool) -> None:
    """Check the bundled library, the workspace, and any files or folders named.

    Post files are checked against the library without building them. Every problem is printed
    as PATH:LINE:COL: error: MESSAGE; the exit code is 1 when any error is found.

    \b
    Examples:
      jdgen validate
      jdgen validate posts/pwp.yaml clusters/local.yaml
    """
    from .validate import validate_paths

    report = validate_paths(ctx.workspace, paths)
    for d in report.diagnostics:
        click.echo(d.format(), err=True)
    errors = sum(1 for d in report.diagnostics if d.level == "error")
    warnings = len(report.diagnostics) - errors
    if errors or (strict and warnings):
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
        sys.exit(1)
    click.echo(f"ok: {report.summary}")


@main.command("list")
@click.argument("what", type=click.Choice(["frameworks", "clusters", "items"]))
@click.option("--framework", "-F", help="Only this framework (e.g. iapt-li).")
@click.option("--cluster", "-c", help="Only this cluster or domain code (e.g. CB).")
@click.option("--search", "-s", help="Only items whose text contains TEXT (case-insensitive).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def list_(ctx: Context, what: str, framework: str | None, cluster: str | None, search: str | None,
          fmt: str) -> None:
    """List frameworks, clusters or items.

    \b
    Examples:
      jdgen list frameworks
      jdgen list clusters --framework ips
      jdgen list items --framework iapt-li --cluster "H&S" --format json
      jdgen list items --search "PHQ-9"
    """
    from . import listing
    from .schema import suggest

    library = ctx.library()
    if framework and framework not in library.frameworks:
        raise click.BadParameter(f"unknown framework '{framework}'. {suggest(framework, library.frameworks)}",
                                 param_hint="--framework")
    if what == "frameworks":
        rows = [listing.framework_record(fw) for fw in library.frameworks.values()
                if not framework or fw.id == framework]
        _emit(fmt, rows, ["id", "kind", "items", "title"])
    elif what == "clusters":
        _emit(fmt, listing.cluster_records(library, framework), ["framework", "label", "items", "range", "title"])
    else:
        items = listing.select_items(library, framework, cluster, search)
        records = [listing.item_record(item, library) for item in items]
        if fmt == "json":
            _emit(fmt, records, [])
        else:
            rows = [{"framework": r["framework"], "id": r["label"], "kind": r["kind"], "text": r["text"]}
                    for r in records]
            _emit(fmt, rows, ["framework", "id", "kind", "text"])


def _emit(fmt: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    from .listing import table

    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(table([[str(r[c]) for c in columns] for r in rows], columns))
