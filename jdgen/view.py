"""The job-description view: one plain data structure, built from a resolved post, that feeds
every backend (HTML, PDF, Word, Markdown, JSON). Templates only lay it out."""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .config import Settings
from .model import Arrangement, Library
from .posts import CATEGORIES, Prose, ResolvedPost
from .profiles import DEFAULT as DEFAULT_PROFILE
from .profiles import available
from .render.colour import text_on
from .salary import Salary
from .supervision import arrangement_frequency, duration_text, format_text

CLAUSE_TITLES = {
    "confidentiality": "Confidentiality",
    "data_protection": "Data protection and information governance",
    "health_and_safety": "Health and safety",
    "equality": "Equality, diversity and inclusion",
    "safeguarding": "Safeguarding children and adults",
    "infection_control": "Infection prevention and control",
    "no_smoking": "Smoke-free workplace",
    "flexibility": "Flexibility",
    "professional_registration": "Professional registration and conduct",
    "wellbeing": "Staff wellbeing",
}
#: Month names, not the locale's (%B follows LC_TIME).
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
ASSESSMENT_NAMES = {"application": "Application form", "interview": "Interview",
                    "references": "References", "test": "Test"}


@dataclass(frozen=True)
class JobDescriptionView:
    """Template context of a job description. Every field is documented in docs/templates.md."""

    title: str = field(metadata={"help": "Post title"})
    name: str = field(metadata={"help": "Post file stem, used for output file names"})
    organisation: str = field(metadata={"help": "Employing organisation (the post's, else jdgen.yaml's)"})
    terms: list[dict[str, str]] = field(metadata={"help": "Job identification rows: label, value"})
    summary: list[str] = field(metadata={"help": "Job summary paragraphs"})
    duty_groups: list[dict[str, Any]] = field(metadata={"help": "Duties by cluster: framework, code, label, title, "
                                                                "description, duties [number, id, label, text, sub]"})
    competence_groups: list[dict[str, Any]] = field(
        metadata={"help": "Competences by domain: framework, framework_title, code, title, "
                          "competences [id, label, kind, text, sub]"})
    supervision: dict[str, Any] = field(metadata={"help": "profile, profile_description, arrangements, all_staff, "
                                                          "provides, principles, note"})
    ksf_outline: list[dict[str, Any]] = field(metadata={"help": "KSF rows: dimension, title, core, level "
                                                                "(second gateway), level_title, foundation, "
                                                                "foundation_title, because, note (the post's "
                                                                "reason where it sets the level)"})
    person_spec: list[dict[str, Any]] = field(metadata={"help": "Criteria by category: category, criteria "
                                                                "[text, essential, assessed_by, derived_from]"})
    clauses: list[dict[str, str]] = field(metadata={"help": "General clauses: key, title, text"})
    traceability: list[dict[str, str]] = field(metadata={"help": "Each duty and competence with its KSF, ESC "
                                                                 "and NOS links"})
    provenance: list[dict[str, str]] = field(metadata={"help": "Frameworks used: title, source, authored"})
    branding: dict[str, str] = field(metadata={
        "help": "primary, accent colours; on_primary, the text colour that reads on primary; "
                "logo as a data: URL or ''"})
    jsonld: str = field(metadata={"help": "schema.org JobPosting as JSON, safe inside <script>"})
    date: str = field(metadata={"help": "Date of the document as ISO 8601 (date_posted, or ''), for metadata"})
    warnings: list[str] = field(metadata={"help": "Warnings found while resolving the post; empty unless the "
                                                  "HTML preview was asked to show them (--show-warnings)"})
    profile: str = field(default="jd", metadata={"help": "Name of the document profile (jd, full, advert, …)"})
    sections: list[str] = field(default_factory=list, metadata={
        "help": "Sections the profile shows, in order (see docs/formats.md, Profiles)"})
    overview: dict[str, list[str]] = field(default_factory=dict, metadata={
        "help": "The post's overview: paragraphs, points (lists, either may be empty)"})
    purpose: dict[str, list[str]] = field(default_factory=dict, metadata={
        "help": "Purpose of the job: paragraphs, points"})
    scope: dict[str, list[str]] = field(default_factory=dict, metadata={"help": "Scope of the job: paragraphs, points"})
    about: dict[str, list[str]] = field(default_factory=dict, metadata={
        "help": "About the employer: paragraphs, points (the post's, else jdgen.yaml's)"})
    how_to_apply: dict[str, list[str]] = field(default_factory=dict, metadata={
        "help": "How to apply: paragraphs, points; apply_url is in `apply_url`"})
    apply_url: str = field(default="", metadata={"help": "Where to apply (or '')"})
    relationships: list[dict[str, Any]] = field(default_factory=list, metadata={
        "help": "Key working relationships: title (Internal, External; empty for a post's one plain "
                "list), items"})
    duties_brief: list[dict[str, Any]] = field(default_factory=list, metadata={
        "help": "Main duties in brief: title, text (whole duty statements chosen to fit, joined), duties "
                "(those statements); one per group with a statement chosen"})
    doc_label: str = field(default="Job description", metadata={
        "help": "What the document is, for the running footer in print: 'Job description' or 'Job advert'"})
    notes: list[dict[str, Any]] = field(default_factory=list, metadata={
        "help": "Notes of the full profile: title, items (text); sources, reworded duties, judgement notes"})
    date_text: str = field(default="", metadata={
        "help": "The date as documents show it, the UK way ('11 December 2026'), or ''"})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _terms(post: ResolvedPost, organisation: str) -> list[dict[str, str]]:
    t = post.terms
    rows = [("Job title", t["title"]), ("Organisation", organisation), ("Department", t.get("department")),
            ("Grade", t.get("grade")), ("Salary", t.get("salary")), ("Hours", t.get("hours_text")),
            ("Contract", t.get("contract")), ("Base", t.get("base")), ("Responsible to", t.get("responsible_to")),
            ("Accountable to", t.get("accountable_to"))]
    rows += [(r["label"], r["text"]) for r in t.get("extra", [])]
    rows += [("Reference", t.get("reference")), ("Closing date", uk_date(t.get("closing_date", "")))]
    return [{"label": label, "value": str(value)} for label, value in rows if value]


