"""The store's repositories on real temporary databases: rows as records, audit as values, the profile."""

import shutil
from dataclasses import dataclass

import pytest

from model.common.errors import UserError
from model.entry.profile import parse_profile_assignments, set_profile
from model.store.audit import render
from model.store.connection import ReadOnly, record
from model.store.database import open_database
from model.store.profile import Profile
from tests.conftest import ROOT


def test_rows_map_to_records_by_column_name_and_an_unknown_column_is_an_error(store):
    @dataclass(frozen=True)
    class Pair:
        b: str
        a: int

    row = store.db.execute("SELECT 1 AS a, 'x' AS b").fetchone()
    assert record(Pair, row) == Pair(b="x", a=1)
    with pytest.raises(TypeError, match="no field"):
        record(Pair, store.db.execute("SELECT 1 AS a, 'x' AS b, 2 AS c").fetchone())


def test_the_profile_starts_empty_and_keeps_what_is_set_with_an_audit_row_each(store):
    assert store.profile.is_empty() and store.profile.get() == Profile()
    plan = store.plans.get()
    set_profile(store, plan, {"unit": "枫泾镇", "preparer": "王芳"}, who="clerk")
    set_profile(store, plan, {"phone": "57920000", "preparer": "王芳"}, who="clerk")  # 王芳 unchanged
    assert store.profile.get() == Profile(unit="fengjing", preparer="王芳", phone="57920000")
    rows = [
        (e.field, e.value("old"), e.value("new")) for e in store.audit.entries() if e.action == "profile.set"
    ]
    assert rows == [("unit", "", "fengjing"), ("preparer", "", "王芳"), ("phone", "", "57920000")]
    assert render(store.audit.entries()[-1]).action == "修改单位信息"


def test_a_profile_unit_must_report_under_the_plan(store):
    plan = store.plans.get()
    with pytest.raises(UserError, match="没有名为"):
        set_profile(store, plan, {"unit": "无名镇"}, who="clerk")
    assert store.profile.is_empty()


def test_profile_assignments_name_the_keys_when_one_is_unknown():
    assert parse_profile_assignments(["preparer=王芳", "phone="]) == {"preparer": "王芳", "phone": ""}
    with pytest.raises(UserError) as caught:
        parse_profile_assignments(["filler=王芳"])
    assert "filler=王芳" in caught.value.message and "preparer（填表人）" in caught.value.message


def test_audit_rows_written_before_values_were_kept_are_shown_as_they_were(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(ROOT / "tests" / "fixtures" / "tanbao-v2.sqlite", path)
    with open_database(path, write=True) as store:
        old = store.audit.entries(unit_id="fengjing")
        assert old and {e.encoding for e in old} == {"text"}
        assert [render(e).new for e in old] == [e.new for e in old]  # text, not decoded
        plan = store.plans.get()
        set_profile(store, plan, {"preparer": "王芳"}, who="clerk")
        assert store.audit.entries()[-1].encoding == "json"


def test_a_store_opened_for_reading_refuses_to_write_as_a_bug(store):
    with open_database(store.path, write=False) as reader, pytest.raises(ReadOnly):
        reader.profile.set({"preparer": "王芳"}, who="clerk")
    assert store.profile.is_empty()


def test_reading_a_missing_path_makes_nothing_and_suggests_init(tmp_path):
    missing = tmp_path / "no" / "such.sqlite"
    with pytest.raises(UserError) as caught:
        open_database(missing, write=False)
    assert str(missing) in caught.value.message and "main.py init" in caught.value.message
    assert not (tmp_path / "no").exists()
