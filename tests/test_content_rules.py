"""Content rules every bundled framework keeps (issue 9 §7): full statements, no repeated text, a KSF
link on every item, every link resolving, provenance stated, and no sentence taken from a seed."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from jdgen.library import bundled_root, check_library, discover
from jdgen.model import Item, Library

MIN_WORDS = 6
SHINGLE = 12
REPO = Path(__file__).resolve().parent.parent



def _seeds() -> Path:
    """`../shared/seeds` beside the repository (or beside a folder holding it, for git worktrees)."""
    for folder in REPO.parents:
        if (folder / "shared" / "seeds").is_dir():
            return folder / "shared" / "seeds"
    return REPO.parent / "shared" / "seeds"


SEEDS = _seeds()


@pytest.fixture(scope="module")
def library() -> Library:
    lib, problems = check_library(discover(None))
    assert [d.format() for d in problems if d.level == "error"] == []  # every link resolves
    return lib


def _items(library: Library) -> list[Item]:
    return [item for fw in library.frameworks.values() if fw.origin == "bundled" for item in fw.all_items()]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.casefold())


def test_every_item_is_a_full_statement(library: Library) -> None:
    items = _items(library)
    assert len(items) > 300
    short = [f"{i.framework}:{i.id}" for i in items if len(i.text.split()) < MIN_WORDS]
    short += [f"{i.framework}:{s.id}" for i in items for s in i.sub if len(s.text.split()) < MIN_WORDS]
    assert short == []


def test_no_two_items_share_their_text(library: Library) -> None:
    texts = Counter(" ".join(_words(t)) for i in _items(library) for t in (i.text, *(s.text for s in i.sub)))
    assert [t for t, n in texts.items() if n > 1] == []


def test_every_item_has_a_ksf_link(library: Library) -> None:
    missing = [f"{i.framework}:{i.id}" for i in _items(library)
               if not any(link.framework == "ksf" and link.level for link in i.links)]
    assert missing == []


def test_every_link_resolves(library: Library) -> None:
    checked = 0
    for item in _items(library):
        for link in item.links:
            target = library.frameworks[link.framework]
            found = (library.entry(link.framework, link.target) if target.kind == "reference"
                     else library.item(link.framework, link.target))
            assert found is not None, (item.id, link)
            checked += 1
    assert checked > 600


def test_each_framework_states_its_provenance(library: Library) -> None:
    for fw in library.frameworks.values():
        prov = fw.provenance
        assert prov.source.strip() and prov.publisher.strip(), fw.id
        assert len(prov.authored.split()) >= 12, f"{fw.id}: say what was taken and what was written"


def _bundled_texts() -> list[Path]:
    root = bundled_root()
    files = [p for folder in ("frameworks", "clusters", "templates") for p in (root / folder).rglob("*")
             if p.is_file() and p.suffix in (".yaml", ".yml", ".j2", ".html", ".md", ".css", ".txt")]
    files += [*sorted((REPO / "docs").glob("*.md")), REPO / "README.md"]
    files += sorted((REPO / "examples" / "posts").glob("*.yaml"))
    return [p for p in files if p.is_file()]


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def test_no_bundled_text_shares_twelve_words_with_a_seed() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed texts are not here ({SEEDS}): only a source checkout beside ../shared has them")
    seeds = {p.name: _shingles(_words(p.read_text("utf-8", errors="replace"))) for p in sorted(SEEDS.iterdir())
             if p.is_file()}
    assert seeds, "the seeds folder is empty"
    found = []
    files = _bundled_texts()
    assert len(files) > 40
    for path in files:
        words = _words(path.read_text("utf-8"))
        mine = _shingles(words)
        for name, theirs in seeds.items():
            for shared in sorted(mine & theirs)[:1]:
                found.append(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: "
                             f"'{' '.join(shared)}' is in {name}")
    assert found == []


def test_the_overlap_check_would_catch_a_copied_sentence() -> None:
    """The check above is only honest if twelve copied words are found, even across a line break."""
    if not SEEDS.is_dir():
        pytest.skip(f"the seed texts are not here ({SEEDS})")
    seed = sorted(p for p in SEEDS.iterdir() if p.is_file())[0]
    words = _words(seed.read_text("utf-8", errors="replace"))
    copied = "Intro text. " + " ".join(words[40:46]) + "\n  " + " ".join(words[46:52]) + " and more."
    assert _shingles(_words(copied)) & _shingles(words)
