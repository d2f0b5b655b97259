"""Mutated inputs through the real CLI: any outcome but a clean message and exit 0/1/2 is a bug.

A small deterministic mutation run (seeded; the Hypothesis fuzz test is tests/test_fuzz_hypothesis.py):
line deletions and duplications, truncation, inserted control characters and brackets, swapped
values, deep nesting, in an example post and a checklist CSV."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from jdgen.cli import main

ROOT = Path(__file__).parent.parent
POST = (ROOT / "examples" / "posts" / "pwp.yaml").read_text(encoding="utf-8")


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    kind = rng.randrange(8)
    i = rng.randrange(len(lines))
    if kind == 0:
        del lines[i]
    elif kind == 1:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif kind == 2:
        return text[: rng.randrange(len(text))]
    elif kind == 3:
        pos = rng.randrange(len(text))
        return text[:pos] + rng.choice(["\\x01", "\x00", "\t", '"\\a"', "\u0085", "\xff"]) + text[pos:]
    elif kind == 4:
        pos = rng.randrange(len(text))
        return text[:pos] + rng.choice(["[", "]", "{", "}", ": ", "- ", "&a", "*a", "!!float ", "#"]) + text[pos:]
    elif kind == 5:
        j = rng.randrange(len(lines))
        if ": " in lines[i] and ": " in lines[j]:
            a, b = lines[i].split(": ", 1), lines[j].split(": ", 1)
            lines[i], lines[j] = f"{a[0]}: {b[1]}", f"{b[0]}: {a[1]}"
    elif kind == 6:
        lines[i] = lines[i].split(":")[0] + ": " + rng.choice([".nan", ".inf", "5.0e-324", "1" * 30, "-1", "0",
                                                               "true", "null", "[]", "{}", "~"])
    else:
        lines.insert(i, "x: " + "[" * 150 + "]" * 150)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(40))
def test_mutated_post_gives_a_clean_outcome(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    text = POST
    for _ in range(rng.randint(1, 3)):
        text = _mutate(text, rng)
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8", errors="surrogateescape")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (["validate", "p.yaml"], ["build", "p.yaml", "-o", "out", "-f", "html,md,json"]):
        result = runner.invoke(main, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (text, result.output)
        assert result.exit_code in (0, 1, 2), result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
