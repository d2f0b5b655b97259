"""Issue 15 §4–6: characters no document can hold, line separators, long core properties, special
files, and returns that used to lose data without a word.

Every input is a file: an example post with one line changed, the training fixtures with one cell
or one byte of XML changed, a named pipe, a link to /dev/zero."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jdgen.cli import main
from jdgen.inputfile import UnreadableFile, read_regular
from jdgen.yamlio import parse_text

ROOT = Path(__file__).parents[1]
PWP = ROOT / "examples" / "posts" / "pwp.yaml"
TRAINING = Path(__file__).parent / "fixtures" / "training"
TITLE_LINE = "title: Psychological Wellbeing Practitioner\n"
DUTY_LINE = "    - >-\n      Take a turn on the service's duty rota,"


def _line_of(text: str) -> int:
    """The line of pwp.yaml where `text` starts (the example changes; the test follows it)."""
    source = PWP.read_text("utf-8")
    return source[:source.index(text)].count("\n") + 1
#: Guard for the special-file tests: a regression (a read that blocks or never ends) fails here
#: instead of hanging the suite. Not a timing assertion: the commands answer in a second or two.
GUARD_SECONDS = 120

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"JDGEN_WORKSPACE": None}, catch_exceptions=False)


def post_with(tmp_path: Path, old: str, new: str, name: str = "post.yaml") -> Path:
    """The PWP example with one piece of text replaced, written to tmp_path/name."""
    source = PWP.read_text("utf-8")
    assert source.count(old) == 1, old
    target = tmp_path / name
    target.write_text(source.replace(old, new), "utf-8")
    return target


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- §4 characters XML cannot hold ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    # escapes are the way in for U+FFFE and U+FFFF, in every style of value and in keys
    ('title: "a \\uFFFF b"\n', 1, 8, "character U+FFFF in text cannot be written into a document"),
    ('a:\n  - "x"\n  - "\\uFFFE"\n', 3, 5, "character U+FFFE in text cannot be written into a document"),
    ('"k\\uFFFF": 1\n', 1, 1, "character U+FFFF in text cannot be written into a document"),
    ('a: {b: "\\U0000FFFF"}\n', 1, 8, "character U+FFFF in text cannot be written into a document"),
    # text handed over as str (the web composer) can hold a lone surrogate: found at its place
    ("a: 1\nb: x\ud800y\n", 2, 5, "character U+D800 in text cannot be written into a document"),
    # libyaml's reader refuses the raw characters itself, with their position
    ("a: 1\nb: x\uffffy\n", 2, 5, "character U+FFFF is not allowed in YAML"),
    ("a: 'x\ufffe'\n", 1, 6, "character U+FFFE is not allowed in YAML"),
])
def test_characters_xml_cannot_hold_are_refused_with_their_position(text: str, line: int, col: int,
                                                                     message: str) -> None:
    _, problems = parse_text(text, "t.yaml")
    assert [(p.line, p.col, p.message) for p in problems] == [(line, col, message)]
    assert problems[0].code in ("noncharacter", "encoding")


@pytest.mark.parametrize("text", ["a: x\ufdd0y\n", "a: 'x\U0001fffe'\n", "a: \"\\U0010FFFF\"\n"])
def test_characters_xml_can_hold_are_kept(text: str) -> None:
    """Other noncharacters are valid XML 1.0 characters: Word and the PDF take them."""
    doc, problems = parse_text(text, "t.yaml")
    assert problems == [] and doc is not None and isinstance(doc.data["a"], str)


@pytest.mark.parametrize(("old", "new", "where"), [
    (TITLE_LINE, 'title: "Psychological \\uFFFF Practitioner"\n', "3:8"),
    (DUTY_LINE, '    - "Take the \\uFFFE duty rota."\n' + DUTY_LINE, f"{_line_of(DUTY_LINE)}:7"),  # a local duty
])
@pytest.mark.parametrize("command", [["validate"], ["build", "-f", "docx", "-o", "out"],
                                     ["checklist", "-f", "xlsx", "-o", "out", "--post"]])
def test_a_noncharacter_in_a_post_is_an_error_at_load(here: Path, old: str, new: str, where: str,
                                                      command: list[str]) -> None:
    post_with(here, old, new)
    result = run(*command, "post.yaml")
    assert result.exit_code == 1, result.output
    assert f"post.yaml:{where}: error: character U+FFF" in result.stderr
    assert "cannot be written into a document" in result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    assert not (here / "out").exists() or not any((here / "out").glob("post*"))


# --- §4 U+2028 / U+2029 are line breaks ---------------------------------------------------------


@pytest.mark.parametrize("text", ['a: "one\\Ptwo\\Lthree"\n', "a: 'one\u2029two\u2028three'\n",
                                  "a: one\u2029  two\u2028  three\n"])
def test_line_and_paragraph_separators_load_as_line_breaks(text: str) -> None:
    doc, problems = parse_text(text, "t.yaml")
    assert problems == [] and doc is not None
    assert "\u2028" not in doc.data["a"] and "\u2029" not in doc.data["a"]
    assert doc.data["a"].split() == ["one", "two", "three"]


def test_a_title_with_a_paragraph_separator_builds_to_pdf_docx_and_html(here: Path) -> None:
    post_with(here, TITLE_LINE, 'title: "Psychological \\PWellbeing Practitioner"\n')
    result = run("build", "post.yaml", "-f", "pdf,docx,html", "-o", "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (here / "out").iterdir() if not p.name.startswith(".")) == [
        "post.docx", "post.html", "post.pdf"]
    page = (here / "out" / "post.html").read_text("utf-8")
    assert "\u2029" not in page
    assert "<h1>Psychological \nWellbeing Practitioner</h1>" in page
    assert (here / "out" / "post.pdf").read_bytes().startswith(b"%PDF")
    from docx import Document

    word = Document(str(here / "out" / "post.docx"))
    assert word.core_properties.title == "Psychological \nWellbeing Practitioner"
    assert "Psychological \nWellbeing Practitioner" in [p.text for p in word.paragraphs]  # a line break in Word


def test_checklist_and_curriculum_pdf_with_a_paragraph_separator(here: Path) -> None:
    post_with(here, TITLE_LINE, 'title: "Psychological \\PWellbeing Practitioner"\n')
    text = (here / "post.yaml").read_text("utf-8")
    # a local duty with U+2029 written raw in single quotes (libyaml keeps it in a quoted value)
    (here / "post.yaml").write_text(text.replace(DUTY_LINE, "    - 'Take the \u2029duty rota.'\n" + DUTY_LINE), "utf-8")
    result = run("checklist", "--post", "post.yaml", "-f", "pdf,xlsx", "-o", "out")
    assert result.exit_code == 0, result.output
    result = run("curriculum", "--post", "post.yaml", "-f", "pdf", "-o", "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in (here / "out").iterdir()) == [".pdf", ".pdf", ".xlsx"]


# --- §4 long titles in Word's core properties -----------------------------------------------------


def test_a_title_and_organisation_over_255_characters_fit_word_core_properties(here: Path) -> None:
    title = "Psychological Wellbeing Practitioner " + "with a very long qualifier " * 12
    organisation = "Riverside " * 30 + "NHS Foundation Trust"
    post = post_with(here, TITLE_LINE, f"title: {title.strip()}\n")
    text = post.read_text("utf-8").replace("organisation: Riverside NHS Foundation Trust\n",
                                           f"organisation: {organisation}\n")
    post.write_text(text, "utf-8")
    assert len(title.strip()) > 255 and len(organisation) > 255
    result = run("build", "post.yaml", "-f", "docx", "-o", "out")
    assert result.exit_code == 0, result.output
    from docx import Document

    word = Document(str(here / "out" / "post.docx"))
    props = word.core_properties
    assert len(props.title) <= 255 and props.title.endswith("…")
    assert title.strip().startswith(props.title[:-1])
    assert len(props.author) <= 255 and props.author.endswith("…")
    assert title.strip() in [p.text for p in word.paragraphs]  # the document keeps the whole title


def test_fit_property_cuts_at_a_word() -> None:
    from jdgen.render.wordml import fit_property

    assert fit_property("short") == "short"
    assert fit_property("x" * 255) == "x" * 255
    assert fit_property("word " * 60) == ("word " * 50).strip() + "…"
    assert len(fit_property("y" * 400)) == 255


# --- §5 special files -----------------------------------------------------------------------------


@pytest.fixture
def fifo_guard() -> Iterator[Callable[[Path], None]]:
    """Registers named pipes; should a read of one block (a regression), a writer opens it after
    the guard time and closes it, again and again until the test ends, so every read ends (and the
    test fails) instead of hanging."""
    pipes: list[Path] = []
    stop = threading.Event()

    def release() -> None:
        if stop.wait(GUARD_SECONDS):
            return
        while not stop.wait(0.2):
            for pipe in pipes:
                try:
                    fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)  # fails (ENXIO) while nobody reads
                    os.close(fd)
                except OSError:
                    pass

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    yield pipes.append
    stop.set()
    thread.join()


def make_fifo(path: Path, guard: Callable[[Path], None]) -> Path:
    os.mkfifo(path)
    guard(path)
    return path


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def jdgen_process(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """jdgen in its own process with 2 GiB of address space, ended after GUARD_SECONDS: a read of
    /dev/zero that never ends fails the test (MemoryError or TimeoutExpired) instead of filling
    the machine's memory."""
    env = {k: v for k, v in os.environ.items() if k != "JDGEN_WORKSPACE"}
    return subprocess.run([sys.executable, "-m", "jdgen", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=GUARD_SECONDS, env=env, check=False, preexec_fn=_limit_memory)


@needs_fifo
def test_read_regular_refuses_pipes_devices_and_folders(tmp_path: Path, fifo_guard: Callable[[Path], None]) -> None:
    pipe = make_fifo(tmp_path / "pipe.yaml", fifo_guard)
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    cases = {pipe: ("not a regular file: it is a named pipe", "not-a-file"),
             tmp_path / "zero.yaml": ("not a regular file: it is a device", "not-a-file"),
             tmp_path: ("not a regular file: it is a folder", "not-a-file")}
    for path, expected in cases.items():
        with pytest.raises(UnreadableFile) as info:
            read_regular(path)
        assert (info.value.message, info.value.code) == expected


def test_read_regular_checks_the_size_before_and_while_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 11)
    with pytest.raises(UnreadableFile) as info:
        read_regular(big, limit=10)
    assert (info.value.message, info.value.code) == ("file is larger than 10 bytes", "file-too-large")
    assert read_regular(big, limit=11) == b"a" * 11
    (tmp_path / "link.yaml").symlink_to(big)  # a link to a regular file is read as that file
    assert read_regular(tmp_path / "link.yaml") == b"a" * 11


