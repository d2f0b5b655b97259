"""The duties picker of the Compose form: a duties entry's clusters as checkboxes, each with its items
as checkboxes, mapped onto the post's own keys (`clusters`, `add`, `remove`) so the YAML stays the one
source of truth.

An item ticked in a cluster the post does not take goes into `add`; an item unticked in a cluster it
takes goes into `remove`. Beside each item a second box, "state in full", writes `pick`: the items
the job description states in full under their cluster's statement (the others are covered by it).
Ids the picker cannot show as a tick (unknown ids, sub-items, an `add` of
an item already taken, ...) stay in the `add`/`remove` text fields, so a draft comes back unchanged.
Item ticks are read against the clusters taken when the form was drawn (hidden `_was` fields): when a
cluster's box changed in the same submit, the cluster wins and its item ticks are ignored."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .form import Node

from ..model import Framework, Library

SHORT = 90  # characters of an item's text shown beside its box


def _short(text: str) -> str:
    if len(text) <= SHORT:
        return text
    cut = text[:SHORT].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text)


def _taken(fw: Framework, clusters: list[str], canon: Any) -> set[str]:
    codes = {c.code for c in fw.clusters}
    return {c.code for c in fw.clusters if c.required} | {canon(fw.id, str(c)) for c in clusters} & codes


def _pickable(fw: Framework, taken: set[str]) -> tuple[set[str], set[str]]:
    """(item ids the picker can add, item ids it can remove)."""
    add = {i.id for c in fw.clusters if c.code not in taken for i in c.items}
    remove = {i.id for c in fw.clusters if c.code in taken and not c.required for i in c.items}
    return add, remove


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def attach_picker(group: Node, values: dict[str, Any], context: dict[str, Any]) -> None:
    """Turn the `clusters` field of a duties entry into the picker, and leave in `add`/`remove` only
    the ids the picker cannot show."""
    library: Library = context["library"]
    fw_id = str(values.get("framework") or context.get("default_framework", ""))
    fw = library.frameworks.get(fw_id)
    by_key = {str(c.path[-1]): c for c in group.children}
    clusters_node = by_key.get("clusters")
    if fw is None or not fw.is_duties or clusters_node is None:
        return
    canon = library.canonical_id
    taken = _taken(fw, _strings(values.get("clusters")), canon)
    add, remove = _strings(values.get("add")), _strings(values.get("remove"))
    can_add, can_remove = _pickable(fw, taken)
    added = {a for a in add if a in can_add}
    removed = {r for r in remove if r in can_remove}
    all_items = {i.id for c in fw.clusters for i in c.items}
    picks = _strings(values.get("pick"))
    picked = {p for p in picks if p in all_items}
    listed = {canon(fw.id, str(c)) for c in _strings(values.get("clusters"))}
    clusters = []
    for c in fw.clusters:
        on = c.code in taken
        items = [{"id": i.id, "box": f"{clusters_node.id}-{_slug(i.id)}",
                  "label": f"{c.label} {i.id[len(c.code):]}" if c.label else i.id,
                  "short": _short(i.text), "text": i.text, "sub": [s.text for s in i.sub],
                  "checked": c.required or (i.id not in removed if on else i.id in added),
                  "pick_box": f"{clusters_node.id}-p-{_slug(i.id)}", "picked": i.id in picked}
                 for i in c.items]
        clusters.append({"code": c.code, "shown": c.shown_code, "title": c.title, "core": c.required,
                         "listed": c.code in listed, "taken": on, "box": f"{clusters_node.id}-c-{_slug(c.code)}",
                         "entries": items, "ticked": sum(1 for i in items if i["checked"])})
    clusters_node.kind = "picker"
    clusters_node.label = "Clusters and items"
    clusters_node.help = (f"Tick a cluster of {fw.id} to take all its items, then untick the items this post "
                          "does not take; tick single items of other clusters to add them. The job description "
                          "states each cluster in one sentence; tick \u201cstate in full\u201d for the items it "
                          "should also state word for word.")
    clusters_node.picker = {"framework": fw.id, "prefix": group.name, "clusters": clusters,
                            "frameworks": {f.id: [(c.code, c.required, [i.id for i in c.items])
                                                  for c in f.clusters]
                                           for f in library.frameworks.values() if f.is_duties},
                            "default": context.get("default_framework", "")}
    for key, kept, label in (("add", [a for a in add if a not in added], "Other items to add"),
                             ("remove", [r for r in remove if r not in removed], "Other items to remove"),
                             ("pick", [p for p in picks if p not in picked], "Other items to state in full")):
        node = by_key.get(key)
        if node is not None and node.kind == "lines":
            node.value = "\n".join(kept)
            node.label = label
            node.help = "Item ids, one per line, that the boxes above do not show (for example sub-items)."


def apply_picks(row: dict[Any, Any], node: Node, order: list[Any], form: dict[str, list[str]]) -> dict[Any, Any]:
    """The duties entry `row` with the picker's item ticks turned into `add` and `remove`."""
    prefix = node.name.rsplit(".", 1)[0]
    drawn = (form.get(f"{prefix}._picker") or [""])[0]
    fw_id = str(row.get("framework") or node.picker.get("default", ""))
    structure = node.picker.get("frameworks", {}).get(fw_id)
    if not drawn or drawn != fw_id or structure is None:
        return row  # no picker drawn for this entry, or its framework changed: nothing to read
    was = set(form.get(f"{prefix}._was", []))
    ticked = set(form.get(f"{prefix}._items", []))
    pick_ticked = set(form.get(f"{prefix}._pick", []))
    now = {code for code, core, _ in structure if core} | set(_strings(row.get("clusters")))
    add, remove = _strings(row.get("add")), _strings(row.get("remove"))
    for code, core, items in structure:
        if core or (code in now) != (code in was):
            continue
        for item in items:
            if code in now and item not in ticked and item not in remove:
                remove.append(item)
            elif code not in now and item in ticked and item not in add:
                add.append(item)
    taken_items = {item for code, core, items in structure for item in items
                   if (code in now and item not in remove) or item in add}
    shown = {item for _, _, items in structure for item in items}
    # an item picked but no longer taken is dropped with it, rather than left to fail `pick-not-included`
    pick = _strings(row.get("pick")) + [item for _, _, items in structure for item in items
                                        if item in pick_ticked and item in taken_items]
    pick = [p for i, p in enumerate(pick) if p not in pick[:i] and (p not in shown or p in taken_items)]
    changed = {**row, "add": add, "remove": remove, "pick": pick}
    return {k: changed[k] for k in order if k in changed and changed[k] not in (None, [])}
