"""Start the web app on a production WSGI server: waitress (threads; every platform) for one
worker, gunicorn (processes; Unix) for `--workers N`. Loopback by default; any other address only
with accounts or a login proxy in front."""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .security import LOCAL_NAMES

WILDCARDS = frozenset({"0.0.0.0", "::"})
THREADS = 8  # per worker process


class ServeError(Exception):
    """A usage error of `jdgen serve` (exit 2)."""


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    extra_hosts: tuple[str, ...] = ()
    workers: int = 1
    trust_proxy_user: str | None = None
    secure_cookies: bool = False
    behind_proxy: bool = False


def served_names(host: str, extra: tuple[str, ...] = ()) -> set[str]:
    """Host names the app answers to: the local names, the address it binds, this machine's names
    when it binds every interface, and any the user adds."""
    names = set(LOCAL_NAMES) | {h.lower().strip("[]") for h in extra}
    if host in WILDCARDS:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    else:
        names.add(host.lower().strip("[]"))
    return names


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_options(workspace: Path, options: ServeOptions) -> None:
    """ServeError for a setup that would open the workspace to the network without a login."""
    from ..accounts import load

    if options.workers > 1 and sys.platform == "win32":  # pragma: no cover - checked on Linux
        raise ServeError("--workers above 1 needs gunicorn, which runs on Unix only; on Windows one worker "
                         f"(waitress, {THREADS} threads) serves the requests")
    if is_loopback(options.host) or options.trust_proxy_user or load(workspace):
        return
    raise ServeError(
        f"refusing to serve on {options.host} without a login: anyone who can reach it could change or delete "
        f"the posts in {workspace}/posts. Add accounts first (jdgen users add NAME --role admin), or, when a "
        "single sign-on proxy in front does the login, name its user header with --trust-proxy-user HEADER "
        "(see docs/deployment.md)")


def build_app(workspace: Path, options: ServeOptions) -> Any:
    from .app import create_app

    app = create_app(workspace, served_names(options.host, options.extra_hosts),
                     proxy_user_header=options.trust_proxy_user, secure_cookies=options.secure_cookies,
                     keep_secret=True)
    app.extensions["jdgen"].post_states()  # load the library and check the posts now, not on the first page
    if options.behind_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    return app


def serve(workspace: Path, options: ServeOptions, say: Callable[[str], None]) -> None:
    """Check the options (ServeError), then serve until stopped."""
    from ..accounts import load

    check_options(workspace, options)
    app = build_app(workspace, options)
    host = options.host
    shown = f"[{host}]" if ":" in host else host
    mode = (f"login by the proxy's {options.trust_proxy_user} header" if options.trust_proxy_user else
            f"{len(load(workspace))} accounts" if load(workspace) else "single user, no login")
    server = f"gunicorn, {options.workers} processes" if options.workers > 1 else f"waitress, {THREADS} threads"
    say(f"jdgen serve: http://{'localhost' if host in LOCAL_NAMES else shown}:{options.port}/  "
        f"({mode}; {server}; Ctrl-C to stop)")
    if options.workers > 1:
        run_gunicorn(app, options)
    else:
        run_waitress(app, options)


def run_waitress(app: Any, options: ServeOptions) -> None:
    from waitress import serve as waitress_serve

    waitress_serve(app, host=options.host, port=options.port, threads=THREADS, ident="jdgen",
                   clear_untrusted_proxy_headers=True, _quiet=True)


def run_gunicorn(app: Any, options: ServeOptions) -> None:  # pragma: no cover - run in a child process by tests
    from gunicorn.app.base import BaseApplication

    host = f"[{options.host}]" if ":" in options.host else options.host

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {"bind": f"{host}:{options.port}", "workers": options.workers,
                               "worker_class": "gthread", "threads": THREADS, "preload_app": True,
                               "timeout": 120, "graceful_timeout": 10, "accesslog": None,
                               "proc_name": "jdgen"}.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    Server().run()
