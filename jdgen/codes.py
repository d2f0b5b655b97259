"""The stable code of each kind of problem, as `jdgen validate --format json|github` shows it.

Like yamllint's rule ids: tools (CI annotations, editors) may rely on them, so a code, once
published, keeps its meaning. docs/diagnostics.md is generated from this table
(`python scripts/gen_docs.py`); a test fails when a code used in jdgen is missing here.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    # reading files
    "read-error": "A file could not be read (missing, unreadable, not a valid workbook).",
    "encoding": "A file is not UTF-8 text.",
    "file-too-large": "A file is larger than jdgen reads at all.",
    "empty-file": "A file has no content.",
    "not-a-file": "An input that is not a regular file (a named pipe, a device, a folder); it is not read.",
    # YAML
    "yaml-syntax": "The file is not valid YAML.",
    "yaml-value": "A YAML value cannot be read (a malformed number, date or boolean).",
    "yaml-tag": "A YAML tag other than the plain types (`!custom`, `!!python/...`).",
    "yaml-key": "A mapping key that is a list or a mapping.",
    "yaml-merge-key": "A `<<` merge key; jdgen files write their keys out in full.",
    "yaml-alias-limit": "Aliases expand to too many nodes (an alias bomb).",
    "yaml-too-deep": "The file is nested too deeply.",
    "duplicate-key": "A key appears twice in one mapping.",
    "control-character": "A text value holds a control character (other than tab and newline).",
    "noncharacter": "A text value holds a character no document can hold (U+FFFE, U+FFFF, a lone surrogate).",
    "not-a-mapping": "The file (or a value) must be a mapping of keys.",
    # shape (JSON Schema)
    "schema-required": "A required key is missing.",
    "schema-unknown-key": "A key the file kind does not know (often a typo).",
    "schema-type": "A value of the wrong type (text where a number is expected, …).",
    "schema-enum": "A value that is not one of the allowed words.",
    "schema-pattern": "A value that does not have the required form (an id, a colour, a date).",
    "schema-range": "A number outside its allowed range.",
    "schema-empty": "A list, mapping or text that must not be empty.",
    "schema-unique": "A list that names the same value twice.",
    "schema": "Any other problem of shape.",
    # the library
    "unknown-framework": "A reference to a framework that does not exist.",
    "reference-framework": "A reference framework used where duties or competences are needed.",
    "shadows-bundled": "A workspace framework reuses a bundled framework's id without `override: true`.",
    "duplicate-framework": "A framework id defined twice.",
    "duplicate-cluster": "A cluster defined twice in one framework.",
    "missing-cluster": "A framework lists a cluster that has no cluster file.",
    "unknown-core": "A framework's `core` names a cluster the framework does not have.",
    "id-sequence": "Item ids of a cluster are not numbered in order.",
    "duplicate-id": "An item id used twice in one framework.",
    "unknown-link": "A link to an id the target framework does not have.",
    "link-level": "A link level that is missing or outside the target's levels.",
    # posts
    "missing-organisation": "A post names no employer, and jdgen.yaml gives none.",
    "draft": "A post lacks terms a published job description needs (warning; an error under --strict).",
    "bad-date": "A date that is not a real calendar date.",
    "date-order": "The closing date is before the posting date.",
    "unknown-cluster": "A cluster or domain code the framework does not have.",
    "duty-framework-twice": "A post's `duties` list names the same framework twice.",
    "unknown-item": "An item id the framework does not have.",
    "already-included": "An item added that the post already has (warning).",
    "required-cluster": "Removing an item of a cluster every post must have.",
    "remove-not-included": "Removing an item the post does not have (warning).",
    "pick-not-included": "Picking an item for the job description that is not among the post's duties.",
    "duty-budget": "The job description would state more duties than `duty_budget` (warning).",
    "ksf-override": "A KSF level a post sets that cannot apply (a core dimension left out, foundation above level).",
    "ksf-not-shown": "KSF levels set by a post whose grade is not an Agenda for Change band: no outline shows them.",
    "unknown-profile": "A supervision profile that does not exist.",
    "supervision-below-guidance": "Supervision set below what the guidance asks for (warning).",
    "starter-text": "An example text of the starter post (`jdgen new post`, `jdgen init`) is still in the post "
                    "(warning; an error under --strict).",
    "unreadable-salary": "A salary written as text with no amount in pounds jdgen can read, so the advert data "
                         "has no salary (warning).",
    "unknown-grade": "A grade naming a band that is not an Agenda for Change band, so the KSF outline has no "
                     "band bounds (warning).",
    "bad-logo": "The logo in jdgen.yaml is not a sound PNG, JPEG, GIF or SVG image file inside the workspace.",
    "logo-svg": "An SVG logo: HTML and PDF show it, Word documents are made without it (warning).",
    "reword-not-included": "`duties.reword` names an item the post does not take.",
    "unknown-section": "A document profile in jdgen.yaml lists a section that does not exist.",
    "unknown-document-profile": "jdgen.yaml's `profile` names a document profile that does not exist.",
    # assessments (jdgen gap)
    "no-assessments": "No .csv or .xlsx assessment files were found.",
    "assessment-sheet": "A workbook has no sheet of the expected name.",
    "assessment-header": "A header row with missing or unknown columns.",
    "assessment-row": "A row without a person, or with an item the post does not have.",
    "assessment-rating": "A rating that is not a whole number 0 to 3.",
    "assessment-duplicate": "A person rates the same item twice.",
    "assessment-missing": "A person has no rating for some of the post's items.",
    # CASE packages (jdgen case import)
    "case-json": "A CASE package that is not valid JSON.",
    "case-package": "A JSON file that is not a usable CASE package (no CFDocument, an item without identifier "
                    "or fullStatement, …).",
    "case-not-kept": "Something of a CASE package that jdgen cannot keep (other associations, codes that are not "
                     "jdgen ids) (warning).",
    "import-exists": "`jdgen case import` would replace a framework file or cluster folder of the workspace.",
    # importing job descriptions (jdgen import)
    "import-unreadable": "A file jdgen import cannot read: a .docx that is not a Word zip package, a damaged PDF, "
                         "an unsupported kind of file.",
    "import-encrypted": "A PDF protected by a password, whose text cannot be read.",
    "import-no-text": "A PDF with no text layer (a scanned image).",
    "import-empty": "A document with no text at all.",
    "import-no-duties": "A document with no bullet or numbered duties under a duties heading.",
    # templates and output
    "template-syntax": "A template with a Jinja syntax error.",
    "template-missing": "A template that includes or extends one that does not exist.",
    "template-error": "A template that fails while rendering (an unknown variable, a division by zero, …).",
    "template-unsafe": "A template that reaches for what the sandbox forbids (Python internals, changing data).",
    "template-limit": "A template that goes past a limit of steps, time or size (docs/templates.md, Limits).",
    "template-encoding": "A template or pdf.css that is not UTF-8 text.",
    "template-file": "A file of templates/ that is not a regular file (a FIFO, a device, …) or is too large.",
    "bad-reference-docx": "A workspace reference.docx that is empty, damaged or lacks the styles jdgen uses.",
    "fetch-refused": "A template asks for a file or URL outside jdgen and the workspace (warning).",
    "output-path": "An output name that would land outside the output folder.",
    "output-clash": "Two posts whose outputs would have the same name.",
    "output-reserved": "A post named like a file jdgen keeps in the output folder (.jdgen-cache).",
    "write-failed": "A file could not be written (disk full, read-only folder, …).",
    "output-folder": "The output folder cannot be created where -o asked (a file or broken link in the way).",
    "template-outside": "A file of templates/ (a template, pdf.css, reference.docx) that is a link to a file "
                        "outside the workspace and jdgen.",
    "link-outside": "A framework or cluster file that is a link to a file outside the workspace.",
    "bad-pay-scale": "A workspace pay-scales/ file (jdgen lint's salary-band) without pay_year, effective_from, "
                     "source or bands of [lowest, highest].",
    "internal-error": "A fault in jdgen itself; please report it with the input.",
    "invalid": "A problem without a more specific code.",
}
