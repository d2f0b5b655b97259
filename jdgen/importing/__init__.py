"""`jdgen import`: job descriptions written elsewhere (Word, PDF, HTML, Markdown, text) read into posts.

read (readers.py: a file → blocks) → structure (structure.py, fields.py: blocks → ImportedDocument)
→ match (matcher.py: each duty → framework items) → post (post.py: the post's data and YAML).
Heavy libraries (python-docx, pypdf, lxml, scikit-learn) are imported only when a file is read or
matched, so other commands stay fast.
"""
