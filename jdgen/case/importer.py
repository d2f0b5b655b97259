"""A CASE package → a framework header and cluster files for a workspace.

The hierarchy comes from the `isChildOf` associations: a top-level CFItem with children is a
cluster, its children are the cluster's items, anything deeper becomes the item's sub-items (at
most 26; beyond that they follow as items). Top-level CFItems without children go into one cluster
of their own. Item ids are jdgen's (cluster code and number): a package jdgen wrote keeps its codes;
another producer's `humanCodingScheme` is kept as the cluster's label where it has letters.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import Diagnostic, JdgenError, display_path
from ..model import Library
from .package import Node, Package

#: The cluster that takes top-level items without children.
LOOSE_CODE = "OTHER"
LOOSE_TITLE = "Items without a cluster"
#: Most sub-items an item can have (ids end in a letter, a to z).
MAX_SUBS = 26
ID_PATTERN = re.compile(r"[a-z][a-z0-9-]*")
_THEME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
_SMALL_WORDS = {"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with"}
_KINDS = {"duty": "duty", "ability": "ability", "competence": "ability", "competency": "ability",
          "skill": "ability", "knowledge": "knowledge"}


@dataclass(frozen=True)
class ImportedFile:
    """One file to write, relative to the workspace."""

    relative: str
    text: str


@dataclass(frozen=True)
class ImportPlan:
    """What `jdgen case import` writes, and what it could not keep."""

    framework: str
    files: tuple[ImportedFile, ...]
    clusters: int
    items: int
    warnings: tuple[Diagnostic, ...] = ()


def default_id(package: Package) -> str:
    """The id jdgen gave the framework (a package it wrote), else one made from the title."""
    given = package.document.extension.get("id")
    if isinstance(given, str) and ID_PATTERN.fullmatch(given):
        return given
    slug = re.sub(r"[^a-z0-9]+", "-", package.document.title.lower()).strip("-")[:40].strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)
    return slug or "case-framework"


def id_problem(framework: str, library: Library) -> tuple[str, str, str] | None:
    """Why `framework` cannot be the imported framework's id, as (message, hint, code); None if it can."""
    hint = "choose another id with --id"
    if not ID_PATTERN.fullmatch(framework):
        return (f"'{framework}' is not a framework id: lower-case letters, digits and hyphens, starting with "
                "a letter", hint, "schema-pattern")
    existing = library.frameworks.get(framework)
    if existing is not None and existing.origin == "bundled":
        return (f"framework id '{framework}' is a bundled framework's: the import would shadow it", hint,
                "shadows-bundled")
    if existing is not None:
        return (f"the workspace already has a framework '{framework}' ({display_path(existing.source.path)})",
                hint + ", or remove that framework first", "duplicate-framework")
    return None


class _Tree:
    """The isChildOf hierarchy of a package's items, children in sequence order."""

    def __init__(self, package: Package) -> None:
        self.nodes = {n.identifier: n for n in package.nodes}
        order = {n.identifier: i for i, n in enumerate(package.nodes)}
        self.parent: dict[str, str] = {}
        keyed: dict[str, list[tuple[tuple[bool, int, int], str]]] = {}
        root_key: dict[str, tuple[bool, int, int]] = {}
        self.extra_parents: list[Any] = []
        for a in package.associations:
            if a.kind != "isChildOf" or a.origin not in self.nodes or a.origin == a.destination:
                continue
            if a.origin in self.parent or (a.origin in root_key and a.destination not in self.nodes):
                self.extra_parents.append(a)
                continue
            key = (a.sequence is None, a.sequence or 0, order[a.origin])
            if a.destination in self.nodes:
                self.parent[a.origin] = a.destination
                keyed.setdefault(a.destination, []).append((key, a.origin))
            else:
                root_key[a.origin] = key
        self.children = {k: [i for _, i in sorted(v)] for k, v in keyed.items()}
        roots = [n for n in self.nodes if n not in self.parent]
        self.roots = sorted(roots, key=lambda n: root_key.get(n, (True, 0, order[n])))
        self.seen: set[str] = set()

    def kids(self, identifier: str) -> list[str]:
        found = [c for c in self.children.get(identifier, []) if c not in self.seen]
        self.seen.update(found)
        return found

    def descendants(self, identifier: str) -> list[str]:
        out: list[str] = []
        for child in self.kids(identifier):
            out += [child, *self.descendants(child)]
        return out

    def unreached(self) -> list[str]:
        """Nodes no root leads to (an isChildOf cycle), in file order."""
        return [n for n in self.nodes if n not in self.seen]


