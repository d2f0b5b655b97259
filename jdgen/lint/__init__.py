"""`jdgen lint`: wording checks of the text an author writes in posts and local clusters.

Each rule (jdgen/lint/registry.py) is a pure function of a `Subject` (one loaded file, its
author's texts and the workspace) returning `Finding`s at the line and column of the word.
"""

from __future__ import annotations

from .model import Finding
from .registry import RULES
from .run import Linter, Report, lint_data, lint_document, lint_file, lint_paths, linter

__all__ = ["RULES", "Finding", "Linter", "Report", "lint_data", "lint_document", "lint_file", "lint_paths",
           "linter"]
