"""Reading the workspace files a document uses (templates, pdf.css, reference.docx, the logo):
only files whose real path is inside the allowed folders, read by `inputfile.read_regular`
(regular files only, size checked before reading, never blocking on a FIFO)."""

from __future__ import annotations

import stat
from collections.abc import Sequence
from pathlib import Path

from .inputfile import UnreadableFile, read_regular


class FileRefused(Exception):
    """A workspace file jdgen will not read; `message` says why, `kind` is one of "outside" (a link
    leading out of the allowed folders), "special" (not a regular file) or "large"."""

    def __init__(self, message: str, kind: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.kind, self.hint = message, kind, hint


def read_confined(path: Path, roots: Sequence[Path], limit: int, what: str = "file") -> bytes:
    """The bytes of `path`, a regular file whose real path (links resolved) is inside one of
    `roots`, at most `limit` bytes; anything else raises FileRefused."""
    real = path.resolve()
    if not any(real.is_relative_to(root.resolve()) for root in roots):
        raise FileRefused(f"refused: this {what} is a link to {real}, outside the workspace and jdgen", "outside",
                          "copy the file into the workspace instead of linking to it")
    try:
        return read_regular(real, limit)
    except UnreadableFile as refused:
        raise _refusal(refused, what, limit) from None


def _refusal(refused: UnreadableFile, what: str, limit: int) -> FileRefused:
    """read_regular's refusal, worded for a workspace file a document uses."""
    if refused.code == "file-too-large":
        return FileRefused(f"refused: the file is larger than {limit // (1024 * 1024)} MiB", "large")
    if refused.mode is not None:
        kind = "a folder" if stat.S_ISDIR(refused.mode) else "a FIFO, device or socket"
        return FileRefused(f"refused: this is {kind}, not a regular file", "special")
    if isinstance(refused.error, FileNotFoundError):
        return FileRefused(f"refused: this {what} is a link to a file that does not exist", "special")
    error = refused.error
    return FileRefused(f"cannot be read: {(error.strerror or error) if error else refused.message}", "special")
