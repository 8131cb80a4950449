"""Screenshots of the real window with figures entered, for the README.

    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py --suffix -1366
    QT_SCALE_FACTOR=2 xvfb-run -s "-screen 0 2732x1536x24" .venv/bin/python scripts/screenshots.py --suffix -200

Builds a demo database in a temporary folder (a town and a key energy user, January–July 2024),
opens the program's main window for each, filling the screen as on a laptop, moves through it with the
keyboard only (Ctrl+1…9 for the tabs, F1 for the key list) and saves docs/screenshots/*.png.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def demo_store(folder: Path):  # type: ignore[no-untyped-def]
    from model.common.periods import parse_period
    from model.entry.figures import Entry, store_entries
    from model.store.database import open_database

    store = open_database(folder / "demo.sqlite", write=True, create=True)
    plan = store.plans.get()
    rng = random.Random(2024)

    def enter(unit: str, period: str, note: str | None = None, **values: object) -> None:
        entries = [Entry(unit, parse_period(period), k, str(v), note) for k, v in values.items()]
        store_entries(store, plan, entries, who="王芳")

    for month in range(2, 8):
        last = 5200 + 300 * month
        enter(
            "fengjing",
            f"2024-{month:02d}",
            energy_tce=round(last * rng.uniform(0.93, 1.0), 1),
            energy_tce_last_year=last,
            output_wan_yuan=round(98000 * rng.uniform(0.99, 1.06)),
            output_wan_yuan_last_year=98000,
        )
    for month in range(8, 13):  # last year's later months: the remaining allowance needs the full year
        enter(
            "fengjing",
            f"2024-{month:02d}",
            energy_tce_last_year=5200 + 300 * month,
            output_wan_yuan_last_year=98000,
        )
    enter("fengjing", "2024-07", note="7月新增一条生产线试运行", energy_tce=9610)
    enter(
        "fengjing",
        "2024-06",
        **{
            "A4-12.status": "推进中",
            "A4-12.value": "12.5",
            "A4-18.status": "已完成",
            "A4-23.status": "推进中",
            "A4-13.status": "滞后",
        },
    )
    for month in range(1, 13):
        enter(
            "phcc",
            f"2024-{month:02d}",
            electricity_kwh_last_year=5_700_000 + 400_000 * (month in (7, 8)),
            natural_gas_m3_last_year=165_000,
            diesel_kg_last_year=780,
        )
    for month in range(1, 8):
        enter(
            "phcc",
            f"2024-{month:02d}",
            electricity_kwh=round(5_600_000 * rng.uniform(0.95, 1.03)),
            natural_gas_m3=round(160_000 * rng.uniform(0.95, 1.05)),
            diesel_kg=800,
        )
    enter("phcc", "2024-01", floor_area_m2=164000)
    return store


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--suffix", default="")
    args = parser.parse_args()

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from gui import app as gui_app
    from gui.settings import Settings
    from model.common import i18n

    qapp = QApplication(sys.argv)
    i18n.set_audience(i18n.WINDOW)
    gui_app.install_translations(qapp)
    gui_app.install_font(qapp)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(5):
            qapp.processEvents()
            QTest.qWait(50)

    def save(widget: QWidget, name: str) -> None:
        path = out / f"{name}{args.suffix}.png"
        widget.grab().save(str(path))
        print(path)

    with tempfile.TemporaryDirectory() as tmp:
        store = demo_store(Path(tmp))
        settings = Settings(str(Path(tmp) / "tanbao.ini"))
        for unit_id, tabs in (
            ("fengjing", {"home": 1, "annex2": 2, "annex4": 3}),
            ("phcc", {"home-keyuser": 1, "annex3": 2}),
        ):
            store.profile.set(
                {
                    "unit": unit_id,
                    "preparer": "王芳",
                    "phone": "57920000",
                    "stats_head": "李强",
                    "unit_head": "张伟",
                },
                who="screenshots",
            )
            settings.set_period(store.plans.get().id, "2024-07")
            window = gui_app.create_window(store, settings)
            assert window is not None
            window.setGeometry(window.screen().availableGeometry())  # maximised (Xvfb has no window manager)
            window.show()
            window.activateWindow()
            settle()
            for name, tab in tabs.items():
                QTest.keyClick(window, Qt.Key(Qt.Key.Key_0 + tab), Qt.KeyboardModifier.ControlModifier)
                settle()
                save(window, name)
            if unit_id == "fengjing":
                explain_by_keyboard(window, settle, save)
                QTimer.singleShot(
                    300,
                    lambda: (save(qapp.activeModalWidget(), "shortcuts"), qapp.activeModalWidget().reject()),
                )
                QTest.keyClick(window, Qt.Key.Key_F1)
            window.close()
        store.close()
    return 0


def explain_by_keyboard(window, settle, save) -> None:  # type: ignore[no-untyped-def]
    """计算过程 reached with the keyboard only: Tab to the allowance card, F2; then Ctrl+3 to annex 4, the
    arrow keys to a task's 预警 cell, F2 (its input cells are selected in the grid behind the dialog)."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    settle()
    home = window.tabs.currentWidget()
    for _ in range(60):  # Tab round the window until the allowance card has the focus
        focused = QApplication.focusWidget()
        if getattr(focused, "title", "") == "剩余用能空间":
            break
        QTest.keyClick(focused or window, Qt.Key.Key_Tab)
        settle()
    card = QApplication.focusWidget()
    page = home.widget()
    bottom = max(c.geometry().bottom() for c in home.cards[:3]) + 3
    save_crop(page, QRect(0, 0, page.width(), bottom), save, "allowance-card")
    QTest.keyClick(card, Qt.Key.Key_F2)
    settle()
    save(home.explain_dialog, "explain-card")
    home.explain_dialog.close()
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    settle()
    form = window.tabs.currentWidget()
    view, model = form.view, form.model
    target_row = [r.id for r in model.rows()].index("A4-12")
    target_column = next(c for c, column in enumerate(model.columns) if column.figure == "colour")
    view.setFocus()
    for key, done in (
        (Qt.Key.Key_Down, lambda: view.currentIndex().row() >= target_row),
        (Qt.Key.Key_Right, lambda: view.currentIndex().column() >= target_column),
    ):
        for _ in range(80):
            if done():
                break
            QTest.keyClick(view, key)
        settle()
    QTest.keyClick(view, Qt.Key.Key_F2)
    settle()
    save(window, "explain-task-grid")
    save(view.explain_dialog, "explain-task")
    view.explain_dialog.close()


def save_crop(widget, rect, save, name) -> None:  # type: ignore[no-untyped-def]
    """`save` of a part of a widget (the home page's first row of cards)."""

    class Part:
        def grab(self):  # type: ignore[no-untyped-def]
            return widget.grab(rect)

    save(Part(), name)


if __name__ == "__main__":
    sys.exit(main())