@needs_fifo
@pytest.mark.parametrize("command", [["validate"], ["build", "-o", "out", "-f", "html"]])
def test_a_named_pipe_given_as_a_post_is_refused_at_once(here: Path, fifo_guard: Callable[[Path], None],
                                                          command: list[str]) -> None:
    make_fifo(here / "pipe.yaml", fifo_guard)
    result = run(*command, "pipe.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("pipe.yaml: error: not a regular file: it is a named pipe\n")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("command", [["validate"], ["build", "-o", "out", "-f", "html"]])
def test_a_post_linked_to_dev_zero_is_refused_without_reading(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    proc = jdgen_process(tmp_path, *command, "zero.yaml")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("zero.yaml: error: not a regular file: it is a device\n")
    assert "Traceback" not in proc.stderr


@needs_fifo
@pytest.mark.parametrize("name", ["return.csv", "return.xlsx"])
def test_a_named_pipe_given_as_an_assessment_return_is_refused(tmp_path: Path, fifo_guard: Callable[[Path], None],
                                                                monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.chdir(TRAINING)
    returns = tmp_path / "returns"
    returns.mkdir()
    make_fifo(returns / name, fifo_guard)
    for path in (returns / name, returns):  # named, or found in a folder
        result = run("gap", "--post", "team-post.yaml", "--assessments", str(path), "-o", str(tmp_path / "out"))
        assert result.exit_code == 1
        assert f"{name}: error: not a regular file: it is a named pipe\n" in result.stderr
    assert not (tmp_path / "out").exists()


# --- §6 nothing lost --------------------------------------------------------------------------------


def rezip(source: Path, target: Path, member: str, edit: Callable[[str], str]) -> Path:
    """A copy of the workbook `source` with one member's XML edited."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == member:
                data = edit(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    return target


def gap(tmp_path: Path, returns: Path, out: str) -> Result:
    return run("gap", "--post", "team-post.yaml", "--assessments", str(returns), "-f", "json", "-o",
               str(tmp_path / out))


def test_xlsx_rows_beyond_the_stored_dimension_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TRAINING)
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(TRAINING / "team.xlsx") as z:
        assert '<dimension ref="A1:E58"/>' in z.read(sheet).decode()  # 3 people × 19 items + header
    short = rezip(TRAINING / "team.xlsx", tmp_path / "short.xlsx", sheet,
                  lambda xml: xml.replace('<dimension ref="A1:E58"/>', '<dimension ref="A1:C20"/>'))
    assert gap(tmp_path, short, "short").exit_code == 0
    assert gap(tmp_path, TRAINING / "team", "csv").exit_code == 0
    from_short = json.loads((tmp_path / "short" / "team-post-gap.json").read_text("utf-8"))
    from_csv = json.loads((tmp_path / "csv" / "team-post-gap.json").read_text("utf-8"))
    assert [p["person"] for p in from_short["people"]] == ["alice", "bob", "carol"]
    assert from_short == from_csv


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


def alice_rows(rating: Callable[[int, str], str] = lambda n, r: r) -> list[str]:
    rows = (TRAINING / "team" / "alice.csv").read_text("utf-8").splitlines()
    out = [rows[0]]
    for n, row in enumerate(rows[1:], start=2):
        cells = row.split(",")
        cells[2] = rating(n, cells[2])
        out.append(",".join(cells))
    return out


def test_a_repeated_column_in_a_csv_header_is_an_error_naming_it(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TRAINING)
    rows = [r + "," for r in alice_rows()]
    rows[0] = "person,item,rating,comment,Comment "
    result = gap(tmp_path, write_csv(tmp_path / "alice.csv", rows), "out")
    assert result.exit_code == 1
    shown = str(tmp_path / "alice.csv")
    assert result.stderr.startswith(f"{shown}:1:5: error: column 'Comment' appears twice (also column 4)\n")
    assert "assessment-header" not in result.stderr  # codes are shown by --format json only
    assert not (tmp_path / "out").exists()


def test_a_repeated_column_in_an_xlsx_header_is_an_error_naming_it(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TRAINING)
    sheet = "xl/worksheets/sheet1.xml"
    twice = rezip(TRAINING / "team.xlsx", tmp_path / "twice.xlsx", sheet,
                  lambda xml: xml.replace("<t>statement</t>", "<t>rating</t>"))
    result = gap(tmp_path, twice, "out")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{twice}[Checklist]:1:5: error: column 'rating' appears twice (also column 3)\n")


@pytest.mark.parametrize(("digit", "name"), [("\u0663", "Arabic-Indic three"), ("\uff13", "full-width three"),
                                             ("\u09e9", "Bengali three")])
def test_ratings_must_be_ascii_digits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, digit: str, name: str) -> None:
    monkeypatch.chdir(TRAINING)
    rows = alice_rows(lambda n, r: digit if n == 3 else r)
    result = gap(tmp_path, write_csv(tmp_path / "alice.csv", rows), "out")
    assert result.exit_code == 1, name
    assert result.stderr.startswith(f"{tmp_path / 'alice.csv'}:3:3: error: rating '{digit}' is not written "
                                    "with the digits 0 to 3\n")


@pytest.mark.parametrize("rating", ["+2", "0_3", " 2.0x"])
def test_other_spellings_of_a_number_are_not_ratings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     rating: str) -> None:
    monkeypatch.chdir(TRAINING)
    rows = alice_rows(lambda n, r: rating if n == 2 else r)
    result = gap(tmp_path, write_csv(tmp_path / "alice.csv", rows), "out")
    assert result.exit_code == 1
    assert f":2:3: error: rating '{rating.strip()}' is not a whole number 0 to 3\n" in result.stderr


def test_a_noncharacter_in_a_csv_return_is_an_error_at_its_cell(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TRAINING)
    rows = alice_rows()
    rows[4] += "not \uffff yet"
    result = gap(tmp_path, write_csv(tmp_path / "alice.csv", rows), "out")
    assert result.exit_code == 1
    assert (f"{tmp_path / 'alice.csv'}:5:4: error: character U+FFFF in a cell cannot be written into a document"
            in result.stderr.splitlines())


def test_what_an_xlsx_return_can_carry_of_such_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """XLSX escapes characters its XML cannot hold as _xHHHH_; openpyxl keeps the escape as text,
    so nothing a document cannot hold reaches the report, and the ratings are read."""
    monkeypatch.chdir(TRAINING)
    sheet = "xl/worksheets/sheet1.xml"
    escaped = rezip(TRAINING / "team.xlsx", tmp_path / "escaped.xlsx", sheet,
                    lambda xml: xml.replace('<c r="C4" t="n"><v>1</v></c>',
                                            '<c r="C4" t="n"><v>1</v></c><c r="D4" t="inlineStr"><is><t>'
                                            'a_xFFFF_b</t></is></c>', 1))
    result = gap(tmp_path, escaped, "out")
    if result.exit_code == 1:  # an openpyxl that decodes the escape: refused at its cell
        assert f"{escaped}[Checklist]:4:4: error: character U+FFFF in a cell" in result.stderr
    else:
        data = json.loads((tmp_path / "out" / "team-post-gap.json").read_text("utf-8"))
        comments = [b["comment"] for b in data["below_level"]]
        assert not any("\uffff" in c for c in comments)


def test_a_line_separator_in_a_return_comment_is_a_line_break(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TRAINING)
    rows = alice_rows()
    rows[3] += "first\u2029second"  # alice C3, rated 1: below the level, so her comment is reported
    result = gap(tmp_path, write_csv(tmp_path / "alice.csv", rows), "out")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "team-post-gap.json").read_text("utf-8"))
    assert [b["comment"] for b in data["below_level"] if b["item"] == "C3"] == ["first\nsecond"]


# --- §6 odd post names leave no temporary file ----------------------------------------------------


@pytest.mark.parametrize("stem", ["pw\np", "tab\there", "cr\rname", "é ü ñ", "quote'\"s"])
def test_a_temporary_file_left_by_a_killed_build_is_removed_by_the_next(tmp_path: Path, stem: str) -> None:
    """A writer killed mid-write (here: the process ends in fsync) leaves its temporary file; the
    next build removes it, so the folder holds only the expected files."""
    out = tmp_path / "out"
    out.mkdir()
    killed = subprocess.run([sys.executable, "-c", (
        "import os, sys\nfrom pathlib import Path\nfrom jdgen import output\n"
        "os.fsync = lambda fd: os._exit(9)\n"
        "output.write_atomic(Path(sys.argv[1]) / (sys.argv[2] + '.html'), 'half')\n"), str(out), stem],
        timeout=GUARD_SECONDS, check=False)
    assert killed.returncode == 9
    (left,) = [p.name for p in out.iterdir()]
    assert left.endswith(".tmp") and "\n" not in left and "\r" not in left and "\t" not in left
    posts = tmp_path / "posts"
    posts.mkdir()
    shutil.copy(PWP, posts / f"{stem}.yaml")
    result = run("build", str(posts), "-f", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([".jdgen-cache.json", ".jdgen-cache.lock",
                                                            "index.html", f"{stem}.html"])


def test_temporaries_of_older_jdgen_with_a_line_break_are_removed(tmp_path: Path) -> None:
    from jdgen.output import remove_stale_temporaries

    old = tmp_path / ".pw\np.html.abcd_123.tmp"  # named after the target, as before issue 15
    old.write_text("half", "utf-8")
    assert remove_stale_temporaries(tmp_path) == [old]
    assert list(tmp_path.iterdir()) == []


# --- the web composer hands text over as JSON -----------------------------------------------------


@pytest.mark.parametrize(("title", "message"), [
    ("Psychological \uffff Practitioner", "character U+FFFF in text cannot be written into a document"),
    ("Psychological \ud800 Practitioner", "YAML syntax: while parsing a quoted scalar, found invalid Unicode "
                                          "character escape code"),
    ("Psychological \u2029Wellbeing Practitioner", None),
])
def test_the_web_composer_checks_the_same_characters(tmp_path: Path, title: str, message: str | None) -> None:
    from jdgen.web import create_app

    (tmp_path / "posts").mkdir()
    shutil.copy(PWP, tmp_path / "posts")
    client = create_app(tmp_path).test_client()
    origin = "http://localhost"
    token = client.get("/api/session", base_url=origin).get_json()["csrf_token"]
    data = client.get("/api/posts/pwp", base_url=origin).get_json()
    data["title"] = title
    found = client.post("/api/validate", json=data, headers={"Origin": origin, "X-CSRF-Token": token})
    assert found.status_code == 200
    errors = [e["message"] for e in found.get_json()["errors"]]
    assert errors == ([message] if message else [])
