# Two commands on a fresh Linux machine:  make run   /   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint system-deps bench build build-onefile bench-build clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh

run: system-deps $(STAMP)
	$(BIN)/python main.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: system-deps $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# The standalone program (README: "Building the standalone program"): dist/TanBao/ and its archive,
# or the single file dist/TanBao-onefile.
build: system-deps $(STAMP)
	env -u TANBAO_ONEFILE $(BIN)/pyinstaller --noconfirm build.spec
	tar -czf dist/TanBao-linux-$$(uname -m).tar.gz -C dist TanBao

build-onefile: system-deps $(STAMP)
	TANBAO_ONEFILE=1 $(BIN)/pyinstaller --noconfirm build.spec

bench-build: system-deps $(STAMP)
	$(BIN)/python benchmarks/build_bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
