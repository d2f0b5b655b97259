"""Self-assessment checklists and training needs analysis.

A checklist lists a post's duties and competences with the rating scale below. Filled-in
checklists (CSV or XLSX, one per person or one file for many) are read strictly: every problem is
reported with file, sheet and row, all together, before any analysis."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Collector, display_path
from .posts import ResolvedPost
from .render.cells import restore
from .render.cells import row as safe_row
from .suggest import suggest
from .yamlio import character_problem, line_breaks

SCALE = {0: "Not yet", 1: "With support", 2: "Independently", 3: "Can teach others"}
COLUMNS = ("person", "item", "rating", "comment", "statement")
REQUIRED_COLUMNS = ("person", "item", "rating")
SHEET = "Checklist"


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    cluster: str
    cluster_title: str
    text: str


def standalone(text: str) -> str:
    """A statement that introduces sub-items ('…, by:') made to stand alone ('….')."""
    stripped = re.sub(r",?\s*by:\s*$|:\s*$", "", text.strip())
    return stripped if stripped.endswith((".", "?", "!")) else stripped + "."


def checklist_items(post: ResolvedPost) -> list[ChecklistItem]:
    """The post's duties (framework and local) and competences, in document order."""
    items = [ChecklistItem(d.id, d.cluster, d.cluster_title, standalone(d.text)) for d in post.duties]
    items += [ChecklistItem(c.id, f"{c.framework}:{c.domain}", c.domain_title, standalone(c.text))
              for c in post.competences]
    return items


def checklist_csv(post: ResolvedPost) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in checklist_items(post):
        writer.writerow(safe_row(["", item.id, "", "", item.text]))
    return buffer.getvalue()


def checklist_xlsx(post: ResolvedPost) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="005EB8")
    items = checklist_items(post)
    for item in items:
        ws.append(safe_row(["", item.id, None, "", item.text]))
    rating = DataValidation(type="whole", operator="between", formula1="0", formula2="3", allow_blank=True,
                            showErrorMessage=True, showInputMessage=True,
                            error="Rate 0 (not yet) to 3 (can teach others)",
                            promptTitle="Rating", prompt="; ".join(f"{k} {v.lower()}" for k, v in SCALE.items()))
    ws.add_data_validation(rating)
    rating.add("C2:C10000")  # beyond the template rows, for the rows of more people
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDE", (22, 10, 8, 30, 90), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    scale = wb.create_sheet("Scale")
    scale.append(["rating", "meaning"])
    for k, v in SCALE.items():
        scale.append([k, v])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass(slots=True)
class Rating:
    person: str
    item: str
    rating: int
    comment: str
    source: str = field(compare=False, default="")
    row: int = field(compare=False, default=0)


#: A rating as typed: ASCII digits only (a sign only so that -1 is reported as out of range).
_ASCII_WHOLE = re.compile(r"-?[0-9]+")
CSV_UTF8_HINT = 'save it from your spreadsheet as "CSV UTF-8 (Comma delimited) (*.csv)"'


def _rows_csv(path: Path, out: Collector) -> Iterator[tuple[str, int, list[str]]]:
    shown = display_path(path)
    raw = _read(path, out)
    if raw is None:
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        out.add(shown, line, 0, "not UTF-8 text", hint=CSV_UTF8_HINT, code="encoding")
        return
    reader = csv.reader(io.StringIO(text))
    number = 0
    while True:
        try:
            row = next(reader, None)
        except csv.Error as exc:
            why = str(exc)
            if "field larger than field limit" in why:
                why = f"a cell is longer than {csv.field_size_limit():,} characters"
            out.add(shown, reader.line_num, 0, f"cannot read row {number + 1}: {why}", code="read-error")
            return
        if row is None:
            return
        number += 1
        yield shown, number, row


