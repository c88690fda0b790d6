r"""The checker of the book's derivations, and the vocabulary the chapters share.

A chapter writes its derivation in its own cells, step by step, with SymPy expressions and a
justification for each step; :meth:`Derivation.check` proves every step (in general-n form where
SymPy can, and always for n = 2..6 by substitution; never by random probing) and the cell's
output is rendered from the expressions that were checked::

    import sympy as sp
    from sce.symbolic import Derivation, j, k, n, yhat, z, ordered_product

    S = sp.Sum(sp.exp(z[k]), (k, 1, n))
    diagonal = Derivation(
        "softmax_jacobian_diagonal", sp.Derivative(yhat[j], z[j]), indices=[j],
        title="the diagonal of the softmax Jacobian",
    )
    diagonal.step(sp.Derivative(sp.exp(z[j]) / S, z[j]), "definition of softmax")
    diagonal.step(ordered_product(yhat[j], 1 - yhat[j]), "quotient rule")
    diagonal.check()
    diagonal          # renders the chain, numbered reasons and "✓ 2 steps checked (...)"

An inequality step names the lemma that justifies it, and the engine verifies the lemma's side
conditions (:mod:`sce.symbolic.lemmas`)::

    d.step(0, "a weighted sum of squares", rel=">=",
           by=sp.Sum(yhat[i] * square(v[i] - mean), (i, 1, n)))

The record of that check says when equality holds (every squared term with a positive weight
is 0); steps with ``rel="iff"`` between equations (``by=Factor(u, p)`` for a factor known to be
nonzero) rewrite such a condition, and a cited result is a step ``by=Stated(name, source)``.

**Convention for chapters.** A code cell that builds and checks a derivation carries the cell
tag ``derivation``. Executing, in order, only the cells tagged ``derivation`` of one chapter in a
fresh namespace must work, so the first derivation cell of a chapter does its own imports, and a
derivation cell uses only names defined by earlier derivation cells.
:func:`run_chapter_derivations` does exactly that (``scripts/check_derivations.py`` and
``make derivations`` run it for every chapter), and every check registers its record
(:func:`checked`), from which the book's record page is built.

Modules: :mod:`~sce.symbolic.engine` (:class:`Derivation`), :mod:`~sce.symbolic.proof` and
:mod:`~sce.symbolic.zero` (the zero
test), :mod:`~sce.symbolic.assumptions`, :mod:`~sce.symbolic.lemmas` (inequalities),
:mod:`~sce.symbolic.records` (what was proved), :mod:`~sce.symbolic.errors` (failures),
:mod:`~sce.symbolic.printing`, :mod:`~sce.symbolic.render` and :mod:`~sce.symbolic.typeset`
(what the reader sees), :mod:`~sce.symbolic.symbols` and :mod:`~sce.symbolic.concrete` (the
shared vocabulary), :mod:`~sce.symbolic.indexed`, :mod:`~sce.symbolic.entries` and
:mod:`~sce.symbolic.labels` (objects and labelled equations a chapter introduces). No derivation
of the book lives here: each is written in its chapter.
"""

from sce.symbolic.assumptions import (
    SUM_Y_IS_ONE,
    Assumption,
    case,
    distinct,
    equal_components,
    nonnegative,
    positive,
    sum_to_one,
)
from sce.symbolic.concrete import (
    concrete_symbols,
    cross_entropy,
    gradient,
    hessian,
    jacobian,
    log_softmax,
    softmax,
    vector,
)
from sce.symbolic.engine import Derivation, Step
from sce.symbolic.entries import matrix_entry
from sce.symbolic.errors import DerivationError, Failure, readable
from sce.symbolic.indexed import indexed_base
from sce.symbolic.labels import derived, labels, stated
from sce.symbolic.lemmas import Factor, Monotone, Stated, log_gap, sign_of, square
from sce.symbolic.printing import latex
from sce.symbolic.records import (
    ChapterRecord,
    CheckRecord,
    StepRecord,
    checked,
    clear_records,
    collect,
    failed,
    record_list,
    run_chapter_derivations,
)
from sce.symbolic.render import equation_latex, glue_equation
from sce.symbolic.symbols import (
    CONCRETE_SIZES,
    DEFINITIONS,
    E,
    c,
    cross_entropy_n,
    ell,
    gradient_n,
    hessian_n,
    i,
    j,
    jacobian_n,
    k,
    log_softmax_n,
    n,
    softmax_n,
    v,
    y,
    yhat,
    z,
)
from sce.symbolic.typeset import entry, fraction, ordered_product, ordered_sum

__all__ = [
    "CONCRETE_SIZES",
    "DEFINITIONS",
    "SUM_Y_IS_ONE",
    "Assumption",
    "ChapterRecord",
    "CheckRecord",
    "Derivation",
    "DerivationError",
    "E",
    "Factor",
    "Failure",
    "Monotone",
    "Stated",
    "Step",
    "StepRecord",
    "c",
    "case",
    "checked",
    "clear_records",
    "collect",
    "concrete_symbols",
    "cross_entropy",
    "cross_entropy_n",
    "derived",
    "distinct",
    "ell",
    "entry",
    "equal_components",
    "equation_latex",
    "failed",
    "fraction",
    "glue_equation",
    "gradient",
    "gradient_n",
    "hessian",
    "hessian_n",
    "i",
    "indexed_base",
    "j",
    "jacobian",
    "jacobian_n",
    "k",
    "labels",
    "latex",
    "log_gap",
    "log_softmax",
    "log_softmax_n",
    "matrix_entry",
    "n",
    "nonnegative",
    "ordered_product",
    "ordered_sum",
    "positive",
    "readable",
    "record_list",
    "run_chapter_derivations",
    "sign_of",
    "softmax",
    "softmax_n",
    "square",
    "stated",
    "sum_to_one",
    "v",
    "vector",
    "y",
    "yhat",
    "z",
]
