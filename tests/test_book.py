"""The book builds strictly, offline, from the committed sources, and leaves the tree clean."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import BUILD_OPTIONS, ROOT, Book, build_book

pytestmark = pytest.mark.book


class _Links(HTMLParser):
    """Collect the ``src``/``href`` of every script, link, img and iframe tag of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "link", "img", "iframe", "source"}:
            for name, value in attrs:
                if name in {"src", "href"} and value:
                    self.urls.append((tag, value))


def _links(page: Path) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def test_the_tests_build_the_book_as_make_book_does() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert f"jupyter-book build . {' '.join(BUILD_OPTIONS)}" in makefile


def test_book_builds_with_no_warning(book: Book) -> None:
    assert book.process.returncode == 0, book.process.stdout[-4000:] + book.process.stderr[-4000:]
    sphinx_warnings = [line for line in book.process.stderr.splitlines() if "WARNING:" in line]
    assert not sphinx_warnings, "\n".join(sphinx_warnings)


def test_every_toc_page_has_an_html_page(book: Book, pages: list[str]) -> None:
    missing = [p for p in pages if not (book.html / f"{p}.html").is_file()]
    assert not missing
    assert (book.html / "index.html").is_file()


def test_no_page_loads_anything_from_another_host(book: Book) -> None:
    offenders = []
    for page in sorted(book.html.rglob("*.html")):
        for tag, url in _links(page):
            parsed = urlparse(url)
            if tag == "link" and not url.endswith((".css", ".js", ".woff", ".woff2")):
                # <link rel="next"> and friends are navigation, not loads; still no hosts allowed
                # for stylesheets, scripts and fonts, which is what the suffixes catch.
                if parsed.scheme in {"", "file"}:
                    continue
            if parsed.scheme not in {"", "data"} or parsed.netloc or url.startswith("//"):
                offenders.append(f"{page.relative_to(book.html)}: <{tag}> {url}")
    assert not offenders, "\n".join(offenders)


def test_mathjax_is_served_from_the_book(book: Book, pages: list[str]) -> None:
    """Every page with math loads MathJax, and only the copy in the book's own ``_static``."""
    mathjax = book.html / "_static" / "mathjax" / "tex-chtml.js"
    assert mathjax.is_file()
    with_math = 0
    for page in pages:
        html = book.html / f"{page}.html"
        scripts = [url for tag, url in _links(html) if tag == "script" and "mathjax" in url]
        if 'class="math' in html.read_text(encoding="utf-8"):
            with_math += 1
            assert scripts, f"{page}: math but no MathJax script"
        for url in scripts:
            assert (html.parent / urlparse(url).path).resolve() == mathjax.resolve(), url
    assert with_math, "no page has math"


def test_sympy_output_is_rendered_as_math_not_pictures(book: Book, pages: list[str]) -> None:
    """Every ``text/latex`` output of a chapter appears on its page as MathJax math."""
    for page in pages:
        source = ROOT / f"{page}.ipynb"
        if not source.is_file():
            continue
        nb = json.loads(source.read_text())
        latex = sum(
            "text/latex" in out.get("data", {})
            for cell in nb["cells"]
            if cell["cell_type"] == "code"
            for out in cell.get("outputs", [])
        )
        html = (book.html / f"{page}.html").read_text(encoding="utf-8")
        assert html.count('class="math notranslate nohighlight"') >= latex, page


def test_build_leaves_the_tree_clean(book: Book) -> None:
    if book.status_before is None:
        pytest.skip("not a git checkout: nothing to compare")
    assert book.status_after == book.status_before


def test_a_failing_cell_fails_the_build(tmp_path: Path) -> None:
    """A throw-away book with the project's configuration and one raising cell must not build."""
    import nbformat

    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    for folder in ("_ext", "_static", "_templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: bad\n")
    (tmp_path / "intro.md").write_text("# A throw-away book\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A chapter with a bug"),
        nbformat.v4.new_code_cell("1 / 0"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, tmp_path / "bad.ipynb")
    process = build_book(tmp_path)
    assert process.returncode != 0
    assert "ZeroDivisionError" in process.stdout + process.stderr


def _public_functions() -> set[str]:
    import inspect

    import sce
    import sce.benchmark_results

    names = {f"sce.{n}" for n in sce.__all__ if inspect.isfunction(getattr(sce, n))}
    names |= {f"sce.gradcheck.{n}" for n in sce.gradcheck.__all__}
    names |= {f"sce.benchmark_results.{n}" for n in sce.benchmark_results.__all__}
    return names


def test_the_api_page_lists_every_public_function() -> None:
    text = (ROOT / "api.md").read_text()
    listed = set(re.findall(r"^\.\. autofunction:: (\S+)$", text, flags=re.M))
    assert listed == _public_functions()


def test_the_api_page_check_catches_a_missing_function() -> None:
    text = (ROOT / "api.md").read_text().replace(".. autofunction:: sce.one_hot\n", "")
    listed = set(re.findall(r"^\.\. autofunction:: (\S+)$", text, flags=re.M))
    assert _public_functions() - listed == {"sce.one_hot"}


def test_the_built_api_page_documents_every_public_function(book: Book) -> None:
    page = (book.html / "api.html").read_text()
    missing = [name for name in sorted(_public_functions()) if f'id="{name}"' not in page]
    assert not missing
    # each entry carries its docstring's sections, not only a signature
    assert page.count("Raises") >= len(_public_functions())