def uk_date(iso: str) -> str:
    """An ISO date as people in the UK write it: '2026-12-11' → '11 December 2026' ('' stays '')."""
    try:
        day = dt.date.fromisoformat(str(iso))
    except ValueError:  # not a date (a draft being previewed): shown as written
        return str(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _prose(p: Prose | None) -> dict[str, list[str]]:
    return {"paragraphs": list(p.paragraphs), "points": list(p.points)} if p else {"paragraphs": [], "points": []}


#: Words of duty statements an advert's "Main duties" may hold, and at most how many per group.
ADVERT_DUTY_WORDS = 280
ADVERT_DUTIES_PER_GROUP = 2


def _sentence(text: str) -> str:
    """A duty statement as a sentence: its own words, with a full stop if it has no closing mark."""
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _duties_brief(groups: list[dict[str, Any]], budget: int = ADVERT_DUTY_WORDS) -> list[dict[str, Any]]:
    """The main duties in brief, shortened by choosing whole statements, never by cutting one: in
    rounds, each group's next duty that fits the words left (the first round gives every group its
    first duty that fits), the employer's own groups first since they are what sets the post apart;
    duties that introduce a list are left out, since their list is not shown. Groups stay in the
    document's order; a group none of whose duties fits is not listed."""
    chosen: list[list[int]] = [[] for _ in groups]
    left = budget
    priority = sorted(range(len(groups)), key=lambda k: not groups[k]["local"])
    for _ in range(ADVERT_DUTIES_PER_GROUP):
        for k in priority:
            g = groups[k]
            after = chosen[k][-1] if chosen[k] else -1
            for i, d in enumerate(g["duties"]):
                words = len(d["text"].split())
                if i > after and not d["sub"] and words <= left:
                    chosen[k].append(i)
                    left -= words
                    break
    brief: list[dict[str, Any]] = []
    for g, picked in zip(groups, chosen, strict=True):
        if picked:
            statements = [_sentence(g["duties"][i]["text"]) for i in picked]
            brief.append({"title": g["title"], "text": " ".join(statements), "duties": statements})
    return brief


def _notes(post: ResolvedPost, provenance: list[dict[str, str]], plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Facts about the wording and the guidance, for the full profile's notes section."""
    notes: list[dict[str, Any]] = []
    reworded = [f"{d.label}: the post's wording replaces the framework's, which reads: \u201c{d.framework_text}\u201d"
                for d in post.duties if d.framework_text]
    if reworded:
        notes.append({"title": "Duties in the post's own wording", "items": reworded})
    settled = [f"{a['title']}: {a['note']}" for a in plan["arrangements"] + plan["all_staff"] if a["note"]]
    settled += [f"{a['title']} (provided): {a['note']}" for p in plan["provides"] for a in p["arrangements"]
                if a["note"]]
    if settled:
        notes.append({"title": "Supervision where the guidance leaves the details open", "items": settled})
    if post.ksf_outline:
        notes.append({"title": "KSF post outline", "items": [
            "The KSF (2004) describes dimensions and levels but does not assign levels to duties. The level "
            "each duty needs is a judgement made for these duties, not an official mapping; the outline takes "
            "the highest level any duty of the post needs in each dimension."]})
    notes.append({"title": "Sources of the wording",
                  "items": [f"{p['title']}: {p['source']}. {p['authored']}" for p in provenance]})
    if post.approval is not None:
        on = post.approval.on
        notes.append({"title": "Record of approval",
                      "items": [f"Approved by {post.approval.by} on {uk_date(on[:10])} at {on[11:16]} UTC."]})
    return notes


def _arrangement(a: Arrangement) -> dict[str, str]:
    return {"type": a.type, "title": a.title or a.type.replace("-", " ").capitalize(),
            "frequency": arrangement_frequency(a).capitalize(), "duration": duration_text(a),
            "format": format_text(a).capitalize(), "purpose": " ".join(a.purpose.split()),
            "rule": " ".join(a.rule.split()), "provider": a.provider, "note": a.note}


def _links_text(links: Any, framework: str) -> str:
    parts = [f"{link.target} ({link.level})" if link.level else link.target
             for link in links if link.framework == framework]
    return ", ".join(parts)


def shorten(text: str, words: int = 12) -> str:
    """The first words of a statement, for compact tables."""
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]).rstrip(",;:") + " …"


