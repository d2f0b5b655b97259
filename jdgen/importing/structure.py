"""From blocks to an `ImportedDocument`: header fields, the summary, and the duties under the
document's duty headings, each kept under its own heading."""

from __future__ import annotations

import re
from typing import Any

from . import fields as F
from .model import Block, Duty, ImportedDocument
from .readers import BULLET

_DUTIES = re.compile(r"\b(duties|responsibilities|responsibility|key tasks|main tasks|tasks|key result areas|"
                     r"accountabilities|what you will do|what you'll do|the role involves|key areas)\b", re.IGNORECASE)
_END = re.compile(r"\b(person spec\w*|specification|qualifications?|experience|knowledge|skills|about (us|the "
                  r"trust|the service|the organisation)|how to apply|terms|conditions|benefits|salary|working "
                  r"conditions|general|values|contact|further information|additional information|"
                  r"equality|confidentiality|health and safety policy|criteria|essential|desirable)\b", re.IGNORECASE)
_SUMMARY = re.compile(r"\b(job summary|summary|job purpose|purpose|overview|about the (role|job|post)|"
                      r"role summary|main purpose)\b", re.IGNORECASE)
_LABEL_LINE = re.compile(r"^([A-Za-z][A-Za-z /&()'*-]{0,40}?)\s*:\s*(.+)$")


def heading_kind(text: str) -> str:
    """'duties' (a heading duties are listed under), 'summary', 'end' (a section that is not
    duties: person specification, terms, …) or 'other'."""
    if _DUTIES.search(text) and not re.search(r"specification", text, re.IGNORECASE):
        return "duties"
    if _SUMMARY.search(text):
        return "summary"
    if _END.search(text):
        return "end"
    return "other"


def _field_line(block: Block) -> tuple[str, str] | None:
    """(post key, value text) of a table row or a 'Label: value' line that names a known field."""
    if block.kind == "row":
        key = F.field_of(block.text)
        return (key, block.value) if key else None
    if block.kind in ("para", "bullet"):
        m = _LABEL_LINE.match(block.text)
        if m:
            key = F.field_of(m.group(1))
            return (key, m.group(2)) if key else None
    return None


def strip_marker(text: str) -> str:
    return BULLET.sub("", text, count=1).strip()


def build(blocks: list[Block], source: str, fallback_title: str) -> ImportedDocument:
    found: dict[str, Any] = {}
    labels: dict[str, str] = {}
    summary: list[str] = []
    areas: list[tuple[list[Duty], list[Duty]]] = []  # each duties area: its bullets, its paragraphs
    in_area, area_level, section, in_summary = False, None, "", False
    headings: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            headings.append(block.text)
            kind = heading_kind(block.text)
            if in_area:
                if block.level is not None and area_level is not None:
                    in_area = block.level > area_level
                else:
                    in_area = kind not in ("end", "summary")
            if in_area:
                section = block.text
            elif kind == "duties":
                in_area, area_level, section = True, block.level, block.text
                areas.append(([], []))
            in_summary = not in_area and kind == "summary"
            continue
        line = _field_line(block)
        if line is not None:
            key, text = line
            value = F.value_of(key, text)
            if key not in found and value is not None:
                found[key] = value
                labels[key] = block.text if block.kind == "row" else block.text.split(":", 1)[0]
            continue
        if block.kind == "row":
            continue
        if in_area:
            text = strip_marker(block.text)
            if block.kind == "bullet" or BULLET.match(block.text):
                if len(text) >= 3:
                    areas[-1][0].append(Duty(text, section))
            elif not text.endswith(":") and len(text.split()) >= 3:
                areas[-1][1].append(Duty(text, section))
        elif in_summary and block.kind == "para":
            summary.append(block.text)
    duties = [d for bullets, paras in areas for d in (bullets or paras)]  # paragraphs where an area has no bullets
    title = str(found.pop("title", "") or fallback_title)
    return ImportedDocument(source=source, title=title, fields=found, duties=tuple(duties),
                            summary="\n\n".join(summary), labels=labels, headings=tuple(headings))
