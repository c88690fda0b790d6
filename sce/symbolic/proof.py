"""How one step is proved: its general-form value, its concrete values, and the comparison.

:class:`_Prover` holds the part of :class:`~sce.symbolic.Derivation` that turns an expression
into what the zero test compares (derivatives evaluated, definitions unfolded, sums written out
for a concrete size, assumptions applied), and proves two expressions equal.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from sce.symbolic.assumptions import Assumption
from sce.symbolic.errors import Failure
from sce.symbolic.sums import _range_conditions
from sce.symbolic.symbols import _BASES
from sce.symbolic.typeset import _Entry
from sce.symbolic.zero import _delta_sums, _eval_derivatives, _expand_sums, _unfold, _zero_method

if TYPE_CHECKING:
    from sce.symbolic.engine import Step

Expr = sp.Basic


class _Prover:
    """Mixin of :class:`~sce.symbolic.Derivation`: the values compared and the comparison."""

    definitions: Any
    indices: dict[sp.Symbol, Any]
    sizes: list[dict[sp.Symbol, int]]
    general_form: str
    _memo: dict[Any, dict[Any, Expr]]
    _cache: dict[Any, Expr]

    def _general_value(self, expr: Expr, assumptions: Sequence[Assumption]) -> Expr:
        e = _eval_derivatives(expr, self.definitions, None)
        e = _unfold(e, self.definitions)
        e = _delta_sums(e)
        for idx, size in self.indices.items():  # a free index lies in 1..its size
            e = _range_conditions(e, idx, sp.Integer(1), sp.sympify(size))
        for a in assumptions:
            e = a.general(e)
        return e

    def _concrete_value(
        self,
        expr: Expr,
        sizes: Mapping[sp.Symbol, int],
        assign: Mapping[sp.Symbol, int],
        assumptions: Sequence[Assumption],
    ) -> Expr:
        e = expr.xreplace(dict(sizes)).xreplace(dict(assign))
        if isinstance(e, sp.MatrixExpr | sp.MatrixBase):
            e = self._explicit_matrix(e, sizes)
            if self.indices:
                key = tuple(assign[idx] - 1 for idx in self.indices)
                e = e[key] if e.shape[1] > 1 else e[key[0], 0]
        memo = self._memo.setdefault(tuple(sorted((str(a), b) for a, b in sizes.items())), {})
        if e.has(_Entry):

            def entry(a: _Entry) -> Expr:
                key = ("matrix", a.args[0])
                if key not in memo:
                    memo[key] = self._explicit_matrix(a.args[0], sizes)
                return memo[key][int(a.args[1]) - 1, int(a.args[2]) - 1]

            e = e.replace(lambda a: isinstance(a, _Entry), entry)
        e = _expand_sums(e)  # first: Σ_i ∂E/∂ŷ_i ... becomes ∂E/∂ŷ_1 ... + ∂E/∂ŷ_n ...
        e = _eval_derivatives(e, self.definitions, sizes, memo)
        e = _unfold(e, self.definitions, (), sizes, memo)
        for a in assumptions:
            e = a.concrete(e, sizes)
        return e

    def _explicit_matrix(self, e: Any, sizes: Mapping[sp.Symbol, int]) -> sp.Matrix:
        reps = {}
        for ms in e.atoms(sp.MatrixSymbol):
            if ms.name in self.definitions:
                reps[ms] = sp.ImmutableMatrix(self.definitions[ms.name](ms.shape[0]))
        e = e.xreplace(reps)
        e = sp.Matrix(e.as_explicit() if isinstance(e, sp.MatrixExpr) else e)

        def elem(a: Any) -> Any:
            base = _BASES[a.parent.name]
            row, col = int(a.i) + 1, int(a.j) + 1
            return base[row] if a.parent.shape[1] == 1 else base[row, col]

        return e.applyfunc(lambda a: a.replace(lambda b: isinstance(b, MatrixElement), elem))

    def _assignments(
        self, sizes: Mapping[sp.Symbol, int], assumptions: Sequence[Assumption]
    ) -> list[dict[sp.Symbol, int]]:
        ranges = [
            range(1, int(sp.sympify(sz).xreplace(dict(sizes))) + 1) for sz in self.indices.values()
        ]
        out = []
        for values in itertools.product(*ranges):
            assign = dict(zip(self.indices, values, strict=True))
            if all(a.admits(assign) for a in assumptions):
                out.append(assign)
        return out

    def _prove_equal(
        self, old: Expr, new: Expr, number: int, st: Step, assumptions: tuple[Assumption, ...]
    ) -> tuple[str | None, tuple[str, ...], int] | Failure:
        """Prove ``new = old`` in general form (if asked) and for every concrete size."""
        cases: Sequence[Assumption | None] = st.cases or (None,)
        is_matrix = any(isinstance(e, sp.MatrixExpr | sp.MatrixBase) for e in (old, new))
        general_method: str | None = None
        general_residual: Expr | None = None
        if st.general and not is_matrix:
            methods = []
            for cs in cases:
                extra = (cs,) if cs is not None else ()
                d = self._general_value(sp.Add(new, -old), (*assumptions, *extra))
                method, residual = _zero_method(d, True, (*assumptions, *extra))
                methods.append(method)
                if method is None:
                    general_residual = residual
                    break
            if all(m is not None for m in methods):
                general_method = "cancel" if "cancel" in methods else "expand"
        proved_sizes = []
        checks = 0
        for size_no, sizes in enumerate(self.sizes):
            for assign in self._assignments(sizes, assumptions):
                akey = tuple(sorted((str(a), b) for a, b in assign.items()))
                for case_no, cs in enumerate(cases):
                    extra = (cs,) if cs is not None else ()
                    vals = []
                    for e in (old, new):
                        key = (e, size_no, akey, case_no, len(assumptions))
                        if key not in self._cache:
                            val = self._concrete_value(e, sizes, assign, (*assumptions, *extra))
                            if cs is not None:
                                val = cs.general(val)
                            self._cache[key] = val
                        vals.append(self._cache[key])
                    method, residual = _zero_method(sp.Add(vals[1], -vals[0]), general=False)
                    if method is None:
                        where = ", ".join(
                            [f"{a}={b}" for a, b in sizes.items()]
                            + [f"{a}={b}" for a, b in assign.items()]
                            + ([cs.name] if cs is not None else [])
                        )
                        return Failure(self, number, st.why, residual, where, general_residual)
                    checks += 1
            proved_sizes.append(",".join(f"{a}={b}" for a, b in sizes.items()))
        if not self.sizes and general_method is None:
            return Failure(
                self, number, st.why, general_residual, self.general_form, general_residual
            )
        return general_method, tuple(proved_sizes), checks