def _rows_xlsx(path: Path, out: Collector) -> Iterator[tuple[str, int, list[str]]]:
    from openpyxl import load_workbook

    shown = display_path(path)
    raw = _read(path, out)
    if raw is None:
        return
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or non-xlsx file
        out.add(shown, 0, 0, f"cannot read workbook: {exc}", code="read-error")
        return
    try:
        if SHEET not in wb.sheetnames:
            out.add(shown, 0, 0, f"no sheet named '{SHEET}' (sheets: {', '.join(wb.sheetnames)})",
                    hint=suggest(SHEET, wb.sheetnames) or "use the template from `jdgen checklist -f xlsx`",
                        code="assessment-sheet")
            return
        where = f"{shown}[{SHEET}]"
        sheet = wb[SHEET]
        # A read-only sheet stops at the size its stored <dimension> claims, and a program that
        # wrote the file may have got that wrong: forget it, so every row there is gets read.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:  # read-only workbooks parse the sheet as it is read: damage shows up here
                values = next(rows, None)
            except Exception as exc:  # a truncated sheet (ParseError), a CRC error (BadZipFile), …
                out.add(where, number + 1, 0, f"cannot read the workbook after row {number}: it is damaged "
                        f"({type(exc).__name__})", hint="open it in your spreadsheet and save it again",
                        code="read-error")
                return
            if values is None:
                return
            number += 1
            yield where, number, ["" if v is None else _cell_text(v) for v in values]
    finally:
        with contextlib.suppress(Exception):  # closing a damaged archive can fail too
            wb.close()


def _read(path: Path, out: Collector) -> bytes | None:
    """The file's bytes, or None (and a diagnostic) for a pipe, a device, a folder or a file too large."""
    from .inputfile import UnreadableFile, read_regular

    try:
        return read_regular(path)
    except UnreadableFile as exc:
        out.add(display_path(path), 0, 0, exc.message, code=exc.code)
        return None


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_assessments(paths: list[Path], known: list[str], out: Collector,
                     present: list[Rating] | None = None) -> list[Rating]:
    """Every rating in the files; problems go to `out` (with file, sheet and row). `present`, when
    given, receives every row of a person and a known item, in file order, those with a wrong
    rating too (as rating -1): check_complete on it reports the missing rows and not those."""
    files = []
    for p in paths:
        files += sorted(f for f in p.iterdir() if f.suffix.lower() in (".csv", ".xlsx")) if p.is_dir() else [p]
    if not files:
        out.add(", ".join(display_path(p) for p in paths), 0, 0, "no .csv or .xlsx assessment files found",
            code="no-assessments")
    ratings: list[Rating] = []
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    known_set = set(known)
    for f in files:
        rows = _rows_xlsx(f, out) if f.suffix.lower() == ".xlsx" else _rows_csv(f, out)
        header: dict[str, int] | None = None
        empty = True
        all_rows = list(rows)
        if _blank_template(all_rows, f, out):
            continue
        for where, number, row in all_rows:
            empty = False
            if header is None:
                header = _header(where, row, out)
                if header is None:
                    break
                continue
            if not "".join(row).strip():
                continue
            if _control_chars(where, number, row, out):
                continue
            cells = {name: (line_breaks(restore(row[i].strip())) if i < len(row) else "")
                     for name, i in header.items()}
            rating = _rating(where, number, header, cells, known_set, known, out)
            if present is not None and cells["person"] and cells["item"] in known_set:
                present.append(rating or Rating(cells["person"], cells["item"], -1, "", where, number))
            if rating is None:
                continue
            key = (rating.person, rating.item)
            if key in seen:
                first_file, first_row = seen[key]
                out.add(where, number, header["item"] + 1,
                        f"{rating.person} rates {rating.item} twice (also at {first_file}:{first_row})",
                            code="assessment-duplicate")
                continue
            seen[key] = (where, number)
            ratings.append(rating)
        if empty and not any(d.path.startswith(display_path(f)) for d in out.items):
            out.add(display_path(f), 0, 0, "the file is empty: expected a header row person,item,rating,comment",
                code="empty-file")
    return ratings


