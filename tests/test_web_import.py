"""The composer's Import page (issue 18), through Flask's test client: upload, review each duty's
match with its alternatives, change one, save as a post through the composer's store."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from test_web_pages import ORIGIN, form_of, page_client, session_token

from jdgen.yamlio import load_file

LABELLED = Path(__file__).parent / "fixtures" / "import" / "labelled"
BAD = Path(__file__).parent / "fixtures" / "import" / "bad"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "posts").mkdir()
    return tmp_path


@pytest.fixture
def client(workspace: Path) -> FlaskClient:
    return page_client(workspace)


_token = session_token


def _upload(client: FlaskClient, path: Path) -> tuple[int, str]:
    with path.open("rb") as f:
        r = client.post("/import", data={"csrf_token": _token(client), "document": (f, path.name)},
                        base_url=ORIGIN, headers={"Origin": ORIGIN}, content_type="multipart/form-data")
    return r.status_code, r.get_data(as_text=True)


def test_import_page_answers_and_is_in_the_menu(client: FlaskClient) -> None:
    html = client.get("/import", base_url=ORIGIN).get_data(as_text=True)
    assert 'id="import-upload"' in html and 'type="file"' in html and 'href="/import" aria-current="page"' in html


def test_upload_review_change_and_save(client: FlaskClient, workspace: Path) -> None:
    status, html = _upload(client, LABELLED / "team-leader.md")
    assert status == 200
    assert 'id="import-review"' in html and "Chair the Trust&#39;s staff choir committee." in html
    fields = form_of(html, "import-review")
    assert fields["name"] == "team-leader"
    assert fields["duty-0"] == "iapt-leadership:LA1"  # the match, chosen by default
    assert fields["duty-10"] == "local"  # below the threshold: kept local
    assert html.count('name="duty-0"') == 6  # the match, three alternatives, local, another item
    fields["duty-7"] = "local"  # change: "Lead recruitment to vacant posts." kept in the employer's words
    fields["duty-10"] = "other"
    fields["other-10"] = "iapt-leadership:LC2"
    saved = client.post("/import/save", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert saved.status_code == 302 and "/compose?name=team-leader" in saved.headers["Location"]
    doc = load_file(workspace / "posts" / "team-leader.yaml")[0]
    assert doc is not None
    duties = doc.data["duties"]
    assert "LW3" not in duties["add"] and duties["reword"]["LC2"] == "Chair the Trust's staff choir committee."
    assert duties["local"] == [{"heading": "People", "items": ["Lead recruitment to vacant posts."]}]
    composed = client.get(saved.headers["Location"], base_url=ORIGIN)
    assert composed.status_code == 200 and "Imported team-leader.md" in composed.get_data(as_text=True)
    history = client.get("/api/posts/team-leader/history", base_url=ORIGIN).get_json()["history"]
    assert history[0]["message"].startswith("Import team-leader from team-leader.md")  # a revision, as a save is


def test_save_refuses_an_unknown_item_and_an_existing_post(client: FlaskClient, workspace: Path) -> None:
    _, html = _upload(client, LABELLED / "peer-support.txt")
    fields = form_of(html, "import-review")
    fields["duty-0"] = "other"
    fields["other-0"] = "iapt-li:ZZ9"
    r = client.post("/import/save", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert r.status_code == 400 and "is not an item of a duties framework" in r.get_data(as_text=True)
    assert 'value="iapt-li:ZZ9"' in r.get_data(as_text=True)  # the choice is kept in the form
    (workspace / "posts" / "peer-support.yaml").write_text("title: Mine\n", "utf-8")
    fields["duty-0"] = "local"
    again = client.post("/import/save", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert again.status_code == 409 and "choose another name" in again.get_data(as_text=True)
    assert (workspace / "posts" / "peer-support.yaml").read_text("utf-8") == "title: Mine\n"


@pytest.mark.parametrize(("name", "words"), [("scanned.pdf", "scanned image"), ("notes.rtf", "cannot import")])
def test_bad_uploads_are_explained(client: FlaskClient, workspace: Path, name: str, words: str) -> None:
    status, html = _upload(client, BAD / name)
    assert status in (400, 422) and words in html and 'id="import-upload"' in html
    assert not list((workspace / "posts").iterdir())


def test_review_shows_the_fields_as_a_job_description_names_them(client: FlaskClient) -> None:
    status, html = _upload(client, LABELLED / "employment-adviser-lines.docx")
    assert status == 200
    fields = html[html.index('<dl class="fields">'):html.index("</dl>")]
    assert "<dt>Salary</dt><dd>£31,049 to £37,796 a year (pro rata)</dd>" in fields
    assert "<dt>Hours a week</dt><dd>30</dd>" in fields and "<dt>Responsible to</dt>" in fields
    assert "{" not in fields and "hours_per_week" not in fields
    assert "Duty 1, under “Duties and responsibilities”:" in html
