"""Matching duty statements to framework items by text similarity, offline.

TF-IDF (scikit-learn) over two views of each text, word unigrams and bigrams (stop words out) and
character 3–5-grams within words (so "assessing" meets "assessment"), fitted on the items of the
frameworks searched; the score is the mean of the two cosine similarities. Before either view, a
small table of domain synonyms puts employers' words into the frameworks' wording (clients and
patients are "people", a CV is job search, …). A job description is written for one kind of post,
so once the framework most of its duties come from is known, that framework's items get a small
bonus (FRAMEWORK_BONUS). Thresholds and their reasons: docs/import.md.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Library
from .model import Candidate

#: A duty whose best score is below this is kept as a local duty (docs/import.md says why).
THRESHOLD = 0.20
#: Added to the scores of items of the framework most of a document's confident matches come from.
FRAMEWORK_BONUS = 0.15
#: How many other items the report offers beside the match.
ALTERNATIVES = 3

#: Employers' words → the frameworks' words. Whole words or phrases, lower case.
SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"service users?|clients?|patients?|customers?|callers?|individuals?", "people"),
    (r"\bphone\b|\bcalls?\b", "telephone"),
    (r"\bcvs?\b|curriculum vitae|vacanc(y|ies)|job applications?", "job search"),
    (r"unemployed|not working|jobless", "out of work"),
    (r"phased return", "graded return"),
    (r"off sick|signed off", "sickness absence"),
    (r"low mood", "depression"),
    (r"suicidal (ideas?|ideation)", "suicidal thoughts"),
    (r"did not attend|\bdnas?\b|no[- ]shows?", "missed appointments"),
    (r"psycho-?education(al)?", "psycho-educational"),
    (r"electronic (patient|health) records?|\bepr\b|patient record system|clinical system", "case management system"),
    (r"clinical records?|case notes?|\bnotes\b", "notes records"),
    (r"co-?(run|deliver|lead|facilitate)", "co-facilitate"),
    (r"lived experience|own story of recovery|own experience", "lived experience"),
    (r"welfare rights|benefits advice", "benefits advice"),
    (r"\bdisclose\b", "tell employer"),
    (r"\bappraisals?\b|\bpdrs?\b", "appraisal"),
    (r"\bicb\b|integrated care boards?|commissioners?", "commissioner"),
    (r"\bbabcp\b", "babcp accreditation"),
    (r"\bpwps?\b", "psychological wellbeing practitioners"),
    (r"\bcbt\b", "cbt cognitive behavioural"),
    (r"\bptsd\b", "post-traumatic stress disorder"),
    (r"\bocd\b", "obsessive-compulsive disorder"),
    (r"\bgad\b(?!-)", "generalised anxiety disorder"),
)
_COMPILED = tuple((re.compile(p), r) for p, r in SYNONYMS)


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True)
class _Index:
    refs: tuple[str, ...]
    frameworks: tuple[str, ...]
    word: Any
    char: Any
    word_matrix: Any
    char_matrix: Any


def _corpus(library: Library, frameworks: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """References, frameworks and normalised texts (item, sub-items, cluster title) of the items."""
    refs, fws, texts = [], [], []
    for fw_id in frameworks:
        fw = library.frameworks[fw_id]
        for cluster in fw.clusters:
            for item in cluster.items:
                refs.append(f"{fw_id}:{item.id}")
                fws.append(fw_id)
                texts.append(normalise(" ".join([item.text, *(s.text for s in item.sub), cluster.title])))
    return refs, fws, texts


class Matcher:
    """The items of the given frameworks, ready to score duty texts against."""

    def __init__(self, corpus: tuple[list[str], list[str], list[str]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        refs, fws, texts = corpus
        word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), stop_words="english", sublinear_tf=True,
                               token_pattern=r"(?u)\b\w[\w-]*\w\b|\b\w\b")
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._index = _Index(tuple(refs), tuple(fws), word, char, word.fit_transform(texts),
                             char.fit_transform(texts))

    def scores(self, texts: Sequence[str]) -> Any:
        """The duties × items matrix of similarity scores (numpy), before any framework bonus."""
        ix = self._index
        queries = [normalise(t) for t in texts]
        word = (ix.word.transform(queries) @ ix.word_matrix.T).toarray()
        char = (ix.char.transform(queries) @ ix.char_matrix.T).toarray()
        return (word + char) / 2

    def match(self, texts: Sequence[str], threshold: float = THRESHOLD,
              bonus: float = FRAMEWORK_BONUS) -> list[list[Candidate]]:
        """For each text, the best items (the match first), ALTERNATIVES + 1 of them, best first: ranked
        with the framework bonus, each with its own similarity score (the one the threshold is for)."""
        import numpy as np

        ix = self._index
        if not texts or not ix.refs:
            return [[] for _ in texts]
        scores = self.scores(texts)
        best = scores.argmax(axis=1)
        votes = Counter(ix.frameworks[j] for i, j in enumerate(best) if scores[i, j] >= threshold)
        ranking = scores
        if votes and bonus:
            main = votes.most_common(1)[0][0]
            ranking = scores + bonus * np.array([fw == main for fw in ix.frameworks], dtype=float)
        result = []
        for raw, ranked in zip(scores, ranking, strict=True):
            order = np.argsort(-ranked, kind="stable")[:ALTERNATIVES + 1]
            result.append([Candidate(ix.refs[j], round(float(raw[j]), 3)) for j in order])
        return result


_cache: dict[str, Matcher] = {}
_cache_lock = threading.Lock()


def matcher_for(library: Library, frameworks: Sequence[str]) -> Matcher:
    """A fitted Matcher for the items of `frameworks`, reused while their texts stay the same (by
    every command of one process, and by the web app across imports and workspace reloads)."""
    corpus = _corpus(library, frameworks)
    key = hashlib.sha256("\0".join(corpus[0] + corpus[2]).encode("utf-8")).hexdigest()
    with _cache_lock:
        matcher = _cache.get(key)
        if matcher is None:
            if len(_cache) >= 8:
                _cache.clear()
            matcher = _cache[key] = Matcher(corpus)
        return matcher
