"""Word building blocks shared by every DOCX jdgen writes: the reference document (styles, page,
header and footer, as pandoc's --reference-doc), tables whose grid and cell widths agree,
labelled items with lettered sub-lists, core properties, and a reproducible, clean package."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .colour import text_on
from .templating import template_folders

REFERENCE = "reference.docx"
LANGUAGE = "en-GB"
#: Fixed zip entry time: the same input gives the same bytes.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
LETTERED = "jdgen lettered sub-list"
DUTY_STYLE, REF_STYLE, NOTE_STYLE = "Labelled Item", "Item Reference", "Note"
APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>jdgen</Application><DocSecurity>0</DocSecurity></Properties>")


#: Largest reference document read, in bytes.
MAX_REFERENCE_BYTES = 20 * 1024 * 1024
#: Styles the writers use by name (others fall back to Normal when missing).
REQUIRED_STYLES = ("Normal", "Title", "Heading 1", "Heading 2")


def reference_path(workspace: Path | None) -> Path:
    """templates/reference.docx of the workspace (whatever it is: it is checked when read), else
    the bundled one."""
    for folder in template_folders(workspace):
        if os.path.lexists(folder / REFERENCE):
            return folder / REFERENCE
    raise FileNotFoundError(REFERENCE)


def _reference_error(path: Path, message: str) -> Exception:
    from ..errors import Diagnostic, JdgenError, display_path

    return JdgenError([Diagnostic(display_path(path), 0, 0, message, code="bad-reference-docx",
                                  hint="start from a copy of the bundled templates/reference.docx and change it in "
                                       "Word or LibreOffice (see docs/templates.md)")])


def _open_document(path: Path, workspace: Path | None) -> Any:
    """The reference document as python-docx opens it; a workspace file that is not a regular
    file inside the workspace, or not a Word document with the styles jdgen uses, is a JdgenError."""
    from docx import Document

    from .templating import TemplateFileError, read_template_file

    try:
        data = read_template_file(path, workspace, MAX_REFERENCE_BYTES)
    except TemplateFileError as exc:
        from ..errors import JdgenError

        raise JdgenError([exc.diagnostic()]) from None
    if not data:
        raise _reference_error(path, "this reference document is empty")
    try:
        doc = Document(io.BytesIO(data))
        names = {s.name for s in doc.styles}
    except Exception as exc:  # python-docx raises zip, XML, key and value errors for a damaged file
        reason = str(exc).strip() or type(exc).__name__
        raise _reference_error(path, f"this is not a Word document (.docx) jdgen can read: {reason}") from None
    missing = [name for name in REQUIRED_STYLES if name not in names]
    if missing:
        raise _reference_error(path, f"this reference document lacks the style(s) {', '.join(missing)}")
    return doc


def is_bundled(path: Path) -> bool:
    return path == template_folders(None)[-1] / REFERENCE


def qn(tag: str) -> str:
    from docx.oxml.ns import qn as _qn

    return str(_qn(tag))


def element(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def open_reference(workspace: Path | None, primary: str) -> Any:
    """A new document with the reference document's styles, page setup, header and footer and an
    empty body. jdgen.yaml's primary colour is applied to the headings of the bundled reference only
    (a workspace's own reference keeps its styles as they are)."""
    root = workspace.resolve() if workspace is not None else None
    path = reference_path(root)
    doc = _open_document(path, root)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    if is_bundled(path):
        for name in ("Title", "Heading 1", "Heading 2"):
            set_colour(doc.styles[name].element, primary)
    ensure_styles(doc, primary)
    set_language(doc)
    return doc


def set_colour(style_el: Any, colour: str) -> None:
    rpr = style_el.get_or_add_rPr()
    for old in rpr.findall(qn("w:color")):
        rpr.remove(old)
    insert_ordered(rpr, element("w:color", val=colour.lstrip("#").upper()), R_PR_ORDER)


def set_language(doc: Any) -> None:
    """en-GB (the language of Latin text) on the document defaults and every style that names a
    language, and on the theme fonts."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = element("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = element("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = element("w:rPr")
        rpr_default.append(rpr)
    if rpr.find(qn("w:lang")) is None:
        insert_ordered(rpr, element("w:lang"), R_PR_ORDER)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)
    settings = doc.settings.element
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), LANGUAGE)


def ensure_styles(doc: Any, primary: str) -> None:
    """The few styles jdgen adds to Word's own, created when a reference document lacks them."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt, RGBColor

    names = {s.name for s in doc.styles}
    if DUTY_STYLE not in names:
        style = doc.styles.add_style(DUTY_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        fmt = style.paragraph_format
        fmt.left_indent, fmt.first_line_indent = Cm(1.5), Cm(-1.5)
        fmt.space_before, fmt.space_after = Pt(0), Pt(4)
        fmt.tab_stops.add_tab_stop(Cm(1.5))
    if REF_STYLE not in names:
        style = doc.styles.add_style(REF_STYLE, WD_STYLE_TYPE.CHARACTER)
        style.font.bold = True
        style.font.color.rgb = RGBColor.from_string(primary.lstrip("#").upper())
    if NOTE_STYLE not in names:
        style = doc.styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(9)
        style.font.color.rgb = RGBColor(0x4C, 0x62, 0x72)
        style.paragraph_format.space_before = Pt(6)


def style_or(doc: Any, name: str, fallback: str = "Normal") -> str:
    return name if name in {s.name for s in doc.styles} else fallback


def text_width(doc: Any) -> int:
    """Width between the margins, in twentieths of a point (dxa)."""
    section = doc.sections[-1]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


def table(doc: Any, widths: Sequence[float], rows: Sequence[Sequence[str]], header: Sequence[str] | None = None,
          row_headers: bool = False, spans: Sequence[int] = (), fill: str = "#005EB8") -> Any:
    """A table whose grid columns and cell widths agree (shares of the text width), header row
    repeated on each page, rows never split across pages. `spans` are indexes (in `rows`) of
    group rows whose one cell spans the whole width."""
    total = text_width(doc)
    dxa = [round(total * w / sum(widths)) for w in widths]
    n = len(widths)
    body = doc.element.body
    before = body[-2] if len(body) > 1 and body[-1].tag == qn("w:sectPr") else None
    if before is not None and before.tag == qn("w:p"):  # an introduction stays with its table
        before.get_or_add_pPr().keepNext_val = True
    tbl = doc.add_table(rows=0, cols=n)
    tbl.style = style_or(doc, "Table Grid", "Normal Table")
    tbl.autofit = False
    tbl_pr = tbl._tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout"):
        for old in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(old)
    insert_ordered(tbl_pr, element("w:tblW", w=str(sum(dxa)), type="dxa"), TBL_PR_ORDER)
    insert_ordered(tbl_pr, element("w:tblLayout", type="fixed"), TBL_PR_ORDER)
    for col, width in zip(tbl._tbl.tblGrid.findall(qn("w:gridCol")), dxa, strict=True):
        col.set(qn("w:w"), str(width))
    if header is not None:
        cells = tbl.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            _cell_text(cell, text, bold=True)
            _shade(cell, fill, text_on(fill))
        tbl.rows[0]._tr.get_or_add_trPr().append(element("w:tblHeader"))
    for index, row in enumerate(rows):
        cells = tbl.add_row().cells
        if index in spans:
            merged = cells[0].merge(cells[-1])
            _cell_text(merged, row[0], bold=True)
            _shade(merged, "#E8EDEE", "#212B32")
            continue
        for col, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _cell_text(cell, text, bold=row_headers and col == 0)
            if row_headers and col == 0:
                _shade(cell, "#F0F4F5", "#212B32")
    for tr in tbl._tbl.tr_lst:
        tr.get_or_add_trPr().append(element("w:cantSplit"))
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc_pr = tc.get_or_add_tcPr()
            for old in tc_pr.findall(qn("w:tcW")):
                tc_pr.remove(old)
            tc_pr.insert(0, element("w:tcW", w=str(sum(dxa[col:col + span])), type="dxa"))
            col += span
    _order_tr_pr(tbl)
    return tbl


#: Schema order of the children of w:tblPr and w:rPr (Word refuses files whose order is wrong).
TBL_PR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
                "tblCaption", "tblDescription")
R_PR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
              "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
              "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")


