"""Role comparison: two posts side by side, and similarity, coverage and KSF matrices for many.

Pure functions over resolved posts. Matrices use NumPy so that 1,000 posts take well under a
second and memory grows with the similarity matrix itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .model import Library
from .posts import ResolvedPost
from .supervision import arrangement_frequency, duration_text, format_text

NEAR_DUPLICATE = 0.9


def jaccard(a: set[str], b: set[str]) -> float:
    """|A ∩ B| / |A ∪ B|; 0.0 when neither post has framework items (nothing shows they are alike)."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


@dataclass(frozen=True)
class PairReport:
    """Two posts side by side."""

    names: tuple[str, str]
    terms: list[dict[str, str]]
    shared: list[str]
    only: dict[str, list[str]]
    by_cluster: list[dict[str, Any]]
    local: dict[str, list[str]]
    ksf: list[dict[str, Any]]
    supervision: dict[str, list[str]]
    similarity: float
    cluster_similarity: dict[str, float] = field(default_factory=dict)
    #: how the two posts are shown: job title, with the file name only when the titles are the same
    labels: tuple[str, str] = ("", "")


def post_labels(names: list[str], titles: list[str]) -> list[str]:
    """How a comparison names each post: its job title, followed by its file name only where
    another post of the comparison has the same title (compared without case and spacing)."""
    keys = [" ".join(t.split()).casefold() for t in titles]
    return [title if keys.count(key) == 1 else f"{title} ({name})"
            for name, title, key in zip(names, titles, keys, strict=True)]


def qualified_ids(post: ResolvedPost) -> set[str]:
    """Framework ids of a post, qualified by framework so ids of different frameworks never clash."""
    return {f"{d.framework}:{d.id}" for d in post.duties if d.framework} | {c.id for c in post.competences}


def shown_id(ident: str, duty_frameworks: set[str]) -> str:
    """Ids as a resolved post's JSON shows them: duties plain ('C1'), competences qualified ('ips:ENG1')."""
    fw, _, rest = ident.partition(":")
    return rest if fw in duty_frameworks else ident


def _arrangements(post: ResolvedPost) -> list[str]:
    plan = post.supervision
    return [f"{a.title or a.type}: {arrangement_frequency(a)}, {duration_text(a)}, {format_text(a)}"
            for a in (*plan.arrangements, *plan.all_staff)]