def _logo(settings: Settings) -> str:
    from .logo import data_url

    return data_url(settings.logo)  # the media type of its content, not of its name


def description_html(post: ResolvedPost, groups: list[dict[str, Any]]) -> str:
    """The job description as simple HTML, for JobPosting.description."""
    def esc(text: str) -> str:
        return html.escape(text, quote=False)

    parts = [f"<p>{esc(p)}</p>" for p in _prose(post.prose.get("overview"))["paragraphs"]]
    parts += [f"<p>{esc(' '.join(p.split()))}</p>" for p in post.summary.split("\n\n") if p.strip()]
    for key, heading in (("purpose", "Purpose of the job"), ("scope", "Scope of the job")):
        if key in post.prose:
            text = _prose(post.prose[key])
            parts.append(f"<h3>{heading}</h3>" + "".join(f"<p>{esc(p)}</p>" for p in text["paragraphs"])
                         + (f"<ul>{''.join(f'<li>{esc(x)}</li>' for x in text['points'])}</ul>"
                            if text["points"] else ""))
    parts.append("<h3>Main duties and responsibilities</h3>")
    for g in groups:
        items = "".join(f"<li>{esc(d['text'])}" + (f"<ul>{''.join(f'<li>{esc(s)}</li>' for s in d['sub'])}</ul>"
                                                   if d["sub"] else "") + "</li>" for d in g["duties"])
        parts.append(f"<h4>{esc(g['title'])}</h4>" + (f"<p>{esc(g['intro'])}</p>" if g["intro"] else "")
                     + f"<ul>{items}</ul>")
    essential = [c.text for c in post.person_spec if c.essential]
    if essential:
        parts.append("<h3>Essential criteria</h3><ul>" + "".join(f"<li>{esc(c)}</li>" for c in essential) + "</ul>")
    return "".join(parts)


