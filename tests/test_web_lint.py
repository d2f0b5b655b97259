"""`jdgen lint` in the web app: POST /api/lint gives each finding at its field, the composer's lint
fragment puts findings beside their fields (out of band, apart from the preview), and the Posts
page shows each post's finding count."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import parse_html
from flask.testing import FlaskClient

from jdgen.web import create_app
from jdgen.yamlio import load_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "lint"
ORIGIN = "http://localhost"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    root = tmp_path_factory.mktemp("lint-web")
    (root / "posts").mkdir()
    shutil.copy(FIXTURES / "exclusionary.yaml", root / "posts")
    shutil.copy(FIXTURES / "salary-band-clean.yaml", root / "posts")
    c = create_app(root).test_client()
    c.get("/", base_url=ORIGIN)
    return c


def _headers(client: FlaskClient) -> dict[str, str]:
    token = client.get("/api/session", base_url=ORIGIN).get_json()["csrf_token"]
    return {"Origin": ORIGIN, "X-CSRF-Token": token}


def _data(name: str) -> dict[str, object]:
    doc, _ = load_file(FIXTURES / f"{name}.yaml")
    assert doc is not None
    data: dict[str, object] = doc.data
    return data


def test_api_lint_gives_each_finding_at_its_field(client: FlaskClient) -> None:
    r = client.post("/api/lint", json={"name": "x", "post": _data("exclusionary")}, headers=_headers(client),
                    base_url=ORIGIN)
    assert r.status_code == 200
    found = r.get_json()["findings"]
    assert list(found[0]) == ["path", "location", "severity", "rule", "message", "suggestion"]
    licence = next(f for f in found if "driving licence" in f["message"])
    assert (licence["path"], licence["location"], licence["rule"]) == (
        "person_spec.essential[0]", ["person_spec", "essential", 0], "exclusionary-wording")
    assert {f["path"] for f in found if f["rule"] == "exclusionary-wording"} == {
        "summary", "person_spec.essential[0]", "person_spec.essential[1]"}
    assert client.post("/api/lint", data="nope", headers=_headers(client), base_url=ORIGIN).status_code == 400


def test_compose_lint_fragment_puts_findings_beside_fields(client: FlaskClient) -> None:
    form = {"csrf_token": _headers(client)["X-CSRF-Token"], "_name": "draft", "title": "Test Practitioner",
            "summary": "We want a young practitioner.", "grade": "Band 5"}
    r = client.post("/compose/lint", data=form, headers={"Origin": ORIGIN, "HX-Request": "true"}, base_url=ORIGIN)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    parsed = parse_html(html)
    text = " ".join(parsed.text)
    assert "Wording: 'young' suggests an age preference (exclusionary-wording)" in text
    assert 'id="lint-f-summary" data-hx-swap-oob="true"' in html


def test_posts_page_shows_finding_counts(client: FlaskClient) -> None:
    html = client.get("/posts", base_url=ORIGIN).get_data(as_text=True)
    text = " ".join(parse_html(html).text)
    assert "Wording" in text
    assert "finding(s) of" in text
