"""The Jinja environment: workspace templates first, then the bundled ones (`default:` prefix
reaches a bundled template from a workspace template that replaces it)."""

from __future__ import annotations

import functools
import os
import re
import time
from collections.abc import Callable, Generator, Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment

from ..bundled import bundled_root
from ..config import Settings
from ..errors import Diagnostic, JdgenError, display_path
from ..wsfiles import FileRefused, read_confined
from .colour import text_on

#: What CommonMark (and GFM tables and strikethrough) would misread anywhere in a line: a backslash
#: before punctuation or at the end; code spans (`); emphasis (* always, _ at a word's edge); link
#: and image brackets ([ and ]); an HTML tag, comment or autolink (< before a letter, /, ! or ?,
#: written &lt; so that no Markdown flavour passes it through as HTML); an entity (&name;
#: &#123;); a table cell's edge (|); strikethrough (~~). Everything else, such as "(full time)",
#: "e.g." or "H&S 1", is text as it stands.
_MD_INLINE = re.compile(r"""\\(?=[!-/:-@\[-`{-~]|$)|`|\*|(?<![^\W_])_|_(?![^\W_])|\[|\]|<(?=[A-Za-z/!?])"""
                        r"""|&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)|\||~(?=~)""")
#: What it would misread at the start of a line: a heading, a block quote, a list item (a code
#: fence of tildes is already escaped as strikethrough, one of backticks as a code span).
_MD_LINE_START = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-+](?=\s|$))")
_MD_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def md_escape(value: Any) -> str:
    """Escape text for Markdown so YAML text cannot inject links, HTML or formatting, escaping
    only what a CommonMark parser would misread (so text pasted from it into a job board reads as
    written: "37.5 hours a week (full time)", not "37\\.5 hours a week \\(full time\\)")."""
    text = " ".join(str(value).split())
    text = _MD_INLINE.sub(lambda m: "&lt;" if m.group(0) == "<" else "\\" + m.group(0), text)
    if re.fullmatch(r"[-=_*]+(?: [-=_*]+)*", text):  # a rule or a heading's underline
        return "\\" + text
    text = _MD_LINE_START.sub(lambda m: "\\" + m.group(0), text)
    return _MD_ORDERED.sub(r"\1\\\2", text)


def page_context(settings: Settings, title: str, label: str) -> dict[str, Any]:
    """What base.html.j2 and jd.css need on every page: title, organisation, colours, footer label."""
    return {"title": title, "organisation": settings.organisation or "", "date": "", "date_text": "",
            "doc_label": label,
            "branding": {"primary": settings.primary, "accent": settings.accent, "logo": "",
                         "on_primary": text_on(settings.primary)}}


def css_string(value: Any) -> str:
    """Text safe inside a double-quoted CSS string within a <style> element."""
    return "".join(c if c.isalnum() or c in " .,-'&·:;/" else f"\\{ord(c):x} " for c in str(value))


#: Largest template file jdgen reads (templates, pdf.css), in bytes.
MAX_TEMPLATE_BYTES = 1024 * 1024

_REFUSED_HINTS = {
    "outside": "copy the file into the workspace templates/ folder instead of linking to it",
    "special": "templates/ may hold only regular files",
    "large": f"templates are read up to {MAX_TEMPLATE_BYTES // (1024 * 1024)} MiB",
}