def jsonld(post: ResolvedPost, organisation: str, groups: list[dict[str, Any]]) -> str:
    """schema.org JobPosting, escaped so it cannot close its <script> element."""
    t = post.terms
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "JobPosting", "title": t["title"],
        "description": description_html(post, groups),
        "hiringOrganization": {"@type": "Organization", "name": organisation},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "name": t.get("base", ""),
                                                      **_address(t.get("address", {}))}},
        "employmentType": t.get("employment_type", ""),
        "responsibilities": [d.text for d in post.duties],
        "qualifications": [c.text for c in post.person_spec if c.category == "Qualifications"],
        "skills": [c.text for c in post.person_spec if c.category == "Skills"],
        "experienceRequirements": [c.text for c in post.person_spec if c.category == "Experience"],
    }
    if t.get("date_posted"):
        data["datePosted"] = t["date_posted"]
    if t.get("closing_date"):
        data["validThrough"] = t["closing_date"]
    if t.get("reference"):
        data["identifier"] = {"@type": "PropertyValue", "name": organisation, "value": t["reference"]}
    if t.get("salary_amount"):
        amount = Salary(**t["salary_amount"])
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "GBP", "value": amount.quantitative_value()}
    if "direct_apply" in t:
        data["directApply"] = bool(t["direct_apply"])
    if t.get("location_type") == "remote":
        data["jobLocationType"] = "TELECOMMUTE"
        country = t.get("address", {}).get("country")
        if country:
            data["applicantLocationRequirements"] = {"@type": "Country", "name": country}
    if t.get("apply_url"):
        data["url"] = t["apply_url"]
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _address(address: dict[str, str]) -> dict[str, str]:
    names = {"street": "streetAddress", "locality": "addressLocality", "region": "addressRegion",
             "postcode": "postalCode", "country": "addressCountry"}
    return {names[k]: v for k, v in address.items()}


def _coded_groups(post: ResolvedPost, library: Library) -> list[dict[str, Any]]:
    """Every duty the post takes, with its code, under its cluster (the full profile's record)."""
    groups: list[dict[str, Any]] = []
    for number, duty in enumerate(post.duties, start=1):
        if not groups or (groups[-1]["framework"], groups[-1]["code"], groups[-1]["title"]) != (
                duty.framework, duty.cluster, duty.cluster_title):
            cluster = library.cluster(duty.framework, duty.cluster) if duty.framework else None
            plain = cluster is None and duty.cluster_title == "Local duties" and not duty.group_intro
            groups.append({"framework": duty.framework, "code": duty.cluster,
                           "label": cluster.shown_code if cluster else "L" if plain else "",
                           "title": duty.cluster_title,
                           "description": cluster.description if cluster else
                           "Duties particular to this service, written by the employer." if plain else "",
                           "intro": duty.group_intro, "local": cluster is None, "local_plain": plain,
                           "duties": []})
        groups[-1]["duties"].append({"number": number, "id": duty.id, "label": duty.label,
                                     "text": duty.text, "sub": list(duty.sub),
                                     "framework_text": duty.framework_text})
    return groups


def _curated_groups(post: ResolvedPost, library: Library) -> list[dict[str, Any]]:
    """The duties a job description states (jdgen.curate), under plain headings and without codes."""
    from .curate import curated_duties

    groups: list[dict[str, Any]] = []
    number = 0
    for g in curated_duties(post, library):
        duties = []
        for s in g.statements:
            number += 1
            duties.append({"number": number, "id": s.source, "label": "", "text": s.text, "sub": list(s.sub),
                           "framework_text": ""})
        groups.append({"framework": g.framework, "code": g.code, "label": "", "title": g.title, "description": "",
                       "intro": g.intro, "local": g.local, "local_plain": g.local and not g.intro, "duties": duties})
    return groups


