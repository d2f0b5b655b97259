"""Rules on how the author's text reads: `long-sentence`, `readability` (Flesch reading ease, with
syllables counted by Pyphen's British English hyphenation) and `acronym` (used before it is spelled out)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from .model import Finding, Subject

#: A sentence ends at . ! or ? before a space and a capital, a digit or an opening quote or bracket;
#: common abbreviations do not end one.
_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])|\n\s*\n")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "No.", "approx.", "incl.")
_WORDS = re.compile(r"\S+")
_ACRONYM = re.compile(r"\b([A-Z][A-Z&]*[A-Z])(s?)\b")
#: A reference code ('RNT-PWP-001'): its capitals are not acronyms.
_CODE = re.compile(r"\b[A-Z0-9]+(?:-[A-Z0-9]+){2,}\b")
_CLOSES = re.compile(r"(-?\d+)?\)")  # '(CBT)', '(PHQ-9)'
_SPELLED_AFTER = re.compile(r"\(\s*[A-Za-z][^()]*\s[^()]*\)")  # '(two or more words)'
#: Abbreviations every reader of an NHS job description knows, which NHS Jobs adverts use unexpanded;
#: professional bodies (BABCP, HCPC, …) are not among them: an applicant new to the field may not know them.
ALWAYS_KNOWN = ("NHS", "GP", "GPs", "UK", "IT", "GCSE", "GCSEs")


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) of each sentence of `text`."""
    start = 0
    for m in _END.finditer(text):
        if text[:m.end()].endswith(_ABBREVIATIONS):
            continue
        chunk = text[start:m.end()]
        if chunk.strip():
            yield start + len(chunk) - len(chunk.lstrip()), chunk.strip()
        start = m.end()
    rest = text[start:]
    if rest.strip():
        yield start + len(rest) - len(rest.lstrip()), rest.strip()


def long_sentences(subject: Subject) -> Iterator[Finding]:
    limit = subject.settings.max_words
    for text in subject.texts:
        for offset, sentence in sentences(text.value):
            words = len(_WORDS.findall(sentence))
            if words > limit:
                first = _WORDS.match(sentence)
                yield subject.finding("long-sentence", text.where, f"a sentence of {words} words (more than {limit})",
                                      "split it in two, or make a list of its parts", text=text.value,
                                      offset=offset, length=len(first.group()) if first else 0)


def readability(subject: Subject) -> Iterator[Finding]:
    """Each longer text whose Flesch reading ease is below the threshold."""
    settings = subject.settings
    scored = [t for t in subject.texts if len(_WORDS.findall(t.value)) >= settings.min_words]
    if not scored:
        return
    for text in scored:
        score = reading_ease(text.value)
        if score < settings.min_score:
            yield subject.finding("readability", text.where,
                                  f"hard to read: Flesch reading ease {score:.0f} (below {settings.min_score:g})",
                                  "use shorter sentences and everyday words; say 'you' to the reader")


#: Flesch (1948) reading ease: 206.835 - 1.015 × words per sentence - 84.6 × syllables per word.
FLESCH = (206.835, 1.015, 84.6)
_LETTERS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@lru_cache(maxsize=1)
def _hyphenator() -> Any:
    import pyphen  # WeasyPrint's hyphenation library, so no new dependency

    return pyphen.Pyphen(lang="en_GB")


def syllables(word: str) -> int:
    """Syllables of one word: its British English hyphenation points plus one (the usual estimate
    where no pronouncing dictionary is loaded)."""
    return len(_hyphenator().positions(word.lower())) + 1


def reading_ease(text: str) -> float:
    """The Flesch reading ease of `text` (higher is easier; 60 to 70 is plain English)."""
    flat = " ".join(text.split())
    words = _LETTERS.findall(flat)
    if not words:
        return FLESCH[0]
    count = max(1, sum(1 for _ in sentences(flat)))
    base, per_sentence, per_syllable = FLESCH
    return base - per_sentence * len(words) / count - per_syllable * sum(map(syllables, words)) / len(words)


def _defines(text: str, start: int, end: int) -> bool:
    """True where an acronym at text[start:end] is spelled out: 'Full Name (ACR)' or 'ACR (Full Name)'."""
    before, after = text[:start].rstrip(), text[end:].lstrip()
    return (before.endswith("(") and bool(_CLOSES.match(after)) and len(before) > 1) or \
        bool(_SPELLED_AFTER.match(after))


def acronyms(subject: Subject) -> Iterator[Finding]:
    """The first use of each acronym, when it is not spelled out there or before (document order)."""
    known = set(ALWAYS_KNOWN) | {a.upper() for a in subject.settings.acronyms}
    seen: set[str] = set()
    for text in subject.texts:
        codes = [c.span() for c in _CODE.finditer(text.value)]
        for m in _ACRONYM.finditer(text.value):
            acronym = m.group(1)
            if acronym in known or acronym in seen or any(a <= m.start() < b for a, b in codes):
                continue
            seen.add(acronym)
            if not _defines(text.value, m.start(), m.end()):
                yield subject.finding("acronym", text.where, f"'{acronym}' is used before it is spelled out",
                                      f"write it in full on first use, followed by ({acronym}), or add it to "
                                      "lint: acronyms in jdgen.yaml if every reader knows it",
                                      text=text.value, offset=m.start(), length=len(m.group()))
