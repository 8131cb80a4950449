"""Unhandled errors in the window: a short dialog, the traceback in a log file, and the program goes on.

`install(data_dir)` routes every exception nobody caught, in a slot on the GUI thread
(`sys.excepthook`) or in a worker thread (`threading.excepthook`), to one reporter: it writes the
traceback to `<data_dir>/logs/tanbao.log` and shows the clerk a short Chinese message with the log's
path, on the GUI thread. Hard crashes (a segfault in a library) are dumped by `faulthandler` into
`logs/crash.log`. Saved data is never at risk: every save is one committed transaction.
"""

from __future__ import annotations

import faulthandler
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from model.common.errors import UserError

LOG_DIR = "logs"
LOG_NAME = "tanbao.log"
CRASH_NAME = "crash.log"
_LOGGER = "tanbao.errors"
_MAX_DETAIL = 200


def _tr(text: str) -> str:
    return QCoreApplication.translate("errors", text)


class _LogFile(logging.Handler):
    """The rotating log file, opened at its first record: logging.handlers (sockets, queues…) is not
    imported at every start for a log that is seldom written."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            import logging.handlers

            self._file = logging.handlers.RotatingFileHandler(
                self.path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
            )
            self._file.setFormatter(self.formatter)
        self._file.handle(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


class ErrorReporter(QObject):
    """Logs an exception from any thread and shows it on the GUI thread; one dialog at a time."""

    _report = Signal(str, str, bool)  # message, title, is_user_error

    def __init__(self, log_dir: Path, parent_widget: Callable[[], QWidget | None] | None = None) -> None:
        super().__init__()
        self.log_dir = log_dir
        self.log_path = log_dir / LOG_NAME
        self.crash_path = log_dir / CRASH_NAME
        self.parent_widget = parent_widget or QApplication.activeWindow
        self.logger = logging.getLogger(_LOGGER)
        self._handler: logging.Handler | None = None
        self._crash_file: IO[str] | None = None
        self._showing = False
        self._previous: tuple[Any, Any] | None = None
        self._report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    # ---- installing ------------------------------------------------------------------------------
    def install(self) -> ErrorReporter:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        handler = _LogFile(self.log_path)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        self.logger.addHandler(handler)
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False
        self._handler = handler
        self._crash_file = open(self.crash_path, "a", encoding="utf-8")  # noqa: SIM115 (open while running)
        faulthandler.enable(file=self._crash_file, all_threads=True)
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        return self

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None
        if self._crash_file is not None:
            faulthandler.enable(file=sys.__stderr__ or sys.stderr)
            self._crash_file.close()
            self._crash_file = None
        if self._handler is not None:
            self.logger.removeHandler(self._handler)
            self._handler.close()
            self._handler = None

    # ---- hooks -----------------------------------------------------------------------------------
    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        self.handle(exc_type, exc, tb, threading.current_thread().name)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "?"
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, name)

    def handle(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, where: str
    ) -> None:
        """Log the traceback and ask the GUI thread to tell the clerk. Safe from any thread."""
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        try:
            self.logger.error("未处理的异常（线程 %s）\n%s", where, text.rstrip())
        except Exception:  # a broken log (disk full) must not hide the error
            if sys.__stderr__ is not None:
                sys.__stderr__.write(text)
        if isinstance(exc, UserError):
            self._report.emit(exc.message, _tr("无法完成"), True)
            return
        detail = f"{exc_type.__name__}: {exc}"
        if len(detail) > _MAX_DETAIL:
            detail = detail[:_MAX_DETAIL] + "…"
        message = _tr(
            "程序出现了一个意外错误（{detail}）。已保存的数据不受影响，可以继续工作。\n"
            "错误的详细情况已记录在日志文件：{log}\n如果反复出现，请把这个文件发给技术支持。"
        ).format(detail=detail, log=self.log_path)
        self._report.emit(message, _tr("程序错误"), False)

    @Slot(str, str, bool)
    def _show(self, message: str, title: str, user_error: bool) -> None:
        if self._showing:  # an error while the dialog is open: it is in the log, one dialog is enough
            return
        self._showing = True
        try:
            if user_error:
                QMessageBox.warning(self.parent_widget(), title, message)
            else:
                QMessageBox.critical(self.parent_widget(), title, message)
        finally:
            self._showing = False


def install(data_dir: str | Path, parent_widget: Callable[[], QWidget | None] | None = None) -> ErrorReporter:
    """Call once after the QApplication exists; logs go to `<data_dir>/logs/`. Keep the result alive."""
    return ErrorReporter(Path(data_dir) / LOG_DIR, parent_widget).install()
