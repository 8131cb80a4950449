"""Saving one cell and switching the period in the window, against a full reload in the same run.

    .venv/bin/python benchmarks/session_bench.py [--runs 30]

A quick targeted measurement (`make bench` is the long one). A town with months 1–7 of annex 2 and its
annex-4 tasks, months 2–6 each submitted; the window offscreen on annex 2 at 2024-07. Each
action is timed with its repaint (events processed). The reference, measured alternately in the same
run, is the same action followed by `session.reload()`: what every edit cost before operations returned
what changed (every figure read again, every version's state decoded, every form redrawn).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import machine_info  # noqa: E402

UNIT, PERIOD, PASS = "fengjing", "2024-07", "benchmark-pass"


def fill(store: Any, out: Path) -> None:
    from model.common.periods import parse_period
    from model.entry.figures import Entry, store_entries
    from model.exchange.submission import submit
    from model.reports import signing

    plan = store.plans.get()
    p12 = signing.new_key(UNIT, plan.unit(UNIT).full_name, PASS)
    key = signing.load_key(p12, PASS)
    for m in range(1, 8):
        period = parse_period(f"2024-{m:02d}")
        entries = [
            Entry(UNIT, period, k, str(v))
            for k, v in (
                ("energy_tce", 1000 + m * 10),
                ("energy_tce_last_year", 1030 + m * 12),
                ("output_wan_yuan", 20000 + m * 300),
                ("output_wan_yuan_last_year", 19800 + m * 250),
            )
        ]
        entries += [Entry(UNIT, period, f"{t.id}.status", "推进中") for t in plan.annex4_rows_for(UNIT)]
        store_entries(store, plan, entries, who="bench")
        if 1 < m < 7:
            submit(store, plan, UNIT, period, key, out, who="bench")


def timed(app: Any, action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    app.processEvents()
    return time.perf_counter() - started


def pair(app: Any, runs: int, action: Callable[[int], Any], session: Any) -> tuple[float, float]:
    """Medians of (the action, the action followed by a full reload), alternating."""
    new, reference = [], []
    for i in range(runs):
        new.append(timed(app, lambda i=i: action(2 * i)))
        reference.append(timed(app, lambda i=i: (action(2 * i + 1), session.reload())))
    return statistics.median(new), statistics.median(reference)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from gui import app as gui_app
    from gui.annex2_form import Annex2Form
    from gui.settings import Settings
    from model.store.database import open_database

    app = QApplication(["bench"])
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_database(Path(tmp) / "b.sqlite", write=True, create=True) as store,
    ):
        fill(store, Path(tmp))
        store.profile.set({"unit": UNIT, "preparer": "bench"}, who="bench")
        settings = Settings(str(Path(tmp) / "b.ini"))
        settings.set_period(store.plans.get().id, PERIOD)
        window = gui_app.create_window(store, settings)
        window.show()
        form = next(f for f in window.forms if isinstance(f, Annex2Form))
        window.tabs.setCurrentWidget(form)
        app.processEvents()
        model = form.view.grid()
        index = model.locate(PERIOD, "energy_tce")

        def save(i: int) -> None:
            model.setData(index, f"{1100 + i * 0.01:.2f}", Qt.ItemDataRole.EditRole)

        def switch(i: int) -> None:
            window.period_box.setCurrentIndex(5 + i % 2)

        results = {"save one cell (annex 2, on its tab)": pair(app, args.runs, save, window.session)}
        results["switch the period (June ↔ July)"] = pair(app, args.runs, switch, window.session)
        window.close()
    print(f"Machine: {machine_info.describe()}; median of {args.runs} runs each\n")
    print("| action | now | with a full reload (before) | ratio |")
    print("|---|---|---|---|")
    for what, (new, reference) in results.items():
        print(f"| {what} | {new * 1000:.1f} ms | {reference * 1000:.1f} ms | {new / reference:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