def insert_ordered(parent: Any, child: Any, order: Sequence[str]) -> None:
    """Insert `child` before the first sibling that the schema puts after it."""
    name = child.tag.split("}")[1]
    later = set(order[order.index(name) + 1:])
    for sibling in parent:
        if sibling.tag.split("}")[1] in later:
            sibling.addprevious(child)
            return
    parent.append(child)


def _order_tr_pr(tbl: Any) -> None:
    """CT_TrPr children in schema order: cantSplit before tblHeader."""
    for tr in tbl._tbl.tr_lst:
        tr_pr = tr.trPr
        if tr_pr is None:
            continue
        kids = sorted(tr_pr, key=lambda el: {qn("w:cantSplit"): 0, qn("w:tblHeader"): 1}.get(el.tag, 2))
        for kid in kids:
            tr_pr.remove(kid)
            tr_pr.append(kid)


def _cell_text(cell: Any, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold or None


def _shade(cell: Any, fill: str, fg: str) -> None:
    from docx.shared import RGBColor

    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(element("w:shd", val="clear", color="auto", fill=fill.lstrip("#").upper()))
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.color.rgb = RGBColor.from_string(fg.lstrip("#").upper())


def _lettered_abstract(doc: Any) -> str:
    """The abstract numbering of lettered sub-lists (a), b), …), added once per document."""
    numbering = doc.part.numbering_part.element
    for abstract in numbering.findall(qn("w:abstractNum")):
        name = abstract.find(qn("w:name"))
        if name is not None and name.get(qn("w:val")) == LETTERED:
            return str(abstract.get(qn("w:abstractNumId")))
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    new_id = str(max(ids, default=-1) + 1)
    abstract = element("w:abstractNum", abstractNumId=new_id)
    abstract.append(element("w:multiLevelType", val="singleLevel"))
    abstract.append(element("w:name", val=LETTERED))
    lvl = element("w:lvl", ilvl="0")
    for tag, value in (("w:start", "1"), ("w:numFmt", "lowerLetter"), ("w:lvlText", "%1)"), ("w:lvlJc", "left")):
        lvl.append(element(tag, val=value))
    ppr = element("w:pPr")
    ppr.append(element("w:ind", left="1247", hanging="397"))  # the letter under the item's text (1.5 cm)
    lvl.append(ppr)
    abstract.append(lvl)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    return new_id


def lettered_list(doc: Any, items: Sequence[str]) -> None:
    """Items as a lettered list that starts again at a)."""
    if not items:
        return
    from docx.shared import Pt

    numbering = doc.part.numbering_part.element
    num = numbering.add_num(int(_lettered_abstract(doc)))
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    for n, text in enumerate(items):
        paragraph = doc.add_paragraph(text, style="Normal")
        ppr = paragraph._p.get_or_add_pPr()
        num_pr = element("w:numPr")
        num_pr.append(element("w:ilvl", val="0"))
        num_pr.append(element("w:numId", val=str(num.numId)))
        ppr.insert(0 if ppr.find(qn("w:pStyle")) is None else 1, num_pr)
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.keep_together = True
        if n < len(items) - 1:
            paragraph.paragraph_format.keep_with_next = True


def labelled_item(doc: Any, label: str, text: str, sub: Sequence[str] = ()) -> None:
    """One numbering scheme: the item's own reference (A1, L2, 1.3) as its label, not a list number
    (a bullet when it has none: the curated duties of a job description); its sub-items as a
    lettered list below it."""
    paragraph = doc.add_paragraph(style=DUTY_STYLE if label else style_or(doc, "List Bullet"))
    if label:
        paragraph.add_run(label, style=REF_STYLE)
        paragraph.add_run("\t")
    paragraph.add_run(text)
    paragraph.paragraph_format.keep_together = True
    if sub:
        paragraph.paragraph_format.keep_with_next = True
    lettered_list(doc, sub)


def bullets(doc: Any, items: Sequence[str]) -> None:
    """A bulleted list; a short one (up to six items) is kept on one page."""
    style = style_or(doc, "List Bullet")
    for n, text in enumerate(items):
        paragraph = doc.add_paragraph(text, style=style)
        if len(items) <= 6 and n < len(items) - 1:
            paragraph.paragraph_format.keep_with_next = True


def fill_fields(doc: Any, values: dict[str, str]) -> None:
    """Cached results of TITLE, SUBJECT and AUTHOR fields in headers and footers, so every program
    shows the right text before it updates fields."""
    parts = [s.header for s in doc.sections] + [s.footer for s in doc.sections]
    for part in parts:
        for fld in part._element.iter(qn("w:fldSimple")):
            key = fld.get(qn("w:instr")).split()[0].upper()
            if key in values:
                texts = list(fld.iter(qn("w:t")))
                if texts:
                    texts[0].text = values[key]
                    for extra in texts[1:]:
                        extra.text = ""


def add_logo(doc: Any, logo: str | bytes | None, height_cm: float = 1.0) -> None:
    """The logo (bytes, or a data: URL) floating at the right of the header, the header's text
    wrapping to its left (so a long title never pushes it onto a line of its own)."""
    if not logo:
        return
    from docx.shared import Cm

    from ..logo import WORD_KINDS, sniff

    data = logo if isinstance(logo, bytes) else _data_url_bytes(logo)
    if sniff(data) not in WORD_KINDS:
        return  # none, or SVG: Word documents are made without it (jdgen.yaml's check says so)
    header = doc.sections[0].header
    paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    run = paragraph.add_run()
    try:
        run.add_picture(io.BytesIO(data), height=Cm(height_cm))
    except Exception:  # a logo damaged since jdgen.yaml was checked: the document is made without it
        paragraph._p.remove(run._r)
        return
    inline = run._r.find(qn("w:drawing")).find(qn("wp:inline"))
    inline.addnext(_anchor(inline))
    inline.getparent().remove(inline)
    paragraph._p.remove(run._r)
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, run._r)  # anchored at the paragraph's start
    for doc_pr in header._element.iter(qn("wp:docPr")):
        doc_pr.set("descr", "Logo")


