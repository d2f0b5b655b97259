"""The quick check may only say "valid" when jsonschema agrees; it may say "not sure" freely."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from jdgen.library import bundled_root
from jdgen.quickcheck import quick_valid
from jdgen.schema import _inlined, _registry
from jdgen.yamlio import load_file

ROOT = bundled_root()
SAMPLES = {
    "cluster": sorted((ROOT / "clusters").rglob("*.yaml"))[:12],
    "framework": sorted((ROOT / "frameworks").glob("*.yaml")),
    "post": sorted(Path(__file__).parent.parent.joinpath("examples", "posts").glob("*.yaml")),
}
ODD_VALUES: list[Any] = [None, True, 0, 5, -1, 1.5, "", "x", "C1", [], ["a", "a"], {}, {"k": 1}, [1], "2026-02-30"]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


def _mutate(data: Any, rng: random.Random) -> Any:
    data = copy.deepcopy(data)
    path = rng.choice(_paths(data)[1:])
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    action = rng.randrange(4)
    if action == 0 and isinstance(parent, dict):
        del parent[last]
    elif action == 1 and isinstance(parent, dict):
        parent[f"{last}x"] = rng.choice(ODD_VALUES)
    elif action == 2:
        parent[last] = [parent[last]]
    else:
        parent[last] = rng.choice(ODD_VALUES)
    return data


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_quick_valid_never_accepts_what_jsonschema_rejects(kind: str) -> None:
    schema = _inlined(kind)
    validator = Draft202012Validator(schema, registry=_registry())
    rng = random.Random(2026)
    accepted = 0
    for path in SAMPLES[kind]:
        doc, problems = load_file(path)
        assert doc is not None and not problems
        for _ in range(150):
            mutated = _mutate(doc.data, rng)
            if quick_valid(schema, mutated):
                accepted += 1
                assert validator.is_valid(mutated), (path, mutated)
    assert accepted > 0  # the check is exercised on some valid mutations too


@pytest.mark.parametrize("kind", ["cluster", "framework"])
def test_quick_valid_accepts_the_bundled_files(kind: str) -> None:
    for path in SAMPLES[kind]:
        doc, _ = load_file(path)
        assert doc is not None
        assert quick_valid(_inlined(kind), doc.data), path
