"""The commented starter post written by `jdgen new post`."""

from __future__ import annotations

STARTER = """\
# A post for jdgen. Build it with:  jdgen build {path}
# Check it without building:        jdgen validate {path}
# Every key is described in docs/formats.md.

title: Psychological Wellbeing Practitioner
organisation: Example NHS Foundation Trust
department: NHS Talking Therapies
grade: Band 5
salary: "£31,049 to £37,796 a year"  # or {{min: 31049, max: 37796, per: year, note: pro rata}}
hours_per_week: 37.5
hours_note: including some evening working   # shown beside the hours
# full_time_hours: 36               # this employer's full-time week (default: jdgen.yaml, else 37.5)
contract: Permanent
base: Example Talking Therapies, Main Street Health Centre
responsible_to: Step 2 Lead
accountable_to: Service Manager
reference: EX-PWP-001
date_posted: "2026-01-05"          # YYYY-MM-DD
closing_date: "2026-01-26"
terms:                              # extra rows of the job identification table
  - {{label: Pension, text: NHS Pension Scheme}}
  - {{label: Annual leave, text: "27 days a year plus bank holidays, rising with service"}}
# apply_url: https://www.jobs.nhs.uk/…   # JSON-LD url; direct_apply: true; location_type: hybrid

summary: |
  Say in three to five sentences why the post exists, who it serves and what the post holder
  will do. Plain English; the first sentence is what candidates read first.
# overview: A paragraph about the service, shown before the summary.
# purpose: [Offer guided self-help at step 2., Keep waiting times short.]   # text or a list
# scope: What the post covers and does not cover.
relationships:
  internal: [Step 2 Lead, High-intensity therapists]
  external: [GP practices, Community partners]
about: Say in two or three sentences who the employer is (used in the advert profile).
how_to_apply: Say how to apply and whom to ask for an informal conversation (advert profile).

duties:
  framework: iapt-li                # list clusters with: jdgen list clusters --framework iapt-li
  clusters: [A, CB, RKC, S, CM]     # Core (C) is always included
  add: []                           # single items from other clusters, e.g. [G1, W2]
  remove: []                        # items to drop (not Core), e.g. [CB11]
  # reword: {{CB3: "The post's own wording of a framework item."}}
  local:                            # the service's own duties, numbered L1, L2, …
    - Run an evening clinic each week.
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
    - text: Accreditation as a PWP with the BABCP or BPS
      category: Qualifications
      assessed_by: [application]
  derive_knowledge: true            # add the post's "Knowledge of …" items as essential criteria
"""


def starter_post(stem: str) -> str:
    return STARTER.format(path=f"posts/{stem}.yaml")
