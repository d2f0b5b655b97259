"""Running headers and footers as PDF artifacts.

WeasyPrint 70 marks the text of page-margin boxes (@top-left, @bottom-right, …) as tagged
content with marked-content ids, and builds structure elements for them that it leaves out of the
structure tree (weasyprint/pdf/tags.py, "could be included in tree as Artifact, but that's only
allowed in PDF 2.0"). A screen reader reading the content then meets "Page 3 of 8" and the post
title on every page. PDF/UA wants such pagination artifacts marked `/Artifact` instead. This
module makes WeasyPrint do that: while a page is painted, the text of its margin boxes is wrapped
in `/Artifact BMC … EMC` with no marked-content id, and the structure builder skips margin boxes.
Installed once, when jdgen first imports WeasyPrint; if WeasyPrint's internals have changed, it
leaves WeasyPrint as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

_INSTALLED = False


def _descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def install(weasyprint: ModuleType) -> bool:
    """Patch WeasyPrint (once); returns whether margin boxes are now artifacts."""
    global _INSTALLED
    if _INSTALLED:
        return True
    try:
        from weasyprint.document import Page
        from weasyprint.formatting_structure import boxes
        from weasyprint.pdf import stream as stream_module
        from weasyprint.pdf import tags
    except ImportError:
        return False
    stream_cls = stream_module.Stream
    if not all(hasattr(x, y) for x, y in ((Page, "paint"), (stream_cls, "marked"), (tags, "_build_box_tree"))):
        return False
    paint, marked, build_box_tree = Page.paint, stream_cls.marked, tags._build_box_tree

    def paint_page(self: Any, stream: Any, scale: float = 1) -> None:
        stream.jdgen_margin_boxes = {id(b) for child in self._page_box.children
                                     if isinstance(child, boxes.MarginBox) for b in _descendants(child)}
        paint(self, stream, scale)

    @contextmanager
    def marked_content(self: Any, box: Any, tag: str) -> Iterator[None]:
        if id(box) in getattr(self, "jdgen_margin_boxes", ()):
            with self.artifact():
                yield
        else:
            with marked(self, box, tag):
                yield

    def box_tree(box: Any, *args: Any) -> Iterator[Any]:
        if isinstance(box, boxes.MarginBox):
            return iter(())
        result: Iterator[Any] = build_box_tree(box, *args)
        return result

    Page.paint = paint_page
    stream_cls.marked = marked_content
    tags._build_box_tree = box_tree
    _INSTALLED = True
    return True
