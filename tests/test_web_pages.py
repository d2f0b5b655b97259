"""The web app's pages through Flask's test client: each page answers, the Compose form carries
every key of a post and gives it back unchanged, saving and downloads, the checklist and the gap
report from uploaded returns."""

from __future__ import annotations

import csv
import io
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from jdgen.web import create_app
from jdgen.yamlio import load_file

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "http://localhost"


class FormFields(HTMLParser):
    """What a browser would submit for the form with id `form_id` (inputs, checked boxes,
    selected options, textareas)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and "name" in a:
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif a.get("type") != "file":
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select is not None and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.fields.append((self._textarea, text))
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_of(html: str, form_id: str = "compose") -> MultiDict[str, str]:
    parser = FormFields(form_id)
    parser.feed(html)
    return MultiDict(parser.fields)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "posts").mkdir()
    for f in (ROOT / "examples" / "posts").glob("*.yaml"):
        shutil.copy(f, tmp_path / "posts")
    # a frozen copy of the pwp example: the page and picker tests check its exact duties
    shutil.copy(ROOT / "tests" / "fixtures" / "web" / "pwp.yaml", tmp_path / "posts")
    return tmp_path


def examples_workspace(folder: Path, names: tuple[str, ...]) -> Path:
    """`folder` as a workspace whose posts/ holds copies of these bundled examples."""
    (folder / "posts").mkdir()
    for name in names:
        shutil.copy(ROOT / "examples" / "posts" / f"{name}.yaml", folder / "posts")
    return folder


def page_client(workspace: Path) -> FlaskClient:
    """A test client of the composer on `workspace`, its session started by reading the home page."""
    c = create_app(workspace).test_client()
    c.get("/", base_url=ORIGIN)
    return c


def session_token(client: FlaskClient) -> str:
    found: str = client.get("/api/session", base_url=ORIGIN).get_json()["csrf_token"]
    return found


@pytest.fixture
def client(workspace: Path) -> FlaskClient:
    return page_client(workspace)


@pytest.mark.parametrize("url", ["/", "/posts", "/library", "/library?q=risk", "/compose", "/compose?name=pwp",
                                 "/compare", "/compare?post=pwp&post=gsh-worker", "/training",
                                 "/training?post=pwp", "/compare/report?post=pwp&post=gsh-worker",
                                 "/training/curriculum?post=pwp", "/posts/pwp/delete"])
def test_pages_answer(client: FlaskClient, url: str) -> None:
    r = client.get(url, base_url=ORIGIN)
    assert r.status_code == 200
    assert r.data.startswith(b"<!DOCTYPE html>")


def test_library_lists_items_with_links_and_where_used(client: FlaskClient) -> None:
    html = client.get("/library?q=C1", base_url=ORIGIN).get_data(as_text=True)
    assert 'id="fw-iapt-li"' in html
    item = html[html.index('<span class="item-id">C1</span>'):]
    item = item[:item.index("</li>")]
    assert "KSF " in item and 'href="/compose?name=pwp"' in item
    missing = client.get("/library?q=zzzz-nothing", base_url=ORIGIN).get_data(as_text=True)
    assert "No item matches" in missing


@pytest.mark.parametrize("name", ["pwp", "gsh-worker", "hi-cbt-therapist", "ips-employment-specialist",
                                  "clinical-supervisor", "pwp-trainee"])
def test_compose_form_gives_the_post_back_unchanged(client: FlaskClient, workspace: Path, name: str) -> None:
    path = workspace / "posts" / f"{name}.yaml"
    before = load_file(path)[0]
    assert before is not None
    text_before = path.read_bytes()
    html = client.get(f"/compose?name={name}", base_url=ORIGIN).get_data(as_text=True)
    fields = form_of(html)
    assert fields.get("_name") == name and fields.get("_etag", "").startswith('"')
    r = client.post("/compose/save", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert r.status_code == 200, r.get_data(as_text=True)[:2000]
    after = load_file(path)[0]
    assert after is not None
    assert after.data == before.data
    assert path.read_bytes() == text_before  # nothing changed: not one byte rewritten


def test_compose_messages_at_their_fields_and_draft_save(client: FlaskClient, workspace: Path) -> None:
    html = client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True)
    fields = form_of(html)
    fields["hours_per_week"] = "lots"
    fields["title"] = ""
    check = client.post("/compose/check", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    text = check.get_data(as_text=True)
    hours = text[text.index('id="msg-f-hours-per-week"'):]
    assert "hours_per_week must be a number, not the text &#39;lots&#39;" in hours[:400]
    title = text[text.index('id="msg-f-title"'):]
    assert "missing required key &#39;title&#39;" in title[:300]
    saved = client.post("/compose/save", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert "as a draft" in saved.get_data(as_text=True)
    assert "hours_per_week: lots" in (workspace / "posts" / "pwp.yaml").read_text("utf-8")


def test_compose_conflict_keeps_the_form(client: FlaskClient, workspace: Path) -> None:
    html = client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True)
    path = workspace / "posts" / "pwp.yaml"
    path.write_text(path.read_text("utf-8").replace("Band 5", "Band 5 (changed)"), "utf-8")
    fields = form_of(html)
    fields["grade"] = "Band 6"
    r = client.post("/compose/save", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert r.status_code == 412
    page = r.get_data(as_text=True)
    assert "changed by someone else" in page and 'value="Band 6"' in page
    assert "Band 5 (changed)" in path.read_text("utf-8")


def test_compose_downloads(client: FlaskClient) -> None:
    fields = form_of(client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True))
    r = client.post("/compose/download?format=docx", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert r.status_code == 200 and r.data.startswith(b"PK")
    assert 'filename="pwp.docx"' in r.headers["Content-Disposition"]


def test_compose_form_has_every_top_level_key_of_the_schema(client: FlaskClient) -> None:
    from jdgen.schema import load_schema

    html = client.get("/compose", base_url=ORIGIN).get_data(as_text=True)
    for key in load_schema("post")["properties"]:
        assert f'id="f-{key.replace("_", "-")}"' in html, key


def test_posts_page_states_duplicate_and_delete(client: FlaskClient, workspace: Path) -> None:
    (workspace / "posts" / "broken.yaml").write_text("title: x\nsumary: y\n", "utf-8")
    html = client.get("/posts", base_url=ORIGIN).get_data(as_text=True)
    assert "state-errors" in html and "state-valid" in html
    token = client.get("/api/session", base_url=ORIGIN).get_json()["csrf_token"]
    asked = client.get("/posts/pwp/duplicate", base_url=ORIGIN).get_data(as_text=True)
    assert 'name="new_name"' in asked and 'value="pwp-copy"' in asked  # a free name is offered
    r = client.post("/posts/pwp/duplicate", data={"csrf_token": token, "new_name": "pwp-copy"}, base_url=ORIGIN,
                    headers={"Origin": ORIGIN})
    assert r.status_code == 302
    assert (workspace / "posts" / "pwp-copy.yaml").read_bytes() == (workspace / "posts" / "pwp.yaml").read_bytes()
    refused = client.post("/posts/pwp-copy/delete", data={}, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert refused.status_code == 403 and (workspace / "posts" / "pwp-copy.yaml").exists()
    client.post("/posts/pwp-copy/delete", data={"csrf_token": token}, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert not (workspace / "posts" / "pwp-copy.yaml").exists()


def test_checklist_form_gives_the_csv_gap_reads_and_upload_gives_the_report(client: FlaskClient) -> None:
    html = client.get("/training?post=pwp", base_url=ORIGIN).get_data(as_text=True)
    token = client.get("/api/session", base_url=ORIGIN).get_json()["csrf_token"]
    ids = [line.split('name="rating-')[1].split('"')[0] for line in html.split("\n") if 'name="rating-' in line]
    assert len(ids) > 20
    form = {"csrf_token": token, "post": "pwp", "person": "Sam Jones",
            **{f"rating-{i}": "3" for i in ids}, f"rating-{ids[0]}": "1", f"comment-{ids[0]}": "new to me"}
    r = client.post("/training/checklist", data=form, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert r.status_code == 200 and r.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0] == {**rows[0], "person": "Sam Jones", "item": ids[0], "rating": "1", "comment": "new to me"}
    assert len(rows) == len(ids)
    upload = {"csrf_token": token, "post": "pwp", "returns": (io.BytesIO(r.data), "sam-returns")}  # no .csv
    report = client.post("/training/gap", data=upload, base_url=ORIGIN, headers={"Origin": ORIGIN},
                         content_type="multipart/form-data")
    assert report.status_code == 200
    page = report.get_data(as_text=True)
    assert "Sam Jones" in page and ids[0] in page
    bad = {"csrf_token": token, "post": "pwp", "returns": (io.BytesIO(b"person,item,rating\nA,NOPE,9\n"), "x.csv")}
    refused = client.post("/training/gap", data=bad, base_url=ORIGIN, headers={"Origin": ORIGIN},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and "NOPE" in refused.get_data(as_text=True)


def test_checklist_csv_neutralises_formulas_and_gap_reads_them_back(client: FlaskClient) -> None:
    html = client.get("/training?post=pwp", base_url=ORIGIN).get_data(as_text=True)
    token = client.get("/api/session", base_url=ORIGIN).get_json()["csrf_token"]
    ids = [line.split('name="rating-')[1].split('"')[0] for line in html.split("\n") if 'name="rating-' in line]
    form = {"csrf_token": token, "post": "pwp", "person": "=HYPERLINK(\"x\")",
            **{f"rating-{i}": "3" for i in ids}, f"rating-{ids[0]}": "1", f"comment-{ids[0]}": "-2+3"}
    r = client.post("/training/checklist", data=form, base_url=ORIGIN, headers={"Origin": ORIGIN})
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert {row["person"] for row in rows} == {"'=HYPERLINK(\"x\")"}
    assert rows[0]["comment"] == "'-2+3" and rows[0]["rating"] == "1"


def test_openapi_description_is_served(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/frameworks", "/api/frameworks/{id}", "/api/posts", "/api/posts/{name}", "/api/validate",
                 "/api/render", "/api/compare"):
        assert path in spec["paths"], path


def test_pages_escape_what_posts_say(client: FlaskClient, workspace: Path) -> None:
    path = workspace / "posts" / "pwp.yaml"
    path.write_text(path.read_text("utf-8").replace("title: Psychological Wellbeing Practitioner",
                                                    'title: "<script>alert(1)</script>"'), "utf-8")
    for url in ("/posts", "/compose?name=pwp"):
        html = client.get(url, base_url=ORIGIN).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize("name", ["../pwp", "a/b", "/etc/passwd", ".jdgen-cache", "x y"])
def test_pages_refuse_bad_names(client: FlaskClient, workspace: Path, name: str) -> None:
    assert client.get("/compose", query_string={"name": name}, base_url=ORIGIN).status_code == 400
    fields = form_of(client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True))
    fields["_name"] = name
    fields["_etag"] = ""
    r = client.post("/compose/save", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert r.status_code == 400 and "is not a post name" in r.get_data(as_text=True)
    assert sorted(p.name for p in workspace.rglob("*") if p.is_file()) == sorted(
        f.name for f in (ROOT / "examples" / "posts").glob("*.yaml"))


def test_page_errors_are_short_pages_not_tracebacks(client: FlaskClient) -> None:
    r = client.get("/training?post=nope", base_url=ORIGIN)
    assert r.status_code == 404 and "no post named" in r.get_data(as_text=True)
    assert "Traceback" not in r.get_data(as_text=True)
    assert client.get("/compose?name=pwp&profile=nope", base_url=ORIGIN).status_code == 400
