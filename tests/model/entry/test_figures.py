"""Storing what a clerk typed: all of a call or none, notes kept, locked months refused, what changed."""

import pytest

from model.common.errors import UserError, ValidationError
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from tests.unit_world import snapshot, unit_db

MAR = parse_period("2024-03")


def entries(*pairs, note=None, period=MAR):
    return [Entry("fengjing", period, key, raw, note) for key, raw in pairs]


def test_one_refused_value_stores_none_of_the_call_and_names_every_problem(store):
    plan, before = store.plans.get(), snapshot(store)
    bad = entries(("energy_tce", "1200"), ("output_wan_yuan", "abc"), ("energy_tce_last_year", "-5"))
    with pytest.raises(ValidationError) as refused:
        store_entries(store, plan, bad, who="王芳")
    assert [p[:3] for p in refused.value.problems] == ["[2]", "[3]"]
    assert snapshot(store) == before


def test_it_returns_the_figures_as_now_stored(store):
    plan = store.plans.get()
    changes = store_entries(
        store, plan, entries(("energy_tce", "1,200.5"), ("output_wan_yuan", "2亿")), who="王芳"
    )
    assert {(c.field, c.figure.value, c.figure.updated_by) for c in changes.figures} == {
        ("energy_tce", 1200.5, "王芳"),
        ("output_wan_yuan", 20000.0, "王芳"),
    }
    assert store_entries(store, plan, entries(("energy_tce", "1200.5")), who="王芳").count == 0
    cleared = store_entries(store, plan, entries(("energy_tce", "")), who="王芳")
    assert [(c.field, c.figure) for c in cleared.figures] == [("energy_tce", None)]
    assert [f.field for f in store.figures.read(plan.id, "fengjing")] == ["output_wan_yuan"]


def test_a_note_stays_when_the_value_changes_without_one(store):
    plan = store.plans.get()
    store_entries(store, plan, entries(("energy_tce", "1600"), note="新生产线投产"), who="王芳")
    changes = store_entries(store, plan, entries(("energy_tce", "1650")), who="王芳")
    assert changes.figures[0].figure.note == "新生产线投产"
    [stored] = store.figures.read(plan.id, "fengjing")
    assert (stored.value, stored.note) == (1650.0, "新生产线投产")


def test_months_of_a_submitted_report_are_refused_and_nothing_is_stored(tmp_path):
    unit = unit_db(tmp_path, "fengjing")
    unit.statuses("2024-01")
    for month in (1, 2):
        unit.month(f"2024-{month:02d}", 500, 520, 10000, 9800)
    unit.submit("2024-02", tmp_path / "out")
    before = snapshot(unit.store)
    late = entries(("energy_tce", "7000"), period=parse_period("2024-03")) + entries(
        ("energy_tce", "7000"), period=parse_period("2024-01")
    )
    with pytest.raises(UserError, match="2024年1–2月"):
        store_entries(unit.store, unit.plan, late, who="clerk")
    assert snapshot(unit.store) == before
    unit.store.close()
