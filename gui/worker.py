"""Long work (exports, signing, imports) off the GUI thread, with the result handed back on it.

One helper for every slow operation, as Anki's taskman: the function runs in Qt's thread pool and must
not touch widgets; `on_done` / `on_error` run on the GUI thread. A busy dialog shows meanwhile.
A job that needs the database runs `on_own_store`: its own connection, opened in the worker thread, so a
job that fails rolls back only its own work, never a cell the clerk saved meanwhile.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from model.common.errors import UserError
from model.store.database import Store

T = TypeVar("T")


def on_own_store(store: Store, fn: Callable[[Store], T]) -> Callable[[], T]:
    """A job running `fn` on a store of its own: the same file on a new connection of the worker thread."""

    def job() -> T:
        with store.reopen() as own:
            return fn(own)

    return job


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object, str)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn, self.signals = fn, signals

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # handed to the GUI thread, which decides how to show it
            self.signals.failed.emit(exc, traceback.format_exc())
            return
        self.signals.done.emit(result)


class Worker(QObject):
    """Runs one job at a time per caller; keeps its signals alive until the job reports back."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool.globalInstance()
        self._running: set[_Signals] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        label: str = "",
        parent: QWidget | None = None,
    ) -> None:
        signals = _Signals()
        self._running.add(signals)
        dialog: QProgressDialog | None = None
        if parent is not None and label:
            dialog = QProgressDialog(label, "", 0, 0, parent)
            dialog.setCancelButton(None)  # type: ignore[arg-type]
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(300)

        def finish() -> None:
            self._running.discard(signals)
            if dialog is not None:
                dialog.close()

        def done(result: Any) -> None:
            finish()
            on_done(result)

        def failed(exc: Exception, trace: str) -> None:
            finish()
            if not isinstance(exc, UserError):
                exc.add_note(trace)
            on_error(exc)

        signals.done.connect(done, Qt.ConnectionType.QueuedConnection)
        signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        self.pool.start(_Job(fn, signals))

    def busy(self) -> bool:
        return bool(self._running)
