"""Readers: one per format, each turning a file's bytes into `Block`s in document order.

Word (python-docx): heading styles give headings with their level, list styles and numbering give
bullets, two-column table rows give rows. PDF (pypdf, layout mode, so bullets keep their place and
indentation): read as text lines. HTML (lxml): h1–h6, li, table rows, paragraphs. Markdown and
text: lines, where a bullet's wrapped lines (indented, or a Markdown lazy continuation) are joined
back into the bullet. Bad input raises JdgenError with a code and nothing else happens.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, JdgenError, display_path
from .model import Block

#: File suffixes `jdgen import` reads, and the kind of document each is.
SUFFIXES = {".docx": "Word", ".pdf": "PDF", ".html": "HTML", ".htm": "HTML", ".md": "Markdown",
            ".markdown": "Markdown", ".txt": "text"}
BULLET = re.compile(r"^(?:[•·▪‣◦●○■□✓➢►\-*+–—]|\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)])\s+", re.IGNORECASE)
_NUMBERED = re.compile(r"^\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]\s+", re.IGNORECASE)
_TERMINAL = (".", ";", ":", "!", "?")


def fail(path: Path, message: str, code: str, hint: str = "") -> JdgenError:
    return JdgenError([Diagnostic(display_path(path), 0, 0, message, hint=hint, code=code)])


def clean(text: str) -> str:
    """One line of text: whitespace runs made single spaces, soft hyphens and zero-widths removed."""
    return " ".join(text.replace("\u00ad", "").replace("\u200b", "").split())


def read_blocks(path: Path, data: bytes) -> tuple[list[Block], str]:
    """The blocks of a document and the title its metadata gives (may be empty)."""
    readers: dict[str, Callable[[Path, bytes], tuple[list[Block], str]]] = {
        "Word": _docx, "PDF": _pdf, "HTML": _html, "Markdown": _markdown, "text": _text}
    return readers[SUFFIXES[path.suffix.lower()]](path, data)


# --- Word ---------------------------------------------------------------------------------------
def _docx(path: Path, data: bytes) -> tuple[list[Block], str]:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise fail(path, "not a Word document: a .docx file is a zip package and this file is not one",
                   "import-unreadable", hint="an old Word .doc or a renamed file: open it in Word and save it as "
                                            ".docx")
    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise fail(path, f"a damaged Word document ({exc})", "import-unreadable",
                   hint="open it in Word and save it again as .docx") from None
    blocks: list[Block] = []
    for part in doc.iter_inner_content():
        if hasattr(part, "rows"):
            blocks += _docx_table(part)
        else:
            blocks += _docx_paragraph(part)
    return blocks, clean(doc.core_properties.title or "")


def _docx_paragraph(p: Any) -> list[Block]:
    style = (p.style.name if p.style is not None else "") or ""
    lines = [clean(line) for line in p.text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return []
    heading = re.match(r"Heading (\d)", style)
    if style == "Title" or heading:
        return [Block("heading", " ".join(lines), int(heading.group(1)) if heading else 0)]
    numbered = p._p.pPr is not None and p._p.pPr.numPr is not None
    if style.startswith("List") or numbered:
        return [Block("bullet", " ".join(lines))]
    if len(lines) == 1 and _all_bold(p) and len(lines[0].split()) <= 8 and not lines[0].endswith(_TERMINAL[:2]):
        return [Block("heading", lines[0])]  # a bold line used as a heading: no level, as in plain text
    return [Block("para", line) for line in lines]


def _all_bold(p: Any) -> bool:
    runs = [r for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.bold or (r.style is not None and r.style.font.bold) for r in runs)


def _docx_table(table: Any) -> list[Block]:
    blocks: list[Block] = []
    for row in table.rows:
        cells: list[Any] = []
        for cell in row.cells:  # a merged cell repeats in python-docx
            if not any(cell._tc is c._tc for c in cells):
                cells.append(cell)
        texts = [clean(c.text) for c in cells]
        filled = [t for t in texts if t]
        simple = all(len([q for q in c.paragraphs if q.text.strip()]) <= 1 for c in cells)
        if len(filled) == 2 and simple:
            blocks.append(Block("row", filled[0], value=filled[1]))
        elif len(cells) == 2 and texts[0] and len(texts[0].split()) <= 8 and len(cells[0].paragraphs) == 1:
            blocks.append(Block("heading", texts[0]))  # "Main duties" beside the list of them
            for q in cells[1].paragraphs:
                blocks += _docx_paragraph(q)
        else:
            for cell in cells:
                for q in cell.paragraphs:
                    blocks += _docx_paragraph(q)
    return blocks


# --- PDF ----------------------------------------------------------------------------------------
def _pdf(path: Path, data: bytes) -> tuple[list[Block], str]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _open_without_password(reader):
            raise fail(path, "the PDF is protected by a password, so its text cannot be read", "import-encrypted",
                       hint="save an unprotected copy (print to PDF, or remove the password) and import that")
        pages = []
        for page in reader.pages:
            try:
                pages.append(page.extract_text(extraction_mode="layout"))
            except (ValueError, KeyError, IndexError):  # an odd page: plain mode still gives its text
                pages.append(page.extract_text())
        title = clean(str(reader.metadata.title or "") if reader.metadata else "")
    except (FileNotDecryptedError, DependencyError):
        raise fail(path, "the PDF is protected by a password, so its text cannot be read", "import-encrypted",
                   hint="save an unprotected copy (print to PDF, or remove the password) and import that") from None
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise fail(path, f"a damaged or unreadable PDF ({exc})", "import-unreadable") from None
    text = "\n".join(pages)
    if not text.strip():
        raise fail(path, "the PDF has no text to read: it looks like a scanned image", "import-no-text",
                   hint="import the original Word file, or run the PDF through text recognition (OCR) first")
    return text_blocks(text.splitlines(), markdown=False), title


def _open_without_password(reader: Any) -> bool:
    """True when an encrypted PDF opens with the empty user password (only editing is restricted)."""
    from pypdf import PasswordType

    try:
        return bool(reader.decrypt("") != PasswordType.NOT_DECRYPTED)
    except Exception:  # pypdf raises several kinds for unsupported encryption; all mean "cannot read"
        return False


# --- HTML ---------------------------------------------------------------------------------------
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_PARAS = {"p", "dt", "dd", "caption", "figcaption", "blockquote", "pre", "address"}
_SKIP = {"script", "style", "template", "noscript", "head", "nav", "footer", "button", "form"}


def _html(path: Path, data: bytes) -> tuple[list[Block], str]:
    import lxml.html  # type: ignore[import-untyped]
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        raise fail(path, f"the HTML cannot be read ({exc})", "import-unreadable") from None
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    title = clean(root.findtext(".//title") or "")
    body = root.find("body")
    return list(_html_walk(body if body is not None else root)), title


def _lines(el: Any, skip_lists: bool = False) -> list[str]:
    parts: list[str] = []

    def collect(node: Any) -> None:
        if not isinstance(node.tag, str):
            parts.append(node.tail or "")
            return
        if node.tag in _SKIP or (skip_lists and node.tag in ("ul", "ol")):
            parts.append(node.tail or "")
            return
        parts.append(node.text or "")
        for child in node:
            collect(child)
        parts.append(node.tail or "")

    parts.append(el.text or "")
    for child in el:
        collect(child)
    return [line for line in (clean(x) for x in "".join(parts).split("\n")) if line]


def _html_walk(el: Any) -> Iterator[Block]:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP or not tag:
            pass
        elif tag in _HEADINGS:
            text = " ".join(_lines(child))
            if text:
                yield Block("heading", text, _HEADINGS[tag])
        elif tag == "li":
            text = " ".join(_lines(child, skip_lists=True))
            if text:
                yield Block("bullet", text)
            for sub in child.iter("ul", "ol"):
                if sub.getparent() is child:
                    yield from _html_walk(sub)
        elif tag == "tr":
            cells = [c for c in child if isinstance(c.tag, str) and c.tag in ("td", "th")]
            texts = [" ".join(_lines(c)) for c in cells]
            filled = [t for t in texts if t]
            if len(filled) == 2 and not any(c.find(".//li") is not None for c in cells):
                yield Block("row", filled[0], value=filled[1])
            else:
                for cell in cells:
                    yield from _html_walk_cell(cell)
        elif tag in _PARAS:
            for line in _lines(child):
                yield Block("para", line)
        else:
            for line in _lines_of_text(child.text):
                yield Block("para", line)
            yield from _html_walk(child)
        if tag and tag != "html":
            for line in _lines_of_text(child.tail):
                yield Block("para", line)


def _html_walk_cell(cell: Any) -> Iterator[Block]:
    if any(isinstance(c.tag, str) and c.tag not in ("br", "b", "strong", "i", "em", "span", "a") for c in cell):
        yield from _lines_as_paras(cell.text)
        yield from _html_walk(cell)
    else:
        for line in _lines(cell):
            yield Block("para", line)


def _lines_as_paras(text: str | None) -> Iterator[Block]:
    for line in _lines_of_text(text):
        yield Block("para", line)


def _lines_of_text(text: str | None) -> list[str]:
    return [line for line in (clean(x) for x in (text or "").split("\n")) if line]


# --- Markdown and text (and PDF text) -----------------------------------------------------------
def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _markdown(path: Path, data: bytes) -> tuple[list[Block], str]:
    return text_blocks(_decode(data).splitlines(), markdown=True), ""


def _text(path: Path, data: bytes) -> tuple[list[Block], str]:
    return text_blocks(_decode(data).splitlines(), markdown=False), ""


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_INLINE = ((re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"), (re.compile(r"(\*\*|__|`)"), ""),
              (re.compile(r"(?<!\w)[*_](\S[^*_]*?)[*_](?!\w)"), r"\1"),
              (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])"), r"\1"))
_LABEL_LINE = re.compile(r"^[A-Za-z][A-Za-z /&()'-]{1,40}:\s*\S")


def _md_inline(text: str) -> str:
    for pattern, repl in _MD_INLINE:
        text = pattern.sub(repl, text)
    return text


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def text_blocks(lines: list[str], markdown: bool) -> list[Block]:
    """Blocks of text lines: bullets (their wrapped lines joined back), headings, table rows
    (Markdown), paragraphs (wrapped lines joined)."""
    blocks: list[Block] = []
    open_kind = ""  # "bullet" or "para" while lines may still join the last block
    open_indent = 0  # where the open bullet's marker stood
    for raw in lines:
        line = raw.rstrip()
        text = clean(line)
        if not text:
            open_kind = ""
            continue
        indent = _indent(line)
        if markdown:
            text = _md_inline(text)
            heading = _MD_HEADING.match(text)
            if heading and indent < 4:
                blocks.append(Block("heading", clean(heading.group(2)), len(heading.group(1))))
                open_kind = ""
                continue
            if text.startswith("|"):
                cells = [clean(c) for c in text.strip("|").split("|")]
                if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                    continue
                filled = [c for c in cells if c]
                blocks.append(Block("row", filled[0], value=filled[1]) if len(filled) == 2
                              else Block("para", " ".join(filled)))
                open_kind = ""
                continue
        if BULLET.match(text) and not (_NUMBERED.match(text) and open_kind == "para" and indent > open_indent):
            blocks.append(Block("bullet", text))
            open_kind, open_indent = "bullet", indent
            continue
        previous = blocks[-1].text if blocks else ""
        if open_kind == "bullet" and (indent > open_indent or markdown or not previous.endswith(_TERMINAL)):
            blocks[-1] = Block("bullet", _join(previous, text))
            continue
        if open_kind == "para" and not previous.endswith(_TERMINAL) and not _LABEL_LINE.match(text) \
                and not _LABEL_LINE.match(previous) and not looks_like_heading(text):
            blocks[-1] = Block("para", _join(previous, text))
            continue
        if not markdown and looks_like_heading(text):
            blocks.append(Block("heading", text.rstrip(":").strip()))
            open_kind = ""
            continue
        blocks.append(Block("para", text))
        open_kind, open_indent = "para", indent
    return blocks


def _join(first: str, second: str) -> str:
    """A wrapped line joined to the line before it; a line broken after a hyphen keeps the hyphen
    and no space ("post-" + "traumatic")."""
    if first.endswith("-") and not first.endswith(" -"):
        return first + second
    return f"{first} {second}"


def looks_like_heading(text: str) -> bool:
    """A line of a format without heading marks that reads as a heading: a known heading, a short
    line in capitals, or a short line without closing punctuation or a label."""
    from .structure import heading_kind

    words = text.rstrip(":").split()
    if not words or len(words) > 8 or BULLET.match(text) or ":" in text.rstrip(":"):
        return False
    if heading_kind(text) != "other":
        return True
    if text.endswith(_TERMINAL) or text.endswith(","):
        return False
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return True
    return len(words) <= 5 and words[0][:1].isupper()
