"""The post an imported job description becomes: its header fields, the matched items (taken with
`add`, or `pick`ed where a core cluster already brings them) each reworded in the employer's own
words, and every other duty kept as a local duty under the employer's heading."""

from __future__ import annotations

import re
from typing import Any

from ..model import Library
from .model import DutyMatch, ImportedDocument

#: The order keys are written in, as in a post written by hand.
_ORDER = ("title", "organisation", "department", "grade", "salary", "hours_per_week", "contract", "base",
          "responsible_to", "accountable_to", "reference", "closing_date")


def post_name(stem: str) -> str:
    """A post name (file stem) from a file's stem: letters, digits, '-' and '_', at most 80."""
    from ..output import windows_reserved

    name = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80]
    if windows_reserved(name):  # 'con.docx' becomes a post Windows can store
        name = f"{name}-post"
    return name or "imported"


def taken(matches: list[DutyMatch] | tuple[DutyMatch, ...]) -> list[bool]:
    """Which matched duties the post takes as items: of several duties matched to one item, the one
    with the highest score; the others stay local (the post can reword an item only once)."""
    best: dict[str, int] = {}
    for i, m in enumerate(matches):
        if m.match is not None:
            j = best.get(m.match.ref)
            if j is None or m.match.score > matches[j].score:
                best[m.match.ref] = i
    chosen = set(best.values())
    return [i in chosen for i in range(len(matches))]


def post_data(doc: ImportedDocument, matches: list[DutyMatch] | tuple[DutyMatch, ...],
              library: Library) -> dict[str, Any]:
    data: dict[str, Any] = {"title": doc.title}
    data |= {key: doc.fields[key] for key in _ORDER if key in doc.fields and key != "title"}
    if len(doc.summary) >= 10:
        data["summary"] = doc.summary
    by_framework: dict[str, dict[str, str]] = {}
    local: dict[str, list[str]] = {}
    for m, as_item in zip(matches, taken(matches), strict=True):
        if m.match is not None and as_item:
            fw_id, item_id = m.match.ref.split(":", 1)
            by_framework.setdefault(fw_id, {})[item_id] = m.duty.text
        else:
            local.setdefault(m.duty.section, []).append(m.duty.text)
    specs: list[dict[str, Any]] = []
    for fw_id, wording in sorted(by_framework.items(), key=lambda kv: -len(kv[1])):
        fw = library.frameworks[fw_id]
        order = {item.id: i for i, item in enumerate(fw.all_items())}
        ids = sorted(wording, key=order.__getitem__)
        core = {item.id for c in fw.clusters if c.code in fw.core for item in c.items}
        spec: dict[str, Any] = {"framework": fw_id}
        if [i for i in ids if i not in core]:
            spec["add"] = [i for i in ids if i not in core]
        if [i for i in ids if i in core]:
            spec["pick"] = [i for i in ids if i in core]
        spec["reword"] = {i: wording[i] for i in ids}
        specs.append(spec)
    sections = [{"heading": heading, "items": items} if len(heading) >= 2 else {"heading": "Other duties",
                                                                                   "items": items}
                for heading, items in local.items()]
    if sections:
        if specs:
            specs[0]["local"] = sections
        else:
            specs.append({"local": sections})
    data["duties"] = specs[0] if len(specs) == 1 else specs
    return data


def post_yaml(data: dict[str, Any], source: str) -> bytes:
    """The post as YAML, written as the composer writes posts, under a line saying where it came from."""
    from ..web.store import dump

    head = (f"# Imported by `jdgen import` from {source}. Check each duty's item (jdgen validate, jdgen build):\n"
            "# `reword` keeps the employer's wording of a matched item; `local` holds the duties no item matched.\n")
    return head.encode("utf-8") + dump(data)
