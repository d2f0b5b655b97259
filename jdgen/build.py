"""`jdgen build`: posts → documents. Folders build in parallel across processes, skip posts whose
inputs have not changed, and write an index; one bad post does not stop the others."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .errors import Diagnostic, JdgenError, display_path
from .library import yaml_files
from .output import (
    OutputError,
    folder_lock,
    prepare_folder,
    remove_stale_temporaries,
    safe_output_path,
    write_atomic,
)
from .registry import KINDS
from .workspace import Workspace

if TYPE_CHECKING:
    from .posts import ResolvedPost

JOB_DESCRIPTION = "job-description"
FORMATS = KINDS[JOB_DESCRIPTION].names
CACHE_FILE = ".jdgen-cache.json"
LOCK_FILE = ".jdgen-cache.lock"
#: Post file stems whose outputs would overwrite jdgen's own files in the output folder.
RESERVED = {Path(CACHE_FILE).stem: CACHE_FILE}


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    formats: tuple[str, ...]
    strict: bool = False
    profile: str | None = None  # None: jdgen.yaml's `profile`, else jd
    show_warnings: bool = False  # HTML preview only


@dataclass
class BuildResult:
    post: str
    name: str
    status: str  # built | skipped | failed
    files: list[str] = field(default_factory=list)
    title: str = ""
    grade: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fingerprint: str = ""


def post_files(target: Path) -> list[Path]:
    return yaml_files(target) if target.is_dir() else [target]


def fingerprint(post: Path, shared: str, options: BuildOptions) -> str:
    from .inputfile import UnreadableFile, read_regular

    try:
        h = hashlib.sha256(read_regular(post))  # a pipe or device is refused, not read
    except UnreadableFile:
        return ""  # never fresh: building it reports why it cannot be read
    h.update(shared.encode())
    h.update(",".join(options.formats).encode())
    h.update(str(options.strict).encode())
    h.update(f"{options.profile}|{options.show_warnings}".encode())
    return h.hexdigest()


def _approval_key(workspace: Workspace, post: Path) -> str:
    """The post's approval (the full profile's notes show it), so approving a post rebuilds it."""
    from .workflow import STATUS_FILE, load

    if not (workspace.root / STATUS_FILE).is_file():
        return ""
    approval = load(workspace.root).get(post.stem).approval
    return f"|approved:{approval.by}:{approval.on}:{approval.sha256}" if approval else ""


#: The one Workspace of a build worker process, set once by the pool initializer (`_worker_init`),
#: so that it is not pickled again with every post; the parent process never reads it.
_WORKER_WORKSPACE: list[Workspace] = []


def build_post(post_path: Path, workspace: Workspace, options: BuildOptions, fp: str = "") -> BuildResult:
    """Resolve one post and write each format; errors are returned, never raised."""
    result = BuildResult(str(post_path), post_path.stem, "failed", fingerprint=fp)
    try:
        from .posts import resolve_file

        post = resolve_file(post_path, workspace)
        result.diagnostics += post.warnings
        if options.strict and post.warnings:
            return result
        result.title, result.grade = post.terms["title"], post.terms.get("grade", "")
        from .registry import render, write_all
        from .render.documents import JobDocument

        doc = JobDocument(post, workspace, options.profile or workspace.settings.profile, options.show_warnings)
        documents = render(JOB_DESCRIPTION, options.formats, doc)
        result.diagnostics += [_refused(result.post, url) for url in doc.refused]
        if options.strict and result.diagnostics:
            return result
        # written only once every format has rendered
        result.files += [target.name for target in write_all(options.out, post_path.stem, documents)]
        result.status = "built"
    except OutputError:
        raise  # the output folder is unusable (disk full, read-only): the whole build stops
    except JdgenError as exc:
        result.diagnostics += exc.diagnostics
    except OSError as exc:  # reading the post or a file it names failed after validation
        from .output import reason

        result.diagnostics.append(Diagnostic(display_path(post_path), 0, 0, f"cannot build: {reason(exc)}",
                                              code="read-error"))
    except Exception as exc:  # a bug must not stop the other posts; report it for this one
        result.diagnostics.append(Diagnostic(result.post, 0, 0, f"internal error while building: {exc!r}",
                                             hint="this is a jdgen bug; please report it with the post file",
                                                 code="internal-error"))
    return result


def _refused(post: str, url: str) -> Diagnostic:
    return Diagnostic(post, 0, 0, f"refused to fetch {url}: only files of jdgen and the workspace, and data: URLs, "
                      "may be used", "warning", code="fetch-refused")


def render_format(post: ResolvedPost, workspace: Workspace, fmt: str, profile: str = "jd",
                  show_warnings: bool = False) -> tuple[bytes | str, list[str]]:
    """One document in one format and profile, through the registry; returns its content and any
    refused URLs (PDF). Warnings are shown only in HTML, and only when asked."""
    from .registry import renderer
    from .render.documents import JobDocument

    doc = JobDocument(post, workspace, profile, show_warnings)
    return renderer(JOB_DESCRIPTION, fmt)(doc), doc.refused


def _load_cache(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / CACHE_FILE).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def build(targets: list[Path], workspace: Workspace, options: BuildOptions, jobs: int, force: bool = False,
          progress: Callable[[BuildResult], None] | None = None) -> list[BuildResult]:
    """Build every post; unchanged posts are skipped unless `force`. Ctrl-C (or a write error) stops
    the workers at once, removes what they were writing, and is raised again for the CLI to report.
    The workspace is handed to each worker process once, through the pool initializer."""
    try:
        return _build(targets, workspace, options, jobs, force, progress)
    except BaseException:
        # Ctrl-C, or a write error that stops the build: the workers were ended, perhaps mid-write,
        # so remove any temporary file they left (live writers hold a lock and are left alone).
        remove_stale_temporaries(options.out)
        raise


def _build(targets: list[Path], workspace: Workspace, options: BuildOptions, jobs: int, force: bool,
           progress: Callable[[BuildResult], None] | None) -> list[BuildResult]:
    started = time.time()
    posts = [p for t in targets for p in post_files(t)]
    writes_index = len(posts) > 1 or any(t.is_dir() for t in targets)
    posts, refused = _unique_names(posts, writes_index)
    prepare_folder(options.out)
    remove_stale_temporaries(options.out, older_than=started)
    cache = _load_cache(options.out)
    shared = workspace.fingerprint
    results: list[BuildResult] = []
    todo: list[tuple[Path, str]] = []
    for post in posts:
        fp = fingerprint(post, shared + _approval_key(workspace, post), options)
        entry = cache.get(post.stem, {})
        fresh = entry.get("fingerprint") == fp and all((options.out / f).is_file() for f in entry.get("files", []))
        if fresh and not force:
            results.append(BuildResult(str(post), post.stem, "skipped", entry["files"], entry.get("title", ""),
                                       entry.get("grade", ""), fingerprint=fp))
            if progress:
                progress(results[-1])
        else:
            todo.append((post, fp))
    if jobs > 1 and len(todo) > 1:
        results += _build_parallel(todo, workspace, options, min(jobs, len(todo)), progress)
    else:
        for post, fp in todo:
            results.append(build_post(post, workspace, options, fp))
            if progress:
                progress(results[-1])
    order = {str(p): i for i, p in enumerate(posts)}
    results.sort(key=lambda r: order[r.post])
    results += refused
    _update_cache(options.out, results)
    if writes_index:
        write_index(results, options, workspace)
    return results


def _build_parallel(todo: list[tuple[Path, str]], workspace: Workspace, options: BuildOptions, workers: int,
                    progress: Callable[[BuildResult], None] | None) -> list[BuildResult]:
    """One process per post at a time; on any interruption the pool is stopped, not drained."""
    results: list[BuildResult] = []
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                               initargs=(os.getpid(), workspace))
    try:
        futures: list[Future[BuildResult]] = [pool.submit(_build_in_worker, post, options, fp) for post, fp in todo]
        for future in as_completed(futures):
            results.append(future.result())
            if progress:
                progress(results[-1])
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()
    return results


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now (a worker killed mid-write leaves only a
    temporary file, which the caller removes)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)  # shutdown forgets it
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        p.terminate()
    deadline = time.monotonic() + 2
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(1)
    if manager is not None:
        _forget_manager(manager)


def _forget_manager(thread: threading.Thread) -> None:
    """Take a stopped pool's manager thread off the list that concurrent.futures wakes at interpreter exit
    (`shutdown` has already woken it, and the interpreter still joins it). Otherwise, on Python before
    3.12, the exit handler may write to the wake-up pipe the finishing thread has just closed, and a
    Ctrl-C ends with an 'OSError: Bad file descriptor' traceback (about once in twelve interrupts on a
    loaded machine)."""
    import concurrent.futures.process as futures_process

    wakeups = getattr(futures_process, "_threads_wakeups", None)
    if wakeups is not None:
        wakeups.pop(thread, None)
    thread.join(2)


def _build_in_worker(post_path: Path, options: BuildOptions, fp: str) -> BuildResult:
    return build_post(post_path, _WORKER_WORKSPACE[0], options, fp)


def _worker_init(parent: int, workspace: Workspace) -> None:
    """In each worker: take the parent's workspace, leave Ctrl-C to the parent, and die with the
    parent even if it is killed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_WORKSPACE[:] = [workspace]
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        with_errno = ctypes.CDLL(None, use_errno=True)
        with_errno.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()


