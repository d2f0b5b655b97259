"""Load a post file and resolve it against the library into concrete duties, competences,
KSF outline, supervision and person specification (pure functions after loading)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Collector, Diagnostic, JdgenError
from .ksf import KSF, OutlineRow, Override, band_of, is_training_post, ksf_outline, parse_overrides
from .library import check_link_group, parse_links
from .model import Item, Library, Link
from .schema import schema_problems
from .suggest import suggest
from .supervision import SupervisionPlan, resolve_supervision
from .workflow import Approval
from .yamlio import Document, JsonPath, load_file

if TYPE_CHECKING:
    from .workspace import Workspace

DEFAULT_DUTY_FRAMEWORK = "iapt-li"
LOCAL_CLUSTER = "LOCAL"

CATEGORIES = ("Qualifications", "Experience", "Knowledge", "Skills", "Personal qualities", "Other")
DEFAULT_ASSESSMENT = {
    "Qualifications": ("application",),
    "Experience": ("application", "interview"),
    "Knowledge": ("application", "interview"),
    "Skills": ("interview",),
    "Personal qualities": ("interview", "references"),
    "Other": ("application",),
}
_CATEGORY_HINTS = (
    ("Qualifications", r"\b(degree|qualification|qualified|certificate|diploma|registration|registered|"
                       r"accredit|postgraduate|GCSE|NVQ|level \d)"),
    ("Experience", r"\bexperience"),
    ("Knowledge", r"\b(knowledge|understanding|awareness) of\b"),
    ("Skills", r"\b(ability|able|skills?|competent|proficien)"),
    ("Other", r"\b(driv|travel|licen[cs]e|DBS|hours|evening|weekend)"),
)


@dataclass(frozen=True)
class Prose:
    """Free text of a post: paragraphs, or a list of points."""

    paragraphs: tuple[str, ...] = ()
    points: tuple[str, ...] = ()


def prose(value: str | list[str]) -> Prose:
    if isinstance(value, list):
        return Prose(points=tuple(" ".join(v.split()) for v in value))
    return Prose(paragraphs=tuple(" ".join(p.split()) for p in value.split("\n\n") if p.strip()))


@dataclass(frozen=True)
class Duty:
    """A duty of the post, traceable to its framework item (or local, with an L id)."""

    id: str
    label: str
    cluster: str
    cluster_title: str
    text: str
    kind: str = "duty"
    framework: str | None = None
    sub: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    framework_text: str = ""  # the framework's wording, when the post rewords the item
    group_intro: str = ""  # a local section's introduction
    #: Stated in full in a curated job description: named in the post's `pick` or `add`, or local.
    picked: bool = False
    #: Taken with its whole cluster (so the cluster's statement covers it in a curated document).
    whole_cluster: bool = False
    theme: str = ""  # the item's theme (risk, records, …), said once in a curated document


@dataclass(frozen=True)
class Competence:
    """A competence the post requires, qualified by framework ('ips:ENG1')."""

    id: str
    framework: str
    item: str
    domain: str
    domain_title: str
    kind: str
    text: str
    sub: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Criterion:
    text: str
    category: str
    essential: bool
    assessed_by: tuple[str, ...]
    derived_from: str | None = None


@dataclass(frozen=True)
class ResolvedPost:
    """Everything a document needs about one post; built from a post file and the library."""

    name: str
    path: str
    terms: dict[str, Any]
    summary: str
    duty_framework: str | None
    duties: tuple[Duty, ...]
    competences: tuple[Competence, ...]
    ksf_outline: tuple[OutlineRow, ...]
    supervision: SupervisionPlan
    person_spec: tuple[Criterion, ...]
    required_level: int
    clauses: dict[str, str] = field(default_factory=dict)
    #: Every framework the duties come from, in the post's order (duty_framework is the first).
    duty_frameworks: tuple[str, ...] = ()
    #: Agenda for Change band read from the grade (None for other pay scales), and whether the
    #: post is a training post: both shape the KSF outline.
    band: int | None = None
    training_post: bool = False
    warnings: tuple[Diagnostic, ...] = ()
    prose: dict[str, Prose] = field(default_factory=dict)  # overview, purpose, scope, about, how_to_apply
    #: internal and external; or `list`, for a post that gives one plain list
    relationships: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Who approved this very text of the post and when (the workspace's status record), if anyone.
    approval: Approval | None = None

    def framework_ids(self) -> set[str]:
        """Resolved framework item ids (duties and competences), for comparison."""
        return {d.id for d in self.duties if d.framework} | {c.id for c in self.competences}


#: What a published job description needs besides a title and duties. A post without some of
#: them is a draft: a warning (an error under --strict), and documents leave the rows out.
PUBLISHED_TERMS = ("organisation", "grade", "hours_per_week", "contract", "base", "responsible_to",
                   "accountable_to", "summary")


def load_post(path: Path, partial: bool = False) -> tuple[Document | None, list[Diagnostic]]:
    """Parse and schema-check a post file (see check_post for `partial`)."""
    return check_post(*load_file(path), partial=partial)


def check_post(doc: Document | None, problems: list[Diagnostic],
               partial: bool = False) -> tuple[Document | None, list[Diagnostic]]:
    """Schema-check a parsed post (a file, or text such as a post sent to the web app as JSON).
    The document comes back only when it has no problem, unless `partial`: then, so that one run
    reports everything, it comes back with the faulty parts set aside, for the reference checks
    of the rest (the problems still say it is invalid)."""
    if doc is None or problems:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, [doc.diag((), "a post file must be a mapping of keys (title:, grade:, …)", code="not-a-mapping")]

    found = schema_problems(doc, "post")
    if not found:
        return doc, []
    diagnostics = [d for d, _ in found]
    if not partial:
        return None, diagnostics
    return _set_aside(doc, [p for _, p in found if p is not None]), diagnostics


def _set_aside(doc: Document, paths: list[JsonPath]) -> Document | None:
    """A copy of `doc` without the top-level values the `paths` lie in: what stays is of the right
    shape throughout, so the reference checks can read it as they read a valid post."""
    if any(not path or not isinstance(path[0], str) for path in paths):
        return None  # the whole file is the wrong shape
    cut = {str(path[0]) for path in paths}
    data = {key: value for key, value in doc.data.items() if key not in cut}
    if _only_entry_form(doc, paths, "competences"):  # the entries are still checked (see _competence_ref)
        cut.discard("competences")
        data["competences"] = doc.data["competences"]
    return Document(doc.path, data, doc.values, doc.keys, frozenset(cut))


def _only_entry_form(doc: Document, paths: list[JsonPath], key: str) -> bool:
    """True when list `key` holds only texts and its only problems are entries of the wrong form
    (a competence without its `framework:` prefix, or with one in capitals)."""
    under = [path for path in paths if path[0] == key]
    value = doc.data.get(key)
    return (bool(under) and isinstance(value, list) and all(isinstance(v, str) for v in value)
            and all(len(path) == 2 and isinstance(path[1], int) for path in under))


def resolve_file(path: Path, workspace: Workspace) -> ResolvedPost:
    """Load and resolve one post; raise JdgenError with every problem of the file."""
    doc, problems = load_post(path, partial=True)
    if doc is None:
        raise JdgenError(problems)
    out = Collector(list(problems))
    post = resolve(doc, workspace, out, name=path.stem)
    out.raise_if_errors()
    return _with_approval(post, path, workspace)


def _with_approval(post: ResolvedPost, path: Path, workspace: Workspace) -> ResolvedPost:
    """A post file of the workspace's posts/ folder carries its approval, when its text is the one approved."""
    from .workflow import approval_of

    try:
        if path.parent.resolve() != (workspace.root / "posts").resolve():
            return post
        return replace(post, approval=approval_of(workspace.root, path.stem, path.read_bytes()))
    except OSError:
        return post


