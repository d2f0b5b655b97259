"""Status, approval and history through the JSON API: each role's allowed and refused status
changes (403/409), history entries with their authors, restore, rename (history follows), delete
and recover, the word-by-word diff, and the approval in the full profile's record. The acting user
is set per request with `identity.set_current_user`, as the login code does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from test_web_pages import examples_workspace

from jdgen.history import History, in_context, word_diff
from jdgen.web import create_app
from jdgen.web.identity import Role, User, set_current_user

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "http://localhost"
USERS = {"ann": Role.AUTHOR, "rita": Role.REVIEWER, "pat": Role.APPROVER, "quinn": Role.APPROVER,
         "ada": Role.ADMIN}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return examples_workspace(tmp_path, ("pwp", "gsh-worker"))


def app_with_users(workspace: Path) -> Flask:
    app = create_app(workspace)

    @app.before_request
    def acting_user() -> None:  # what the login code does: the user of this request
        name = request.headers.get("X-Test-User")
        if name:
            set_current_user(User(name, USERS[name]))

    return app


@pytest.fixture
def client(workspace: Path) -> FlaskClient:
    return app_with_users(workspace).test_client()


def send(client: FlaskClient, method: str, url: str, user: str | None = None, **kwargs: Any) -> Any:
    token = client.get("/api/session", base_url=ORIGIN).get_json()["csrf_token"]
    headers = {"Origin": ORIGIN, "X-CSRF-Token": token, **kwargs.pop("headers", {})}
    if user:
        headers["X-Test-User"] = user
    return client.open(url, method=method, headers=headers, base_url=ORIGIN, **kwargs)


def save(client: FlaskClient, name: str, user: str | None = None, **changes: Any) -> Any:
    r = client.get(f"/api/posts/{name}", base_url=ORIGIN)
    data = {**r.get_json(), **changes}
    return send(client, "PUT", f"/api/posts/{name}", user, json=data, headers={"If-Match": r.headers["ETag"]})


def status(client: FlaskClient, name: str, to: str, user: str | None, comment: str = "") -> Any:
    return send(client, "POST", f"/api/posts/{name}/status", user, json={"status": to, "comment": comment})


def test_each_role_moves_a_post_through_review_and_approval(client: FlaskClient) -> None:
    assert save(client, "pwp", "ann", summary="Edited by Ann.").status_code == 200
    assert status(client, "pwp", "approved", "pat").status_code == 409  # a draft is not approved directly
    assert status(client, "pwp", "in-review", "ann").status_code == 200
    assert status(client, "pwp", "draft", "ann", "no").status_code == 403  # authors do not return posts
    assert status(client, "pwp", "draft", "rita").status_code == 400  # returning needs a comment
    returned = status(client, "pwp", "draft", "rita", "Say who supervises.")
    assert returned.status_code == 200 and returned.get_json()["by"] == "rita"
    assert status(client, "pwp", "in-review", "ann").status_code == 200
    assert status(client, "pwp", "approved", "rita").status_code == 403  # reviewers do not approve
    approved = status(client, "pwp", "approved", "pat")
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert status(client, "pwp", "approved", "quinn").status_code == 409  # already approved
    assert status(client, "pwp", "in-review", "ann").status_code == 409
    rows = {p["name"]: p for p in client.get("/api/posts").get_json()["posts"]}
    assert (rows["pwp"]["status"], rows["pwp"]["status_by"]) == ("approved", "pat")
    assert rows["gsh-worker"]["status"] == "draft"


def test_approvers_cannot_approve_their_own_post_but_the_local_user_can(client: FlaskClient) -> None:
    save(client, "pwp", "pat", summary="Pat wrote this.")
    assert status(client, "pwp", "in-review", "pat").status_code == 200
    refused = status(client, "pwp", "approved", "pat")
    assert refused.status_code == 403 and "someone else" in refused.get_json()["error"]
    assert status(client, "pwp", "approved", "quinn").status_code == 200
    # without accounts (no user set): one person does everything, own posts included
    save(client, "gsh-worker", summary="Local edit.")
    assert status(client, "gsh-worker", "in-review", None).status_code == 200
    assert status(client, "gsh-worker", "approved", None).status_code == 200
    entries = client.get("/api/posts/gsh-worker/history").get_json()["history"]
    assert entries[0]["author"] == "local user" and entries[0]["status"] == "approved"


def test_bad_status_values_are_400_and_unknown_posts_404(client: FlaskClient) -> None:
    assert status(client, "pwp", "published", "ada").status_code == 400
    assert status(client, "absent", "in-review", "ada").status_code == 404
    assert send(client, "POST", "/api/posts/pwp/status", "ada", json=["x"]).status_code == 400


def test_editing_an_approved_post_starts_a_draft_and_the_approved_text_stays_readable(
        client: FlaskClient, workspace: Path) -> None:
    status(client, "pwp", "in-review", "ann")
    status(client, "pwp", "approved", "pat")
    approved_text = (workspace / "posts" / "pwp.yaml").read_text("utf-8")
    assert save(client, "pwp", "ann", summary="A change after approval.").status_code == 200
    history = client.get("/api/posts/pwp/history").get_json()["history"]
    assert [h["status"] for h in history[:2]] == ["draft", "approved"]
    assert history[0]["author"] == "ann" and history[1]["author"] == "pat"
    old = client.get(f"/api/posts/pwp/history/{history[1]['rev']}").get_json()
    assert old["text"] == approved_text
    rows = {p["name"]: p for p in client.get("/api/posts").get_json()["posts"]}
    assert rows["pwp"]["status"] == "draft"


def test_history_lists_every_change_with_its_author_and_restore_is_a_new_revision(
        client: FlaskClient, workspace: Path) -> None:
    original = (workspace / "posts" / "pwp.yaml").read_bytes()
    save(client, "pwp", "ann", summary="First change.")
    save(client, "pwp", "rita", summary="Second change.")
    history = client.get("/api/posts/pwp/history").get_json()["history"]
    assert [(h["author"], h["message"]) for h in history] == [
        ("rita", "Save pwp"), ("ann", "Save pwp"), ("jdgen", "History starts: the posts as they were")]
    assert set(history[0]) >= {"rev", "author", "time", "message", "status"}
    assert history[0]["time"].endswith("Z")
    first = history[-1]["rev"]
    restored = send(client, "POST", f"/api/posts/pwp/history/{first}/restore", "ada")
    assert restored.status_code == 200
    assert (workspace / "posts" / "pwp.yaml").read_bytes() == original
    after = client.get("/api/posts/pwp/history").get_json()["history"]
    assert len(after) == 4 and after[0]["author"] == "ada" and after[0]["message"].startswith("Restore pwp")
    assert client.get("/api/posts/pwp/history/0000000").status_code == 404
    assert client.get("/api/posts/pwp/history/not-a-rev").status_code == 404


def test_rename_keeps_the_history_and_the_status(client: FlaskClient, workspace: Path) -> None:
    save(client, "pwp", "ann", summary="Before the rename.")
    status(client, "pwp", "in-review", "ann")
    etag = client.get("/api/posts/pwp", base_url=ORIGIN).headers["ETag"]
    renamed = send(client, "POST", "/api/posts/pwp/rename", "ann", json={"to": "pwp-band5"},
                   headers={"If-Match": etag})
    assert renamed.status_code == 201 and renamed.headers["ETag"]
    assert not (workspace / "posts" / "pwp.yaml").exists() and (workspace / "posts" / "pwp-band5.yaml").is_file()
    history = client.get("/api/posts/pwp-band5/history").get_json()["history"]
    assert [h["message"] for h in history[:3]] == ["Rename pwp to pwp-band5", "Send pwp for review", "Save pwp"]
    old = client.get(f"/api/posts/pwp-band5/history/{history[2]['rev']}").get_json()
    assert "Before the rename." in old["text"]
    rows = {p["name"]: p for p in client.get("/api/posts").get_json()["posts"]}
    assert rows["pwp-band5"]["status"] == "in-review"
    taken = send(client, "POST", "/api/posts/pwp-band5/rename", "ann", json={"to": "gsh-worker"})
    assert taken.status_code == 409
    stale = send(client, "POST", "/api/posts/pwp-band5/rename", "ann", json={"to": "x"},
                 headers={"If-Match": '"0000"'})
    assert stale.status_code == 412
    assert send(client, "POST", "/api/posts/pwp-band5/rename", "ann", json={"to": "../x"}).status_code == 400


def test_delete_and_recover(client: FlaskClient, workspace: Path) -> None:
    original = (workspace / "posts" / "gsh-worker.yaml").read_bytes()
    assert send(client, "DELETE", "/api/posts/gsh-worker", "ann").status_code == 204
    gone = client.get("/api/deleted").get_json()["deleted"]
    assert [(d["name"], d["author"]) for d in gone] == [("gsh-worker", "ann")]
    assert send(client, "POST", "/api/deleted/gsh-worker/recover", "rita").status_code == 201
    assert (workspace / "posts" / "gsh-worker.yaml").read_bytes() == original
    assert client.get("/api/deleted").get_json()["deleted"] == []
    assert send(client, "POST", "/api/deleted/gsh-worker/recover", "rita").status_code == 404
    history = client.get("/api/posts/gsh-worker/history").get_json()["history"]
    assert [(h["author"], h["message"]) for h in history[:2]] == [("rita", "Recover gsh-worker"),
                                                                  ("ann", "Delete gsh-worker")]


def test_diff_shows_the_rendered_words_that_changed(client: FlaskClient) -> None:
    save(client, "pwp", "ann", summary="You will assess people in clinics.")
    save(client, "pwp", "ann", summary="You will assess people by telephone.")
    revs = [h["rev"] for h in client.get("/api/posts/pwp/history").get_json()["history"]]
    changes = client.get(f"/api/posts/pwp/diff?from={revs[1]}&to={revs[0]}").get_json()["changes"]
    assert {"op": "del", "text": "in clinics."} in changes and {"op": "ins", "text": "by telephone."} in changes
    assert client.get("/api/posts/pwp/diff?from=" + revs[1]).status_code == 400


def test_word_diff() -> None:
    assert [(c.op, c.text) for c in word_diff("a b c\nd", "a x c\nd e")] == [
        ("same", "a"), ("del", "b"), ("ins", "x"), ("same", "c\nd"), ("ins", "e")]


def test_history_never_touches_a_workspace_git_checkout_or_other_files(workspace: Path) -> None:
    (workspace / "notes.txt").write_text("mine", "utf-8")
    history = History(workspace)
    history.ensure()
    assert (workspace / ".jdgen" / "history.git" / "HEAD").is_file()
    assert not (workspace / ".git").exists()
    assert sorted(p.name for p in workspace.iterdir()) == [".jdgen", "notes.txt", "posts"]
    assert [r.action for r in history.log("pwp")] == ["import"]


def test_the_full_profile_records_the_approval(client: FlaskClient, workspace: Path) -> None:
    from jdgen.posts import resolve_file
    from jdgen.view import build_view
    from jdgen.workspace import load_workspace

    status(client, "pwp", "in-review", "ann")
    status(client, "pwp", "approved", "pat")
    ws = load_workspace(workspace)
    post = resolve_file(workspace / "posts" / "pwp.yaml", ws)
    assert post.approval is not None and post.approval.by == "pat"
    view = build_view(post, ws.library, ws.settings, dict(ws.clauses), "full", False)
    record = next(n for n in view.notes if n["title"] == "Record of approval")
    assert record["items"][0].startswith("Approved by pat on ")
    # the text changed outside the composer: no longer the approved text, so no approval shown
    path = workspace / "posts" / "pwp.yaml"
    path.write_text(path.read_text("utf-8") + "# changed\n", "utf-8")
    assert resolve_file(path, load_workspace(workspace)).approval is None


def test_in_context_leaves_out_long_unchanged_runs() -> None:
    words = " ".join(f"w{i}" for i in range(40))
    changes = word_diff(words + " old end", words + " new end")
    shown = [(c.op, c.text) for c in in_context(changes, words=3)]
    assert shown == [("same", "… w37 w38 w39"), ("del", "old"), ("ins", "new"), ("same", "end")]


def test_changes_made_outside_the_composer_get_their_own_revision(client: FlaskClient, workspace: Path) -> None:
    save(client, "pwp", "ann", summary="Ann's summary.")
    path = workspace / "posts" / "pwp.yaml"
    path.write_text(path.read_text("utf-8").replace("Band 5", "Band 6"), "utf-8")  # a text editor
    (workspace / "posts" / "new-by-hand.yaml").write_bytes(path.read_bytes())
    save(client, "pwp", "rita", summary="Rita's summary.")
    assert status(client, "new-by-hand", "in-review", "ann").status_code == 200
    history = client.get("/api/posts/pwp/history").get_json()["history"]
    assert [(h["author"], h["message"]) for h in history[:3]] == [
        ("rita", "Save pwp"), ("outside jdgen", "Changed outside the composer"), ("ann", "Save pwp")]
    added = client.get("/api/posts/new-by-hand/history").get_json()["history"]
    assert [h["author"] for h in added] == ["ann", "outside jdgen"]


def test_approving_a_post_rebuilds_its_documents(client: FlaskClient, workspace: Path) -> None:
    from click.testing import CliRunner

    from jdgen.cli import main

    def build() -> str:
        args = ["-w", str(workspace), "build", "-f", "md", "--profile", "full", "-o", str(workspace / "out"),
                str(workspace / "posts" / "pwp.yaml")]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        return result.output

    assert "built" in build() and "up to date" in build()
    status(client, "pwp", "in-review", "ann")
    status(client, "pwp", "approved", "pat")
    assert "built" in build()
    assert "Approved by pat on" in (workspace / "out" / "pwp.md").read_text("utf-8")
