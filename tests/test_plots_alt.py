"""Every figure carries an alt text that says what it shows, and it reaches the page's <img>."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from docutils import nodes
from docutils.utils import new_document
from PIL import Image

from sce import plots

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import figure_alt  # noqa: E402
import reader_html  # noqa: E402

_M = np.linspace(0.0, 10.0, 11)
#: One call of every plotting function, with small data.
FIGURES = {
    "softmax_temperatures": lambda: plots.softmax_temperatures([2.0, 1.0, 0.1], [0.5, 1.0]),
    "prediction_vs_truth": lambda: plots.prediction_vs_truth(
        [0.7, 0.2, 0.1], [1, 0, 0], loss=0.357, title="Close"
    ),
    "surprise_curve": lambda: plots.surprise_curve(marks=[0.5]),
    "gradient_saturation": lambda: plots.gradient_saturation(
        np.linspace(0.1, 0.9, 3), np.ones(3), np.ones(3)
    ),
    "training_curves": lambda: plots.training_curves([1.1, 0.5], [0.3, 0.9], n_classes=3),
    "decision_regions": lambda: plots.decision_regions(
        lambda p: (p.sum(axis=1) > 1).astype(int), np.array([[0.0, 0.0], [1, 1]]), np.arange(2)
    ),
    "losses_along_line": lambda: plots.losses_along_line(_M, {"square": _M**2}),
    "exp_range": lambda: plots.exp_range({"float32": (-104.0, -87.3, 88.7)}),
    "ulp_error_vs_margin": lambda: plots.ulp_error_vs_margin(_M, {"a": _M}, title="Errors"),
    "label_smoothing_bars": lambda: plots.label_smoothing_bars(
        [0.6, 0.3, 0.1], [1, 0, 0], [0.9, 0.05, 0.05]
    ),
    "benchmark_times": lambda: plots.benchmark_times([10], {"a": [1.0]}, title="Times"),
    "binary_cross_entropy_curves": lambda: plots.binary_cross_entropy_curves(_M - 5),
    "temperature_paths": lambda: plots.temperature_paths([1.0, 0.0], [0.5, 1.0, 2.0]),
    "loss_vs_margin": lambda: plots.loss_vs_margin(_M, {"a": (_M - 4) ** 2}, optima={"a": 4}),
    "margin_growth": lambda: plots.margin_growth(_M, {"a": np.log1p(_M)}),
    "accuracy_vs_margin": lambda: plots.accuracy_vs_margin(
        {"margin_series": {"float64": {"margin": [0, 1], "loss_ulp": {"a": [0.5, None]}}}},
        "float64",
    ),
    "probability_simplex": lambda: plots.probability_simplex([2.0, 1.0, 0.1]),
    "logit_nudge_bars": lambda: plots.logit_nudge_bars([2.0, 1.0, 0.1], 0),
    "loss_landscape": lambda: plots.loss_landscape(resolution=11),
}


def _png_description(fig) -> str | None:
    return Image.open(io.BytesIO(fig._repr_png_())).text.get("Description")


def test_every_public_figure_function_is_exercised_here() -> None:
    functions = {name for name in plots.__all__ if callable(getattr(plots, name))}
    functions -= {"BookFigure", "figure"}
    assert functions == set(FIGURES)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_describes_itself_in_words(name: str) -> None:
    fig = FIGURES[name]()
    words = fig.alt.split()
    assert len(words) >= 12, fig.alt
    assert "$" not in fig.alt and ".png" not in fig.alt
    assert _png_description(fig) == fig.alt


def test_the_alt_text_names_the_numbers_drawn() -> None:
    fig = plots.softmax_temperatures([1.0, 0.0], [1.0])
    e = np.e / (np.e + 1)
    assert f"{e:.2f} and {1 - e:.2f}" in fig.alt


def test_a_given_alt_text_replaces_the_default() -> None:
    fig = plots.surprise_curve(alt="The cost of each probability.")
    assert fig.alt == "The cost of each probability."
    assert _png_description(fig) == "The cost of each probability."


def test_a_blank_alt_text_is_rejected() -> None:
    with pytest.raises(ValueError, match="alt must describe"):
        plots.surprise_curve(alt="   ")


def test_an_alt_text_that_is_not_a_string_is_rejected() -> None:
    with pytest.raises(TypeError, match="alt must be a string"):
        plots.surprise_curve(alt=3)


def test_a_figure_made_without_alt_text_stores_none() -> None:
    fig, _ = plots.figure()
    assert fig.alt == "" and _png_description(fig) is None


def _doctree_with_image(tmp_path: Path, png: bytes, **attributes: str) -> nodes.document:
    (tmp_path / "build").mkdir(exist_ok=True)
    (tmp_path / "build" / "figure.png").write_bytes(png)
    doctree = new_document("test")
    doctree += nodes.image(
        uri="build/figure.png", candidates={"*": "build/figure.png"}, **attributes
    )
    return doctree


def test_the_extension_sets_the_pages_alt_from_the_png(tmp_path: Path) -> None:
    fig = plots.surprise_curve()
    doctree = _doctree_with_image(tmp_path, fig._repr_png_())
    figure_alt._set_alt(SimpleNamespace(srcdir=str(tmp_path)), doctree)
    (image,) = doctree.findall(nodes.image)
    assert image["alt"] == fig.alt


def test_the_extension_keeps_an_alt_from_the_cell_metadata(tmp_path: Path) -> None:
    doctree = _doctree_with_image(tmp_path, plots.surprise_curve()._repr_png_(), alt="Given.")
    figure_alt._set_alt(SimpleNamespace(srcdir=str(tmp_path)), doctree)
    assert next(iter(doctree.findall(nodes.image)))["alt"] == "Given."


def test_the_extension_leaves_a_png_without_description_alone(tmp_path: Path) -> None:
    fig, _ = plots.figure()
    doctree = _doctree_with_image(tmp_path, fig._repr_png_())
    figure_alt._set_alt(SimpleNamespace(srcdir=str(tmp_path)), doctree)
    assert "alt" not in next(iter(doctree.findall(nodes.image)))


def test_inline_math_is_glued_to_the_punctuation_after_it() -> None:
    body = 'so <span class="math notranslate nohighlight">\\(x\\)</span>. Then'
    assert reader_html.rewrite_body(body) == (
        'so <span class="math-punct"><span class="math notranslate nohighlight">\\(x\\)</span>.'
        "</span> Then"
    )


def test_code_toggles_lose_the_label_that_hides_their_text() -> None:
    body = '<summary aria-label="Toggle hidden content">\n<p>Show code cell source</p>'
    assert reader_html.rewrite_body(body) == "<summary>\n<p>Show code cell source</p>"
