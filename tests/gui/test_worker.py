"""Long work runs off the GUI thread and reports back on it."""

import threading

from gui.worker import Worker
from model.common.errors import UserError


def test_result_comes_back_on_the_gui_thread(qtbot):
    worker = Worker()
    gui_thread = threading.get_ident()
    seen = {}

    def job():
        seen["job_thread"] = threading.get_ident()
        return 42

    def done(result):
        seen["result"], seen["done_thread"] = result, threading.get_ident()

    worker.run(job, done, lambda exc: None)
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == 42
    assert seen["job_thread"] != gui_thread and seen["done_thread"] == gui_thread
    assert not worker.busy()


def test_errors_come_back_too(qtbot):
    worker = Worker()
    errors = []

    def job():
        raise UserError("磁盘已满")

    worker.run(job, lambda r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], UserError) and errors[0].message == "磁盘已满"
