"""One connection per thread: a background job works on its own store and can only undo its own work."""

import threading

import pytest

import model.exchange.submission as submission
from model.common.errors import UserError
from model.common.periods import parse_period
from model.store.connection import WrongThread
from model.store.figures import FigureWrite
from tests.unit_world import unit_db


def _in_thread(fn):
    """Run fn in another thread; its result or the exception it raised."""
    outcome = {}

    def run():
        try:
            outcome["result"] = fn()
        except BaseException as exc:  # handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return outcome


def test_a_store_refuses_use_from_another_thread_as_a_bug(store):
    plan = store.plans.get()
    outcome = _in_thread(
        lambda: store.figures.write(
            plan.id,
            "fengjing",
            [FigureWrite("2024-03", "energy_tce", 5.0)],
            who="clerk",
            coef_version=plan.coefficients,
            electricity_basis=plan.electricity_basis,
        )
    )
    assert isinstance(outcome["error"], WrongThread) and not isinstance(outcome["error"], UserError)
    assert store.figures.read(plan.id, "fengjing") == []


def test_a_reopened_store_in_a_worker_sees_what_the_clerk_saved(tmp_path):
    unit = unit_db(tmp_path, "fengjing")
    unit.enter("2024-03", "energy_tce=600")

    def job():
        with unit.store.reopen() as own:
            return [f.value for f in own.figures.read(unit.plan.id, "fengjing")]

    assert _in_thread(job) == {"result": [600.0]}
    unit.store.close()


@pytest.fixture
def fengjing(tmp_path):
    unit = unit_db(tmp_path, "fengjing")
    unit.statuses("2024-02")
    unit.month("2024-02", 1000, 1050, 20000, 19500)
    yield unit
    unit.store.close()


def _submit_in_worker(unit, tmp_path, monkeypatch, during_signing, *, fail):
    """Submit 2024-02 in a worker thread on its own store; `during_signing` runs (in this thread) while the
    worker is inside signing."""
    signing, go_on = threading.Event(), threading.Event()
    real_build = submission._build_package

    def slow_build(*args, **kwargs):
        signing.set()
        go_on.wait(30)
        if fail:
            raise RuntimeError("the signing device failed")
        return real_build(*args, **kwargs)

    monkeypatch.setattr(submission, "_build_package", slow_build)

    def job():
        with unit.store.reopen() as own:
            return submission.submit(
                own, unit.plan, "fengjing", parse_period("2024-02"), unit.key, tmp_path / "out", who="clerk"
            )

    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(_in_thread(job)))
    worker.start()
    assert signing.wait(30)
    during_signing()
    go_on.set()
    worker.join(30)
    return outcome


def test_a_failing_worker_does_not_roll_back_a_cell_the_clerk_saved_meanwhile(
    fengjing, tmp_path, monkeypatch
):
    outcome = _submit_in_worker(
        fengjing, tmp_path, monkeypatch, lambda: fengjing.enter("2024-03", "energy_tce=600"), fail=True
    )
    assert str(outcome["error"]) == "the signing device failed"
    saved = fengjing.store.figures.read(fengjing.plan.id, "fengjing", ["2024-03"])
    assert [(f.field, f.value) for f in saved] == [("energy_tce", 600.0)]
    history = fengjing.store.audit.entries(fengjing.plan.id, "fengjing", "2024-03", "energy_tce")
    assert [(h.action, h.value("new")["value"]) for h in history] == [("figure.set", 600.0)]
    assert fengjing.store.submissions.all(fengjing.plan.id, "fengjing") == []


def test_a_figure_changed_while_signing_refuses_the_submission_and_keeps_the_change(
    fengjing, tmp_path, monkeypatch
):
    outcome = _submit_in_worker(
        fengjing, tmp_path, monkeypatch, lambda: fengjing.enter("2024-02", "energy_tce=990"), fail=False
    )
    error = outcome["error"]
    assert isinstance(error, UserError) and "签名期间被修改" in error.message and "重新报送" in error.message
    assert fengjing.store.submissions.all(fengjing.plan.id, "fengjing") == []
    assert not (tmp_path / "out").exists()
    saved = {f.field: f.value for f in fengjing.store.figures.read(fengjing.plan.id, "fengjing", ["2024-02"])}
    assert saved["energy_tce"] == 990.0


def test_a_submission_signed_undisturbed_is_recorded(fengjing, tmp_path, monkeypatch):
    outcome = _submit_in_worker(fengjing, tmp_path, monkeypatch, lambda: None, fail=False)
    assert outcome["result"].version == 1
    (version,) = fengjing.store.submissions.all(fengjing.plan.id, "fengjing")
    assert (version.period, version.status) == ("2024-02", "submitted")


def test_a_nested_transaction_that_fails_undoes_only_its_own_part(store):
    plan = store.plans.get()

    def write(period, value):
        store.figures.write(
            plan.id,
            "fengjing",
            [FigureWrite(period, "energy_tce", value)],
            who="clerk",
            coef_version=plan.coefficients,
            electricity_basis=plan.electricity_basis,
        )

    with store.transaction():
        write("2024-02", 1.0)
        with pytest.raises(RuntimeError), store.transaction():
            write("2024-03", 2.0)
            raise RuntimeError("inner part fails")
    stored = {(f.period, f.value) for f in store.figures.read(plan.id, "fengjing")}
    assert stored == {("2024-02", 1.0)}
    assert [a.period for a in store.audit.entries(unit_id="fengjing")] == ["2024-02"]
