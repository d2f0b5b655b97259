"""jdgen: competence frameworks as data, and the documents built from them."""

__version__ = "0.1.0"
