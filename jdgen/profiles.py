"""Document profiles: which sections of a job description a document shows, in order."""

from __future__ import annotations

#: Every section a profile may list, with what it shows (docs/formats.md repeats this table).
SECTIONS: dict[str, str] = {
    "identification": "job identification: title, grade, salary, hours, base, reporting lines, extra terms rows",
    "overview": "the post's overview (about the service)",
    "summary": "job summary",
    "purpose": "purpose of the job (the post's `purpose`)",
    "scope": "scope of the job (the post's `scope`)",
    "relationships": "key working relationships, internal and external",
    "duties": "the duties, under plain headings: each cluster's statement and the post's picked items "
              "(every item, with its code, when the profile also lists duty_codes)",
    "duty_codes": "with duties: every item the post takes, with its code (the traceability record); with "
                  "competences: every competence",
    "duties_brief": "the main duties in brief: one line per group of duties",
    "competences": "competences from competence frameworks, by domain",
    "supervision": "supervision in brief: what, how often, how long",
    "supervision_detail": "supervision in full: purposes, supervision the post provides, principles",
    "ksf": "the KSF post outline",
    "general": "the general terms (confidentiality, safeguarding, …)",
    "person_spec": "the person specification",
    "about": "about the employer",
    "apply": "how to apply",
    "traceability": "appendix: each duty's KSF, ESC and NOS links",
    "notes": "notes: the sources of the wording, the framework wording of reworded duties, judgement notes",
}

BUNDLED: dict[str, tuple[str, ...]] = {
    "jd": ("identification", "overview", "summary", "purpose", "scope", "relationships", "duties", "competences",
           "supervision", "general", "person_spec"),
    "full": ("identification", "overview", "summary", "purpose", "scope", "relationships", "duties", "duty_codes",
             "competences",
             "supervision_detail", "ksf", "general", "person_spec", "traceability", "notes"),
    "advert": ("overview", "summary", "duties_brief", "about", "apply"),
}
DEFAULT = "jd"


def available(custom: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Bundled profiles, replaced or extended by the workspace's own."""
    return {**BUNDLED, **custom}
