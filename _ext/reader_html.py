"""Small changes to each page's HTML for readers of every kind.

- A formula and the punctuation right after it stay on one line (``<span class="math-punct">``,
  ``white-space: nowrap`` in ``_static/book.css``): a full stop never starts a line.
- The "Show code cell source" toggles that myst-nb writes are named by their visible text: its
  ``aria-label="Toggle hidden content"`` differs from what a speech-input user reads and says.
"""

from __future__ import annotations

import re

_INLINE_MATH_PUNCT = re.compile(
    r'(<span class="math notranslate nohighlight">[^<]*</span>)([.,;:!?)\]]+)'
)
_TOGGLE_LABEL = '<summary aria-label="Toggle hidden content">'


def rewrite_body(body: str) -> str:
    """``body`` with inline math glued to its punctuation and the toggles named by their text."""
    body = _INLINE_MATH_PUNCT.sub(r'<span class="math-punct">\1\2</span>', body)
    return body.replace(_TOGGLE_LABEL, "<summary>")


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = rewrite_body(context["body"])


def setup(app):
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
