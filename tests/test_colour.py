"""Heatmap colours: WCAG contrast arithmetic and readable text on every cell colour."""

from __future__ import annotations

from pathlib import Path

import pytest

from jdgen.render.colour import contrast, luminance, text_on
from jdgen.render.tables import heat


def test_contrast_known_values() -> None:
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert luminance("#ffffff") == pytest.approx(1.0)
    assert contrast("#ffffff", "#669ed4") == pytest.approx(2.83, abs=0.01)  # the failure the issue reports
    assert contrast("#fff", "#005eb8") == pytest.approx(6.38, abs=0.01)


def test_every_heat_cell_is_readable() -> None:
    for step in range(101):
        cell = heat(step / 100)
        assert contrast(cell["fg"], cell["bg"]) >= 4.5, cell


def test_text_colour_follows_luminance() -> None:
    assert text_on("#ffffff") == "#212b32"
    assert text_on("#005eb8") == "#ffffff"
    assert text_on("#669ed4") == "#212b32"  # dark text on the mid blue (5.1:1), not white (2.83:1)
    # where neither the dark body text nor white reaches 4.5:1, black does
    grey = "#7a7a7a"
    assert max(contrast("#212b32", grey), contrast("#ffffff", grey)) < 4.5
    assert text_on(grey) == "#000000" and contrast("#000000", grey) >= 4.5


def test_light_brand_colour_gets_dark_text(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from jdgen.cli import main

    (tmp_path / "jdgen.yaml").write_text('colours: {primary: "#ffd54f"}\n', encoding="utf-8")
    post = Path(__file__).resolve().parents[1] / "examples" / "posts" / "pwp.yaml"
    result = CliRunner().invoke(main, ["--workspace", str(tmp_path), "build", str(post), "-f", "html", "-o",
                                       str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "pwp.html").read_text(encoding="utf-8")
    assert "thead th { background: var(--primary); color: #212b32; }" in html
    assert contrast("#212b32", "#ffd54f") >= 4.5 > contrast("#ffffff", "#ffd54f")
