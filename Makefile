# Two commands on a fresh Linux machine:  make run   /   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint system-deps bench-deps bench build build-onefile build-compat bench-build clean

# The system's python3 when it is 3.11 or newer, else python3.11 (scripts/system-deps.sh installs it).
$(STAMP): pyproject.toml
	py=$(PYTHON); $$py -c 'import sys; sys.exit(sys.version_info < (3, 11))' || py=python3.11; \
	$$py -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh $(PYTHON)

run: system-deps $(STAMP)
	$(BIN)/python main.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: system-deps $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# LibreOffice (the reports' reference in every run) when it is missing.
bench-deps:
	bash scripts/bench-deps.sh

bench: system-deps bench-deps $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# The standalone program (README: "Building the standalone program"): dist/TanBao/ and its archive,
# or the single file dist/TanBao-onefile.
build: system-deps $(STAMP)
	env -u TANBAO_ONEFILE $(BIN)/pyinstaller --noconfirm build.spec
	tar -czf dist/TanBao-linux-$$(uname -m).tar.gz -C dist TanBao

build-onefile: system-deps $(STAMP)
	TANBAO_ONEFILE=1 $(BIN)/pyinstaller --noconfirm build.spec

# The same program for Linux systems with glibc 2.28 (UOS 20, Kylin V10), built in a Debian 11 root
# (README "Linux build for glibc 2.28"): dist/TanBao-linux-x86_64-glibc2.28.tar.gz. Needs root.
build-compat:
	bash scripts/build-compat.sh

bench-build: system-deps $(STAMP)
	$(BIN)/python benchmarks/build_bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
