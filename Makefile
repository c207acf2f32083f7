# Deep Learning Foundations: two commands on a fresh machine.
#   make lab    set everything up and open JupyterLab on the course
#   make test   set everything up and run the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
# Kernels started by the build, the tests and JupyterLab must be this environment's Python.
export PATH := $(BIN):$(PATH)
export PYDEVD_DISABLE_FILE_VALIDATION := 1

JOBS      ?= 2
LAB_ARGS  ?=
ONLY      ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help setup lab test test-fast test-portable dist-student nbgrader test-nbgrader chromium browser-test build check lint format grade bench reproduce slides html clean

help:
	@echo "make lab     set up .venv and open JupyterLab on course/00_start_here.ipynb"
	@echo "make test    set up .venv and run every test (notebooks, build check, checks, library,"
	@echo "             other simulated CPUs, browser, lint)"
	@echo "make test-fast  the tests not marked slow or browser (about a minute, while you work)"
	@echo "make test-portable  the notebooks' stored outputs under other BLAS kernels and SIMD levels"
	@echo "make setup   create .venv with the pinned dependencies (skipped when up to date)"
	@echo "make build   execute solutions/*.py into solutions/*.ipynb and write course/*.ipynb"
	@echo "             (ONLY=05 builds one chapter)"
	@echo "make check   fail if any committed notebook differs from a fresh build (names the cell)"
	@echo "make browser-test  JupyterLab in Debian's chromium: every notebook, every widget"
	@echo "make lint    ruff check and ruff format --check over utils/, nbtests/, benchmarks/ and"
	@echo "             solutions/*.py (the chapter sources are linted, not formatted)"
	@echo "make format  ruff format, then ruff check --fix (what make lint asks for)"
	@echo "make dist-student  the course without solutions for a graded class (_build/dist-student)"
	@echo "make nbgrader  an nbgrader course directory in _build/nbgrader (ONLY=05 for one chapter)"
	@echo "make test-nbgrader  nbgrader 0.9.6 end to end on chapters 01 and 05 (about 3 minutes)"
	@echo "make grade SUBMISSIONS=dir   grade submitted notebooks (GRADE_ARGS=\"--jobs 4 ...\")"
	@echo "             (writes the gradebook, and report.html, the class report, beside it)"
	@echo "make bench   benchmarks: NumPy vs PyTorch, notebooks, widgets (in Python and in chromium),"
	@echo "             grading (_build/bench.json; BENCH_ARGS=\"--only browser\" for one section)"
	@echo "make reproduce  the Keras red-wine example (Keras 3 on torch) against the same network"
	@echo "             in utils.nn, 5 seeds each (REPRODUCE_ARGS=\"--seeds 10\"; _build/red_wine.json)"
	@echo "make slides  reveal.js lecture decks in _build/slides (work offline)"
	@echo "make html    a static course site in _build/html (works offline)"
	@echo "make clean   remove .venv, _build/ and caches"

setup: $(STAMP)

# Reinstall only when the pins or the package description change (the stamp is newer otherwise).
$(STAMP): constraints.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no python3.11 or python3 on PATH; install Python 3.11" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' || \
	  { echo "error: $(PYTHON) is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())'); the course needs 3.11 (set PYTHON=/path/to/python3.11)" >&2; exit 1; }
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	@touch $(STAMP)
	@echo "set-up done: $(VENV) has the pinned dependencies"

# etc/jupyter holds the course's JupyterLab settings (no news pop-up for students).
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/etc/jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	$(BIN)/jupyter lab $(ROOT_FLAG) --notebook-dir="$(CURDIR)" $(LAB_ARGS) course/00_start_here.ipynb

PYTEST := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest

# Every part runs even when an earlier one fails; the last lines say which failed.
# The browser tests run last, on their own: JupyterLab and chromium need both cores.
test: $(STAMP) chromium npm
	@failed=""; \
	$(PYTEST) -n $(JOBS) --dist loadfile nbtests solutions || failed="$$failed main"; \
	$(MAKE) --no-print-directory test-portable || failed="$$failed portable"; \
	DLF_CONTACT_SHEETS=0 $(BIN)/python -m pytest -m browser nbtests/browser/test_browser.py || failed="$$failed browser"; \
	$(MAKE) --no-print-directory lint || failed="$$failed lint"; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed (see each part's summary above)"; exit 1; fi; \
	echo "make test: every part passed (main suite, portable notebook outputs, browser, lint)"

# The quick loop while editing: no notebook executions, grader batches, builds or browser.
test-fast: $(STAMP)
	$(PYTEST) -q -n $(JOBS) -m "not slow and not browser and not nbgrader" nbtests

# Other CPUs, simulated on this one. OPENBLAS_CORETYPE picks another OpenBLAS kernel (matrix
# products summed in another order, other last bits); NPY_DISABLE_CPU_FEATURES turns off
# NumPy's AVX-512 and AVX2 loops (names unknown to a CPU are ignored). Each setting runs every
# solution notebook and compares its outputs with the stored ones, and the build check.
PORTABLE_SETTINGS ?= Haswell:X86_V4,AVX512_ICL Sandybridge: Prescott:X86_V3,X86_V4,AVX512_ICL
test-portable: $(STAMP)
	@failed=""; for setting in $(PORTABLE_SETTINGS); do \
	  core="$${setting%%:*}"; features="$${setting#*:}"; features="$${features//,/ }"; \
	  echo "== OPENBLAS_CORETYPE=$$core NPY_DISABLE_CPU_FEATURES='$$features'"; \
	  OPENBLAS_CORETYPE="$$core" NPY_DISABLE_CPU_FEATURES="$$features" \
	    $(PYTEST) -q -n $(JOBS) --dist loadfile solutions \
	    nbtests/tooling/test_build.py::test_committed_notebooks_are_current \
	    || failed="$$failed $$core"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-portable: FAILED under$$failed"; exit 1; fi; \
	echo "test-portable: the stored outputs hold under $(PORTABLE_SETTINGS)"

# Debian's chromium is installed through apt when missing (as root); Playwright drives it.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "error: /usr/bin/chromium is missing; install Debian's chromium (sudo apt-get install chromium)" >&2; exit 1; \
	  fi; }

