"""End to end in Debian's Chromium (Playwright for Python, no downloaded browser): compose,
preview, save and download a post; fill in a checklist; axe-core finds no violations on any page.
Skipped, with the reason, where Chromium or Playwright is missing."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jdgen.yamlio import load_file

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

if CHROMIUM is None:
    pytest.skip("browser tests need Debian's Chromium: apt-get install chromium (.ci/run installs it)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright: pip install -e '.[test]'")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web-ws")
    (root / "posts").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "web" / "pwp.yaml", root / "posts")  # frozen: tests check its duties
    for name in ("gsh-worker", "ips-employment-specialist"):
        shutil.copy(ROOT / "examples" / "posts" / f"{name}.yaml", root / "posts")
    return root


@pytest.fixture(scope="module")
def base_url(workspace: Path) -> Iterator[str]:
    from werkzeug.serving import make_server

    from jdgen.web import create_app

    app = create_app(workspace)

    @app.before_request
    def acting_user() -> None:  # stands in for the login: a "test_user" cookie names the user and role
        from flask import request

        from jdgen.web.identity import Role, User, set_current_user

        who = request.cookies.get("test_user", "")
        if ":" in who:
            name, role = who.split(":", 1)
            set_current_user(User(name, Role(role)))

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  bypass_csp=True)  # for axe; the app's CSP refuses injected scripts
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


@pytest.mark.parametrize("path", ["/posts", "/library", "/compose", "/compose?name=pwp", "/compare",
                                  "/compare?post=pwp&post=gsh-worker", "/training", "/training?post=pwp",
                                  "/posts/pwp/delete", "/compare/report?post=pwp&post=gsh-worker",
                                  "/compare/report?post=pwp&post=gsh-worker&post=ips-employment-specialist",
                                  "/training/curriculum?post=pwp", "/posts/pwp/history", "/posts/deleted",
                                  "/posts/pwp/duplicate", "/posts?q=pwp&sort=status"])
def test_axe_finds_no_violations(page: Any, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    assert axe_violations(page) == []


def test_compose_preview_save_and_download(page: Any, base_url: str, workspace: Path) -> None:
    page.goto(base_url + "/compose")
    page.fill("#f-name", "band5-pwp")
    fields = {"title": "Psychological Wellbeing Practitioner", "organisation": "Riverside NHS Foundation Trust",
              "grade": "Band 5", "hours-per-week": "37.5", "contract": "Permanent", "base": "Mill Lane",
              "responsible-to": "Senior PWP", "accountable-to": "Clinical Lead"}
    for field, value in fields.items():
        page.fill(f"#f-{field}", value)
    page.fill("#f-hours-per-week", "many")
    page.locator("#msg-f-hours-per-week").get_by_text("must be a number").wait_for()  # as you type
    page.fill("#f-hours-per-week", "37.5")
    page.fill("#f-summary", "You will assess people and support them through guided self-help.")
    page.locator("#f-duties").get_by_label("A: ").first.check()
    page.locator("#f-supervision-profile").fill("pwp")
    preview = page.frame_locator("iframe.preview")
    preview.get_by_role("heading", name="Psychological Wellbeing Practitioner").first.wait_for()
    assert page.locator("#msg-f-hours-per-week").inner_text() == ""
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved posts/band5-pwp.yaml.").wait_for()
    saved = load_file(workspace / "posts" / "band5-pwp.yaml")[0]
    assert saved is not None and saved.data["hours_per_week"] == 37.5 and saved.data["duties"]["clusters"] == ["A"]
    with page.expect_download() as info:
        page.get_by_role("button", name="Download DOCX").click()
    download = info.value
    assert download.suggested_filename == "band5-pwp.docx"
    assert Path(download.path()).read_bytes().startswith(b"PK")


def test_picker_tick_shows_in_the_preview(page: Any, base_url: str) -> None:
    page.goto(base_url + "/compose?name=pwp")
    preview = page.frame_locator("iframe.preview")
    preview.get_by_text("Take a turn on the service").first.wait_for()
    assert preview.get_by_text("Plan psycho-educational and skills groups").count() == 0
    page.locator("#f-duties-0-clusters-c-G").locator("xpath=ancestor::fieldset[1]").locator(
        "summary").first.click()
    page.locator("#f-duties-0-clusters-G1").focus()
    page.keyboard.press("Space")  # a keyboard user ticks an item of an untaken cluster
    assert page.locator("#f-duties-0-clusters-G1").is_checked()
    preview.get_by_text("Plan psycho-educational and skills groups").first.wait_for()
    page.locator("#f-duties-0-clusters-c-O").check()  # a cluster ticks its items at once
    assert page.locator("#f-duties-0-clusters-O1").is_checked()


def test_lint_findings_appear_beside_their_field_as_you_type(page: Any, base_url: str) -> None:
    page.goto(base_url + "/compose?name=pwp")
    page.frame_locator("iframe.preview").get_by_text("Take a turn on the service").first.wait_for()
    summary = page.locator("#f-summary")
    summary.fill(summary.input_value() + " We want a young, energetic practitioner.")
    page.locator("#lint-f-summary").get_by_text("'young' suggests an age preference").wait_for()  # as you type
    assert "exclusionary-wording" in page.locator("#lint-f-summary").inner_text()
    assert "lint-f-summary" in (summary.get_attribute("aria-describedby") or "")
    page.get_by_text("Wording:", exact=False).first.wait_for()
    page.goto(base_url + "/posts")
    assert "finding" in page.locator("td.lint-count[data-post='pwp']").inner_text()


def test_keyboard_reaches_the_form_from_the_skip_link(page: Any, base_url: str) -> None:
    page.goto(base_url + "/compose?name=pwp")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-name":
            break
    assert page.evaluate("document.activeElement.id") == "f-name"


def test_fill_in_a_checklist(page: Any, base_url: str) -> None:
    page.goto(base_url + "/training?post=pwp")
    page.fill("#person", "Sam Jones")
    first = page.locator("fieldset.rating").first
    first.get_by_label("1 With support").check()
    page.locator("fieldset.rating").nth(1).get_by_label("3 Can teach others").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the checklist (CSV)").click()
    lines = Path(info.value.path()).read_text("utf-8").splitlines()
    assert lines[0].startswith("person,item,rating,comment")
    assert lines[1].startswith("Sam Jones,") and ",1," in lines[1]
    assert ",3," in lines[2]


def test_axe_does_report_violations(page: Any) -> None:
    """The check above can fail: a page with an unlabelled field and an image without text."""
    page.set_content('<html lang="en"><body><main><h1>x</h1><img src="data:,"><input></main></body></html>')
    ids = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= ids


def test_checklist_document_saves_formula_cells_neutralised(page: Any, tmp_path: Path) -> None:
    """The checklist HTML that `jdgen checklist` writes saves its CSV with formula-like text
    neutralised, and `jdgen gap` reads the person's words back unchanged."""
    import csv
    import io

    from click.testing import CliRunner

    from jdgen.cli import main

    post = ROOT / "examples" / "posts" / "pwp.yaml"
    result = CliRunner().invoke(main, ["checklist", "--post", str(post), "-f", "html", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    page.goto((tmp_path / "pwp-checklist.html").as_uri())
    page.fill("#person", "=HYPERLINK(1)")
    for radio in page.locator("tr.item").all():
        radio.locator("input[type=radio]").first.check()
    first_comment = page.locator("tr.item").first.locator("input[type=text], input:not([type]), textarea").first
    first_comment.fill("@SUM(A1)")
    text = page.evaluate("window.jdgenChecklistCsv()")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[1][3] == "'@SUM(A1)"
    assert all(r[0] == "'=HYPERLINK(1)" for r in rows[1:])
    (tmp_path / "returns").mkdir()
    (tmp_path / "returns" / "return.csv").write_text(text, encoding="utf-8")
    gap = CliRunner().invoke(main, ["gap", "--post", str(post), "--assessments", str(tmp_path / "returns"),
                                    "-f", "json", "-o", str(tmp_path / "gap")])
    assert gap.exit_code == 0, gap.output
    assert "=HYPERLINK(1)" in (tmp_path / "gap").joinpath("pwp-gap.json").read_text(encoding="utf-8")


def test_import_upload_review_and_save(page: Any, base_url: str, workspace: Path) -> None:
    """Issue 18: the Import page and its review form pass axe; a changed match is what is saved."""
    page.goto(base_url + "/import")
    assert axe_violations(page) == []
    page.set_input_files("#document", str(Path(__file__).parent / "fixtures" / "import" / "labelled" /
                                          "peer-support.txt"))
    page.get_by_role("button", name="Read and match").click()
    page.locator("#import-review").wait_for()
    assert axe_violations(page) == []
    page.locator("#duty-4").get_by_label("Keep as a local duty").check()
    page.fill("#name", "imported-peer-support")
    page.get_by_role("button", name="Save the post").click()
    page.get_by_text("Imported peer-support.txt as posts/imported-peer-support.yaml.").wait_for()
    saved = load_file(workspace / "posts" / "imported-peer-support.yaml")[0]
    assert saved is not None
    duties = saved.data["duties"] if isinstance(saved.data["duties"], list) else [saved.data["duties"]]
    local = [text for spec in duties for section in spec.get("local", []) for text in section["items"]]
    assert "Co-run wellbeing groups alongside clinicians." in local


def act_as(page: Any, base_url: str, who: str) -> None:
    page.context.add_cookies([{"name": "test_user", "value": who, "url": base_url}])


def test_review_and_approval(page: Any, base_url: str, workspace: Path) -> None:
    shutil.copy(ROOT / "examples" / "posts" / "pwp.yaml", workspace / "posts" / "review-me.yaml")
    act_as(page, base_url, "ann:author")
    page.goto(base_url + "/posts/review-me/history")
    page.get_by_label("In review (sent for review)").check()
    page.get_by_role("button", name="Change status").click()
    page.locator("#current-status").get_by_text("set by ann").wait_for()
    act_as(page, base_url, "rita:reviewer")
    page.reload()
    page.get_by_label("Draft (returned with comments").check()
    page.get_by_role("button", name="Change status").click()
    page.get_by_role("alert").get_by_text("a comment is needed").wait_for()  # refused, said on the page
    page.get_by_label("Draft (returned with comments").check()
    page.get_by_role("textbox", name="Comment").fill("Name the supervisor.")
    page.get_by_role("button", name="Change status").click()
    page.locator("#current-status").get_by_text("Name the supervisor.").wait_for()
    act_as(page, base_url, "ann:author")
    page.reload()
    page.get_by_label("In review (sent for review)").check()
    page.get_by_role("button", name="Change status").click()
    act_as(page, base_url, "pat:approver")
    page.reload()
    page.get_by_label("Approved (approved)").check()
    page.get_by_role("button", name="Change status").click()
    page.locator("#current-status").get_by_text("set by pat").wait_for()
    assert axe_violations(page) == []
    page.goto(base_url + "/posts?q=review-me")
    row = page.locator("#posts-table tbody tr").first
    assert "Approved" in row.inner_text() and "by pat" in row.inner_text()


def test_history_diff_and_rename(page: Any, base_url: str, workspace: Path) -> None:
    shutil.copy(ROOT / "examples" / "posts" / "gsh-worker.yaml", workspace / "posts" / "to-rename.yaml")
    page.goto(base_url + "/compose?name=to-rename")
    page.fill("#f-base", "Riverside House")
    page.get_by_role("button", name="Save").first.click()
    page.get_by_role("status").get_by_text("Saved posts/to-rename.yaml").wait_for()
    page.fill("#f-name", "renamed-post")
    page.get_by_role("button", name="Rename to-rename to the file name above").click()
    page.get_by_role("status").get_by_text("Renamed posts/to-rename.yaml to posts/renamed-post.yaml").wait_for()
    assert not (workspace / "posts" / "to-rename.yaml").exists()
    page.get_by_role("link", name="History and status").click()
    rows = page.locator("#revisions tbody tr")
    assert rows.count() == 3 and "Rename to-rename to renamed-post" in rows.nth(0).inner_text()
    assert "Changed outside the composer" in rows.nth(2).inner_text()  # the copied file, before the save
    first = rows.nth(2).locator("input[name=from]").get_attribute("value")
    page.get_by_label(f"Compare from revision {first[:12]}").check()
    page.get_by_role("button", name="Show what changed").click()
    page.get_by_role("heading", name="Changes").wait_for()
    assert page.locator("#diff ins").filter(has_text="House").count() == 1
    assert page.locator("#diff del").count() >= 1
    assert axe_violations(page) == []


# --- issue 19: login, and an open page that outlives a restart ---

class Restartable:
    """A server on a fixed port that can be restarted with a new app (and so a new session key, as
    `jdgen serve` had before the key was kept in the workspace)."""

    def __init__(self, make_app: Any) -> None:
        self.make_app, self.port, self.server, self.thread = make_app, 0, None, None
        self.start()

    def start(self) -> None:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class OneRequestPerConnection(WSGIRequestHandler):
            protocol_version = "HTTP/1.0"  # no keep-alive: after a restart no request reaches the old app

        server = make_server("127.0.0.1", self.port, self.make_app(), threaded=True,
                             request_handler=OneRequestPerConnection)
        self.port, self.server = server.server_port, server
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        assert self.server is not None and self.thread is not None
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Restartable, Path]]:
    from jdgen import accounts
    from jdgen.web import create_app

    root = tmp_path_factory.mktemp("team-ws")
    (root / "posts").mkdir()
    shutil.copy(ROOT / "examples" / "posts" / "pwp.yaml", root / "posts")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts, "HASH_COST", {"time_cost": 1, "memory_cost": 64, "parallelism": 1})
        accounts.add(root, "alice", "author", "correct horse battery")
        accounts.add(root, "pat", "approver", "staple battery horse")
    server = Restartable(lambda: create_app(root))
    yield server, root
    server.stop()


