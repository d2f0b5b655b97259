"""Starter files: the commented post written by `jdgen new post`, and the workspace `jdgen init`
lays out (jdgen.yaml, posts/, templates/, README.md).

The placeholder sentences of the starter post are kept in `PLACEHOLDERS`, so that posts.py can
warn when one is left in a post (code `starter-text`): an untouched starter is never published."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: Days from today to the starter's closing date (NHS Jobs adverts commonly run two to three weeks).
CLOSING_AFTER_DAYS = 21

ORGANISATION = "Example NHS Foundation Trust"
BASE = "Example Talking Therapies, Main Street Health Centre"
REFERENCE = "EX-PWP-001"
SUMMARY = ("Say in three to five sentences why the post exists, who it serves and what the post holder "
           "will do.", "Plain English; the first sentence is what candidates read first.")
ABOUT = "Say in two or three sentences who the employer is (used in the advert profile)."
HOW_TO_APPLY = "Say how to apply and whom to ask for an informal conversation (advert profile)."
LOCAL_DUTY = "Replace this line with a duty of your own service, or delete it."

#: Text of the starter that is not meant to be published: any string of a post that contains one
#: of these (whitespace aside) gets a `starter-text` warning.
PLACEHOLDERS: tuple[str, ...] = (ORGANISATION, BASE, REFERENCE, *SUMMARY, ABOUT, HOW_TO_APPLY, LOCAL_DUTY)

STARTER = """\
# A post for jdgen. Build it with:  jdgen build {path}
# Check it without building:        jdgen validate {path}
# Every key is described in docs/formats.md. Replace every example text below: `jdgen validate`
# warns about starter text left in the post (an error under --strict).

title: Psychological Wellbeing Practitioner
{organisation}
department: NHS Talking Therapies
grade: Band 5
salary: "£31,049 to £37,796 a year"  # or {{min: 31049, max: 37796, per: year, note: pro rata}}
hours_per_week: 37.5
hours_note: including some evening working   # shown beside the hours
# full_time_hours: 36               # this employer's full-time week (default: jdgen.yaml, else 37.5)
contract: Permanent
base: {base}
{address}responsible_to: Step 2 Lead
accountable_to: Service Manager
reference: {reference}
date_posted: "{posted}"          # YYYY-MM-DD
closing_date: "{closing}"
terms:                              # extra rows of the job identification table
  - {{label: Pension, text: NHS Pension Scheme}}
  - {{label: Annual leave, text: "27 days a year plus bank holidays, rising with service"}}
# apply_url: https://www.jobs.nhs.uk/…   # JSON-LD url; direct_apply: true; location_type: hybrid

summary: |
  {summary0}
  {summary1}
# overview: A paragraph about the service, shown before the summary.
# purpose: [Offer guided self-help at step 2., Keep waiting times short.]   # text or a list
# scope: What the post covers and does not cover.
relationships:
  internal: [Step 2 Lead, High-intensity therapists]
  external: [GP practices, Community partners]
about: {about}
how_to_apply: {how_to_apply}

duties:
  framework: iapt-li                # list clusters with: jdgen list clusters --framework iapt-li
  clusters: [A, CB, RKC, S, CM]     # Core (C) is always included
  add: []                           # single items from other clusters, e.g. [G1, W2]
  remove: []                        # items to drop (not Core), e.g. [CB11]
  # reword: {{CB3: "The post's own wording of a framework item."}}
  local:                            # the service's own duties, numbered L1, L2, …
    - {local}
    # - heading: Holistic delivery     # or a section under the employer's own heading
    #   intro: One or two sentences introducing the section.
    #   items:
    #     - A duty.
    #     - {{text: "A duty with sub-points:", sub: [first, second]}}

# competences: [ips:ENG, ips:JD3]   # optional: domains or items of competence frameworks

supervision: pwp                    # pwp, pwp-trainee, hi-therapist, hi-trainee, non-specialist
# or state your own arrangement; one below the guidance gives a warning:
# supervision:
#   profile: pwp
#   arrangements:
#     - {{type: case-management, every_weeks: 1, minutes: 60, format: individual}}

person_spec:
  essential:
    - text: Postgraduate certificate in low-intensity psychological interventions, or equivalent
      category: Qualifications
      assessed_by: application
    - Experience of working with people with common mental health problems
  desirable:
    - text: >-
        Accreditation as a Psychological Wellbeing Practitioner with the British Association for
        Behavioural and Cognitive Psychotherapies (BABCP) or the British Psychological Society (BPS)
      category: Qualifications
      assessed_by: [application]
  derive_knowledge: true            # add the post's "Knowledge of …" items as essential criteria
