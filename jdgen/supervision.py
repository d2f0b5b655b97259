"""Supervision arrangements of a post, checked against the guidance its profile comes from (the IAPT
supervision guidance, or IPS fidelity practice for the `ips` profile)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .errors import Collector
from .model import DEFAULT_GUIDANCE, Arrangement, Library, Profile
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


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 8: "eight", 12: "twelve"}


def _weeks_word(weeks: float) -> str:
    return _WORDS.get(int(weeks), f"{weeks:g}") if weeks == int(weeks) else f"{weeks:g}"


def arrangement_frequency(arrangement: Arrangement) -> str:
    """'weekly', 'every two to four weeks' (a range), or 'as agreed' where no frequency is set."""
    interval = arrangement.interval
    if interval is None:
        return "as agreed"
    shortest, longest = interval
    if shortest == longest:
        return frequency_text(shortest)
    return f"every {_weeks_word(shortest)} to {_weeks_word(longest)} weeks"


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
    usual = arrangement.usual_group_size
    if arrangement.format != "individual":
        if size:
            text += f" (up to {size})"
        elif usual:
            text += f" (usually {' to '.join(_WORDS.get(n, str(n)) for n in usual)})"
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
    source = profile.guidance if profile else DEFAULT_GUIDANCE
    own_types = set()
    for i, a in enumerate(spec.get("arrangements", [])):
        from .library import _arrangement

        mine = _arrangement(a)
        own_types.add(mine.type)
        rule = chosen.get(mine.type)
        if rule is not None:
            _check(doc, ("supervision", "arrangements", i), mine, rule, fte, source, out)
            mine = replace(mine, purpose=mine.purpose or rule.purpose, rule=rule.rule,
                           title=mine.title or rule.title, note=mine.note or _settled(mine, rule, source),
                           usual_group_size=mine.usual_group_size or rule.usual_group_size)
        chosen[mine.type] = mine
    _check_numbers(doc, spec, profile, provides, out)
    # The IAPT guidance's all-staff arrangement and principles do not govern a profile that follows
    # its own practice (IPS).
    iapt = profile is None or profile.guidance == DEFAULT_GUIDANCE
    all_staff = tuple(a for a in (guidance.all_staff if guidance and iapt else ()) if a.type not in own_types)
    return SupervisionPlan(profile, tuple(chosen.values()), all_staff, tuple(provides),
                           guidance.principles if guidance and iapt else (), spec.get("note", ""))


def _settled(mine: Arrangement, rule: Arrangement, source: str) -> str:
    """A fact for the notes where the guidance leaves a point open and the post fills it in."""
    said = source[0].upper() + source[1:]
    parts = []
    if rule.every_weeks is None and mine.every_weeks is not None:
        parts.append(f"{said} does not set a frequency; this post sets {arrangement_frequency(mine)}.")
    if rule.minutes is None and mine.minutes is not None:
        parts.append(f"{said} does not set a length; this post sets {duration_text(mine)}.")
    return " ".join(parts)


def _check_numbers(doc: Document, spec: dict[str, Any], profile: Profile | None, provides: list[Profile],
                   out: Collector) -> None:
    """Caseload and number of supervisees against what a profile's practice expects (about N)."""
    caseload = spec.get("caseload")
    if profile is not None and profile.caseload and caseload and caseload > profile.caseload:
        out.extend([doc.diag(("supervision", "caseload"), f"a caseload of {caseload} is more than "
                                                          f"{profile.guidance} expects of one {profile.title} "
                                                          f"(about {profile.caseload})", level="warning",
                             code="supervision-below-guidance")])
    supervisees = spec.get("supervisees")
    for provided in provides:
        if provided.supervisees and supervisees and supervisees > provided.supervisees:
            out.extend([doc.diag(("supervision", "supervisees"), f"supervising {supervisees} staff is more than "
                                                                 f"{provided.guidance} expects of one supervisor "
                                                                 f"(about {provided.supervisees})",
                                 level="warning", code="supervision-below-guidance")])


def _check(doc: Document, path: tuple[str | int, ...], mine: Arrangement, rule: Arrangement, fte: float,
           source: str, out: Collector) -> None:
    def warn(key: str, message: str) -> None:
        out.extend([doc.diag((*path, key), f"{message} — {rule.rule}", level="warning",
                             code="supervision-below-guidance")])

    name = mine.title or rule.title or mine.type
    wanted = rule.interval
    if wanted is not None and mine.every_weeks is not None and mine.every_weeks > wanted[1]:
        warn("every_weeks", f"{name} {arrangement_frequency(mine)} is less often than {source} "
                            f"({arrangement_frequency(rule)})")
    if rule.minutes and mine.minutes:
        needed = rule.minutes * (min(fte, 1.0) if rule.full_time_basis else 1.0)
        floor = needed if rule.minimum else needed * APPROXIMATE_TOLERANCE
        if mine.minutes < floor:
            basis = f" for a post of {fte:.2f} FTE" if rule.full_time_basis else ""
            warn("minutes", f"{name} of {mine.minutes} minutes is shorter than {source} "
                            f"({round(needed)} minutes{basis})")
    if rule.format == "individual" and mine.format != "individual":
        warn("format", f"{name} is given as {mine.format} supervision; {source} asks for individual")
    if rule.max_group_size and mine.group_size and mine.group_size > rule.max_group_size:
        owner = "the guidance's" if source == DEFAULT_GUIDANCE else f"{source}'s"
        warn("group_size", f"{name} in groups of {mine.group_size} exceeds {owner} limit of "
                           f"{rule.max_group_size}")
