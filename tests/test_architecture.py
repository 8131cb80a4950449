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
        "import sys, main, model.store, model.progress, model.entry, model.checks; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'PySide6', 'reportlab', 'openpyxl', 'pyhanko'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
