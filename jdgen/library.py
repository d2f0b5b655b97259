"""Discover, load and cross-check frameworks → Library.

Bundled frameworks load first; a workspace's `frameworks/` and `clusters/` add to them. Every
problem of every file is collected and reported together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .bundled import bundled_root as bundled_root  # re-exported: older imports name it here
from .errors import Collector, Diagnostic, JdgenError
from .model import (
    DEFAULT_GUIDANCE,
    Arrangement,
    Cluster,
    Entry,
    Framework,
    FrameworkKind,
    Item,
    Level,
    Library,
    Link,
    Profile,
    Provenance,
    Source,
)
from .schema import schema_diagnostics
from .suggest import suggest
from .yamlio import Document, load_file


def yaml_files(folder: Path) -> list[Path]:
    """YAML files under `folder`, sorted, recursively."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def _same_as_bundled(path: Path, folder: Path, bundled: Path) -> bool:
    """True for a workspace file identical to the bundled file of the same name (e.g. when the
    workspace is a copy of jdgen's own source tree, used with a non-editable install)."""
    twin = bundled / path.relative_to(folder)
    try:
        return twin.is_file() and twin.read_bytes() == path.read_bytes()
    except OSError:
        return False


@dataclass
class _Header:
    doc: Document
    origin: str


@dataclass
class _ClusterFile:
    doc: Document
    origin: str


@dataclass
class LibrarySources:
    """The files a library is built from."""

    headers: list[tuple[Path, str]] = field(default_factory=list)
    clusters: list[tuple[Path, str]] = field(default_factory=list)
    refused: list[Diagnostic] = field(default_factory=list)  # e.g. links to files outside the workspace

    def all_paths(self) -> list[Path]:
        return [p for p, _ in self.headers] + [p for p, _ in self.clusters]


def is_cluster_data(data: Any) -> bool:
    """A cluster or domain file (as opposed to a framework header), judged by its keys."""
    return isinstance(data, dict) and "items" in data and "code" in data


def discover(workspace: Path | None, extra: Iterable[Path] = ()) -> LibrarySources:
    """Bundled files, then the workspace's (unless it is the source tree itself), then extra files."""
    sources = LibrarySources()
    root = bundled_root()
    sources.headers += [(p, "bundled") for p in yaml_files(root / "frameworks")]
    sources.clusters += [(p, "bundled") for p in yaml_files(root / "clusters")]
    if workspace is not None and workspace.resolve() != root.resolve():
        inside = workspace.resolve()
        for folder, target in (("frameworks", sources.headers), ("clusters", sources.clusters)):
            for p in yaml_files(workspace / folder):
                if not p.resolve().is_relative_to(inside):
                    sources.refused.append(_outside(p, inside))
                elif not _same_as_bundled(p, workspace / folder, root / folder):
                    target.append((p, "workspace"))
    known = {p.resolve() for p in sources.all_paths()}
    for path in extra:
        if path.resolve() in known:
            continue
        doc, _ = load_file(path)
        if doc is not None and is_cluster_data(doc.data):
            sources.clusters.append((path, "workspace"))
        else:
            sources.headers.append((path, "workspace"))
    return sources


def _outside(path: Path, workspace: Path) -> Diagnostic:
    return Diagnostic(str(path), 0, 0, f"refused: this file is a link to {path.resolve()}, outside the "
                      f"workspace {workspace}",
                      hint="copy the file into the workspace instead of linking to it", code="link-outside")


def load_library(workspace: Path | None = None, extra: Iterable[Path] = ()) -> Library:
    """Load and check every framework; raise JdgenError listing every problem."""
    library, problems = check_library(discover(workspace, extra))
    errors = [d for d in problems if d.level == "error"]
    if errors:
        raise JdgenError(errors)
    return library


def check_library(sources: LibrarySources) -> tuple[Library, list[Diagnostic]]:
    """Parse, schema-check and cross-check the given files; never raises for bad input."""
    out = Collector()
    out.extend(sources.refused)
    headers = [_Header(doc, origin) for doc, origin in _parse_all(sources.headers, "framework", out)]
    clusters = [_ClusterFile(doc, origin) for doc, origin in _parse_all(sources.clusters, "cluster", out)]
    chosen = _choose_headers(headers, out)
    by_framework: dict[str, list[_ClusterFile]] = {}
    for cf in clusters:
        fw_id = cf.doc.data["framework"]
        if fw_id not in chosen:
            out.extend([cf.doc.diag(("framework",), f"unknown framework '{fw_id}'",
                                    hint=suggest(fw_id, chosen) or f"known: {', '.join(sorted(chosen))}",
                                        code="unknown-framework")])
            continue
        header = chosen[fw_id]
        if header.origin == "workspace" and cf.origin == "bundled":
            continue  # the workspace overrides this framework entirely
        by_framework.setdefault(fw_id, []).append(cf)
    frameworks = {fw_id: _build_framework(h, by_framework.get(fw_id, []), out)
                  for fw_id, h in chosen.items()}
    library = Library.build(frameworks)
    _check_links(library, clusters, out)
    return library, out.items