def resolve(doc: Document, workspace: Workspace, out: Collector, name: str) -> ResolvedPost:
    """Resolve a schema-valid post document against the workspace's library. Problems go to `out`
    (errors and warnings). jdgen.yaml's organisation, full-time hours and `about` apply when the
    post sets none."""
    library, defaults = workspace.library, workspace.defaults
    organisation, full_time_hours, about = defaults.organisation, defaults.full_time_hours, defaults.about
    data = dict(doc.data)
    data.setdefault("title", name)  # only when a wrong title was set aside (and reported)
    if "organisation" not in data and organisation:
        data["organisation"] = organisation
    _check_draft(doc, data, out)
    _check_dates(doc, out)
    _check_starter_text(doc, out)
    _check_salary(doc, out)
    _check_grade(doc, out)
    duty_fws, duties = _resolve_duties(doc, library, out)
    competences = _resolve_competences(doc, library, out)
    full_time = float(data.get("full_time_hours", full_time_hours))
    hours = float(data.get("hours_per_week", full_time))  # a draft without hours: as full time
    supervision = resolve_supervision(doc, library, out, hours / full_time)
    manages = bool(data.get("manages_people") or data.get("provides_supervision"))
    band = band_of(data.get("grade", ""))
    profile = supervision.profile.id if supervision.profile else None
    training = is_training_post(data["title"], profile, data.get("training_post"))
    if training:
        duties = _trainee_wording(duties, library)
    outline = ksf_outline(library, [d.links for d in duties] + [c.links for c in competences],
                          [d.id for d in duties] + [c.id for c in competences], manages, band, training,
                          _ksf_overrides(doc, library, out))
    if band is None and not workspace.settings.ksf_for_non_afc:
        outline = ()  # the KSF is part of Agenda for Change: other pay scales have no outline unless asked
        if "ksf" in data:
            out.extend([doc.diag(("ksf",), "the post sets KSF levels, but its grade is not an Agenda for Change "
                                 "band, so its job description has no KSF outline to show them",
                                 key=True, level="warning", code="ksf-not-shown",
                                 hint="remove `ksf:`, give an Agenda for Change band, or set "
                                      "ksf_for_non_afc: true in jdgen.yaml")])
    spec = person_spec(data.get("person_spec", {}), duties, competences, training)
    post = ResolvedPost(
        name=name, path=doc.path, terms=_terms(data, full_time), summary=data.get("summary", "").strip(),
        duty_framework=duty_fws[0] if duty_fws else None, duty_frameworks=tuple(duty_fws),
        duties=tuple(duties), competences=tuple(competences),
        ksf_outline=outline, supervision=supervision, person_spec=spec,
        required_level=int(data.get("required_level", 2)), clauses=dict(data.get("clauses", {})),
        warnings=tuple(out.warnings), band=band, training_post=training,
        prose={key: prose(data[key]) for key in ("overview", "purpose", "scope", "about", "how_to_apply")
               if key in data} | ({"about": prose(about)} if about and "about" not in data else {}),
        relationships=_relationships(data.get("relationships", {})))
    _check_budget(doc, post, library, workspace.settings.duty_budget, out)
    return replace(post, warnings=tuple(out.warnings))


