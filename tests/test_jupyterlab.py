"""The chapters as a learner opens them: every notebook of ``chapters/`` in a real JupyterLab.

One JupyterLab (the virtualenv's own, with jupyterlab-myst) is started per module on 127.0.0.1 with
token and password off, its configuration, data, runtime, settings and workspaces in a temporary
folder, serving a temporary copy of the chapters (so nothing of the user's reaches it and nothing is
written into the repository). Headless Chromium opens each chapter with no kernel (the committed
outputs are shown, nothing is executed) and, once jupyterlab-myst and MathJax have finished, the
page is checked cell by cell for what a reader would see as broken:

- a jupyterlab-myst error box: an unknown directive (``{glue:math}`` draws "Unknown Directive"),
  an unknown role (drawn as bare text; found in jupyterlab-myst's parsed tree), math KaTeX cannot
  typeset;
- an unresolved reference (``{eq}`` to a label of another notebook or one only a glue block
  defines: "Cross Reference Not Found");
- an empty box (an admonition or exercise box with nothing in it, as ``{solution-end}`` draws);
- MyST or TeX left as text: fences (```` ```{ ````, ``:::{``), roles (``{eq}``), ``$`` signs outside
  math, TeX control words such as ``\\frac`` in prose or in a printed output;
- a formula of an output that MathJax did not typeset or typeset with an error;
- any request to a host other than 127.0.0.1 (intercepted and refused).

Each problem names the chapter, the cell (its index in the notebook and its first words), the kind
and the text. The checks are plain functions (:func:`check_notebook`) so that the tests at the end
run them on throw-away notebooks that break each rule on purpose, and on one that follows the
recipes that render in both JupyterLab and the book.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHAPTERS = sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))

pytestmark = [pytest.mark.jupyterlab, pytest.mark.browser]


def _find_chromium() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _missing() -> str | None:
    """Why the check cannot run here, or None."""
    if _find_chromium() is None:
        return (
            "headless Chromium is needed to open the chapters in JupyterLab; install it with "
            "`apt-get install chromium` (Debian/Ubuntu)"
        )
    try:
        import jupyterlab  # noqa: F401
        import jupyterlab_myst  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"{error.name} is missing: `pip install -r requirements.txt`"
    if not (BIN / "jupyter-lab").is_file():
        return f"no jupyter-lab beside {sys.executable}: `pip install -r requirements.txt`"
    return None


_WHY_NOT = _missing()
if _WHY_NOT is not None:  # pragma: no cover - depends on the environment
    if os.environ.get("CI", "").lower() not in {"", "0", "false"}:
        pytest.fail(f"CI is set but {_WHY_NOT}", pytrace=False)
    pytest.skip(_WHY_NOT, allow_module_level=True)

from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright  # noqa: E402

CHROMIUM = _find_chromium()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Belt and braces: besides the route that refuses other hosts, no other name even resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
START_TIMEOUT_S = 60
RENDER_TIMEOUT_MS = 20_000

# JupyterLab's settings for the test: every cell attached to the page (no windowing, so cells out of
# view are rendered too), no autosave, no news or update checks (they would reach the network).
_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
}

_DISABLED_EXTENSIONS = [
    "@jupyterlab/toc-extension",
    "@jupyterlab/debugger-extension",
    "@jupyterlab/lsp-extension",
    "@jupyterlab/completer-extension",
    "@jupyterlab/extensionmanager-extension",
    "@jupyterlab/inspector-extension",
    "@jupyterlab/running-extension",
]

_SERVER_OPTIONS = [
    "--ServerApp.jpserver_extensions={'jupyter_lsp': False}",
    "--no-browser",
    "--ServerApp.ip=127.0.0.1",
    "--IdentityProvider.token=",
    "--ServerApp.password=",
    "--ServerApp.allow_root=True",
    "--ServerApp.terminals_enabled=False",
    # The page can reach the app (window.jupyterapp) to open a notebook without a kernel.
    "--LabApp.expose_app_in_browser=True",
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]

# --- the server ---------------------------------------------------------------------------------


@dataclass
class Lab:
    """A running JupyterLab: its base URL, the folder it serves and its process."""

    url: str
    root: Path
    process: subprocess.Popen
    log: Path


# The server is local: never ask a proxy from the environment for it.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get_json(url: str) -> object:
    with _LOCAL.open(url, timeout=5) as response:
        return json.load(response)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_environment(home: Path) -> dict[str, str]:
    """The environment of the test's JupyterLab: every Jupyter folder under ``home``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JUPYTER", "IPYTHON")) and key != "PYTHONPATH"
    }
    folders = {
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTER_DATA_DIR": home / "data",
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "workspaces",
        "IPYTHONDIR": home / "ipython",
    }
    for name, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    # Panels the check never uses, whose work on every rendered cell would only cost time.
    labconfig = folders["JUPYTER_CONFIG_DIR"] / "labconfig"
    labconfig.mkdir(exist_ok=True)
    disabled = {name: True for name in _DISABLED_EXTENSIONS}
    (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}))
    for plugin, values in _SETTINGS.items():
        path = folders["JUPYTERLAB_SETTINGS_DIR"] / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return env