browser-test: $(STAMP) chromium
	$(BIN)/python -m pytest -m browser nbtests/browser/test_browser.py -v

build: $(STAMP)
	$(BIN)/python -m utils.build $(if $(ONLY),--only $(ONLY),)

check: $(STAMP)
	$(BIN)/python -m utils.build --check

# The formatter leaves solutions/*.py alone (pyproject.toml says why); ruff check lints them.
LINT_PATHS := utils nbtests benchmarks conftest.py solutions/*.py
lint: $(STAMP)
	@failed=""; \
	$(BIN)/ruff check $(LINT_PATHS) || failed="$$failed check"; \
	$(BIN)/ruff format --check $(LINT_PATHS) || failed="$$failed format"; \
	if [ -n "$$failed" ]; then echo "make lint: FAILED: ruff$$failed (make format fixes most)"; exit 1; fi

format: $(STAMP)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

# ---- the student distribution of a graded course: no solutions, checked for answers ----
dist-student: $(STAMP)
	$(BIN)/python -m utils.dist $(if $(OUT),--out $(OUT),)

# ---- nbgrader: a course directory for courses that run nbgrader ----
nbgrader: $(STAMP)
	$(BIN)/python -m utils.nbgrader $(if $(ONLY),--only $(ONLY),) $(if $(OUT),--out $(OUT),)

# nbgrader 0.9.6 in its own environment, with the course package for the grading kernel;
# then generate, autograde and export chapters 01 and 05 and compare with utils.grade.
NBGRADER_VENV  := .venv-nbgrader
NBGRADER_STAMP := $(NBGRADER_VENV)/.installed
$(NBGRADER_STAMP): constraints.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no python3.11 or python3 on PATH" >&2; exit 1; }
	@test -x $(NBGRADER_VENV)/bin/python || $(PYTHON) -m venv $(NBGRADER_VENV)
	$(NBGRADER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  -c constraints.txt -e . nbgrader==0.9.6
	@touch $(NBGRADER_STAMP)

test-nbgrader: $(STAMP) $(NBGRADER_STAMP)
	$(PYTEST) -m nbgrader nbtests/grade/test_nbgrader.py

# ---- grading ----
SUBMISSIONS ?=
GRADE_ARGS  ?=
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=path/to/folder [GRADE_ARGS='--jobs 4 --feedback _build/feedback']" >&2; exit 2; }
	$(BIN)/python -m utils.grade $(SUBMISSIONS) $(GRADE_ARGS)

# ---- benchmarks ----
# PyTorch (CPU) lives in its own environment, only for the comparison. torch 2.13.0 is the
# version whose CPU build is on this disk; another version would download gigabytes. When the
# install fails, the bench still runs and reports the PyTorch keys as null, with the reason.
# Keras 3 (run on the torch backend) serves `make reproduce`.
BENCH_ARGS  ?=
BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed
bench: $(STAMP)
	@$(MAKE) --no-print-directory $(BENCH_STAMP) || \
	  echo "warning: could not set up $(BENCH_VENV); the PyTorch keys will be null" >&2
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

$(BENCH_STAMP):
	@test -n "$(PYTHON)" || { echo "error: no python3.11 or python3 on PATH" >&2; exit 1; }
	rm -rf $(BENCH_VENV)
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check torch==2.13.0 keras==3.15.1 numpy
	@touch $(BENCH_STAMP)

# The Keras red-wine example (its split, scaling, network and training) in .venv-bench, and the
# same network in utils.nn, 5 seeds each, one core each at the same time (benchmarks/red_wine.py).
# A .venv-bench made before Keras was pinned gets it here.
REPRODUCE_ARGS ?=
reproduce: $(STAMP)
	@$(MAKE) --no-print-directory $(BENCH_STAMP)
	@$(BENCH_VENV)/bin/python -c 'import keras' 2>/dev/null || \
	  $(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check keras==3.15.1
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m benchmarks.red_wine \
	  --keras-python $(CURDIR)/$(BENCH_VENV)/bin/python $(REPRODUCE_ARGS)

# ---- slides and course site ----
# The browser assets (reveal.js, RequireJS, jQuery, MathJax) are pinned in package-lock.json and
# installed once with npm ci into _build/npm; npm itself comes from apt when missing (as root).
# SITE_ARGS="--audience student" (or instructor), ONLY=04 for one chapter, --out DIR elsewhere.
SITE_ARGS ?=
.PHONY: npm
npm:
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's npm for the offline slides and site (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else \
	    echo "error: npm is missing; it installs reveal.js and MathJax once (sudo apt-get install npm)" >&2; exit 1; \
	  fi; }

slides: $(STAMP) npm
	$(BIN)/python -m utils.site slides $(if $(ONLY),--only $(ONLY),) $(SITE_ARGS)

html: $(STAMP) npm
	$(BIN)/python -m utils.site html $(if $(ONLY),--only $(ONLY),) $(SITE_ARGS)

clean:
	rm -rf $(VENV) $(NBGRADER_VENV) _build .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
