"""The duties a job description states: a curated selection, not the framework's every item.

Each cluster a post takes is stated once, by the cluster's own statement (the trainee wording for a
training post), followed by the items the post picked (`pick`, or single items it `add`s); an item
whose theme (risk, records, …) was already stated is left out, so each point is made once. Local
duties are the employer's own and are always stated. Clusters without a statement (a workspace's
own) are stated item by item, as before. Competence domains are stated by their statements too.
The `full` profile does not curate: it keeps every item with its code, as the traceability record.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Cluster, Library
from .posts import LOCAL_CLUSTER, Duty, ResolvedPost

#: Duty statements a curated job description should hold at most, unless jdgen.yaml says otherwise.
DEFAULT_BUDGET = 40


@dataclass(frozen=True)
class Statement:
    """One line of the duties list: a cluster's statement or one duty (with its sub-points)."""

    text: str
    sub: tuple[str, ...] = ()
    source: str = ""  # the cluster code or duty id it states, for tests and the budget message


@dataclass(frozen=True)
class DutyGroup:
    """A heading of the duties list and the statements under it."""

    framework: str | None
    code: str
    title: str
    intro: str
    statements: tuple[Statement, ...]
    local: bool = False


def curated_duties(post: ResolvedPost, library: Library) -> list[DutyGroup]:
    """The post's duties as a job description states them (see the module docstring)."""
    groups: list[DutyGroup] = []
    said: set[str] = set()
    for key, duties in _by_heading(post.duties):
        framework, code, title = key
        cluster = library.cluster(framework, code) if framework else None
        statements: list[Statement] = []
        statement = _statement(cluster, post.training_post) if cluster is not None else ""
        covered = bool(statement) and any(d.whole_cluster for d in duties)
        if covered:
            statements.append(Statement(statement, source=code))
        for d in duties:
            if (covered and not d.picked) or d.kind == "knowledge":  # knowledge is asked for in the person spec
                continue
            if d.theme and d.theme in said and d.framework:
                continue
            said |= {d.theme} if d.theme else set()
            statements.append(Statement(d.text, d.sub, d.id))
        if not statements:  # every item was said already, or is asked for in the person specification
            continue
        local = framework is None
        heading = "Duties particular to this service" if local and title == "Local duties" else title
        groups.append(DutyGroup(framework, code, heading, duties[0].group_intro if local else "",
                                tuple(statements), local))
    # the employer's own duties come last, after the framework's duties and competence domains, as a
    # job description states the role's main duties before those particular to the service
    return ([g for g in groups if not g.local] + _competence_groups(post, library)
            + [g for g in groups if g.local])


def _statement(cluster: Cluster, training: bool) -> str:
    text = cluster.trainee_statement if training and cluster.trainee_statement else cluster.statement
    return " ".join(text.split())


def _by_heading(duties: tuple[Duty, ...]) -> list[tuple[tuple[str | None, str, str], list[Duty]]]:
    """Duties in runs of one heading (framework, cluster, title), in the post's order."""
    runs: list[tuple[tuple[str | None, str, str], list[Duty]]] = []
    for d in duties:
        key = (d.framework, d.cluster if d.framework else LOCAL_CLUSTER, d.cluster_title)
        if not runs or runs[-1][0] != key:
            runs.append((key, []))
        runs[-1][1].append(d)
    return runs


def _competence_groups(post: ResolvedPost, library: Library) -> list[DutyGroup]:
    """Each competence domain the post takes, stated as a duty by the domain's statement; a domain
    without one is stated competence by competence."""
    groups: list[DutyGroup] = []
    seen: set[tuple[str, str]] = set()
    for comp in post.competences:
        key = (comp.framework, comp.domain)
        if key in seen:
            continue
        seen.add(key)
        cluster = library.cluster(comp.framework, comp.domain)
        statement = _statement(cluster, post.training_post) if cluster is not None else ""
        statements: tuple[Statement, ...]
        if statement:
            statements = (Statement(statement, source=comp.domain),)
        else:
            statements = tuple(Statement(c.text, c.sub, c.id) for c in post.competences
                               if (c.framework, c.domain) == key)
        groups.append(DutyGroup(comp.framework, comp.domain, comp.domain_title, "", statements))
    return groups


def statement_count(groups: list[DutyGroup]) -> int:
    return sum(len(g.statements) for g in groups)


def over_budget(groups: list[DutyGroup], budget: int) -> str:
    """'' when the duties fit the budget; else the clusters to trim first, with their line counts."""
    if statement_count(groups) <= budget:
        return ""
    trimmable = sorted((g for g in groups if not g.local and len(g.statements) > 1),
                       key=lambda g: -len(g.statements))
    return ", ".join(f"{g.code} ({len(g.statements)} lines)" for g in trimmable[:4])
