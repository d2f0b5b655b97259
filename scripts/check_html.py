#!/usr/bin/env python3
"""Build every HTML document jdgen writes and check each one with the Nu HTML Checker (vnu-jar)
and axe-core (in Debian's Chromium through playwright-core). Prints the counts per document.

    python scripts/check_html.py [--keep DIR] [--no-install]

Needs Java, Chromium (/usr/bin/chromium or $CHROMIUM) and Node; the npm packages vnu-jar,
axe-core and playwright-core are installed with npm into a cache folder ($JDGEN_CHECK_CACHE,
default ~/.cache/jdgen-check) the first time. Exit 0 when every document has no errors and no
violations, 1 otherwise, 2 when a tool is missing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "posts"
PROFILES = ("jd", "full", "advert")
NPM_PACKAGES = ("vnu-jar", "axe-core", "playwright-core")
#: The versions the checks last passed with: installed exactly, as the Python packages are from
#: constraints.txt, so a new release cannot change what CI reports.
NPM_VERSIONS = {"vnu-jar": "26.9.27", "axe-core": "4.14.1", "playwright-core": "1.65.2"}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def cache_dir() -> Path:
    return Path(os.environ.get("JDGEN_CHECK_CACHE", Path.home() / ".cache" / "jdgen-check"))


def chromium() -> str | None:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and Path(found).exists() else None


def missing_tools(cache: Path) -> list[str]:
    """What is absent for a full check (empty when everything is there)."""
    missing = []
    if shutil.which("java") is None:
        missing.append("Java (apt-get install default-jre-headless)")
    if chromium() is None:
        missing.append("Chromium (apt-get install chromium, or set $CHROMIUM)")
    if shutil.which("node") is None:
        missing.append("Node.js (apt-get install nodejs npm)")
    modules = [p for p in NPM_PACKAGES if not (cache / "node_modules" / p / "package.json").is_file()]
    if modules:
        missing.append(f"npm packages {', '.join(modules)} in {cache} (run scripts/check_html.py once to install)")
    return missing


def install(cache: Path) -> None:
    """npm install the checkers into the cache folder (once)."""
    if all((cache / "node_modules" / p / "package.json").is_file() for p in NPM_PACKAGES):
        return
    if shutil.which("npm") is None:
        return
    cache.mkdir(parents=True, exist_ok=True)
    if not (cache / "package.json").is_file():
        (cache / "package.json").write_text('{"name": "jdgen-check", "private": true}\n', encoding="utf-8")
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--save-exact",
                    *[f"{p}@{NPM_VERSIONS[p]}" for p in NPM_PACKAGES]], cwd=cache, check=True)


def build_documents(folder: Path) -> list[Path]:
    """Every kind of HTML document jdgen writes, built from the examples into `folder`."""
    from click.testing import CliRunner

    from jdgen.cli import main

    runner = CliRunner()

    def run(*args: str) -> None:
        result = runner.invoke(main, ["--workspace", str(ROOT), *args], catch_exceptions=False)
        if result.exit_code != 0:
            raise SystemExit(f"jdgen {' '.join(args)} failed ({result.exit_code}):\n{result.output}")

    posts = sorted(EXAMPLES.glob("*.yaml"))
    for profile in PROFILES:
        run("build", str(EXAMPLES), "-f", "html", "--profile", profile, "-o", str(folder / profile), "--force",
            "--jobs", "1")
    run("compare", str(EXAMPLES / "pwp.yaml"), str(EXAMPLES / "pwp-trainee.yaml"), "--format", "html",
        "-o", str(folder / "compare-pair.html"))
    run("compare", str(EXAMPLES), "--format", "html", "-o", str(folder / "compare-matrix.html"))
    # above LARGE posts the comparison is a data block drawn by the page's script: axe sees the drawn tables
    many = folder / "many-posts"
    many.mkdir()
    for n in range(8):
        for post in posts:
            (many / f"{post.stem}-{n}.yaml").write_text(post.read_text(encoding="utf-8"), encoding="utf-8")
    run("compare", str(many), "--format", "html", "-o", str(folder / "compare-large.html"))
    run("coverage", str(EXAMPLES), "--framework", "iapt-li", "--format", "html", "-o", str(folder / "coverage.html"))
    run("curriculum", "--framework", "ips", "-f", "html", "-o", str(folder))
    run("curriculum", "--post", str(EXAMPLES / "pwp.yaml"), "-f", "html", "-o", str(folder))
    run("checklist", "--post", str(EXAMPLES / "pwp.yaml"), "-f", "html,csv", "-o", str(folder))
    filled = folder / "assessments"
    filled.mkdir()
    blank = list(csv.reader(io.StringIO((folder / "pwp-checklist.csv").read_text(encoding="utf-8"))))
    for person, shift in (("alice", 0), ("bob", 1)):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(blank[0])
        for n, row in enumerate(blank[1:]):
            writer.writerow([person, row[1], str((n + shift) % 4), "needs practice" if (n + shift) % 4 < 2 else "",
                             *row[4:]])
        (filled / f"{person}.csv").write_text(buffer.getvalue(), encoding="utf-8")
    run("gap", "--post", str(EXAMPLES / "pwp.yaml"), "--assessments", str(filled), "-f", "html", "-o", str(folder))
    files = sorted(folder.rglob("*.html"))
    expected = (len(posts) + 1) * len(PROFILES) + 8  # every post and the index per profile, the eight reports
    if len(files) != expected:
        raise SystemExit(f"expected {expected} HTML documents, built {len(files)}: {[f.name for f in files]}")
    return files


#: Pages of `jdgen serve` the Nu checker reads (axe runs on them in tests/test_web_browser.py).
WEB_PAGES = ("/", "/posts", "/posts?q=pwp&sort=status", "/library?q=risk", "/compose", "/compose?name=pwp",
             "/compare?post=pwp&post=gsh-worker", "/training", "/import", "/posts/pwp/history",
             "/posts/deleted", "/posts/pwp/duplicate", "/posts/pwp/delete")


def web_pages(folder: Path) -> list[Path]:
    """The composer's pages, each saved as an HTML file: a workspace of two examples, one post saved twice
    so that it has a history (its History, revision and diff pages), and the login page of a workspace
    with an account."""
    import shutil

    from jdgen import accounts
    from jdgen.web import create_app

    origin = "http://localhost"
    workspace, team = folder / "workspace", folder / "team"
    for ws in (workspace, team):
        (ws / "posts").mkdir(parents=True)
        for name in ("pwp", "gsh-worker"):
            shutil.copy(EXAMPLES / f"{name}.yaml", ws / "posts")
    client = create_app(workspace).test_client()
    token = client.get("/api/session", base_url=origin).get_json()["csrf_token"]
    headers = {"Origin": origin, "X-CSRF-Token": token}
    data = client.get("/api/posts/pwp", base_url=origin).get_json()
    for summary in ("A first change.", "A second change."):
        etag = client.get("/api/posts/pwp", base_url=origin).headers["ETag"]
        client.put("/api/posts/pwp", json={**data, "summary": summary}, base_url=origin,
                   headers={**headers, "If-Match": etag})
    revs = [h["rev"] for h in client.get("/api/posts/pwp/history", base_url=origin).get_json()["history"]]
    urls = [*WEB_PAGES, f"/posts/pwp/history/{revs[0]}", f"/posts/pwp/diff?from={revs[1]}&to={revs[0]}"]
    saved = []
    for n, url in enumerate(urls):
        response = client.get(url, base_url=origin)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        path = folder / f"page-{n:02d}.html"
        path.write_bytes(response.get_data())
        saved.append(path)
    accounts.add(team, "alice", "author", "correct horse battery")
    login = folder / f"page-{len(urls):02d}-login.html"
    login.write_bytes(create_app(team).test_client().get("/login", base_url=origin).get_data())
    return [*saved, login]


@dataclass
class Findings:
    vnu: dict[str, list[str]] = field(default_factory=dict)
    axe: dict[str, list[str]] = field(default_factory=dict)

    def total(self) -> int:
        return sum(map(len, self.vnu.values())) + sum(map(len, self.axe.values()))


def start_vnu(files: list[Path], cache: Path) -> subprocess.Popen[str]:
    """The Nu HTML Checker over all files (one Java run), started in the background."""
    jar = cache / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    return subprocess.Popen(["java", "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_vnu(files: list[Path], cache: Path, proc: subprocess.Popen[str] | None = None) -> dict[str, list[str]]:
    """Nu HTML Checker errors per file."""
    stdout, stderr = (proc or start_vnu(files, cache)).communicate()
    found: dict[str, list[str]] = {str(f): [] for f in files}
    for message in json.loads(stderr or stdout or '{"messages": []}')["messages"]:
        path = message.get("url", "").removeprefix("file:")
        key = next((k for k in found if Path(k).resolve() == Path(path).resolve()), path)
        where = f"{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}"
        found.setdefault(key, []).append(f"{where}: {message.get('message', '')}")
    return found


AXE_RUNNER = r"""
const { chromium } = require(process.env.CACHE + '/node_modules/playwright-core');
const axePath = process.env.CACHE + '/node_modules/axe-core/axe.min.js';
(async () => {
  const files = JSON.parse(process.env.FILES);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: JSON.parse(process.env.FLAGS) });
  const page = await browser.newPage();
  const out = {};
  for (const f of files) {
    await page.goto('file://' + f);
    await page.addScriptTag({ path: axePath });
    const r = await page.evaluate(async () => await axe.run(document));
    const summary = n => n.failureSummary ? ' — ' + n.failureSummary.split('\n').slice(1).join(' ') : '';
    out[f] = r.violations.map(v => ({ id: v.id, help: v.help,
                                      nodes: v.nodes.map(n => n.target.join(' ') + summary(n)) }));
  }
  if (process.env.FORM) {  // fill in the checklist form as a person would and save its CSV
    const form = JSON.parse(process.env.FORM);
    await page.goto('file://' + form.html);
    await page.fill('#person', 'Pat Example');
    const rows = await page.$$('tr.item');
    for (let i = 0; i < rows.length; i++) {
      await (await rows[i].$$('input[type=radio]'))[(i * 5) % 4].check();
      if (i % 3 === 0) await (await rows[i].$('input[type=text], input:not([type])')).fill('said "so far", ok');
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[type=submit]')]);
    await download.saveAs(form.csv);
    out['#status'] = await page.textContent('#status');
  }
  await browser.close();
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(3); });
"""


def run_axe(files: list[Path], cache: Path, form: tuple[Path, Path] | None = None) -> dict[str, list[str]]:
    """axe-core violations per file (one Chromium launch for all files). With `form` (a checklist
    HTML and a CSV path), the checklist is then filled in and saved through its own button."""
    env = {**os.environ, "CACHE": str(cache), "CHROMIUM": chromium() or "", "FLAGS": json.dumps(CHROMIUM_FLAGS),
           "FILES": json.dumps([str(f.resolve()) for f in files])}
    if form is not None:
        env["FORM"] = json.dumps({"html": str(form[0].resolve()), "csv": str(form[1].resolve())})
    proc = subprocess.run(["node", "-e", AXE_RUNNER], capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"axe-core run failed: {proc.stderr.strip()}")
    data = json.loads(proc.stdout)
    return {str(f): [f"{v['id']} ({v['help']}): {n}" for v in data[str(f.resolve())] for n in v["nodes"]]
            for f in files}


def check(files: list[Path], cache: Path, form: tuple[Path, Path] | None = None,
          axe_files: list[Path] | None = None) -> Findings:
    """Both checkers, side by side (vnu in Java while axe runs in Chromium); axe on `axe_files`
    only when given (it takes about a second a page)."""
    vnu = start_vnu(files, cache)
    axe = run_axe(axe_files if axe_files is not None else files, cache, form)
    return Findings(run_vnu(files, cache, vnu), axe)


def gap_accepts(csv_file: Path, folder: Path) -> str:
    """Run `jdgen gap` on a CSV saved from the checklist form; '' when it is accepted, else the errors."""
    from click.testing import CliRunner

    from jdgen.cli import main

    result = CliRunner().invoke(main, ["--workspace", str(ROOT), "gap", "--post", str(EXAMPLES / "pwp.yaml"),
                                       "--assessments", str(csv_file), "-f", "json", "-o", str(folder)])
    return "" if result.exit_code == 0 else result.output


def report(findings: Findings, files: list[Path], base: Path, verbose: bool = True) -> str:
    lines = [f"{'document':44} {'vnu':>5} {'axe':>5}"]
    for f in files:
        key = str(f)
        vnu, axe = findings.vnu.get(key, []), findings.axe.get(key, [])
        lines.append(f"{f.relative_to(base)!s:44} {len(vnu):5} {len(axe):5}")
        if verbose:
            lines += [f"    vnu {m}" for m in findings.vnu.get(key, [])[:20]]
            lines += [f"    axe {m}" for m in findings.axe.get(key, [])[:20]]
    lines.append(f"total: {sum(map(len, findings.vnu.values()))} Nu checker errors, "
                 f"{sum(map(len, findings.axe.values()))} axe-core violations in {len(files)} documents")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    parser.add_argument("--no-install", action="store_true", help="do not npm install missing checkers")
    parser.add_argument("-q", "--quiet", action="store_true", help="counts only, no messages")
    parser.add_argument("--install-only", action="store_true", help="install the checkers, check nothing (.ci/run)")
    args = parser.parse_args()
    cache = cache_dir()
    if not args.no_install:
        install(cache)
    if args.install_only:
        return 0
    missing = missing_tools(cache)
    if missing:
        print("cannot check HTML, missing: " + "; ".join(missing), file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        if args.keep:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        files = build_documents(folder)
        pages = web_pages(folder / "web")
        saved = folder / "form" / "saved.csv"
        saved.parent.mkdir()
        findings = check(files + pages, cache, (folder / "pwp-checklist.html", saved), files)
        files += pages
        print(report(findings, files, folder, verbose=not args.quiet))
        refused = gap_accepts(saved, folder / "form") if saved.is_file() else "the form saved no CSV"
        print("checklist form → CSV → jdgen gap: " + ("accepted" if not refused else f"REFUSED\n{refused}"))
    return 1 if findings.total() or refused else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
