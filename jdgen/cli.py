"""The jdgen command line: parses options, calls the library, prints results. Nothing else.

Option values are checked by the parameter types of jdgen.params; problems in input files are
reported by jdgen.reporter; format choices come from jdgen.registry. Heavy modules (jsonschema,
Jinja, WeasyPrint, python-docx, openpyxl) are imported inside the commands so that
`jdgen --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .params import (
    ClusterType,
    FormatsType,
    FrameworkType,
    HoursType,
    ProfileType,
    State,
    record_inputs,
    set_workspace,
    state,
)
from .registry import KINDS

F = TypeVar("F", bound=Callable[..., Any])
WORKSPACE_HELP = ("Folder with your own frameworks/, clusters/, templates/ and jdgen.yaml (default: the nearest "
                  "folder at or above the first input, or the current folder, that holds jdgen.yaml; else the "
                  "current folder).")
WORKSPACE_TYPE = click.Path(exists=True, file_okay=False, path_type=Path)
pass_state = click.make_pass_decorator(State)


class JdgenCommand(click.Command):
    """A command that also takes -w/--workspace after its name, and whose hidden old option
    spellings (`--formats`, `--out`, …) fill in the current option."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(click.Option(["-w", "--workspace"], type=WORKSPACE_TYPE, is_eager=True,
                                        expose_value=False, callback=set_workspace, help=WORKSPACE_HELP))

    def invoke(self, ctx: click.Context) -> Any:
        ctx.params.update(ctx.meta.pop("jdgen.aliases", {}))
        return super().invoke(ctx)


class JdgenGroup(click.Group):
    """A group that turns invalid input (`JdgenError`) into diagnostics, a summary line and exit 1."""

    command_class = JdgenCommand

    def invoke(self, ctx: click.Context) -> Any:
        from .errors import JdgenError

        try:
            result = super().invoke(ctx)
        except JdgenError as exc:
            reporter = state(ctx).reporter
            reporter.report(exc.diagnostics)
            reporter.finish(failed=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:  # Ctrl-C: one line and the shell's code for SIGINT, not "Aborted!"
            click.echo("\ninterrupted: stopped; no partial file was left", err=True)
            ctx.exit(130)
        state(ctx).reporter.finish()  # the summary line, when warnings were reported and not summed up
        return result


JdgenGroup.group_class = JdgenGroup


def alias(*decls: str, of: str, **kwargs: Any) -> Callable[[F], F]:
    """A hidden old spelling of option `of`: still accepted, no longer shown."""

    def remember(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        from click.core import ParameterSource

        if ctx.get_parameter_source(param.name or "") == ParameterSource.COMMANDLINE:
            ctx.meta.setdefault("jdgen.aliases", {})[of] = value

    return click.option(*decls, f"alias_{of}", hidden=True, expose_value=False, callback=remember, **kwargs)


def inputs(name: str, **kwargs: Any) -> Callable[[F], F]:
    """Input files or folders; the first decides where to look for the workspace."""
    return click.argument(name, nargs=-1, is_eager=True, callback=record_inputs,
                          type=click.Path(exists=True, path_type=Path), **kwargs)


def post_option(help_: str, required: bool = False) -> Callable[[F], F]:
    return click.option("--post", "post", required=required, is_eager=True, callback=record_inputs,
                        type=click.Path(exists=True, dir_okay=False, path_type=Path), help=help_)


def formats_option(kind: str, default: str | None, extra: str = "") -> Callable[[F], F]:
    """-f/--format: comma-separated formats of document kind `kind` (old spelling --formats)."""
    ftype = FormatsType(KINDS[kind].names)

    def decorate(f: F) -> F:
        f = alias("--formats", of="formats", type=ftype)(f)
        return click.option("-f", "--format", "formats", type=ftype, default=default,
                            show_default=default is not None,
                            help=f"Comma-separated: {KINDS[kind].help()}.{extra}")(f)

    return decorate


def output_folder_option(help_: str = "Output folder.", *old: str) -> Callable[[F], F]:
    """-o/--output FOLDER (old spellings hidden)."""

    def decorate(f: F) -> F:
        for decl in old:
            f = alias(decl, of="out", type=click.Path(file_okay=False, path_type=Path))(f)
        return click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
                            default="out", show_default=True, help=help_)(f)

    return decorate


def report_options(kind: str) -> Callable[[F], F]:
    """-f/--format (one format) and -o/--output FILE of a report printed or written."""
    ftype = FormatsType(KINDS[kind].names, multiple=False)

    def decorate(f: F) -> F:
        f = click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
                         help="Write to FILE instead of the terminal (required for xlsx).")(f)
        return click.option("-f", "--format", "fmt", type=ftype, default=KINDS[kind].default[0], show_default=True,
                            help=f"One of: {KINDS[kind].help()}.")(f)

    return decorate