def plan_import(package: Package, framework: str, library: Library) -> ImportPlan:
    """The header and cluster files of `package` as framework `framework` (pure: nothing written)."""
    builder = _Builder(package, framework, library)
    return builder.plan()


class _Builder:
    def __init__(self, package: Package, framework: str, library: Library) -> None:
        self.package, self.framework, self.library = package, framework, library
        self.kind = _framework_kind(package)
        self.links = _links_by_origin(package, library, framework)
        self.used_links: set[int] = set()
        self.renamed: list[tuple[str, str]] = []
        self.dropped_sub_links = 0

    def plan(self) -> ImportPlan:
        tree = _Tree(self.package)
        clusters: list[dict[str, Any]] = []
        loose: list[Node] = []
        taken: set[str] = set()
        core: list[str] = []
        for root in tree.roots:
            tree.seen.add(root)
            kids = tree.kids(root)
            if not kids:
                loose.append(tree.nodes[root])
                continue
            node = tree.nodes[root]
            code, label = _cluster_code(node, taken)
            members: list[tuple[Node, list[Node]]] = []
            for kid in kids:
                below = [tree.nodes[d] for d in tree.descendants(kid)]
                if len(below) > MAX_SUBS:
                    members += [(tree.nodes[kid], []), *[(n, []) for n in below]]
                else:
                    members.append((tree.nodes[kid], below))
            clusters.append(self.cluster(node, code, label, members))
            if node.extension.get("core") is True:
                core.append(code)
        loose += [tree.nodes[n] for n in tree.unreached()]
        if loose:
            code, _ = _cluster_code(Node("", LOOSE_TITLE, LOOSE_CODE), taken)
            clusters.append(self.cluster(Node("", LOOSE_TITLE), code, None, [(n, []) for n in loose]))
        header = self.header([c["code"] for c in clusters], core)
        files = [ImportedFile(f"frameworks/{self.framework}.yaml", _yaml(header, self.comment("Framework header")))]
        files += [ImportedFile(f"clusters/{self.framework}/{n:02d}-{c['code'].lower()}.yaml",
                               _yaml(c, self.comment(f"Cluster {c.get('label', c['code'])}")))
                  for n, c in enumerate(clusters, 1)]
        items = sum(len(c["items"]) for c in clusters)
        return ImportPlan(self.framework, tuple(files), len(clusters), items, tuple(self.warnings(tree)))

    def comment(self, what: str) -> str:
        source = os.path.basename(self.package.path)
        document = self.package.document.identifier or "without identifier"
        return (f"# {what} of '{self.framework}', imported by `jdgen case import` from the CASE package "
                f"{source} (CFDocument {document}).\n")

    def header(self, codes: list[str], core: list[str]) -> dict[str, Any]:
        doc = self.package.document
        ext = doc.extension
        header: dict[str, Any] = {"id": self.framework, "title": doc.title}
        if _text(ext.get("short_title")):
            header["short_title"] = _text(ext.get("short_title"))
        header["kind"] = self.kind
        header["version"] = " ".join(doc.version.split()) or "CASE import"
        if doc.description.strip():
            header["description"] = " ".join(doc.description.split())
        header["clusters"] = codes
        if core:
            header["core"] = core
        header["provenance"] = _provenance(ext.get("provenance")) or self.provenance()
        return header

    def provenance(self) -> dict[str, Any]:
        doc = self.package.document
        year = int(doc.changed[:4]) if re.match(r"(19|20)\d\d\b", doc.changed) else None
        prov: dict[str, Any] = {
            "source": f"The CASE package '{doc.title}'" + (f" (CFDocument {doc.identifier})" if doc.identifier else ""),
            "publisher": " ".join((doc.publisher or doc.creator).split()) or "not stated in the package",
            "year": year,
            "authored": "Nothing: the statements are the package's own, imported with jdgen case import; "
                        "the cluster codes and item ids are jdgen's.",
        }
        if doc.notes.strip():
            prov["notes"] = " ".join(doc.notes.split())
        if doc.official_url:
            prov["url"] = doc.official_url
        return prov

    def cluster(self, node: Node, code: str, label: str | None,
                members: list[tuple[Node, list[Node]]]) -> dict[str, Any]:
        ext = node.extension
        data: dict[str, Any] = {"framework": self.framework, "code": code}
        if label:
            data["label"] = label
        data["title"] = node.statement
        if node.notes:
            data["description"] = node.notes
        for key in ("statement", "trainee_statement"):
            if len(_text(ext.get(key))) >= 3:
                data[key] = _text(ext.get(key))
        hours = ext.get("hours")
        if isinstance(hours, (int, float)) and not isinstance(hours, bool) and 0 <= hours <= 1000:
            data["hours"] = hours
        data["items"] = [self.item(member, f"{code}{n}", subs) for n, (member, subs) in enumerate(members, 1)]
        return data

    def item(self, node: Node, item_id: str, subs: list[Node]) -> dict[str, Any]:
        if node.code and node.code != item_id:
            self.renamed.append((node.code, item_id))
        kind = _KINDS.get(node.item_type.strip().lower(), "ability" if self.kind == "competences" else "duty")
        data: dict[str, Any] = {"id": item_id, "kind": kind, "text": node.statement}
        ext = node.extension
        if len(_text(ext.get("trainee"))) >= 3:
            data["trainee"] = _text(ext.get("trainee"))
        theme = _text(ext.get("theme"))
        if _THEME.fullmatch(theme):
            data["theme"] = theme
        if len(_text(ext.get("outcome"))) >= 3:
            data["outcome"] = _text(ext.get("outcome"))
        links = self.item_links(node)
        if links:
            data["links"] = links
        if subs:
            data["sub"] = [self.sub(sub, f"{item_id}{chr(ord('a') + j)}", kind) for j, sub in enumerate(subs)]
        return data

    def sub(self, node: Node, sub_id: str, parent_kind: str) -> dict[str, Any]:
        if node.code and node.code != sub_id:
            self.renamed.append((node.code, sub_id))
        self.dropped_sub_links += len(self.links.get(node.identifier, []))
        data: dict[str, Any] = {"id": sub_id, "text": node.statement}
        kind = _KINDS.get(node.item_type.strip().lower())
        if kind and kind != parent_kind:
            data["kind"] = kind
        if len(_text(node.extension.get("trainee"))) >= 3:
            data["trainee"] = _text(node.extension.get("trainee"))
        return data

    def item_links(self, node: Node) -> dict[str, Any]:
        links: dict[str, Any] = {}
        for index, framework, target, level in self.links.get(node.identifier, []):
            self.used_links.add(index)
            if level is None:
                links.setdefault(framework, [])
                if target not in links[framework]:
                    links[framework].append(target)
            else:
                links.setdefault(framework, {})[target] = level
        return links

    def warnings(self, tree: _Tree) -> list[Diagnostic]:
        path = self.package.path
        out = list(self.package.warnings)
        skipped = [a for i, a in enumerate(self.package.associations)
                   if i not in self.used_links and not (a.kind == "isChildOf" and a.origin in tree.nodes
                                                       and a not in tree.extra_parents)]
        if skipped:
            kinds = Counter(a.kind for a in skipped)
            first = skipped[0]
            out.append(Diagnostic(path, first.line, first.col,
                                  f"{len(skipped)} association(s) not kept: "
                                  + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())),
                                  level="warning", code="case-not-kept",
                                  hint="jdgen keeps the isChildOf hierarchy and links to the KSF, ESC, NOS and "
                                       "bundled items it knows (see docs/case.md)"))
        if self.renamed:
            old, new = self.renamed[0]
            out.append(Diagnostic(path, 0, 0, f"{len(self.renamed)} item code(s) replaced by jdgen ids "
                                  f"(the first: '{old}' is now {new})", level="warning", code="case-not-kept",
                                  hint="jdgen numbers items after their cluster's code; the cluster keeps "
                                       "the package's code as its label where it has letters"))
        if self.dropped_sub_links:
            out.append(Diagnostic(path, 0, 0, f"{self.dropped_sub_links} link(s) of sub-items not kept "
                                  "(jdgen links items, not sub-items)", level="warning", code="case-not-kept"))
        return out


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _framework_kind(package: Package) -> str:
    for value in (package.document.extension.get("kind"), package.document.framework_type):
        if value in ("duties", "competences"):
            return str(value)
    return "duties"