def _competence_groups(post: ResolvedPost, library: Library) -> list[dict[str, Any]]:
    competence_groups: list[dict[str, Any]] = []
    for comp in post.competences:
        key = (comp.framework, comp.domain)
        if not competence_groups or (competence_groups[-1]["framework"], competence_groups[-1]["code"]) != key:
            fw = library.frameworks[comp.framework]
            competence_groups.append({"framework": comp.framework, "framework_title": fw.short_title or fw.title,
                                      "code": comp.domain, "title": comp.domain_title, "competences": []})
        competence_groups[-1]["competences"].append({"id": comp.id, "label": comp.item, "kind": comp.kind,
                                                     "text": comp.text, "sub": list(comp.sub)})
    return competence_groups


def build_view(post: ResolvedPost, library: Library, settings: Settings, default_clauses: dict[str, str],
               profile: str = DEFAULT_PROFILE, show_warnings: bool = False) -> JobDescriptionView:
    """Everything the templates show, computed here so templates hold layout only. `profile` names
    the sections shown (bundled or from jdgen.yaml); warnings are kept only when `show_warnings`."""
    organisation = post.terms.get("organisation", "")
    sections = list(available(settings.profiles)[profile])
    coded = "duty_codes" in sections
    groups = _coded_groups(post, library) if coded else _curated_groups(post, library)
    competence_groups = _competence_groups(post, library) if coded else []
    plan = post.supervision
    supervision = {
        "profile": plan.profile.title if plan.profile else "",
        "profile_description": " ".join(plan.profile.description.split()) if plan.profile else "",
        "arrangements": [_arrangement(a) for a in plan.arrangements],
        "all_staff": [_arrangement(a) for a in plan.all_staff],
        "provides": [{"title": p.title, "description": " ".join(p.description.split()),
                      "arrangements": [_arrangement(a) for a in p.arrangements]} for p in plan.provides],
        "principles": list(plan.principles), "note": " ".join(plan.note.split()),
    }
    outline = [{"dimension": r.dimension, "title": r.title, "core": r.core, "level": r.level,
                "level_title": r.level_title or "", "foundation": r.foundation,
                "foundation_title": r.foundation_title or "", "because": ", ".join(r.because),
                "note": r.reason or r.note} for r in post.ksf_outline]
    spec = []
    for category in CATEGORIES:
        rows = [{"text": c.text, "essential": c.essential,
                 "assessed_by": ", ".join(ASSESSMENT_NAMES[a] for a in c.assessed_by),
                 "derived_from": c.derived_from or ""}
                for c in post.person_spec if c.category == category]
        if rows:
            spec.append({"category": category, "criteria": rows})
    merged = {**default_clauses, **settings.clauses, **post.clauses}
    clauses = [{"key": k, "title": CLAUSE_TITLES.get(k, k.replace("_", " ").capitalize()),
                "text": " ".join(v.split())} for k, v in merged.items() if v.strip()]
    trace = [{"id": d.label, "text": shorten(d.text), "ksf": _links_text(d.links, "ksf"),
              "esc": _links_text(d.links, "esc"), "nos": _links_text(d.links, "nos")}
             for d in post.duties]
    trace += [{"id": c.id, "text": shorten(c.text), "ksf": _links_text(c.links, "ksf"),
               "esc": _links_text(c.links, "esc"), "nos": _links_text(c.links, "nos")}
              for c in post.competences]
    used = {d.framework for d in post.duties if d.framework} | {c.framework for c in post.competences}
    used |= {"ksf", "esc", "iapt-supervision"} & set(library.frameworks)
    provenance = [{"title": fw.title, "source": f"{fw.provenance.source} ({fw.provenance.publisher}"
                                                + (f", {fw.provenance.year})" if fw.provenance.year else ")"),
                   "authored": " ".join(fw.provenance.authored.split())}
                  for fw in library.frameworks.values() if fw.id in used]
    return JobDescriptionView(
        title=post.terms["title"], name=post.name, organisation=organisation,
        terms=_terms(post, organisation),
        summary=[" ".join(p.split()) for p in post.summary.split("\n\n") if p.strip()],
        duty_groups=groups, competence_groups=competence_groups, supervision=supervision,
        ksf_outline=outline, person_spec=spec, clauses=clauses, traceability=trace, provenance=provenance,
        branding={"primary": settings.primary, "accent": settings.accent, "logo": _logo(settings),
                  "on_primary": text_on(settings.primary)},
        jsonld=jsonld(post, organisation, groups), date=post.terms.get("date_posted", ""),
        date_text=uk_date(post.terms.get("date_posted", "")),
        warnings=[w.format() for w in post.warnings] if show_warnings else [],
        profile=profile, sections=[s for s in sections if s != "duty_codes"],  # a modifier, consumed here
        doc_label="Job advert" if "duties" not in sections and "duties_brief" in sections else "Job description",
        overview=_prose(post.prose.get("overview")), purpose=_prose(post.prose.get("purpose")),
        scope=_prose(post.prose.get("scope")), about=_prose(post.prose.get("about")),
        how_to_apply=_prose(post.prose.get("how_to_apply")), apply_url=post.terms.get("apply_url", ""),
        relationships=[{"title": title, "items": list(post.relationships[key])}
                       for key, title in (("internal", "Internal"), ("external", "External"), ("list", ""))
                       if key in post.relationships],
        duties_brief=_duties_brief(groups), notes=_notes(post, provenance, supervision))


