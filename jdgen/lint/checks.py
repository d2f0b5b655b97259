"""Rules on a post's facts: `closing-date`, `duplicate-duty` and `placeholder`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from .model import Finding, Subject

_WORD = re.compile(r"[a-z0-9]+")
#: Words that say little about what a duty is (left out when comparing two duties).
_STOP = frozenset(["a", "an", "and", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of",
                   "on", "or", "the", "their", "to", "with", "within"])


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def closing_date(subject: Subject) -> Iterator[Finding]:
    data = subject.doc.data
    closing, posted = _date(data.get("closing_date")), _date(data.get("date_posted"))
    if closing is None:
        return
    if closing < subject.today:
        yield subject.finding("closing-date", ("closing_date",), f"the closing date {closing} has passed",
                              "give a closing date still to come, or take the advert down")
    days = subject.settings.min_days
    if posted is not None and posted <= closing < posted + dt.timedelta(days=days):
        yield subject.finding("closing-date", ("closing_date",),
                              f"the advert runs {(closing - posted).days} day(s), fewer than {days}",
                              f"close it on {posted + dt.timedelta(days=days)} or later")


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def duplicate_duties(subject: Subject) -> Iterator[Finding]:
    """Pairs of duty statements (bundled or local) whose words overlap at least `similarity`
    (Jaccard index of their words); reported at the later one the author wrote, else at `duties`."""
    post = subject.post
    if post is None:
        return
    limit = subject.settings.similarity
    local_where = {t.value and " ".join(t.value.split()): t.where for t in subject.texts if t.kind == "duty"}
    duties = [(d, _words(d.text)) for d in post.duties if len(d.text.split()) >= 4]
    for i, (a, wa) in enumerate(duties):
        for b, wb in duties[i + 1:]:
            union = len(wa | wb)
            if union and len(wa & wb) / union >= limit:
                where = local_where.get(b.text) or local_where.get(a.text) or ("duties",)
                yield subject.finding("duplicate-duty", where, f"duty {b.label} says nearly what {a.label} says: "
                                      f"'{_short(b.text)}'", f"keep one of {a.label} and {b.label}",
                                      key=where == ("duties",))


def _short(text: str) -> str:
    return text if len(text) <= 70 else text[:67].rstrip() + "…"


def placeholders(subject: Subject) -> Iterator[Finding]:
    """Each example text of the starter post (`jdgen new post`) still in the file."""
    from ..starter import PLACEHOLDERS

    for where, text in _strings(subject.doc.data, ()):
        for placeholder in PLACEHOLDERS:
            first = placeholder.split()[0]
            plain = " ".join(text.split())
            if placeholder not in plain:
                continue
            offset = _offset(text, placeholder)
            yield subject.finding("placeholder", where, f"starter text left: '{_short(placeholder)}'",
                                  "replace it with the post's own words", text=text, offset=offset,
                                  length=len(first))


def _strings(value: object, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text value under `value`, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, v in value.items():
            yield from _strings(v, (*path, key))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, (*path, i))


def _offset(text: str, phrase: str) -> int:
    m = re.search(r"\s+".join(re.escape(p) for p in phrase.split()), text)
    return m.start() if m else 0
