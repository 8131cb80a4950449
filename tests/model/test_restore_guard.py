"""A restore never rewinds what was signed or recorded, and takes only an earlier state of this database."""

import shutil
import sqlite3

import pytest

from model.common.errors import UserError
from model.store.backup import backup_now, backups_dir, list_backups, restore_backup
from model.store.database import open_database
from tests.model import test_submission
from tests.unit_world import unit_db

fengjing = test_submission.fengjing  # the same unit: February and March ready to submit


def submitted(path):
    with open_database(path, write=True, create=True) as s:
        rows = s.db.conn.execute("SELECT period, version, data FROM submissions WHERE status = 'submitted'")
        return rows.fetchall()


def test_a_backup_older_than_a_submitted_version_is_refused_and_the_version_stays(fengjing, tmp_path):
    early = backup_now(fengjing.store, "manual")
    fengjing.submit("2024-03", tmp_path / "out")
    path = fengjing.store.path
    fengjing.store.close()
    before = submitted(path)
    with open_database(path, write=True, create=True) as s:
        audit_before = len(s.audit.entries())
    with pytest.raises(UserError, match="早于已报送的版本（fengjing 2024-03 第 1 版"):
        restore_backup(path, early.id, who="clerk")
    assert submitted(path) == before and len(before) == 1
    with open_database(path, write=True, create=True) as s:
        assert len(s.audit.entries()) == audit_before


def test_a_restore_carries_the_audit_forward_and_is_itself_audited(fengjing):
    early = backup_now(fengjing.store, "manual")
    fengjing.enter("2024-03", "energy_tce=700")
    path = fengjing.store.path
    with open_database(path, write=False) as s:
        audit_before = [(a.at, a.action, a.field, a.old, a.new) for a in s.audit.entries()]
    fengjing.store.close()
    restore_backup(path, early.id, who="李强")
    with open_database(path, write=True, create=True) as s:
        audit_after = [(a.at, a.action, a.field, a.old, a.new) for a in s.audit.entries()]
        assert audit_after[: len(audit_before)] == audit_before  # the 700 save is still recorded
        assert audit_after[-1][1] == "backup.restore" and early.id in audit_after[-1][4]
        assert {f.field: f.value for f in s.figures.read("jinshan-2024", "fengjing")}["energy_tce"] == 600.0


def test_another_installations_database_named_like_a_backup_is_refused(fengjing, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    other = unit_db(tmp_path / "elsewhere", "fengjing")  # the same unit, installed on another computer
    other.store.close()
    folder = backups_dir(fengjing.store.path)
    folder.mkdir(exist_ok=True)
    shutil.copy(other.store.path, folder / "fengjing-20240101-000000-manual.sqlite")
    path = fengjing.store.path
    fengjing.store.close()
    with pytest.raises(UserError, match="不是这个数据库以前的状态"):
        restore_backup(path, "20240101-000000", who="clerk")


def test_a_backup_with_the_audit_triggers_dropped_is_refused(fengjing):
    made = backup_now(fengjing.store, "manual")
    path = fengjing.store.path
    fengjing.store.close()
    tampered = sqlite3.connect(made.path)
    tampered.execute("DROP TRIGGER audit_no_delete")
    tampered.commit()
    tampered.close()
    with pytest.raises(UserError, match="保护规则"):
        restore_backup(path, made.id, who="clerk")
    with (
        open_database(path, write=True, create=True) as s,
        pytest.raises(sqlite3.IntegrityError, match="append-only"),
    ):
        s.db.conn.execute("DELETE FROM audit")
    assert [b.id for b in list_backups(path)] == [made.id]
