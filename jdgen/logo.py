"""The workspace logo (jdgen.yaml `logo:`): what kind of image it is, whether it is sound, and the
bytes each kind of document gets. HTML and PDF show PNG, JPEG, GIF and SVG logos; Word documents
take PNG, JPEG and GIF (python-docx cannot embed SVG), so an SVG logo is left out of them."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

from .errors import Diagnostic, display_path
from .wsfiles import FileRefused, read_confined

#: Largest logo file read, in bytes (it is embedded in every HTML page as a data: URL).
MAX_LOGO_BYTES = 5 * 1024 * 1024
#: Largest logo in pixels (width × height) decoded to check it.
MAX_LOGO_PIXELS = 25_000_000
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml"}
WORD_KINDS = ("png", "jpeg", "gif")
_OTHER_MAGIC = {b"RIFF": "WebP", b"BM": "BMP", b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"\x00\x00\x01\x00": "ICO",
                b"%PDF": "PDF"}
_SVG_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]",
                        re.S | re.I)


def sniff(data: bytes) -> str:
    """"png", "jpeg", "gif" or "svg" from the file's first bytes (not its name), else ""."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if _SVG_START.match(data[:4096]):
        return "svg"
    return ""


def problem(data: bytes) -> str:
    """Why `data` cannot serve as a logo ("" when it can)."""
    kind = sniff(data)
    if not kind:
        other = next((name for magic, name in _OTHER_MAGIC.items() if data.startswith(magic)), "")
        return f"is a {other} file, which jdgen does not use" if other else "is not a PNG, JPEG, GIF or SVG image"
    return _svg_problem(data) if kind == "svg" else _raster_problem(data, kind)


def _svg_problem(data: bytes) -> str:
    from lxml import etree  # type: ignore[import-untyped]

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return f"is a damaged SVG image ({exc.msg})"
    if etree.QName(root).localname != "svg":
        return "is not an SVG image (its root element is not <svg>)"
    return ""


def _raster_problem(data: bytes, kind: str) -> str:
    from docx.image.image import Image as WordImage
    from PIL import Image

    name = kind.upper()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_LOGO_PIXELS:
                    return f"is {width}×{height} pixels, more than a logo needs"
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # verify() does not decode: a truncated image shows here
        WordImage.from_blob(data)  # the header python-docx reads for Word
    except Exception as exc:  # Pillow and python-docx raise many kinds of errors for a damaged file
        reason = re.sub(r"b'([^']*)'", r"\1", str(exc).strip().rstrip(".")) or type(exc).__name__
        return f"is a damaged {name} image ({reason})"
    return ""


def read(path: Path) -> bytes:
    """The logo's bytes, read only as a regular file (raises FileRefused)."""
    return read_confined(path, [path.parent], MAX_LOGO_BYTES)


def data_url(path: Path | None) -> str:
    """The logo as a data: URL for HTML and PDF, with the media type of its content; "" when there
    is none or it cannot be read (jdgen.yaml's check reports why)."""
    import base64

    if path is None:
        return ""
    try:
        data = read(path)
    except FileRefused:
        return ""
    kind = sniff(data)
    return f"data:{MEDIA_TYPES[kind]};base64,{base64.b64encode(data).decode()}" if kind else ""


def word_bytes(path: Path | None) -> bytes | None:
    """The logo for a Word document: PNG, JPEG or GIF bytes, else None (an SVG is left out)."""
    if path is None:
        return None
    try:
        data = read(path)
    except FileRefused:
        return None
    return data if sniff(data) in WORD_KINDS else None


def word_notice(logo: Path | None, config: Path) -> list[Diagnostic]:
    """The one warning a command that writes Word documents gives for an SVG logo."""
    if logo is None:
        return []
    try:
        kind = sniff(read(logo))
    except FileRefused:
        return []
    if kind != "svg":
        return []
    return [Diagnostic(display_path(config), 0, 0, WORD_SVG_MESSAGE.format(name=logo.name), "warning",
                       WORD_SVG_HINT, "logo-svg")]


WORD_SVG_MESSAGE = ("the logo '{name}' is SVG: HTML and PDF documents show it, Word documents are made "
                    "without it (Word files take PNG, JPEG or GIF)")
WORD_SVG_HINT = "for a logo in Word documents too, give a PNG copy of it as logo:"