def _parse_all(files: list[tuple[Path, str]], schema: str,
               out: Collector) -> list[tuple[Document, str]]:
    good = []
    for path, origin in files:
        doc, problems = load_file(path)
        out.extend(problems)
        if doc is None or problems:
            continue
        found = schema_diagnostics(doc, schema)
        out.extend(found)
        if not found:
            good.append((doc, origin))
    return good


def _choose_headers(headers: list[_Header], out: Collector) -> dict[str, _Header]:
    chosen: dict[str, _Header] = {}
    for h in headers:
        fw_id = h.doc.data["id"]
        previous = chosen.get(fw_id)
        replaces_bundled = previous is not None and previous.origin == "bundled" and h.origin == "workspace"
        if previous is None or (replaces_bundled and h.doc.data.get("override")):
            chosen[fw_id] = h
        elif previous.origin == "bundled" and h.origin == "workspace":
            out.extend([h.doc.diag(("id",), f"framework '{fw_id}' shadows the bundled framework of that id",
                                   hint="add 'override: true' to replace it, or choose another id",
                                       code="shadows-bundled")])
        else:
            out.extend([h.doc.diag(("id",), f"framework '{fw_id}' is defined twice "
                                            f"(also in {previous.doc.path})", code="duplicate-framework")])
    return chosen


def _source(doc: Document, path: tuple[str | int, ...] = ()) -> Source:
    line, col = doc.at(path)
    return Source(doc.path, line, col)


def _arrangement(data: dict[str, Any]) -> Arrangement:
    every = data["every_weeks"]
    shortest, longest = (min(every), max(every)) if isinstance(every, list) else (every, None)
    if longest == shortest:
        longest = None
    return Arrangement(
        type=data["type"], every_weeks=shortest, every_weeks_max=longest,
        usual_group_size=tuple(data.get("usual_group_size", ())), minutes=data.get("minutes"),
        format=data["format"], title=data.get("title", ""), minimum=data.get("minimum", False),
        full_time_basis=data.get("full_time_basis", False), max_group_size=data.get("max_group_size"),
        group_size=data.get("group_size"), purpose=data.get("purpose", ""), rule=data.get("rule", ""),
        provider=data.get("provider", ""), note=" ".join(data.get("note", "").split()))


def _build_framework(header: _Header, files: list[_ClusterFile], out: Collector) -> Framework:
    data = header.doc.data
    order = list(data.get("clusters", []))
    clusters: dict[str, Cluster] = {}
    seen_ids: dict[str, str] = {}
    for cf in files:
        cluster = _build_cluster(cf.doc, FrameworkKind(data["kind"]), seen_ids, out)
        if cluster is None:
            continue
        if cluster.code in clusters:
            out.extend([cf.doc.diag(("code",), f"cluster '{cluster.code}' of framework '{data['id']}' "
                                               f"is defined twice (also in {clusters[cluster.code].source.path})",
                                                   code="duplicate-cluster")])
            continue
        clusters[cluster.code] = cluster
    for i, code in enumerate(order):
        if code not in clusters:
            out.extend([header.doc.diag(("clusters", i), f"cluster '{code}' is listed but no cluster file "
                                                         "defines it", hint=suggest(code, list(clusters)),
                                     code="missing-cluster")])
    core = list(data.get("core", []))
    for i, code in enumerate(core):
        if code not in clusters:
            out.extend([header.doc.diag(("core", i), f"core cluster '{code}' is not a cluster of "
                                                     f"framework '{data['id']}'", hint=suggest(code, list(clusters)),
                                     code="unknown-core")])
    # A cluster file's own `required: true` (the older way of marking core) still counts.
    core += [code for code, c in clusters.items() if c.required and code not in core]
    clusters = {code: (c if c.required or code not in core else replace(c, required=True))
                for code, c in clusters.items()}
    ranked = sorted(clusters.values(),
                    key=lambda c: (order.index(c.code) if c.code in order else len(order)))
    prov = data["provenance"]
    return Framework(
        id=data["id"], title=data["title"], kind=FrameworkKind(data["kind"]), version=data["version"],
        provenance=Provenance(prov["source"], prov["publisher"], prov.get("year"), prov["authored"],
                              prov.get("notes", ""), prov.get("url", "")),
        clusters=tuple(ranked), core=tuple(c for c in core if c in clusters),
        entries=tuple(Entry(e["id"], e["title"], e.get("group"), e.get("description"), e.get("suite"),
                            tuple(Level(lv["level"], lv.get("title")) for lv in e.get("levels", [])))
                      for e in data.get("entries", [])),
        profiles=tuple(Profile(p["id"], p["title"], p.get("description", ""),
                               tuple(_arrangement(a) for a in p["arrangements"]),
                               p.get("guidance", DEFAULT_GUIDANCE), p.get("caseload"), p.get("supervisees"))
                       for p in data.get("profiles", [])),
        all_staff=tuple(_arrangement(a) for a in data.get("all_staff", [])),
        principles=tuple(data.get("principles", [])),
        short_title=data.get("short_title"), description=data.get("description", ""),
        origin=header.origin, source=_source(header.doc))


