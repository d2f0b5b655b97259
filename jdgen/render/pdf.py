"""HTML → PDF with WeasyPrint: A4, fetches nothing outside the package and the workspace,
the same input gives the same bytes."""

from __future__ import annotations

import functools
import hashlib
import os
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlparse

#: A fixed timestamp for reproducible PDFs when the post has no date.
DEFAULT_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z


#: WeasyPrint warns at import when the system lacks libharfbuzz-subset0 (it then subsets fonts
#: with fontTools: same PDFs, larger and slower). Whether it warns depends on the machine, not
#: on us or the user's input, so this one warning is silenced; the README says how to install it.
HARFBUZZ_SUBSET_WARNING = r"HarfBuzz-Subset will be required by future versions of WeasyPrint"


def weasyprint() -> ModuleType:
    """Import WeasyPrint (slow: ~0.7 s, so only when a PDF is made) without its system-library notice."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=HARFBUZZ_SUBSET_WARNING, category=DeprecationWarning)
        import weasyprint as module
        import weasyprint.urls  # loads the submodule the fetcher subclasses
    from .pdf_artifacts import install

    install(module)  # running headers and footers become /Artifact, not tagged content
    return module  # type: ignore[no-any-return]


@functools.cache
def _fetcher_class() -> Any:
    """The fetcher class, defined once per process (it subclasses WeasyPrint's, imported lazily)."""
    url_fetcher: Any = weasyprint().urls.URLFetcher

    class SafeFetcher(url_fetcher):  # type: ignore[misc]
        """Allows data: URLs and files under the allowed folders; refuses everything else."""

        def __init__(self, roots: list[Path]) -> None:
            super().__init__(allowed_protocols={"data", "file"}, timeout=5)
            self.roots = [r.resolve() for r in roots]
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = Path(unquote(urlparse(url).path)).resolve()
                # a regular file only: reading a FIFO would wait for a writer for ever
                if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                    return super().fetch(url, headers)
            elif scheme == "data":
                return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"jdgen does not fetch {url}")

    return SafeFetcher


def pdf_stylesheet(workspace: Path) -> str:
    """The PDF-only CSS (templates/pdf.css, the workspace's first): paged-media properties that
    only WeasyPrint understands and that must not appear in the HTML documents."""
    from ..errors import Diagnostic, JdgenError, display_path
    from .templating import TemplateFileError, read_template_file, template_folders

    root = workspace.resolve()
    for folder in template_folders(root):
        path = folder / "pdf.css"
        if not os.path.lexists(path):
            continue
        try:
            data = read_template_file(path, root)
        except TemplateFileError as exc:
            raise JdgenError([exc.diagnostic()]) from None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise JdgenError([Diagnostic(display_path(path), line, exc.start - data.rfind(b"\n", 0, exc.start),
                                         f"this stylesheet is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                                         hint="save it as UTF-8", code="template-encoding")]) from None
    return ""


def html_to_pdf(html: str, base_dir: Path, roots: list[Path], date: str = "") -> tuple[bytes, list[str]]:
    """Render HTML to PDF bytes (with the PDF-only stylesheet of `base_dir`, the workspace);
    returns the bytes and the URLs that were refused."""
    HTML, CSS = weasyprint().HTML, weasyprint().CSS

    fetcher = _fetcher_class()(roots)
    epoch = DEFAULT_EPOCH
    if date:
        import datetime as dt

        epoch = str(int(dt.datetime.fromisoformat(date).replace(tzinfo=dt.UTC).timestamp()))
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch  # fontTools stamps subset fonts with it: same input, same bytes
    try:
        document = HTML(string=html, base_url=str(base_dir.resolve()) + os.sep, url_fetcher=fetcher)
        identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
        extra = [CSS(string=css, url_fetcher=fetcher)] if (css := pdf_stylesheet(base_dir)) else []
        data = document.write_pdf(stylesheets=extra, pdf_identifier=identifier,
                                  pdf_variant="pdf/ua-1")  # tagged, PDF/UA-1
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return bytes(data), fetcher.refused
