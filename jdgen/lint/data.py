"""The bundled data of the lint rules (word lists, Agenda for Change pay), each read once."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def bundled(name: str) -> Any:
    """The YAML data file `name` of jdgen/lint/data (bundled files are trusted and plain)."""
    text = resources.files("jdgen.lint").joinpath("data", name).read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