def _check_budget(doc: Document, post: ResolvedPost, library: Library, budget: int, out: Collector) -> None:
    """A warning when the job description would state more duties than the budget (jdgen.yaml's
    `duty_budget`, 40 by default), naming the clusters to trim first."""
    from .curate import curated_duties, over_budget, statement_count

    groups = curated_duties(post, library)
    trim = over_budget(groups, budget)
    if trim:
        out.extend([doc.diag(("duties",) if "duties" in doc.data else (), f"the job description states "
                             f"{statement_count(groups)} duties, more than the {budget} it should hold",
                             key=True, level="warning", code="duty-budget",
                             hint=f"pick fewer items, or take fewer clusters; most lines: {trim}")])


def _trainee_wording(duties: list[Duty], library: Library) -> list[Duty]:
    """A training post states the trainee wording of items that have one (not of reworded items)."""
    result = []
    for d in duties:
        item = library.item(d.framework, d.id) if d.framework else None
        if item is not None and item.trainee_text and not d.framework_text:
            d = replace(d, text=" ".join(item.trainee_text.split()))
        result.append(d)
    return result


def _relationships(raw: Any) -> dict[str, tuple[str, ...]]:
    """Key working relationships (already schema-checked): `internal` and `external`, or, for a plain
    list, the one key `list`."""
    if isinstance(raw, list):
        return {"list": tuple(" ".join(v.split()) for v in raw)}
    return {k: tuple(" ".join(v.split()) for v in raw.get(k, [])) for k in ("internal", "external") if raw.get(k)}