_NUMBERED = re.compile(r"^([A-Z]+)(\d+)$")


def _build_cluster(doc: Document, kind: FrameworkKind, seen_ids: dict[str, str], out: Collector) -> Cluster | None:
    data = doc.data
    code = data["code"]
    fw_id = data["framework"]
    if kind == FrameworkKind.REFERENCE:
        out.extend([doc.diag(("framework",), f"framework '{fw_id}' is a reference framework; "
                                             "it keeps its entries in its header, not in clusters",
                                                 code="reference-framework")])
        return None
    items = []
    for i, raw in enumerate(data["items"]):
        path: tuple[str | int, ...] = ("items", i)
        item_id = raw["id"]
        expected = f"{code}{i + 1}"
        if item_id != expected:
            out.extend([doc.diag((*path, "id"), f"item id '{item_id}' is out of sequence: expected "
                                                f"'{expected}'",
                                 hint=f"items of cluster {code} are numbered {code}1, {code}2, … in order",
                                     code="id-sequence")])
        if item_id in seen_ids:
            out.extend([doc.diag((*path, "id"), f"duplicate item id '{item_id}' in framework '{fw_id}' "
                                                f"(also in {seen_ids[item_id]})", code="duplicate-id")])
        seen_ids[item_id] = doc.path
        subs = []
        for j, sub in enumerate(raw.get("sub", [])):
            want = f"{item_id}{chr(ord('a') + j)}"
            if sub["id"] != want:
                out.extend([doc.diag((*path, "sub", j, "id"), f"sub-item id '{sub['id']}' is out of "
                                                              f"sequence: expected '{want}'", code="id-sequence")])
            subs.append(Item(sub["id"], fw_id, code, sub.get("kind", raw["kind"]), sub["text"],
                             parent=item_id, source=_source(doc, (*path, "sub", j)),
                             trainee_text=_text(sub, "trainee"), theme=sub.get("theme", "")))
        items.append(Item(item_id, fw_id, code, raw["kind"], " ".join(raw["text"].split()),
                          outcome=raw.get("outcome"), links=parse_links(raw.get("links", {})),
                          sub=tuple(subs), source=_source(doc, path),
                          trainee_text=_text(raw, "trainee"), theme=raw.get("theme", "")))
    return Cluster(fw_id, code, data["title"], _text(data, "description"),
                   tuple(items), required=data.get("required", False), label=data.get("label"),
                   hours=data.get("hours"), source=_source(doc),
                   statement=_text(data, "statement"), trainee_statement=_text(data, "trainee_statement"))


def _text(data: dict[str, Any], key: str) -> str:
    """A text field with its runs of whitespace collapsed; empty when absent."""
    return " ".join(str(data.get(key, "")).split())


def parse_links(raw: dict[str, Any]) -> tuple[Link, ...]:
    links: list[Link] = []
    for fw_id, targets in raw.items():
        if isinstance(targets, dict):
            links += [Link(fw_id, t, level) for t, level in targets.items()]
        else:
            links += [Link(fw_id, t) for t in targets]
    return tuple(links)


def _check_links(library: Library, files: list[_ClusterFile], out: Collector) -> None:
    for cf in files:
        fw_id = cf.doc.data["framework"]
        if fw_id not in library.frameworks:
            continue
        for i, raw in enumerate(cf.doc.data["items"]):
            for target_fw, targets in raw.get("links", {}).items():
                path = ("items", i, "links", target_fw)
                check_link_group(library, cf.doc, path, target_fw, targets, out)


def check_link_group(library: Library, doc: Document, path: tuple[str | int, ...], target_fw: str,
                      targets: Any, out: Collector) -> None:
    fw = library.frameworks.get(target_fw)
    if fw is None:
        out.extend([doc.diag(path, f"links to unknown framework '{target_fw}'", key=True,
                             hint=suggest(target_fw, library.frameworks), code="unknown-framework")])
        return
    levelled = any(e.levels for e in fw.entries)
    if levelled and not isinstance(targets, dict):
        out.extend([doc.diag(path, f"links to {target_fw} need a level for each id",
                             hint=f"write {{{targets[0]}: 2}}" if targets else "", code="link-level")])
        return
    for index, target in enumerate(targets):
        where = (*path, target) if isinstance(targets, dict) else (*path, index)
        entry = library.entry(target_fw, target) if fw.is_reference else None
        found = entry is not None if fw.is_reference else library.item(target_fw, target) is not None
        if not found:
            known = [e.id for e in fw.entries] if fw.is_reference else [it.id for it in fw.all_items()]
            out.extend([doc.diag(where, f"unknown {target_fw} id '{target}'", key=isinstance(targets, dict),
                                 hint=suggest(target, known), code="unknown-link")])
            continue
        if isinstance(targets, dict) and entry is not None:
            level = targets[target]
            levels = [lv.level for lv in entry.levels]
            if levels and level not in levels:
                out.extend([doc.diag(where, f"{target_fw} {target} has no level {level} "
                                            f"(levels: {', '.join(map(str, levels))})", code="link-level")])
