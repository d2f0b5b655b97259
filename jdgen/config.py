"""Workspace settings (jdgen.yaml): organisation, logo, colours, standard clauses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Collector
from .schema import schema_diagnostics
from .yamlio import Document, load_file

CONFIG_NAME = "jdgen.yaml"


@dataclass(frozen=True)
class LintSettings:
    """jdgen.yaml's `lint:` settings: which rules run, as what, and their tuning (docs/lint.md)."""

    #: Rule ids switched off (`lint: {rules: {RULE: false}}`).
    disabled: frozenset[str] = frozenset()
    #: Rule ids whose findings are errors rather than warnings (`severity: error`).
    errors: frozenset[str] = frozenset()
    #: Acronyms readers know without their full form; NHS always is.
    acronyms: tuple[str, ...] = ()
    max_words: int = 35  # long-sentence
    min_score: float = 30.0  # readability: lowest Flesch reading ease
    min_words: int = 40  # readability: shorter texts are not scored
    min_days: int = 14  # closing-date: days an advert runs at least
    similarity: float = 0.8  # duplicate-duty: word overlap that counts as the same duty
    pay_year: str | None = None  # salary-band: the pay year to check against (default: in force)
    report_feminine: bool = False  # gendered-wording: also report feminine-coded words

    def enabled(self, rule: str) -> bool:
        return rule not in self.disabled

    def severity(self, rule: str) -> str:
        return "error" if rule in self.errors else "warning"


def lint_settings(raw: dict[str, Any]) -> LintSettings:
    """LintSettings from jdgen.yaml's schema-checked `lint:` mapping."""
    disabled: set[str] = set()
    errors: set[str] = set()
    tuning: dict[str, Any] = {}
    for rule, value in raw.get("rules", {}).items():
        if value is False or (isinstance(value, dict) and value.get("enabled") is False):
            disabled.add(rule)
        if isinstance(value, dict):
            if value.get("severity") == "error":
                errors.add(rule)
            tuning.update({k: v for k, v in value.items() if k not in ("enabled", "severity")})
    return LintSettings(frozenset(disabled), frozenset(errors), tuple(str(a) for a in raw.get("acronyms", [])),
                        **tuning)


@dataclass(frozen=True)
class Settings:
    organisation: str | None = None
    logo: Path | None = None
    primary: str = "#005EB8"
    accent: str = "#003087"
    clauses: dict[str, str] = field(default_factory=dict)
    formats: tuple[str, ...] = ("html", "pdf")
    full_time_hours: float = 37.5
    about: str = ""
    profile: str = "jd"
    profiles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The employer's postal address (street, locality, region, postcode, country), written into
    #: new posts by `jdgen new post`.
    address: dict[str, str] = field(default_factory=dict)
    #: Duty statements a curated job description (jd) should hold at most; validate warns above it.
    duty_budget: int = 40
    #: Give posts whose grade is not an Agenda for Change band (NJC scale points) a KSF outline too.
    ksf_for_non_afc: bool = False
    #: `jdgen lint`: rules switched off or tuned, and the acronyms that need no spelling out.
    lint: LintSettings = field(default_factory=LintSettings)


def load_config(path: Path, out: Collector) -> Settings:
    """Read jdgen.yaml; problems go to `out`. A missing file gives the defaults."""
    if not path.is_file():
        return Settings()
    doc, problems = load_file(path)
    out.extend(problems)
    if doc is None or (problems and not isinstance(doc.data, dict)):
        return Settings()
    if doc.data is None or not isinstance(doc.data, dict):
        out.extend([doc.diag((), "jdgen.yaml must be a mapping of settings", code="not-a-mapping")])
        return Settings()
    # A file read with problems (a duplicate key, a control character) is still checked against
    # the schema, so that one run reports every error of the file.
    found = schema_diagnostics(doc, "config")
    out.extend(found)
    if found or problems:
        return Settings()
    data = doc.data
    logo = None
    if "logo" in data:
        logo = (path.parent / data["logo"]).resolve()
        if not logo.is_relative_to(path.parent.resolve()):
            out.extend([doc.diag(("logo",), f"logo '{data['logo']}' must be an image file inside the workspace",
                code="bad-logo")])
            logo = None
        elif not logo.exists() or logo.is_dir():
            what = "is a folder, not an image file" if logo.is_dir() else "does not exist"
            out.extend([doc.diag(("logo",), f"logo '{data['logo']}' {what}",
                                 hint="give the path of an image file, relative to jdgen.yaml", code="bad-logo")])
            logo = None
        else:
            logo = _check_logo(doc, logo, str(data["logo"]), tuple(data.get("formats", Settings().formats)), out)
    colours = data.get("colours", {})
    profiles = _profiles(doc, out)
    return Settings(data.get("organisation"), logo, colours.get("primary", Settings.primary),
                    colours.get("accent", Settings.accent), dict(data.get("clauses", {})),
                    tuple(data.get("formats", Settings().formats)),
                    float(data.get("full_time_hours", Settings.full_time_hours)),
                    " ".join(str(data.get("about", "")).split()), data.get("profile", Settings.profile), profiles,
                    {key: " ".join(value.split()) for key, value in data.get("address", {}).items()},
                    duty_budget=int(data.get("duty_budget", Settings.duty_budget)),
                    ksf_for_non_afc=bool(data.get("ksf_for_non_afc", False)),
                    lint=lint_settings(data.get("lint", {})))


def _check_logo(doc: Document, logo: Path, given: str, formats: tuple[str, ...], out: Collector) -> Path | None:
    """The logo when it is a sound PNG, JPEG, GIF or SVG image (read only as a regular file), else
    an error at `logo:`; an SVG logo is a warning when jdgen.yaml's formats include Word."""
    from . import logo as logos
    from .wsfiles import FileRefused

    try:
        data = logos.read(logo)
    except FileRefused as exc:
        out.extend([doc.diag(("logo",), f"logo '{given}': {exc.message}",
                             hint="give a PNG, JPEG or SVG image file inside the workspace", code="bad-logo")])
        return None
    found = logos.problem(data)
    if found:
        out.extend([doc.diag(("logo",), f"logo '{given}' {found}",
                             hint="give a PNG, JPEG or SVG image (open it in an image editor and save it as PNG)",
                             code="bad-logo")])
        return None
    if logos.sniff(data) == "svg" and "docx" in formats:
        out.extend([doc.diag(("logo",), logos.WORD_SVG_MESSAGE.format(name=given), level="warning",
                             hint=logos.WORD_SVG_HINT, code="logo-svg")])
    return logo


def _profiles(doc: Document, out: Collector) -> dict[str, tuple[str, ...]]:
    """The workspace's own profiles; unknown section names and an unknown default are errors."""
    from .profiles import SECTIONS, available
    from .schema import suggest

    custom: dict[str, tuple[str, ...]] = {}
    for name, sections in doc.data.get("profiles", {}).items():
        for i, section in enumerate(sections):
            if section not in SECTIONS:
                out.extend([doc.diag(("profiles", name, i), f"unknown section '{section}' in profile '{name}'",
                                     hint=suggest(section, SECTIONS) or f"sections: {', '.join(SECTIONS)}",
                                     code="unknown-section")])
        custom[name] = tuple(sections)
    default = doc.data.get("profile")
    known = available(custom)
    if default is not None and default not in known:
        out.extend([doc.diag(("profile",), f"unknown profile '{default}'",
                             hint=suggest(default, known) or f"profiles: {', '.join(known)}",
                             code="unknown-document-profile")])
    return custom
