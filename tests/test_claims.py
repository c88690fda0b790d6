"""The claims registry: each kind of support, the errors, and the record page's reader."""

import json

import numpy as np
import pytest
import sympy as sp

from sce.claims import (
    ClaimError,
    claim,
    claims,
    claims_summary,
    clear_claims,
    read_chapter_claims,
)
from sce.project import chapter_paths
from sce.symbolic import Derivation


@pytest.fixture(autouse=True)
def _fresh():
    clear_claims()
    yield
    clear_claims()


def test_each_kind_is_recorded_in_order():
    x = sp.Symbol("x")
    d = Derivation("sq", (x + 1) ** 2, title="a square", sizes=())
    d = d.step(x**2 + 2 * x + 1, "expand")
    claim("(x + 1)^2 = x^2 + 2x + 1", derivation=d)
    claim("exp is positive", holds=np.exp(np.arange(-3.0, 4.0)) > 0)
    claim("softmax is defined as exp(z_i)/Σ exp(z_k)", source="definition")
    assert [c.kind for c in claims()] == ["derived", "computed", "stated"]
    assert claims()[0].support == "a square"
    assert str(claims_summary()) == "claims: 1 derived, 1 computed, 1 stated"


def test_running_a_cell_again_does_not_count_its_claims_twice():
    for _ in range(2):
        claim("exp(0) = 1", holds=bool(np.exp(0.0) == 1.0))
    assert len(claims()) == 1


def test_a_false_condition_fails_the_cell():
    with pytest.raises(ClaimError, match="does not hold"):
        claim("exp is negative", holds=np.exp(np.arange(3.0)) < 0)
    assert claims() == []


def test_a_wrong_derivation_fails_the_cell():
    x = sp.Symbol("x")
    d = Derivation("bad", (x + 1) ** 2, sizes=()).step(x**2 + 1, "a wrong expansion")
    with pytest.raises(Exception, match="step 1"):
        claim("(x + 1)^2 = x^2 + 1", derivation=d)
    assert claims() == []


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({}, ValueError, "exactly one"),
        ({"holds": True, "source": "x"}, ValueError, "exactly one"),
        ({"holds": 1}, TypeError, "holds must be a bool"),
        ({"holds": np.array([], dtype=bool)}, ValueError, "empty array"),
        ({"source": "  "}, ValueError, "source"),
        ({"derivation": "not one"}, TypeError, "derivation must be"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        claim("something", **kwargs)


def test_text_must_be_a_sentence():
    with pytest.raises(TypeError, match="text must be a str"):
        claim(3, holds=True)
    with pytest.raises(ValueError, match="text must say"):
        claim(" ", holds=True)


def test_the_reader_finds_the_summary_and_names_what_is_missing(tmp_path):
    claim("exp(0) = 1", holds=bool(np.exp(0.0) == 1.0))
    data, metadata = claims_summary()._repr_mimebundle_()
    out = {"output_type": "execute_result", "data": data, "metadata": metadata}
    cell = {"cell_type": "code", "metadata": {"tags": ["claims"]}, "outputs": [out]}
    nb = tmp_path / "01-x.ipynb"
    nb.write_text(json.dumps({"cells": [cell]}))
    assert read_chapter_claims(nb) == claims()
    cell["outputs"] = []
    nb.write_text(json.dumps({"cells": [cell]}))
    with pytest.raises(ValueError, match="no claims output"):
        read_chapter_claims(nb)
    nb.write_text(json.dumps({"cells": []}))
    with pytest.raises(ValueError, match="found 0"):
        read_chapter_claims(nb)


def test_every_chapter_ends_with_its_claims():
    for path in chapter_paths():
        if path.stem.startswith("15-"):
            continue
        assert read_chapter_claims(path), f"{path.name} registers no claims"
