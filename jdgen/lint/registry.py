"""The lint rules by their stable ids (like yamllint's): an id, once published, keeps its meaning.
docs/lint.md has a section per rule: what it checks, why, and on what evidence."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import Finding, Subject


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    #: The kinds of file it reads: post, cluster (a workspace's own cluster file).
    kinds: tuple[str, ...]
    check: Callable[[Subject], Iterable[Finding]]


def _rules() -> dict[str, Rule]:
    from . import checks, pay, prose, words

    rules = [
        Rule("gendered-wording", "masculine- or feminine-coded words (Gaucher, Friesen and Kay 2011), with the "
             "text's balance", ("post", "cluster"), words.gendered),
        Rule("exclusionary-wording", "age-coded words, native-speaker requirements, gendered words and needless "
             "physical requirements", ("post", "cluster"), words.exclusionary),
        Rule("long-sentence", "a sentence over `max_words` words (35)", ("post", "cluster"), prose.long_sentences),
        Rule("readability", "a longer text below a Flesch reading ease of `min_score` (30)", ("post", "cluster"),
             prose.readability),
        Rule("acronym", "an acronym used before it is spelled out", ("post", "cluster"), prose.acronyms),
        Rule("salary-band", "a salary outside the Agenda for Change pay of the post's band", ("post",),
             pay.salary_band),
        Rule("closing-date", "a closing date already past, or fewer than `min_days` (14) after posting",
             ("post",), checks.closing_date),
        Rule("duplicate-duty", "two duty statements (bundled or local) that say nearly the same", ("post",),
             checks.duplicate_duties),
        Rule("placeholder", "text left from the starter post", ("post", "cluster"), checks.placeholders),
    ]
    return {r.id: r for r in rules}


RULES: dict[str, Rule] = _rules()
