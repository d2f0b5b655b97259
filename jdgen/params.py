"""The CLI's shared state (workspace, settings and library, each found or loaded once per
command) and the click parameter types that check option values against them.

Only click is imported at module level, so `jdgen --help` stays fast; the library is loaded the
first time an option value needs it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.shell_completion import CompletionItem

if TYPE_CHECKING:
    from .reporter import Reporter
    from .workspace import Workspace


def find_workspace(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds jdgen.yaml (as git finds .git)."""
    from .config import CONFIG_NAME

    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


class State:
    """What every command shares: where the workspace is, the one `Workspace` loaded from it (once,
    on first use) and the command's reporter."""

    def __init__(self, folder: Path | None = None) -> None:
        self.given = folder
        self.inputs: list[Path] = []
        self._folder: Path | None = None
        self._workspace: Workspace | None = None
        self._reporter: Reporter | None = None

    @property
    def reporter(self) -> Reporter:
        """The command's one Reporter: every diagnostic goes through it, and it prints the summary."""
        if self._reporter is None:
            from .reporter import Reporter

            self._reporter = Reporter()
        return self._reporter

    @property
    def folder(self) -> Path:
        """-w if given; else the nearest jdgen.yaml folder at or above the first input (or the
        current folder); else the current folder. Decided on first use."""
        if self._folder is None:
            if self.given is not None:
                self._folder = self.given
            else:
                start = self.inputs[0] if self.inputs else Path.cwd()
                self._folder = find_workspace(start) or Path(".")
        return self._folder

    def workspace(self) -> Workspace:
        """The library, settings and templates of the workspace (JdgenError when any is invalid)."""
        if self._workspace is None:
            from .workspace import load_workspace

            self._workspace = load_workspace(self.folder)
        return self._workspace


def state(ctx: click.Context) -> State:
    """The command's State; created from the root's -w when callbacks did not run (completion)."""
    found = ctx.find_object(State)
    if found is None:
        root = ctx.find_root()
        found = State(root.params.get("workspace"))
        root.obj = found
    return found


