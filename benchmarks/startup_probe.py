"""Start the program from source exactly as `python main.py --db FILE` does, and say when its window is usable.

    BENCH_LAUNCHED_AT=<time.time() before the process was started> python benchmarks/startup_probe.py main.py --db FILE
    python benchmarks/startup_probe.py --bare       # a bare PySide6 window with a 200-row table, for reference

Instead of entering the event loop, QApplication.exec processes the events that are waiting (the window
is shown, laid out and painted), prints one JSON line with the seconds since launch and the window that
is up, and returns 0 so the program exits as it would when closed. Nothing else of the program changes.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

LAUNCHED = float(os.environ.get("BENCH_LAUNCHED_AT") or time.time())


def _report(app) -> int:  # type: ignore[no-untyped-def]
    for _ in range(3):
        app.processEvents()
    usable = time.time() - LAUNCHED
    windows = [w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()]
    main = next((w for w in windows if type(w).__name__ in ("MainWindow", "QTableWidget")), None)
    unit = getattr(getattr(main, "session", None), "unit", None)
    print(
        "BENCH "
        + json.dumps(
            {
                "usable_s": usable,
                "window": type(main).__name__ if main else None,
                "unit": unit.id if unit else None,
                "visible": [type(w).__name__ for w in windows],
                "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        ),
        flush=True,
    )
    return 0


def bare_table():  # type: ignore[no-untyped-def]
    """The reference window: a bare QTableWidget, 200 rows × 6, at 1280 × 800, shown."""
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    table = QTableWidget(200, 6)
    for r in range(200):
        for c in range(6):
            table.setItem(r, c, QTableWidgetItem(f"{r * c}"))
    table.resize(1280, 800)
    table.show()
    return table


def bare() -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    table = bare_table()  # noqa: F841 (kept alive until the report)
    return _report(app)


def main() -> int:
    if sys.argv[1:] == ["--bare"]:
        return bare()
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    QApplication.exec = _report  # type: ignore[method-assign]

    def dialog(*args: object) -> None:  # a dialog before the window: nobody is there to answer it
        texts = [a for a in args if isinstance(a, str)]
        if args and isinstance(args[0], QDialog):
            texts.append(type(args[0]).__name__)
        print(
            "BENCH " + json.dumps({"error": "a dialog came up instead of the window", "texts": texts}),
            flush=True,
        )
        os._exit(3)

    for name in ("critical", "warning", "question", "information"):
        setattr(QMessageBox, name, staticmethod(dialog))
    QDialog.exec = dialog  # type: ignore[method-assign, assignment]
    script = Path(sys.argv[1]).resolve()
    sys.argv = [str(script), *sys.argv[2:]]
    sys.path.insert(0, str(script.parent))
    import runpy

    runpy.run_path(str(script), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