@contextlib.contextmanager
def jupyterlab(root: Path, home: Path) -> Iterator[Lab]:
    """Start the virtualenv's JupyterLab serving ``root``; stop it afterwards."""
    port = _free_port()
    log = home / "jupyterlab.log"
    command = [str(BIN / "jupyter-lab"), f"--port={port}", f"--ServerApp.root_dir={root}"]
    with log.open("w") as out:
        process = subprocess.Popen(
            command + _SERVER_OPTIONS,
            env=lab_environment(home),
            cwd=home,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited at start:\n{log.read_text()[-3000:]}")
            try:
                with _LOCAL.open(f"{url}api/status", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield Lab(url, root, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
            process.wait()


def running_kernels(lab: Lab) -> list[dict]:
    return _get_json(f"{lab.url}api/kernels")


# --- the page -----------------------------------------------------------------------------------


@dataclass
class LabPage:
    """One browser tab with JupyterLab loaded, and the requests to other hosts it tried."""

    lab: Lab
    context: BrowserContext
    tab: Page
    refused: list[str] = field(default_factory=list)
    refused_at_start: list[str] = field(default_factory=list)


def open_lab(browser: Browser, lab: Lab) -> LabPage:
    """Load JupyterLab (a fresh workspace) in a new context that refuses other hosts."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = LabPage(lab, context, context.new_page())
    local = re.escape(lab.url.removeprefix("http://").rstrip("/"))

    def refuse(route: Route) -> None:
        page.refused.append(route.request.url)
        route.abort("blockedbyclient")

    # Every URL that is not of the local server (data: and blob: URLs never reach a route).
    context.route(re.compile(rf"^(?!(https?|wss?)://{local}/)"), refuse)
    page.tab.goto(f"{lab.url}lab?reset", wait_until="load")
    page.tab.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    page.tab.evaluate(
        "async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }"
    )
    page.refused_at_start = list(page.refused)
    return page


# Opens a notebook with no kernel, waits until every cell is rendered and the page is still, then
# reports per cell what a reader would see as broken. Returns {cells: [...], seconds}.
_CHECK_JS = r"""
async ([path, timeoutMs]) => {
  const app = window.jupyterapp;
  const start = performance.now();
  const panel = await app.commands.execute('docmanager:open', {
    path, factory: 'Notebook', kernelPreference: {shouldStart: false, canStart: false}});
  await panel.context.ready;
  await panel.revealed;
  const nb = panel.content;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // Rendered: every Markdown cell drawn by jupyterlab-myst after its pass over the whole notebook
  // (which resolves the references and hands each cell a model with them), every LaTeX output
  // typeset by MathJax, and nothing changed on the page for 200 ms.
  let lastChange = performance.now();
  const observer = new MutationObserver(() => { lastChange = performance.now(); });
  observer.observe(panel.node, {subtree: true, childList: true, attributes: true,
                                characterData: true});
  const ready = () => nb.widgets.every((cell) => {
    if (cell.model.type === 'markdown') {
      return !cell.model.sharedModel.getSource().trim()
        || (cell.node.querySelector('.myst') && cell.mystModel && cell.mystModel.references);
    }
    return Array.from(cell.node.querySelectorAll('.jp-RenderedLatex'))
      .every((el) => el.querySelector('mjx-container'));
  });
  let timedOut = false;
  while (true) {
    await sleep(100);
    if (performance.now() - lastChange >= 200 && ready()) break;
    if (performance.now() - start > timeoutMs) { timedOut = true; break; }
  }
  observer.disconnect();
  await document.fonts.ready;

  const SKIP = 'pre, code, .katex, mjx-container, script, style, .jp-InputArea-editor, '
             + '.cm-editor, svg, .jp-InputPrompt, .jp-OutputPrompt';
  const visibleText = (root) => {
    const out = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement.closest(SKIP)) out.push(n.textContent);
    }
    return out.join('');
  };
  const clip = (s) => s.replace(/\s+/g, ' ').trim().slice(0, 100);
  const walk = (node, visit) => {
    if (!node || typeof node !== 'object') return;
    visit(node);
    for (const child of node.children || []) walk(child, visit);
  };
  const cells = [];
  nb.widgets.forEach((cell, index) => {
    const type = cell.model.type;
    const source = cell.model.sharedModel.getSource();
    const problems = [];
    const add = (kind, text) => problems.push([kind, clip(text)]);
    if (type === 'markdown') {
      const myst = cell.node.querySelector('.myst');
      if (!myst && source.trim()) add('not rendered', 'the cell was not drawn by jupyterlab-myst');
      if (myst) {
        // Unknown directives: drawn as a red box titled "<name> - Unknown Directive".
        const seen = new Set();
        for (const title of myst.querySelectorAll('summary, .myst-exercise-title')) {
          const text = title.textContent.trim();
          const owner = title.closest('details, aside') || title;
          if (seen.has(owner)) continue;
          seen.add(owner);
          if (/Unknown (Directive|Role)$/.test(text)) {
            const box = title.closest('details, aside');
            const body = box && box.querySelector('pre');
            add('unknown directive', body ? `${text}: ${body.textContent}` : text);
          }
        }
        // Unresolved references and math KaTeX cannot typeset: a yellow warning mark.
        for (const el of myst.querySelectorAll('.text-yellow-600')) {
          if (el.title === 'Cross Reference Not Found') add('unresolved reference', el.textContent);
          else add('math error', `${el.textContent} (${el.title || 'error'})`);
        }
        for (const el of myst.querySelectorAll('.text-red-500, .katex-error')) {
          add('math error', el.closest('pre') ? el.closest('pre').textContent : el.textContent);
        }
        // Boxes (admonitions, exercises, solutions, proofs) with nothing in them.
        for (const box of myst.querySelectorAll('aside, details')) {
          const header = box.querySelector(':scope > summary, :scope > div:first-child');
          const body = Array.from(box.children).filter((c) => c !== header);
          const full = (el) => el.textContent.trim() || el.querySelector('img, .katex');
          if (!body.some(full)) {
            const title = header ? header.textContent.trim() : '';
            add('empty box', title ? `box "${title}" with no content` : 'an empty box');
          }
        }
        // MyST and TeX left as text.
        const prose = visibleText(myst);
        for (const m of prose.matchAll(/`{3,}\s*\{[^}]*\}?|:{3,}\s*\{[^}]*\}?/g)) {
          add('raw MyST', m[0]);
        }
        // A role name in braces (not a TeX argument such as \\frac{a}{b}).
        for (const m of prose.matchAll(/(?<![\w}\\])\{[a-z][\w:-]*\}(?=[`\w])`?[^\s`]*`?/g)) {
          add('raw MyST', m[0]);
        }
        for (const m of prose.matchAll(/.{0,20}\$+.{0,20}/g)) add('dollar sign as text', m[0]);
        for (const m of prose.matchAll(/.{0,20}\\(?:[A-Za-z]+|[()[\]]).{0,30}/g)) {
          add('TeX as text', m[0]);
        }
      }
      // Unknown roles are drawn as their bare text: find them in jupyterlab-myst's parsed tree.
      walk(cell.fragmentMDAST, (node) => {
        if (node.type === 'mystRole') add('unknown role', `{${node.name}}\`${node.value || ''}\``);
      });
    } else if (type === 'code') {
      for (const el of cell.node.querySelectorAll('.jp-RenderedLatex')) {
        if (!el.querySelector('mjx-container')) add('math not typeset', el.textContent);
        for (const err of el.querySelectorAll('mjx-merror')) {
          add('math error', err.getAttribute('data-mjx-error') || err.textContent);
        }
        // MathJax draws an undefined macro as its name in red (its noundefined extension).
        for (const red of el.querySelectorAll('mtext[mathcolor="red"]')) {
          add('math error', `undefined macro ${red.textContent} (red text)`);
        }
      }
      for (const el of cell.node.querySelectorAll('.jp-RenderedText pre, .jp-RenderedMarkdown')) {
        const shown = el.closest('.jp-RenderedMarkdown') ? visibleText(el) : el.textContent;
        for (const m of shown.matchAll(/.{0,20}\\(?:[A-Za-z]{2,}|[()[\]])\{?.{0,30}/g)) {
          add('TeX as text', m[0]);
        }
      }
    }
    if (problems.length) {
      const first = source.split('\n').map((l) => l.trim()).filter(Boolean)[0] || '';
      cells.push({index, type, first: first.slice(0, 60), problems});
    }
  });
  const seconds = (performance.now() - start) / 1000;
  const count = nb.widgets.length;
  panel.dispose();
  return {cells, seconds, timedOut, count};
}
"""


@dataclass
class Problem:
    notebook: str
    cell: int
    first_words: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.notebook}: cell {self.cell} ({self.first_words!r}): {self.kind}: {self.text}"


@dataclass
class NotebookReport:
    """What :func:`check_notebook` found in one notebook; ``problems`` is empty when it is sound."""

    notebook: str
    problems: list[Problem] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    cells: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [*(f"{self.notebook}: {line}" for line in self.other), *map(str, self.problems)]


def check_notebook(page: LabPage, path: str) -> NotebookReport:
    """Open ``path`` (relative to the served folder) without a kernel and check every cell.

    Parameters
    ----------
    page
        A tab with JupyterLab loaded (:func:`open_lab`); the notebook is closed afterwards.
    path
        The notebook, relative to the folder the server serves.

    Returns
    -------
    NotebookReport
        The problems, each naming the notebook, the cell (index, first words), kind and text.
    """
    name = Path(path).stem
    refused_before = len(page.refused)
    found = page.tab.evaluate(_CHECK_JS, [path, RENDER_TIMEOUT_MS])
    report = NotebookReport(name, cells=found["count"], seconds=found["seconds"])
    if found["timedOut"]:
        report.other.append(f"the notebook did not finish rendering in {RENDER_TIMEOUT_MS} ms")
    for url in dict.fromkeys(page.refused[refused_before:]):
        report.other.append(f"request to another host: {url}")
    for cell in found["cells"]:
        for kind, text in cell["problems"]:
            report.problems.append(Problem(name, cell["index"], cell["first"], kind, text))
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


# --- fixtures: one JupyterLab and one browser for the module ------------------------------------

_REPORTS: dict[str, NotebookReport] = {}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder JupyterLab serves: a copy of ``chapters/`` and room for throw-away notebooks."""
    root = tmp_path_factory.mktemp("jupyterlab-root")
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns(".*"))
    (root / "throwaway").mkdir()
    for name, cells in THROWAWAY.items():
        write_notebook(root / "throwaway" / f"{name}.ipynb", cells)
    return root


