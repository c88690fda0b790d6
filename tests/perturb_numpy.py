"""NumPy's transcendental functions moved by one ulp, as another CPU's maths library moves them.

NumPy dispatches ``exp``, ``log``, ``power`` and their kin to SIMD code chosen for the CPU at run
time (AVX2, AVX-512, NEON, or plain C), and these are not correctly rounded: the same call can
differ in the last bit from one machine to the next. A stored notebook output that shows such a
bit reproduces on the machine that wrote it and fails on a reader's.

:func:`install` replaces the functions in :data:`FUNCTIONS` on the ``numpy`` module by wrappers
that call the real function and then move every finite, normal floating-point result one ulp up or
down, at random (a seeded generator, so a run is reproducible). Results that every library gets
exactly right are kept: ``exp(0) = 1``, ``exp(x) = 1`` for tiny ``x``, ``log1p(x) = x`` for
tiny ``x``, ``tanh(x) = ±1`` at saturation, ``power`` of integers with an exact integer result,
and zeros, infinities and NaNs. The move is never 0, so an output that prints such a result to
all its digits fails under every seed.

What it reaches: every call that looks the function up on the ``numpy`` module at call time
(``np.exp(x)``, also inside ``sce``, SciPy's Python code and matplotlib). What it cannot reach:
operators and methods that NumPy implements in C without that lookup (``a ** b``, ``a @ b``,
``np.dot``, ``a.sum()``, summation order), and SciPy's compiled internals. Those are covered by
writing the chapters so that no output shows a digit they can change (bounds, stable digits).

The kernel of a notebook loads this module through an IPython startup file (see
:func:`write_startup`) when the environment variable :data:`SEED_VARIABLE` is set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

#: The environment variable that holds the seed; unset, empty or ``off``: no perturbation.
SEED_VARIABLE = "SCE_PERTURB_SEED"

#: The functions that are wrapped: NumPy's transcendental ufuncs (not the correctly rounded
#: IEEE operations such as ``sqrt``, ``add`` or ``divide``).
FUNCTIONS = (
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "logaddexp",
    "logaddexp2",
    "power",
    "float_power",
    "tanh",
    "sinh",
    "cosh",
    "sin",
    "cos",
    "tan",
    "arctan",
    "arcsinh",
    "arctanh",
    "cbrt",
)

_FLOATS = (np.float16, np.float32, np.float64, np.longdouble)


def _exact(name: str, args: tuple[Any, ...], result: np.ndarray) -> np.ndarray:
    """A mask of the results every maths library returns exactly (never moved)."""
    keep = np.zeros(result.shape, dtype=bool)
    with np.errstate(all="ignore"):
        if name in {"exp", "exp2", "cosh"}:
            keep |= result == 1
        if name in {"expm1", "log1p", "tanh", "sinh", "sin", "tan", "arctan", "arcsinh"}:
            keep |= np.broadcast_to(result == np.asarray(args[0]), result.shape)
        if name == "tanh":
            keep |= np.abs(result) == 1
        if name in {"power", "float_power"} and len(args) >= 2:
            base = np.asarray(args[0], dtype=np.float64)
            expo = np.asarray(args[1], dtype=np.float64)
            integers = (base == np.round(base)) & (expo == np.round(expo)) & (expo >= 0)
            trivial = (expo == 0) | (expo == 1) | (base == 1)
            small = np.abs(result) < 2.0**53
            keep |= np.broadcast_to((integers & small) | trivial, result.shape)
    return keep


class Perturbed:
    """A NumPy ufunc whose finite, normal, inexact results are moved by ±1 ulp.

    Parameters
    ----------
    ufunc : numpy.ufunc
        The real function.
    rng : numpy.random.Generator
        Draws the direction of each move.
    """

    def __init__(self, ufunc: np.ufunc, rng: np.random.Generator) -> None:
        self.ufunc = ufunc
        self.rng = rng
        self.__name__ = ufunc.__name__
        self.__doc__ = ufunc.__doc__

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ufunc, name)

    def __repr__(self) -> str:
        return repr(self.ufunc)

    def _move(self, args: tuple[Any, ...], result: Any, where: Any) -> Any:
        scalar = not isinstance(result, np.ndarray)
        arr = np.array(result) if scalar else result
        if arr.dtype.type not in _FLOATS or arr.size == 0:
            return result
        with np.errstate(all="ignore"):
            tiny = np.finfo(arr.dtype).tiny
            move = np.isfinite(arr) & (np.abs(arr) >= tiny)
        move &= ~_exact(self.ufunc.__name__, args, arr)
        if where is not None:
            move &= np.broadcast_to(np.asarray(where, dtype=bool), arr.shape)
        if not move.any():
            return result
        up = self.rng.random(arr.shape) < 0.5
        target = np.where(up, np.inf, -np.inf).astype(arr.dtype)
        moved = np.nextafter(arr, target)
        if scalar:
            return arr.dtype.type(moved[()] if move[()] else arr[()])
        np.copyto(arr, moved, where=move)
        return arr

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self.ufunc(*args, **kwargs)
        where = kwargs.get("where")
        with np.errstate(all="ignore"):  # the move itself raises no floating-point warning
            if isinstance(result, tuple):
                return tuple(self._move(args, r, where) for r in result)
            return self._move(args, result, where)


def install(seed: int) -> list[str]:
    """Replace NumPy's transcendental functions by :class:`Perturbed` wrappers.

    Parameters
    ----------
    seed : int
        Seeds the generator that chooses each move's direction.

    Returns
    -------
    list of str
        The names of the functions replaced.
    """
    rng = np.random.default_rng(seed)
    done = []
    for name in FUNCTIONS:
        real = getattr(np, name)
        if isinstance(real, Perturbed):
            real = real.ufunc
        setattr(np, name, Perturbed(real, rng))
        done.append(name)
    return done


def seed_from_environment() -> int | None:
    """The seed in :data:`SEED_VARIABLE`, or None when perturbation is off."""
    value = os.environ.get(SEED_VARIABLE, "").strip()
    if value in {"", "off", "0"}:
        return None
    return int(value)


STARTUP = """\
# Loaded by every IPython kernel started with IPYTHONDIR pointing here (the project's tests).
import os as _os
import sys as _sys