def _blank_template(rows: list[tuple[str, int, list[str]]], path: Path, out: Collector) -> bool:
    """True (and one message) for a checklist template nobody has filled in: no person, no rating."""
    if len(rows) < 2:
        return False
    names = [c.strip().lower() for c in rows[0][2]]
    if "person" not in names or "rating" not in names:
        return False
    person, rating = names.index("person"), names.index("rating")
    data = [r for _, _, r in rows[1:] if "".join(r).strip()]
    filled = [r for r in data if any(i < len(r) and r[i].strip() for i in (person, rating))]
    if data and not filled:
        out.add(rows[0][0], 0, 0, f"no ratings: the checklist's {len(data)} rows have no person and no rating",
                hint="fill in the person and rating columns (0 to 3) for each item", code="assessment-row")
        return True
    return False


def _control_chars(where: str, number: int, row: list[str], out: Collector) -> bool:
    """True (and a diagnostic at its cell) when a cell holds a character no document can hold."""
    for i, cell in enumerate(row):
        problem = character_problem(cell, "a cell", "cells")
        if problem is not None:
            _, message, hint, code = problem
            out.add(where, number, i + 1, message, hint=hint, code=code)
            return True
    return False


def _header(where: str, row: list[str], out: Collector) -> dict[str, int] | None:
    names = [c.strip().lower() for c in row]
    if len([n for n in names if n]) == 1 and ";" in names[0] and "person" in names[0]:
        out.add(where, 1, 1, "the columns are separated by semicolons, not commas",
                hint=CSV_UTF8_HINT + ", or use the XLSX template", code="assessment-header")
        return None
    problems = False
    for i, name in enumerate(names):
        if name and name not in COLUMNS:
            out.add(where, 1, i + 1, f"unknown column '{row[i]}'",
                    hint=suggest(name, COLUMNS) or f"columns: {', '.join(COLUMNS)}", code="assessment-header")
            problems = True
        elif name and names.index(name) < i:  # a second column of the same name: which one counts?
            out.add(where, 1, i + 1, f"column '{row[i].strip()}' appears twice (also column {names.index(name) + 1})",
                    hint="keep one column of each name", code="assessment-header")
            problems = True
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        out.add(where, 1, 1, f"missing column(s): {', '.join(missing)}",
                hint="the header row must be: person,item,rating,comment (from `jdgen checklist`)",
                    code="assessment-header")
        problems = True
    return None if problems else {name: names.index(name) for name in COLUMNS if name in names}


def _rating(where: str, number: int, header: dict[str, int], cells: dict[str, str], known_set: set[str],
            known: list[str], out: Collector) -> Rating | None:
    person, item, raw = cells["person"], cells["item"], cells["rating"]
    ok = True
    if not person:
        out.add(where, number, header["person"] + 1, "missing person", code="assessment-row")
        ok = False
    if item not in known_set:
        out.add(where, number, header["item"] + 1, f"unknown item '{item}' for this post" if item else "missing item",
                hint=suggest(item, known) if item else "", code="assessment-row")
        ok = False
    value = None
    if _ASCII_WHOLE.fullmatch(raw):  # int() alone would take '٣', '３', '+2' and '0_3' too
        value = int(raw)
        if value not in SCALE:
            out.add(where, number, header["rating"] + 1, f"rating {value} is out of range (0 to 3)",
                code="assessment-rating")
            ok = False
    else:
        message = "missing rating" if not raw else f"rating '{raw}' is not a whole number 0 to 3"
        hint = "0 not yet, 1 with support, 2 independently, 3 can teach others"
        if raw and any(c.isdigit() and not c.isascii() for c in raw):
            message = f"rating '{raw}' is not written with the digits 0 to 3"
            hint = "type the rating with the digits 0, 1, 2 or 3 (" + hint + ")"
        out.add(where, number, header["rating"] + 1, message, hint=hint, code="assessment-rating")
        ok = False
    if not ok or value is None:
        return None
    return Rating(person, item, value, cells.get("comment", ""), where, number)