def _ksf_overrides(doc: Document, library: Library, out: Collector) -> dict[str, Override]:
    """The post's own KSF levels, checked: known dimensions, core ones kept, foundation ≤ level."""
    raw = doc.data.get("ksf", {})
    ksf = library.frameworks.get(KSF)
    entries = {e.id: e for e in ksf.entries} if ksf else {}
    good = {}
    for dim, spec in raw.items():
        entry = entries.get(dim)
        if entry is None:
            out.extend([doc.diag(("ksf", dim), f"unknown KSF dimension '{dim}'", key=True,
                                 hint=suggest(dim, entries), code="unknown-link")])
            continue
        if spec["level"] == 0 and entry.group == "core":
            out.extend([doc.diag(("ksf", dim, "level"), f"{dim} is a core dimension: every post outline "
                                                        "keeps it (level 1 to 4)", code="ksf-override")])
            continue
        if spec.get("foundation") and spec["foundation"] > spec["level"]:
            out.extend([doc.diag(("ksf", dim, "foundation"), f"the foundation gateway level "
                                                             f"({spec['foundation']}) is above the second "
                                                             f"gateway level ({spec['level']})",
                                 code="ksf-override")])
            continue
        good[dim] = dim
    return parse_overrides({dim: raw[dim] for dim in good})


def _check_draft(doc: Document, data: dict[str, Any], out: Collector) -> None:
    """A warning naming the terms a published job description needs and the post does not give."""
    missing = [key for key in PUBLISHED_TERMS if key not in data and key not in doc.set_aside]
    if not missing:
        return
    hint = "add them before the job description is published; drafts build without them"
    if "organisation" in missing:
        hint += " (organisation may be given once for all posts in jdgen.yaml)"
    out.extend([doc.diag((), f"draft: no {', '.join(missing)} yet", hint=hint, level="warning",
                         code="draft")])


def _check_dates(doc: Document, out: Collector) -> None:
    import datetime as dt

    for key in ("date_posted", "closing_date"):
        if key in doc.data:
            try:
                dt.date.fromisoformat(doc.data[key])
            except ValueError:
                out.extend([doc.diag((key,), f"{key} '{doc.data[key]}' is not a real date", code="bad-date")])
    posted, closing = doc.data.get("date_posted", ""), doc.data.get("closing_date", "")
    if posted and closing and closing < posted:
        out.extend([doc.diag(("closing_date",), f"closing_date {closing} is before date_posted {posted}",
            code="date-order")])


