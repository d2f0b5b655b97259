"""A framework as a CASE 1.1 CFPackage (JSON): pure functions, no I/O.

The CFDocument is the framework; each cluster (or competence domain) is a CFItem that `isChildOf`
the document, each item a CFItem that `isChildOf` its cluster, each sub-item one that `isChildOf`
its item; a reference framework's entries (KSF dimensions, ESCs, NOS) are CFItems of the document.
An item's links to reference entries become `isRelatedTo` associations whose destination is the
entry's node in that framework's own package (the identifiers `jdgen case export ksf` gives it).
Identifiers are UUIDs derived from the framework id and the codes, and every timestamp is fixed,
so two exports of the same framework are byte-identical.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import Cluster, Entry, Framework, Item, Library, Link
from .ids import CHANGED, EXTENSION, association_id, document_id, item_type_id, node_id, uri

#: CFItemType of each kind of node, with the description given in CFDefinitions.
ITEM_TYPES: dict[str, str] = {
    "Cluster": "A duty cluster: duties that belong together, with the cluster's code.",
    "Domain": "A competence domain: competences that belong together.",
    "Duty": "A duty a post holds, in a job description's voice.",
    "Ability": "A competence: an ability to do something.",
    "Knowledge": "A competence: knowledge of something.",
    "Entry": "An entry of a reference framework (a KSF dimension, an Essential Shared Capability, a NOS).",
}
_KIND_TYPES = {"duty": "Duty", "ability": "Ability", "knowledge": "Knowledge"}


class NothingToExport(ValueError):
    """A framework with neither clusters nor entries (the supervision profiles)."""


def export_package(framework: Framework, library: Library, creator: str = "jdgen") -> dict[str, Any]:
    """The CFPackage of `framework` as plain JSON data, keys in a fixed order."""
    if not framework.clusters and not framework.entries:
        raise NothingToExport(f"framework '{framework.id}' has no clusters or entries to export "
                              "(its data is not a list of statements)")
    doc_ref = _link(document_id(framework.id), framework.title)
    items: list[dict[str, Any]] = []
    associations: list[dict[str, Any]] = []
    used_types: list[str] = []

    def add_item(code: str, statement: str, item_type: str, extra: dict[str, Any],
                 parent: dict[str, str], sequence: int) -> dict[str, str]:
        identifier = node_id(framework.id, code)
        if item_type not in used_types:
            used_types.append(item_type)
        record: dict[str, Any] = {"identifier": identifier, "uri": uri(identifier), "fullStatement": statement,
                                  "humanCodingScheme": code, "CFItemType": item_type,
                                  "CFItemTypeURI": _link(item_type_id(item_type), item_type),
                                  "language": "en", "lastChangeDateTime": CHANGED}
        record.update({k: v for k, v in extra.items() if k != EXTENSION})
        if extra.get(EXTENSION):
            record["extensions"] = {EXTENSION: extra[EXTENSION]}
        items.append(record)
        ref = _link(identifier, code)
        associations.append(_association("isChildOf", ref, parent, sequence))
        return ref

    for n, cluster in enumerate(framework.clusters, 1):
        ref = add_item(cluster.shown_code, cluster.title, "Domain" if framework.is_competences else "Cluster",
                       _cluster_extra(cluster, framework), doc_ref, n)
        for i, item in enumerate(cluster.items, 1):
            item_ref = add_item(item.id, item.text, _KIND_TYPES[item.kind], _item_extra(item), ref, i)
            associations += [_link_association(item_ref, link, library) for link in item.links]
            for j, sub in enumerate(item.sub, 1):
                add_item(sub.id, sub.text, _KIND_TYPES[sub.kind], _item_extra(sub), item_ref, j)
    for n, entry in enumerate(framework.entries, 1):
        add_item(entry.id, entry.title, "Entry", _entry_extra(entry), doc_ref, n)
    return {
        "CFDocument": _document(framework, creator),
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {"CFItemTypes": [_item_type(t) for t in used_types]},
    }


def package_json(package: dict[str, Any]) -> str:
    """The package as UTF-8 JSON text, two-space indented, ending in a newline."""
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def _link(identifier: str, title: str) -> dict[str, str]:
    return {"title": title, "identifier": identifier, "uri": uri(identifier)}


def _document(fw: Framework, creator: str) -> dict[str, Any]:
    identifier = document_id(fw.id)
    prov = fw.provenance
    notes = [f"Source: {prov.source}", f"Publisher: {prov.publisher}" + (f" ({prov.year})" if prov.year else ""),
             f"Written by jdgen (or the workspace), not taken from the source: {prov.authored}"]
    if prov.notes:
        notes.append(prov.notes)
    record: dict[str, Any] = {"identifier": identifier, "uri": uri(identifier), "frameworkType": fw.kind.value,
                              "caseVersion": "1.1", "creator": creator, "title": fw.title,
                              "lastChangeDateTime": CHANGED}
    if prov.url.startswith(("https://", "http://")):
        record["officialSourceURL"] = prov.url
    if fw.description:
        record["description"] = " ".join(fw.description.split())
    record.update({"language": "en", "version": fw.version, "notes": "\n\n".join(" ".join(n.split()) for n in notes)})
    extension: dict[str, Any] = {"id": fw.id, "kind": fw.kind.value}
    if fw.short_title:
        extension["short_title"] = fw.short_title
    if fw.core:
        extension["core"] = list(fw.core)
    extension["provenance"] = {"source": prov.source, "publisher": prov.publisher, "year": prov.year,
                               "authored": prov.authored, **({"notes": prov.notes} if prov.notes else {}),
                               **({"url": prov.url} if prov.url else {})}
    record["extensions"] = {EXTENSION: extension}
    return record


def _cluster_extra(cluster: Cluster, fw: Framework) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if cluster.description:
        extra["notes"] = cluster.description
    ext: dict[str, Any] = {"code": cluster.code}
    if cluster.label:
        ext["label"] = cluster.label
    if cluster.code in fw.core:
        ext["core"] = True
    for key, value in (("statement", cluster.statement), ("trainee_statement", cluster.trainee_statement)):
        if value:
            ext[key] = value
    if cluster.hours is not None:
        ext["hours"] = cluster.hours
    extra[EXTENSION] = ext
    return extra


def _item_extra(item: Item) -> dict[str, Any]:
    ext: dict[str, Any] = {}
    for key, value in (("trainee", item.trainee_text), ("theme", item.theme), ("outcome", item.outcome)):
        if value:
            ext[key] = " ".join(value.split())
    return {EXTENSION: ext} if ext else {}


def _entry_extra(entry: Entry) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if entry.description:
        extra["notes"] = " ".join(entry.description.split())
    ext: dict[str, Any] = {}
    if entry.group:
        ext["group"] = entry.group
    if entry.levels:
        ext["levels"] = [{"level": lv.level, **({"title": lv.title} if lv.title else {})} for lv in entry.levels]
    if ext:
        extra[EXTENSION] = ext
    return extra


def _association(kind: str, origin: dict[str, str], destination: dict[str, str], sequence: int | None = None,
                 notes: str = "", extension: dict[str, Any] | None = None) -> dict[str, Any]:
    identifier = association_id(kind, origin["identifier"], destination["identifier"])
    record: dict[str, Any] = {"identifier": identifier, "associationType": kind, "uri": uri(identifier),
                              "originNodeURI": origin, "destinationNodeURI": destination,
                              "lastChangeDateTime": CHANGED}
    if sequence is not None:
        record["sequenceNumber"] = sequence
    if notes:
        record["notes"] = notes
    if extension:
        record["extensions"] = {EXTENSION: extension}
    return record


def _link_association(origin: dict[str, str], link: Link, library: Library) -> dict[str, Any]:
    """An item's link to a KSF dimension, an ESC, a NOS (or another framework's item): isRelatedTo
    the target's node, titled with its framework and id; the KSF level in notes and extensions."""
    entry = library.entry(link.framework, link.target)
    item = library.item(link.framework, link.target)
    name = entry.title if entry else item.text if item else ""
    title = f"{link.framework} {link.target}" + (f": {name}" if name else "")
    destination = {**_link(node_id(link.framework, link.target), title), "targetType": "CASE"}
    extension: dict[str, Any] = {"framework": link.framework, "target": link.target}
    notes = f"{link.framework} {link.target}"
    if link.level is not None:
        extension["level"] = link.level
        notes += f" at level {link.level}"
    return _association("isRelatedTo", origin, destination, notes=notes, extension=extension)


def _item_type(title: str) -> dict[str, Any]:
    identifier = item_type_id(title)
    return {"identifier": identifier, "uri": uri(identifier), "title": title, "description": ITEM_TYPES[title],
            "hierarchyCode": title.lower(), "typeCode": title.lower(), "lastChangeDateTime": CHANGED}
