"""The compact schema (`COMPACT_SINCE`) stores figures and their audit compactly: a saved schema-8 file
upgrades with every figure, text, note, lock and audit row as it was, and the old views (`figures`,
`audit`) still read and refuse."""

import json
import shutil
import sqlite3

import pytest

import main
from model.common.errors import UserError
from model.store.audit import AuditEntry, render
from model.store.backup import list_backups, restore_backup
from model.store.database import open_database
from model.store.figures import Figure, FigureWrite
from model.store.schema import COMPACT_SINCE
from tests.conftest import ROOT

FIGURE_COLUMNS = (
    "unit_id, period, field, value, text, note, updated_at, updated_by, coef_version, electricity_basis"
)
AUDIT_COLUMNS = "id, at, who, action, plan_id, unit_id, period, field, old, new, encoding"
PLAN = "jinshan-2024"


@pytest.fixture
def v8(tmp_path):
    """A copy of the saved schema-8 unit database and what it held, read with plain SQL before upgrading."""
    path = tmp_path / "tanbao.sqlite"
    shutil.copy(ROOT / "tests" / "fixtures" / "tanbao-v8.sqlite", path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 8
    figures = conn.execute(f"SELECT {FIGURE_COLUMNS} FROM figures ORDER BY period, field").fetchall()
    audit = conn.execute(f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY id").fetchall()
    locked = conn.execute("SELECT * FROM locked_through").fetchall()
    conn.close()
    return path, figures, audit, locked


def _write(store, period, field, value):
    plan = store.plans.get()
    return store.figures.write(
        PLAN,
        "fengjing",
        [FigureWrite(period, field, value)],
        who="clerk",
        coef_version=plan.coefficients,
        electricity_basis=plan.electricity_basis,
    )


def test_every_figure_reads_back_identical_after_the_upgrade(v8):
    path, figures, _audit, _locked = v8
    assert any(f[4] for f in figures) and any(f[5] for f in figures)  # the file holds texts and notes
    assert 0.30000000000000004 in [f[3] for f in figures] and 1000.1234567890123 in [f[3] for f in figures]
    with open_database(path, write=True) as store:
        assert store.db.user_version >= COMPACT_SINCE
        assert store.figures.read(PLAN, "fengjing") == [Figure(*row) for row in figures]
        assert store.figures.read(PLAN, "fengjing", ["2024-02"]) == [
            Figure(*r) for r in figures if r[1] == "2024-02"
        ]
        view = store.db.execute(f"SELECT {FIGURE_COLUMNS} FROM figures ORDER BY period, field").fetchall()
        assert [tuple(r) for r in view] == figures


def test_the_audit_reads_and_renders_as_before_the_upgrade(v8):
    path, _figures, audit, _locked = v8
    before = [AuditEntry(*row) for row in audit]
    assert any(e.old is not None and e.action == "figure.set" for e in before)
    with open_database(path, write=True) as store:
        after = store.audit.entries()[: len(before)]  # opening may add rows (e.g. a shipped table stored)
        assert [e.id for e in after] == [e.id for e in before]
        for old, new in zip(before, after, strict=True):
            assert (new.at, new.who, new.action, new.plan_id, new.unit_id, new.period, new.field) == (
                old.at,
                old.who,
                old.action,
                old.plan_id,
                old.unit_id,
                old.period,
                old.field,
            )
            assert (new.value("old"), new.value("new")) == (old.value("old"), old.value("new"))
            assert render(new) == render(old)
        march = store.audit.entries(unit_id="fengjing", period="2024-03", field="energy_tce")
        assert [e.id for e in march] == [
            e.id for e in before if (e.period, e.field) == ("2024-03", "energy_tce")
        ]
        # the view gives the JSON back with every digit
        raw = store.db.execute("SELECT new FROM audit WHERE id = ?", (march[-1].id,)).fetchone()[0]
        assert json.loads(raw)["value"] == 0.30000000000000004


def test_the_audit_command_shows_the_same_history_after_the_upgrade(v8, capsys):
    path, _figures, audit, _locked = v8
    history = [r for r in audit if (r[6], r[7]) == ("2024-02", "energy_tce")]
    assert len(history) == 2
    assert main.main(["--db", str(path), "init"]) == 0  # reading needs the upgrade first, as the CLI says
    capsys.readouterr()
    args = ["--db", str(path), "audit", "--unit", "fengjing", "--period", "2024-02", "energy_tce", "--json"]
    assert main.main(args) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(e["at"], e["who"], e["old"], e["new"]) for e in shown] == [
        (r[1], r[2], json.loads(r[8]) if r[8] else None, json.loads(r[9])) for r in history
    ]


def test_the_months_a_submitted_report_covers_stay_locked_after_the_upgrade(v8):
    path, _figures, _audit, locked = v8
    assert [r[3] for r in locked] == ["2024-02"]
    with open_database(path, write=True) as store:
        assert [tuple(r) for r in store.db.execute("SELECT * FROM locked_through")] == locked
        before = store.figures.read(PLAN, "fengjing")
        for period in ("2024-01", "2024-02"):
            with pytest.raises(UserError, match="锁定"):
                _write(store, period, "energy_tce", 7000.0)
        for sql in (
            "UPDATE figures SET value = 7000 WHERE period = '2024-01' AND field = 'energy_tce'",
            "DELETE FROM figures WHERE period = '2024-02'",
            "INSERT INTO figures (plan_id, unit_id, period, field, value, updated_at, updated_by) "
            "VALUES ('jinshan-2024', 'fengjing', '2024-02', 'electricity_kwh', 1, 'x', 'x')",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="locked"):
                store.db.execute(sql)
        assert store.figures.read(PLAN, "fengjing") == before
        assert _write(store, "2024-03", "energy_tce", 650.0) == 1  # March is open
        for sql in ("UPDATE audit SET who = 'x'", "DELETE FROM audit", "UPDATE names SET name = 'x'"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                store.db.execute(sql)


def test_plain_sql_on_the_figures_view_still_writes_open_months(v8):
    path, *_ = v8
    with open_database(path, write=True) as store:
        store.db.execute(
            "INSERT INTO figures (plan_id, unit_id, period, field, value, note, updated_at, updated_by, "
            "coef_version, electricity_basis) VALUES ('jinshan-2024', 'fengjing', '2024-04', 'energy_tce', 42.5, "
            "'手工', '2024-05-01T09:00:00+08:00', 'sql', 'v', 'b')"
        )
        store.db.execute("UPDATE figures SET value = 43.5 WHERE period = '2024-04' AND field = 'energy_tce'")
        (april,) = store.figures.read(PLAN, "fengjing", ["2024-04"])
        assert april == Figure(
            "fengjing",
            "2024-04",
            "energy_tce",
            43.5,
            None,
            "手工",
            "2024-05-01T09:00:00+08:00",
            "sql",
            "v",
            "b",
        )
        store.db.execute("DELETE FROM figures WHERE period = '2024-04'")
        assert store.figures.read(PLAN, "fengjing", ["2024-04"]) == []
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            store.db.execute(
                "INSERT INTO figures (plan_id, unit_id, period, field, value, updated_at, updated_by) "
                "VALUES ('jinshan-2024', 'nobody', '2024-04', 'energy_tce', 1, 'x', 'x')"
            )


def test_the_backup_made_before_the_upgrade_restores_and_the_audit_since_is_kept(v8):
    path, figures, audit, _locked = v8
    with open_database(path, write=True) as store:
        _write(store, "2024-03", "energy_tce", 650.0)
        since = store.audit.entries()[-1]
    (migration,) = list_backups(path)
    restore_backup(path, migration.id, who="李强")
    with open_database(path, write=True) as store:
        assert store.figures.read(PLAN, "fengjing") == [Figure(*row) for row in figures]
        entries = store.audit.entries()
        assert [e.id for e in entries[: len(audit)]] == [row[0] for row in audit]
        assert since in entries and "backup.restore" in [e.action for e in entries[entries.index(since) :]]