def _strings(value: Any, path: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], str]]:
    """Every text value under `value`, with its path."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, v in value.items() for found in _strings(v, (*path, key))]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in _strings(v, (*path, i))]
    return []


def _check_starter_text(doc: Document, out: Collector) -> None:
    """A warning (an error under --strict) at each text still holding an example text of the starter
    post (`jdgen new post`, `jdgen init`), so that an untouched starter is never published."""
    from .starter import PLACEHOLDERS

    for path, text in _strings(doc.data, ()):
        plain = " ".join(text.split())
        found = next((p for p in PLACEHOLDERS if p in plain), None)
        if found is None:
            continue
        where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")
        shown = found if len(found) <= 60 else found[:57].rstrip() + "…"
        out.extend([doc.diag(path, f"starter text left in {where}: '{shown}'",
                             hint="replace it with the post's own words (it is an example of `jdgen new post`)",
                             level="warning", code="starter-text")])


def _check_salary(doc: Document, out: Collector) -> None:
    """A warning when a salary written as text has no amount jdgen can read: documents show the
    text, but job boards get no salary (JSON-LD baseSalary)."""
    from .salary import parse

    raw = doc.data.get("salary")
    if isinstance(raw, str) and raw.strip() and parse(raw) is None:
        out.extend([doc.diag(("salary",), f"salary '{' '.join(raw.split())}' has no amount in pounds jdgen can "
                                          "read, so the job advert data (JSON-LD) has no salary",
                             hint="write amounts with £, e.g. \"£31,049 to £37,796 a year\", or "
                                  "{min: 31049, max: 37796, per: year}",
                             level="warning", code="unreadable-salary")])


_BAND_WORD = re.compile(r"\bband\b", re.IGNORECASE)


def _check_grade(doc: Document, out: Collector) -> None:
    """A warning when a grade names a band that is not an Agenda for Change band: the KSF outline
    then has no band ceiling or floor."""
    grade = doc.data.get("grade")
    if isinstance(grade, str) and _BAND_WORD.search(grade) and band_of(grade) is None:
        out.extend([doc.diag(("grade",), f"grade '{' '.join(grade.split())}' is not an Agenda for Change band "
                                         "(Band 1 to Band 9, Band 8a to 8d), so the KSF outline is not bounded "
                                         "by a band", hint="write e.g. Band 5; a grade of another pay scale "
                                                          "need not use the word 'band'",
                             level="warning", code="unknown-grade")])


def _terms(data: dict[str, Any], full_time_hours: float) -> dict[str, Any]:
    from . import salary

    keys = ("title", "organisation", "department", "grade", "hours_per_week", "contract", "hours_note",
            "base", "address", "responsible_to", "accountable_to", "reference", "date_posted", "closing_date",
            "apply_url", "direct_apply", "location_type")
    terms = {k: data[k] for k in keys if k in data}
    raw = data.get("salary")
    pay = salary.from_mapping(raw) if isinstance(raw, dict) else salary.parse(raw) if raw else None
    if raw:
        terms["salary"] = salary.text_of(pay) if isinstance(raw, dict) and pay else " ".join(str(raw).split())
    if pay is not None:
        terms["salary_amount"] = {"min": pay.min, "max": pay.max, "value": pay.value, "per": pay.per}
    terms["full_time_hours"] = full_time_hours
    terms["extra"] = [{"label": " ".join(r["label"].split()), "text": " ".join(r["text"].split())}
                      for r in data.get("terms", [])]
    if "hours_per_week" not in data:  # a draft: say nothing about hours
        if "employment_type" in data:
            terms["employment_type"] = data["employment_type"]
        return terms
    hours = float(data["hours_per_week"])
    full = hours >= full_time_hours
    terms["fte"] = round(min(hours / full_time_hours, 1.0), 2)
    terms["employment_type"] = data.get("employment_type", "FULL_TIME" if full else "PART_TIME")
    share = "full time" if full else f"part time, {terms['fte']:g} FTE"
    terms["hours_text"] = f"{hours:g} hours a week ({share})"
    note = " ".join(data.get("hours_note", "").split())
    if note:
        terms["hours_text"] += (", " if note[0].islower() else ". ") + note
    return terms


def duty_specs(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """The post's duty mappings with their paths: `duties:` is one mapping or a list of them."""
    raw = data.get("duties", {})
    if isinstance(raw, list):
        return [(("duties", i), spec) for i, spec in enumerate(raw)]
    return [(("duties",), raw)]


def _resolve_duties(doc: Document, library: Library, out: Collector) -> tuple[list[str], list[Duty]]:
    """Framework duties of every duty mapping (each with its framework's core), then local duties."""
    frameworks: list[str] = []
    duties: list[Duty] = []
    local: list[Duty] = []
    seen: dict[str, tuple[str | int, ...]] = {}
    for path, spec in duty_specs(doc.data):
        local += _local_duties(doc, library, path, spec, len(local), out)
        if not any(k in spec for k in ("framework", "clusters", "add", "remove")):
            if spec.get("reword"):
                out.extend([doc.diag((*path, "reword"), "reword applies to framework items, and these duties "
                                                        "name no framework", hint="add framework and clusters",
                                     code="reword-not-included")])
            continue
        fw_id = spec.get("framework", DEFAULT_DUTY_FRAMEWORK)
        if fw_id in seen:
            out.extend([doc.diag((*path, "framework") if "framework" in spec else path,
                                 f"duties of framework '{fw_id}' are given twice",
                                 hint="list each framework once, with all the clusters the post takes from it",
                                 code="duty-framework-twice")])
            continue
        seen[fw_id] = path
        found = _framework_duties(doc, library, path, spec, fw_id, out)
        if found is not None:
            frameworks.append(fw_id)
            duties += found
    return frameworks, _distinct_labels(duties) + local


