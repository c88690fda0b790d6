"""The browser checks of the built book (``test_html_book.py``) for the other half of its pages.

A file of its own so that ``make test`` (``pytest -n auto --dist loadfile``) can run the two
halves on two workers once the one build of the run is there; the checks are those of
``test_html_book.py``, which also holds the checks that they catch what they are for.
"""

from __future__ import annotations

import pytest
import test_html_book as checks
from test_html_book import PAGES, Book, Browser, reads_well, renders_completely_and_offline

# The same fixtures: one browser and one server for this file's pages.
browser = checks.browser
served_book = checks.served_book

OTHER_HALF = PAGES[1::2]


@pytest.mark.parametrize("page", OTHER_HALF)
def test_page_renders_completely_and_offline(
    browser: Browser, served_book: str, book: Book, page: str
) -> None:
    """As in ``test_html_book.py``."""
    renders_completely_and_offline(browser, served_book, book, page)


@pytest.mark.parametrize("page", OTHER_HALF)
def test_page_reads_well_on_a_desktop_a_phone_paper_and_a_screen_reader(
    browser: Browser, served_book: str, book: Book, page: str
) -> None:
    """As in ``test_html_book.py``."""
    reads_well(browser, served_book, book, page)


def test_the_two_files_check_every_page_once() -> None:
    from test_html_book import HALF

    assert sorted(HALF + OTHER_HALF) == sorted(PAGES)
    assert not set(HALF) & set(OTHER_HALF)
