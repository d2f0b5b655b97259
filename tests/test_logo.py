"""The logo of jdgen.yaml (issue 15 §4): `validate` checks what the file holds, a damaged or
unsupported image is an error at `logo:`, an SVG logo is shown in HTML and PDF and left out of Word
with one warning, and no command nor the web app crashes on a logo (fixtures: tests/fixtures/logos)."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import Result
from conftest import Invoke

from jdgen.render import wordml

ROOT = Path(__file__).resolve().parent.parent
LOGOS = ROOT / "tests" / "fixtures" / "logos"
PWP = ROOT / "examples" / "posts" / "pwp.yaml"
HINT = "  hint: give a PNG, JPEG or SVG image (open it in an image editor and save it as PNG)"
SVG_WARNING = ("warning: the logo 'trust.svg' is SVG: HTML and PDF documents show it, Word documents are made "
               "without it (Word files take PNG, JPEG or GIF)")


def workspace(root: Path, logo: str, monkeypatch: pytest.MonkeyPatch, formats: str = "") -> Path:
    (root / "posts").mkdir(parents=True)
    shutil.copy(PWP, root / "posts")
    if (LOGOS / logo).is_file():
        shutil.copy(LOGOS / logo, root / logo)
    (root / "jdgen.yaml").write_text(f"organisation: Riverside NHS Foundation Trust\nlogo: {logo}\n{formats}", "utf-8")
    monkeypatch.chdir(root)
    return root


def media(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as z:
        return [n for n in z.namelist() if n.startswith("word/media/")]


def no_crash(result: Result) -> None:
    for text in (result.stdout, result.stderr):
        assert "Traceback" not in text and "internal error" not in text


@pytest.mark.parametrize(("logo", "problem"), [
    ("damaged.png", "is a damaged PNG image (Truncated File Read)"),
    ("corrupt-data.png", "is a damaged PNG image (broken PNG file (bad header checksum in IDAT))"),
    ("damaged.jpg", "is a damaged JPEG image (Truncated File Read)"),
    ("broken.svg", "is a damaged SVG image (Couldn't find end of Start Tag rect line 1, line 2, column 1)"),
    ("trust.webp", "is a WebP file, which jdgen does not use"),
    ("text.png", "is not a PNG, JPEG, GIF or SVG image"),
])
def test_validate_refuses_a_bad_logo_at_logo(logo: str, problem: str, tmp_path: Path, jdgen: Invoke,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, logo, monkeypatch)
    result = jdgen("-w", str(root), "validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [f"jdgen.yaml:2:7: error: logo '{logo}' {problem}", HINT]
    for command in (["build", "posts/pwp.yaml", "-f", "html,docx", "-o", "out"],
                    ["curriculum", "--framework", "ips", "-f", "docx", "-o", "out"]):
        result = jdgen("-w", str(root), *command)
        assert result.exit_code == 1 and f"jdgen.yaml:2:7: error: logo '{logo}' {problem}" in result.stderr
        no_crash(result)


def test_a_fifo_logo_is_refused_without_waiting(tmp_path: Path, jdgen: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, "logo.png", monkeypatch)
    os.mkfifo(root / "logo.png")
    result = jdgen("-w", str(root), "validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("jdgen.yaml:2:7: error: logo 'logo.png': refused: this is a FIFO, "
                                             "device or socket, not a regular file")


def test_svg_logo_in_html_and_pdf_not_in_word_with_one_warning(tmp_path: Path, jdgen: Invoke,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, "trust.svg", monkeypatch)
    assert (jdgen("-w", str(root), "validate").exit_code, jdgen("-w", str(root), "validate").stderr) == (0, "")
    result = jdgen("-w", str(root), "build", "posts/pwp.yaml", "-f", "html,pdf,docx", "-o", "out")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"jdgen.yaml: {SVG_WARNING}",
                                          "  hint: for a logo in Word documents too, give a PNG copy of it as logo:",
                                          "0 error(s), 1 warning(s)"]
    assert "data:image/svg+xml;base64," in (root / "out" / "pwp.html").read_text("utf-8")
    assert media(root / "out" / "pwp.docx") == []
    from pypdf import PdfReader

    assert PdfReader(root / "out" / "pwp.pdf").pages  # WeasyPrint drew it
    result = jdgen("-w", str(root), "curriculum", "--framework", "ips", "-f", "docx", "-o", "out")
    assert result.exit_code == 0 and result.stderr.count("warning:") == 1
    assert media(root / "out" / "curriculum-ips.docx") == []
    # no Word document asked for: no warning
    assert jdgen("-w", str(root), "build", "posts/pwp.yaml", "-f", "html", "-o", "out").stderr == ""


def test_validate_warns_of_an_svg_logo_when_word_is_a_default_format(tmp_path: Path, jdgen: Invoke,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, "trust.svg", monkeypatch, "formats: [html, docx]\n")
    result = jdgen("-w", str(root), "validate")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == f"jdgen.yaml:2:7: {SVG_WARNING}"
    assert jdgen("-w", str(root), "validate", "--strict").exit_code == 1


@pytest.mark.parametrize(("logo", "kind"), [("trust.png", "png"), ("trust.jpg", "jpeg")])
def test_png_and_jpeg_logos_reach_every_format(logo: str, kind: str, tmp_path: Path, jdgen: Invoke,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, logo, monkeypatch)
    result = jdgen("-w", str(root), "build", "posts/pwp.yaml", "-f", "html,docx", "-o", "out")
    assert (result.exit_code, result.stderr) == (0, "")
    assert f"data:image/{kind};base64," in (root / "out" / "pwp.html").read_text("utf-8")
    assert len(media(root / "out" / "pwp.docx")) == 1


def test_media_type_follows_the_content_not_the_name(tmp_path: Path, jdgen: Invoke,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace(tmp_path, "logo.png", monkeypatch)
    shutil.copy(LOGOS / "trust.jpg", root / "logo.png")  # a JPEG saved as .png
    assert jdgen("-w", str(root), "build", "posts/pwp.yaml", "-f", "html", "-o", "out").exit_code == 0
    assert "data:image/jpeg;base64," in (root / "out" / "pwp.html").read_text("utf-8")


@pytest.mark.parametrize("logo", ["damaged.png", "trust.svg", "text.png"])
def test_word_writer_never_fails_on_a_logo(logo: str) -> None:
    # jdgen.yaml's check keeps such logos out; a file damaged after the check is left out too
    doc = wordml.open_reference(None, "#005EB8")
    wordml.add_logo(doc, (LOGOS / logo).read_bytes())
    assert not list(doc.sections[0].header._element.iter(wordml.qn("w:drawing")))


@pytest.mark.parametrize("logo", ["damaged.png", "trust.svg"])
def test_web_app_with_such_a_logo(logo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jdgen.web import create_app

    root = workspace(tmp_path, logo, monkeypatch)
    client = create_app(root).test_client()
    origin = "http://localhost"
    token = client.get("/api/session", base_url=origin).get_json()["csrf_token"]
    post = client.get("/api/posts/pwp", base_url=origin).get_json()
    for fmt in ("html", "docx"):
        r = client.post(f"/api/render?format={fmt}", json=post, base_url=origin,
                        headers={"Origin": origin, "X-CSRF-Token": token})
        assert r.status_code == 200, r.data[:300]
    assert client.get("/", base_url=origin).status_code == 200