@dataclass(frozen=True)
class GapReport:
    post: str
    required_level: int
    people: list[dict[str, Any]]
    below: list[dict[str, Any]]  # every rating below the level: person, item, rating, comment
    team: list[dict[str, Any]]
    modules: list[dict[str, Any]]
    by_cluster: list[dict[str, Any]]


def check_complete(ratings: list[Rating], known: list[str], out: Collector) -> None:
    """Every person must rate every item of the post."""
    by_person: dict[str, set[str]] = {}
    first: dict[str, Rating] = {}
    for r in ratings:
        by_person.setdefault(r.person, set()).add(r.item)
        first.setdefault(r.person, r)
    for person, items in by_person.items():
        missing = [i for i in known if i not in items]
        if missing:
            where = first[person]
            shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
            out.add(where.source, where.row, 1, f"{person} has no rating for {len(missing)} item(s): {shown}",
                code="assessment-missing")


def gap_analysis(post: ResolvedPost, ratings: list[Rating], module_of: dict[str, tuple[str, str]]) -> GapReport:
    """Items each person rates below the post's required level; team ranking; modules to close gaps."""
    items = {i.id: i for i in checklist_items(post)}
    order = {ident: n for n, ident in enumerate(items)}
    level = post.required_level
    people: dict[str, list[str]] = {}
    details: dict[str, list[dict[str, Any]]] = {}
    for r in ratings:
        people.setdefault(r.person, [])
        details.setdefault(r.person, [])
        if r.rating < level:
            people[r.person].append(r.item)
            details[r.person].append({"item": r.item, "rating": r.rating, "comment": r.comment})
    for person, gaps in people.items():
        gaps.sort(key=lambda i: order[i])
        details[person].sort(key=lambda d: order[d["item"]])
    counts: dict[str, list[str]] = {}
    for person, gaps in people.items():
        for g in gaps:
            counts.setdefault(g, []).append(person)
    ranked = sorted(counts.items(), key=lambda kv: (-len(kv[1]), order[kv[0]]))
    team: list[dict[str, Any]] = [{"item": i, "count": len(who), "cluster": items[i].cluster,
                                   "cluster_title": items[i].cluster_title, "text": items[i].text,
                                   "people": sorted(who)} for i, who in ranked]
    modules: dict[str, dict[str, Any]] = {}
    for ident in sorted(counts, key=lambda i: order[i]):
        number, title = module_of.get(ident, ("", "Local induction and supervision"))
        entry = modules.setdefault(title, {"module": number, "title": title, "items": [], "people": set()})
        entry["items"].append(ident)
        entry["people"].update(counts[ident])
    module_rows = [{"module": m["module"], "title": m["title"], "items": m["items"], "people": len(m["people"])}
                   for m in sorted(modules.values(), key=lambda m: int(m["module"] or 10**6))]
    clusters: dict[str, dict[str, Any]] = {}
    for row in team:
        group = clusters.setdefault(row["cluster"], {"cluster": row["cluster"], "title": row["cluster_title"],
                                                     "first": order[row["item"]], "items": []})
        group["first"] = min(group["first"], order[row["item"]])
        group["items"].append(row)
    by_cluster = [{"cluster": g["cluster"], "title": g["title"], "items": g["items"]}
                  for g in sorted(clusters.values(), key=lambda g: g["first"])]
    below = [{"person": p, **d} for p in sorted(details) for d in details[p]]
    return GapReport(post.name, level, [{"person": p, "gaps": g} for p, g in sorted(people.items())], below, team,
                     module_rows, by_cluster)


def gap_json(report: GapReport) -> dict[str, Any]:
    return {"post": report.post, "required_level": report.required_level, "people": report.people,
            "below_level": report.below, "team": report.team, "by_cluster": report.by_cluster,
            "modules": report.modules}


def gap_csv(report: GapReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["item", "cluster", "count", "people", "text"])
    for row in report.team:
        writer.writerow(safe_row([row["item"], row["cluster"], row["count"], "; ".join(row["people"]), row["text"]]))
    return buffer.getvalue()
