"""The Jinja environment: workspace templates first, then the bundled ones (`default:` prefix
reaches a bundled template from a workspace template that replaces it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from ..bundled import bundled_root
from ..config import Settings
from ..errors import Diagnostic, JdgenError, display_path
from .colour import text_on

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#!|~])")


def md_escape(value: Any) -> str:
    """Escape text for Markdown so YAML text cannot inject links, HTML or formatting."""
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"^([-+])(\s)", r"\\\1\2", text)  # would start a list item
    return re.sub(r"^(\d+)\.", r"\1\\.", text)


def page_context(settings: Settings, title: str, label: str) -> dict[str, Any]:
    """What base.html.j2 and jd.css need on every page: title, organisation, colours, footer label."""
    return {"title": title, "organisation": settings.organisation or "", "date": "", "date_text": "",
            "doc_label": label,
            "branding": {"primary": settings.primary, "accent": settings.accent, "logo": "",
                         "on_primary": text_on(settings.primary)}}


def css_string(value: Any) -> str:
    """Text safe inside a double-quoted CSS string within a <style> element."""
    return "".join(c if c.isalnum() or c in " .,-'&·:;/" else f"\\{ord(c):x} " for c in str(value))


class TemplateOutside(jinja2.TemplateError):
    """A template file that is a link to a file outside the workspace and jdgen."""

    def __init__(self, filename: str, target: Path) -> None:
        super().__init__(f"refused: this template is a link to {target}, outside the workspace and jdgen")
        self.filename = filename


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses files whose real path (symlinks resolved) is outside `roots`."""

    def __init__(self, searchpath: list[str], roots: list[Path]) -> None:
        super().__init__(searchpath)
        self.roots = [r.resolve() for r in roots]

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(root) for root in self.roots):
            raise TemplateOutside(filename, real)
        return source, filename, uptodate


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


@cache
def environment(workspace: Path | None) -> jinja2.Environment:
    """A cached environment per workspace: autoescape for HTML, StrictUndefined everywhere."""
    folders = template_folders(workspace)
    roots = [bundled_root() / "templates"] + ([workspace] if workspace is not None else [])
    chain = _ConfinedLoader([str(f) for f in folders], roots)
    bundled = _ConfinedLoader([str(folders[-1])], roots)
    env = jinja2.Environment(loader=_DefaultPrefixLoader(chain, bundled), autoescape=_autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=False, lstrip_blocks=False,
                             keep_trailing_newline=True)
    env.filters["md"] = md_escape
    env.filters["css_string"] = css_string
    return env


def render(workspace: Path | None, name: str, context: dict[str, Any]) -> str:
    """Render a template; a mistake in a (workspace) template is reported as invalid input."""
    try:
        folder = workspace.resolve() if workspace is not None else None
        return environment(folder).get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = display_path(exc.filename) if exc.filename else (exc.name or name)
        raise JdgenError([Diagnostic(where, exc.lineno or 0, 1, f"template syntax: {exc.message}",
            code="template-syntax")]) from None
    except jinja2.TemplateNotFound as exc:
        raise JdgenError([Diagnostic(name, 0, 0, f"template not found: {exc.name}",
                                     hint="templates are looked up in the workspace templates/ folder, "
                                          "then the bundled ones", code="template-missing")]) from None
    except TemplateOutside as exc:
        link = Path(exc.filename)  # shown as found, not where it leads
        raise JdgenError([Diagnostic(str(Path(display_path(link.parent)) / link.name), 0, 0, exc.message or "",
                                     hint="copy the file into the workspace templates/ folder instead of linking to it",
                                     code="template-outside")]) from None
    except jinja2.UndefinedError as exc:
        raise JdgenError([Diagnostic(name, 0, 0, f"template error: {exc.message}",
                                     hint="see docs/templates.md for the variables each template receives",
                                         code="template-error")]) from None
