"""Issue 8 §6: PDF pages as a reader sees them. Laid out with WeasyPrint (as `jdgen build` does),
then measured: no page except the last is under a quarter full, and no heading is left at the
foot of a page without the text it introduces (job descriptions and the curriculum)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jdgen.cli import main
from jdgen.render.pdf import pdf_stylesheet, weasyprint

EXAMPLES = Path(__file__).parents[1] / "examples" / "posts"
HEADINGS = ("h1", "h2", "h3", "h4")


def _pages(html: str, workspace: Path) -> list[Any]:
    wp = weasyprint()
    css = pdf_stylesheet(workspace)
    document = wp.HTML(string=html, base_url=str(workspace)).render(
        stylesheets=[wp.CSS(string=css)] if css else [])
    return [page._page_box for page in document.pages]


def _walk(box: Any) -> Any:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.MarginBox):
        return
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _is_content(box: Any) -> bool:
    from weasyprint.formatting_structure import boxes

    return isinstance(box, (boxes.TextBox, boxes.ReplacedBox))


def measure(html: str, workspace: Path) -> tuple[list[float], list[tuple[int, str]]]:
    """Per page: how far down the content reaches (0–1); and headings with nothing after them on their page."""
    from weasyprint.formatting_structure import boxes

    fills, stranded = [], []
    for number, page in enumerate(_pages(html, workspace), start=1):
        top, height = page.content_box_y(), page.height
        content = [b for b in _walk(page) if _is_content(b)]
        bottom = max((b.position_y + b.margin_height() for b in content), default=top)
        fills.append((bottom - top) / height)
        for box in _walk(page):
            if isinstance(box, boxes.BlockBox) and box.element_tag in HEADINGS and box.children:
                below = [b for b in content if b.position_y >= box.position_y + box.margin_height() - 1]
                if not below:
                    text = " ".join(b.text for b in _walk(box) if _is_content(b) and hasattr(b, "text"))
                    stranded.append((number, text))
    return fills, stranded


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layout")
    runner = CliRunner()
    for name in ("pwp", "ips-employment-specialist", "step2-self-help-worker"):
        result = runner.invoke(main, ["--workspace", str(out), "build", str(EXAMPLES / f"{name}.yaml"),
                                      "-o", str(out / "jd"), "-f", "html", "-q"])
        assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--workspace", str(out), "curriculum", "--framework", "ips", "-f", "html",
                                  "-o", str(out / "curriculum")])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("document", ["jd/pwp.html", "jd/ips-employment-specialist.html",
                                      "jd/step2-self-help-worker.html", "curriculum/curriculum-ips.html"])
def test_pages_are_filled_and_headings_kept_with_their_text(document: str, built: Path) -> None:
    fills, stranded = measure((built / document).read_text("utf-8"), built)
    assert len(fills) >= 2
    assert [round(f, 2) for f in fills[:-1] if f < 0.25] == []
    assert stranded == []


def test_the_measure_sees_a_stranded_heading_and_an_empty_page(tmp_path: Path) -> None:
    html = ("<html lang='en'><body><p>Some text.</p><h2 style='break-after: page'>Alone</h2>"
            "<p>Next page.</p><p style='break-before: page'>Last.</p></body></html>")
    fills, stranded = measure(html, tmp_path)
    assert len(fills) == 3 and fills[0] < 0.25 and fills[1] < 0.25
    assert stranded == [(1, "Alone")]