def _local_duties(doc: Document, library: Library, path: tuple[str | int, ...], spec: dict[str, Any],
                  start: int, out: Collector) -> list[Duty]:
    """Local duties, numbered L1, L2, …: a sentence, {text, links} (so that mostly-local posts still get
    a KSF outline), or a section {heading, intro, items} shown under the employer's own heading."""
    duties: list[Duty] = []

    def add(where: tuple[str | int, ...], raw: str | dict[str, Any], heading: str, intro: str) -> None:
        entry: dict[str, Any] = {"text": raw} if isinstance(raw, str) else raw
        links: dict[str, Any] = entry.get("links", {})
        for target_fw, targets in links.items():
            check_link_group(library, doc, (*where, "links", target_fw), target_fw, targets, out)
        number = start + len(duties) + 1
        duties.append(Duty(f"L{number}", f"L{number}", LOCAL_CLUSTER, heading, " ".join(entry["text"].split()),
                           sub=tuple(" ".join(s.split()) for s in entry.get("sub", [])), links=parse_links(links),
                           group_intro=intro, picked=True))

    for i, raw in enumerate(spec.get("local", [])):
        if isinstance(raw, dict) and "heading" in raw:
            heading, intro = " ".join(raw["heading"].split()), " ".join(raw.get("intro", "").split())
            for j, item in enumerate(raw["items"]):
                add((*path, "local", i, "items", j), item, heading, intro)
        else:
            add((*path, "local", i), raw, "Local duties", "")
    return duties


def _distinct_labels(duties: list[Duty]) -> list[Duty]:
    """Where two frameworks of one post use the same item label, show the later ones with their framework."""
    first: dict[str, str | None] = {}
    result = []
    for d in duties:
        owner = first.setdefault(d.label, d.framework)
        result.append(d if owner == d.framework else replace(d, label=f"{d.framework}:{d.label}"))
    return result


def _framework_duties(doc: Document, library: Library, path: tuple[str | int, ...], spec: dict[str, Any],
                      fw_id: str, out: Collector) -> list[Duty] | None:
    fw = library.frameworks.get(fw_id)
    if fw is None or fw.is_reference:
        what = "unknown framework" if fw is None else "a reference framework cannot supply duties:"
        out.extend([doc.diag((*path, "framework"), f"{what} '{fw_id}'",
                             hint=suggest(fw_id, [f.id for f in library.frameworks.values()
                                                  if not f.is_reference]), code="unknown-framework")])
        return None
    codes = {c.code for c in fw.clusters}
    chosen = set(fw.core)
    for i, raw in enumerate(spec.get("clusters", [])):
        code = library.canonical_id(fw_id, raw)
        if code not in codes:
            labels = [c.shown_code for c in fw.clusters]
            out.extend([doc.diag((*path, "clusters", i), f"unknown cluster '{raw}' in {fw_id}",
                                 hint=suggest(raw, labels) or f"clusters: {', '.join(labels)}",
                                 code="unknown-cluster")])
        chosen.add(code)
    included = {item.id for c in fw.clusters if c.code in chosen for item in c.items}
    all_ids = [item.id for item in fw.all_items()]
    for i, raw in enumerate(spec.get("add", [])):
        item_id = library.canonical_id(fw_id, raw)
        item = library.item(fw_id, item_id)
        if item is None or item.parent:
            out.extend([doc.diag((*path, "add", i), f"unknown item '{raw}' in {fw_id}",
                                 hint=suggest(item_id, all_ids), code="unknown-item")])
        elif item_id in included:
            out.extend([doc.diag((*path, "add", i), f"'{raw}' is already included through cluster "
                                                    f"{item.cluster}", level="warning",
                                 code="already-included")])
        included.add(item_id)
    added = set(included) - {item.id for c in fw.clusters if c.code in chosen for item in c.items}
    for i, raw in enumerate(spec.get("remove", [])):
        item_id = library.canonical_id(fw_id, raw)
        item = library.item(fw_id, item_id)
        cluster = library.cluster(fw_id, item.cluster) if item else None
        if item is None or item.parent:
            out.extend([doc.diag((*path, "remove", i), f"unknown item '{raw}' in {fw_id}",
                                 hint=suggest(item_id, all_ids), code="unknown-item")])
        elif cluster is not None and cluster.code in fw.core:
            out.extend([doc.diag((*path, "remove", i), f"cannot remove '{raw}': {cluster.title} duties "
                                                       "are required of every post",
                                 hint="remove the line, or add a local duty that explains local practice",
                                 code="required-cluster")])
        elif item_id not in included:
            out.extend([doc.diag((*path, "remove", i), f"'{raw}' is not among the post's duties, so "
                                                       "removing it has no effect", level="warning",
                                 code="remove-not-included")])
        else:
            included.discard(item_id)
    picked = _picks(doc, path, spec, fw_id, library, included, out) | added
    found = [replace(_duty(item, library, cluster.title), picked=item.id in picked,
                     whole_cluster=cluster.code in chosen)
             for cluster in fw.clusters for item in cluster.items if item.id in included]
    return _reword(doc, path, spec, found, library, fw_id, out)


