"""Atomic writes and safe output paths: a failure or Ctrl-C never leaves a half-written file,
nothing is written outside the output folder, and a write that fails (disk full, read-only
folder, a file in the way) is reported as one clear line instead of a traceback."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import Diagnostic, JdgenError, display_path

#: File stems Windows keeps for devices (whatever the extension): a post may not be named so, or its
#: workspace could not be copied to a Windows machine.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                              *(f"lpt{i}" for i in range(10))})


def windows_reserved(stem: str) -> bool:
    """True for 'con', 'NUL', 'com1', … (Windows ignores case and any extension)."""
    return stem.split(".", 1)[0].lower() in WINDOWS_RESERVED


#: Our temporary files: `.NAME.XXXXXXXX.tmp` beside the target (tempfile.mkstemp's random part).
_TEMP = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp", re.DOTALL)  # fullmatch: a name may hold "\n"
#: Characters a temporary file's name keeps from its target's; others become "_", so a post named
#: with a line break or other odd characters gives a plain temporary name.
_TEMP_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
#: Longest part of the target's name kept in a temporary name (its start and its suffix).
_TEMP_NAME_CHARS = 100
#: Only temporaries of the files jdgen writes are ever removed by `remove_stale_temporaries`.
_OUR_SUFFIXES = (".pdf", ".docx", ".html", ".md", ".json", ".csv", ".xlsx", ".yaml", ".txt")

_REASONS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder",
    errno.ENOENT: "the folder does not exist and cannot be created there",
    errno.ENAMETOOLONG: "the name is too long",
}


class OutputError(JdgenError):
    """A file could not be written (disk full, read-only folder, ...). Exit code 1."""

    code = "write-failed"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__([Diagnostic("", 0, 0, message, hint=hint, code=self.code)])
        self.message_text, self.hint = message, hint

    def __reduce__(self) -> tuple[type[OutputError], tuple[str, str]]:  # raised in build workers
        return (self.__class__, (self.message_text, self.hint))


class OutputFolderError(OutputError):
    """The output folder cannot be created where the option asked for it: a usage error, exit 2."""

    exit_code = 2
    code = "output-folder"


def _shown(path: Path) -> str:
    """The path as the user gave it relative to here, without following a symlink at its end."""
    return str(Path(display_path(path.parent)) / path.name)


def reason(exc: OSError, path: Path | None = None) -> str:
    """A short, lower-case explanation of an OSError for people."""
    if exc.errno == errno.EEXIST and path is not None and path.is_symlink():
        return f"it is a broken symbolic link (to {os.readlink(path)})"
    if exc.errno == errno.EEXIST:
        return "a file is in the way"
    text = _REASONS.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()
    return text


def prepare_folder(folder: Path) -> Path:
    """Create the output folder (and its parents) or raise an OutputError with exit code 2."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(f"cannot create output folder {_shown(folder)}: {reason(exc, folder)}",
                                hint="choose another folder with -o") from None
    if not folder.is_dir():  # e.g. a symlink to a file: mkdir(exist_ok) accepts it
        raise OutputFolderError(f"cannot create output folder {_shown(folder)}: a file is in the way",
                                hint="choose another folder with -o")
    return folder


def safe_output_path(out_dir: Path, name: str) -> Path:
    """OUT/name, refusing names that would escape OUT (absolute paths, '..', separators); OUT is
    created if needed (an OutputFolderError when it cannot be)."""
    prepare_folder(out_dir)
    target = (out_dir / name).resolve()
    if not target.is_relative_to(out_dir.resolve()) or Path(name).is_absolute():
        raise JdgenError([Diagnostic(name, 0, 0, f"output path '{name}' would be outside {out_dir}",
            code="output-path")])
    return target


def _lock(fd: int, blocking: bool = True) -> bool:
    """An exclusive advisory lock on an open file; False if another process holds it."""
    if sys.platform == "win32":  # pragma: no cover - jdgen is used on Linux and macOS
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def write_atomic(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target.

    The temporary file is locked while it exists, so a later build can tell a live writer's file
    from one left behind by a killed process. Any OSError becomes an OutputError naming the file;
    the old file (if any) is untouched and the temporary file is removed."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    prepare_folder(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{_temp_name(path.name)}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {_shown(path)}: {reason(exc)}") from None
    try:
        _lock(fd)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.fchmod(fd, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {_shown(path)}: {reason(exc)}") from None
        raise
    finally:
        os.close(fd)


def _temp_name(name: str) -> str:
    """The part of a temporary file's name taken from its target: plain characters only, and not so
    long that the temporary name would be refused where the target's is not."""
    plain = _TEMP_UNSAFE.sub("_", name)
    if len(plain) > _TEMP_NAME_CHARS:
        half = _TEMP_NAME_CHARS // 2
        plain = plain[:half] + "_" + plain[-(half - 1):]
    return plain


def _ours(name: str) -> bool:
    match = _TEMP.fullmatch(name)
    return match is not None and match.group("name").endswith(_OUR_SUFFIXES)


def remove_stale_temporaries(folder: Path, older_than: float | None = None) -> list[Path]:
    """Remove `.NAME.XXXXXXXX.tmp` files of jdgen's own naming that no live writer holds.

    A file is stale when nobody holds its lock (the process that wrote it is gone) and, when
    `older_than` is given, it was last modified before that time (so a file another build has just
    created, and not locked yet, is left alone). Returns the files removed."""
    removed: list[Path] = []
    try:
        candidates = [p for p in folder.iterdir() if _ours(p.name)]
    except OSError:
        return removed
    for path in candidates:
        try:
            if older_than is not None and path.lstat().st_mtime >= older_than:
                continue
            if path.is_symlink() or not path.is_file():
                continue
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if _lock(fd, blocking=False):
                os.unlink(path)
                removed.append(path)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


@contextlib.contextmanager
def folder_lock(folder: Path, name: str) -> Iterator[None]:
    """Hold an exclusive lock on FOLDER/NAME (created if needed) for the duration of the block,
    so read-merge-write updates by concurrent processes do not lose each other's changes."""
    path = folder / name
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot write {_shown(path)}: {reason(exc)}") from None
    try:
        _lock(fd)
        yield
    finally:
        os.close(fd)

