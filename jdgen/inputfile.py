"""Reading an input file safely: only regular files, and their size checked before reading.

Every file jdgen reads as input (YAML, assessment returns, the post bytes of the build
fingerprint) goes through `read_regular`, so a named pipe, a device (a post linked to
/dev/zero) or a folder is refused at once instead of hanging or filling memory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Largest input file we read at all (bytes).
MAX_FILE_BYTES = 20 * 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnreadableFile(Exception):
    """An input file that is not read: its message and diagnostic code, and what was found (the
    file's mode when it was opened, the OS error when it could not be), for callers that word
    the refusal their own way."""

    def __init__(self, message: str, code: str, mode: int | None = None, error: OSError | None = None) -> None:
        super().__init__(message)
        self.message, self.code, self.mode, self.error = message, code, mode, error


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of `path` (links followed) if it is a regular file of at most `limit` bytes;
    otherwise UnreadableFile. Opened without blocking, so a named pipe with no writer does not
    hang, and checked with fstat on the open file before a byte is read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}", "read-error", error=exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _kind(info.st_mode)
            raise UnreadableFile(f"not a regular file: it is {kind}" if kind != "not a regular file"
                                 else "not a regular file", "not-a-file", mode=info.st_mode)
        if info.st_size > limit:
            raise UnreadableFile(f"file is larger than {limit} bytes", "file-too-large")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # the file may grow after fstat: never read more than limit + 1 bytes
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnreadableFile(f"file is larger than {limit} bytes", "file-too-large")
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}", "read-error", error=exc) from None
    finally:
        os.close(fd)
