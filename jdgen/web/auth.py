"""Login: who makes each request (see identity.py), the login page and `/api/session`.

Three modes, chosen by the workspace and by `jdgen serve`:
- no accounts (no `.jdgen/users.json`): the single-user tool; every request is `LOCAL_USER`;
- accounts: every page and API call needs a login, by the session cookie (after `POST /api/session`
  or the login page) or, for reading calls only, HTTP Basic;
- `--trust-proxy-user HEADER`: a proxy in front does the login and names the user in HEADER.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from .. import accounts
from ..accounts import Account, AccountError
from .identity import LOCAL_USER, Role, User, current_user, set_current_user
from .security import READ_ONLY_ENDPOINTS, SAFE_METHODS, TOKEN_HEADER, csrf_token, new_csrf_token
from .throttle import Throttle

auth = Blueprint("auth", __name__)

#: Endpoints open without a login: the login page, logging in, and the static files.
OPEN_ENDPOINTS = frozenset({"auth.login_page", "auth.login_form", "auth.session_post", "auth.session_delete",
                            "static"})
_DUMMY: list[str] = []  # a hash to check unknown names against, so they take as long as known ones


@dataclass
class Auth:
    """The login settings of one app, and the accounts file as last read (reloaded when it changes)."""

    root: Path
    proxy_header: str | None = None
    throttle: Throttle = field(init=False)
    _stamp: Any = None
    _accounts: dict[str, Account] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.throttle = Throttle(self.root)

    def accounts(self) -> dict[str, Account]:
        stamp = accounts.file_stamp(self.root)
        with self._lock:
            if stamp != self._stamp:
                self._accounts = accounts.load(self.root) if stamp is not None else {}
                self._stamp = stamp
            return self._accounts


def settings() -> Auth:
    found: Auth = current_app.extensions["jdgen.auth"]
    return found


class LoginRefused(Exception):
    def __init__(self, status: int, message: str, retry_after: int = 0) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def check_password(name: str, password: str) -> Account:
    """The account if `password` is its password; LoginRefused (401, or 429 after repeated failures)."""
    cfg = settings()
    address = request.remote_addr or "?"
    wait = cfg.throttle.retry_after(name, address)
    if wait:
        raise LoginRefused(429, f"too many failed logins: try again in {wait} seconds", wait)
    account = cfg.accounts().get(name)
    if account is None:
        if not _DUMMY:
            _DUMMY.append(accounts.hash_password(secrets.token_urlsafe(16)))
        accounts.verify_password(Account("", "author", _DUMMY[0]), password)
    if account is None or not accounts.verify_password(account, password):
        cfg.throttle.failed(name, address)
        raise LoginRefused(401, "wrong user name or password")
    cfg.throttle.succeeded(name, address)
    return account


def _user(account: Account) -> User:
    return User(name=account.name, role=Role(account.role))


def _basic() -> tuple[str, str] | None:
    value = request.headers.get("Authorization", "")
    scheme, _, encoded = value.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        name, sep, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (name, password) if sep else None


def _refuse(status: int, message: str, retry_after: int = 0) -> Response:
    response = jsonify({"error": message, "login": url_for("auth.login_page")})
    response.status_code = status
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    if request.headers.get("Authorization"):
        response.headers["WWW-Authenticate"] = 'Basic realm="jdgen", charset="UTF-8"'
    return response


def login_check() -> Response | BaseResponse | None:
    """Before each request: set its user, or refuse it (API: 401; pages: to the login page)."""
    cfg = settings()
    if cfg.proxy_header is not None:
        return _proxy_user(cfg, cfg.proxy_header)
    known = cfg.accounts()
    if not known:
        set_current_user(LOCAL_USER)
        return None
    name, stamp = session.get("user"), session.get("stamp")
    account = known.get(name) if isinstance(name, str) else None
    if account is not None and stamp == account.stamp:
        set_current_user(_user(account))
        return None
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    basic = _basic()
    if basic is not None and (request.method in SAFE_METHODS or request.endpoint in READ_ONLY_ENDPOINTS):
        try:
            set_current_user(_user(check_password(*basic)))
        except LoginRefused as exc:
            return _refuse(exc.status, exc.message, exc.retry_after)
        return None
    if request.path.startswith("/api/"):
        return _refuse(401, "log in first: POST /api/session with {\"user\", \"password\"} (reading calls "
                            "also take HTTP Basic)")
    target = request.full_path if request.method == "GET" else "/"
    return redirect(url_for("auth.login_page", next=target.rstrip("?")))


def _proxy_user(cfg: Auth, header: str) -> Response | None:
    name = request.headers.get(header, "").strip()
    if not name:
        return _refuse(401, f"no user named in the {header} header: the login proxy must set it")
    known = cfg.accounts()
    if known:
        account = known.get(name)
        if account is None:
            return _refuse(403, f"'{name[:80]}' has no account in this workspace: an admin adds one with "
                                f"`jdgen users add {name[:80]} --role author`")
        set_current_user(_user(account))
    else:  # no accounts: everyone the proxy lets in may do everything, as in the single-user tool
        set_current_user(User(name=name[:100], role=Role.ADMIN))
    return None


def _safe_next(value: str | None) -> str:
    """Only a path of this server (never `//evil.example` or `https://…`)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return url_for("pages.posts")
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else url_for("pages.posts")