def _picks(doc: Document, path: tuple[str | int, ...], spec: dict[str, Any], fw_id: str, library: Library,
           included: set[str], out: Collector) -> set[str]:
    """The items the post states in full (`pick`): each must be one of its duties."""
    picked: set[str] = set()
    for i, raw in enumerate(spec.get("pick", [])):
        item_id = library.canonical_id(fw_id, raw)
        item = library.item(fw_id, item_id)
        if item is None or item.parent:
            all_ids = [it.id for it in library.frameworks[fw_id].all_items()]
            out.extend([doc.diag((*path, "pick", i), f"unknown item '{raw}' in {fw_id}",
                                 hint=suggest(item_id, all_ids), code="unknown-item")])
        elif item_id not in included:
            out.extend([doc.diag((*path, "pick", i), f"'{raw}' is not among the post's duties, so it cannot "
                                                     "be picked", hint=f"take cluster {item.cluster}, or add "
                                                     f"'{raw}' (an added item is stated in full)",
                                 code="pick-not-included")])
        else:
            picked.add(item_id)
    return picked


def _reword(doc: Document, path: tuple[str | int, ...], spec: dict[str, Any], duties: list[Duty],
            library: Library, fw_id: str, out: Collector) -> list[Duty]:
    """The post's own wording of framework items; the framework's wording is kept beside it."""
    wording = {library.canonical_id(fw_id, raw): (raw, text) for raw, text in spec.get("reword", {}).items()}
    ids = [d.id for d in duties]
    for item_id, (raw, _) in wording.items():
        if item_id not in ids:
            known = library.item(fw_id, item_id) is not None
            out.extend([doc.diag((*path, "reword", raw),
                                 f"'{raw}' is not among the post's duties, so it cannot be reworded" if known
                                 else f"unknown item '{raw}' in {fw_id}", key=True,
                                 hint="add it to the post first" if known else suggest(item_id, ids),
                                 code="reword-not-included" if known else "unknown-item")])
    # the post's wording stands alone: the framework's sub-points elaborate the framework's wording,
    # not the post's (an imported job description's duty would otherwise gain points its employer never wrote)
    return [replace(d, text=" ".join(wording[d.id][1].split()), framework_text=d.text, sub=())
            if d.id in wording else d for d in duties]


def _duty(item: Item, library: Library, cluster_title: str) -> Duty:
    from .model import display_id

    return Duty(item.id, display_id(item, library), item.cluster, cluster_title, item.text, item.kind,
                item.framework, tuple(s.text for s in item.sub), item.links, theme=item.theme)