def log_in(page: Any, url: str, password: str = "correct horse battery", user: str = "alice") -> None:
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_login_and_logout(page: Any, team_server: tuple[Restartable, Path]) -> None:
    server, _ = team_server
    page.goto(server.url + "/compose?name=pwp")
    assert page.url.startswith(server.url + "/login")
    assert axe_violations(page) == []
    log_in(page, server.url, "not the password")
    page.get_by_role("alert").get_by_text("wrong user name or password").wait_for()
    assert axe_violations(page) == []
    log_in(page, server.url)
    page.wait_for_url(server.url + "/compose?name=pwp")
    assert page.locator("#who").inner_text() == "alice (author)"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(server.url + "/login")
    page.goto(server.url + "/posts")
    assert page.url.startswith(server.url + "/login")


def test_open_page_saves_its_edits_after_a_restart(page: Any, tmp_path: Path) -> None:
    from jdgen.web import create_app

    (tmp_path / "posts").mkdir()
    shutil.copy(ROOT / "examples" / "posts" / "pwp.yaml", tmp_path / "posts")
    server = Restartable(lambda: create_app(tmp_path))  # a new key at each start: the worst case
    try:
        page.goto(server.url + "/compose?name=pwp")
        page.fill("#f-title", "Psychological Wellbeing Practitioner (edited before the restart)")
        server.stop()
        server.start()
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Saved posts/pwp.yaml.").wait_for()
        saved = load_file(tmp_path / "posts" / "pwp.yaml")[0]
        assert saved is not None and saved.data["title"].endswith("(edited before the restart)")
    finally:
        server.stop()


