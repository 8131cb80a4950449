"""Schema 3: upgrading saved version-1 and version-2 files, and what the new tables refuse."""

import shutil
import sqlite3

import pytest

from model.common.errors import UserError
from model.store.database import open_database
from model.store.figures import FigureWrite
from model.store.schema import SCHEMA_VERSION
from tests.conftest import ROOT

NEW_TABLES = {"received", "trusted_certs"}
NEW_SUBMISSION_COLUMNS = {"submitted_at", "submitted_by", "package_name", "pdf", "pdf_sha256", "xlsx"}


def _tables(store):
    return {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


@pytest.mark.parametrize(
    ("fixture", "old_version", "figures"), [("tanbao-v1.sqlite", 1, 8), ("tanbao-v2.sqlite", 2, 10)]
)
def test_upgrade_from_a_saved_old_file_keeps_everything(tmp_path, fixture, old_version, figures):
    path = tmp_path / "old.sqlite"
    shutil.copy(ROOT / "tests" / "fixtures" / fixture, path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == old_version
    with open_database(path, write=True, create=True) as store:
        assert store.db.user_version == SCHEMA_VERSION >= 3
        assert _tables(store) >= NEW_TABLES
        columns = {r[1] for r in store.db.execute("PRAGMA table_info(submissions)")}
        assert columns >= NEW_SUBMISSION_COLUMNS
        stored = store.figures.read("jinshan-2024", "fengjing") + store.figures.read("jinshan-2024", "phcc")
        assert len(stored) == figures
        assert len(store.audit.entries()) >= figures
        assert store.submissions.all("jinshan-2024") == [] and store.received.all("jinshan-2024") == []
        # the upgraded file works: a figure can be written, a version recorded and then it is locked
        period = stored[0].period
        store.figures.write(
            "jinshan-2024",
            "fengjing",
            [FigureWrite(period, "energy_tce", 1.0)],
            who="t",
            coef_version="x",
            electricity_basis="calorific",
        )
        store.submissions.record(
            "jinshan-2024",
            "fengjing",
            period,
            1,
            who="t",
            at="2024-08-01T10:00:00+08:00",
            data="{}",
            package_name="p.pdf",
            pdf=b"%PDF",
            xlsx=b"PK",
        )
        with pytest.raises(UserError, match="第 1 版"):
            store.figures.write(
                "jinshan-2024",
                "fengjing",
                [FigureWrite(period, "energy_tce", 2.0)],
                who="t",
                coef_version="x",
                electricity_basis="calorific",
            )


def test_failed_version_3_migration_leaves_a_version_2_file_as_it_was(tmp_path, monkeypatch):
    from model.store import database as store_module

    path = tmp_path / "old.sqlite"
    shutil.copy(ROOT / "tests" / "fixtures" / "tanbao-v2.sqlite", path)
    broken = store_module.MIGRATIONS[2] + "\nCREATE TABLE figures (x);"
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS[:2], broken])
    with pytest.raises(sqlite3.OperationalError):
        open_database(path, write=True, create=True)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert "received" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert conn.execute("SELECT count(*) FROM figures").fetchone()[0] == 10


def _submit(store, period="2024-03", version=1, data="{}"):
    store.submissions.record(
        "jinshan-2024",
        "fengjing",
        period,
        version,
        who="clerk",
        at="2024-04-10T10:00:00+08:00",
        data=data,
        package_name=f"{period}_fengjing_v{version}.pdf",
        pdf=b"%PDF-" + bytes([version]),
        xlsx=b"PK",
    )


def test_the_database_itself_refuses_to_change_a_locked_period_or_a_frozen_version(store):
    store.figures.write(
        "jinshan-2024",
        "fengjing",
        [FigureWrite("2024-03", "energy_tce", 5.0)],
        who="t",
        coef_version="x",
        electricity_basis="calorific",
    )
    _submit(store)
    for sql in (
        "UPDATE figures SET value = 6 WHERE unit_id = 'fengjing'",
        "DELETE FROM figures WHERE unit_id = 'fengjing'",
        "INSERT INTO figures (plan_id, unit_id, period, field, value, updated_at, updated_by) "
        "VALUES ('jinshan-2024', 'fengjing', '2024-03', 'output_wan_yuan', 1, 'x', 'x')",
        "UPDATE submissions SET data = '{\"x\": 1}'",
        "UPDATE submissions SET pdf = x'00'",
        "DELETE FROM submissions",
    ):
        with pytest.raises(sqlite3.IntegrityError):
            store.db.execute(sql)
    assert store.figures.read("jinshan-2024", "fengjing")[0].value == 5.0


def test_a_correction_unlocks_and_the_next_submission_supersedes(store):
    _submit(store)
    store.submissions.open_correction("jinshan-2024", "fengjing", "2024-03", 2, "产值填错", who="clerk")
    assert store.submissions.period_lock("jinshan-2024", "fengjing", "2024-03") is None
    store.figures.write(
        "jinshan-2024",
        "fengjing",
        [FigureWrite("2024-03", "energy_tce", 7.0)],
        who="t",
        coef_version="x",
        electricity_basis="calorific",
    )
    _submit(store, version=2)
    versions = store.submissions.all("jinshan-2024", "fengjing", "2024-03")
    assert [(v.version, v.status, v.reason) for v in versions] == [
        (1, "superseded", ""),
        (2, "submitted", "产值填错"),
    ]
    assert store.submissions.period_lock("jinshan-2024", "fengjing", "2024-03").version == 2
    assert store.submissions.package(versions[0].id)[0] == b"%PDF-\x01"  # version 1 stays readable
    actions = [a.action for a in store.audit.entries(unit_id="fengjing", period="2024-03")]
    assert actions == ["submission.submit", "submission.reopen", "figure.set", "submission.submit"]


def test_unchanged_values_may_be_written_to_a_locked_period(store):
    write = FigureWrite("2024-03", "energy_tce", 5.0)
    kw = {"who": "t", "coef_version": "x", "electricity_basis": "calorific"}
    store.figures.write("jinshan-2024", "fengjing", [write], **kw)
    _submit(store)
    assert store.figures.write("jinshan-2024", "fengjing", [write], **kw) == 0  # a re-imported year CSV
    assert (
        store.figures.write("jinshan-2024", "fengjing", [FigureWrite("2024-04", "energy_tce", 1.0)], **kw)
        == 1
    )