"""


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def starter_post(stem: str, organisation: str | None = None, address: Mapping[str, str] | None = None,
                 today: dt.date | None = None, folder: str = "posts") -> str:
    """The commented starter post. `organisation` and `address` (jdgen.yaml's) are written in when
    given; the posting date is `today` and the closing date three weeks later."""
    today = today or dt.date.today()
    org_line = (f"organisation: {_quoted(organisation)}   # from jdgen.yaml" if organisation
                else f"organisation: {ORGANISATION}   # or once for all posts in jdgen.yaml")
    address_line = ""
    if address:
        fields = ", ".join(f"{key}: {_quoted(value)}" for key, value in address.items())
        address_line = f"address: {{{fields}}}   # from jdgen.yaml\n"
    return STARTER.format(path=f"{folder}/{stem}.yaml", organisation=org_line, base=BASE, address=address_line,
                          reference=REFERENCE, posted=today.isoformat(),
                          closing=(today + dt.timedelta(days=CLOSING_AFTER_DAYS)).isoformat(),
                          summary0=SUMMARY[0], summary1=SUMMARY[1], about=ABOUT, how_to_apply=HOW_TO_APPLY,
                          local=LOCAL_DUTY)


CONFIG = """\
# Workspace settings for jdgen; every key is described in docs/formats.md (Workspace settings).
# The keys written out below hold jdgen's defaults; remove the # of any other line to use it.

# organisation: Example NHS Foundation Trust   # the employer of posts that name none
# address: {street: 1 Main Street, locality: Example Town, postcode: EX1 1AA, country: GB}
#                                    # written into new posts (jdgen new post); JSON-LD postal address
# logo: templates/logo.png           # a PNG or JPEG inside this folder, for documents' headers
colours:
  primary: "#005EB8"                 # headings and table rules, written #RRGGBB
  accent: "#003087"
full_time_hours: 37.5                # this employer's full-time week: decides part time and FTE
# formats: [html, pdf]               # what `jdgen build` writes when -f is not given
# about: Two or three sentences about the employer, for the advert profile.
# duty_budget: 40                    # duty statements a job description should hold at most (validate warns)
# ksf_for_non_afc: false             # a KSF post outline for grades that are not Agenda for Change bands
# lint:                              # `jdgen lint`'s wording checks (docs/lint.md)
#   acronyms: [CBT, PWP]             # known to every reader: no need to spell them out
#   rules:
#     readability: false             # switch a rule off,
#     long-sentence: {max_words: 40} # or tune it
#     closing-date: {min_days: 21}   # days from posting to closing
# clauses: {Confidentiality: "The post holder must keep …"}   # replace or add standard sections
"""

README = """\
# {name}

A jdgen workspace: job descriptions as data.

- `jdgen.yaml`: the employer's settings (organisation, address, logo, colours, full-time hours).
- `posts/`: one YAML file per post. `{example}` is a starter: replace its example texts
  (`jdgen validate posts/` warns about any left) or start another with `jdgen new post NAME`.
- `templates/`: your own templates and branding (empty: the bundled ones are used).

```sh
jdgen validate posts/            # check the posts without building them
jdgen build posts/ -o out        # HTML and PDF job descriptions in out/ (open out/index.html)
```

Every command is described by `jdgen COMMAND --help`.
"""

TEMPLATES_README = """\
To override a bundled template, put a file of the same name here (for example `base.html.j2`, `jd.css`,
`pdf.css`, or `reference.docx` for Word), starting from a copy of the bundled one; see jdgen's
docs/templates.md. This folder may stay empty: the bundled templates are used.
"""

EXAMPLE_POST = "example-post"


@dataclass(frozen=True)
class Planned:
    """One file `jdgen init` writes: its path and its text."""

    path: Path
    text: str


def workspace_files(folder: Path, today: dt.date | None = None) -> list[Planned]:
    """The files of a new workspace in `folder` (nothing is written here)."""
    name = folder.resolve().name or "jdgen workspace"
    return [
        Planned(folder / "jdgen.yaml", CONFIG),
        Planned(folder / "README.md", README.format(name=name, example=f"posts/{EXAMPLE_POST}.yaml")),
        Planned(folder / "posts" / f"{EXAMPLE_POST}.yaml", starter_post(EXAMPLE_POST, today=today)),
        Planned(folder / "templates" / "README.md", TEMPLATES_README),
    ]


class InitRefused(Exception):
    """`jdgen init` would overwrite files that exist (the message names them)."""


def init_workspace(folder: Path, force: bool = False, today: dt.date | None = None) -> list[Path]:
    """Lay out a workspace in `folder` (created if needed). Refuses, writing nothing, when any of
    its files exists unless `force`; files not of the workspace are never touched. Each file is
    written atomically. Returns the paths written."""
    from .errors import display_path
    from .output import write_atomic

    planned = workspace_files(folder, today)
    if not force:
        existing = [p.path for p in planned if p.path.exists() or p.path.is_symlink()]
        if existing:
            raise InitRefused(f"{', '.join(display_path(p) for p in existing)} already "
                              f"exist{'s' if len(existing) == 1 else ''} (use --force to overwrite)")
    for p in planned:
        write_atomic(p.path, p.text)
    return [p.path for p in planned]