@click.group(cls=JdgenGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="jdgen")
@click.option("--workspace", "-w", type=WORKSPACE_TYPE, default=None, envvar="JDGEN_WORKSPACE",
              help=WORKSPACE_HELP + " Also accepted after the command.")
@click.pass_context
def main(ctx: click.Context, workspace: Path | None) -> None:
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
    ctx.obj = State(workspace)


@main.command()
@inputs("paths")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True,
              help="text: PATH:LINE:COL: LEVEL: MESSAGE on stderr; json: a list of diagnostics on stdout; "
                   "github: GitHub Actions workflow commands on stdout.")
@pass_state
def validate(st: State, paths: tuple[Path, ...], strict: bool, fmt: str) -> None:
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
    from .validate import validate_paths

    report = validate_paths(st.folder, paths)
    reporter = st.reporter
    reporter.fmt = fmt
    reporter.report(report.diagnostics)
    strict_failed = strict and reporter.warnings > 0 and reporter.errors == 0
    if reporter.finish("failed because warnings are errors under --strict" if strict_failed else "",
                       failed=strict_failed):
        sys.exit(1)
    if fmt == "text":
        click.echo(f"ok: {report.summary}")


@main.command()
@inputs("paths")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True,
              help="text: PATH:LINE:COL: warning: MESSAGE (rule) on stderr; json: {\"findings\": […]} on stdout; "
                   "github: GitHub Actions workflow commands on stdout.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@pass_state
