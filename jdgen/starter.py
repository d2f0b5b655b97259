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
salary: "£31,049 to £37,796 a year"
hours_per_week: 37.5
contract: Permanent
base: Example Talking Therapies, Main Street Health Centre
responsible_to: Step 2 Lead
accountable_to: Service Manager
reference: EX-PWP-001
date_posted: "2026-01-05"          # YYYY-MM-DD
closing_date: "2026-01-26"

summary: |
  Say in three to five sentences why the post exists, who it serves and what the post holder
  will do. Plain English; the first sentence is what candidates read first.

duties:
  framework: iapt-li                # list clusters with: jdgen list clusters --framework iapt-li
  clusters: [A, CB, RKC, S, CM]     # Core (C) is always included
  add: []                           # single items from other clusters, e.g. [G1, W2]
  remove: []                        # items to drop (not Core), e.g. [CB11]
  local:                            # the service's own duties, numbered L1, L2, …
    - Run an evening clinic each week.

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
