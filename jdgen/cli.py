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


class JdgenGroup(click.Group):
    """A group that turns invalid input (`JdgenError`) into diagnostics, a summary line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        from .errors import JdgenError

        try:
            return super().invoke(ctx)
        except JdgenError as exc:
            from .reporter import Reporter

            reporter = Reporter()
            reporter.report(exc.diagnostics)
            reporter.finish(failed=True)
            ctx.exit(exc.exit_code)


@click.group(cls=JdgenGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True,
              help="text: PATH:LINE:COL: LEVEL: MESSAGE on stderr; json: a list of diagnostics on stdout; "
                   "github: GitHub Actions workflow commands on stdout.")
@pass_ctx
def validate(ctx: Context, paths: tuple[Path, ...], strict: bool, fmt: str) -> None:
    """Check the bundled library, the workspace, and any files or folders named.

    Post files are checked against the library without building them. Every problem is printed
    as PATH:LINE:COL: error: MESSAGE, then one summary line; the exit code is 1 when any error
    is found (or any warning, under --strict). Each kind of problem has a stable code, shown by
    --format json and github (see docs/diagnostics.md).

    \b
    Examples:
      jdgen validate
      jdgen validate posts/pwp.yaml clusters/local.yaml
      jdgen validate --format json posts/
    """
    from .reporter import Reporter
    from .validate import validate_paths

    report = validate_paths(ctx.workspace, paths)
    reporter = Reporter(fmt)
    reporter.report(report.diagnostics)
    strict_failed = strict and reporter.warnings > 0 and reporter.errors == 0
    if reporter.finish("failed because warnings are errors under --strict" if strict_failed else "",
                       failed=strict_failed):
        sys.exit(1)
    if fmt == "text":
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
        hint = suggest(framework, library.frameworks) or f"known: {', '.join(library.frameworks)}"
        raise click.BadParameter(f"unknown framework '{framework}'; {hint}", param_hint="--framework")
    if cluster:
        clusters = [c for fw in library.frameworks.values() if not framework or fw.id == framework
                    for c in fw.clusters]
        codes = [c.shown_code for c in clusters]
        if cluster not in codes and cluster not in {c.code for c in clusters}:
            hint = suggest(cluster, codes) or f"known: {', '.join(codes)}"
            raise click.BadParameter(f"unknown cluster '{cluster}'; {hint}", param_hint="--cluster")
    if what == "frameworks":
        rows = [listing.framework_record(fw) for fw in library.frameworks.values()
                if not framework or fw.id == framework]
        _emit(fmt, rows, ["id", "kind", "size", "title"])
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


@main.command()
@click.argument("targets", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default="out", show_default=True,
              help="Output folder; each post becomes OUT/<post file stem>.<ext>.")
@click.option("-f", "--formats", default=None,
              help="Comma-separated: pdf, docx, html, md, json (default: jdgen.yaml `formats`, else html,pdf).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes for a folder (default: number of cores).")
@click.option("--force", is_flag=True, help="Rebuild posts even if nothing changed.")
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. supervision below guidance) as errors.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--profile", "-p", default=None, metavar="NAME",
              help="Document profile: jd (default), full, advert, or one of jdgen.yaml's `profiles`.")
@click.option("--show-warnings", is_flag=True, help="Show the post's warnings in the HTML preview (never in print).")
@pass_ctx
def build(ctx: Context, targets: tuple[Path, ...], out: Path, formats: str | None, jobs: int | None, force: bool,
          strict: bool, quiet: bool, profile: str | None, show_warnings: bool) -> None:
    """Build job descriptions from post files or folders of posts.

    A folder builds every post in parallel, writes OUT/index.html linking them, and skips posts
    whose inputs (post, library, templates, options) have not changed. A bad post is reported and
    the others still build; the exit code is then 1.

    \b
    Examples:
      jdgen build examples/posts
      jdgen build posts/pwp.yaml -f pdf,docx -o dist
      jdgen build posts/pwp.yaml --profile advert -f md -o adverts
    """
    from .build import FORMATS, BuildOptions, BuildResult, default_jobs, post_files
    from .build import build as run_build

    settings = _settings(ctx)
    if formats is None:
        formats = ",".join(settings.formats)
    chosen = _split_formats(formats, FORMATS)
    if profile is not None:
        from .profiles import available
        from .schema import suggest

        known = available(settings.profiles)
        if profile not in known:
            raise click.BadParameter(f"unknown profile '{profile}'; "
                                     f"{suggest(profile, known) or 'choose from ' + ', '.join(known)}",
                                     param_hint="--profile")
    options = BuildOptions(out=out, formats=tuple(chosen), workspace=ctx.workspace, strict=strict,
                           profile=profile or settings.profile, show_warnings=show_warnings)
    total = sum(len(post_files(t)) for t in targets)
    show_bar = not quiet and total > 1 and sys.stderr.isatty()
    with click.progressbar(length=total, label="Building", file=sys.stderr,
                           show_pos=True) if show_bar else _NullBar() as bar:
        def advance(_: BuildResult) -> None:
            bar.update(1)

        results = run_build(list(targets), options, jobs or default_jobs(), force, advance)
    from .reporter import Reporter

    reporter = Reporter()
    failed = 0
    for r in results:
        reporter.report(r.diagnostics)
        if r.status == "failed":
            failed += 1
            if strict and not any(d.level == "error" for d in r.diagnostics):
                click.echo(f"{r.post}: error: not built: warnings are errors under --strict", err=True)
        elif not quiet:
            state = "up to date" if r.status == "skipped" else "built"
            click.echo(f"{r.name}: {state} ({', '.join(f.rsplit('.', 1)[-1] for f in r.files)}) in {out}")
    if reporter.finish(f"{failed} of {len(results)} post(s) not built" if failed else "", failed=failed > 0):
        sys.exit(1)


class _NullBar:
    def __enter__(self) -> _NullBar:
        return self

    def __exit__(self, *args: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


@main.group()
def new() -> None:
    """Create starter files."""


@new.command("post")
@click.argument("name")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default="posts",
              show_default=True, help="Folder to write the post into.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new_post(name: str, folder: Path, force: bool) -> None:
    """Write a commented starter post, NAME.yaml.

    \b
    Example:
      jdgen new post band5-pwp && jdgen build posts/band5-pwp.yaml
    """
    from .output import safe_output_path, write_atomic
    from .starter import starter_post

    stem = name.removesuffix(".yaml")
    if not stem or "/" in stem or "\\" in stem or stem.startswith("."):
        raise click.BadParameter("give a plain file name such as band5-pwp", param_hint="NAME")
    target = safe_output_path(folder, f"{stem}.yaml")
    if target.exists() and not force:
        raise click.UsageError(f"{display(target)} already exists (use --force to overwrite)")
    write_atomic(target, starter_post(stem))
    click.echo(f"wrote {display(target)}")


def display(path: Path) -> str:
    from .errors import display_path

    return display_path(path)


def _emit_report(result: str | bytes, out_file: Path | None, fmt: str) -> None:
    """Print a report, or write it atomically to a file; binary formats need a file."""
    from .output import write_atomic

    if out_file is None:
        if isinstance(result, bytes):
            raise click.UsageError(f"--format {fmt} writes a binary file: give -o FILE")
        click.echo(result, nl=False)
        return
    write_atomic(out_file, result)
    click.echo(f"wrote {display(out_file)}", err=True)


def _report_problems(problems: list[Any]) -> Any:
    from .reporter import Reporter

    reporter = Reporter()
    reporter.report(problems)
    return reporter


@main.command()
@click.argument("posts", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "html", "csv", "xlsx", "json"]), default="table",
              show_default=True)
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of the terminal (required for xlsx).")
@click.option("--order", type=click.Choice(["similarity", "file"]), default="similarity", show_default=True,
              help="Order posts so similar ones sit together, or keep file order.")
@pass_ctx
def compare(ctx: Context, posts: tuple[Path, ...], fmt: str, out_file: Path | None, order: str) -> None:
    """Compare posts: two side by side, or three or more (or a folder) as matrices.

    Similarity is the Jaccard index over the framework items (duties and competences) each post
    resolves to, overall and per cluster. A post that does not validate is reported and the
    others are still compared (exit 1).

    \b
    Examples:
      jdgen compare examples/posts/pwp.yaml examples/posts/pwp-trainee.yaml
      jdgen compare examples/posts --format html -o comparison.html
      jdgen compare examples/posts --format xlsx -o comparison.xlsx
    """
    from .reports import load_posts, render_compare

    library = ctx.library()
    settings = _settings(ctx)
    resolved, problems = load_posts(list(posts), library, settings.organisation)
    reporter = _report_problems(problems)
    if len(resolved) < 2:
        reporter.finish(f"need at least two valid posts to compare, found {len(resolved)}", failed=True)
        sys.exit(1)
    _emit_report(render_compare(resolved, library, fmt, "file" if len(resolved) == 2 else order, settings,
                                ctx.workspace), out_file, fmt)
    if reporter.finish():
        sys.exit(1)


@main.command()
@click.argument("posts", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--framework", "-F", default="iapt-li", show_default=True, help="Framework whose items to check.")
@click.option("--format", "fmt", type=click.Choice(["table", "html", "csv", "xlsx", "json"]), default="table",
              show_default=True)
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of the terminal (required for xlsx).")
@pass_ctx
def coverage(ctx: Context, posts: tuple[Path, ...], framework: str, fmt: str, out_file: Path | None) -> None:
    """Which items of a framework each post covers, and which no post covers.

    \b
    Examples:
      jdgen coverage examples/posts --framework iapt-li
      jdgen coverage examples/posts --framework ips --format html -o ips-coverage.html
    """
    from .reports import load_posts, render_coverage
    from .schema import suggest

    library = ctx.library()
    if framework not in library.frameworks or library.frameworks[framework].kind == "reference":
        options = [f.id for f in library.frameworks.values() if f.kind != "reference"]
        hint = suggest(framework, options) or f"choose from {', '.join(options)}"
        raise click.BadParameter(f"'{framework}' is not a duties or competences framework; {hint}",
                                 param_hint="--framework")
    settings = _settings(ctx)
    resolved, problems = load_posts(list(posts), library, settings.organisation)
    reporter = _report_problems(problems)
    _emit_report(render_coverage(resolved, library, framework, fmt, settings, ctx.workspace), out_file, fmt)
    if reporter.finish():
        sys.exit(1)


def _settings(ctx: Context) -> Any:
    from .config import load_config
    from .errors import Collector

    found = Collector()
    settings = load_config(ctx.workspace / "jdgen.yaml", found)
    found.raise_if_errors()
    return settings


def _resolve_post(ctx: Context, library: Any, post: Path) -> Any:
    from .posts import resolve_file

    settings = _settings(ctx)
    resolved = resolve_file(post, library, settings.organisation, settings.full_time_hours, settings.about)
    for w in resolved.warnings:
        click.echo(w.format(), err=True)
    return resolved


def _parse_hours(values: tuple[str, ...]) -> dict[str, float]:
    hours: dict[str, float] = {}
    for value in values:
        code, sep, number = value.partition("=")
        try:
            hours[code.strip()] = float(number)
        except ValueError:
            raise click.BadParameter(f"'{value}' is not CODE=HOURS (e.g. ENG=14)", param_hint="--hours") from None
        if not sep or hours[code.strip()] < 0:
            raise click.BadParameter(f"'{value}' is not CODE=HOURS (e.g. ENG=14)", param_hint="--hours")
    return hours


def _written(paths: list[Path]) -> None:
    for p in paths:
        click.echo(f"wrote {display(p)}")


@main.command()
@click.option("--framework", "-F", help="Build the curriculum of a whole competence or duties framework.")
@click.option("--post", "post", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Build the curriculum a post needs (its duties and competences).")
@click.option("-f", "--formats", default="html", show_default=True, help="Comma-separated: html, pdf, docx, md, json.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default="out", show_default=True,
              help="Output folder.")
@click.option("--hours", multiple=True, metavar="CODE=N", help="Suggested hours for a module (repeatable).")
@pass_ctx
def curriculum(ctx: Context, framework: str | None, post: Path | None, formats: str, out: Path,
               hours: tuple[str, ...]) -> None:
    """A curriculum derived from competences: one module per cluster or domain.

    Each competence becomes one learning outcome (its own `outcome:` wins; abilities become
    "Demonstrate the ability to …", knowledge "Explain …"); sub-competences become assessment
    criteria. Writes OUT/curriculum-<framework>.<ext> or OUT/<post>-curriculum.<ext>.

    \b
    Examples:
      jdgen curriculum --framework ips -f html,pdf,docx
      jdgen curriculum --post examples/posts/pwp.yaml -f json --hours CB=21
    """
    from .curriculum import framework_curriculum, post_curriculum
    from .schema import suggest
    from .training import write_curriculum

    if bool(framework) == bool(post):
        raise click.UsageError("give exactly one of --framework ID or --post FILE")
    chosen = _split_formats(formats, ("html", "pdf", "docx", "md", "json"))
    library = ctx.library()
    module_hours = _parse_hours(hours)
    scope = [library.frameworks[framework]] if framework in library.frameworks else library.frameworks.values()
    codes = {c for fw in scope for cl in fw.clusters for c in (cl.code, cl.shown_code)}
    for code in module_hours:
        if code not in codes:
            hint = suggest(code, codes)
            raise click.BadParameter(f"no module with code '{code}'" + (f"; {hint}" if hint else ""),
                                     param_hint="--hours")
    if framework:
        options = [f.id for f in library.frameworks.values() if f.kind != "reference"]
        if framework not in options:
            raise click.BadParameter(f"unknown framework '{framework}'; "
                                     f"{suggest(framework, options) or 'choose from ' + ', '.join(options)}",
                                     param_hint="--framework")
        result = framework_curriculum(library, framework, module_hours)
        name = f"curriculum-{framework}"
    else:
        assert post is not None
        result = post_curriculum(_resolve_post(ctx, library, post), library, module_hours)
        name = f"{post.stem}-curriculum"
    _written(write_curriculum(result, name, chosen, out, _settings(ctx), ctx.workspace))


@main.command()
@click.option("--post", "post", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The post whose duties and competences to list.")
@click.option("-f", "--formats", default="html,csv", show_default=True, help="Comma-separated: html, pdf, csv, xlsx.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default="out", show_default=True,
              help="Output folder.")
@pass_ctx
def checklist(ctx: Context, post: Path, formats: str, out: Path) -> None:
    """A self-assessment form of a post's duties and competences.

    Rating scale: 0 not yet, 1 with support, 2 independently, 3 can teach others. The CSV and XLSX
    templates have the columns person, item, rating, comment (and the statement, for reference),
    ready to fill in and pass to `jdgen gap`.

    \b
    Example:
      jdgen checklist --post examples/posts/pwp.yaml -f pdf,xlsx
    """
    from .training import write_checklist

    chosen = _split_formats(formats, ("html", "pdf", "csv", "xlsx"))
    library = ctx.library()
    _written(write_checklist(_resolve_post(ctx, library, post), chosen, out, _settings(ctx), ctx.workspace))


@main.command()
@click.option("--post", "post", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The post the people were assessed against.")
@click.option("--assessments", "assessments", required=True, multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="Filled-in checklists: CSV or XLSX files, or a folder of them (repeatable).")
@click.option("-f", "--formats", default="html,json", show_default=True, help="Comma-separated: html, csv, json.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default="out", show_default=True,
              help="Output folder.")
@pass_ctx
def gap(ctx: Context, post: Path, assessments: tuple[Path, ...], formats: str, out: Path) -> None:
    """Training needs analysis from filled-in checklists.

    For each person, the items rated below the post's required level (2 unless the post sets
    `required_level`); a team summary ranking items by how many people need them; and the
    curriculum modules that would close the gaps. Any problem in the assessments (unknown item,
    rating out of range, duplicate or missing rows, wrong sheet or header) is reported with file,
    sheet and row, and nothing is written.

    \b
    Example:
      jdgen gap --post examples/posts/pwp.yaml --assessments team/ -f html,csv
    """
    from .errors import Collector, JdgenError
    from .training import write_gap

    chosen = _split_formats(formats, ("html", "csv", "json"))
    library = ctx.library()
    resolved = _resolve_post(ctx, library, post)
    problems = Collector()
    written = write_gap(resolved, library, list(assessments), chosen, out, _settings(ctx), ctx.workspace, problems)
    if problems.errors:
        raise JdgenError(problems.errors)
    _written(written)


# --- jdgen serve (issue 10): the web composer; everything lives in jdgen/web/ ---
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this machine's loopback is reachable from the network.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another host name the app answers to (e.g. a reverse proxy's); repeatable.")
@pass_ctx
def serve(ctx: Context, host: str, port: int, allow_hosts: tuple[str, ...]) -> None:
    """A local web app: browse the library, compose, preview, save and download posts.

    \b
    Example:
      jdgen -w . serve          then open http://localhost:8000/
    """
    from .web.serve import serve as run

    run(ctx.workspace, host, port, allow_hosts, lambda text: click.echo(text, err=True))