def lint(st: State, paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check the wording of posts and of the workspace's own clusters.

    Rules: gendered-wording, exclusionary-wording, long-sentence, readability, acronym,
    salary-band, closing-date, duplicate-duty, placeholder (see docs/lint.md; switch one off or
    tune it under `lint:` in jdgen.yaml). Only text the author wrote is checked, never the
    bundled frameworks' wording. Default PATHS: the workspace's posts/ and clusters/. Exit 0 with
    warnings, 1 with errors (or warnings under --strict), 2 for usage errors.

    \b
    Examples:
      jdgen lint
      jdgen lint examples/posts --format json
      jdgen lint posts/pwp.yaml --strict
    """
    from .lint.output import emit
    from .lint.run import default_paths, lint_paths, linter

    workspace = st.workspace()
    report = lint_paths(linter(workspace), list(paths) or default_paths(workspace.root))
    if emit(report, fmt, strict, st.reporter):
        sys.exit(1)


LIST_COLUMNS = {"frameworks": ["id", "kind", "size", "title"],
                "clusters": ["framework", "label", "items", "range", "title"],
                "items": ["framework", "id", "kind", "text"]}


@main.command("list")
@click.argument("what", type=click.Choice(list(LIST_COLUMNS)))
@click.option("--framework", "-F", type=FrameworkType(), help="Only this framework (e.g. iapt-li, ksf).")
@click.option("--cluster", "-c", type=ClusterType(), help="Only this cluster or domain code (e.g. CB).")
@click.option("--search", "-s", help="Only items whose text contains TEXT (case-insensitive).")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_state
def list_(st: State, what: str, framework: str | None, cluster: str | None, search: str | None, fmt: str) -> None:
    """List frameworks, clusters or items.

    The items of a reference framework are its entries (KSF dimensions with their levels, ESCs,
    NOS) or supervision profiles.

    \b
    Examples:
      jdgen list frameworks
      jdgen list clusters --framework ips
      jdgen list items --framework iapt-li --cluster "H&S" --format json
      jdgen list items --framework ksf
      jdgen list items --search "PHQ-9"
    """
    from . import listing

    rows = listing.records(st.workspace().library, what, framework, cluster, search)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        from .texttable import table

        columns = LIST_COLUMNS[what]
        shown = [listing.item_row(r) for r in rows] if what == "items" else rows
        click.echo(table([[str(r[c]) for c in columns] for r in shown], columns))


@main.command()
@inputs("targets", required=True)
@output_folder_option("Output folder; each post becomes OUT/<post file stem>.<ext>.", "--out")
@formats_option("job-description", None, " Default: jdgen.yaml `formats`, else html,pdf.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes for a folder (default: number of cores).")
@click.option("--force", is_flag=True, help="Rebuild posts even if nothing changed.")
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. supervision below guidance) as errors.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--profile", "-p", type=ProfileType(), default=None,
              help="Document profile: jd (default), full, advert, or one of jdgen.yaml's `profiles`.")
@click.option("--show-warnings", is_flag=True, help="Show the post's warnings in the HTML preview (never in print).")
@pass_state
def build(st: State, targets: tuple[Path, ...], out: Path, formats: tuple[str, ...] | None, jobs: int | None,
          force: bool, strict: bool, quiet: bool, profile: str | None, show_warnings: bool) -> None:
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
    from .build import BuildOptions, BuildResult, default_jobs, post_files
    from .build import build as run_build

    workspace = st.workspace()
    chosen = formats or tuple(workspace.settings.formats)
    options = BuildOptions(out=out, formats=tuple(chosen), strict=strict,
                           profile=profile or workspace.settings.profile, show_warnings=show_warnings)
    if "docx" in chosen:
        from .logo import word_notice

        st.reporter.report(word_notice(workspace.settings.logo, workspace.root / "jdgen.yaml"))  # an SVG logo
    total = sum(len(post_files(t)) for t in targets)
    show_bar = not quiet and total > 1 and sys.stderr.isatty()
    with click.progressbar(length=total, label="Building", file=sys.stderr,
                           show_pos=True) if show_bar else _NullBar() as bar:
        def advance(_: BuildResult) -> None:
            bar.update(1)

        results = run_build(list(targets), workspace, options, jobs or default_jobs(), force, advance)
    reporter = st.reporter
    failed = 0
    for r in results:
        reporter.report(r.diagnostics)
        if r.status == "failed":
            failed += 1
            if strict and not any(d.level == "error" for d in r.diagnostics):
                click.echo(f"{r.post}: error: not built: warnings are errors under --strict", err=True)
        elif not quiet:
            state_ = "up to date" if r.status == "skipped" else "built"
            click.echo(f"{r.name}: {state_} ({', '.join(f.rsplit('.', 1)[-1] for f in r.files)}) in {out}")
    if reporter.finish(f"{failed} of {len(results)} post(s) not built" if failed else "", failed=failed > 0):
        sys.exit(1)


class _NullBar:
    def __enter__(self) -> _NullBar:
        return self

    def __exit__(self, *args: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".", required=False)
@click.option("--force", is_flag=True, help="Overwrite the files init writes (other files are never touched).")
def init(folder: Path, force: bool) -> None:
    """Start a workspace in FOLDER (default: the current folder; created if needed).

    Writes jdgen.yaml (commented settings: organisation, address, logo, colours, full-time
    hours), posts/example-post.yaml (a starter post whose example texts `jdgen validate` warns
    about until they are replaced), templates/ (empty but for a README on overriding templates)
    and a short README.md. Refuses, writing nothing, when any of these files exists (exit 2),
    unless --force.

    \b
    Example:
      jdgen init my-service && cd my-service && jdgen build posts/
    """
    from .starter import InitRefused, init_workspace

    try:
        written = init_workspace(folder, force)
    except InitRefused as exc:
        raise click.UsageError(str(exc)) from None
    _written(written)


@main.group()
def new() -> None:
    """Create starter files."""


@new.command("post")
@click.argument("name")
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path), default="posts",
              show_default=True, help="Folder to write the post into.")
@alias("--dir", of="folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@pass_state
def new_post(st: State, name: str, folder: Path, force: bool) -> None:
    """Write a commented starter post, NAME.yaml.

    The organisation and address are jdgen.yaml's when it sets them; the posting date is today
    and the closing date three weeks later. Replace the example texts: `jdgen validate` warns
    about any left in the post (an error under --strict).

    \b
    Example:
      jdgen new post band5-pwp && jdgen build posts/band5-pwp.yaml
    """
    from .output import safe_output_path, windows_reserved, write_atomic
    from .starter import starter_post

    stem = name.removesuffix(".yaml")
    if not stem or "/" in stem or "\\" in stem or stem.startswith("."):
        raise click.BadParameter("give a plain file name such as band5-pwp", param_hint="NAME")
    if windows_reserved(stem):
        raise click.BadParameter(f"'{stem}' is a name Windows keeps for a device: choose another", param_hint="NAME")
    target = safe_output_path(folder, f"{stem}.yaml")
    if target.exists() and not force:
        raise click.UsageError(f"{display(target)} already exists (use --force to overwrite)")
    settings = st.workspace().settings
    write_atomic(target, starter_post(stem, settings.organisation, settings.address, folder=display(folder)))
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


def _load_posts(st: State, posts: tuple[Path, ...]) -> tuple[list[Any], Any]:
    """Resolve the posts; their problems are reported now, the reporter returned for the summary."""
    from .reports import load_posts

    resolved, problems = load_posts(list(posts), st.workspace())
    st.reporter.report(problems)
    return resolved, st.reporter


@main.command()
@inputs("posts", required=True)
@report_options("comparison")
@click.option("--order", type=click.Choice(["similarity", "file"]), default="similarity", show_default=True,
              help="Order posts so similar ones sit together, or keep file order.")
@pass_state
def compare(st: State, posts: tuple[Path, ...], fmt: str, out_file: Path | None, order: str) -> None:
    """Compare posts: two side by side, or three or more (or a folder) as matrices.

    Similarity is the Jaccard index over the framework items (duties and competences) each post
    resolves to, overall and per cluster. A post that does not validate is reported and the
    others are still compared (exit 1). A Word (.docx) or PDF job description is imported in
    memory, as `jdgen import` would write it (see docs/import.md).

    \b
    Examples:
      jdgen compare examples/posts/pwp.yaml examples/posts/pwp-trainee.yaml
      jdgen compare examples/posts --format html -o comparison.html
      jdgen compare examples/posts --format xlsx -o comparison.xlsx
      jdgen compare provider-a.docx provider-b.pdf examples/posts/pwp.yaml
    """
    from .reports import render_compare

    resolved, reporter = _load_posts(st, posts)
    if len(resolved) < 2:
        reporter.finish(f"need at least two valid posts to compare, found {len(resolved)}", failed=True)
        sys.exit(1)
    _emit_report(render_compare(resolved, st.workspace(), fmt, "file" if len(resolved) == 2 else order),
                 out_file, fmt)
    if reporter.finish():
        sys.exit(1)


@main.command()
@inputs("posts", required=True)
@click.option("--framework", "-F", type=FrameworkType(documents=True), default="iapt-li", show_default=True,
              help="Framework whose items to check.")
@report_options("coverage")
@pass_state
def coverage(st: State, posts: tuple[Path, ...], framework: str, fmt: str, out_file: Path | None) -> None:
    """Which items of a framework each post covers, and which no post covers.

    Word (.docx) and PDF job descriptions are imported in memory, as by `jdgen compare`.

    \b
    Examples:
      jdgen coverage examples/posts --framework iapt-li
      jdgen coverage examples/posts --framework ips --format html -o ips-coverage.html
    """
    from .reports import render_coverage

    resolved, reporter = _load_posts(st, posts)
    _emit_report(render_coverage(resolved, st.workspace(), framework, fmt), out_file, fmt)
    if reporter.finish():
        sys.exit(1)


def _resolve_post(st: State, post: Path) -> Any:
    """Resolve one post (JdgenError when invalid); its warnings are printed."""
    from .posts import resolve_file

    resolved = resolve_file(post, st.workspace())
    st.reporter.report(resolved.warnings)
    return resolved


def _written(paths: list[Path]) -> None:
    for p in paths:
        click.echo(f"wrote {display(p)}")


@main.command()
@click.option("--framework", "-F", type=FrameworkType(documents=True),
              help="Build the curriculum of a whole competence or duties framework.")
@post_option("Build the curriculum a post needs (its duties and competences).")
@formats_option("curriculum", "html")
@output_folder_option("Output folder.", "--out")
@click.option("--hours", multiple=True, type=HoursType(),
              help="Suggested hours for the module of cluster CODE, more than 0 and at most 2000 (repeatable).")
@pass_state
def curriculum(st: State, framework: str | None, post: Path | None, formats: tuple[str, ...], out: Path,
               hours: tuple[tuple[str, float], ...]) -> None:
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
    from .training import write_curriculum

    if bool(framework) == bool(post):
        raise click.UsageError("give exactly one of --framework ID or --post FILE")
    module_hours = dict(hours)
    if framework:
        result = framework_curriculum(st.workspace().library, framework, module_hours)
        name = f"curriculum-{framework}"
    else:
        assert post is not None
        result = post_curriculum(_resolve_post(st, post), st.workspace().library, module_hours)
        name = f"{post.stem}-curriculum"
    if "docx" in formats:
        from .logo import word_notice

        settings = st.workspace().settings
        st.reporter.report(word_notice(settings.logo, st.workspace().root / "jdgen.yaml"))  # an SVG logo
    _written(write_curriculum(result, name, list(formats), out, st.workspace()))


@main.command()
@post_option("The post whose duties and competences to list.", required=True)
@formats_option("checklist", "html,csv")
@output_folder_option("Output folder.", "--out")
@pass_state
def checklist(st: State, post: Path, formats: tuple[str, ...], out: Path) -> None:
    """A self-assessment form of a post's duties and competences.

    Rating scale: 0 not yet, 1 with support, 2 independently, 3 can teach others. The CSV and XLSX
    templates have the columns person, item, rating, comment (and the statement, for reference),
    ready to fill in and pass to `jdgen gap`.

    \b
    Example:
      jdgen checklist --post examples/posts/pwp.yaml -f pdf,xlsx
    """
    from .training import write_checklist

    _written(write_checklist(_resolve_post(st, post), list(formats), out, st.workspace()))


@main.command()
@post_option("The post the people were assessed against.", required=True)
@click.option("--assessments", "assessments", required=True, multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="Filled-in checklists: CSV or XLSX files, or a folder of them (repeatable).")
@formats_option("gap", "html,json")
@output_folder_option("Output folder.", "--out")
@pass_state
def gap(st: State, post: Path, assessments: tuple[Path, ...], formats: tuple[str, ...], out: Path) -> None:
    """Training needs analysis from filled-in checklists.

    The assessments are checklists from `jdgen checklist` (CSV, or XLSX with a sheet named
    Checklist), one person or many per file. The first row names the columns: person, item,
    rating, comment, statement (any order; comment and statement may be left out, and statement
    is ignored). Each person rates every item of the post once, 0 to 3.

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

    resolved = _resolve_post(st, post)
    problems = Collector()
    written = write_gap(resolved, st.workspace(), list(assessments), list(formats), out, problems)
    if problems.errors:
        raise JdgenError(problems.errors)
    _written(written)


# --- jdgen case (issue 18): frameworks in and out as 1EdTech CASE 1.1 packages; see jdgen/case/ ---
@main.group()
def case() -> None:
    """Frameworks out and in as 1EdTech CASE 1.1 packages (JSON).

    CASE is how OpenSALT, CaSS and the CASE Network exchange competence frameworks. See
    docs/case.md for what maps to what and what is lost.
    """


@case.command("export")
@click.argument("framework", type=FrameworkType())
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the package to FILE instead of the terminal.")
@pass_state
def case_export(st: State, framework: str, out_file: Path | None) -> None:
    """Write FRAMEWORK as a CASE 1.1 package (CFDocument, CFItems, CFAssociations).

    Clusters and items become CFItems (humanCodingScheme = the code) joined by isChildOf; links
    to KSF, ESC and NOS become isRelatedTo associations. Identifiers are UUIDs derived from the
    framework id and the codes, and timestamps are fixed, so two exports are byte-identical.

    \b
    Examples:
      jdgen case export iapt-li -o iapt-li.case.json
      jdgen case export ksf > ksf.case.json
    """
    from .case.export import NothingToExport, export_package, package_json

    workspace = st.workspace()
    fw = workspace.library.frameworks[framework]
    creator = "jdgen" if fw.origin == "bundled" else (workspace.settings.organisation or "jdgen")
    try:
        text = package_json(export_package(fw, workspace.library, creator))
    except NothingToExport as exc:
        raise click.BadParameter(str(exc), param_hint="FRAMEWORK") from None
    _emit_report(text, out_file, "json")


@case.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "framework_id", metavar="ID",
              help="Id of the imported framework (default: the id jdgen gave it, else made from its title).")
