"""One Workspace (issue 15 §2): the command line and the web app build the same documents from the
same jdgen.yaml, and formats, media types, the config schema and the OpenAPI description all come
from the one registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from jdgen.cli import main
from jdgen.model import FrameworkKind
from jdgen.registry import KINDS, MEDIA_TYPES
from jdgen.web import create_app
from jdgen.workspace import load_workspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "posts").glob("*.yaml"))
ORIGIN = "http://localhost"
SETTINGS = """\
organisation: Northmoor Talking Therapies
full_time_hours: 40
about: Northmoor Talking Therapies serves a city and its surrounding towns.
clauses:
  equal_opportunities: We welcome applications from everyone, and we make reasonable adjustments.
"""
FORMATS = ("html", "md", "json")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    (ws / "jdgen.yaml").write_text(SETTINGS, "utf-8")
    (ws / "posts").mkdir()
    for post in EXAMPLES:
        text = "\n".join(line for line in post.read_text("utf-8").splitlines()
                         if not line.startswith(("organisation:", "full_time_hours:")))
        (ws / "posts" / post.name).write_text(text + "\n", "utf-8")
    return ws


@pytest.fixture(scope="module")
def built(workspace: Path) -> Path:
    out = workspace / "out"
    result = CliRunner().invoke(main, ["-w", str(workspace), "build", str(workspace / "posts"), "-o", str(out),
                                       "-f", ",".join(FORMATS), "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def client(workspace: Path) -> FlaskClient:
    return create_app(workspace).test_client()


def _web(client: FlaskClient, name: str, fmt: str) -> str:
    token = client.get("/api/session", base_url=ORIGIN).get_json()["csrf_token"]
    data = client.get(f"/api/posts/{name}", base_url=ORIGIN).get_json()
    r = client.post(f"/api/render?format={fmt}", json={"post": data, "name": name}, base_url=ORIGIN,
                    headers={"Origin": ORIGIN, "X-CSRF-Token": token})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    return r.get_data(as_text=True)


@pytest.mark.parametrize("post", [p.stem for p in EXAMPLES])
def test_the_web_app_builds_what_the_command_line_builds(post: str, built: Path, client: FlaskClient) -> None:
    for fmt in FORMATS:
        assert _web(client, post, fmt) == (built / f"{post}.{fmt}").read_text("utf-8"), (post, fmt)


def test_settings_reach_the_documents(built: Path) -> None:
    """jdgen.yaml's organisation, full-time week and `about` are in what both built."""
    pwp = json.loads((built / "pwp.json").read_text("utf-8"))
    assert pwp["terms"]["organisation"] == "Northmoor Talking Therapies"
    assert pwp["terms"]["fte"] == 0.94 and "part time" in pwp["terms"]["hours_text"]
    senior = json.loads((built / "senior-pwp.json").read_text("utf-8"))  # sets no `about` of its own
    assert "serves a city and its surrounding towns" in json.dumps(senior["about"])


def test_a_changed_setting_changes_the_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "jdgen.yaml").write_text("organisation: A\n", "utf-8")
    first = load_workspace(tmp_path).fingerprint
    (tmp_path / "jdgen.yaml").write_text("organisation: B\n", "utf-8")
    assert load_workspace(tmp_path).fingerprint != first


def test_the_logo_bytes_are_in_the_fingerprint(tmp_path: Path) -> None:
    """Replacing the logo file (same name) rebuilds: its bytes are part of the cache key."""
    (tmp_path / "logo.png").write_bytes(_png(1))
    (tmp_path / "jdgen.yaml").write_text("organisation: A\nlogo: logo.png\n", "utf-8")
    first = load_workspace(tmp_path).fingerprint
    (tmp_path / "logo.png").write_bytes(_png(2))
    assert load_workspace(tmp_path).fingerprint != first


def _png(shade: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00" + bytes([shade, shade, shade])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_every_format_has_a_media_type_and_downloads_use_it() -> None:
    from jdgen.web.documents import MEDIA_TYPES as WEB_TYPES

    for kind in KINDS.values():
        for fmt in kind.formats:
            assert fmt.media_type == MEDIA_TYPES[fmt.name]
    assert {f.name: f.media_type for f in KINDS["job-description"].formats} == WEB_TYPES


def test_config_schema_and_openapi_list_the_registry_formats(client: FlaskClient) -> None:
    from jdgen.schema import load_schema

    names = list(KINDS["job-description"].names)
    assert load_schema("config")["properties"]["formats"]["items"]["enum"] == names
    spec = client.get("/api/openapi.json").get_json()
    render = spec["paths"]["/api/render"]["post"]
    assert next(p for p in render["parameters"] if p["name"] == "format")["schema"]["enum"] == names
    assert list(render["responses"]["200"]["content"]) == [
        f.media_type.split(";")[0] for f in KINDS["job-description"].formats]


def test_framework_kinds_are_typed() -> None:
    library = load_workspace(ROOT / "examples").library
    kinds = {fw.id: fw.kind for fw in library.frameworks.values()}
    assert kinds["iapt-li"] is FrameworkKind.DUTIES and library.frameworks["iapt-li"].is_duties
    assert kinds["ips"] is FrameworkKind.COMPETENCES and library.frameworks["ips"].is_competences
    assert kinds["ksf"] is FrameworkKind.REFERENCE and library.frameworks["ksf"].is_reference
