"""Give each notebook figure the alt text its PNG carries.

``sce.plots`` stores a figure's description in the PNG's ``Description`` text chunk (see
``sce/plots/style.py``). myst-nb turns a notebook's image output into an image node without an
``alt`` (the HTML writer then falls back to the file's path, which a screen reader reads aloud).
This extension reads the chunk and sets the node's ``alt``, unless the cell's metadata already
gave one (``mystnb: image: alt: ...``).
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

ALT_KEY = "Description"


def png_text(path: Path, key: str = ALT_KEY) -> str | None:
    """The text stored under ``key`` in the PNG at ``path`` (tEXt or iTXt), or None."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.load()
            text = getattr(image, "text", {}) or {}
    except OSError:
        return None
    value = " ".join(str(text.get(key, "")).split())
    return value or None


def _set_alt(app, doctree: nodes.document) -> None:
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            continue
        # Sphinx's image collector has made the uri relative to the source folder by now
        uri = image.get("candidates", {}).get("*") or image.get("uri", "")
        if not uri.endswith(".png") or "://" in uri:
            continue
        path = Path(app.srcdir) / uri
        alt = png_text(path)
        if alt:
            image["alt"] = alt


def setup(app):
    app.connect("doctree-read", _set_alt)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
