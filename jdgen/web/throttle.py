"""Failed logins counted per user name and per client address in the workspace's
`.jdgen/logins.sqlite`, so every worker process sees the same counts; too many in the window and
further attempts are refused (429) without checking the password."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from ..accounts import state_dir

WINDOW_SECONDS = 15 * 60
MAX_PER_USER = 5
MAX_PER_ADDRESS = 20
FILE = "logins.sqlite"


class Throttle:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(state_dir(self.root) / FILE, timeout=10, isolation_level=None)
        db.execute("CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, at REAL NOT NULL)")
        db.execute("CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at)")
        return db

    @staticmethod
    def _keys(user: str, address: str) -> tuple[str, str]:
        return f"user:{user.lower()[:100]}", f"addr:{address[:100]}"

    def retry_after(self, user: str, address: str, now: float | None = None) -> int:
        """Seconds until another attempt is allowed; 0 when one is allowed now."""
        now = time.time() if now is None else now
        user_key, addr_key = self._keys(user, address)
        wait = 0.0
        with closing(self._db()) as db:
            for key, limit in ((user_key, MAX_PER_USER), (addr_key, MAX_PER_ADDRESS)):
                rows = [r[0] for r in db.execute(
                    "SELECT at FROM failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
                    (key, now - WINDOW_SECONDS, limit))]
                if len(rows) >= limit:
                    wait = max(wait, rows[-1] + WINDOW_SECONDS - now)
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, user: str, address: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with closing(self._db()) as db:
            db.executemany("INSERT INTO failures VALUES (?, ?)", [(k, now) for k in self._keys(user, address)])
            db.execute("DELETE FROM failures WHERE at < ?", (now - WINDOW_SECONDS,))

    def succeeded(self, user: str, address: str) -> None:
        """A good password clears the user's count (not the address's: one good login must not reset a
        guessing run against other names)."""
        with closing(self._db()) as db:
            db.execute("DELETE FROM failures WHERE key = ?", (self._keys(user, address)[0],))