@pass_state
def case_import(st: State, file: Path, framework_id: str | None) -> None:
    """Import the CASE package FILE into the workspace as a framework.

    Writes a framework header (frameworks/ID.yaml) and cluster files (clusters/ID/).
    Top-level CFItems with children become clusters, their children items, deeper ones
    sub-items; items without a cluster go into one cluster (OTHER). Nothing is ever replaced: an
    id that a bundled or workspace framework has, or whose files exist, is refused.

    \b
    Examples:
      jdgen case import downloads/framework.json --id local-skills
      jdgen -w my-service case import iapt-li.case.json --id my-li
    """
    from .case.importer import check_plan, default_id, id_problem, plan_import, write_plan
    from .case.package import read_package
    from .errors import Diagnostic, JdgenError

    library = st.workspace().library
    if framework_id is not None and (problem := id_problem(framework_id, library)):
        raise click.BadParameter(f"{problem[0]}", param_hint="--id")
    package = read_package(file)
    chosen = framework_id or default_id(package)
    if framework_id is None and (problem := id_problem(chosen, library)):
        message, hint, code = problem
        raise JdgenError([Diagnostic(display(file), 0, 0, message, hint=hint, code=code)])
    plan = plan_import(package, chosen, library)
    faults = check_plan(plan)
    if faults:
        raise JdgenError(faults)
    st.reporter.report(plan.warnings)
    written = write_plan(plan, st.folder)
    _written(written)
    click.echo(f"imported '{chosen}': {plan.clusters} cluster(s), {plan.items} item(s)")