def compare_pair(a: ResolvedPost, b: ResolvedPost, library: Library) -> PairReport:
    """Shared and unique duties and competences, KSF levels, supervision and similarity."""
    ids_a, ids_b = qualified_ids(a), qualified_ids(b)
    duty_fws = {p.duty_framework for p in (a, b) if p.duty_framework}
    order = _framework_order(library)
    shared = sorted(ids_a & ids_b, key=lambda i: order.get(i, 1 << 30))
    only_a = sorted(ids_a - ids_b, key=lambda i: order.get(i, 1 << 30))
    only_b = sorted(ids_b - ids_a, key=lambda i: order.get(i, 1 << 30))
    clusters: dict[str, dict[str, Any]] = {}
    for ident in sorted(ids_a | ids_b, key=lambda i: order.get(i, 1 << 30)):
        fw, _, item_id = ident.partition(":")
        item = library.item(fw, item_id)
        code = item.cluster if item else "?"
        cluster = library.cluster(fw, code)
        key = shown_id(f"{fw}:{cluster.shown_code if cluster else code}", duty_fws)
        row = clusters.setdefault(key, {"framework": fw, "code": cluster.shown_code if cluster else code,
                                        "title": cluster.title if cluster else code,
                                        "shared": [], "only_a": [], "only_b": []})
        bucket = "shared" if ident in ids_a and ident in ids_b else ("only_a" if ident in ids_a else "only_b")
        row[bucket].append(shown_id(ident, duty_fws))
    per_cluster = {}
    for key, row in clusters.items():
        total = len(row["shared"]) + len(row["only_a"]) + len(row["only_b"])
        row["similarity"] = round(len(row["shared"]) / total, 4) if total else 0.0
        per_cluster[key] = row["similarity"]
    local_a = {" ".join(d.text.split()).casefold(): d.text for d in a.duties if not d.framework}
    local_b = {" ".join(d.text.split()).casefold(): d.text for d in b.duties if not d.framework}
    local = {"shared": [local_a[k] for k in local_a if k in local_b],
             "only_a": [local_a[k] for k in local_a if k not in local_b],
             "only_b": [local_b[k] for k in local_b if k not in local_a]}
    levels_a = {r.dimension: r for r in a.ksf_outline}
    levels_b = {r.dimension: r for r in b.ksf_outline}
    ksf = []
    for dim in [e.id for e in library.frameworks["ksf"].entries] if "ksf" in library.frameworks else []:
        ra, rb = levels_a.get(dim), levels_b.get(dim)
        if ra or rb:
            la, lb = (ra.level if ra else 0), (rb.level if rb else 0)
            ksf.append({"dimension": dim, "title": (ra or rb).title if (ra or rb) else dim,  # type: ignore[union-attr]
                        "a": la, "b": lb, "difference": lb - la})
    term_keys = [("Grade", "grade"), ("Salary", "salary"), ("Hours", "hours_text"), ("Contract", "contract"),
                 ("Base", "base"), ("Responsible to", "responsible_to")]
    terms = [{"label": label, "a": str(a.terms.get(k, "")), "b": str(b.terms.get(k, ""))} for label, k in term_keys]
    labels = post_labels([a.name, b.name], [a.terms["title"], b.terms["title"]])
    return PairReport(
        names=(a.name, b.name), terms=terms, shared=[shown_id(i, duty_fws) for i in shared],
        only={a.name: [shown_id(i, duty_fws) for i in only_a], b.name: [shown_id(i, duty_fws) for i in only_b]},
        by_cluster=list(clusters.values()), local=local, ksf=ksf,
        supervision={a.name: _arrangements(a), b.name: _arrangements(b)},
        similarity=round(jaccard(ids_a, ids_b), 4), cluster_similarity=per_cluster,
        labels=(labels[0], labels[1]))


def _framework_order(library: Library) -> dict[str, int]:
    order: dict[str, int] = {}
    for fw in library.frameworks.values():
        for item in fw.all_items():
            order[f"{fw.id}:{item.id}"] = len(order)
    return order


@dataclass(frozen=True)
class Matrices:
    """Every matrix of a comparison of many posts, rows in `order`."""

    posts: list[str]
    similarity: np.ndarray
    clusters: list[dict[str, str]]
    coverage: np.ndarray
    dimensions: list[dict[str, str]]
    ksf: np.ndarray
    nearest: list[dict[str, Any]]
    near_duplicates: list[dict[str, Any]]
    titles: list[str]
    #: each post's qualified framework ids (rows in `order`) and the cluster label of every id, for
    #: the side-by-side that the large HTML page computes on demand
    ids: list[list[str]] = field(default_factory=list)
    id_cluster: dict[str, str] = field(default_factory=dict)
    #: how each id is shown: plain ('C1') where all posts share one duty framework, as in a pair
    id_label: dict[str, str] = field(default_factory=dict)
    #: how each post is shown (rows in `order`): its title, with the file name where titles repeat
    labels: list[str] = field(default_factory=list)

    def label_of(self, name: str | None) -> str:
        """The label of the post with file name `name` ('' for None)."""
        return dict(zip(self.posts, self.labels, strict=True)).get(name, name) if name else ""


def incidence(posts: list[ResolvedPost]) -> tuple[np.ndarray, list[str]]:
    """Posts × ids boolean matrix, and the id of each column."""
    columns: dict[str, int] = {}
    rows = []
    for post in posts:
        row = [columns.setdefault(i, len(columns)) for i in qualified_ids(post)]
        rows.append(row)
    matrix = np.zeros((len(posts), len(columns)), dtype=np.float32)
    for r, cols in enumerate(rows):
        matrix[r, cols] = 1.0
    return matrix, list(columns)