@pytest.fixture(scope="module")
def lab(served: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with jupyterlab(served, tmp_path_factory.mktemp("jupyterlab-home")) as running:
        yield running


@pytest.fixture(scope="module")
def page(lab: Lab, request: pytest.FixtureRequest) -> Iterator[LabPage]:
    """One browser and one JupyterLab tab for the whole module; reports timings at the end."""
    start = time.perf_counter()
    with chromium() as browser:
        loaded = open_lab(browser, lab)
        startup = time.perf_counter() - start
        yield loaded
        loaded.context.close()
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    chapters = [r for name, r in _REPORTS.items() if name in {Path(c).stem for c in CHAPTERS}]
    if reporter is not None and capture is not None and chapters:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nJupyterLab checks: {len(chapters)} chapters, "
                f"{sum(r.cells for r in chapters)} cells, "
                f"{sum(len(r.problems) for r in chapters)} problems, in "
                f"{sum(r.seconds for r in chapters):.1f} s (browser and JupyterLab start "
                f"{startup:.1f} s)"
            )
    if os.environ.get("SCE_LAB_VIOLATIONS"):
        write_violations(Path(os.environ["SCE_LAB_VIOLATIONS"]), chapters)


def write_violations(path: Path, reports: list[NotebookReport]) -> None:
    """Write every problem found, one a line, grouped by chapter with counts."""
    lines = []
    for report in reports:
        kinds: dict[str, int] = {}
        for problem in report.problems:
            kinds[problem.kind] = kinds.get(problem.kind, 0) + 1
        summary = ", ".join(f"{n} {kind}" for kind, n in kinds.items()) or "none"
        lines.append(f"## {report.notebook}: {len(report.problems)} problems ({summary})")
        lines += [f"  {line}" for line in report.lines()]
    path.write_text("\n".join(lines) + "\n")