def _resolve_competences(doc: Document, library: Library, out: Collector) -> list[Competence]:
    picked: dict[tuple[str, str], Item] = {}
    for i, ref in enumerate(doc.data.get("competences", [])):
        parsed = _competence_ref(ref, library)
        if parsed is None:  # the wrong form, already reported, and no framework to check it against
            continue
        fw_id, raw, well_formed = parsed
        fw = library.frameworks.get(fw_id)
        if fw is None or fw.is_reference:
            out.extend([doc.diag(("competences", i), f"unknown competence framework '{fw_id}'",
                                 hint=suggest(fw_id, [f.id for f in library.frameworks.values()
                                                      if f.is_competences]), code="unknown-framework")])
            continue
        code = library.canonical_id(fw_id, raw.strip())
        cluster = library.cluster(fw_id, code)
        item = library.item(fw_id, code)
        if cluster is not None:
            items = list(cluster.items)
        elif item is not None and item.parent is None:
            items = [item]
        else:
            choices = [c.code for c in fw.clusters] + [it.id for it in fw.all_items()]
            out.extend([doc.diag(("competences", i), f"unknown domain or competence '{raw}' in {fw_id}",
                                 hint=suggest(code, choices), code="unknown-item")])
            continue
        if not well_formed:  # its form is reported already; the id was checked only so that one run says all
            continue
        for it in items:
            if (fw_id, it.id) in picked:
                out.extend([doc.diag(("competences", i), f"{fw_id}:{it.id} is already included",
                                     level="warning", code="already-included")])
            picked[(fw_id, it.id)] = it
    order = {(fw.id, it.id): n for n, (fw, it) in enumerate(
        (fw, it) for fw in library.frameworks.values() for it in fw.all_items())}
    result = []
    for key in sorted(picked, key=lambda k: order[k]):
        it = picked[key]
        cluster = library.cluster(it.framework, it.cluster)
        result.append(Competence(f"{it.framework}:{it.id}", it.framework, it.id, it.cluster,
                                 cluster.title if cluster else it.cluster, it.kind, it.text,
                                 tuple(s.text for s in it.sub), it.links))
    return result


_COMPETENCE_REF = re.compile(r"[a-z][a-z0-9-]*:\S.*")  # the schema's pattern for competences


def _competence_ref(ref: str, library: Library) -> tuple[str, str, bool] | None:
    """(framework, id, well formed) of a `competences` entry. An entry the schema refused for its
    prefix is still read when the prefix is a framework's id in other capitals ('IPS:ZZ9'), so
    that its unknown id is reported in the same run; None when it names no framework at all."""
    fw_id, sep, raw = ref.partition(":")
    if _COMPETENCE_REF.fullmatch(ref):
        return fw_id, raw, True
    known = {f.lower(): f for f in library.frameworks}
    if sep and raw.strip() and fw_id.strip().lower() in known:
        return known[fw_id.strip().lower()], raw, False
    return None


def _category(text: str) -> str:
    for category, pattern in _CATEGORY_HINTS:
        if re.search(pattern, text, re.IGNORECASE):
            return category
    return "Personal qualities"


#: What a training post asks of an entrant instead of the knowledge its training gives.
ENTRANT_CRITERION = ("Ability to study at the level the training requires, and to apply new learning in "
                     "supervised practice")


def person_spec(raw: dict[str, Any], duties: list[Duty], competences: list[Competence],
                training: bool = False) -> tuple[Criterion, ...]:
    """Criteria from the post, plus knowledge criteria derived from the post's knowledge items. A
    training post asks for what an entrant has: knowledge the training gives is not derived, and
    the capacity to learn is essential."""
    criteria: list[Criterion] = []
    for essential, key in ((True, "essential"), (False, "desirable")):
        for entry in raw.get(key, []):
            if isinstance(entry, str):
                entry = {"text": entry}
            text = " ".join(entry["text"].split())
            category = entry.get("category") or _category(text)
            assessed = entry.get("assessed_by") or DEFAULT_ASSESSMENT[category]
            assessed = (assessed,) if isinstance(assessed, str) else tuple(assessed)
            criteria.append(Criterion(text, category, essential, assessed))
    if training:
        if not any(c.category == "Skills" and re.search(r"\b(learn|study|training)\b", c.text, re.I)
                   for c in criteria):
            criteria.append(Criterion(ENTRANT_CRITERION, "Skills", True, ("application", "interview")))
    elif raw.get("derive_knowledge", True):
        texts = {c.text.casefold() for c in criteria}
        sources = [(d.id, d.text) for d in duties if d.kind == "knowledge"]
        sources += [(c.id, c.text) for c in competences if c.kind == "knowledge"]
        for ident, text in sources:
            if text.casefold() not in texts:
                criteria.append(Criterion(text.rstrip(":").removesuffix(", by").rstrip(","), "Knowledge",
                                          True, ("interview",), derived_from=ident))
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return tuple(sorted(criteria, key=lambda c: (order[c.category], not c.essential)))