def _watch_parent(parent: int, interval: float = 0.5) -> None:
    """Portable fallback for PR_SET_PDEATHSIG: exit once the parent is gone (we are re-parented)."""
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(1)


def _update_cache(out: Path, results: list[BuildResult]) -> None:
    """Merge this build's results into the cache under a lock, so concurrent builds into one folder
    keep each other's entries."""
    with folder_lock(out, LOCK_FILE):
        cache = _load_cache(out)
        for r in results:
            if r.status == "failed":
                cache.pop(r.name, None)
            else:
                cache[r.name] = {"fingerprint": r.fingerprint, "files": r.files, "title": r.title,
                                 "grade": r.grade}
        write_atomic(out / CACHE_FILE, json.dumps(cache, indent=1, sort_keys=True))


def _unique_names(posts: list[Path], writes_index: bool) -> tuple[list[Path], list[BuildResult]]:
    """Posts whose outputs would collide (same file stem, or 'index' beside the folder index) are refused."""
    seen: dict[str, Path] = {}
    keep, refused = [], []
    for post in posts:
        clash = seen.get(post.stem)
        if clash is not None or (writes_index and post.stem == "index") or post.stem in RESERVED:
            if clash is not None:
                why = f"another post has the same file name ({display_path(clash)}); outputs are named after it"
            elif post.stem in RESERVED:
                why = f"the name '{post.stem}' is reserved: jdgen keeps its {RESERVED[post.stem]} in the output folder"
            else:
                why = "a post named 'index' would overwrite the folder's index.html"
            refused.append(BuildResult(str(post), post.stem, "failed",
                                       diagnostics=[Diagnostic(display_path(post), 0, 0, why,
                                                               hint="rename the post file",
                                                               code="output-reserved" if post.stem in RESERVED
                                                               else "output-clash")]))
            continue
        seen[post.stem] = post
        keep.append(post)
    return keep, refused


def write_index(results: list[BuildResult], options: BuildOptions, workspace: Workspace) -> None:
    from .render.templating import page_context, render

    settings = workspace.settings
    posts = [{"title": r.title or r.name, "grade": r.grade, "status": {"built": "Built", "skipped": "Up to date",
                                                                        "failed": "Failed: see messages"}[r.status],
              "files": [{"href": "./" + quote(f), "format": f.rsplit(".", 1)[-1]} for f in r.files]} for r in results]
    html = render(workspace.root, "index.html.j2",
                  {**page_context(settings, "Job descriptions", "Job descriptions"), "posts": posts})
    write_atomic(safe_output_path(options.out, "index.html"), html)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))

