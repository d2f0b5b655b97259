"""Accounts and login (issue 19): `jdgen users`, `/api/session`, the login page, the throttle, every
page and API call refused without a login, read-only calls for scripts, the login proxy mode, and
the refusals of item 5 (deeply nested JSON, names Windows cannot store)."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from jdgen import accounts
from jdgen.cli import main
from jdgen.web import create_app
from jdgen.web.secret import secret_key

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "http://localhost"
PASSWORD = "correct horse battery"
PRODUCTION_COST = dict(accounts.HASH_COST)  # read before cheap_hashes lowers it


def _workspace(root: Path) -> Path:
    (root / "posts").mkdir()
    for name in ("pwp", "gsh-worker"):
        shutil.copy(ROOT / "examples" / "posts" / f"{name}.yaml", root / "posts")
    return root


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes() -> Any:
    """Argon2id at a tiny cost, so the many logins here take milliseconds (the cost is read from each
    hash, so this changes speed only; test_production_hash_cost checks the real one)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts, "HASH_COST", {"time_cost": 1, "memory_cost": 64, "parallelism": 1})
        yield


def test_production_hash_cost() -> None:
    assert PRODUCTION_COST == {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with three accounts (hashing is slow by design: made once for the module)."""
    root = _workspace(tmp_path_factory.mktemp("team"))
    for name, role in (("alice", "author"), ("rita", "reviewer"), ("adam", "admin")):
        accounts.add(root, name, role, PASSWORD)
    return root


@pytest.fixture
def app(team: Path) -> Flask:
    return create_app(team)


def login(client: FlaskClient, user: str = "alice", password: str = PASSWORD) -> Any:
    return client.post("/api/session", json={"user": user, "password": password}, base_url=ORIGIN)


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def users(root: Path, *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, ["-w", str(root), "users", *args], input=stdin, catch_exceptions=False)


# --- jdgen users ---

def test_users_add_list_passwd_remove(tmp_path: Path) -> None:
    added = users(tmp_path, "add", "bea", "--role", "approver", "--password-stdin", stdin="s3cret-words\n")
    assert added.exit_code == 0, added.output
    path = tmp_path / ".jdgen" / "users.json"
    assert path.stat().st_mode & 0o777 == 0o600 and (tmp_path / ".jdgen").stat().st_mode & 0o777 == 0o700
    text = path.read_text("utf-8")
    assert "s3cret-words" not in text and json.loads(text)["users"][0]["password_hash"].startswith("$argon2id$v=19$")
    listed = users(tmp_path, "list", "-f", "json")
    assert json.loads(listed.stdout) == {"users": [{"name": "bea", "role": "approver"}]}
    assert users(tmp_path, "list").stdout == "bea\tapprover\n"
    old = path.read_text("utf-8")
    assert users(tmp_path, "passwd", "bea", "--password-stdin", stdin="other-words\n").exit_code == 0
    assert path.read_text("utf-8") != old
    assert accounts.verify_password(accounts.get(tmp_path, "bea"), "other-words")
    assert not accounts.verify_password(accounts.get(tmp_path, "bea"), "s3cret-words")
    assert users(tmp_path, "remove", "bea").exit_code == 0
    assert accounts.load(tmp_path) == {}


def test_users_prompts_twice_hidden(tmp_path: Path) -> None:
    r = users(tmp_path, "add", "carl", "--role", "author", stdin="long-enough\nlong-enough\n")
    assert r.exit_code == 0 and "long-enough" not in r.output
    mismatch = users(tmp_path, "add", "dora", "--role", "author", stdin="long-enough\nsomething-else\n")
    assert mismatch.exit_code != 0 and "dora" not in accounts.load(tmp_path)


@pytest.mark.parametrize(("args", "message"), [
    (("add", "b/ad", "--role", "author", "--password-stdin"), "is not a user name"),
    (("add", "eve", "--role", "author", "--password-stdin"), "too short"),
    (("add", "eve", "--role", "king", "--password-stdin"), "Invalid value for '--role'"),
    (("remove", "nobody"), "no user named 'nobody'"),
    (("passwd", "nobody", "--password-stdin"), "no user named 'nobody'"),
])
def test_users_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    r = users(tmp_path, *args, stdin="short\n")
    assert r.exit_code == 2 and message in r.stderr and "Traceback" not in r.output
    assert accounts.load(tmp_path) == {}


def test_users_add_twice_is_refused(team: Path) -> None:
    r = users(team, "add", "alice", "--role", "admin", "--password-stdin", stdin="long-enough\n")
    assert r.exit_code == 2 and "user 'alice' exists" in r.stderr
    assert accounts.get(team, "alice").role == "author"


def test_a_damaged_accounts_file_locks_everyone_out(tmp_path: Path) -> None:
    (tmp_path / ".jdgen").mkdir()
    (tmp_path / ".jdgen" / "users.json").write_text("{not json", "utf-8")
    r = create_app(tmp_path).test_client().get("/api/posts")
    assert r.status_code == 500 and "damaged" in r.get_json()["error"]
    assert users(tmp_path, "list").exit_code == 1


# --- /api/session and the login page ---

def test_login_session_and_logout(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/api/session").status_code == 401
    assert login(client, password="wrong password").status_code == 401
    assert login(client, user="nobody").status_code == 401
    ok = login(client)
    assert ok.status_code == 200
    record = ok.get_json()
    assert record["user"] == "alice" and record["role"] == "author" and record["csrf_token"]
    assert client.get("/api/session").get_json() == record
    assert client.get("/api/posts").status_code == 200
    data = client.get("/api/posts/pwp").get_json()
    etag = client.get("/api/posts/pwp").headers["ETag"]
    saved = client.put("/api/posts/pwp", json=data, base_url=ORIGIN,
                       headers={"Origin": ORIGIN, "X-CSRF-Token": record["csrf_token"], "If-Match": etag})
    assert saved.status_code == 200
    assert client.delete("/api/session", base_url=ORIGIN).status_code == 204
    assert client.get("/api/session").status_code == 401
    assert client.get("/api/posts").status_code == 401


def test_login_gives_a_new_csrf_token(app: Flask) -> None:
    client = app.test_client()
    client.get("/login")
    before = client.get_cookie("jdgen_session")
    assert before is not None
    token = login(client).get_json()["csrf_token"]
    again = login(client).get_json()["csrf_token"]
    assert token != again


def test_a_new_password_or_removed_account_ends_sessions(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    accounts.add(root, "paul", "author", PASSWORD)
    accounts.add(root, "ruth", "author", PASSWORD)
    client, other = create_app(root).test_client(), create_app(root).test_client()
    assert login(client, "paul").status_code == 200 and login(other, "ruth").status_code == 200
    accounts.set_password(root, "paul", "a new password")
    assert client.get("/api/session").status_code == 401
    accounts.remove(root, "ruth")
    assert other.get("/api/session").status_code == 401


def test_repeated_failures_are_throttled_per_user_and_address(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    accounts.add(root, "tom", "author", PASSWORD)
    accounts.add(root, "una", "author", PASSWORD)
    client = create_app(root).test_client()
    for _ in range(5):
        assert login(client, "tom", "guess").status_code == 401
    refused = login(client, "tom")  # even the right password, until the window passes
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "too many failed logins" in refused.get_json()["error"]
    other_worker = create_app(root).test_client()  # the counts are shared (a file in .jdgen/)
    assert login(other_worker, "tom").status_code == 429
    assert login(client, "una").status_code == 200  # another name from the same address still may
    for i in range(14):
        assert login(client, f"nobody{i}", "guess").status_code == 401
    assert login(client, "una", "guess").status_code == 401  # the address's 20th failure
    assert login(client, "una").status_code == 429


def test_login_page_form(app: Flask) -> None:
    client = app.test_client()
    first = client.get("/compose?name=pwp")
    assert first.status_code == 302 and first.headers["Location"] == "/login?next=/compose?name%3Dpwp"
    page = client.get("/login?next=/compose?name%3Dpwp")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<label for="f-user">' in html and '<label for="f-password">' in html
    assert 'aria-current' not in html  # no navigation before a login
    with client.session_transaction() as sess:  # the token the page put in the form
        form_token = sess["csrf_token"]
    bad = client.post("/login", data={"user": "alice", "password": "nope", "next": "/compose?name=pwp",
                                      "csrf_token": form_token}, headers={"Origin": ORIGIN}, base_url=ORIGIN)
    assert bad.status_code == 401 and "wrong user name or password" in bad.get_data(as_text=True)
    good = client.post("/login", data={"user": "alice", "password": PASSWORD, "next": "/compose?name=pwp",
                                       "csrf_token": form_token}, headers={"Origin": ORIGIN}, base_url=ORIGIN)
    assert good.status_code == 303 and good.headers["Location"] == "/compose?name=pwp"
    posts = client.get("/posts").get_data(as_text=True)
    assert '<span id="who">alice (author)</span>' in posts


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_never_sends_people_to_another_site(app: Flask, target: str) -> None:
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["csrf_token"] = "t" * 43
    r = client.post("/login", data={"user": "rita", "password": PASSWORD, "next": target, "csrf_token": "t" * 43},
                    headers={"Origin": ORIGIN}, base_url=ORIGIN)
    assert r.status_code == 303 and r.headers["Location"] == "/posts"


def _fill(rule: str) -> str:
    out = rule
    for arg, value in (("<name>", "pwp"), ("<framework_id>", "ksf"), ("<path:filename>", "app.css")):
        out = out.replace(arg, value)
    while "<" in out:  # any other argument an endpoint adds
        start = out.index("<")
        out = out[:start] + "x" + out[out.index(">", start) + 1:]
    return out


def test_every_page_and_api_call_needs_a_login(app: Flask) -> None:
    from jdgen.web.auth import OPEN_ENDPOINTS

    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in OPEN_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            path = _fill(rule.rule)
            r = client.open(path, method=method, headers={"Origin": ORIGIN}, base_url=ORIGIN, json={})
            if path.startswith("/api/"):
                assert r.status_code == 401, (method, path, r.status_code)
                assert r.get_json()["login"] == "/login"
            else:
                assert r.status_code == 302 and r.headers["Location"].startswith("/login"), (method, path)
            checked += 1
    assert checked >= 25
    with client.get("/static/app.css") as css:
        assert css.status_code == 200
    assert client.get("/login").status_code == 200


def test_without_accounts_it_stays_the_single_user_tool(tmp_path: Path) -> None:
    client = create_app(_workspace(tmp_path)).test_client()
    record = client.get("/api/session").get_json()
    assert record["user"] == "local user" and record["role"] == "admin" and record["authenticated"] is False
    assert client.get("/posts").status_code == 200 and 'id="who"' not in client.get("/posts").get_data(as_text=True)
    assert client.get("/login").status_code == 302
    assert login(client).status_code == 400 and "no accounts" in login(client).get_json()["error"]


# --- scripts: read-only calls without a token or Origin ---

def test_read_only_calls_need_no_token_or_origin(tmp_path: Path) -> None:
    client = create_app(_workspace(tmp_path)).test_client()
    post = client.get("/api/posts/pwp").get_json()
    assert client.post("/api/validate", json=post).status_code == 200
    assert client.post("/api/lint", json=post).status_code == 200
    assert client.post("/api/render?format=md", json=post).status_code == 200
    assert client.post("/api/compare", json={"posts": ["pwp", "gsh-worker"]}).status_code == 200
    cross = client.post("/api/validate", json=post, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403  # an Origin that is sent must still be this server's
    etag = client.get("/api/posts/pwp").headers["ETag"]
    assert client.put("/api/posts/pwp", json=post, headers={"If-Match": etag}).status_code == 403


def test_read_only_calls_with_accounts_take_basic_or_the_session(app: Flask) -> None:
    client = app.test_client()
    compare = {"posts": ["pwp", "gsh-worker"]}
    assert client.post("/api/compare", json=compare).status_code == 401
    wrong = client.post("/api/compare", json=compare, headers=basic("rita", "nope"))
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Basic")
    assert client.post("/api/compare", json=compare, headers=basic("rita", PASSWORD)).status_code == 200
    assert client.get("/api/posts", headers=basic("rita", PASSWORD)).status_code == 200
    post = client.get("/api/posts/pwp", headers=basic("rita", PASSWORD))
    refused = client.put("/api/posts/pwp", json=post.get_json(), headers={**basic("rita", PASSWORD),
                         "If-Match": post.headers["ETag"]})
    assert refused.status_code == 401  # Basic is for reading; changes need a session and its token
    assert login(client, "rita").status_code == 200
    assert client.post("/api/validate", json=post.get_json()).status_code == 200  # session, no token


# --- the login proxy ---

def test_trusted_proxy_header_names_the_user(team: Path, tmp_path: Path) -> None:
    client = create_app(team, proxy_user_header="X-Remote-User").test_client()
    assert client.get("/api/posts").status_code == 401
    assert client.get("/api/session", headers={"X-Remote-User": "rita"}).get_json()["role"] == "reviewer"
    stranger = client.get("/api/posts", headers={"X-Remote-User": "mallory"})
    assert stranger.status_code == 403 and "jdgen users add mallory" in stranger.get_json()["error"]
    open_ws = create_app(_workspace(tmp_path), proxy_user_header="X-Remote-User").test_client()
    record = open_ws.get("/api/session", headers={"X-Remote-User": "sam@trust.nhs.uk"}).get_json()
    assert record["user"] == "sam@trust.nhs.uk" and record["authenticated"] is True
    ignored = create_app(team).test_client().get("/api/posts", headers={"X-Remote-User": "adam"})
    assert ignored.status_code == 401  # the header means nothing without --trust-proxy-user


# --- item 5: refusals ---

@pytest.mark.parametrize("endpoint", ["/api/validate", "/api/render", "/api/compare", "/api/posts/deep"])
def test_deeply_nested_json_is_400(tmp_path: Path, endpoint: str) -> None:
    client = create_app(_workspace(tmp_path)).test_client()
    token = client.get("/api/session", base_url=ORIGIN).get_json()["csrf_token"]
    body = '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}"
    method = client.put if endpoint.startswith("/api/posts") else client.post
    r = method(endpoint, data=body, content_type="application/json",
               headers={"Origin": ORIGIN, "X-CSRF-Token": token}, base_url=ORIGIN)
    assert r.status_code == 400 and "nested" in r.get_json()["error"]


@pytest.mark.parametrize("name", ["con", "AUX", "nul", "Prn", "com1", "LPT9", "com0"])
def test_names_windows_cannot_store_are_refused(tmp_path: Path, name: str) -> None:
    root = _workspace(tmp_path)
    client = create_app(root).test_client()
    token = client.get("/api/session", base_url=ORIGIN).get_json()["csrf_token"]
    r = client.put(f"/api/posts/{name}", json={"title": "A post"}, headers={"Origin": ORIGIN, "X-CSRF-Token": token},
                   base_url=ORIGIN)
    assert r.status_code == 400 and "Windows" in r.get_json()["error"]
    assert sorted(p.name for p in (root / "posts").iterdir()) == ["gsh-worker.yaml", "pwp.yaml"]
    ok = client.put("/api/posts/console", json={"title": "A post"}, headers={"Origin": ORIGIN, "X-CSRF-Token": token},
                    base_url=ORIGIN)
    assert ok.status_code == 201


# --- the secret key ---

def test_secret_key_is_kept_in_the_workspace_or_taken_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jdgen.web.secret import SecretError

    monkeypatch.delenv("JDGEN_SECRET_KEY", raising=False)
    assert secret_key(tmp_path, create=False) is None and not (tmp_path / ".jdgen").exists()
    made = secret_key(tmp_path, create=True)
    path = tmp_path / ".jdgen" / "secret_key"
    assert made and path.stat().st_mode & 0o777 == 0o600 and secret_key(tmp_path, create=True) == made
    assert sorted(p.name for p in (tmp_path / ".jdgen").iterdir()) == [".gitignore", "secret_key"]  # no temp left
    assert (tmp_path / ".jdgen" / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"
    monkeypatch.setenv("JDGEN_SECRET_KEY", "k" * 40)
    assert secret_key(tmp_path, create=True) == b"k" * 40
    monkeypatch.setenv("JDGEN_SECRET_KEY", "short")
    with pytest.raises(SecretError, match="too short"):
        secret_key(tmp_path, create=True)


def test_secure_cookies_flag(team: Path) -> None:
    client = create_app(team, secure_cookies=True).test_client()
    r = login(client)
    cookie = r.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
