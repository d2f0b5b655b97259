"""Every HTML document jdgen writes passes the Nu HTML Checker and axe-core, and the checklist
form saves a CSV that `jdgen gap` accepts (scripts/check_html.py; one vnu run, one Chromium).
Skipped, saying what is missing, where Java, Chromium, Node or the npm packages are absent."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_html.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_html", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_html"] = module
    spec.loader.exec_module(module)
    return module


def test_every_html_document_passes_vnu_and_axe(tmp_path: Path) -> None:
    checker = load_script()
    missing = checker.missing_tools(checker.cache_dir())
    if missing:
        pytest.skip("HTML validators not run, missing: " + "; ".join(missing))
    files = checker.build_documents(tmp_path / "docs")
    saved = tmp_path / "form" / "saved.csv"
    saved.parent.mkdir()
    # vnu reads every document; axe (about a second a page) the job descriptions of the default
    # profile, one post in each other profile, and every report (scripts/check_html.py runs axe on all)
    docs = tmp_path / "docs"
    sample = [f for f in files if f.parent != docs / "full" and f.parent != docs / "advert"]
    sample += [docs / "full" / "pwp.html", docs / "advert" / "pwp.html"]
    # the composer's pages go to the Nu checker too (axe checks them in Chromium in test_web_browser.py)
    pages = checker.web_pages(tmp_path / "web")
    assert len(pages) == len(checker.WEB_PAGES) + 3
    findings = checker.check(files + pages, checker.cache_dir(), (docs / "pwp-checklist.html", saved), sample)
    assert len(files) == (len(list(checker.EXAMPLES.glob('*.yaml'))) + 1) * len(checker.PROFILES) + 8
    assert findings.total() == 0, checker.report(findings, files + pages, tmp_path)
    # the form filled in and saved in Chromium gives a CSV that gap reads without a complaint
    assert saved.read_text(encoding="utf-8").startswith("person,item,rating,comment,statement\nPat Example,C1,0,")
    assert checker.gap_accepts(saved, tmp_path / "form") == ""
