"""The app factory of `jdgen serve`."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .auth import install as install_auth
from .auth import login_check
from .secret import secret_key
from .security import LOCAL_NAMES, install
from .state import WorkspaceState
from .store import StoreError

#: How long a login lasts (a new password or a removed account ends it at once).
SESSION_HOURS = 12
#: Largest request body accepted (a post, or the checklist returns uploaded for a gap report).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024

log = logging.getLogger("jdgen.web")


def create_app(workspace: Path, hosts: Iterable[str] = (), *, proxy_user_header: str | None = None,
               secure_cookies: bool = False, keep_secret: bool = False) -> Flask:
    """A Flask app serving `workspace`; answers only to the local names and `hosts`.

    The session key is `JDGEN_SECRET_KEY` or the workspace's `.jdgen/secret_key` (made when
    `keep_secret`, as `jdgen serve` asks), else one that lasts as long as this app.
    `proxy_user_header`: a login proxy names the user in this header (see auth.py)."""
    root = workspace.resolve()
    app = Flask(__name__, template_folder="templates", static_folder="static")
    app.config.update(
        SECRET_KEY=secret_key(root, create=keep_secret) or secrets.token_bytes(32),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="jdgen_session",
        SESSION_COOKIE_SECURE=secure_cookies,  # behind HTTPS: the browser never sends it in clear
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.autoescape = True  # Flask escapes only *.html by name; our templates are *.html.j2
    app.extensions["jdgen"] = WorkspaceState(root)
    install(app, frozenset(LOCAL_NAMES | {h.lower() for h in hosts}), login_check)
    install_auth(app, root, proxy_user_header)

    from .api import api
    from .importer import importer
    from .linting import lint_pages
    from .pages import pages

    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(importer)  # the Import page (issue 18)
    app.register_blueprint(lint_pages)  # jdgen lint in the composer (issue 17)

    @app.errorhandler(StoreError)
    def store_error(exc: StoreError) -> Response:
        return _error(exc.status, exc.message, exc.extra)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return _error(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def internal_error(exc: Exception) -> Response:
        log.error("internal error on %s %s", request.method, request.path, exc_info=exc)
        return _error(500, f"internal error: {type(exc).__name__}; the server log has the details")

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if response.mimetype == "text/html" and not request.path.startswith("/api/"):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                "frame-src 'self' about:; object-src 'none'; base-uri 'none'; form-action 'self'")
        return response

    return app


def _error(status: int, message: str, extra: dict[str, object] | None = None) -> Response:
    """JSON for the API and for clients that ask for JSON; a short page for people otherwise."""
    wants_json = request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"
    if wants_json or request.headers.get("HX-Request"):
        response = jsonify({"error": message, **(extra or {})})
    else:
        response = Response(render_template("web/error.html.j2", status=status, message=message))
    response.status_code = status
    if extra and "etag" in extra:
        response.headers["ETag"] = str(extra["etag"])
    return response
