"""Curricula derived from competences: one module per cluster or domain, one learning outcome per
competence (sub-competences become its assessment criteria), teaching and assessment methods,
suggested hours, and a mapping from every outcome to the competence ids it covers."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from .model import Cluster, Item, Library
from .posts import ResolvedPost

#: Default suggested hours per outcome, by the kind of competence (documented in docs/training.md).
HOURS_PER_OUTCOME = {"knowledge": 2.0, "ability": 3.0, "duty": 3.0}
TEACHING = {
    "skills": "Experiential skills workshops: demonstration, then practice with feedback",
    "vignettes": "Case vignettes and role-play",
    "study": "Self-directed study of set reading and guidance",
    "practice": "Supervised practice in the service, reviewed in supervision",
}
ASSESSMENT = {
    "knowledge": "Written assignment or short-answer test on the knowledge outcomes",
    "observed": "Observed practice (live, recorded or role-play) rated against the assessment criteria",
    "portfolio": "Practice portfolio with supervisor's sign-off of each outcome",
}


@dataclass(frozen=True)
class Outcome:
    id: str
    text: str
    competences: tuple[str, ...]
    criteria: tuple[str, ...] = ()
    kind: str = "ability"


@dataclass(frozen=True)
class Module:
    number: int
    code: str
    title: str
    description: str
    hours: float
    outcomes: tuple[Outcome, ...]
    teaching: tuple[str, ...]
    assessment: tuple[str, ...]


@dataclass(frozen=True)
class Curriculum:
    title: str
    source: str
    provenance: str
    modules: tuple[Module, ...] = field(default_factory=tuple)

    @property
    def total_hours(self) -> float:
        return sum(m.hours for m in self.modules)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def outcome_text(item: Item) -> str:
    """An item's own outcome, else 'Demonstrate the ability to …' / 'Explain …' from its statement."""
    if item.outcome:
        return " ".join(item.outcome.split())
    text = re.sub(r",?\s*by:?\s*$", "", item.text.strip()).rstrip(".:")
    if item.kind == "knowledge":
        body = re.sub(r"^knowledge (and understanding )?of\s+", "", text, flags=re.IGNORECASE)
        body = re.sub(r"\b(and|or),? of\b", r"\1", body)  # "Knowledge of X and of Y" → "Explain X and Y"
        return f"Explain {body}."
    body = re.sub(r"^an ability to\s+", "", text, flags=re.IGNORECASE)
    if body == text:
        body = _lower_first(text)
    return f"Demonstrate the ability to {body}."


def _methods(kinds: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    knowledge = kinds.count("knowledge")
    skills = len(kinds) - knowledge
    teaching = []
    assessment = []
    if skills:
        teaching += [TEACHING["skills"], TEACHING["vignettes"]]
        assessment.append(ASSESSMENT["observed"])
    teaching.append(TEACHING["study"])
    if knowledge:
        assessment.insert(0, ASSESSMENT["knowledge"])
    if skills:
        teaching.append(TEACHING["practice"])
        assessment.append(ASSESSMENT["portfolio"])
    return tuple(teaching), tuple(assessment)


def default_hours(kinds: list[str]) -> float:
    """Suggested hours: per-outcome defaults, rounded up to the next half day (3.5 hours)."""
    raw = sum(HOURS_PER_OUTCOME.get(k, 3.0) for k in kinds)
    return math.ceil(raw / 3.5) * 3.5 if raw else 0.0


def module_for(number: int, cluster: Cluster, items: list[Item], prefix: str,
               hours: dict[str, float]) -> Module:
    outcomes = []
    for i, item in enumerate(items, start=1):
        ids = (f"{prefix}{item.id}", *(f"{prefix}{s.id}" for s in item.sub))
        outcomes.append(Outcome(f"{number}.{i}", outcome_text(item), ids,
                                tuple(s.text for s in item.sub), item.kind))
    kinds = [item.kind for item in items]
    teaching, assessment = _methods(kinds)
    chosen = hours.get(cluster.code, hours.get(cluster.shown_code, cluster.hours))
    return Module(number, cluster.shown_code, cluster.title, cluster.description,
                  float(chosen) if chosen is not None else default_hours(kinds), tuple(outcomes), teaching,
                  assessment)


def framework_curriculum(library: Library, framework: str, hours: dict[str, float] | None = None) -> Curriculum:
    """A curriculum covering every competence of a framework, one module per cluster or domain."""
    fw = library.frameworks[framework]
    modules = [module_for(n, c, list(c.items), "", hours or {}) for n, c in enumerate(fw.clusters, start=1)]
    return Curriculum(f"Curriculum: {fw.title}", fw.title, " ".join(fw.provenance.authored.split()), tuple(modules))


def post_curriculum(post: ResolvedPost, library: Library, hours: dict[str, float] | None = None) -> Curriculum:
    """A curriculum for one post: modules for the clusters and domains its duties and competences use."""
    groups: dict[tuple[str, str], list[Item]] = {}
    for d in post.duties:
        if d.framework:
            item = library.item(d.framework, d.id)
            if item is not None:
                groups.setdefault((d.framework, d.cluster), []).append(item)
    for c in post.competences:
        item = library.item(c.framework, c.item)
        if item is not None:
            groups.setdefault((c.framework, c.domain), []).append(item)
    modules = []
    for n, ((fw_id, code), items) in enumerate(groups.items(), start=1):
        cluster = library.cluster(fw_id, code)
        if cluster is None:
            continue
        prefix = "" if fw_id == post.duty_framework else f"{fw_id}:"
        modules.append(module_for(n, cluster, items, prefix, hours or {}))
    return Curriculum(f"Curriculum: {post.terms['title']}", post.terms["title"],
                      "Derived from the duties and competences of the post.", tuple(modules))


def curriculum_json(c: Curriculum) -> dict[str, Any]:
    return {
        "title": c.title,
        "source": c.source,
        "total_hours": c.total_hours,
        "modules": [{
            "number": m.number, "code": m.code, "title": m.title, "description": m.description, "hours": m.hours,
            "teaching_methods": list(m.teaching), "assessment_methods": list(m.assessment),
            "outcomes": [{"id": o.id, "text": o.text, "competences": list(o.competences),
                          "assessment_criteria": list(o.criteria)} for o in m.outcomes],
        } for m in c.modules],
    }