def similarity_matrix(x: np.ndarray) -> np.ndarray:
    """Pairwise Jaccard from a posts × ids 0/1 matrix: |A∩B| / (|A| + |B| − |A∩B|)."""
    inter = x @ x.T
    sizes = np.diag(inter).copy()
    union = sizes[:, None] + sizes[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0).astype(np.float32)
    np.fill_diagonal(sim, 1.0)
    return sim


def similarity_order(sim: np.ndarray) -> list[int]:
    """Leaf order of a single-linkage clustering (via a maximum-similarity spanning tree), so that
    similar posts sit together."""
    n = sim.shape[0]
    if n <= 2:
        return list(range(n))
    in_tree = np.zeros(n, dtype=bool)
    best = np.full(n, -np.inf)
    parent = np.full(n, -1)
    in_tree[0] = True
    best[:] = sim[0]
    parent[:] = 0
    edges = []
    for _ in range(n - 1):
        candidates = np.where(in_tree, -np.inf, best)
        j = int(np.argmax(candidates))
        edges.append((float(best[j]), int(parent[j]), j))
        in_tree[j] = True
        closer = (sim[j] > best) & ~in_tree
        best[closer] = sim[j][closer]
        parent[closer] = j
    # Kruskal-style merge of the tree edges, most similar first, concatenating leaf lists.
    leaves: dict[int, list[int]] = {i: [i] for i in range(n)}
    root = list(range(n))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for _, u, v in sorted(edges, key=lambda e: (-e[0], min(e[1], e[2]))):
        ru, rv = find(u), find(v)
        first, second = (ru, rv) if min(leaves[ru]) < min(leaves[rv]) else (rv, ru)
        leaves[first] = leaves[first] + leaves.pop(second)
        root[second] = first
    return leaves[find(0)]


def nearest_neighbours(sim: np.ndarray, names: list[str]) -> list[dict[str, Any]]:
    """Each post's most similar other post; None when it shares nothing with any (similarity 0)."""
    if len(names) < 2:
        return []
    masked = sim.copy()
    np.fill_diagonal(masked, -1.0)
    best = masked.argmax(axis=1)
    return [{"post": names[i], "nearest": names[int(best[i])] if masked[i, best[i]] > 0 else None,
             "similarity": round(float(masked[i, best[i]]), 4)} for i in range(len(names))]


def near_duplicates(sim: np.ndarray, names: list[str]) -> list[dict[str, Any]]:
    """Pairs whose similarity, to 4 places (as reported), is at least NEAR_DUPLICATE."""
    shown = np.round(sim.astype(np.float64), 4)
    np.fill_diagonal(shown, 0.0)
    rows, cols = np.nonzero(np.triu(shown >= NEAR_DUPLICATE, k=1))
    return [{"a": names[int(i)], "b": names[int(j)], "similarity": float(shown[i, j])}
            for i, j in zip(rows, cols, strict=True)]


def matrices(posts: list[ResolvedPost], library: Library, order: str = "similarity") -> Matrices:
    """Similarity, cluster coverage, KSF levels, nearest neighbours and near-duplicates."""
    x, columns = incidence(posts)
    sim = similarity_matrix(x) if posts else np.zeros((0, 0), dtype=np.float32)
    perm = similarity_order(sim) if order == "similarity" else list(range(len(posts)))
    posts = [posts[i] for i in perm]
    x = x[perm]
    sim = sim[np.ix_(perm, perm)]
    col_index = {c: i for i, c in enumerate(columns)}
    used = sorted({c.partition(":")[0] for c in columns})
    clusters = [{"framework": fw.id, "code": c.code, "label": c.shown_code, "title": c.title}
                for fw in library.frameworks.values() if fw.id in used for c in fw.clusters]
    coverage = np.zeros((len(posts), len(clusters)), dtype=np.float32)
    for k, meta in enumerate(clusters):
        cluster = library.cluster(meta["framework"], meta["code"])
        if cluster is None:
            continue
        cols = [col_index[f"{meta['framework']}:{it.id}"] for it in cluster.items
                if f"{meta['framework']}:{it.id}" in col_index]
        if cols:
            coverage[:, k] = x[:, cols].sum(axis=1) / len(cluster.items)
    ksf_entries = library.frameworks["ksf"].entries if "ksf" in library.frameworks else ()
    dim_ids = [e.id for e in ksf_entries]
    levels = np.zeros((len(posts), len(dim_ids)), dtype=np.int8)
    dim_index = {d: i for i, d in enumerate(dim_ids)}
    for r, post in enumerate(posts):
        for row in post.ksf_outline:
            levels[r, dim_index[row.dimension]] = row.level
    keep = [i for i in range(len(dim_ids)) if levels[:, i].any()]
    dimensions = [{"id": dim_ids[i], "title": ksf_entries[i].title} for i in keep]
    levels = levels[:, keep]
    names = [p.name for p in posts]
    nearest, duplicates = nearest_neighbours(sim, names), near_duplicates(sim, names)
    titles = [p.terms["title"] for p in posts]
    return Matrices(names, sim, clusters, coverage, dimensions, levels, nearest, duplicates, titles,
                    labels=post_labels(names, titles))