def _anchor(inline: Any) -> Any:
    """A floating, right-aligned copy of an inline picture, text wrapping on its left."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    extent = inline.find(qn("wp:extent"))
    anchor = parse_xml(
        f'<wp:anchor {nsdecls("wp")} distT="0" distB="0" distL="114300" distR="0" simplePos="0" '
        'relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="0">'
        '<wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:align>right</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{extent.get("cx")}" cy="{extent.get("cy")}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapSquare wrapText="left"/></wp:anchor>')
    for tag in ("wp:docPr", "wp:cNvGraphicFramePr", "a:graphic"):
        child = inline.find(qn(tag))
        if child is not None:
            anchor.append(child)
    return anchor


def _data_url_bytes(url: str) -> bytes:
    match = re.match(r"data:[^;,]*;base64,(.*)$", url, re.S)
    if not match:
        return b""
    try:
        return base64.b64decode(match.group(1))
    except (binascii.Error, ValueError):
        return b""


#: Longest text Word's core properties (title, author, …) hold; python-docx refuses more.
CORE_PROPERTY_LIMIT = 255


def fit_property(text: str, limit: int = CORE_PROPERTY_LIMIT) -> str:
    """`text` short enough for a core property: cut at a word boundary with an ellipsis when longer
    (the document itself keeps the whole text)."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def set_core(doc: Any, title: str, author: str, subject: str, date: str, category: str) -> None:
    """Title, author, subject and dates in the core properties; nothing left from the template."""
    props = doc.core_properties
    props.title, props.author = fit_property(title), fit_property(author)
    props.subject, props.category = fit_property(subject), fit_property(category)
    props.comments = props.keywords = props.content_status = props.identifier = props.version = ""
    props.last_modified_by = fit_property(author)
    props.language = LANGUAGE
    stamp = dt.datetime.fromisoformat(date) if date else dt.datetime(2026, 1, 1)
    props.created = props.modified = stamp
    props.revision = 1
    fill_fields(doc, {"TITLE": title, "SUBJECT": subject, "AUTHOR": author})


def save(doc: Any) -> bytes:
    """The document as bytes: fixed zip times and member order (same input, same bytes), and an
    app.xml without the template's leftovers."""
    buffer = io.BytesIO()
    doc.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        order = ["[Content_Types].xml", *sorted(n for n in names if n != "[Content_Types].xml")]
        for name in order:
            data = APP_XML.encode() if name == "docProps/app.xml" else source.read(name)
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()
