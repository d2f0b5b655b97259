"""Comparison and coverage → HTML heatmaps (template context built here; layout in templates)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import numpy as np
from markupsafe import Markup

from ..compare import Coverage, Matrices, PairReport
from ..workspace import Workspace
from .tables import heat
from .templating import page_context, render


def _cells(values: Any, top: float, fmt: str) -> list[dict[str, str]]:
    cells = []
    for v in values:
        value = float(v)
        text = ("–" if not value else fmt.format(value)) if fmt != "{:.2f}" else fmt.format(value)
        cells.append({"text": text, **heat(value, top)})
    return cells


#: Above this many posts the page carries the matrices as one data block drawn in pages by a
#: small inline script, instead of every cell as HTML (1,000 posts were a 70 MB page).
LARGE = 50
#: Rows (and columns) of a page of the large page's tables.
PAGE = 50
#: Values in the data block are integers: similarity and coverage × SCALE (4 decimals, as in JSON).
SCALE = 10_000


def _ints(values: np.ndarray, scale: int) -> list[int]:
    flat: list[int] = np.rint(values.astype(np.float64) * scale).astype(np.int64).ravel().tolist()
    return flat


def large_data(m: Matrices) -> dict[str, Any]:
    """The compact data block of a large comparison: names, row-major integer matrices, each post's
    framework ids as indices into one id table, and the heat palette (colours from `heat`, so the
    text on every cell meets the contrast the server-rendered tables meet)."""
    id_index: dict[str, int] = {}
    items = [[id_index.setdefault(i, len(id_index)) for i in ids] for ids in m.ids]
    cluster_index = {f"{c['framework']}:{c['label']}": k for k, c in enumerate(m.clusters)}
    return {
        "posts": m.posts, "titles": m.titles, "labels": m.labels or m.posts, "scale": SCALE, "page": PAGE,
        "similarity": _ints(m.similarity, SCALE),
        "clusters": [c["label"] for c in m.clusters], "cluster_titles": [c["title"] for c in m.clusters],
        "coverage": _ints(m.coverage, SCALE),
        "dimensions": [d["id"] for d in m.dimensions], "dimension_titles": [d["title"] for d in m.dimensions],
        "ksf": [int(v) for v in m.ksf.ravel()],
        "ids": [m.id_label.get(i, i) for i in id_index],
        "id_cluster": [cluster_index.get(m.id_cluster.get(i, ""), -1) for i in id_index],
        "items": items,
        "palette": [[h["bg"], h["fg"]] for h in (heat(k / 100) for k in range(101))],
    }


def script_json(data: Any) -> Markup:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' left to end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _nearest(m: Matrices) -> list[dict[str, Any]]:
    """Nearest neighbours with the posts' labels (job titles) in place of their file names."""
    return [{**n, "post": m.label_of(n["post"]), "nearest": m.label_of(n["nearest"]) or None} for n in m.nearest]


def _near_duplicates(m: Matrices) -> list[dict[str, Any]]:
    return [{**d, "a": m.label_of(d["a"]), "b": m.label_of(d["b"])} for d in m.near_duplicates]


def _large_html(m: Matrices, workspace: Workspace) -> str:
    views = [
        {"id": "similarity", "heading": "Pairwise similarity", "low": "0", "high": "1", "columns": True, "note": ""},
        {"id": "coverage", "heading": "Cluster coverage", "low": "0%", "high": "100%",
         "columns": len(m.clusters) > PAGE,
         "note": "Share of each cluster's items that the post takes."},
        {"id": "ksf", "heading": "KSF levels", "low": "–", "high": "level 4", "columns": len(m.dimensions) > PAGE,
         "note": ""},
    ]
    context = {**page_context(workspace.settings, f"Comparison of {len(m.posts)} posts", "Role comparison"),
               "large": True, "pair": None, "page": PAGE, "views": views, "posts": m.posts,
               "nearest": _nearest(m), "near_duplicates": _near_duplicates(m), "data": script_json(large_data(m))}
    return render(workspace.root, "compare.html.j2", context)


def compare_html(m: Matrices, report: PairReport | None, workspace: Workspace) -> str:
    if report is None and len(m.posts) > LARGE:
        return _large_html(m, workspace)
    pair = None
    if report is not None:
        pair = asdict(report)
        pair["clusters"] = [{**r, "heat": heat(r["similarity"])} for r in report.by_cluster]
        pair["labels"] = report.labels if all(report.labels) else report.names
    title = (f"Comparison: {pair['labels'][0]} and {pair['labels'][1]}" if pair
             else f"Comparison of {len(m.posts)} posts")
    labels = m.labels or m.posts
    context = {
        **page_context(workspace.settings, title, "Role comparison"), "large": False,
        "posts": [{"name": n, "title": t, "label": x} for n, t, x in zip(m.posts, m.titles, labels, strict=True)],
        "similarity": [{"name": n, "title": t, "label": x, "cells": _cells(row, 1.0, "{:.2f}")}
                       for n, t, x, row in zip(m.posts, m.titles, labels, m.similarity, strict=True)],
        "clusters": m.clusters,
        "coverage": [{"name": n, "label": x, "cells": _cells(row, 1.0, "{:.0%}")}
                     for n, x, row in zip(m.posts, labels, m.coverage, strict=True)],
        "dimensions": m.dimensions,
        "ksf": [{"name": n, "label": x, "cells": _cells(row, 4.0, "{:.0f}")}
                for n, x, row in zip(m.posts, labels, m.ksf, strict=True)],
        "nearest": _nearest(m), "near_duplicates": _near_duplicates(m), "pair": pair,
    }
    return render(workspace.root, "compare.html.j2", context)


def coverage_html(c: Coverage, workspace: Workspace) -> str:
    context = {**page_context(workspace.settings, f"Coverage of {c.framework}", "Framework coverage"),
               "framework": c.framework, "posts": c.posts,
               "items": c.items, "uncovered": c.uncovered, "total": len(c.items),
               "covered": len(c.items) - len(c.uncovered)}
    return render(workspace.root, "coverage.html.j2", context)
