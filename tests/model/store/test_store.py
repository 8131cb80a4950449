"""The SQLite file: settings, migrations from an old file, audit, transactions."""

import shutil
import sqlite3

import pytest

from model.common.errors import UserError
from model.store.audit import render
from model.store.database import open_database
from model.store.figures import FigureWrite
from model.store.schema import SCHEMA_VERSION
from tests.conftest import ROOT


def test_new_database_is_wal_with_foreign_keys_and_the_shipped_plan(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.user_version == SCHEMA_VERSION
    assert store.plans.get().id == "jinshan-2024"
    assert store.plans.coefficients(store.plans.get().coefficients).carriers["electricity"].kgce == 0.1229


def test_upgrade_from_a_saved_version_1_file(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(ROOT / "tests" / "fixtures" / "tanbao-v1.sqlite", path)
    with open_database(path, write=True, create=True) as store:
        assert store.db.user_version == SCHEMA_VERSION
        figures = store.figures.read("jinshan-2024", "fengjing")
        assert len(figures) == 8
        assert {f.coef_version for f in figures} == {"GB/T 2589-2020"}
        assert {f.electricity_basis for f in figures} == {"calorific"}
        assert len(store.audit.entries(unit_id="fengjing")) == 8  # history survives
    with open_database(path, write=True, create=True) as again:  # upgrading twice is harmless
        assert len(again.figures.read("jinshan-2024", "fengjing")) == 8


def test_failed_migration_leaves_the_old_file_as_it_was(tmp_path, monkeypatch):
    from model.store import database as store_module

    path = tmp_path / "old.sqlite"
    shutil.copy(ROOT / "tests" / "fixtures" / "tanbao-v1.sqlite", path)
    broken = store_module.MIGRATIONS[1] + "\nCREATE TABLE plans (x);"
    monkeypatch.setattr(store_module, "MIGRATIONS", [store_module.MIGRATIONS[0], broken])
    with pytest.raises(sqlite3.OperationalError):
        open_database(path, write=True, create=True)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    columns = [r[1] for r in conn.execute("PRAGMA table_info(figures)")]
    assert "coef_version" not in columns
    assert conn.execute("SELECT count(*) FROM figures").fetchone()[0] == 8


def test_newer_database_is_refused_with_a_message(tmp_path):
    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(UserError, match="升级程序"):
        open_database(path, write=True, create=True)


def _write(store, *writes, who="clerk"):
    return store.figures.write(
        "jinshan-2024",
        "fengjing",
        list(writes),
        who=who,
        coef_version="GB/T 2589-2020",
        electricity_basis="calorific",
    )


def test_every_change_is_audited_with_old_and_new(store):
    _write(store, FigureWrite("2024-03", "energy_tce", 100.0))
    _write(store, FigureWrite("2024-03", "energy_tce", 120.0), who="王芳")
    assert _write(store, FigureWrite("2024-03", "energy_tce", 120.0)) == 0  # unchanged: no audit row
    history = store.audit.entries(unit_id="fengjing", field="energy_tce")
    values = [(h.who, h.value("old"), h.value("new")) for h in history]
    assert values == [
        ("clerk", None, {"value": 100.0, "text": None, "note": ""}),
        ("王芳", {"value": 100.0, "text": None, "note": ""}, {"value": 120.0, "text": None, "note": ""}),
    ]
    assert [(line.action, line.old, line.new) for line in map(render, history)] == [
        ("修改数值", "", "100"),
        ("修改数值", "100", "120"),
    ]


def test_audit_refuses_update_and_delete(store):
    _write(store, FigureWrite("2024-03", "energy_tce", 100.0))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE audit SET who = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM audit")


def test_a_failing_write_stores_nothing(store):
    _write(store, FigureWrite("2024-02", "energy_tce", 50.0))

    def fail():
        raise OSError("disk full")

    with pytest.raises(OSError):
        store.figures.write(
            "jinshan-2024",
            "fengjing",
            [FigureWrite("2024-02", "energy_tce", 60.0), FigureWrite("2024-03", "energy_tce", 70.0)],
            who="clerk",
            coef_version="v",
            electricity_basis="calorific",
            before_commit=fail,
        )
    assert [(f.period, f.value) for f in store.figures.read("jinshan-2024", "fengjing")] == [
        ("2024-02", 50.0)
    ]
    assert len(store.audit.entries(unit_id="fengjing")) == 1


def test_figures_record_coefficient_version_and_basis(store):
    _write(store, FigureWrite("2024-03", "energy_tce", 100.0))
    (figure,) = store.figures.read("jinshan-2024", "fengjing")
    assert (figure.coef_version, figure.electricity_basis) == ("GB/T 2589-2020", "calorific")


def test_foreign_keys_refuse_unknown_unit(store):
    with pytest.raises(sqlite3.IntegrityError):
        store.figures.write(
            "jinshan-2024",
            "atlantis",
            [FigureWrite("2024-03", "energy_tce", 1.0)],
            who="x",
            coef_version="v",
            electricity_basis="calorific",
        )


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("这不是数据库" * 100, encoding="utf-8")
    with pytest.raises(UserError, match="无法打开数据库"):
        open_database(path, write=True, create=True)


def test_a_cell_written_several_times_in_one_call_ends_as_the_last_write_with_each_step_audited(store):
    _write(store, FigureWrite("2024-03", "energy_tce", 100.0))
    writes = [
        FigureWrite("2024-03", "energy_tce", 120.0),
        FigureWrite("2024-03", "energy_tce", None),
        FigureWrite("2024-04", "energy_tce", None),  # nothing stored: nothing to clear
        FigureWrite("2024-04", "energy_tce", 80.0),
        FigureWrite("2024-04", "energy_tce", 80.0),  # as stored a moment ago: unchanged
    ]
    changed = store.figures.write_changes(
        "jinshan-2024", "fengjing", writes, who="clerk", coef_version="v", electricity_basis="calorific"
    )
    assert [(c.period, c.figure and c.figure.value) for c in changed] == [
        ("2024-03", 120.0),
        ("2024-03", None),
        ("2024-04", 80.0),
    ]
    assert [(f.period, f.value) for f in store.figures.read("jinshan-2024", "fengjing")] == [
        ("2024-04", 80.0)
    ]
    history = store.audit.entries(unit_id="fengjing", field="energy_tce")
    steps = [
        (h.period, (h.value("old") or {}).get("value"), (h.value("new") or {}).get("value")) for h in history
    ]
    assert steps == [
        ("2024-03", None, 100.0),
        ("2024-03", 100.0, 120.0),
        ("2024-03", 120.0, None),
        ("2024-04", None, 80.0),
    ]