# --- the chapters -------------------------------------------------------------------------------


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_renders_in_jupyterlab(page: LabPage, chapter: str) -> None:
    report = check_notebook(page, f"chapters/{chapter}")
    _REPORTS[report.notebook] = report
    if report.lines():
        pytest.fail(
            f"{len(report.lines())} problem(s) in JupyterLab:\n" + "\n".join(report.lines()),
            pytrace=False,
        )


def test_no_kernel_started_and_nothing_requested_from_other_hosts(page: LabPage, lab: Lab) -> None:
    for chapter in CHAPTERS:  # when run alone
        if Path(chapter).stem not in _REPORTS:
            _REPORTS[Path(chapter).stem] = check_notebook(page, f"chapters/{chapter}")
    assert not page.refused_at_start, page.refused_at_start
    assert running_kernels(lab) == []


def test_the_notebooks_kernel_is_the_virtualenvs_own_python3(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    specs = _get_json(f"{lab.url}api/kernelspecs")
    assert specs["default"] == "python3"
    assert specs["kernelspecs"]["python3"]["spec"]["display_name"] == "Python 3 (ipykernel)"
    names = {
        json.loads((ROOT / "chapters" / c).read_text())["metadata"]["kernelspec"]["name"]
        for c in CHAPTERS
    }
    assert names == {"python3"}
    # `make lab` runs with the user's Jupyter folders and JUPYTER_PREFER_ENV_PATH=1: the python3
    # it finds is the one installed in this virtualenv (a python3 in ~/.local does not shadow it).
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "1")
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert Path(spec.resource_dir).is_relative_to(sys.prefix), spec.resource_dir


