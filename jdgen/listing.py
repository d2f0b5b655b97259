"""`jdgen list`: frameworks, clusters and items as rows (pure functions)."""

from __future__ import annotations

from typing import Any

from .model import Entry, Framework, Item, Library
from .model import display_id as display_id  # re-exported: older imports name it here
from .texttable import table as table  # re-exported: older imports name it here


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


def entry_record(fw: Framework, entry: Entry) -> dict[str, Any]:
    """An entry of a reference framework (a KSF dimension, an ESC, a NOS) in the form of an item."""
    levels = [{"level": lv.level, "title": lv.title} for lv in entry.levels]
    text = entry.title + "".join(f"; {lv['level']}: {lv['title']}" if lv["title"] else f"; level {lv['level']}"
                                 for lv in levels)
    record: dict[str, Any] = {"id": entry.id, "label": entry.id, "framework": fw.id, "cluster": entry.group or "",
                              "cluster_title": entry.group or "", "kind": "entry", "title": entry.title,
                              "text": text, "links": []}
    if entry.description:
        record["description"] = entry.description
    if levels:
        record["levels"] = levels
    return record


def profile_record(fw: Framework, profile: Any) -> dict[str, Any]:
    """A supervision profile in the form of an item."""
    return {"id": profile.id, "label": profile.id, "framework": fw.id, "cluster": "", "cluster_title": "",
            "kind": "profile", "title": profile.title, "text": profile.title, "links": []}


def item_records(library: Library, framework: str | None, cluster: str | None,
                 search: str | None) -> list[dict[str, Any]]:
    """Items matching the filters; a reference framework named with --framework gives its entries."""
    records = [item_record(item, library) for item in select_items(library, framework, cluster, search)]
    fw = library.frameworks.get(framework or "")
    if fw is not None and fw.is_reference and not cluster:
        needle = (search or "").casefold()
        extra = [entry_record(fw, e) for e in fw.entries] + [profile_record(fw, p) for p in fw.profiles]
        records += [r for r in extra if needle in f"{r['id']} {r['text']}".casefold()]
    return records


def records(library: Library, what: str, framework: str | None, cluster: str | None,
            search: str | None) -> list[dict[str, Any]]:
    """The rows of `jdgen list WHAT` (frameworks, clusters or items) as JSON-ready records."""
    if what == "frameworks":
        return [framework_record(fw) for fw in library.frameworks.values() if not framework or fw.id == framework]
    if what == "clusters":
        return cluster_records(library, framework)
    return item_records(library, framework, cluster, search)


def item_row(record: dict[str, Any]) -> dict[str, Any]:
    """The table row of an item record: framework, id (as shown), kind, text."""
    return {"framework": record["framework"], "id": record["label"], "kind": record["kind"], "text": record["text"]}
