"""Safe by default: the Host header must name this server (DNS rebinding), and state-changing
requests need the session's CSRF token and a same-origin Origin (or Referer)."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, request, session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_HEADER = "X-CSRF-Token"
TOKEN_FIELD = "csrf_token"
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def csrf_token() -> str:
    """This session's token, made on first use."""
    token = session.get(TOKEN_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[TOKEN_FIELD] = token
    return token


def host_name(host: str) -> str:
    """'example.org' from 'example.org:8000', '::1' from '[::1]:8000'."""
    if host.startswith("["):
        return host[1:].partition("]")[0].lower()
    return host.rpartition(":")[0].lower() if host.count(":") == 1 else host.lower()


def _same_origin(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme in ("http", "https") and parts.netloc and parts.netloc.lower() == request.host.lower())


def check_request(allowed_hosts: frozenset[str]) -> None:
    """Refuse (403, via abort) a request whose Host, Origin or CSRF token is wrong."""
    if host_name(request.host) not in allowed_hosts:
        abort(403, description=f"this server does not answer to the host name '{host_name(request.host)[:80]}'")
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin or not _same_origin(origin):
        abort(403, description="state-changing requests must come from this server's own pages "
                               "(same-origin Origin header)")
    sent = request.headers.get(TOKEN_HEADER) or request.form.get(TOKEN_FIELD, "")
    token = session.get(TOKEN_FIELD)
    if not isinstance(token, str) or not sent or not hmac.compare_digest(sent, token):
        abort(403, description="missing or wrong CSRF token: reload the page (API clients: GET /api/session "
                               f"and send its token in {TOKEN_HEADER})")


def install(app: Flask, allowed_hosts: frozenset[str]) -> None:
    app.before_request(lambda: check_request(allowed_hosts))
    app.jinja_env.globals["csrf_token"] = csrf_token
