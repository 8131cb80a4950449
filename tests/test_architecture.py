"""House rules that keep the layers apart."""

import ast
import subprocess
import sys

from tests.conftest import ROOT


def test_model_never_imports_qt_or_gui():
    offenders = []
    for path in (ROOT / "model").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in {"PySide6", "PyQt5", "PyQt6", "shiboken6", "gui"}
            ]
    assert offenders == []


def test_cli_start_up_loads_neither_qt_nor_heavy_libraries():
    code = (
        "import sys, main, model.store.database, model.calc.progress, model.entry.figures, model.calc.checks; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'PySide6', 'reportlab', 'openpyxl', 'pyhanko'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# model's rooms, lowest first: a room may import from rooms before it, never from one after it.
MODEL_ROOMS = ["common", "safety", "plan", "store", "calc", "reports", "entry", "exchange"]


def _model_imports(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("model."):
            yield node.module.split(".")[1]
        elif isinstance(node, ast.Import):
            yield from (a.name.split(".")[1] for a in node.names if a.name.startswith("model."))


def test_model_rooms_import_one_way():
    offenders = []
    for path in (ROOT / "model").rglob("*.py"):
        room = path.relative_to(ROOT / "model").parts[0]
        if room == "__init__.py":
            continue
        if room not in MODEL_ROOMS:
            offenders.append(f"{path.name}: not in a room")
            continue
        rank = MODEL_ROOMS.index(room)
        offenders += [
            f"{room}/{path.name} imports model.{target}"
            for target in _model_imports(path)
            if target not in MODEL_ROOMS or MODEL_ROOMS.index(target) > rank
        ]
    assert offenders == []


def test_the_store_has_no_import_circle_and_sql_lives_only_there():
    """store → backup → recovery → store was a circle; each store module now imports only those below it."""
    graph = {}
    for path in (ROOT / "model" / "store").glob("*.py"):
        graph[path.stem] = {
            node.module.split(".")[2]
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("model.store.")
        }

    def reaches(start, target, seen=()):
        return any(n == target or (n not in seen and reaches(n, target, (*seen, n))) for n in graph[start])

    assert [m for m in graph if reaches(m, m)] == []
    outside = [
        path.relative_to(ROOT).as_posix()
        for folder in ("model", "cli", "gui")
        for path in (ROOT / folder).rglob("*.py")
        if "store" not in path.relative_to(ROOT).parts
        and "import sqlite3" in path.read_text(encoding="utf-8")
    ]
    assert outside == ["model/common/failures.py"]  # it only reads sqlite3's error codes
