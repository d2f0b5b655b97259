"""The KSF post outline of a post: per dimension, the level at the foundation gateway and at the
second gateway, derived from the items' links and the post's Agenda for Change band (pure functions).

The rule (written out for users in docs/ksf.md):

1. The outline has the six core dimensions and the two to four specific dimensions that carry most
   of the post's statements (see `specific_dimensions`). The second gateway starts at the highest
   level any of the post's duties or competences asks of the dimension.
2. The band bounds it. A band cannot expect more than its ceiling (level 2 up to band 4, 3 at
   bands 5 and 6, 4 from band 7). The six core dimensions, and specific dimensions central to the
   post (linked by at least a quarter of its linked statements), are raised to the band's floor
   (1 up to band 3, 2 at bands 4 to 6, 3 from band 7; Health, safety and security stays at 2 below
   band 8).
3. The foundation gateway (after about a year in post) is one level below the second gateway where
   the second gateway is above the band's floor, else the same. In a training post everything is
   still being learned, so every dimension above level 1 is one level lower at the foundation
   gateway.
4. A post may set a dimension's level itself, with a reason; the reason is shown with the row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .model import Library, Link

KSF = "ksf"
#: Highest level a band can expect at the second gateway.
CEILING = {1: 2, 2: 2, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 4, 9: 4}
#: Level the core dimensions (and the post's central specific dimensions) reach at the band.
FLOOR = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 3, 8: 3, 9: 3}
#: Health, safety and security rises more slowly than the other core dimensions.
SLOW_DIMENSIONS = {"Core3": 8}
#: Share of a post's linked statements that makes a specific dimension central to it.
CENTRAL_SHARE = 0.25
#: The outline keeps at least MIN_SPECIFIC and at most MAX_SPECIFIC specific dimensions (where the
#: post's items link to that many); past the minimum, a dimension needs at least KEEP_SHARE of the
#: statements the leading specific dimension has.
MIN_SPECIFIC, MAX_SPECIFIC, KEEP_SHARE = 2, 4, 0.5
#: The specific dimension a post that manages or supervises people always has.
PEOPLE = "G6"

_BAND = re.compile(r"\bband\s*([1-9])\s*([a-d])?\b", re.IGNORECASE)


@dataclass(frozen=True)
class OutlineRow:
    """One KSF dimension of the post outline: `level` is the second gateway."""

    dimension: str
    title: str
    core: bool
    level: int
    level_title: str | None
    because: tuple[str, ...]
    note: str = ""
    foundation: int = 0
    foundation_title: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Override:
    """A level the post sets itself for one dimension (level 0 leaves a specific dimension out)."""

    level: int
    reason: str
    foundation: int | None = None


def band_of(grade: str) -> int | None:
    """The Agenda for Change band number of a grade ('Band 8a' → 8), or None for other grades."""
    match = _BAND.search(grade)
    return int(match.group(1)) if match else None


def is_training_post(title: str, profile: str | None, declared: bool | None) -> bool:
    """A development post: declared so, or a trainee by its title or its supervision profile."""
    if declared is not None:
        return declared
    return "trainee" in title.casefold() or bool(profile and profile.endswith("trainee"))


def floor_for(dimension: str, band: int | None) -> int:
    if band is None:
        return 1
    floor = FLOOR[band]
    slow_until = SLOW_DIMENSIONS.get(dimension)
    return min(floor, 2) if slow_until is not None and band < slow_until else floor


def foundation_for(second: int, floor: int, training: bool, floor_below: int = 1) -> int:
    """Foundation gateway level for a second-gateway level (see the module docstring, rule 3);
    `floor_below` is the dimension's floor one band lower (a training post's foundation starts there)."""
    if training:
        return min(second, max(second - 1, floor_below, 1))
    return second if second <= floor else max(floor, second - 1)


def specific_dimensions(counts: Mapping[str, int], asked: Mapping[str, int], order: Sequence[str],
                        manages_people: bool) -> list[str]:
    """The specific dimensions that carry most of the post's statements: ranked by how many of the
    post's statements link to each (then the level asked, then the framework's order), the first
    MIN_SPECIFIC, then each next one linked by at least KEEP_SHARE of the leader's statements, at
    most MAX_SPECIFIC in all. A post that manages people keeps G6 People management among them."""
    ranked = sorted((dim for dim in order if counts.get(dim)),
                    key=lambda dim: (-counts[dim], -asked.get(dim, 0), order.index(dim)))
    required = [PEOPLE] if manages_people and PEOPLE in order else []
    chosen = list(required)
    for dim in ranked:
        if len(chosen) >= MAX_SPECIFIC:
            break
        if dim not in chosen and (len(chosen) < MIN_SPECIFIC or counts[dim] >= KEEP_SHARE * counts[ranked[0]]):
            chosen.append(dim)
    return chosen


def ksf_outline(library: Library, link_sets: Sequence[tuple[Link, ...]], owners: Sequence[str],
                manages_people: bool, band: int | None = None, training: bool = False,
                overrides: Mapping[str, Override] | None = None) -> tuple[OutlineRow, ...]:
    """Six core dimensions plus the two to four specific ones that carry most of the post's
    statements (and any a post override asks for), with both gateways."""
    ksf = library.frameworks.get(KSF)
    if ksf is None:
        return ()
    overrides = overrides or {}
    asked: dict[str, int] = {}
    because: dict[str, list[str]] = {}
    linked = 0
    for links, owner in zip(link_sets, owners, strict=True):
        ksf_links = [link for link in links if link.framework == KSF and link.level is not None]
        linked += bool(ksf_links)
        for link in ksf_links:
            asked[link.target] = max(asked.get(link.target, 0), link.level or 0)
            because.setdefault(link.target, []).append(owner)
    ceiling = CEILING[band] if band is not None else 4
    at_band = f"Band {band}" if band is not None else "the grade"
    specific = [entry.id for entry in ksf.entries if entry.group != "core"]
    counts = {dim: len(dict.fromkeys(owners)) for dim, owners in because.items()}
    kept = set(specific_dimensions(counts, asked, specific, manages_people))
    rows = []
    for entry in ksf.entries:
        dim = entry.id
        core = entry.group == "core"
        override = overrides.get(dim)
        if not core and dim not in kept and (override is None or not override.level):
            continue
        owners_of = tuple(dict.fromkeys(because.get(dim, [])))
        floor = floor_for(dim, band)
        central = core or (linked > 0 and len(owners_of) >= CENTRAL_SHARE * linked)
        level, note = asked.get(dim, 0), ""
        if not level and core:
            level, note = floor, "No duty of the post draws on this dimension" + (
                f": the usual level for {at_band}." if band is not None else ".")
        elif not level and dim == "G6" and manages_people:
            level = min(max(2, floor), ceiling)
            note = "The post manages or supervises people."
        elif level > ceiling:
            note = f"Level {ceiling}: the highest level for {at_band}."
            level = ceiling
        elif level and central and level < floor:
            note = f"Central to the post: level {floor}, the usual level for {at_band}."
            level = floor
        if override is not None:
            level, note = override.level, ""
        if not level:
            continue
        floor_below = floor_for(dim, band - 1) if band is not None and band > 1 else 1
        foundation = foundation_for(level, floor, training, floor_below)
        if override is not None and override.foundation is not None:
            foundation = override.foundation
        rows.append(OutlineRow(dim, entry.title, core, level, entry.level_title(level), owners_of, note,
                               foundation, entry.level_title(foundation),
                               override.reason if override is not None else ""))
    return tuple(rows)


def parse_overrides(raw: Mapping[str, Any]) -> dict[str, Override]:
    """The post's `ksf:` mapping as overrides (already schema-checked)."""
    return {dim: Override(spec["level"], " ".join(spec["reason"].split()), spec.get("foundation"))
            for dim, spec in raw.items()}