def record_inputs(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Callback of input arguments: the first input decides where to look for the workspace."""
    values = value if isinstance(value, tuple) else (value,) if value is not None else ()
    state(ctx).inputs.extend(Path(v) for v in values)
    return value


def set_workspace(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """Callback of -w given after the subcommand."""
    if value is not None:
        state(ctx).given = value


def _library_or_none(ctx: click.Context) -> Any:
    from .errors import JdgenError

    try:
        return state(ctx).workspace().library
    except JdgenError:
        return None


def _complete(choices: list[tuple[str, str]], incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(value, help=help_) for value, help_ in choices if value.startswith(incomplete)]


def _unknown(kind: str, value: str, choices: list[str]) -> str:
    from .suggest import suggest

    return f"unknown {kind} '{value}'; " + (suggest(value, choices) or f"choose from {', '.join(choices)}")


class FrameworkType(click.ParamType):  # type: ignore[type-arg]
    """A framework id of the library; `documents=True` allows only duties and competence frameworks."""

    name = "framework"

    def __init__(self, documents: bool = False) -> None:
        self.documents = documents

    def _choices(self, library: Any) -> list[tuple[str, str]]:
        return [(fw.id, fw.title) for fw in library.frameworks.values()
                if not self.documents or not fw.is_reference]

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if ctx is None:
            return str(value)
        choices = [c for c, _ in self._choices(state(ctx).workspace().library)]
        if value not in choices:
            library = state(ctx).workspace().library
            if self.documents and value in library.frameworks:
                self.fail(f"'{value}' is not a duties or competences framework; choose from {', '.join(choices)}",
                          param, ctx)
            self.fail(_unknown("framework", str(value), choices), param, ctx)
        return str(value)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        library = _library_or_none(ctx)
        return _complete(self._choices(library), incomplete) if library else []


class ClusterType(click.ParamType):  # type: ignore[type-arg]
    """A cluster or domain code (or its shown label, e.g. H&S), of --framework when that is given."""

    name = "cluster"

    def _choices(self, ctx: click.Context) -> list[tuple[str, str]]:
        library = state(ctx).workspace().library
        framework = ctx.params.get("framework")
        choices: list[tuple[str, str]] = []
        for fw in library.frameworks.values():
            if not framework or fw.id == framework:
                for c in fw.clusters:
                    choices.append((c.shown_code, f"{fw.id}: {c.title}"))
                    if c.code != c.shown_code:
                        choices.append((c.code, f"{fw.id}: {c.title}"))
        return choices

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if ctx is None:
            return str(value)
        choices = self._choices(ctx)
        if value not in {c for c, _ in choices}:
            shown = list(dict.fromkeys(c for c, _ in choices))
            self.fail(_unknown("cluster", str(value), shown), param, ctx)
        return str(value)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        return _complete(self._choices(ctx), incomplete) if _library_or_none(ctx) else []


class ProfileType(click.ParamType):  # type: ignore[type-arg]
    """A document profile: a bundled one (jd, full, advert) or one of jdgen.yaml's `profiles`."""

    name = "profile"

    def _choices(self, ctx: click.Context) -> list[str]:
        from .profiles import available

        return list(available(state(ctx).workspace().settings.profiles))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if ctx is not None:
            choices = self._choices(ctx)
            if value not in choices:
                self.fail(_unknown("profile", str(value), choices), param, ctx)
        return str(value)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        from .errors import JdgenError

        try:
            return [CompletionItem(p) for p in self._choices(ctx) if p.startswith(incomplete)]
        except JdgenError:
            return []


class FormatsType(click.ParamType):  # type: ignore[type-arg]
    """One format, or a comma-separated list of them (`multiple=True`), from a fixed list."""

    name = "formats"

    def __init__(self, choices: tuple[str, ...], multiple: bool = True) -> None:
        self.choices = choices
        self.multiple = multiple

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return ("[" + "|".join(self.choices) + "]") + (",…" if self.multiple else "")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        chosen = [f.strip().lower() for f in str(value).split(",") if f.strip()]
        if not chosen:
            self.fail(f"no format given; choose from {', '.join(self.choices)}", param, ctx)
        if not self.multiple and len(chosen) > 1:
            self.fail(f"give one format, not {len(chosen)}; choose from {', '.join(self.choices)}", param, ctx)
        for f in chosen:
            if f not in self.choices:
                self.fail(_unknown("format", f, list(self.choices)), param, ctx)
        unique = tuple(dict.fromkeys(chosen))
        return unique if self.multiple else unique[0]

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        done, _, last = incomplete.rpartition(",")
        taken = set(done.split(",")) if done else set()
        prefix = f"{done}," if done else ""
        return [CompletionItem(prefix + f) for f in self.choices
                if f.startswith(last) and f not in taken and (self.multiple or not done)]


#: Largest number of hours a module may be given: a year of full-time study.
MAX_MODULE_HOURS = 2000.0


class HoursType(click.ParamType):  # type: ignore[type-arg]
    """CODE=N: hours for the module of cluster CODE; N finite, more than 0 and at most 2000."""

    name = "CODE=N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        code, sep, number = str(value).partition("=")
        code = code.strip()
        try:
            hours = float(number)
        except ValueError:
            hours = math.nan
        if not sep or not code:
            self.fail(f"'{value}' is not CODE=HOURS (e.g. ENG=14)", param, ctx)
        if not math.isfinite(hours) or not 0 < hours <= MAX_MODULE_HOURS:
            self.fail(f"'{value}' is not CODE=HOURS: hours must be a number more than 0 and at most "
                      f"{MAX_MODULE_HOURS:g}", param, ctx)
        if ctx is not None:
            codes = self._codes(ctx)
            if code not in codes:
                from .suggest import suggest

                hint = suggest(code, codes)
                self.fail(f"no module with code '{code}'" + (f"; {hint}" if hint else ""), param, ctx)
        return code, hours

    def _codes(self, ctx: click.Context) -> list[str]:
        library = state(ctx).workspace().library
        framework = ctx.params.get("framework")
        scope = [library.frameworks[framework]] if framework in library.frameworks else library.frameworks.values()
        return list(dict.fromkeys(c for fw in scope for cl in fw.clusters for c in (cl.shown_code, cl.code)))

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        if "=" in incomplete or _library_or_none(ctx) is None:
            return []
        return [CompletionItem(f"{c}=") for c in self._codes(ctx) if c.startswith(incomplete)]
