"""An error nobody caught: the clerk sees a short message with the log's path, the traceback is in the
log, and the program keeps running."""

import subprocess
import sys
import threading

import pytest
from PySide6.QtCore import QTimer

from gui import errors
from model.common.errors import UserError
from tests.conftest import ROOT

pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def shown(monkeypatch):
    """Dialogs the reporter shows, with the thread they were shown on, instead of modal boxes."""
    dialogs = []

    def record(kind):
        return lambda parent, title, text: dialogs.append((kind, title, text, threading.current_thread()))

    monkeypatch.setattr(errors.QMessageBox, "critical", record("critical"))
    monkeypatch.setattr(errors.QMessageBox, "warning", record("warning"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    return dialogs


@pytest.fixture
def reporter(qapp, tmp_path, shown):
    r = errors.install(tmp_path)
    yield r
    r.uninstall()


def _boom():
    raise ZeroDivisionError("除数为零的测试错误")


def test_an_error_in_a_slot_shows_a_dialog_logs_the_traceback_and_the_program_goes_on(
    qtbot, reporter, shown, tmp_path
):
    after = []
    QTimer.singleShot(0, _boom)
    QTimer.singleShot(0, lambda: after.append("still running"))
    qtbot.waitUntil(lambda: bool(shown and after))
    ((kind, title, text, thread),) = shown
    assert kind == "critical" and title == "程序错误"
    assert "ZeroDivisionError" in text and "已保存的数据不受影响" in text
    assert str(tmp_path / "logs" / "tanbao.log") in text
    log = (tmp_path / "logs" / "tanbao.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "_boom" in log and "除数为零的测试错误" in log
    assert thread is threading.main_thread()


def test_an_error_in_a_worker_thread_is_shown_on_the_gui_thread(qtbot, reporter, shown, tmp_path):
    worker = threading.Thread(target=_boom, name="导出线程")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(shown))
    ((kind, _title, text, thread),) = shown
    assert kind == "critical" and "ZeroDivisionError" in text
    assert thread is threading.main_thread()
    log = (tmp_path / "logs" / "tanbao.log").read_text(encoding="utf-8")
    assert "导出线程" in log and "_boom" in log


def test_a_user_error_nobody_caught_shows_its_own_words(qtbot, reporter, shown):
    def refuse():
        raise UserError("磁盘空间不足：这次的数据没有保存。")

    QTimer.singleShot(0, refuse)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0][:3] == ("warning", "无法完成", "磁盘空间不足：这次的数据没有保存。")


def test_errors_while_a_dialog_is_open_are_logged_without_a_second_dialog(qtbot, qapp, monkeypatch, tmp_path):
    dialogs = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    reporter = errors.install(tmp_path)
    try:

        def modal(parent, title, text):
            dialogs.append(text)
            # what a modal dialog's event loop does: other events run, and one of them fails too
            QTimer.singleShot(0, _boom)
            qtbot.wait(50)

        monkeypatch.setattr(errors.QMessageBox, "critical", modal)
        QTimer.singleShot(0, _boom)
        qtbot.waitUntil(lambda: bool(dialogs))
        qtbot.wait(50)
        assert len(dialogs) == 1
        log = (tmp_path / "logs" / "tanbao.log").read_text(encoding="utf-8")
        assert log.count("ZeroDivisionError: 除数为零的测试错误") == 2
    finally:
        reporter.uninstall()


def test_uninstall_gives_the_hooks_back(qapp, tmp_path, shown):
    before = sys.excepthook, threading.excepthook
    reporter = errors.install(tmp_path)
    assert sys.excepthook == reporter.excepthook
    reporter.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_a_hard_crash_leaves_its_stack_in_the_crash_log(tmp_path):
    code = (
        "import sys, faulthandler; from PySide6.QtWidgets import QApplication; "
        "from gui import errors; app = QApplication([]); errors.install(sys.argv[1]); "
        "faulthandler._sigsegv()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode != 0
    crash = (tmp_path / "logs" / "crash.log").read_text(encoding="utf-8")
    assert "Fatal Python error" in crash and "<string>" in crash
