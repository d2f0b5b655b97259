"""Reading the workspace files a document uses (templates, pdf.css, reference.docx, the logo):
only regular files whose real path is inside the allowed folders, with their size checked before
reading, and without ever blocking on a FIFO."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path


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
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileRefused(f"refused: this {what} is a link to a file that does not exist", "special") from None
    except OSError as exc:
        raise FileRefused(f"cannot be read: {exc.strerror or exc}", "special") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO, device or socket"
            raise FileRefused(f"refused: this is {what}, not a regular file", "special")
        if info.st_size > limit:
            raise FileRefused(f"refused: the file is larger than {limit // (1024 * 1024)} MiB", "large")
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise FileRefused(f"refused: the file is larger than {limit // (1024 * 1024)} MiB", "large")
    return data
