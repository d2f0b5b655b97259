"""Safe by default: the Host header must name this server (DNS rebinding), and state-changing
requests need the session's CSRF token and a same-origin Origin (or Referer).

Calls that change nothing though they are POSTs (validate, render, compare) and logging in by the
API need neither token nor Origin, so scripts can make them; an Origin they do send must be this
server's."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, request, session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_HEADER = "X-CSRF-Token"
TOKEN_FIELD = "csrf_token"
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: POST endpoints that change nothing (their body is too big for a query string).
READ_ONLY_ENDPOINTS = frozenset({"api.validate", "api.render", "api.compare", "api.lint"})
#: Endpoints that need no CSRF token: the read-only ones, and logging in by the API (a script has no
#: session yet; a browser's cross-site login attempt is refused by its Origin).
NO_TOKEN_ENDPOINTS = READ_ONLY_ENDPOINTS | {"auth.session_post", "auth.session_delete"}


def csrf_token() -> str:
    """This session's token, made on first use."""
    token = session.get(TOKEN_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[TOKEN_FIELD] = token
    return token


def new_csrf_token() -> str:
    """A fresh token (at login, so a token seen before it is worth nothing after)."""
    session.pop(TOKEN_FIELD, None)
    return csrf_token()


def host_name(host: str) -> str:
    """'example.org' from 'example.org:8000', '::1' from '[::1]:8000'."""
    if host.startswith("["):
        return host[1:].partition("]")[0].lower()
    return host.rpartition(":")[0].lower() if host.count(":") == 1 else host.lower()


def _same_origin(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme in ("http", "https") and parts.netloc and parts.netloc.lower() == request.host.lower())


def check_host(allowed_hosts: frozenset[str]) -> None:
    """Refuse (403) a request whose Host header does not name this server."""
    if host_name(request.host) not in allowed_hosts:
        abort(403, description=f"this server does not answer to the host name '{host_name(request.host)[:80]}'")


def check_csrf() -> None:
    """Refuse (403, via abort) a state-changing request whose Origin or CSRF token is wrong."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if request.endpoint in NO_TOKEN_ENDPOINTS:
        if origin and not _same_origin(origin):
            abort(403, description="this server does not take requests from other sites' pages")
        return
    if not origin or not _same_origin(origin):
        abort(403, description="state-changing requests must come from this server's own pages "
                               "(same-origin Origin header)")
    sent = request.headers.get(TOKEN_HEADER) or request.form.get(TOKEN_FIELD, "")
    token = session.get(TOKEN_FIELD)
    if not isinstance(token, str) or not sent or not hmac.compare_digest(sent, token):
        abort(403, description="missing or wrong CSRF token: reload the page (API clients: GET /api/session "
                               f"and send its token in {TOKEN_HEADER})")


def install(app: Flask, allowed_hosts: frozenset[str], login_check: Callable[[], Any]) -> None:
    """The checks of every request, in order: Host, then login (who is asking), then CSRF."""
    app.before_request(lambda: check_host(allowed_hosts))
    app.before_request(login_check)
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
