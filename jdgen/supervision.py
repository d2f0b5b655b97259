"""Supervision arrangements of a post, checked against the IAPT supervision guidance."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .errors import Collector
from .model import Arrangement, Library, Profile
from .suggest import suggest
from .yamlio import Document

SUPERVISION = "iapt-supervision"
#: Where the guidance gives an approximate length ("about an hour"), warn below this share of it.
APPROXIMATE_TOLERANCE = 0.75


@dataclass(frozen=True)
class SupervisionPlan:
    """The supervision a post receives, and the supervision it provides to others."""

    profile: Profile | None
    arrangements: tuple[Arrangement, ...]
    all_staff: tuple[Arrangement, ...]
    provides: tuple[Profile, ...] = ()
    principles: tuple[str, ...] = ()
    note: str = ""


def frequency_text(every_weeks: float) -> str:
    """'weekly', 'fortnightly', 'every four weeks', 'every 3 weeks', '2 times a week' (never 'monthly':
    four weeks is not a calendar month)."""
    named = {1: "weekly", 2: "fortnightly", 4: "every four weeks"}
    if every_weeks in named:
        return named[int(every_weeks)]
    if every_weeks < 1:
        return f"{round(1 / every_weeks):g} times a week"
    return f"every {every_weeks:g} weeks"


def duration_text(arrangement: Arrangement) -> str:
    if arrangement.minutes is None:
        return "as agreed"
    prefix = "at least " if arrangement.minimum else "about "
    minutes = arrangement.minutes
    text = f"{minutes // 60} hour" + ("s" if minutes >= 120 else "") if minutes % 60 == 0 else f"{minutes} minutes"
    suffix = " (full-time post; pro rata)" if arrangement.full_time_basis else ""
    return prefix + text + suffix


def format_text(arrangement: Arrangement) -> str:
    words = {"individual": "individual", "group": "group", "individual-or-group": "individual or group"}
    text = words[arrangement.format]
    size = arrangement.group_size or arrangement.max_group_size
    if size and arrangement.format != "individual":
        text += f" (up to {size})"
    return text


def resolve_supervision(doc: Document, library: Library, out: Collector, fte: float) -> SupervisionPlan:
    """The post's plan: a profile's arrangements, replaced type by type by the post's own."""
    guidance = library.frameworks.get(SUPERVISION)
    profiles = {p.id: p for p in guidance.profiles} if guidance else {}
    raw = doc.data.get("supervision")
    spec: dict[str, Any] = {"profile": raw} if isinstance(raw, str) else dict(raw or {})
    path: tuple[str | int, ...] = ("supervision",) if isinstance(raw, str) else ("supervision", "profile")
    profile = None
    if "profile" in spec:
        profile = profiles.get(spec["profile"])
        if profile is None:
            out.extend([doc.diag(path, f"unknown supervision profile '{spec['profile']}'",
                                 hint=suggest(spec["profile"], profiles) or f"profiles: {', '.join(profiles)}",
                                     code="unknown-profile")])
    provides = []
    for i, pid in enumerate(doc.data.get("provides_supervision", [])):
        if pid in profiles:
            provides.append(profiles[pid])
        else:
            out.extend([doc.diag(("provides_supervision", i), f"unknown supervision profile '{pid}'",
                                 hint=suggest(pid, profiles), code="unknown-profile")])
    chosen = {a.type: a for a in (profile.arrangements if profile else ())}
    own_types = set()
    for i, a in enumerate(spec.get("arrangements", [])):
        from .library import _arrangement

        mine = _arrangement(a)
        own_types.add(mine.type)
        rule = chosen.get(mine.type)
        if rule is not None:
            _check(doc, ("supervision", "arrangements", i), mine, rule, fte, out)
            mine = replace(mine, purpose=mine.purpose or rule.purpose, rule=rule.rule,
                           title=mine.title or rule.title)
        chosen[mine.type] = mine
    all_staff = tuple(a for a in (guidance.all_staff if guidance else ()) if a.type not in own_types)
    return SupervisionPlan(profile, tuple(chosen.values()), all_staff, tuple(provides),
                           guidance.principles if guidance else (), spec.get("note", ""))


def _check(doc: Document, path: tuple[str | int, ...], mine: Arrangement, rule: Arrangement, fte: float,
           out: Collector) -> None:
    def warn(key: str, message: str) -> None:
        out.extend([doc.diag((*path, key), f"{message} — {rule.rule}", level="warning",
            code="supervision-below-guidance")])

    name = mine.title or rule.title or mine.type
    if mine.every_weeks > rule.every_weeks:
        warn("every_weeks", f"{name} {frequency_text(mine.every_weeks)} is less often than the guidance "
                            f"({frequency_text(rule.every_weeks)})")
    if rule.minutes and mine.minutes:
        needed = rule.minutes * (min(fte, 1.0) if rule.full_time_basis else 1.0)
        floor = needed if rule.minimum else needed * APPROXIMATE_TOLERANCE
        if mine.minutes < floor:
            basis = f" for a post of {fte:.2f} FTE" if rule.full_time_basis else ""
            warn("minutes", f"{name} of {mine.minutes} minutes is shorter than the guidance "
                            f"({round(needed)} minutes{basis})")
    if rule.format == "individual" and mine.format != "individual":
        warn("format", f"{name} is given as {mine.format} supervision; the guidance asks for individual")
    if rule.max_group_size and mine.group_size and mine.group_size > rule.max_group_size:
        warn("group_size", f"{name} in groups of {mine.group_size} exceeds the guidance's limit of "
                           f"{rule.max_group_size}")
