"""Start the web app: loopback by default; any other address is allowed only when asked for."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from .security import LOCAL_NAMES

WILDCARDS = frozenset({"0.0.0.0", "::"})


def served_names(host: str, extra: tuple[str, ...] = ()) -> set[str]:
    """Host names the app answers to: the local names, the address it binds, this machine's names
    when it binds every interface, and any the user adds."""
    names = set(LOCAL_NAMES) | {h.lower().strip("[]") for h in extra}
    if host in WILDCARDS:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    else:
        names.add(host.lower().strip("[]"))
    return names


def serve(workspace: Path, host: str, port: int, extra_hosts: tuple[str, ...],
          warn: Callable[[str], None]) -> None:
    from werkzeug.serving import run_simple

    from .app import create_app

    names = served_names(host, extra_hosts)
    if host not in LOCAL_NAMES:
        warn(f"warning: serving on {host}, reachable from other machines; anyone who can reach it can read "
             f"and change the posts in {workspace}/posts (there is no login). Host names answered: "
             f"{', '.join(sorted(names))}")
    app = create_app(workspace, names)
    app.extensions["jdgen"].post_states()  # load the library and check the posts now, not on the first page
    shown = f"[{host}]" if ":" in host else host
    warn(f"jdgen serve: http://{'localhost' if host in LOCAL_NAMES else shown}:{port}/  (Ctrl-C to stop)")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
