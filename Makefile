# The two commands of the README: `make book` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# axe-core for the browser checks, pinned by tools/axe/package-lock.json (npm's registry only).
AXE    := tools/axe/node_modules/axe-core/axe.min.js

.PHONY: setup book test execute derivations lab format lint bench clean

# Create the virtualenv and install the pinned requirements and sce (editable), once per change
# of requirements.txt or pyproject.toml.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(AXE): tools/axe/package.json tools/axe/package-lock.json
	npm ci --prefix tools/axe --no-audit --no-fund --silent
	touch $(AXE)

setup: $(STAMP) $(AXE)

## book: execute every chapter and build the HTML into _build/html (warnings fail the build)
book: setup
	$(BIN)/jupyter-book build . --all --builder html -n -W --keep-going

## test: unit tests, doctests, nbval over chapters/, lint, the strict book build, the browser checks
## (on every core, a file per worker: the book build runs beside the other checks)
test: setup
	$(BIN)/python -m pytest -n auto --dist loadfile

## execute: re-run every chapter in place so the stored outputs match (commit them afterwards)
execute: setup
	$(BIN)/python scripts/execute_notebooks.py

## derivations: check every derivation of the book (the chapters' cells tagged `derivation`),
## in a fresh process; prints derivations, steps and time per chapter, and the total time
derivations: setup
	$(BIN)/python scripts/check_derivations.py

## lab: JupyterLab (with jupyterlab-myst, so the MyST of the chapters renders) on 127.0.0.1 at
## chapters/, running the chapters on this virtualenv's own python3 kernel; stop it with Ctrl-C
lab: setup
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter-lab --ip=127.0.0.1 --ServerApp.root_dir=chapters \
		$$(test "$$(id -u)" = 0 && echo --allow-root)

## format: apply ruff's formatter and safe fixes to the code and the notebooks
format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## bench: the benchmark and accuracy scripts (they print ratios and write benchmarks/results/);
## first installs PyTorch's CPU build (benchmarks/requirements.txt) into .venv, to time it too
bench: setup
	@echo "make bench: installing PyTorch (CPU build, benchmarks/requirements.txt) into $(VENV);"
	@echo "            it is a peer to compare with, not a dependency of the book"
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python benchmarks/bench_cross_entropy.py
	$(BIN)/python benchmarks/accuracy.py

clean:
	rm -rf _build .jupyter_cache tools/axe/node_modules
