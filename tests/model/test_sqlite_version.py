"""SQLite below 3.35 is refused (old systems' sqlite-utils upsert falls back to INSERT OR IGNORE and drops
rows), and no write of the store relies on an upsert fallback or on OR IGNORE / OR REPLACE."""

from __future__ import annotations

import ast
import re
import sqlite3

import pytest

from model.common.errors import UserError
from model.plan.coefficients import load_shipped_coefficients
from model.store.connection import require_sqlite
from model.store.database import open_database
from model.store.figures import FigureWrite
from tests.conftest import ROOT


def old_sqlite(monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version", version)
    monkeypatch.setattr(sqlite3, "sqlite_version_info", tuple(int(n) for n in version.split(".")))


@pytest.mark.parametrize("version", ["3.27.2", "3.31.1", "3.34.1"])
def test_an_sqlite_below_3_35_is_refused_naming_the_version(tmp_path, monkeypatch, version):
    old_sqlite(monkeypatch, version)
    with pytest.raises(UserError) as refused:
        open_database(tmp_path / "tanbao.sqlite", write=True, create=True)
    assert f"SQLite {version}" in refused.value.message and "3.35" in refused.value.message
    assert list(tmp_path.iterdir()) == []  # refused before any file (database or lock) was made


@pytest.mark.parametrize("version", ["3.35.0", "3.40.1", "3.46.0"])
def test_sqlite_3_35_and_newer_is_accepted(monkeypatch, version):
    old_sqlite(monkeypatch, version)
    require_sqlite()


def test_every_row_written_is_stored_with_no_statement_that_could_skip_it(tmp_path, plan):
    """Every write path the first start and entry use, traced: each row is there afterwards, and no
    statement was an INSERT OR IGNORE / OR REPLACE (which skip or delete rows without an error)."""
    statements: list[str] = []
    with open_database(tmp_path / "tanbao.sqlite", write=True, create=True, seed=False) as store:
        store.db.conn.set_trace_callback(statements.append)
        store.plans.load_coefficients(load_shipped_coefficients(), who="t")
        store.plans.load(plan, who="t")
        store.plans.load(plan, who="t")  # again: the update path
        unit = plan.units[0].id
        key = plan.fields_for(unit)[0].key
        store.figures.write(
            plan.id,
            unit,
            [FigureWrite("2024-01", key, 1.0)],
            who="t",
            coef_version=plan.coefficients,
            electricity_basis="calorific",
        )
        count = lambda table: store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
        assert count("units") == len(plan.units)
        assert count("fields") == len(plan.fields)
        assert count("coefficient_sets") == 1
        assert count("plans") == 1
        assert count("figures") == 1
    skipping = [s for s in statements if re.search(r"\bOR\s+(IGNORE|REPLACE)\b", s, re.IGNORECASE)]
    assert any(s.lstrip().upper().startswith("INSERT") for s in statements) and skipping == []


def risky_writes(source: str) -> list[int]:
    """Lines that call sqlite-utils' upsert/upsert_all, pass replace=True/ignore=True, or hold SQL with
    OR IGNORE / OR REPLACE in a string (docstrings and comments do not count)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("upsert", "upsert_all"):
                lines.append(node.lineno)
            inserting = isinstance(node.func, ast.Attribute) and node.func.attr in ("insert", "insert_all")
            for keyword in node.keywords:
                if (
                    inserting
                    and keyword.arg in ("replace", "ignore")
                    and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False)
                ):
                    lines.append(node.lineno)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and re.search(r"\bOR\s+(IGNORE|REPLACE)\b", node.value, re.IGNORECASE)
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_check_finds_what_it_looks_for():
    assert risky_writes('db.table("t").upsert_all(rows, pk="id")') == [1]
    assert risky_writes('db.table("t").insert(row, replace=True)') == [1]
    assert risky_writes('shutil.copytree(a, b, ignore=shutil.ignore_patterns("*.lock"))') == []
    assert risky_writes('conn.execute("INSERT OR IGNORE INTO t VALUES (?)", (1,))') == [1]
    assert risky_writes('def f():\n    """INSERT OR IGNORE drops rows."""\n    # INSERT OR IGNORE\n') == []


def test_no_write_path_uses_an_upsert_fallback_or_or_ignore():
    """The program's source: every write is a plain INSERT/UPDATE, or INSERT … ON CONFLICT DO UPDATE."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in ("model", "cli", "gui")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line in risky_writes(path.read_text("utf-8"))
    ]
    assert offenders == []
