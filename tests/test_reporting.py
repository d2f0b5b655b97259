"""One way to report: diagnostic codes, `validate --format json|github`, the summary line, and
`JdgenError` as plain Python turned into output by the CLI."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import Result

from jdgen import errors
from jdgen.codes import CODES
from jdgen.errors import Diagnostic, JdgenError
from jdgen.reporter import as_github, summary_line
from jdgen.schema import _SCHEMA_CODES

FixtureDir = Callable[[str], Path]
Invoke = Callable[..., Result]
PACKAGE = Path(errors.__file__).parent


def _codes_in_source() -> set[str]:
    """Every `code="…"` keyword and every string passed as a code in jdgen's own source."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)):  # not an HTTP status: redirect(…, code=303)
                found.add(node.value.value)
            elif (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                  and any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets)):
                found.add(node.value.value)  # a class's code, e.g. OutputError.code
    return found


def test_every_code_used_is_documented() -> None:
    used = _codes_in_source() | set(_SCHEMA_CODES.values())
    assert {"duplicate-key", "unknown-item", "write-failed"} <= used  # the walk finds the codes
    assert sorted(used - set(CODES)) == []


def test_codes_are_short_lowercase_ids() -> None:
    for code in CODES:
        assert code == code.lower() and " " not in code and len(code) <= 30, code


def test_jdgen_error_is_plain_python() -> None:
    assert not issubclass(JdgenError, click.ClickException)
    assert "import click" not in (PACKAGE / "errors.py").read_text("utf-8")


def test_validate_json(jdgen: Invoke, fixture_dir: FixtureDir, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_dir("two-files"))
    result = jdgen("validate", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"path": "clusters/local/01-ld.yaml", "line": 6, "col": 11, "level": "error", "code": "schema-enum",
         "message": "items[0].kind must be one of: duty, ability, knowledge; got the text 'dutty'",
         "hint": "did you mean 'duty'?"},
        {"path": "clusters/local/02-le.yaml", "line": 9, "col": 13, "level": "error", "code": "unknown-link",
         "message": "unknown esc id 'ESC0'", "hint": "did you mean 'ESC10'?"},
    ]
    assert result.stderr == "2 error(s), 0 warning(s)\n"


@pytest.mark.parametrize(("fixture", "code"), [("dup-key", "duplicate-key"), ("bad-yaml", "yaml-syntax"),
                                               ("schema-missing-key", "schema-required"),
                                               ("unknown-key", "schema-unknown-key"),
                                               ("out-of-sequence", "id-sequence")])
def test_each_fixture_has_its_code(fixture: str, code: str, jdgen: Invoke, fixture_dir: FixtureDir,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_dir(fixture))
    result = jdgen("validate", "-f", "json")
    assert [d["code"] for d in json.loads(result.stdout)] == [code]


def test_validate_json_clean_is_an_empty_list(jdgen: Invoke, fixture_dir: FixtureDir,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_dir("good"))
    result = jdgen("validate", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout), result.stderr) == (0, [], "")


def test_validate_github(jdgen: Invoke, fixture_dir: FixtureDir, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_dir("unknown-key"))
    result = jdgen("validate", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout == ("::error file=clusters/local/ld.yaml,line=4,col=1,title=schema-unknown-key::"
                             "unknown key 'descripton'%0Ahint: did you mean 'description'?\n")
    assert result.stderr == "1 error(s), 0 warning(s)\n"


def test_github_escapes_properties_and_data() -> None:
    d = Diagnostic("a,b:c.yaml", 0, 0, "50% done\nnext", "warning", code="x")
    assert as_github(d) == "::warning file=a%2Cb%3Ac.yaml,title=x::50%25 done%0Anext"


def test_strict_warnings_say_why_they_failed(jdgen: Invoke, tmp_path: Path) -> None:
    post = Path(__file__).parent / "fixtures" / "posts" / "warn-fortnightly.yaml"
    loose = jdgen("validate", "-f", "json", str(post))
    assert loose.exit_code == 0
    assert [d["code"] for d in json.loads(loose.stdout)] == ["supervision-below-guidance"]
    strict = jdgen("validate", "--strict", str(post))
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[-1] == ("0 error(s), 1 warning(s); "
                                              "failed because warnings are errors under --strict")


def test_summary_line_form() -> None:
    assert summary_line(2, 1) == "2 error(s), 1 warning(s)"
    assert summary_line(0, 1, "1 of 3 post(s) not built") == "0 error(s), 1 warning(s); 1 of 3 post(s) not built"


def test_diagnostic_code_does_not_change_equality() -> None:
    assert Diagnostic("a", 1, 1, "m", code="x") == Diagnostic("a", 1, 1, "m")
    assert Diagnostic("a", 1, 1, "m").code == "invalid"


@pytest.mark.parametrize("command", [("curriculum", "-f", "json"), ("checklist", "-f", "csv")])
def test_warnings_of_any_command_end_with_the_summary(command: tuple[str, ...], jdgen: Invoke,
                                                      tmp_path: Path) -> None:
    post = Path(__file__).parent / "fixtures" / "posts" / "warn-fortnightly.yaml"
    result = jdgen(command[0], "--post", str(post), *command[1:], "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert ": warning: " in lines[0]
    assert lines[-1] == "0 error(s), 1 warning(s)"
    assert result.stdout.startswith("wrote ")
