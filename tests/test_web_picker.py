"""The duties picker of the Compose page: the example pwp post's clusters and items shown ticked as
the post takes them, and ticks turned back into `clusters`, `add` and `remove` when saved."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from jdgen.yamlio import load_file
from tests.test_web_pages import ORIGIN, client, form_of, workspace

__all__ = ["client", "workspace"]  # pytest fixtures, shared with the page tests


def box(html: str, box_id: str) -> str:
    found = re.search(rf'<input type="checkbox" id="{re.escape(box_id)}"[^>]*>', html)
    assert found, box_id
    return found.group(0)


def test_picker_shows_the_post_ticked(client: FlaskClient) -> None:
    html = client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True)
    picker = html[html.index('<fieldset class="picker" id="f-duties-0-clusters"'):]
    picker = picker[:picker.index('id="f-duties-0-add"')]
    core = box(picker, "f-duties-0-clusters-c-C")
    assert "checked disabled" in core and "name=" not in core
    assert "every post that takes duties from iapt-li takes all of them" in picker
    assert "disabled" in box(picker, "f-duties-0-clusters-C1")
    for code, taken in (("A", True), ("CB", True), ("HS", True), ("W", False), ("G", False)):
        assert ("checked" in box(picker, f"f-duties-0-clusters-c-{code}")) is taken, code
    for item, ticked in (("A1", True), ("S1", True), ("S10", True), ("W1", True), ("RA1", True),
                         ("W2", False), ("G1", False)):
        assert ("checked" in box(picker, f"f-duties-0-clusters-{item}")) is ticked, item
    assert '<label for="f-duties-0-clusters-c-HS">H&amp;S: ' in picker
    assert '<span class="item-id">H&amp;S 1</span>' in picker
    assert "<summary>Full text" in picker  # long items keep their full text one click away
    fields = form_of(html)
    assert fields.get("duties.0.add") == "" and fields.get("duties.0.remove") == ""  # all shown as ticks


def test_ticks_become_clusters_add_and_remove(client: FlaskClient, workspace: Path) -> None:
    fields = form_of(client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True))
    items = fields.getlist("duties.0._items")
    items = [i for i in items if i not in ("CB3", "W1", "S1", "S10")] + ["G1"]  # untick, tick
    fields.setlist("duties.0._items", items)
    clusters = [c for c in fields.getlist("duties.0.clusters") if c != "CM"] + ["O"]  # drop CM, take O
    fields.setlist("duties.0.clusters", clusters)
    fields["duties.0.remove"] = "S12a"  # an id the boxes cannot show stays as text
    r = client.post("/compose/save", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert r.status_code == 200
    saved = load_file(workspace / "posts" / "pwp.yaml")[0]
    assert saved is not None
    duties = saved.data["duties"]
    assert duties["clusters"] == ["A", "CB", "RKC", "IT", "S", "HS", "O"]
    assert duties["add"] == ["G1", "RA1"]  # framework order; not O1.. (O is taken)
    assert duties["remove"] == ["S12a", "CB3", "S1", "S10"]
    page = r.get_data(as_text=True)
    assert "checked" not in box(page, "f-duties-0-clusters-CB3")
    assert "checked" in box(page, "f-duties-0-clusters-G1") and "checked" in box(page, "f-duties-0-clusters-O1")
    assert "checked" not in box(page, "f-duties-0-clusters-c-CM")


def test_a_cluster_ticked_without_its_items_takes_them_all(client: FlaskClient) -> None:
    """Without JavaScript the items' boxes do not follow a newly ticked cluster: the cluster wins."""
    fields = form_of(client.get("/compose", base_url=ORIGIN).get_data(as_text=True))
    fields.setlist("duties.0.clusters", ["W"])
    fields["title"] = "PWP"
    r = client.post("/compose", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    page = r.get_data(as_text=True)
    assert "checked" in box(page, "f-duties-0-clusters-W1") and "checked" in box(page, "f-duties-0-clusters-W2")
    assert form_of(page).get("duties.0.remove") == ""


def test_state_in_full_boxes_write_pick(client: FlaskClient, workspace: Path) -> None:
    """Each item has a second box, 'state in full', that writes the post's `pick`; a pick of an item the
    post no longer takes is dropped with it (rather than failing pick-not-included)."""
    html = client.get("/compose?name=pwp", base_url=ORIGIN).get_data(as_text=True)
    for item, picked in (("C2", True), ("A2", True), ("HS2", True), ("A1", False), ("CM1", False)):
        assert ("checked" in box(html, f"f-duties-0-clusters-p-{item}")) is picked, item
    assert "state in full" in html
    fields = form_of(html)
    assert fields.get("duties.0.pick") == ""  # every pick is shown as a box
    picks = [p for p in fields.getlist("duties.0._pick") if p != "A2"] + ["A5", "G1"]  # G1 is not taken
    fields.setlist("duties.0._pick", picks)
    fields.setlist("duties.0.clusters", [c for c in fields.getlist("duties.0.clusters") if c != "CM"])
    r = client.post("/compose/save", data=fields, base_url=ORIGIN, headers={"Origin": ORIGIN})
    assert r.status_code == 200
    saved = load_file(workspace / "posts" / "pwp.yaml")[0]
    assert saved is not None
    assert saved.data["duties"]["pick"] == ["C2", "A5", "CB2", "RKC2", "IT2", "S2", "HS2"]
    page = r.get_data(as_text=True)
    assert "checked" in box(page, "f-duties-0-clusters-p-A5") and "checked" not in box(page, "f-duties-0-clusters-p-A2")
    assert "pick-not-included" not in page
