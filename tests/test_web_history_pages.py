"""The pages of issue 19 through Flask's test client: Posts and Compare at 200 posts (search, sort,
paging), the History page (status, restore, diff), Deleted posts, Save as a new name, Rename,
Duplicate asking for the name, and the conflict view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from test_web_pages import examples_workspace, form_of, page_client, session_token

from jdgen.web import create_app

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "http://localhost"
PWP = (ROOT / "examples" / "posts" / "pwp.yaml").read_text("utf-8")


def many_posts(folder: Path, n: int = 200) -> None:
    """`n` valid posts: 'Practitioner 000' … with distinct titles (some 'Senior')."""
    for i in range(n):
        title = f"{'Senior ' if i % 10 == 0 else ''}Practitioner {i:03d}"
        (folder / f"post-{i:03d}.yaml").write_text(
            PWP.replace("title: Psychological Wellbeing Practitioner", f"title: {title}"), "utf-8")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    root = tmp_path_factory.mktemp("ws200")
    (root / "posts").mkdir()
    many_posts(root / "posts")
    client = create_app(root).test_client()
    client.get("/posts", base_url=ORIGIN)  # checks the 200 posts once
    return client


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return examples_workspace(tmp_path, ("pwp", "gsh-worker"))


@pytest.fixture
def client(workspace: Path) -> FlaskClient:
    return page_client(workspace)


token = session_token


def post_form(client: FlaskClient, url: str, data: object) -> object:
    return client.post(url, data=data, base_url=ORIGIN, headers={"Origin": ORIGIN})


def row_names(html: str) -> list[str]:
    return re.findall(r'<td class="file"><code>([^<]+)\.yaml</code>', html)


def test_posts_page_pages_200_posts(big: FlaskClient) -> None:
    html = big.get("/posts", base_url=ORIGIN).get_data(as_text=True)
    assert len(row_names(html)) == 25 and "200 posts; page 1 of 8." in html
    assert 'aria-label="Pages of posts"' in html and 'href="/posts?page=2"' in html
    last = big.get("/posts?page=8", base_url=ORIGIN).get_data(as_text=True)
    assert len(row_names(last)) == 25 and "page 8 of 8" in last
    assert big.get("/posts?page=99", base_url=ORIGIN).get_data(as_text=True).count("page 8 of 8") == 1
    assert "page 1 of 8" in big.get("/posts?page=x", base_url=ORIGIN).get_data(as_text=True)


def test_posts_page_search_and_sort(big: FlaskClient) -> None:
    found = big.get("/posts?q=senior", base_url=ORIGIN).get_data(as_text=True)
    assert row_names(found)[:3] == ["post-000", "post-010", "post-020"] and "20 of 200 posts match" in found
    assert "<nav" not in found.split("</table>")[1]  # one page: no pager
    by_name = big.get("/posts?sort=name&page=2", base_url=ORIGIN).get_data(as_text=True)
    assert row_names(by_name)[0] == "post-025"
    by_title = row_names(big.get("/posts?sort=title", base_url=ORIGIN).get_data(as_text=True))
    assert by_title[0] == "post-001"  # 'Practitioner 001' sorts before 'Senior …'
    by_status = big.get("/posts?sort=status&q=draft", base_url=ORIGIN).get_data(as_text=True)
    assert "200 of 200 posts match" in by_status and "status-draft" in by_status
    assert 'href="/posts?q=draft&amp;sort=status&amp;page=2"' in by_status  # paging keeps search and sort
    assert "Nothing" not in big.get("/posts?q=%3Cscript%3E", base_url=ORIGIN).get_data(as_text=True)


def test_compare_chooser_pages_and_keeps_the_chosen_posts(big: FlaskClient) -> None:
    html = big.get("/compare?q=senior&find=1&post=post-001", base_url=ORIGIN).get_data(as_text=True)
    assert html.count('type="checkbox" name="post"') == 21  # the chosen one + 20 found
    assert 'value="post-001" checked' in html and "iframe" not in html
    page2 = big.get("/compare?page=2&find=1&post=post-001&post=post-002", base_url=ORIGIN).get_data(as_text=True)
    assert 'href="/compare?page=3&amp;post=post-001&amp;post=post-002&amp;order=similarity&amp;find=1"' in page2
    ready = big.get("/compare?post=post-001&post=post-002", base_url=ORIGIN).get_data(as_text=True)
    assert "<iframe" in ready


def test_history_page_status_restore_and_diff(client: FlaskClient, workspace: Path) -> None:
    html = client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True)
    fields = form_of(html)
    fields["summary"] = "You will assess people by telephone."
    assert post_form(client, "/compose/save", fields).status_code == 200
    page = client.get("/posts/pwp/history", base_url=ORIGIN).get_data(as_text=True)
    assert page.count('name="from"') == 2 and "local user" in page and "Save pwp" in page
    revs = re.findall(r'name="to" value="([0-9a-f]{40})"', page)
    diff = client.get(f"/posts/pwp/diff?from={revs[1]}&to={revs[0]}", base_url=ORIGIN).get_data(as_text=True)
    assert '<ins><span class="visually-hidden">[added: </span>telephone.' in diff
    assert re.search(r"<del><span[^>]*>\[removed: </span>[^<]*high-volume caseload", diff)
    assert client.get("/posts/pwp/diff?from=" + revs[1], base_url=ORIGIN).status_code == 400
    moved = post_form(client, "/posts/pwp/status", {"csrf_token": token(client), "status": "in-review"})
    assert moved.status_code == 302
    refused = post_form(client, "/posts/pwp/status", {"csrf_token": token(client), "status": "draft"})
    assert refused.status_code == 400 and "comment is needed" in refused.get_data(as_text=True)
    assert "status-in-review" in client.get("/posts", base_url=ORIGIN).get_data(as_text=True)
    restored = post_form(client, f"/posts/pwp/history/{revs[1]}/restore", {"csrf_token": token(client)})
    assert restored.status_code == 302
    assert "by telephone." not in (workspace / "posts" / "pwp.yaml").read_text("utf-8")
    read = client.get(f"/posts/pwp/history/{revs[0]}", base_url=ORIGIN).get_data(as_text=True)
    assert "by telephone." in read


def test_deleted_posts_page_recovers(client: FlaskClient, workspace: Path) -> None:
    assert "No deleted posts" in client.get("/posts/deleted", base_url=ORIGIN).get_data(as_text=True)
    post_form(client, "/posts/gsh-worker/delete", {"csrf_token": token(client)})
    page = client.get("/posts/deleted", base_url=ORIGIN).get_data(as_text=True)
    assert "gsh-worker.yaml</code>, deleted by local user" in page
    assert post_form(client, "/posts/deleted/gsh-worker/recover", {"csrf_token": token(client)}).status_code == 302
    assert (workspace / "posts" / "gsh-worker.yaml").is_file()


def test_save_as_a_new_name_keeps_the_original(client: FlaskClient, workspace: Path) -> None:
    fields = form_of(client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True))
    original = (workspace / "posts" / "pwp.yaml").read_bytes()
    fields["_name"] = "pwp-renamed-test"
    fields["grade"] = "Band 6"
    saved = post_form(client, "/compose/save", fields)
    assert saved.status_code == 200, saved.get_data(as_text=True)[:2000]
    assert "posts/pwp.yaml is unchanged" in saved.get_data(as_text=True)
    assert "Band 6" in (workspace / "posts" / "pwp-renamed-test.yaml").read_text("utf-8")
    assert (workspace / "posts" / "pwp.yaml").read_bytes() == original
    fields["_name"] = "gsh-worker"  # a name that is taken is refused, not overwritten
    taken = post_form(client, "/compose/save", fields)
    assert taken.status_code == 409 and "exists already" in taken.get_data(as_text=True)


def test_rename_in_the_composer_moves_the_post_and_its_history(client: FlaskClient, workspace: Path) -> None:
    fields = form_of(client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True))
    fields["_name"] = "pwp-band5"
    fields["base"] = "Mill Lane Clinic"
    r = post_form(client, "/compose/rename", fields)
    assert r.status_code == 200 and "Renamed posts/pwp.yaml to posts/pwp-band5.yaml" in r.get_data(as_text=True)
    assert not (workspace / "posts" / "pwp.yaml").exists()
    text = (workspace / "posts" / "pwp-band5.yaml").read_text("utf-8")
    assert "Mill Lane Clinic" in text and "# " in text  # the form's change, the file's comments
    history = client.get("/api/posts/pwp-band5/history").get_json()["history"]
    assert history[0]["message"] == "Rename pwp to pwp-band5" and history[-1]["action"] == "import"
    again = form_of(r.get_data(as_text=True))
    assert again["_source"] == "pwp-band5" and post_form(client, "/compose/save", again).status_code == 200


def test_duplicate_asks_for_a_free_name(client: FlaskClient, workspace: Path) -> None:
    taken = post_form(client, "/posts/pwp/duplicate", {"csrf_token": token(client), "new_name": "gsh-worker"})
    assert taken.status_code == 409 and "exists already" in taken.get_data(as_text=True)
    bad = post_form(client, "/posts/pwp/duplicate", {"csrf_token": token(client), "new_name": "../x"})
    assert bad.status_code == 400
    made = post_form(client, "/posts/pwp/duplicate", {"csrf_token": token(client), "new_name": "pwp-2"})
    assert made.status_code == 302 and (workspace / "posts" / "pwp-2.yaml").is_file()
    history = client.get("/api/posts/pwp-2/history").get_json()["history"]
    assert [h["message"] for h in history] == ["Duplicate pwp as pwp-2"]


def test_conflict_shows_their_changes_and_keep_mine_saves_over_them(client: FlaskClient, workspace: Path) -> None:
    mine = form_of(client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True))
    theirs = form_of(client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True))
    theirs["base"] = "Riverside House"
    assert post_form(client, "/compose/save", theirs).status_code == 200
    mine["grade"] = "Band 6"
    refused = post_form(client, "/compose/save", mine)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 412 and 'id="conflict"' in page
    assert "What they changed since you opened it" in page
    assert "[added: </span>House" in page.split('id="conflict-diff"')[1]
    assert "Take theirs" in page
    keep = form_of(page)  # the form as shown, with the "Keep mine" button's value
    their_etag = re.search(r'name="_keep" value="([^"]+)"', page)
    assert their_etag is not None
    keep["_keep"] = their_etag.group(1).replace("&#34;", '"')
    assert post_form(client, "/compose/save", keep).status_code == 200
    text = (workspace / "posts" / "pwp.yaml").read_text("utf-8")
    assert "Band 6" in text and "Riverside House" not in text


def test_history_page_of_a_post_never_saved_here_says_so(client: FlaskClient) -> None:
    page = client.get("/posts/gsh-worker/history", base_url=ORIGIN).get_data(as_text=True)
    assert 'id="no-revisions"' in page and 'id="revisions"' not in page


def test_post_counts_read_as_english(client: FlaskClient) -> None:
    found = client.get("/posts?q=gsh", base_url=ORIGIN).get_data(as_text=True)
    assert "1 of 2 posts matches “gsh”" in found
    assert "2 posts." in client.get("/posts", base_url=ORIGIN).get_data(as_text=True)