def _start_session(account: Account) -> str:
    session.clear()
    session.permanent = True
    session["user"], session["stamp"] = account.name, account.stamp
    set_current_user(_user(account))
    return new_csrf_token()


def _session_record() -> dict[str, Any]:
    user = current_user()
    return {"user": user.name, "role": str(user.role), "authenticated": user.authenticated,
            "csrf_token": csrf_token(), "header": TOKEN_HEADER}


@auth.get("/api/session")
def session_get() -> Response:
    """Who is logged in, and this session's CSRF token (API clients send it back in X-CSRF-Token)."""
    return jsonify(_session_record())


@auth.post("/api/session")
def session_post() -> Response:
    from .api import json_body

    wanted = 'send {"user": NAME, "password": PASSWORD} as JSON'
    data = json_body(wanted)
    if not isinstance(data, dict) or not isinstance(data.get("user"), str) or not isinstance(
            data.get("password"), str):
        abort(400, description=wanted)
    if settings().proxy_header is not None:
        abort(400, description="this server's login proxy logs people in")
    if not settings().accounts():
        abort(400, description="this workspace has no accounts: add one with `jdgen users add NAME --role admin`")
    try:
        _start_session(check_password(data["user"], data["password"]))
    except LoginRefused as exc:
        return _refuse(exc.status, exc.message, exc.retry_after)
    return jsonify(_session_record())


@auth.delete("/api/session")
def session_delete() -> Response:
    session.clear()
    return Response(status=204)


@auth.get("/login")
def login_page() -> str | BaseResponse:
    if not settings().accounts() or current_user().authenticated:
        return redirect(_safe_next(request.args.get("next")))
    return render_template("web/login.html.j2", title="Log in", next=request.args.get("next", ""), error="",
                           user="")


@auth.post("/login")
def login_form() -> tuple[str, int] | BaseResponse:
    name, password = request.form.get("user", ""), request.form.get("password", "")
    target = request.form.get("next", "")
    try:
        _start_session(check_password(name, password))
    except LoginRefused as exc:
        page = render_template("web/login.html.j2", title="Log in", next=target, error=exc.message, user=name)
        return page, exc.status
    return redirect(_safe_next(target), code=303)


@auth.post("/logout")
def logout() -> BaseResponse:
    session.clear()
    return redirect(url_for("auth.login_page") if settings().accounts() else url_for("pages.posts"), code=303)


def install(app: Flask, root: Path, proxy_header: str | None) -> None:
    app.extensions["jdgen.auth"] = Auth(root, proxy_header)
    app.register_blueprint(auth)
    app.context_processor(lambda: {"who": current_user()})

    @app.errorhandler(AccountError)
    def damaged(exc: AccountError) -> Response:  # a damaged accounts file locks everyone out, loudly
        response = jsonify({"error": str(exc)})
        response.status_code = 500
        return response