def test_open_page_keeps_its_edits_when_the_login_ended(page: Any, team_server: tuple[Restartable, Path]) -> None:
    server, root = team_server
    page.goto(server.url + "/login?next=/compose%3Fname%3Dpwp")
    log_in(page, server.url)
    page.wait_for_url(server.url + "/compose?name=pwp")
    page.fill("#f-title", "Psychological Wellbeing Practitioner (kept)")
    server.stop()
    server.start()  # a new key: the login cookie is no longer valid
    page.get_by_role("button", name="Save").click()
    page.locator("#session-note").get_by_text("Your login has ended").wait_for()
    assert page.url == server.url + "/compose?name=pwp"
    assert page.input_value("#f-title") == "Psychological Wellbeing Practitioner (kept)"
    other = page.context.new_page()  # "log in again in a new tab"
    other.goto(server.url + "/login")
    log_in(other, server.url)
    other.wait_for_url(server.url + "/posts")
    other.close()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved posts/pwp.yaml.").wait_for()
    saved = load_file(root / "posts" / "pwp.yaml")[0]
    assert saved is not None and saved.data["title"] == "Psychological Wellbeing Practitioner (kept)"


def test_review_and_approval_with_real_logins(page: Any, team_server: tuple[Restartable, Path]) -> None:
    """The workflow as a team meets it: the author logs in and sends the post for review, logs out; the
    approver logs in and approves it; the Posts page and the history say who did what."""
    server, root = team_server
    shutil.copy(ROOT / "examples" / "posts" / "gsh-worker.yaml", root / "posts" / "team-review.yaml")
    page.goto(server.url + "/posts/team-review/history")
    log_in(page, server.url)
    page.wait_for_url(server.url + "/posts/team-review/history")
    assert page.get_by_label("Approved (approved)").count() == 0  # an author cannot approve
    page.get_by_label("In review (sent for review)").check()
    page.get_by_role("button", name="Change status").click()
    page.locator("#current-status").get_by_text("set by alice").wait_for()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(server.url + "/login")
    page.goto(server.url + "/posts/team-review/history")
    log_in(page, server.url, "staple battery horse", "pat")
    page.wait_for_url(server.url + "/posts/team-review/history")
    assert page.locator("#who").inner_text() == "pat (approver)"
    page.get_by_label("Approved (approved)").check()
    page.get_by_role("button", name="Change status").click()
    page.locator("#current-status").get_by_text("set by pat").wait_for()
    assert axe_violations(page) == []
    authors = page.locator("#revisions tbody tr td:nth-child(4)").all_inner_texts()
    assert authors[:2] == ["pat", "alice"]
    page.goto(server.url + "/posts?q=team-review")
    row = page.locator("#posts-table tbody tr").first.inner_text()
    assert "Approved" in row and "by pat" in row
    page.get_by_role("button", name="Log out").click()