def _links_by_origin(package: Package, library: Library,
                     framework: str) -> dict[str, list[tuple[int, str, str, int | None]]]:
    """Links jdgen wrote (their extension names framework, target and level) to entries and items
    of bundled frameworks, by origin node; anything else is not a link jdgen can keep."""
    found: dict[str, list[tuple[int, str, str, int | None]]] = {}
    for index, a in enumerate(package.associations):
        target_fw, target, level = (a.extension.get(k) for k in ("framework", "target", "level"))
        fw = library.frameworks.get(target_fw) if isinstance(target_fw, str) else None
        if fw is None or fw.origin != "bundled" or fw.id == framework or not isinstance(target, str):
            continue
        if fw.is_reference:
            entry = library.entry(fw.id, target)
            levelled = any(e.levels for e in fw.entries)
            if entry is None or (levelled and level not in [lv.level for lv in entry.levels]):
                continue
            found.setdefault(a.origin, []).append((index, fw.id, target, level if levelled else None))
        elif library.item(fw.id, target) is not None:
            found.setdefault(a.origin, []).append((index, fw.id, target, None))
    return found


def _cluster_code(node: Node, taken: set[str]) -> tuple[str, str | None]:
    """A free cluster code for `node`, and the label to show instead (the package's code) if any."""
    ext_code, ext_label = node.extension.get("code"), node.extension.get("label")
    label: str | None = None
    if isinstance(ext_code, str) and re.fullmatch(r"[A-Z]{1,12}", ext_code):
        code = ext_code
        label = ext_label if isinstance(ext_label, str) and ext_label.strip() else None
    else:
        letters = re.sub(r"[^A-Za-z]", "", node.code).upper()[:12]
        if letters:
            code, label = letters, (node.code if node.code != letters else None)
        else:
            words = [w for w in re.findall(r"[A-Za-z]+", node.statement) if w.lower() not in _SMALL_WORDS]
            code = "".join(w[0] for w in words[:4]).upper() or "C"
            label = node.code or None
    base, n = code, 0
    while code in taken:
        n += 1
        code = base + _letters(n)
    taken.add(code)
    return code, label


