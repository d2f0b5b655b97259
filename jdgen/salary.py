"""Salaries: written out from a structured `salary:` mapping, or read from the usual text forms
("£31,049 to £37,796 a year", "£26,140 pro rata", "£12.50 an hour") for schema.org's baseSalary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

UNITS = {"year": "YEAR", "month": "MONTH", "week": "WEEK", "day": "DAY", "hour": "HOUR"}
_PER = {"year": "a year", "month": "a month", "week": "a week", "day": "a day", "hour": "an hour"}
_AMOUNT = re.compile(r"£\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?\s*(k\b)?", re.IGNORECASE)
_UNIT_WORDS = (
    ("hour", r"\b(an? hour|per hour|hourly|/\s*h(ou)?r|p\.?h\.?)\b"),
    ("day", r"\b(a day|per day|daily|per diem)\b"),
    ("week", r"\b(a week|per week|weekly|p\.?w\.?)\b"),
    ("month", r"\b(a month|per month|monthly|p\.?c\.?m\.?)\b"),
    ("year", r"\b(a year|per year|per annum|annual(ly)?|p\.?a\.?|pro rata|a yr)\b"),
)


@dataclass(frozen=True)
class Salary:
    """An amount or a range of pay per unit (year, month, week, day, hour), in pounds."""

    min: float | None
    max: float | None
    value: float | None
    per: str
    note: str = ""

    def quantitative_value(self) -> dict[str, Any]:
        """schema.org QuantitativeValue."""
        data: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": UNITS[self.per]}
        if self.value is not None:
            data["value"] = _number(self.value)
        else:
            data["minValue"] = _number(self.min or 0)
            if self.max is not None:
                data["maxValue"] = _number(self.max)
        return data


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 2)


def pounds(x: float) -> str:
    """£31,049 or £12.50."""
    return f"£{x:,.0f}" if float(x).is_integer() else f"£{x:,.2f}"


def from_mapping(data: dict[str, Any]) -> Salary:
    per = str(data.get("per", "year"))
    if "value" in data:
        return Salary(None, None, float(data["value"]), per, str(data.get("note", "")))
    high = data.get("max")
    return Salary(float(data["min"]), float(high) if high is not None else None, None, per,
                  str(data.get("note", "")))


def text_of(salary: Salary) -> str:
    """The salary as a document shows it: '£31,049 to £37,796 a year (pro rata for part time)'."""
    if salary.value is not None:
        text = pounds(salary.value)
    elif salary.max is not None and salary.max != salary.min:
        text = f"{pounds(salary.min or 0)} to {pounds(salary.max)}"
    elif salary.max is not None:  # the same amount at both ends: that amount, not "from" it
        text = pounds(salary.max)
    else:
        text = f"from {pounds(salary.min or 0)}"
    text += f" {_PER[salary.per]}"
    note = " ".join(salary.note.split())
    return f"{text} ({note})" if note else text


def parse(text: str) -> Salary | None:
    """Read a salary from text; None when no amount of money is found. A bare amount is a year's pay."""
    amounts = []
    for m in _AMOUNT.finditer(text):
        value = float(m.group(1).replace(",", "") + (m.group(2) or ""))
        if m.group(3):
            value *= 1000
        amounts.append(value)
    if not amounts:
        return None
    per = next((unit for unit, pattern in _UNIT_WORDS if re.search(pattern, text, re.IGNORECASE)), "year")
    if len(amounts) >= 2:  # "£a to £b", "£a - £b": the first two amounts are the range
        low, high = sorted(amounts[:2])
        return Salary(low, high, None, per)
    return Salary(None, None, amounts[0], per)
