"""Header fields: the labels employers use for each post key, and reading their values.

The salary is read with jdgen.salary, as `jdgen build` reads a salary text for the advert data,
and written as the structured amount (`{min, max, per}` or `{value, per}`); hours become a
number; a closing date becomes YYYY-MM-DD."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .. import salary as salaries

#: Post key → the labels that name it (lower case, without the colon).
LABELS: dict[str, tuple[str, ...]] = {
    "title": ("job title", "post title", "title", "position", "role", "job", "post", "role title", "job role",
              "position title", "title of post", "vacancy"),
    "organisation": ("organisation", "organization", "employer", "trust", "employing organisation"),
    "department": ("department", "directorate", "service", "team"),
    "grade": ("band", "grade", "pay band", "band/grade", "grade/band", "afc band", "agenda for change band",
              "pay grade", "banding"),
    "salary": ("salary", "pay", "salary range", "salary scale", "pay range", "remuneration", "salary/pay"),
    "hours_per_week": ("hours", "hours per week", "working hours", "hours of work", "weekly hours",
                       "contracted hours", "hours of duty"),
    "contract": ("contract", "contract type", "type of contract", "tenure", "contract length", "contract status"),
    "base": ("base", "location", "work base", "based at", "place of work", "base/location", "location/base",
             "work location", "site", "main base"),
    "responsible_to": ("reports to", "responsible to", "line manager", "reporting to", "managed by",
                       "report to", "responsible to (line manager)"),
    "accountable_to": ("accountable to", "professionally accountable to", "professionally accountable",
                       "accountability"),
    "reference": ("reference", "job reference", "vacancy reference", "reference number", "job ref", "ref"),
    "closing_date": ("closing date", "closing", "apply by", "application deadline", "deadline"),
}
_BY_LABEL = {label: key for key, labels in LABELS.items() for label in labels}
#: The fields the issue asks for; those not found are reported as missing.
REPORTED = ("title", "grade", "salary", "hours_per_week", "contract", "base", "responsible_to", "accountable_to")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), 1)}


def field_of(label: str) -> str | None:
    """The post key a label names, or None: 'Reports to:' → responsible_to."""
    key = " ".join(label.lower().replace("*", "").strip().rstrip(":").split())
    return _BY_LABEL.get(key)


def value_of(key: str, text: str) -> Any:
    """The post value of a field's text, or None when it cannot be read into one."""
    text = text.strip()
    if not text:
        return None
    if key == "salary":
        found = salaries.parse(text)
        if found is None:
            return text  # shown as written; `jdgen validate` warns (unreadable-salary)
        data: dict[str, Any] = ({"value": _number(found.value)} if found.value is not None
                                else {"min": _number(found.min or 0), "max": _number(found.max or 0)})
        data["per"] = found.per
        if re.search(r"pro[ -]?rata", text, re.IGNORECASE):
            data["note"] = "pro rata"
        return data
    if key == "hours_per_week":
        m = re.search(r"\d+(?:\.\d+)?", text)
        hours = float(m.group()) if m else 0.0
        return _number(hours) if 0 < hours <= 48 else None
    if key == "closing_date":
        return _date(text)
    if key == "grade" and re.fullmatch(r"\d[a-d]?", text, re.IGNORECASE):
        return f"Band {text}"
    return text if len(text) >= 2 else None


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _date(text: str) -> str | None:
    """'15 January 2027', '15th Jan 2027', '31/01/2027' (UK order) or '2027-01-31' as ISO; else None."""
    day = month = year = 0
    if m := re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = (int(g) for g in m.groups())
    elif m := re.search(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})", text):
        day, month, year = (int(g) for g in m.groups())
    elif m := re.search(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\s+(\d{4})", text):
        day, month, year = int(m.group(1)), _MONTHS.get(m.group(2)[:3].lower(), 0), int(m.group(3))
    if year and year < 100:
        year += 2000
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
