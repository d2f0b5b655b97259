"""The web app's JSON API through Flask's test client: each endpoint, the conflict (412), the
Host/Origin/CSRF refusals, bad names, drafts, and saving that keeps comments and key order."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from jdgen.web import create_app

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "http://localhost"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "posts").mkdir()
    # a frozen copy of the example: the tests below check its exact duties
    shutil.copy(ROOT / "tests" / "fixtures" / "web" / "pwp.yaml", tmp_path / "posts")
    shutil.copy(ROOT / "examples" / "posts" / "gsh-worker.yaml", tmp_path / "posts")
    shutil.copy(ROOT / "tests" / "fixtures" / "web" / "commented.yaml", tmp_path / "posts")
    return tmp_path


@pytest.fixture
def client(workspace: Path) -> FlaskClient:
    return create_app(workspace).test_client()


def headers(client: FlaskClient, **extra: str) -> dict[str, str]:
    token = client.get("/api/session", base_url=ORIGIN).get_json()["csrf_token"]
    return {"Origin": ORIGIN, "X-CSRF-Token": token, **extra}


def post_data(client: FlaskClient, name: str = "pwp") -> tuple[dict[str, Any], str]:
    r = client.get(f"/api/posts/{name}", base_url=ORIGIN)
    assert r.status_code == 200
    return r.get_json(), r.headers["ETag"]


def test_frameworks_list_and_one(client: FlaskClient) -> None:
    ids = [f["id"] for f in client.get("/api/frameworks").get_json()["frameworks"]]
    assert {"iapt-li", "ips", "ksf"} <= set(ids)
    fw = client.get("/api/frameworks/iapt-li").get_json()
    core = next(c for c in fw["clusters"] if c["code"] == "C")
    assert core["required"] is True
    assert core["items"][0]["id"] == "C1" and core["items"][0]["links"]
    missing = client.get("/api/frameworks/nope")
    assert missing.status_code == 404 and "nope" in missing.get_json()["error"]


def test_posts_list_has_states(client: FlaskClient, workspace: Path) -> None:
    (workspace / "posts" / "broken.yaml").write_text("title: [unclosed\n", "utf-8")
    rows = {p["name"]: p for p in client.get("/api/posts").get_json()["posts"]}
    assert rows["pwp"]["state"] == "valid"
    assert rows["broken"]["state"] == "errors" and rows["broken"]["errors"] == 1
    assert rows["pwp"]["title"] == "Psychological Wellbeing Practitioner"


def test_get_post_is_the_file_as_json_with_etag(client: FlaskClient) -> None:
    data, etag = post_data(client)
    assert data["duties"]["add"] == ["W1", "RA1"]
    assert etag.startswith('"') and len(etag) > 10
    assert client.get("/api/posts/absent").status_code == 404


def test_validate_gives_each_message_with_its_field(client: FlaskClient) -> None:
    data, _ = post_data(client)
    assert client.post("/api/validate", json=data, headers=headers(client)).get_json() == {"errors": [],
                                                                                            "warnings": []}
    del data["title"]
    data["hours_per_week"] = "many"
    found = client.post("/api/validate", json=data, headers=headers(client)).get_json()
    by_path = {e["path"]: e["message"] for e in found["errors"]}
    assert by_path["title"] == "missing required key 'title'"
    assert by_path["hours_per_week"] == "hours_per_week must be a number, not the text 'many'"


def test_validate_reference_errors_and_warnings_have_paths(client: FlaskClient) -> None:
    data, _ = post_data(client)
    data["duties"]["clusters"] = ["A", "ZZ"]
    data["duties"]["pick"] = ["A3"]  # the example's other picks are of clusters this change drops
    data["supervision"] = {"profile": "pwp", "arrangements": [
        {"type": "case-management", "every_weeks": 2, "minutes": 60, "format": "individual"}]}
    found = client.post("/api/validate", json=data, headers=headers(client)).get_json()
    assert [e["path"] for e in found["errors"]] == ["duties.clusters[1]"]
    assert "unknown cluster 'ZZ'" in found["errors"][0]["message"]
    assert any(w["path"].startswith("supervision.arrangements[0]") for w in found["warnings"]), found


def test_same_messages_as_jdgen_validate(client: FlaskClient, jdgen: Any, workspace: Path) -> None:
    data, _ = post_data(client)
    data["duties"]["add"] = ["W1", "NOPE9"]
    found = client.post("/api/validate", json=data, headers=headers(client)).get_json()
    path = workspace / "posts" / "pwp.yaml"
    text = path.read_text("utf-8").replace("add: [W1, RA1]", "add: [W1, NOPE9]")
    path.write_text(text, "utf-8")
    cli = jdgen("validate", str(path))
    assert cli.exit_code == 1
    assert found["errors"][0]["message"] in cli.stderr


@pytest.mark.parametrize(("fmt", "media", "magic"), [
    ("html", "text/html", b"<!DOCTYPE html>"), ("md", "text/markdown", b"# "),
    ("json", "application/json", b"{"), ("docx", "application/vnd.openxmlformats", b"PK"),
])
def test_render_formats(client: FlaskClient, fmt: str, media: str, magic: bytes) -> None:
    data, _ = post_data(client)
    r = client.post(f"/api/render?format={fmt}&profile=jd", json=data, headers=headers(client))
    assert r.status_code == 200, r.get_json()
    assert r.content_type.startswith(media)
    assert r.data.lstrip().startswith(magic)
    if fmt == "json":
        assert json.loads(r.data)["title"] == "Psychological Wellbeing Practitioner"


def test_render_is_what_jdgen_build_writes(client: FlaskClient, jdgen: Any, workspace: Path) -> None:
    data, _ = post_data(client)
    r = client.post("/api/render?format=md", json=data, headers=headers(client))
    out = workspace / "out"
    assert jdgen("-w", str(workspace), "build", str(workspace / "posts" / "pwp.yaml"), "-f", "md",
                 "-o", str(out)).exit_code == 0
    assert r.data.decode("utf-8") == (out / "pwp.md").read_text("utf-8")


def test_render_refuses_bad_format_profile_and_invalid_post(client: FlaskClient) -> None:
    data, _ = post_data(client)
    assert client.post("/api/render?format=exe", json=data, headers=headers(client)).status_code == 400
    assert client.post("/api/render?profile=nope", json=data, headers=headers(client)).status_code == 400
    data["summary"] = 29  # (a missing summary only makes a draft, which renders: issue 11)
    r = client.post("/api/render?format=html", json=data, headers=headers(client))
    assert r.status_code == 422 and r.get_json()["errors"][0]["path"] == "summary"


def test_compare_gives_what_jdgen_compare_writes(client: FlaskClient, jdgen: Any, workspace: Path) -> None:
    r = client.post("/api/compare", json={"posts": ["pwp", "gsh-worker"]}, headers=headers(client))
    assert r.status_code == 200
    posts = workspace / "posts"
    cli = jdgen("-w", str(workspace), "compare", str(posts / "pwp.yaml"), str(posts / "gsh-worker.yaml"),
                "--format", "json")
    assert r.get_json() == json.loads(cli.stdout)
    assert client.post("/api/compare", json={"posts": ["pwp"]}, headers=headers(client)).status_code == 400
    assert client.post("/api/compare", json={"posts": ["pwp", "nope"]}, headers=headers(client)).status_code == 404


def test_put_requires_if_match_and_tells_of_conflicts(client: FlaskClient, workspace: Path) -> None:
    data, etag = post_data(client)
    data["grade"] = "Band 5 (AfC)"
    assert client.put("/api/posts/pwp", json=data, headers=headers(client)).status_code == 428
    first = client.put("/api/posts/pwp", json=data, headers=headers(client, **{"If-Match": etag}))
    assert first.status_code == 200 and first.headers["ETag"] != etag
    data["grade"] = "Band 6"
    second = client.put("/api/posts/pwp", json=data, headers=headers(client, **{"If-Match": etag}))
    assert second.status_code == 412
    assert "changed by someone else" in second.get_json()["error"]
    assert "grade: Band 5 (AfC)" in (workspace / "posts" / "pwp.yaml").read_text("utf-8")


def test_put_new_post_and_draft(client: FlaskClient, workspace: Path) -> None:
    r = client.put("/api/posts/new-post", json={"title": "Draft post"}, headers=headers(client))
    assert r.status_code == 201
    body = r.get_json()
    assert body["draft"] is True and "draft" in body["message"] and not body["errors"]
    assert body["warnings"][0]["message"].startswith("draft: no organisation, grade")
    assert (workspace / "posts" / "new-post.yaml").read_text("utf-8") == "title: Draft post\n"
    assert client.put("/api/posts/new-post", json=[1], headers=headers(client, **{"If-Match": "*"})).status_code == 400


def test_saving_keeps_comments_key_order_and_style(client: FlaskClient, workspace: Path) -> None:
    path = workspace / "posts" / "commented.yaml"
    before = path.read_text("utf-8")
    data, etag = post_data(client, "commented")
    r = client.put("/api/posts/commented", json=data, headers=headers(client, **{"If-Match": etag}))
    assert r.status_code == 200 and r.headers["ETag"] == etag  # unchanged data: the very same bytes
    assert path.read_text("utf-8") == before
    data["grade"] = "Band 6"
    data["duties"]["clusters"].append("RKC")
    data["reference"] = "RNT-1"
    client.put("/api/posts/commented", json=data, headers=headers(client, **{"If-Match": etag}))
    after = path.read_text("utf-8")
    assert "# A post with comments" in after and "# as advertised" in after and "# the step 2 core" in after
    assert "grade: Band 6\n" in after and "clusters: [A, CB, RKC]" in after
    assert after.rstrip().endswith("reference: RNT-1")  # new keys last, old order kept
    assert after.index("title:") < after.index("grade:") < after.index("summary:")


def test_saved_post_builds_to_the_same_documents(client: FlaskClient, jdgen: Any, workspace: Path) -> None:
    data, etag = post_data(client)
    out = workspace / "out"
    jdgen("-w", str(workspace), "build", str(workspace / "posts" / "pwp.yaml"), "-f", "md,json", "-o", str(out))
    before = (out / "pwp.md").read_text("utf-8")
    data["reference"] = "RNT-PWP-002"
    client.put("/api/posts/pwp", json=data, headers=headers(client, **{"If-Match": etag}))
    assert jdgen("-w", str(workspace), "validate", str(workspace / "posts" / "pwp.yaml")).exit_code == 0
    jdgen("-w", str(workspace), "build", str(workspace / "posts" / "pwp.yaml"), "-f", "md", "-o", str(out))
    assert (out / "pwp.md").read_text("utf-8") == before.replace("RNT-PWP-001", "RNT-PWP-002")


def test_delete(client: FlaskClient, workspace: Path) -> None:
    _, etag = post_data(client, "gsh-worker")
    assert client.delete("/api/posts/gsh-worker", headers=headers(client, **{"If-Match": '"x"'})).status_code == 412
    assert client.delete("/api/posts/gsh-worker", headers=headers(client, **{"If-Match": etag})).status_code == 204
    assert not (workspace / "posts" / "gsh-worker.yaml").exists()
    assert client.delete("/api/posts/gsh-worker", headers=headers(client)).status_code == 404


@pytest.mark.parametrize("name", ["..", ".hidden", "a.b", "a%2Fb", "-x", "x" * 81, "%2Fetc%2Fpasswd"])
def test_bad_names_are_refused(client: FlaskClient, workspace: Path, name: str) -> None:
    r = client.put(f"/api/posts/{name}", json={"title": "x"}, headers=headers(client))
    assert r.status_code in (400, 404, 405)
    assert r.is_json and "error" in r.get_json()
    assert sorted(p.name for p in (workspace / "posts").iterdir()) == ["commented.yaml", "gsh-worker.yaml",
                                                                        "pwp.yaml"]


def test_host_header_must_name_this_server(client: FlaskClient) -> None:
    r = client.get("/api/posts", headers={"Host": "attacker.example"})
    assert r.status_code == 403 and "attacker.example" in r.get_json()["error"]
    assert client.get("/api/posts", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    app = create_app(Path("."), ["jd.example.org"])
    assert app.test_client().get("/api/frameworks", headers={"Host": "jd.example.org"}).status_code == 200


def test_state_changes_need_csrf_token_and_same_origin(client: FlaskClient) -> None:
    data, etag = post_data(client)
    good = headers(client, **{"If-Match": etag})
    no_token = {k: v for k, v in good.items() if k != "X-CSRF-Token"}
    assert client.put("/api/posts/pwp", json=data, headers=no_token).status_code == 403
    assert client.put("/api/posts/pwp", json=data, headers={**good, "X-CSRF-Token": "forged"}).status_code == 403
    cross = client.put("/api/posts/pwp", json=data, headers={**good, "Origin": "http://evil.example"})
    assert cross.status_code == 403 and "Origin" in cross.get_json()["error"]
    no_origin = {k: v for k, v in good.items() if k != "Origin"}
    assert client.delete("/api/posts/pwp", headers=no_origin).status_code == 403
    other = create_app(Path(".")).test_client()  # another session's token is not this one's
    assert other.put("/api/posts/pwp", json=data, headers=good).status_code == 403
    assert client.put("/api/posts/pwp", json=data, headers=good).status_code == 200


def test_errors_are_json_never_a_traceback(client: FlaskClient) -> None:
    r = client.post("/api/validate", data="not json", headers={**headers(client), "Content-Type": "text/plain"})
    assert r.status_code == 400 and r.is_json
    big = client.post("/api/validate", data=b"x" * (3 * 1024 * 1024),
                      headers={**headers(client), "Content-Type": "application/json"})
    assert big.status_code == 413 and big.is_json
    deep: Any = "x"
    for _ in range(200):
        deep = [deep]
    r = client.put("/api/posts/deep", json={"title": deep}, headers=headers(client))
    assert r.status_code == 400 and "nested" in r.get_json()["error"]
    assert b"Traceback" not in client.get("/api/nothing-here").data


def test_render_profiles_are_those_of_jdgen_build(client: FlaskClient, jdgen: Any, workspace: Path) -> None:
    data, _ = post_data(client)
    out = workspace / "out"
    for profile in ("jd", "full", "advert"):
        r = client.post(f"/api/render?format=md&profile={profile}", json=data, headers=headers(client))
        assert r.status_code == 200
        assert jdgen("-w", str(workspace), "build", str(workspace / "posts" / "pwp.yaml"), "-f", "md",
                     "--profile", profile, "-o", str(out / profile)).exit_code == 0
        assert r.data.decode("utf-8") == (out / profile / "pwp.md").read_text("utf-8")


def test_serve_binds_loopback_by_default_and_refuses_the_network_without_a_login(
        jdgen: Any, monkeypatch: pytest.MonkeyPatch, workspace: Path) -> None:
    from jdgen.web import serve as serving

    calls: list[tuple[str, int, int]] = []
    monkeypatch.setattr(serving, "run_waitress", lambda app, o: calls.append((o.host, o.port, o.workers)))
    monkeypatch.setattr(serving, "run_gunicorn", lambda app, o: calls.append((o.host, o.port, o.workers)))
    quiet = jdgen("-w", str(workspace), "serve")
    assert quiet.exit_code == 0 and calls[-1] == ("127.0.0.1", 8000, 1)
    assert "single user, no login; waitress" in quiet.stderr
    refused = jdgen("-w", str(workspace), "serve", "--host", "0.0.0.0", "--port", "8123")
    assert refused.exit_code == 2 and len(calls) == 1
    assert "refusing to serve on 0.0.0.0 without a login" in refused.stderr
    assert "jdgen users add NAME --role admin" in refused.stderr and "--trust-proxy-user" in refused.stderr
    proxied = jdgen("-w", str(workspace), "serve", "--host", "0.0.0.0", "--trust-proxy-user", "X-Remote-User",
                    "--workers", "3")
    assert proxied.exit_code == 0 and calls[-1] == ("0.0.0.0", 8000, 3)
    assert "login by the proxy's X-Remote-User header; gunicorn, 3 processes" in proxied.stderr
    assert (workspace / ".jdgen" / "secret_key").stat().st_mode & 0o777 == 0o600
    short = jdgen("-w", str(workspace), "serve", env={"JDGEN_SECRET_KEY": "too short"})
    assert short.exit_code == 2 and "JDGEN_SECRET_KEY is too short" in short.stderr