def test_the_served_chapters_are_the_committed_ones_unchanged(served: Path, page: LabPage) -> None:
    for chapter in CHAPTERS:
        copy = (served / "chapters" / chapter).read_bytes()
        assert copy == (ROOT / "chapters" / chapter).read_bytes(), chapter


# --- the checks catch what they are for: throw-away notebooks broken on purpose ------------------


def _cell(kind: str, source: str, outputs: list | None = None, **metadata: object) -> dict:
    cell = {"cell_type": kind, "metadata": metadata, "source": source}
    if kind == "code":
        cell |= {"execution_count": 1, "outputs": outputs or []}
    return cell


def write_notebook(path: Path, cells: list[dict]) -> None:
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index}"
    kernelspec = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    metadata = {"kernelspec": kernelspec, "language_info": {"name": "python"}}
    notebook = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook, indent=1))


_LATEX = {"text/latex": "$$\\frac{1}{2}$$", "text/plain": "1/2"}
THROWAWAY = {
    # One cell per failure, in the order of BROKEN_EXPECTED below.
    "broken": [
        _cell(
            "markdown",
            "# Broken\n\nA glued equation:\n\n```{glue:math} eq-glued\n:label: eq-glued\n```",
        ),
        _cell("markdown", "See {eq}`eq-glued`, a label only the glue block defines."),
        _cell("markdown", "Softmax is {eq}`eq-softmax`, a label of another notebook."),
        _cell("markdown", "```{solution-end}\n```"),
        _cell("markdown", "Printed {glue:text}`a-value` in the text."),
        _cell("markdown", "A role without backticks: {eq}eq-glued, and $5 for nothing."),
        _cell("markdown", "TeX outside math: \\frac{a}{b} and \\hat y."),
        _cell("markdown", "A macro KaTeX does not know: $\\notamacro{x}$."),
        _cell(
            "code",
            "print(report)",
            [{"output_type": "stream", "name": "stdout", "text": "step 1: \\frac{a}{b} = c\n"}],
        ),
        _cell(
            "code",
            "bad",
            [
                {
                    "output_type": "execute_result",
                    "execution_count": 1,
                    "metadata": {},
                    "data": {"text/latex": "$$\\notamacro{x}$$", "text/plain": "x"},
                }
            ],
        ),
        _cell("markdown", "![a picture from elsewhere](https://example.com/picture.png)"),
        _cell("markdown", "Fences shown as text: \\`\\`\\`{note} and \\:::{warning}."),
    ],
    # The recipes that render in JupyterLab and in the book: nothing to report.
    "healthy": [
        _cell(
            "markdown",
            "# Healthy\n\nA link to [another chapter](broken.ipynb), math $a^2$, and\n\n"
            "$$\n\\frac{\\partial \\hat y_i}{\\partial z_j} = \\hat y_i (\\delta_{ij} - \\hat y_j)"
            "\n$$ (eq-healthy)\n\nreferenced as {eq}`eq-healthy`.",
        ),
        _cell(
            "code",
            "half",
            [
                {
                    "output_type": "execute_result",
                    "execution_count": 1,
                    "metadata": {},
                    "data": _LATEX,
                }
            ],
        ),
        _cell(
            "markdown",
            "```{exercise} Half\n:label: ex-half\n\nCompute $1/2$.\n```\n\n"
            "```{solution} ex-half\n:class: dropdown\n\nIt is $\\tfrac12$, checked below.\n```",
        ),
        _cell(
            "code",
            "assert 1 / 2 == 0.5",
            tags=["hide-cell"],
            jupyter={"source_hidden": True, "outputs_hidden": True},
        ),
        _cell(
            "markdown",
            "```{note}\nA note, see {ref}`ex-half`.\n```\n\n:::{warning}\nA warning.\n:::\n\n"
            "```{prf:theorem} A theorem\n:label: thm-healthy\n\n$x \\ge 0$.\n```\n\n"
            "{prf:ref}`thm-healthy` holds.",
        ),
    ],
}

