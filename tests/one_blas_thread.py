"""One BLAS thread per process under pytest (a plugin: ``-p one_blas_thread`` in pyproject.toml).

``make test`` runs one pytest worker per core, and beside them the kernels of nbval and of the
book build. A multi-threaded BLAS in each of these processes oversubscribes the cores, and
OpenBLAS's threads then spin against each other: a product of a few rows that takes a
millisecond on one thread was measured to take a hundred times longer. Every process the tests
start inherits the setting. It is set before NumPy is first imported (this plugin is loaded
first); a variable already set by the user is kept.
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