# --- jdgen import (issue 18): job descriptions written elsewhere, read into posts; see jdgen/importing/ ---
IMPORT_TYPES = ".docx, .pdf, .html, .htm, .md, .txt"


@main.command("import")
@click.argument("files", nargs=-1, required=True, is_eager=True, callback=record_inputs,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the posts into (default: the workspace's posts/).")
@click.option("--framework", "-F", "frameworks", multiple=True, type=FrameworkType(documents=True),
              help="Match duties against this framework only (repeatable; default: every duties framework).")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="The report: text for people, json for tools.")
@click.option("--force", is_flag=True, help="Overwrite posts that exist.")
@pass_state
def import_(st: State, files: tuple[Path, ...], out: Path | None, frameworks: tuple[str, ...], fmt: str,
            force: bool) -> None:
    """Read job descriptions (Word, PDF, HTML, Markdown, text) into posts, one per file.

    Header fields (a two-column table or "Label: value" lines) become the post's terms; every
    bullet or numbered line under a duties heading is matched to a framework item by text
    similarity. A match keeps the employer's wording as the item's rewording; a duty no item
    matches is kept as a local duty under the employer's heading. Each file gives
    DIR/<file stem>.yaml; nothing is written when any file cannot be read, and no post is
    overwritten without --force. See docs/import.md.

    \b
    Examples:
      jdgen import band5-pwp.docx
      jdgen import jds/*.pdf -o imported --framework iapt-li --format json
    """
    from .importing.post import post_yaml
    from .importing.readers import SUFFIXES
    from .importing.report import as_json, as_text
    from .importing.run import check_post, import_all
    from .output import safe_output_path, write_atomic

    for f in files:
        if f.suffix.lower() not in SUFFIXES:
            raise click.BadParameter(f"{display(f)}: cannot import '{f.suffix or f.name}' files; give {IMPORT_TYPES}",
                                     param_hint="FILES")
    workspace = st.workspace()
    folder = out if out is not None else workspace.root / "posts"
    results = import_all(list(files), workspace, frameworks)
    targets = [safe_output_path(folder, f"{r.name}.yaml") for r in results]
    seen: dict[Path, Path] = {}
    for source, target in zip(files, targets, strict=True):
        if target in seen:
            raise click.UsageError(f"{display(seen[target])} and {display(source)} would both be written to "
                                   f"{display(target)}; import them separately with -o")
        seen[target] = source
        if target.exists() and not force:
            raise click.UsageError(f"{display(target)} already exists (use --force to overwrite)")
    texts = []
    for source, result, target in zip(files, results, targets, strict=True):
        text = post_yaml(result.post, source.name)
        problems = check_post(result, workspace, display(target))
        if problems.errors:  # a fault of jdgen's: an imported post must always validate
            from .errors import Diagnostic, JdgenError

            raise JdgenError([Diagnostic(display(source), 0, 0, "the imported post does not validate: "
                                         + problems.errors[0].message, code="internal-error")])
        texts.append(text)
    for target, text in zip(targets, texts, strict=True):
        write_atomic(target, text)
    shown = [(r, display(t)) for r, t in zip(results, targets, strict=True)]
    click.echo(as_json(shown) if fmt == "json" else as_text(shown), nl=False)


# --- jdgen serve (issue 10, 19): the web composer; everything lives in jdgen/web/ ---
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs accounts (jdgen users add) or "
                   "--trust-proxy-user.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another host name the app answers to (e.g. a reverse proxy's); repeatable.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes: 1 runs on waitress (threads, every platform); more run on gunicorn (Unix).")
