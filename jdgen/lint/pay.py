"""`salary-band`: a salary outside the Agenda for Change range of the post's band, for the pay
year in force when the post was advertised. Pay scales are data (jdgen/lint/data/afc-pay-*.yaml,
with their source and effective date); a workspace adds a year as pay-scales/NAME.yaml."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import Diagnostic
from ..salary import Salary, from_mapping, parse, pounds
from .data import bundled
from .model import Finding, Subject

_BAND = re.compile(r"\bband\s*([1-9])\s*([a-d])?\b", re.IGNORECASE)
#: A salary that says it includes a supplement (London, high cost area) may lie above the band.
_SUPPLEMENT = re.compile(r"high\s+cost|HCAS|london|weighting|supplement|inclusive\s+of", re.IGNORECASE)
FOLDER = "pay-scales"


@dataclass(frozen=True)
class PayScale:
    """One pay year's Agenda for Change bands: band ('5', '8a') → (lowest, highest) a year."""

    pay_year: str
    effective_from: dt.date
    source: str
    bands: dict[str, tuple[float, float]]
    path: str = ""


def _scale(data: Any, path: str) -> PayScale:
    bands = {str(k).lower(): (float(v[0]), float(v[1])) for k, v in data["bands"].items()}
    return PayScale(str(data["pay_year"]), dt.date.fromisoformat(str(data["effective_from"])), str(data["source"]),
                    bands, path)


@cache
def bundled_scales() -> tuple[PayScale, ...]:
    names = sorted(p.name for p in resources.files("jdgen.lint").joinpath("data").iterdir()
                   if p.name.startswith("afc-pay-"))
    return tuple(_scale(bundled(name), name) for name in names)


def workspace_scales(root: Path) -> tuple[list[PayScale], list[Diagnostic]]:
    """The workspace's own pay years (pay-scales/*.yaml); each wrong file is an error at its line."""
    from ..yamlio import load_file

    scales: list[PayScale] = []
    problems: list[Diagnostic] = []
    folder = root / FOLDER
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        doc, found = load_file(path)
        problems += found
        if doc is None or found:
            continue
        try:
            scale = _scale(doc.data, doc.path)
            if not scale.source.strip() or not scale.bands or any(lo > hi for lo, hi in scale.bands.values()):
                raise ValueError("needs a source and bands of [lowest, highest]")
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            problems.append(doc.diag((), f"not a pay scale: {exc}", code="bad-pay-scale",
                                     hint="give pay_year, effective_from (YYYY-MM-DD), source and bands: "
                                          "{'5': [31049, 37796], …} as the bundled scales do"))
            continue
        scales.append(scale)
    return scales, problems


def in_force(scales: list[PayScale], on: dt.date, pay_year: str | None) -> PayScale | None:
    """The named pay year, else the latest one in force on `on`."""
    if pay_year:
        return next((s for s in scales if s.pay_year == pay_year), None)
    started = [s for s in scales if s.effective_from <= on]
    return max(started, key=lambda s: s.effective_from) if started else None


def band_key(grade: str) -> str | None:
    m = _BAND.search(grade)
    return (m.group(1) + (m.group(2) or "").lower()) if m else None


def _salary(raw: Any) -> tuple[Salary | None, str]:
    if isinstance(raw, dict):
        try:
            return from_mapping(raw), str(raw.get("note", ""))
        except (KeyError, TypeError, ValueError):
            return None, ""
    return (parse(raw), raw) if isinstance(raw, str) else (None, "")


def salary_band(subject: Subject) -> Iterator[Finding]:
    data = subject.doc.data
    grade, raw = data.get("grade"), data.get("salary")
    band = band_key(grade) if isinstance(grade, str) else None
    pay, text = _salary(raw)
    if band is None or pay is None or pay.per != "year" or _SUPPLEMENT.search(text):
        return
    posted = data.get("date_posted")
    try:
        on = dt.date.fromisoformat(posted) if isinstance(posted, str) else subject.today
    except ValueError:
        on = subject.today
    scale = in_force(list(subject.pay_scales), on, subject.settings.pay_year)
    if scale is None or band not in scale.bands:
        return
    low, high = scale.bands[band]
    amounts = [a for a in (pay.min, pay.max, pay.value) if a is not None]
    outside = [a for a in amounts if not low - 1 <= a <= high + 1]  # a pound either way for rounding
    if outside:
        shown = " and ".join(pounds(a) for a in outside)
        yield subject.finding("salary-band", ("salary",),
                              f"{shown} is outside Band {band}'s Agenda for Change pay for {scale.pay_year} "
                              f"({pounds(low)} to {pounds(high)} a year)",
                              f"\"{pounds(low)} to {pounds(high)} a year\", or say that the salary includes a "
                              "high cost area supplement")
