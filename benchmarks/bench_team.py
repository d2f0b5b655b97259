"""Benchmark: a team on one server (issue 19 §4). `jdgen serve --workers 4` (gunicorn) on loopback,
a workspace with 20 accounts (Argon2id at its real cost), and 20 simulated users, each a thread
with its own login, for a bounded time (default 20 s, `--seconds N`).

Each user, in a loop: opens the Compose page of a post and previews it as the composer does as you
type (POST /compose/check with the page's form), then edits one of 5 shared posts: reads it (GET,
ETag), appends a marker line of its own to the summary, and saves it with If-Match; a 412 (someone
saved first) means read again and redo the edit; then pauses (uniformly 0 to 2× `--think`, 1 s on
average: people edit far less often; `--think 0` is the saturated worst case). Printed: p95 of save
(the PUT) and of preview, the number of saves and 412s, and the lost writes: markers of saves
answered 200 that are not in the final files (must be 0).

Targets: p95 of save and of preview < 1 s on a 2-core machine that also runs the 20 clients (one
save alone takes about 30 ms in process; the rest is queueing for the cores and for the posts
lock); lost writes = 0.

Run from the project root:  .venv/bin/python benchmarks/bench_team.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _common import ROOT, print_header, print_summary

sys.path.insert(0, str(ROOT / "tests"))
USERS = 20
WORKERS = 4
SHARED = ("pwp", "gsh-worker", "ips-employment-specialist", "senior-pwp", "hi-cbt-therapist")
PASSWORD = "a long enough password"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)] if ordered else float("nan")


class Client:
    def __init__(self, port: int) -> None:
        self.port, self.cookie, self.token = port, "", ""

    def call(self, method: str, path: str, body: bytes | None = None, ctype: str = "application/json",
             extra: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Origin": f"http://127.0.0.1:{self.port}", **(extra or {})}
        if self.cookie:
            headers |= {"Cookie": self.cookie, "X-CSRF-Token": self.token}
        if body is not None:
            headers["Content-Type"] = ctype
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            return r.status, r.headers, r.read()
        finally:
            conn.close()

    def login(self, user: str) -> None:
        status, headers, body = self.call("POST", "/api/session", json.dumps({"user": user, "password": PASSWORD})
                                          .encode())
        assert status == 200, body
        self.cookie, self.token = headers["Set-Cookie"].split(";")[0], json.loads(body)["csrf_token"]


def available(existing: list[str]) -> list[str]:
    return [name for name in SHARED if name in existing] or existing[:5]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--think", type=float, default=1.0, help="pause of each user between edits (s)")
    args = parser.parse_args()
    seconds, think = args.seconds, args.think
    from test_web_pages import form_of

    from jdgen import accounts

    print_header("team server")
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        shutil.copytree(ROOT / "examples" / "posts", ws / "posts")
        shared = available(sorted(p.stem for p in (ws / "posts").glob("*.yaml")))
        t0 = time.perf_counter()
        for i in range(USERS):
            accounts.add(ws, f"user{i:02d}", "author", PASSWORD)
        print(f"20 accounts (Argon2id, 64 MiB, 3 passes): {time.perf_counter() - t0:.1f} s")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k != "JDGEN_SECRET_KEY"}
        server = subprocess.Popen([sys.executable, "-m", "jdgen", "-w", str(ws), "serve", "--port", str(port),
                                   "--workers", str(WORKERS)], env=env, stderr=subprocess.DEVNULL)
        try:
            probe = Client(port)
            for _ in range(600):
                try:
                    if probe.call("GET", "/static/app.css")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            clients = [Client(port) for _ in range(USERS)]
            t0 = time.perf_counter()
            for i, c in enumerate(clients):
                c.login(f"user{i:02d}")
            print(f"20 logins: {time.perf_counter() - t0:.1f} s")
            forms = {}
            for name in shared:
                html = clients[0].call("GET", f"/compose?name={name}")[2].decode("utf-8")
                forms[name] = urlencode(list(form_of(html).items(multi=True))).encode()
            saves: list[float] = []
            previews: list[float] = []
            conflicts = [0]
            written: dict[str, list[str]] = {name: [] for name in shared}
            lock = threading.Lock()
            stop_at = time.perf_counter() + seconds

            def user(i: int) -> None:
                c, rng, n = clients[i], random.Random(i), 0
                while time.perf_counter() < stop_at:
                    name = rng.choice(shared)
                    form = c.call("GET", f"/compose?name={name}")  # what the page does on opening
                    assert form[0] == 200
                    t = time.perf_counter()
                    r = c.call("POST", "/compose/check", forms[name], "application/x-www-form-urlencoded",
                               {"HX-Request": "true"})
                    took = time.perf_counter() - t
                    assert r[0] == 200, r[2][:200]
                    while time.perf_counter() < stop_at:
                        status, headers, body = c.call("GET", f"/api/posts/{name}")
                        post = json.loads(body)
                        marker = f"[edit {i:02d}-{n}]"
                        post["summary"] = str(post.get("summary", "")).rstrip() + f"\n{marker}"
                        t = time.perf_counter()
                        status, _, body = c.call("PUT", f"/api/posts/{name}", json.dumps(post).encode(),
                                                 extra={"If-Match": headers["ETag"]})
                        save_took = time.perf_counter() - t
                        with lock:
                            saves.append(save_took)
                            if status == 200:
                                written[name].append(marker)
                            elif status == 412:
                                conflicts[0] += 1
                            else:
                                raise AssertionError(f"save answered {status}: {body[:200]!r}")
                        if status == 200:
                            n += 1
                            break
                    with lock:
                        previews.append(took)
                    time.sleep(rng.uniform(0, 2 * think))

            threads = [threading.Thread(target=user, args=(i,)) for i in range(USERS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            server.terminate()
            server.wait(30)
        lost = 0
        for name, markers in written.items():
            text = (ws / "posts" / f"{name}.yaml").read_text("utf-8")
            lost += sum(1 for m in markers if m not in text)
        ok_saves = sum(len(m) for m in written.values())
        ms = 1000
        print(f"{USERS} users, {WORKERS} workers (gunicorn), {seconds:.0f} s, {think:g} s between edits on "
              f"average: {ok_saves} saves, "
              f"{conflicts[0]} refused as stale (412, then redone), {len(previews)} previews")
        print()
        print_summary([
            ("save p95 (PUT /api/posts)", f"{p95(saves) * ms:.0f} ms", "< 1000 ms", p95(saves) < 1.0),
            ("preview p95 (compose/check)", f"{p95(previews) * ms:.0f} ms", "< 1000 ms", p95(previews) < 1.0),
            ("lost writes", str(lost), "0", lost == 0),
        ], value_width=9, target_width=9)


if __name__ == "__main__":
    main()
