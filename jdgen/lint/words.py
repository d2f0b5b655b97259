"""Word-list rules: `gendered-wording` (Gaucher, Friesen and Kay 2011, as the Gender Decoder
applies it) and `exclusionary-wording` (age, national origin, sex and disability)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .data import bundled
from .model import Finding, Subject, Text

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


@dataclass(frozen=True)
class Coded:
    text: Text
    offset: int
    word: str
    gender: str  # masculine | feminine


@cache
def _stems() -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    data = bundled("gendered-words.yaml")
    return tuple(data["masculine"]), tuple(data["feminine"]), frozenset(data["exceptions"])


def _gender(word: str) -> str | None:
    masculine, feminine, exceptions = _stems()
    lower = word.lower()
    if lower in exceptions:
        return None
    if lower.startswith(masculine):
        return "masculine"
    if lower.startswith(feminine):
        return "feminine"
    return None


def coded_words(text: Text) -> Iterator[Coded]:
    """The coded words of one text, each at its offset. A hyphenated word counts whole when a stem
    is hyphenated ('self-reliant'), else by its parts ('team-leading' → 'leading')."""
    standard = {w.lower() for w in _WORD.findall(text.standard)} if text.standard else set()
    for m in _WORD.finditer(text.value):
        parts = [(m.start(), m.group())]
        if "-" in m.group() and _gender(m.group()) is None:
            parts, start = [], m.start()
            for piece in m.group().split("-"):
                parts.append((start, piece))
                start += len(piece) + 1
        for offset, word in parts:
            gender = _gender(word)
            if gender and word.lower() not in standard:  # the bundled wording's words are not the author's
                yield Coded(text, offset, word, gender)


def gendered(subject: Subject) -> Iterator[Finding]:
    """Each coded word of the leaning side, with the balance of all the author's text."""
    found = [c for t in subject.texts for c in coded_words(t)]
    masculine = sum(1 for c in found if c.gender == "masculine")
    feminine = len(found) - masculine
    if masculine > feminine:
        side = "masculine"
    elif feminine > masculine and subject.settings.report_feminine:
        side = "feminine"
    else:
        return
    balance = f"the text the post's author wrote has {masculine} masculine- and {feminine} feminine-coded words"
    other = "communal words (support, collaborate, understand)" if side == "masculine" else \
        "agentic words (lead, decide, independent)"
    for c in found:
        if c.gender == side:
            yield subject.finding("gendered-wording", c.text.where, f"{side}-coded word '{c.word}' ({balance})",
                                  f"say it plainly or balance it with {other}",
                                  text=c.text.value, offset=c.offset, length=len(c.word))


@dataclass(frozen=True)
class Phrase:
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    message: str
    suggestion: str


@cache
def _phrases() -> tuple[Phrase, ...]:
    return tuple(Phrase(re.compile(p["pattern"], re.IGNORECASE),
                        re.compile(p["unless"], re.IGNORECASE) if p.get("unless") else None,
                        p["message"], p["suggestion"]) for p in bundled("exclusionary.yaml")["phrases"])


def exclusionary(subject: Subject) -> Iterator[Finding]:
    for text in subject.texts:
        for phrase in _phrases():
            if phrase.unless is not None and phrase.unless.search(text.value):
                continue
            for m in phrase.pattern.finditer(text.value):
                word = " ".join(m.group().split())
                yield subject.finding("exclusionary-wording", text.where, phrase.message.format(word=word),
                                      phrase.suggestion, text=text.value, offset=m.start(), length=len(m.group()))
