"""Comparison and coverage as terminal tables, CSV, XLSX (openpyxl) and heatmap HTML data."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..compare import Coverage, Matrices, PairReport
from ..texttable import table
from .cells import row as safe_row
from .colour import text_on

#: Heatmap: white (0) → NHS blue (1).
LOW, HIGH = (255, 255, 255), (0, 94, 184)


def heat(value: float, top: float = 1.0) -> dict[str, str]:
    """Background and text colour for a cell of a heatmap, value in 0..top."""
    share = 0.0 if top <= 0 else max(0.0, min(1.0, value / top))
    rgb = tuple(round(lo + (hi - lo) * share) for lo, hi in zip(LOW, HIGH, strict=True))
    bg = "#{:02x}{:02x}{:02x}".format(*rgb)
    return {"bg": bg, "fg": text_on(bg)}


def _pair_labels(report: PairReport) -> tuple[str, str]:
    """The two posts' labels (job titles); file names for a report made without them."""
    return report.labels if all(report.labels) else report.names


def pair_text(report: PairReport) -> str:
    a, b = _pair_labels(report)
    out = [f"Comparison: {a}  vs  {b}", f"Similarity (Jaccard over framework items): {report.similarity:.2f}", ""]
    out.append(table([[t["label"], t["a"], t["b"]] for t in report.terms], ["", a, b], wrap_last=False))
    out += ["", "Duties and competences by cluster"]
    rows = [[f"{r['code']} {r['title']}", f"{r['similarity']:.2f}", " ".join(r["shared"]) or "-",
             " ".join(r["only_a"]) or "-", " ".join(r["only_b"]) or "-"] for r in report.by_cluster]
    out.append(table(rows, ["cluster", "sim", "shared", f"only {a}", f"only {b}"], wrap_last=False))
    if any(report.local.values()):
        out += ["", "Local duties (compared by text; not in the score)"]
        for key, label in (("shared", "both"), ("only_a", f"only {a}"), ("only_b", f"only {b}")):
            out += [f"  [{label}] {text}" for text in report.local[key]]
    out += ["", "KSF outline"]
    out.append(table([[f"{k['dimension']} {k['title']}", str(k["a"] or "-"), str(k["b"] or "-"),
                       f"{k['difference']:+d}" if k["difference"] else "0"] for k in report.ksf],
                     ["dimension", a, b, "difference"], wrap_last=False))
    out += ["", "Supervision"]
    for name, label in zip(report.names, (a, b), strict=True):
        out.append(f"  {label}:")
        out += [f"    - {line}" for line in report.supervision[name]]
    return "\n".join(out)


def matrices_text(m: Matrices) -> str:
    """Posts are rows, labelled by number and job title; the similarity matrix's columns by number."""
    names = [f"{i}  {label}" for i, label in enumerate(m.labels or m.posts, start=1)]
    numbers = [str(i) for i in range(1, len(m.posts) + 1)]
    out = ["Pairwise similarity (Jaccard over framework items)"]
    out.append(table([[names[i], *(f"{v:.2f}" for v in row)] for i, row in enumerate(m.similarity)],
                     ["post", *numbers], wrap_last=False))
    out += ["", "Nearest neighbour"]
    out.append(table([[m.label_of(n["post"]), m.label_of(n["nearest"]) or "(none in common)",
                       f"{n['similarity']:.2f}"] for n in m.nearest],
                     ["post", "nearest", "similarity"], wrap_last=False))
    if m.near_duplicates:
        out += ["", "Near-duplicates (similarity ≥ 0.9): " +
                "; ".join(f"{m.label_of(d['a'])} ~ {m.label_of(d['b'])} ({d['similarity']:.2f})"
                          for d in m.near_duplicates)]
    labels = [c["label"] if c["framework"] == m.clusters[0]["framework"] else f"{c['framework']}:{c['label']}"
              for c in m.clusters] if m.clusters else []
    out += ["", "Cluster coverage (share of each cluster's items)"]
    out.append(table([[names[i], *(f"{v:.0%}" if v else "." for v in row)] for i, row in enumerate(m.coverage)],
                     ["post", *labels], wrap_last=False))
    out += ["", "KSF levels"]
    out.append(table([[names[i], *(str(v) if v else "." for v in row)] for i, row in enumerate(m.ksf)],
                     ["post", *(d["id"] for d in m.dimensions)], wrap_last=False))
    return "\n".join(out)


