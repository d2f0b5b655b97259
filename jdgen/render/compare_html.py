"""Comparison and coverage → HTML heatmaps (template context built here; layout in templates)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..compare import Coverage, Matrices, PairReport
from ..config import Settings
from .tables import heat
from .templating import page_context, render


def _cells(values: Any, top: float, fmt: str) -> list[dict[str, str]]:
    cells = []
    for v in values:
        value = float(v)
        text = ("–" if not value else fmt.format(value)) if fmt != "{:.2f}" else fmt.format(value)
        cells.append({"text": text, **heat(value, top)})
    return cells


def compare_html(m: Matrices, report: PairReport | None, settings: Settings, workspace: Path | None) -> str:
    pair = None
    if report is not None:
        pair = asdict(report)
        pair["clusters"] = [{**r, "heat": heat(r["similarity"])} for r in report.by_cluster]
    title = f"Comparison: {report.names[0]} and {report.names[1]}" if report else f"Comparison of {len(m.posts)} posts"
    context = {
        **page_context(settings, title, "Role comparison"),
        "posts": [{"name": n, "title": t} for n, t in zip(m.posts, m.titles, strict=True)],
        "similarity": [{"name": n, "title": t, "cells": _cells(row, 1.0, "{:.2f}")}
                       for n, t, row in zip(m.posts, m.titles, m.similarity, strict=True)],
        "clusters": m.clusters,
        "coverage": [{"name": n, "cells": _cells(row, 1.0, "{:.0%}")} for n, row in zip(m.posts, m.coverage,
                                                                                          strict=True)],
        "dimensions": m.dimensions,
        "ksf": [{"name": n, "cells": _cells(row, 4.0, "{:.0f}")} for n, row in zip(m.posts, m.ksf, strict=True)],
        "nearest": m.nearest, "near_duplicates": m.near_duplicates, "pair": pair,
    }
    return render(workspace, "compare.html.j2", context)


def coverage_html(c: Coverage, settings: Settings, workspace: Path | None) -> str:
    context = {**page_context(settings, f"Coverage of {c.framework}", "Framework coverage"),
               "framework": c.framework, "posts": c.posts,
               "items": c.items, "uncovered": c.uncovered, "total": len(c.items),
               "covered": len(c.items) - len(c.uncovered)}
    return render(workspace, "coverage.html.j2", context)