BROKEN_EXPECTED = [
    (0, "unknown directive", "glue:math - Unknown Directive"),
    (1, "unresolved reference", "eq-glued"),
    (2, "unresolved reference", "eq-softmax"),
    (3, "empty box", ""),
    (4, "unknown role", "{glue:text}`a-value`"),
    (5, "raw MyST", "{eq}eq-glued"),
    (5, "dollar sign as text", "$5"),
    (6, "TeX as text", "\\frac"),
    (7, "math error", "\\notamacro"),
    (8, "TeX as text", "\\frac"),
    (9, "math error", "undefined macro \\notamacro"),
    (11, "raw MyST", "```{note}"),
    (11, "raw MyST", ":::{warning}"),
]


@pytest.fixture(scope="module")
def throwaway(page: LabPage) -> dict[str, NotebookReport]:
    return {name: check_notebook(page, f"throwaway/{name}.ipynb") for name in THROWAWAY}


@pytest.mark.parametrize(("cell", "kind", "text"), BROKEN_EXPECTED)
def test_a_broken_cell_is_reported_naming_notebook_cell_and_kind(
    throwaway: dict[str, NotebookReport], cell: int, kind: str, text: str
) -> None:
    report = throwaway["broken"]
    found = [p for p in report.problems if p.cell == cell and p.kind == kind and text in p.text]
    assert found, "\n".join(report.lines())
    first = THROWAWAY["broken"][cell]["source"].split("\n")[0].strip()
    assert str(found[0]).startswith(f"broken: cell {cell} ({first[:60]!r}): {kind}: ")


def test_a_request_to_another_host_is_refused_and_reported(
    throwaway: dict[str, NotebookReport],
) -> None:
    other = throwaway["broken"].other
    assert any(line.startswith("request to another host: https://example.com/") for line in other)


def test_the_recipes_that_render_in_both_engines_pass(
    throwaway: dict[str, NotebookReport],
) -> None:
    report = throwaway["healthy"]
    assert report.cells == len(THROWAWAY["healthy"])
    assert not report.lines(), "\n".join(report.lines())