@click.option("--trust-proxy-user", metavar="HEADER", default=None,
              help="A login proxy in front (single sign-on) names the user in this request header; trusted only "
                   "with this option. Never use it without such a proxy.")
@click.option("--secure-cookies", is_flag=True, help="Mark the session cookie Secure (served over HTTPS).")
@click.option("--behind-proxy", is_flag=True,
              help="Trust one reverse proxy's X-Forwarded-For and X-Forwarded-Proto (client address for the "
                   "login throttle, https links).")
@pass_state
def serve(st: State, host: str, port: int, allow_hosts: tuple[str, ...], workers: int,
          trust_proxy_user: str | None, secure_cookies: bool, behind_proxy: bool) -> None:
    """A web app: browse the library, compose, preview, save and download posts.

    Without accounts it is a single-user tool on this machine; with accounts (jdgen users) every
    page needs a login. The session key is kept in .jdgen/secret_key (or JDGEN_SECRET_KEY), so logins
    and open pages survive a restart. See docs/deployment.md.

    \b
    Examples:
      jdgen -w . serve          then open http://localhost:8000/
      jdgen -w . serve --host 0.0.0.0 --workers 4 --secure-cookies --behind-proxy
    """
    from .accounts import AccountError
    from .web.secret import SecretError
    from .web.serve import ServeError, ServeOptions
    from .web.serve import serve as run

    options = ServeOptions(host, port, allow_hosts, workers, trust_proxy_user, secure_cookies, behind_proxy)
    try:
        run(st.folder, options, lambda text: click.echo(text, err=True))
    except (ServeError, SecretError) as exc:
        raise click.UsageError(str(exc)) from None
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None