if _os.environ.get({variable!r}, "").strip() not in {{"", "off", "0"}}:
    _sys.path.insert(0, {folder!r})
    try:
        import perturb_numpy as _perturb_numpy

        _perturb_numpy.install(_perturb_numpy.seed_from_environment())
    finally:
        _sys.path.remove({folder!r})
        _sys.modules.pop("perturb_numpy", None)
del _os, _sys
"""


def write_startup(ipython_dir: Path) -> Path:
    """Write the IPython startup file that installs the perturbation into ``ipython_dir``.

    A kernel started with ``IPYTHONDIR=ipython_dir`` and :data:`SEED_VARIABLE` set runs it
    before the notebook's first cell.

    Returns
    -------
    pathlib.Path
        The startup file.
    """
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    path = startup / "00-perturb-numpy.py"
    folder = str(Path(__file__).resolve().parent)
    path.write_text(STARTUP.format(variable=SEED_VARIABLE, folder=folder))
    return path


def baseline_dispatch() -> str:
    """The value of ``NPY_DISABLE_CPU_FEATURES`` that reduces NumPy to its baseline here.

    Every dispatch target this CPU supports (``X86_V3``, ``X86_V4``, ``AVX512_ICL``, ``ASIMDHP``,
    …) is listed; on a CPU that supports none, the empty string.
    """
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return " ".join(f for f in __cpu_dispatch__ if __cpu_features__.get(f))


# -- pytest plugin (``-p perturb_numpy`` in pyproject.toml) ------------------------------------

#: The seed nbval's kernels run under unless SCE_PERTURB_SEED says otherwise; the test build of
#: the book uses :data:`BUILD_SEED` (see ``tests/conftest.py``).
NBVAL_SEED = "1"
BUILD_SEED = "2"


def pytest_configure(config: Any) -> None:
    """Make every kernel that pytest starts (nbval's, the book build's) load the perturbation."""
    import atexit
    import shutil
    import tempfile

    os.environ.setdefault(SEED_VARIABLE, NBVAL_SEED)
    if "SCE_IPYTHONDIR" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="sce-ipython-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        write_startup(folder)
        os.environ["SCE_IPYTHONDIR"] = str(folder)
    os.environ["IPYTHONDIR"] = os.environ["SCE_IPYTHONDIR"]
