"""What blocks a submission and what needs a written reason."""

from model.calc.checks import ERROR, WARNING, check_period
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries


def _enter(store, unit, period, note=None, **values):
    entries = [Entry(unit, parse_period(period), k, str(v), note) for k, v in values.items()]
    store_entries(store, store.plans.get(), entries, who="test")


def _check(store, unit, period):
    plan = store.plans.get()
    return check_period(plan, unit, parse_period(period), store.figures.read(plan.id, unit))


def test_missing_required_figures_are_errors(store):
    _enter(store, "fengjing", "2024-03", energy_tce=100)
    problems = _check(store, "fengjing", "2024-03")
    errors = {p.field for p in problems if p.severity == ERROR and p.period == "2024-03"}
    assert {"energy_tce_last_year", "output_wan_yuan", "output_wan_yuan_last_year"} <= errors
    assert "energy_tce" not in errors
    # February is part of 1–3月 too: nothing entered there is four missing figures, not zeros
    february = {p.field for p in problems if p.severity == ERROR and p.period == "2024-02"}
    assert february == {"energy_tce", "energy_tce_last_year", "output_wan_yuan", "output_wan_yuan_last_year"}
    assert "A4-18.status" in errors  # the town's task statuses are required too


def test_swing_against_same_month_last_year_needs_a_reason(store):
    _enter(store, "fengjing", "2024-03", energy_tce=140, energy_tce_last_year=100)
    (warning,) = [p for p in _check(store, "fengjing", "2024-03") if p.severity == WARNING]
    assert warning.field == "energy_tce" and "+40.0%" in warning.message and warning.blocking
    _enter(store, "fengjing", "2024-03", note="新生产线投产", energy_tce=140)
    (warning,) = [p for p in _check(store, "fengjing", "2024-03") if p.severity == WARNING]
    assert warning.reason == "新生产线投产" and not warning.blocking


def test_swing_within_threshold_is_quiet(store):
    _enter(store, "fengjing", "2024-03", energy_tce=125, energy_tce_last_year=100)
    assert not [p for p in _check(store, "fengjing", "2024-03") if p.severity == WARNING]
