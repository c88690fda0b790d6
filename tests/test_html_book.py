"""The built book as a reader sees it: every page of ``_toc.yml`` opened in headless Chromium.

Each page is served from a local HTTP server on 127.0.0.1 and checked for: MathJax finished and
rendered every formula with no error (neither an ``merror`` node nor an undefined macro drawn as red
text), every image loaded and every figure of the page's notebook shown, no console error, no failed
load (the favicon included), no request to another host, and every internal link and ``#anchor``
resolving. A full-page screenshot of each page is written to ``_build/screenshots/<page>.png``.

Each page is also read as a reader reads it (``reader_checks.py``): at 1280 px, on a phone (390 px,
mobile emulation) and printed (A4 width), with axe-core in light and dark mode; screenshots of the
phone and print views go to ``_build/screenshots/phone/<page>.jpg`` and
``_build/screenshots/print/<page>.jpg``.

The checks are plain functions (:func:`check_page`) so that the tests at the end can run them on
tiny throw-away books that break on purpose.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import reader_checks
import yaml
from conftest import ROOT, Book, build_book, toc_pages

pytestmark = [pytest.mark.browser, pytest.mark.book]


def _find_chromium() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = _find_chromium()
_MISSING = (
    "headless Chromium is needed for the browser checks of the built book; install it with "
    "`apt-get install chromium` (Debian/Ubuntu) and the Python package with "
    "`pip install -r requirements.txt`"
)
try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    CHROMIUM = None
if CHROMIUM is None:  # pragma: no cover - depends on the environment
    if os.environ.get("CI", "").lower() not in {"", "0", "false"}:
        pytest.fail(f"CI is set but {_MISSING}", pytrace=False)
    pytest.skip(_MISSING, allow_module_level=True)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Every host but the local server fails to resolve: a page that reaches for the network is
    # recorded (the request is still made, and seen) but never waits on it.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
MATHJAX_TIMEOUT_MS = 15_000

# Runs in the page once it has loaded. Returns everything the Python side checks.
_INSPECT_JS = r"""
async (timeoutMs) => {
  const out = {mathjax: 'absent', mathErrors: [], unrendered: [], strayTex: [], images: [],
               cellImages: 0, links: [], ids: [], mathCount: 0, mjxCount: 0};
  const MJ = window.MathJax;
  if (MJ && MJ.startup && MJ.startup.promise) {
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs));
    try {
      out.mathjax = (await Promise.race([MJ.startup.promise.then(() => 'done'), timeout]));
    } catch (err) {
      out.mathjax = 'failed: ' + err;
    }
    if (out.mathjax === 'done') {
      for (const item of MJ.startup.document.math) {
        item.root.walkTree((node) => {
          if (node.isKind('merror')) {
            out.mathErrors.push([item.math, node.attributes.get('data-mjx-error') || 'error']);
          } else if (node.isKind('mtext') && node.attributes.get('mathcolor') === 'red'
                     && node.getText().startsWith('\\')) {
            // MathJax's noundefined extension draws an undefined macro as its name in red.
            out.mathErrors.push([item.math, 'undefined macro ' + node.getText() + ' (red text)']);
          }
        });
      }
    }
  }
  await document.fonts.ready;  // MathJax's web fonts load once a formula needs them
  const maths = Array.from(document.querySelectorAll('.math'));
  out.mathCount = maths.length;
  out.mjxCount = document.querySelectorAll('mjx-container').length;
  for (const el of maths) {
    if (!el.querySelector('mjx-container')) out.unrendered.push(el.textContent.trim().slice(0, 80));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const skip = 'pre, code, script, style, noscript, template, textarea, .highlight, .math, '
             + 'mjx-container';
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    if (/\\\(|\\\[|\$\$|\\begin\{/.test(text) && !node.parentElement.closest(skip)) {
      out.strayTex.push(text.trim().slice(0, 80));
    }
  }
  const images = Array.from(document.images);
  await Promise.all(images.map((img) => {
    img.loading = 'eager';
    return img.decode().catch(() => null);
  }));
  out.images = images.map((img) => [img.getAttribute('src'), img.currentSrc || img.src,
                                    img.complete ? img.naturalWidth : 0]);
  out.cellImages = document.querySelectorAll('.cell_output img').length;
  const icon = document.querySelector('link[rel~="icon"]');
  out.favicon = icon ? [icon.getAttribute('href'), icon.href] : null;
  out.links = Array.from(document.querySelectorAll('a[href]'),
                         (a) => [a.getAttribute('href'), a.href]);
  out.ids = Array.from(document.querySelectorAll('[id], a[name]'), (el) => el.id || el.name);
  return out;
}
"""


@dataclass
class PageReport:
    """What :func:`check_page` found on one page; ``problems`` is empty when the page is sound."""

    page: str
    problems: list[str] = field(default_factory=list)
    math: int = 0
    images: int = 0
    links: int = 0
    requests: int = 0
    seconds: float = 0.0


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; yield the base URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


@functools.cache
def _ids_in(html_file: Path, mtime: float) -> frozenset[str]:
    parser = _Ids()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


def _target_file(html_root: Path, path: str) -> Path:
    target = html_root / unquote(path).lstrip("/")
    return target / "index.html" if path.endswith("/") else target


_SHOWN_BEFORE_IMAGES = {"text/html", "text/latex"}


def notebook_figures(html_root: Path, page: str) -> int:
    """Figures in the outputs of the notebook the build executed for ``page`` (0 if none).

    A figure is an output with an image and neither HTML nor LaTeX (which would be shown instead);
    outputs of cells tagged ``remove-output`` or ``remove-cell`` are not on the page.
    """
    executed = html_root.parent / "jupyter_execute" / f"{page}.ipynb"
    if not executed.is_file():
        return 0
    count = 0
    for cell in json.loads(executed.read_text(encoding="utf-8"))["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] != "code" or tags & {"remove-output", "remove-cell"}:
            continue
        for output in cell.get("outputs", []):
            mimes = set(output.get("data", {}))
            if any(m.startswith("image/") for m in mimes) and not mimes & _SHOWN_BEFORE_IMAGES:
                count += 1
    return count


def check_page(
    browser: Browser,
    base_url: str,
    html_root: Path,
    page: str,
    screenshots: Path | None = None,
    reader: dict | None = None,
) -> PageReport:
    """Open ``page`` (a ``_toc.yml`` entry such as ``chapters/01-softmax``) and check it.

    Parameters
    ----------
    browser
        A launched Playwright Chromium; each page gets a fresh context (a first-time reader).
    base_url
        Where ``html_root`` is served, ending in ``/``.
    html_root
        The built ``_build/html`` directory (to resolve links and find the executed notebook).
    page
        The page, without suffix.
    screenshots
        Directory for ``<page>.png``, a full-page screenshot; None for none.
    reader
        If given, the same tab then runs :func:`reader_checks.desktop_and_print` and stores its
        problems and counts here (keys ``problems``, ``counts``): one page load serves both.

    Returns
    -------
    PageReport
        The problems found, each a line starting with the page's name, and what was counted.
    """
    start = time.perf_counter()
    report = PageReport(page)
    problems: list[str] = []
    local = urlsplit(base_url).netloc
    requests: list[str] = []

    def on_request(request) -> None:
        requests.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme not in {"data", "blob", "about"} and parts.netloc != local:
            problems.append(f"request to another host: {request.method} {request.url}")

    def on_response(response) -> None:
        if response.status >= 400:
            problems.append(f"failed load: HTTP {response.status} {response.url}")

    def on_failed(request) -> None:
        if urlsplit(request.url).netloc == local:
            problems.append(f"failed load: {request.failure} {request.url}")

    def on_console(message) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    try:
        tab: Page = context.new_page()
        tab.on("request", on_request)
        tab.on("response", on_response)
        tab.on("requestfailed", on_failed)
        tab.on("console", on_console)
        tab.on("pageerror", lambda error: problems.append(f"uncaught JavaScript error: {error}"))
        url = f"{base_url}{page}.html"
        response = tab.goto(url, wait_until="load")
        if response is None or not response.ok:
            status = response.status if response else "no response"
            report.problems = [f"{page}: page not served ({status}): {url}"]
            return report
        found = tab.evaluate(_INSPECT_JS, MATHJAX_TIMEOUT_MS)
        if screenshots is not None:
            shot = screenshots / f"{page}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=shot, full_page=True)
        if reader is not None:
            reader["problems"], reader["counts"] = reader_checks.desktop_and_print(
                tab, page, screenshots
            )
    finally:
        context.close()

    # MathJax
    if found["mathCount"] and found["mathjax"] != "done":
        problems.append(f"MathJax did not finish typesetting ({found['mathjax']})")
    for tex, error in found["mathErrors"]:
        problems.append(f"MathJax error in `{tex.strip()}`: {error}")
    for tex in found["unrendered"]:
        problems.append(f"math element not rendered: {tex}")
    for text in found["strayTex"]:
        problems.append(f"TeX left as text: {text}")
    # Images and notebook figures
    for src, resolved, width in found["images"]:
        if not width:
            problems.append(f"image not loaded: {src} ({resolved})")
    figures = notebook_figures(html_root, page)
    if found["cellImages"] < figures:
        problems.append(
            f"the notebook has {figures} figure(s) in its outputs, the page shows "
            f"{found['cellImages']}"
        )
    # The favicon: without one the browser asks for /favicon.ico, a 404 on every page
    if found["favicon"] is None:
        problems.append('no favicon: no <link rel="icon"> (the browser\'s /favicon.ico is a 404)')
    else:
        href, resolved = found["favicon"]
        if not _target_file(html_root, urlsplit(resolved).path).is_file():
            problems.append(f"favicon missing: {href}")
    # Links and anchors
    own_ids = set(found["ids"])
    for href, resolved in found["links"]:
        parts = urlsplit(resolved)
        if parts.scheme not in {"http", "https"} or parts.netloc != local:
            continue
        target = _target_file(html_root, parts.path)
        if not target.is_file():
            problems.append(f"link to a missing page: {href}")
            continue
        if not parts.fragment or target.suffix != ".html":
            continue
        anchor = unquote(parts.fragment)
        same_page = target == html_root / f"{page}.html"
        ids = own_ids if same_page else _ids_in(target, target.stat().st_mtime)
        if anchor not in ids:
            problems.append(f"link to a missing anchor: {href} (no id {anchor!r} in {target.name})")

    report.problems = [f"{page}: {problem}" for problem in dict.fromkeys(problems)]
    report.math = found["mathCount"]
    report.images = len(found["images"])
    report.links = len(found["links"])
    report.requests = len(requests)
    report.seconds = time.perf_counter() - start
    return report


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Headless system Chromium driven by Playwright (nothing is downloaded)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# --- the real book ------------------------------------------------------------------------------

PAGES = toc_pages()
#: The pages checked in this file; the others in test_html_book_pages.py, a file of its own so
#: that ``make test`` runs the two halves on two workers once the one build is there.
HALF = PAGES[::2]
_REPORTS: list[PageReport] = []
#: What each page's desktop and print checks found, filled by the first test that loads the page.
_READER: dict[str, dict] = {}


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """One browser for the whole module; prints what was checked when the module ends."""
    start = time.perf_counter()
    with chromium() as launched:
        launch = time.perf_counter() - start
        yield launched
    if _REPORTS:
        plugins = request.config.pluginmanager
        reporter = plugins.get_plugin("terminalreporter")
        capture = plugins.get_plugin("capturemanager")
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():
                reporter.write_line(
                    f"\nbrowser checks of the book: {len(_REPORTS)} pages, "
                    f"{sum(r.math for r in _REPORTS)} math elements, "
                    f"{sum(r.images for r in _REPORTS)} images, "
                    f"{sum(r.links for r in _REPORTS)} links in "
                    f"{sum(r.seconds for r in _REPORTS):.1f} s (browser start {launch:.1f} s)"
                )
    counts = {page: found["counts"] for page, found in _READER.items() if "counts" in found}
    if counts:
        from filelock import FileLock

        out = ROOT / "_build" / "screenshots" / "reader-counts.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(out) + ".lock"):  # the other half of the pages writes here too
            known = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
            merged = {page: c for page, c in (known | counts).items() if page in PAGES}
            out.write_text(json.dumps(merged, indent=1) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def served_book(book: Book) -> Iterator[str]:
    """The session's build of the book, served on 127.0.0.1."""
    with serve(book.html) as base_url:
        yield base_url


@pytest.mark.parametrize("page", HALF)
def test_page_renders_completely_and_offline(
    browser: Browser, served_book: str, book: Book, page: str
) -> None:
    """Every formula typeset, every link and image resolved, nothing requested from another host
    (and the desktop, print and accessibility checks run in the same tab)."""
    renders_completely_and_offline(browser, served_book, book, page)


def renders_completely_and_offline(
    browser: Browser, served_book: str, book: Book, page: str
) -> None:
    """The checks of :func:`test_page_renders_completely_and_offline` for ``page``."""
    reader = _READER.setdefault(page, {})
    report = check_page(
        browser, served_book, book.html, page, book.html.parent / "screenshots", reader
    )
    _REPORTS.append(report)
    if report.problems:
        pytest.fail("\n".join(report.problems), pytrace=False)


def read_page(browser: Browser, base_url: str, page: str, screenshots: Path | None) -> dict:
    """Desktop, print and axe checks of ``page`` in a tab of its own (the phone's come apart)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    try:
        tab = context.new_page()
        tab.goto(f"{base_url}{page}.html", wait_until="load")
        problems, counts = reader_checks.desktop_and_print(tab, page, screenshots)
    finally:
        context.close()
    return {"problems": problems, "counts": counts}


@pytest.mark.parametrize("page", HALF)
def test_page_reads_well_on_a_desktop_a_phone_paper_and_a_screen_reader(
    browser: Browser, served_book: str, book: Book, page: str
) -> None:
    """No formula cut or clipped, no page wider than a phone, real alt text, no raw markup, and
    no serious or critical axe-core violation in light or dark mode."""
    reads_well(browser, served_book, book, page)


def reads_well(browser: Browser, served_book: str, book: Book, page: str) -> None:
    """The checks of :func:`test_page_reads_well_on_a_desktop_a_phone_paper_and_a_screen_reader`
    for ``page``."""
    screenshots = book.html.parent / "screenshots"
    desktop = _READER.get(page) or read_page(browser, served_book, page, screenshots)
    _READER[page] = desktop
    problems, counts = reader_checks.phone(browser, f"{served_book}{page}.html", page, screenshots)
    desktop["counts"] = desktop["counts"] | counts
    problems = desktop["problems"] + problems
    if problems:
        pytest.fail("\n".join(f"{page}: {p}" for p in problems), pytrace=False)


# --- the checks catch what they are for: tiny books broken on purpose ---------------------------

_HEALTHY_PAGE = """\
# Intro

A formula, $\\sigma(z)_i = e^{z_i} / \\sum_j e^{z_j}$, and a [link](chapters/broken.md).
"""
_BROKEN_PAGE = """\
# Broken

An undefined command: $\\notamacro{x}$.

<a href="../intro.html#no-such-anchor">a dangling anchor</a>

<img src="../_static/no-such-image.png" alt="missing">
"""
_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"


def _write_book(directory: Path, config: dict) -> Path:
    (directory / "chapters").mkdir(parents=True)
    folders = {*config.get("sphinx", {}).get("local_extensions", {}).values()}
    folders |= {"_static", "_templates"}  # the book's stylesheet, script, favicon and templates
    for path in sorted(folders):
        if (ROOT / path).is_dir() and not (directory / path).exists():
            shutil.copytree(ROOT / path, directory / path)
    (directory / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    toc = {"format": "jb-book", "root": "intro", "chapters": [{"file": "chapters/broken"}]}
    (directory / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    (directory / "intro.md").write_text(_HEALTHY_PAGE)
    (directory / "chapters" / "broken.md").write_text(_BROKEN_PAGE)
    return directory


@pytest.fixture(scope="module")
def broken_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two throw-away books on the project's ``_config.yml``, built side by side.

    ``local``: the project's configuration as it is, with the broken page. ``cdn``: the same with
    MathJax pointed at a CDN (the offline extension removed).
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    cdn = yaml.safe_load((ROOT / "_config.yml").read_text())
    sphinx = cdn.setdefault("sphinx", {})
    sphinx["extra_extensions"] = [
        ext for ext in sphinx.get("extra_extensions", []) if ext != "sphinx-mathjax-offline"
    ]
    sphinx.setdefault("config", {})["mathjax_path"] = _CDN
    base = tmp_path_factory.mktemp("broken-books")
    books = {"local": _write_book(base / "local", config), "cdn": _write_book(base / "cdn", cdn)}
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = dict(zip(books, pool.map(build_book, books.values()), strict=True))
    for name, process in done.items():
        assert (books[name] / "_build/html/chapters/broken.html").is_file(), (
            process.stdout[-3000:] + process.stderr[-3000:]
        )
    # The page is Markdown; an executed notebook with a figure stands for a chapter whose plot
    # was lost on the way to the page.
    executed = books["local"] / "_build" / "jupyter_execute" / "chapters" / "broken.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    figure = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR"}}
    cell = {"cell_type": "code", "metadata": {}, "source": "plot()", "outputs": [figure]}
    executed.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4}))
    # The same page with MathJax's default TeX packages, where an undefined macro is red text.
    html = books["local"] / "_build" / "html" / "chapters"
    page = (html / "broken.html").read_text(encoding="utf-8")
    found = re.search(r"window\.MathJax = (\{.*?\})</script>", page)
    assert found, "no MathJax configuration on the page"
    mathjax = json.loads(found.group(1))
    mathjax.get("tex", {}).pop("packages", None)
    red = page.replace(found.group(1), json.dumps(mathjax))
    (html / "broken-red.html").write_text(red, encoding="utf-8")
    return {name: path / "_build" / "html" for name, path in books.items()}


@pytest.fixture(scope="module")
def broken_reports(browser: Browser, broken_books: dict[str, Path]) -> dict[str, PageReport]:
    reports = {}
    pages_of = {"local": ["intro", "chapters/broken", "chapters/broken-red"], "cdn": ["intro"]}
    for name, pages in pages_of.items():
        html = broken_books[name]
        with serve(html) as base_url:
            for page in pages:
                reports[f"{name}:{page}"] = check_page(browser, base_url, html, page)
    return reports


def test_a_sound_page_has_no_problem(broken_reports: dict[str, PageReport]) -> None:
    report = broken_reports["local:intro"]
    assert report.math == 1
    assert not report.problems, "\n".join(report.problems)


def test_an_undefined_latex_command_fails_naming_the_page(
    broken_reports: dict[str, PageReport],
) -> None:
    problems = broken_reports["local:chapters/broken"].problems
    assert any(
        p.startswith("chapters/broken: MathJax error in `\\notamacro{x}`") for p in problems
    ), problems


def test_an_undefined_latex_command_drawn_as_red_text_fails_too(
    broken_reports: dict[str, PageReport],
) -> None:
    problems = broken_reports["local:chapters/broken-red"].problems
    expected = "chapters/broken-red: MathJax error in `\\notamacro{x}`: undefined macro \\notamacro"
    assert any(p.startswith(expected) for p in problems), problems


def test_a_dangling_anchor_fails_naming_the_link(broken_reports: dict[str, PageReport]) -> None:
    problems = broken_reports["local:chapters/broken"].problems
    assert "chapters/broken: link to a missing anchor: ../intro.html#no-such-anchor" in "\n".join(
        problems
    ), problems


def test_a_missing_image_fails_naming_it(broken_reports: dict[str, PageReport]) -> None:
    problems = "\n".join(broken_reports["local:chapters/broken"].problems)
    assert "chapters/broken: image not loaded: ../_static/no-such-image.png" in problems
    assert "chapters/broken: failed load: HTTP 404" in problems


def test_mathjax_from_a_cdn_fails_naming_the_request(
    broken_reports: dict[str, PageReport],
) -> None:
    problems = broken_reports["cdn:intro"].problems
    assert f"intro: request to another host: GET {_CDN}" in problems, problems
    assert any(p.startswith("intro: MathJax did not finish") for p in problems), problems


def test_a_lost_notebook_figure_fails_naming_the_page(
    broken_reports: dict[str, PageReport],
) -> None:
    problems = broken_reports["local:chapters/broken"].problems
    assert (
        "chapters/broken: the notebook has 1 figure(s) in its outputs, the page shows 0" in problems
    ), problems


# --- the reader checks catch what they are for: hand-written pages broken on purpose -----------

_BAD_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<script>window.MathJax = {{tex: {{inlineMath: [["\\\\(", "\\\\)"]]}}}};</script>
<script defer src="../_static/mathjax/tex-chtml.js"></script>
<style>html[data-theme="dark"] .dark-only {{ color: #333; background: #222; }}</style>
</head><body><main><h1>{title}</h1>
{body}
</main></body></html>
"""
_LONG_SUM = " + ".join(f"a_{{{k}}}" for k in range(1, 41))
_BAD_BODIES = {
    "layout": f"""
<p>Clipped: <span class="math" style="display: inline-block; max-width: 120px; overflow: hidden">
\\({_LONG_SUM}\\)</span>.</p>
<div style="overflow-x: auto">\\[{_LONG_SUM}\\]</div>
<div style="width: 600px">A block wider than the phone.</div>
<pre style="overflow: auto; white-space: pre">{"print(" + "x + " * 60 + "x)"}</pre>
<div class="solution admonition"><p class="admonition-title">Solution to Exercise 1</p>
<p style="visibility: hidden">Folded away.</p></div>
""",
    "text": """
<p><img src="../_static/favicon.svg" alt="../_images/0123abcd.png">
<img src="../_static/favicon.svg"> <img src="../_static/favicon.svg" alt="plot.png">
<img src="../_static/favicon.svg" alt="A blue square with a white wave."></p>
<p>The loss $E = -\\log p$ is small.</p>
<p>See {eq}`eq-loss` for the loss.</p>
""",
    "axe": """
<p><button aria-label="Close">Open the menu</button></p>
<p style="color: #aaaaaa; background: #ffffff">Faint grey text on white.</p>
<p class="dark-only">Readable in light mode, dark grey on black in dark mode.</p>
""",
}


@pytest.fixture(scope="module")
def bad_pages(broken_books: dict[str, Path]) -> Path:
    """Hand-written pages beside the throw-away book's own (so its MathJax serves them)."""
    html = broken_books["local"]
    for name, body in _BAD_BODIES.items():
        page = _BAD_PAGE.format(title=f"Bad {name}", body=body)
        (html / "chapters" / f"bad-{name}.html").write_text(page, encoding="utf-8")
    return html


@pytest.fixture(scope="module")
def bad_reports(browser: Browser, bad_pages: Path) -> dict[str, list[str]]:
    """The reader checks' problems on each bad page and on the throw-away book's sound intro."""
    found = {}
    with serve(bad_pages) as base_url:
        for page in ["intro", *(f"chapters/bad-{name}" for name in _BAD_BODIES)]:
            desktop = read_page(browser, base_url, page, None)
            problems, _ = reader_checks.phone(browser, f"{base_url}{page}.html", page)
            found[page] = desktop["problems"] + problems
        favicon = check_page(browser, base_url, bad_pages, "chapters/bad-text")
        found["favicon"] = favicon.problems
    return found


def test_a_sound_page_reads_well_everywhere(bad_reports: dict[str, list[str]]) -> None:
    """The throw-away book's intro (the project's theme, templates and stylesheet) passes."""
    assert bad_reports["intro"] == []


def test_a_clipped_inline_formula_fails(bad_reports: dict[str, list[str]]) -> None:
    problems = bad_reports["chapters/bad-layout"]
    assert any(p.startswith("desktop: inline formula clipped by") for p in problems), problems
    assert any(p.startswith("phone: inline formula clipped by") for p in problems), problems


def test_a_formula_scrolling_with_no_sign_of_more_fails_on_a_phone(
    bad_reports: dict[str, list[str]],
) -> None:
    problems = bad_reports["chapters/bad-layout"]
    assert any("display formula scrolls" in p and "no sign of more" in p for p in problems)
    assert not any(p.startswith("desktop: display formula") for p in problems), problems


def test_a_formula_or_code_in_a_scroll_box_is_cut_on_paper(
    bad_reports: dict[str, list[str]],
) -> None:
    problems = bad_reports["chapters/bad-layout"]
    assert any(p.startswith("print: display formula cut by") for p in problems), problems
    assert any(p.startswith("print: text cut by") and "<pre" in p for p in problems), problems


def test_a_page_wider_than_the_phone_fails(bad_reports: dict[str, list[str]]) -> None:
    problems = bad_reports["chapters/bad-layout"]
    assert any(p.startswith("phone: page is") and "the phone 390 px" in p for p in problems)


def test_images_without_real_alt_text_fail(bad_reports: dict[str, list[str]]) -> None:
    problems = [p for p in bad_reports["chapters/bad-text"] if "alt text" in p]
    assert len(problems) == 3, problems  # a path, none, a file name; not the real description
    assert any('alt="../_images/0123abcd.png"' in p for p in problems)
    assert any('alt="plot.png"' in p for p in problems)


def test_raw_dollars_and_myst_markup_fail(bad_reports: dict[str, list[str]]) -> None:
    problems = bad_reports["chapters/bad-text"]
    assert "desktop: raw $ in the text: The loss $E = -\\log p$ is small." in problems, problems
    assert any(p.startswith("desktop: MyST markup in the text: See {eq}") for p in problems)


def test_axe_finds_a_name_mismatch_and_low_contrast_in_each_mode(
    bad_reports: dict[str, list[str]],
) -> None:
    problems = bad_reports["chapters/bad-axe"]
    light = [p for p in problems if p.startswith("axe (light)")]
    dark = [p for p in problems if p.startswith("axe (dark)")]
    assert any("label-content-name-mismatch (serious)" in p for p in light), problems
    assert any("color-contrast (serious) on 1 element(s)" in p for p in light), problems
    assert not any(".dark-only" in p for p in light), problems
    assert any("color-contrast (serious)" in p and ".dark-only" in p for p in dark), problems


def test_a_page_without_a_favicon_fails(bad_reports: dict[str, list[str]]) -> None:
    assert any(p.startswith("chapters/bad-text: no favicon") for p in bad_reports["favicon"])


def test_a_solution_left_folded_fails_on_paper(bad_reports: dict[str, list[str]]) -> None:
    problems = bad_reports["chapters/bad-layout"]
    assert "print: solution hidden on paper: Solution to Exercise 1" in problems, problems
