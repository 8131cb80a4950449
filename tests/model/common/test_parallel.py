"""Work on every core with its results in input order (model.common.parallel)."""

import multiprocessing
import os

from model.common.parallel import in_order


def test_results_come_in_input_order_and_no_worker_outlives_the_block():
    items = list(range(-20, 20))
    with in_order(abs, items, workers=2) as pending:
        assert [p.result() for p in pending] == [abs(i) for i in items]
    assert multiprocessing.active_children() == []


def test_the_items_a_dead_worker_leaves_are_computed_in_this_process():
    with in_order(os._exit, [3, 4, 5], workers=2, local=str) as pending:  # each worker dies at once
        assert [p.result() for p in pending] == ["3", "4", "5"]
    assert multiprocessing.active_children() == []


def test_one_worker_computes_in_this_process_when_asked():
    asked = []
    with in_order(asked.append, ["a", "b"], workers=1) as pending:
        first = next(pending)
        assert asked == [] and not first.done()
        first.result()
        assert asked == ["a"]


def test_a_main_module_a_worker_cannot_start_from_means_computing_here(monkeypatch):
    import __main__

    monkeypatch.setattr(__main__, "__file__", "/nowhere/<stdin>", raising=False)
    with in_order(abs, [-1, -2], workers=2, local=str) as pending:
        assert [p.result() for p in pending] == ["-1", "-2"]  # `local`, not a worker's `abs`
