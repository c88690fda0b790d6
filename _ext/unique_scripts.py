"""Write each <script> once per page.

Sphinx 7.4 registers every inline script twice (``None`` and ``""`` as its file name), so
sphinx-thebe's ``const THEBE_JS_URL`` is declared twice and the browser throws a SyntaxError.
Fixed upstream in Sphinx 8.2 (sphinx-doc/sphinx#13402).
"""

from __future__ import annotations


def _unique_scripts(app, pagename, templatename, context, doctree) -> None:
    seen = set()
    unique = []
    for script in context.get("script_files", []):
        key = (
            getattr(script, "filename", script) or "",
            getattr(script, "priority", 500),
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
