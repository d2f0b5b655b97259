"""`jdgen serve` as real server processes on one workspace (issue 19 item 4): a stale save is refused
across processes (If-Match, file lock), a login made on one process works on another and survives a
restart (the key kept in .jdgen/secret_key), and `--workers 2` runs two gunicorn workers."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from jdgen import accounts

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("gunicorn runs on Unix only", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """One `jdgen serve` process (and its workers), stopped by `stop()`."""

    def __init__(self, workspace: Path, *extra: str) -> None:
        self.workspace, self.extra, self.port = workspace, extra, free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "JDGEN_SECRET_KEY"}
        self.proc = subprocess.Popen([sys.executable, "-m", "jdgen", "-w", str(self.workspace), "serve",
                                      "--port", str(self.port), *self.extra], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.proc.stderr.read().decode() if self.proc.stderr else ""
            try:
                if self.call("GET", "/static/app.css")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
             ) -> tuple[int, http.client.HTTPMessage, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            data = json.dumps(body).encode() if body is not None else None
            sent = {"Content-Type": "application/json", **(headers or {})} if data is not None else dict(headers or {})
            conn.request(method, path, body=data, headers=sent)
            r = conn.getresponse()
            return r.status, r.headers, r.read()
        finally:
            conn.close()


def login(server: Server, user: str) -> dict[str, str]:
    """Headers that make requests as `user` on `server`: the session cookie, Origin and CSRF token."""
    status, headers, body = server.call("POST", "/api/session", {"user": user, "password": PASSWORD})
    assert status == 200, body
    cookie = headers["Set-Cookie"].split(";")[0]
    return {"Cookie": cookie, "Origin": f"http://127.0.0.1:{server.port}",
            "X-CSRF-Token": json.loads(body)["csrf_token"]}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workers")
    (root / "posts").mkdir()
    (root / "posts" / "pwp.yaml").write_bytes((ROOT / "examples" / "posts" / "pwp.yaml").read_bytes())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts, "HASH_COST", {"time_cost": 1, "memory_cost": 64, "parallelism": 1})
        accounts.add(root, "alice", "author", PASSWORD)
        accounts.add(root, "bob", "author", PASSWORD)
    return root


@pytest.fixture(scope="module")
def two(workspace: Path) -> Iterator[tuple[Server, Server]]:
    """Two server processes on the same workspace, as two workers behind one proxy would be."""
    a, b = Server(workspace), Server(workspace)
    yield a, b
    a.stop()
    b.stop()


def _origin(server: Server, headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Origin": f"http://127.0.0.1:{server.port}"}


def test_stale_save_is_refused_across_processes(two: tuple[Server, Server]) -> None:
    a, b = two
    alice, bob = login(a, "alice"), login(b, "bob")
    status, headers, body = a.call("GET", "/api/posts/pwp", headers=alice)
    assert status == 200
    post, read_etag = json.loads(body), headers["ETag"]
    post["title"] = "Psychological Wellbeing Practitioner (bob)"
    saved = b.call("PUT", "/api/posts/pwp", post, {**bob, "If-Match": read_etag})
    assert saved[0] == 200
    post["title"] = "Psychological Wellbeing Practitioner (alice)"
    stale = a.call("PUT", "/api/posts/pwp", post, {**alice, "If-Match": read_etag})
    assert stale[0] == 412 and "changed by someone else" in json.loads(stale[2])["error"]
    assert stale[1]["ETag"] == saved[1]["ETag"]


def test_a_login_works_on_another_process_and_survives_a_restart(two: tuple[Server, Server]) -> None:
    a, b = two
    alice = login(a, "alice")
    on_b = b.call("GET", "/api/session", headers=_origin(b, alice))
    assert on_b[0] == 200 and json.loads(on_b[2])["csrf_token"] == alice["X-CSRF-Token"]
    a.stop()
    a.start()  # same port, same workspace: the key in .jdgen/secret_key signs the old cookie
    status, _, body = a.call("GET", "/api/session", headers=alice)
    assert status == 200 and json.loads(body)["user"] == "alice"
    post = json.loads(a.call("GET", "/api/posts/pwp", headers=alice)[2])
    etag = a.call("GET", "/api/posts/pwp", headers=alice)[1]["ETag"]
    assert a.call("PUT", "/api/posts/pwp", post, {**alice, "If-Match": etag})[0] == 200  # the old token too


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts worker processes in /proc (Linux)")
def test_two_gunicorn_workers_refuse_all_but_one_of_many_concurrent_stale_saves(workspace: Path) -> None:
    server = Server(workspace, "--workers", "2")
    try:
        assert server.proc is not None
        deadline = time.monotonic() + 30  # the master answers as soon as its first worker is up
        while len(_children(server.proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_children(server.proc.pid)) == 2
        sessions = [login(server, "alice") for _ in range(4)]
        _, headers, body = server.call("GET", "/api/posts/pwp", headers=sessions[0])
        post, etag = json.loads(body), headers["ETag"]

        def save(i: int) -> int:
            changed = {**post, "title": f"Psychological Wellbeing Practitioner {i}"}
            return server.call("PUT", "/api/posts/pwp", changed, {**sessions[i % 4], "If-Match": etag})[0]

        with ThreadPoolExecutor(12) as pool:
            results = sorted(pool.map(save, range(24)))
        assert results.count(200) == 1 and results.count(412) == 23
    finally:
        server.stop()
