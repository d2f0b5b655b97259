"""`jdgen serve`: a local web app to browse the library and compose, check, preview, save and
download posts, on top of the same functions the command line uses."""

from .app import create_app

__all__ = ["create_app"]