def post_json(post: ResolvedPost) -> dict[str, Any]:
    """The resolved post as JSON (the `-f json` output)."""
    return {
        "name": post.name,
        "title": post.terms["title"],
        "terms": {k: v for k, v in post.terms.items() if k != "title"},
        "summary": post.summary,
        **{key: list(p.points) or list(p.paragraphs) for key, p in post.prose.items()},
        "relationships": (list(post.relationships["list"]) if "list" in post.relationships
                          else {k: list(v) for k, v in post.relationships.items()}),
        "duty_framework": post.duty_framework,
        "duty_frameworks": list(post.duty_frameworks),
        "duties": [{"id": d.id, "label": d.label, "cluster": d.cluster, "cluster_title": d.cluster_title,
                    "kind": d.kind, "text": d.text, "sub": list(d.sub), "local": d.framework is None,
                    **({"framework_text": d.framework_text} if d.framework_text else {}),
                    **({"intro": d.group_intro} if d.group_intro else {}),
                    "links": [{"framework": link.framework, "id": link.target, "level": link.level}
                              for link in d.links]} for d in post.duties],
        "competences": [{"id": c.id, "framework": c.framework, "domain": c.domain, "kind": c.kind,
                         "text": c.text, "sub": list(c.sub)} for c in post.competences],
        "ksf_outline": [{"dimension": r.dimension, "title": r.title, "core": r.core, "level": r.level,
                         "level_title": r.level_title, "foundation": r.foundation,
                         "foundation_title": r.foundation_title, "because": list(r.because), "note": r.note,
                         "reason": r.reason or None}
                        for r in post.ksf_outline],
        "ksf_band": post.band,
        "training_post": post.training_post,
        "supervision": {
            "profile": post.supervision.profile.id if post.supervision.profile else None,
            "arrangements": [asdict(a) for a in post.supervision.arrangements],
            "all_staff": [asdict(a) for a in post.supervision.all_staff],
            "provides": [p.id for p in post.supervision.provides],
            "note": post.supervision.note,
        },
        "person_spec": [{"text": c.text, "category": c.category, "essential": c.essential,
                         "assessed_by": list(c.assessed_by), "derived_from": c.derived_from}
                        for c in post.person_spec],
        "required_level": post.required_level,
        "warnings": [w.format() for w in post.warnings],
    }
