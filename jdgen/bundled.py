"""Where jdgen's bundled data lives (frameworks/, clusters/, templates/), installed or from source.

Its own small module so that renderers and templating can find the bundled files without
importing the library loader (YAML, JSON Schema).
"""

from __future__ import annotations

from pathlib import Path


def bundled_root() -> Path:
    """Folder holding the bundled frameworks/, clusters/ and templates/ (wheel or source tree)."""
    package = Path(__file__).resolve().parent
    installed = package / "_bundled"
    return installed if installed.is_dir() else package.parent


def bundled_templates() -> Path:
    """The bundled templates/ folder."""
    return bundled_root() / "templates"