def _letters(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA: a suffix that keeps a code capital letters only."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("A") + r) + out
    return out


def _provenance(value: Any) -> dict[str, Any] | None:
    """jdgen's own provenance from the package's extension, when it is complete and well formed."""
    if not isinstance(value, Mapping):
        return None
    prov = {k: value.get(k) for k in ("source", "publisher", "authored")}
    if not all(isinstance(v, str) and v.strip() for v in prov.values()):
        return None
    year = value.get("year")
    if year is not None and not (isinstance(year, int) and not isinstance(year, bool) and 1900 <= year <= 2100):
        return None
    out: dict[str, Any] = {**prov, "year": year}
    for key in ("notes", "url"):
        if isinstance(value.get(key), str) and value[key].strip():
            out[key] = value[key]
    return out


def _yaml(data: dict[str, Any], comment: str) -> str:
    return comment + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def existing_targets(plan: ImportPlan, root: Path) -> list[Path]:
    """Files or folders of the workspace that the import would replace."""
    header = root / "frameworks" / f"{plan.framework}.yaml"
    folder = root / "clusters" / plan.framework
    return [p for p in (header, folder) if p.exists() or p.is_symlink()]


def check_plan(plan: ImportPlan) -> list[Diagnostic]:
    """Load the planned files as a workspace of their own: the errors jdgen would report for them
    (none, unless the import has a fault), named by the paths they will have."""
    from ..library import check_library, discover

    with tempfile.TemporaryDirectory(prefix="jdgen-case-") as tmp:
        for f in plan.files:
            target = Path(tmp, f.relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f.text, encoding="utf-8")
        _, problems = check_library(discover(Path(tmp)))
        return [Diagnostic(d.path.replace(tmp + os.sep, ""), d.line, d.col, d.message, d.level, d.hint,
                           "internal-error") for d in problems if d.level == "error"]


def write_plan(plan: ImportPlan, root: Path) -> list[Path]:
    """Write the planned files into the workspace at `root`, never replacing a file: the cluster
    folder is filled under a temporary name and renamed into place, then the header is written
    (atomically); if the header cannot be written the cluster folder is removed again."""
    from ..output import OutputError, prepare_folder, reason, write_atomic

    in_the_way = existing_targets(plan, root)
    if in_the_way:
        raise JdgenError([Diagnostic(display_path(p), 0, 0, f"refused: {display_path(p)} already exists; "
                                     "jdgen case import never replaces files",
                                     hint="choose another id with --id, or remove it first", code="import-exists")
                          for p in in_the_way])
    clusters_root = prepare_folder(root / "clusters")
    final = clusters_root / plan.framework
    stage = Path(tempfile.mkdtemp(prefix=f".{plan.framework}.", suffix=".tmp", dir=clusters_root))
    written: list[Path] = []
    try:
        for f in plan.files[1:]:
            write_atomic(stage / Path(f.relative).name, f.text)
            written.append(final / Path(f.relative).name)
        os.chmod(stage, 0o755)
        os.rename(stage, final)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise OutputError(f"cannot write {display_path(final)}: {reason(exc)}") from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    header = root / plan.files[0].relative
    try:
        write_atomic(header, plan.files[0].text)
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        raise
    return [header, *written]