def matrices_json(m: Matrices) -> dict[str, Any]:
    return {
        "posts": m.posts,
        "titles": m.titles,
        "similarity": [[round(float(v), 4) for v in row] for row in m.similarity],
        "clusters": [f"{c['framework']}:{c['label']}" for c in m.clusters],
        "coverage": [[round(float(v), 4) for v in row] for row in m.coverage],
        "ksf_dimensions": [d["id"] for d in m.dimensions],
        "ksf_levels": [[int(v) for v in row] for row in m.ksf],
        "nearest": m.nearest,
        "near_duplicates": m.near_duplicates,
    }


def pair_json(report: PairReport, m: Matrices) -> dict[str, Any]:
    """JSON of a two-post comparison: the matrices' keys plus shared / only and the side-by-side."""
    data = matrices_json(m)
    data.update({
        "shared": report.shared,
        "only": report.only,
        "similarity_overall": report.similarity,
        "cluster_similarity": report.cluster_similarity,
        "by_cluster": report.by_cluster,
        "local_duties": report.local,
        "terms": report.terms,
        "ksf": report.ksf,
        "supervision": report.supervision,
    })
    return data


@dataclass(frozen=True)
class Coverage:
    framework: str
    posts: list[str]
    items: list[dict[str, Any]]
    uncovered: list[str]


def coverage(posts: list[ResolvedPost], library: Library, framework: str) -> Coverage:
    """Which items of `framework` each post covers, and which no post covers."""
    fw = library.frameworks[framework]
    covered = {p.name: {i.partition(":")[2] for i in qualified_ids(p) if i.startswith(f"{framework}:")}
               for p in posts}
    items: list[dict[str, Any]] = []
    for cluster in fw.clusters:
        for item in cluster.items:
            by = [name for name, ids in covered.items() if item.id in ids]
            items.append({"id": item.id, "cluster": cluster.shown_code, "cluster_title": cluster.title,
                          "text": item.text, "covered_by": by})
    return Coverage(framework, [p.name for p in posts], items, [i["id"] for i in items if not i["covered_by"]])


def with_ids(m: Matrices, posts: list[ResolvedPost], library: Library) -> Matrices:
    """The matrices with each post's framework ids (in framework order, rows as in `m`) and the
    cluster of every id: what the large HTML page needs for its side-by-side."""
    by_name = {p.name: p for p in posts}
    order = _framework_order(library)
    ids = [sorted(qualified_ids(by_name[name]), key=lambda i: order.get(i, 1 << 30)) for name in m.posts]
    id_cluster = {}
    for meta in m.clusters:
        cluster = library.cluster(meta["framework"], meta["code"])
        for item in cluster.items if cluster else ():
            id_cluster[f"{meta['framework']}:{item.id}"] = f"{meta['framework']}:{meta['label']}"
    duty_fws = {p.duty_framework for p in posts if p.duty_framework}
    plain = duty_fws if len(duty_fws) == 1 else set()
    id_label = {i: shown_id(i, plain) for row in ids for i in row}
    return replace(m, ids=ids, id_cluster=id_cluster, id_label=id_label)