def _csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(safe_row(r) for r in rows)
    return buffer.getvalue()


def pair_csv(report: PairReport) -> str:
    a, b = _pair_labels(report)
    rows: list[list[Any]] = [["cluster", "id", a, b]]
    for r in report.by_cluster:
        rows += [[r["code"], i, 1, 1] for i in r["shared"]]
        rows += [[r["code"], i, 1, 0] for i in r["only_a"]]
        rows += [[r["code"], i, 0, 1] for i in r["only_b"]]
    return _csv(rows)


def matrices_csv(m: Matrices) -> str:
    labels = m.labels or m.posts
    return _csv([["post", *labels], *([p, *(f"{v:.4f}" for v in row)] for p, row in zip(labels, m.similarity,
                                                                                          strict=True))])


def coverage_text(c: Coverage) -> str:
    rows = [[i["id"], i["cluster"], ", ".join(i["covered_by"]) or "NOT COVERED", i["text"]] for i in c.items]
    head = f"Coverage of {c.framework} by {len(c.posts)} post(s): {len(c.items) - len(c.uncovered)} of " \
           f"{len(c.items)} items covered; not covered: {', '.join(c.uncovered) or 'none'}"
    return head + "\n\n" + table(rows, ["id", "cluster", "covered by", "text"])


def coverage_csv(c: Coverage) -> str:
    rows: list[list[Any]] = [["id", "cluster", *c.posts, "covered"]]
    rows += [[i["id"], i["cluster"], *(1 if p in i["covered_by"] else 0 for p in c.posts), len(i["covered_by"])]
             for i in c.items]
    return _csv(rows)


def _sheet(wb: Any, title: str, header: list[str], rows: list[list[Any]], scale: tuple[float, float] | None,
           number_format: str = "0.00") -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(safe_row(header))
    for row in rows:
        ws.append(safe_row(row))
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="005EB8")
    for row in ws.iter_rows(min_row=2, max_col=1):
        row[0].font = Font(bold=True)
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = max(12, min(40, max((len(str(r[0])) for r in rows), default=10) + 2))
    for col in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(col)].width = max(8, min(30, len(str(header[col - 1])) + 2))
    if rows and scale is not None and len(header) > 1:
        # Each cell is filled like the HTML heatmap, with the text colour that reads on it (a
        # conditional colour scale cannot change the text colour: black on NHS blue is 3.1:1).
        for r in ws.iter_rows(min_row=2, min_col=2):
            for cell in r:
                if isinstance(cell.value, int | float):
                    colours = heat(float(cell.value) - scale[0], scale[1] - scale[0])
                    cell.fill = PatternFill("solid", fgColor=colours["bg"].lstrip("#").upper())
                    cell.font = Font(color=colours["fg"].lstrip("#").upper())
                    cell.number_format = number_format


def compare_xlsx(m: Matrices, report: PairReport | None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    labels = m.labels or m.posts
    _sheet(wb, "Similarity", ["post", *labels],
           [[p, *(round(float(v), 4) for v in row)] for p, row in zip(labels, m.similarity, strict=True)], (0, 1))
    _sheet(wb, "Cluster coverage", ["post", *(f"{c['framework']}:{c['label']}" for c in m.clusters)],
           [[p, *(round(float(v), 4) for v in row)] for p, row in zip(labels, m.coverage, strict=True)], (0, 1),
           "0%")
    _sheet(wb, "KSF levels", ["post", *(d["id"] for d in m.dimensions)],
           [[p, *(int(v) for v in row)] for p, row in zip(labels, m.ksf, strict=True)], (0, 4), "0")
    _sheet(wb, "Nearest", ["post", "nearest", "similarity"],
           [[m.label_of(n["post"]), m.label_of(n["nearest"]), n["similarity"]] for n in m.nearest], None)
    if report is not None:
        a, b = _pair_labels(report)
        rows = [[f"{r['code']} {r['title']}", r["similarity"], " ".join(r["shared"]), " ".join(r["only_a"]),
                 " ".join(r["only_b"])] for r in report.by_cluster]
        _sheet(wb, "Side by side", ["cluster", "similarity", "shared", f"only {a}", f"only {b}"], rows, None)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def coverage_xlsx(c: Coverage) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Coverage", ["id", "cluster", *c.posts, "posts covering"],
           [[i["id"], i["cluster"], *(1 if p in i["covered_by"] else 0 for p in c.posts), len(i["covered_by"])]
            for i in c.items], (0, 1), "0")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