# --- jdgen users (issue 19): the composer's accounts, in .jdgen/users.json ---
@main.group()
def users() -> None:
    """The web composer's accounts (kept in the workspace's .jdgen/users.json).

    Once a workspace has an account, every page and API call of `jdgen serve` needs a login.
    Roles: author (writes posts), reviewer (returns them with comments), approver (approves
    others' posts), admin (everything).
    """


def _accounts_call(call: Callable[[], Any]) -> Any:
    from .accounts import AccountError

    try:
        return call()
    except AccountError as exc:
        if exc.exit_code == 2:
            raise click.UsageError(str(exc)) from None
        raise click.ClickException(str(exc)) from None


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")
    return password


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["author", "reviewer", "approver", "admin"]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@pass_state
def users_add(st: State, name: str, role: str, password_stdin: bool) -> None:
    """Add an account (asks for the password twice, hidden).

    \b
    Example:
      jdgen users add alice --role author
    """
    from . import accounts

    _accounts_call(lambda: accounts.check_name(name))
    password = _new_password(password_stdin)
    _accounts_call(lambda: accounts.add(st.folder, name, role, password))
    click.echo(f"added {name} ({role})", err=True)


@users.command("list")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_state
def users_list(st: State, fmt: str) -> None:
    """List the accounts and their roles."""
    from . import accounts

    found = _accounts_call(lambda: accounts.load(st.folder))
    if fmt == "json":
        click.echo(json.dumps({"users": [{"name": a.name, "role": a.role} for a in found.values()]}, indent=2))
        return
    if not found:
        click.echo("no accounts: the composer is a single-user tool (add one: jdgen users add NAME --role admin)",
                   err=True)
    for account in found.values():
        click.echo(f"{account.name}\t{account.role}")


@users.command("remove")
@click.argument("name")
@pass_state
def users_remove(st: State, name: str) -> None:
    """Remove an account (its logins end at once)."""
    from . import accounts

    _accounts_call(lambda: accounts.remove(st.folder, name))
    click.echo(f"removed {name}", err=True)


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@pass_state
def users_passwd(st: State, name: str, password_stdin: bool) -> None:
    """Set an account's password (its other logins end at once)."""
    from . import accounts

    _accounts_call(lambda: accounts.get(st.folder, name))  # an unknown name fails before the password is asked
    password = _new_password(password_stdin)
    _accounts_call(lambda: accounts.set_password(st.folder, name, password))
    click.echo(f"password of {name} changed", err=True)


__all__ = ["main", "state"]