class TemplateFileError(jinja2.TemplateError):
    """A template file that cannot be used: a link leading outside the workspace and jdgen, not a
    regular file, too large, or not UTF-8 text."""

    def __init__(self, filename: str, message: str, code: str, hint: str = "", line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.filename, self.code, self.hint, self.line, self.col = filename, code, hint, line, col

    def diagnostic(self) -> Diagnostic:
        link = Path(self.filename)  # shown as found, not where it leads
        return Diagnostic(str(Path(display_path(link.parent)) / link.name), self.line, self.col, self.message or "",
                          hint=self.hint, code=self.code)


def template_roots(workspace: Path | None) -> list[Path]:
    """Folders a template file may really be in (links resolved): jdgen's templates and the workspace."""
    return [bundled_root() / "templates"] + ([workspace] if workspace is not None else [])


def read_template_file(path: Path, workspace: Path | None, limit: int = MAX_TEMPLATE_BYTES,
                       what: str = "file") -> bytes:
    """The bytes of a file of a templates/ folder (a template, pdf.css, reference.docx): a regular
    file inside the workspace or jdgen, at most `limit` bytes; else TemplateFileError."""
    try:
        return read_confined(path, template_roots(workspace), limit, what)
    except FileRefused as exc:
        code = "template-outside" if exc.kind == "outside" else "template-file"
        hint = _REFUSED_HINTS[exc.kind] if exc.kind != "large" else f"the limit is {limit // (1024 * 1024)} MiB"
        raise TemplateFileError(str(path), exc.message, code, hint) from None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


def _unchanged(path: Path, mtime: float) -> bool:
    return _mtime(path) == mtime


class _ConfinedLoader(jinja2.BaseLoader):
    """Loads templates from `folders` in order; a file whose real path is outside the workspace and
    jdgen, or that is not a regular file, is refused (not skipped), so a FIFO never blocks."""

    def __init__(self, folders: list[Path], workspace: Path | None) -> None:
        self.folders = folders
        self.workspace = workspace

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            data = read_template_file(path, self.workspace, what="template")
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
                col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
                raise TemplateFileError(str(path), f"this template is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                                        "template-encoding", "save the template as UTF-8", line, col) from None
            return source, str(path), functools.partial(_unchanged, path, _mtime(path))
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        return sorted({p.relative_to(f).as_posix() for f in self.folders for p in f.rglob("*") if p.is_file()})


class _DefaultPrefixLoader(jinja2.BaseLoader):
    """Loads `default:NAME` from the bundled folder and anything else from the chain."""

    def __init__(self, chain: jinja2.BaseLoader, bundled: jinja2.BaseLoader) -> None:
        self.chain = chain
        self.bundled = bundled

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template.startswith("default:"):
            return self.bundled.get_source(environment, template.removeprefix("default:"))
        return self.chain.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return sorted(set(self.chain.list_templates()))


def template_folders(workspace: Path | None) -> list[Path]:
    """Folders templates are read from, workspace first."""
    folders = []
    if workspace is not None and (workspace / "templates").is_dir():
        folders.append((workspace / "templates").resolve())
    bundled = (bundled_root() / "templates").resolve()
    if bundled not in folders:
        folders.append(bundled)
    return folders


def _autoescape(name: str | None) -> bool:
    return bool(name) and any(str(name).endswith(ext) for ext in (".html", ".html.j2", ".htm", ".xml", ".j2.html"))


# --- the sandbox and its limits ----------------------------------------------------------------
#: Limits of one render (docs/templates.md, "Limits"). The bundled templates use a small part of
#: each: every document kind of the ten examples takes at most 1,352 steps and writes at most
#: 121,815 characters.
RENDER_SECONDS = 30.0
#: Characters of one rendered document.
MAX_OUTPUT = 20_000_000
#: Characters written by every output statement, those buffered in macros, `set` and `filter`
#: blocks included (a macro's output is counted again where it is shown).
MAX_PRODUCED = 4 * MAX_OUTPUT
#: Loop iterations and calls of one render; a call (of a macro, method or function) counts as
#: CALL_STEPS steps, as a macro call costs Jinja about as much as 25 loop iterations.
MAX_STEPS = 5_000_000
CALL_STEPS = 25
#: Bits of an integer a template may compute with `*` or `**`.
MAX_INT_BITS = 100_000
#: Largest number a filter that makes text or lists from a count (`center`, `indent`, `batch`,
#: `slice`) or `lipsum` accepts.
MAX_FILTER_COUNT = 100_000
_STEPS_FILTER = "_jdgen_steps"
_PERCENT_WIDTH = re.compile(r"%[-#0 +]*(?:\*|\d{5,})|%[-#0 +]*\d*\.(?:\*|\d{5,})")
_FIELD_WIDTH = re.compile(r"\{[^{}]*:[^{}]*(?:\d{5,}|\{)")


class TemplateLimit(jinja2.TemplateError):
    """A template went past one of the limits above."""


def _too_large(what: str = "value") -> TemplateLimit:
    return TemplateLimit(f"the template makes a {what} of more than {MAX_OUTPUT:,} characters")


class _Budget:
    """Steps, output and time used by the render under way (one per render, in a ContextVar)."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + RENDER_SECONDS
        self.steps = 0
        self.checks = 0
        self.produced = 0

    def step(self, cost: int = 1) -> None:
        self.steps += cost
        if self.steps > MAX_STEPS:
            raise TemplateLimit(f"the template takes more than {MAX_STEPS:,} steps (loop iterations; a call "
                                f"counts {CALL_STEPS})")
        self.checks += 1
        if not self.checks & 0x3FF:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"the template takes more than {RENDER_SECONDS:g} seconds to render")

    def count(self, iterable: Any) -> Iterator[Any]:
        for item in iterable:
            self.step()
            yield item


_BUDGET: ContextVar[_Budget | None] = ContextVar("jdgen_template_budget", default=None)


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_format(fmt: str, percent: bool) -> None:
    if (_PERCENT_WIDTH if percent else _FIELD_WIDTH).search(fmt):
        raise TemplateLimit("a format width or precision over 9999, or one taken from an argument, "
                            "is not allowed in templates")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if _is_int(times) and _size(seq) * times > MAX_OUTPUT:
                raise _too_large()
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise TemplateLimit(f"the template makes a number of more than {MAX_INT_BITS:,} bits")
    elif operator == "+":
        if _size(left) + _size(right) > MAX_OUTPUT:
            raise _too_large()
    elif operator == "**":
        if _is_int(left) and _is_int(right) and abs(left) > 1 and right * abs(left).bit_length() > MAX_INT_BITS:
            raise TemplateLimit(f"the template makes a number of more than {MAX_INT_BITS:,} bits")
    elif operator == "%" and isinstance(left, str):
        _check_format(left, percent=True)


def _check_str_method(owner: str, name: str, args: tuple[Any, ...]) -> None:
    """Methods of str whose result can be far larger than their arguments."""
    if name in ("format", "format_map"):
        _check_format(owner, percent=False)
        return
    first: Any = args[0] if args else None
    size = 0
    if name in ("center", "ljust", "rjust", "zfill") and _is_int(first):
        size = first
    elif name == "expandtabs":
        size = owner.count("\t") * (first if _is_int(first) else 8)
    elif name == "replace" and len(args) >= 2 and isinstance(first, str) and isinstance(args[1], str):
        size = (owner.count(first) if first else len(owner) + 1) * len(args[1])
    elif name == "join" and isinstance(first, (list, tuple)):
        size = sum(_size(x) for x in first) + len(owner) * len(first)
    if size > MAX_OUTPUT:
        raise _too_large()


def _count_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if any(_is_int(v) and v > MAX_FILTER_COUNT for v in (*args, *kwargs.values())):
        raise TemplateLimit(f"a count over {MAX_FILTER_COUNT:,} is not allowed in templates")


def _guarded_filters() -> dict[str, Callable[..., Any]]:
    """Jinja's filters that can make a huge value from small arguments, each checking first."""
    from jinja2.filters import FILTERS as DEFAULT_FILTERS
    from jinja2.utils import generate_lorem_ipsum

    def guard(name: str, check: Callable[[tuple[Any, ...], dict[str, Any]], None]) -> Callable[..., Any]:
        original = DEFAULT_FILTERS[name]

        @functools.wraps(original)  # keeps jinja_pass_arg (eval context) as it was
        def guarded(*args: Any, **kwargs: Any) -> Any:
            check(args, kwargs)
            return original(*args, **kwargs)
        return guarded

    def counts(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        _count_args(args[1:], kwargs)  # the value filtered may be any number

    def percent(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if args and isinstance(args[0], str):
            _check_format(args[0], percent=True)

    def replace(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        text, old, new = (str(a) for a in [*args[1:4], "", "", ""][:3])
        if (text.count(old) if old else len(text) + 1) * len(new) > MAX_OUTPUT:
            raise _too_large()

    def wordwrap(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        width = args[1] if len(args) > 1 else kwargs.get("width", 79)
        wrapstring = args[3] if len(args) > 3 else kwargs.get("wrapstring")
        if _is_int(width) and wrapstring and len(str(args[0])) // max(width, 1) * len(str(wrapstring)) > MAX_OUTPUT:
            raise _too_large()

    join_original = DEFAULT_FILTERS["join"]

    @functools.wraps(join_original)
    def join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        items = list(value)
        if sum(_size(x) for x in items) + len(str(d)) * len(items) > MAX_OUTPUT:
            raise _too_large()
        return join_original(eval_ctx, items, d, attribute)

    def lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
        _count_args((n, min, max), {})
        return str(generate_lorem_ipsum(n, html, min, max))

    filters = {name: guard(name, counts) for name in ("center", "indent", "batch", "slice")}
    filters.update(format=guard("format", percent), replace=guard("replace", replace),
                   wordwrap=guard("wordwrap", wordwrap), join=join, lipsum=lipsum)
    return filters


@jinja2.pass_context  # never folded at compile time
def _steps(context: Any, iterable: Any) -> Any:
    budget = _BUDGET.get()
    return iterable if budget is None else budget.count(iterable)


class _LimitedCodeGenerator(CodeGenerator):
    """Jinja's code generator with three hooks: every `for` loop's iterable counts its steps,
    every output statement and `~` concatenation goes through a size check."""

    def visit_Template(self, node: nodes.Template, frame: Any = None) -> None:
        for loop in node.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _STEPS_FILTER, [], [], None, None, lineno=loop.iter.lineno)
        super().visit_Template(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Any) -> None:
        self.write("environment.jdgen_sized(")
        super().visit_Concat(node, frame)
        self.write(")")

    def _output_const_repr(self, group: Any) -> str:
        return f"environment.jdgen_out({super()._output_const_repr(group)})"

    def _output_child_pre(self, node: nodes.Expr, frame: Any, finalize: Any) -> None:
        self.write("environment.jdgen_out(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Any, finalize: Any) -> None:
        super()._output_child_post(node, frame, finalize)
        self.write(")")


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox (no Python internals, no changing lists or dicts) with limits on steps,
    time and the size of what a template makes."""

    code_generator_class = _LimitedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        budget = _BUDGET.get()
        if budget is not None:
            budget.step(CALL_STEPS)
        if any(_size(v) > MAX_OUTPUT for v in (*args, *kwargs.values())):
            raise _too_large()
        target = getattr(obj, "__wrapped__", obj)
        owner = getattr(target, "__self__", None)
        if isinstance(owner, str):
            _check_str_method(owner, getattr(target, "__name__", ""), args)
        return super().call(context, obj, *args, **kwargs)

    def jdgen_out(self, value: Any) -> Any:
        budget = _BUDGET.get()
        if budget is not None:
            budget.produced += len(value)
            if budget.produced > MAX_PRODUCED:
                raise TemplateLimit(f"the template writes more than {MAX_PRODUCED:,} characters")
        return value

    def jdgen_sized(self, value: Any) -> Any:
        if len(value) > MAX_OUTPUT:
            raise _too_large()
        return value


@cache
def environment(workspace: Path | None) -> jinja2.Environment:
    """A cached sandboxed environment per workspace: autoescape for HTML, StrictUndefined everywhere."""
    folders = template_folders(workspace)
    chain = _ConfinedLoader(folders, workspace)
    bundled = _ConfinedLoader([folders[-1]], workspace)
    env = _Sandbox(loader=_DefaultPrefixLoader(chain, bundled), autoescape=_autoescape,
                   undefined=jinja2.StrictUndefined, trim_blocks=False, lstrip_blocks=False,
                   keep_trailing_newline=True)
    guarded = _guarded_filters()
    env.globals["lipsum"] = guarded.pop("lipsum")
    env.filters.update(guarded)
    env.filters[_STEPS_FILTER] = _steps
    env.filters["md"] = md_escape
    env.filters["css_string"] = css_string
    return env


def _template_line(exc: BaseException, workspace: Path | None) -> tuple[str, int] | None:
    """The template file and line where `exc` was raised (the innermost template frame of its
    traceback, which Jinja rewrites to template lines), or None when no template was running."""
    folders = [f.resolve() for f in template_folders(workspace)]
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(_TEMPLATE_SUFFIXES) and any(Path(filename).is_relative_to(f) for f in folders):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


_TEMPLATE_SUFFIXES = (".j2", ".css", ".js", ".html", ".md", ".txt", ".xml")


def _at(exc: BaseException, workspace: Path | None, name: str, message: str, code: str,
        hint: str = "") -> JdgenError:
    where = _template_line(exc, workspace)
    if where is None:
        return JdgenError([Diagnostic(name, 0, 0, message, hint=hint, code=code)])
    return JdgenError([Diagnostic(display_path(where[0]), where[1], 1, message, hint=hint, code=code)])


def _stream(template: jinja2.Template, context: dict[str, Any], budget: _Budget) -> str:
    """The rendered text, stopped (inside the template, so the error has its line) when it grows
    past MAX_OUTPUT or the time is up."""
    parts: list[str] = []
    size = 0
    stream: Generator[str, None, None] = template.generate(**context)  # type: ignore[assignment]
    for chunk in stream:
        size += len(chunk)
        stop = _too_large("document") if size > MAX_OUTPUT else None
        if stop is None:
            try:
                budget.check_time()
            except TemplateLimit as exc:
                stop = exc
        if stop is not None:
            stream.throw(stop)
            raise stop  # not reached: the template cannot catch it
        parts.append(chunk)
    return "".join(parts)


def render(workspace: Path | None, name: str, context: dict[str, Any]) -> str:
    """Render a template in the sandbox, within the limits; a mistake in a (workspace) template is
    reported as invalid input at the template's file and line."""
    folder = workspace.resolve() if workspace is not None else None
    budget = _Budget()
    token = _BUDGET.set(budget)
    try:
        return _stream(environment(folder).get_template(name), context, budget)
    except JdgenError:
        raise
    except TemplateFileError as exc:
        raise JdgenError([exc.diagnostic()]) from None
    except jinja2.TemplateSyntaxError as exc:
        where = display_path(exc.filename) if exc.filename else (exc.name or name)
        label = "template syntax" if type(exc) is jinja2.TemplateSyntaxError else "template error"
        raise JdgenError([Diagnostic(where, exc.lineno or 0, 1, f"{label}: {exc.message}",
            code="template-syntax")]) from None
    except jinja2.TemplateNotFound as exc:
        raise _at(exc, folder, name, f"template not found: {exc.name}", "template-missing",
                  "templates are looked up in the workspace templates/ folder, then the bundled ones") from None
    except jinja2.UndefinedError as exc:
        raise _at(exc, folder, name, f"template error: {exc.message}", "template-error",
                  "see docs/templates.md for the variables each template receives") from None
    except SecurityError as exc:
        raise _at(exc, folder, name, f"template refused by the sandbox: {exc}", "template-unsafe",
                  "templates may use the variables, filters and tests of docs/templates.md, "
                  "not Python's internals") from None
    except TemplateLimit as exc:
        raise _at(exc, folder, name, f"template stopped: {exc.message}", "template-limit",
                  "see docs/templates.md, Limits") from None
    except RecursionError as exc:
        raise _at(exc, folder, name, "template error: calls nest too deeply (a macro that calls itself "
                  "without end?)", "template-error") from None
    except Exception as exc:
        if _template_line(exc, folder) is None:
            raise  # not the template's mistake: a fault in jdgen
        if isinstance(exc, OverflowError) and "MAX_RANGE" in str(exc):  # the sandbox's range()
            raise _at(exc, folder, name, f"template stopped: a range() of more than {MAX_RANGE:,} numbers",
                      "template-limit", "see docs/templates.md, Limits") from None
        kind = "" if isinstance(exc, jinja2.TemplateError) else f" ({type(exc).__name__})"
        raise _at(exc, folder, name, f"template error: {exc}{kind}", "template-error") from None
    finally:
        _BUDGET.reset(token)
