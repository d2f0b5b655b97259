"""`jdgen list`: frameworks, clusters and items as rows (pure functions)."""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

from .model import Framework, Item, Library


def item_record(item: Item, library: Library) -> dict[str, Any]:
    """The JSON form of an item: id, cluster, kind, text, links, sub-items."""
    cluster = library.cluster(item.framework, item.cluster)
    record: dict[str, Any] = {
        "id": item.id,
        "label": display_id(item, library),
        "framework": item.framework,
        "cluster": item.cluster,
        "cluster_title": cluster.title if cluster else "",
        "kind": item.kind,
        "text": item.text,
        "links": [{"framework": link.framework, "id": link.target, **(
            {"level": link.level} if link.level is not None else {})} for link in item.links],
    }
    if item.outcome:
        record["outcome"] = item.outcome
    if item.sub:
        record["sub"] = [{"id": s.id, "parent": item.id, "kind": s.kind, "text": s.text} for s in item.sub]
    return record


def display_id(item: Item, library: Library) -> str:
    """How an item id is shown to people: 'H&S 1' for HS1."""
    cluster = library.cluster(item.framework, item.cluster)
    if cluster and cluster.label:
        return f"{cluster.label} {item.id[len(cluster.code):]}"
    return item.id


def select_items(library: Library, framework: str | None, cluster: str | None,
                 search: str | None) -> list[Item]:
    """Top-level items matching the filters, in framework order."""
    frameworks = [library.frameworks[framework]] if framework else list(library.frameworks.values())
    needle = (search or "").casefold()
    found = []
    for fw in frameworks:
        for c in fw.clusters:
            if cluster and cluster not in (c.code, c.label):
                continue
            for item in c.items:
                haystack = " ".join([item.id, item.text, *(s.text for s in item.sub)]).casefold()
                if needle in haystack:
                    found.append(item)
    return found


def framework_record(fw: Framework) -> dict[str, Any]:
    items, entries, profiles = len(fw.all_items()), len(fw.entries), len(fw.profiles)
    size = (f"{items} items" if items else f"{entries} entries" if entries else f"{profiles} profiles")
    return {
        "id": fw.id, "title": fw.title, "kind": fw.kind, "version": fw.version, "origin": fw.origin,
        "clusters": len(fw.clusters), "items": items, "entries": entries, "profiles": profiles, "size": size,
        "provenance": {"source": fw.provenance.source, "publisher": fw.provenance.publisher,
                       "year": fw.provenance.year, "authored": fw.provenance.authored},
    }


def cluster_records(library: Library, framework: str | None) -> list[dict[str, Any]]:
    rows = []
    for fw in library.frameworks.values():
        if framework and fw.id != framework:
            continue
        for c in fw.clusters:
            first, last = c.items[0].id, c.items[-1].id
            rows.append({"framework": fw.id, "code": c.code, "label": c.shown_code, "title": c.title,
                         "items": len(c.items), "range": f"{first}–{last}", "required": c.required})
    return rows


def table(rows: list[list[str]], headers: list[str], wrap_last: bool = True) -> str:
    """A plain-text table; the last column wraps to the terminal width."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    total = shutil.get_terminal_size((120, 24)).columns
    if wrap_last and len(headers) > 1:
        widths[-1] = max(30, min(widths[-1], total - sum(widths[:-1]) - 2 * (len(headers) - 1)))
    lines = []
    for row in [headers, ["-" * w for w in widths], *rows]:
        cells = [str(c) for c in row]
        last = textwrap.wrap(cells[-1], widths[-1]) or [""]
        lead = "  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths[:-1], strict=True))
        pad = " " * (len(lead) + 2) if lead else ""
        lines.append((lead + "  " if lead else "") + last[0])
        lines += [pad + more for more in last[1:]]
    return "\n".join(line.rstrip() for line in lines)
