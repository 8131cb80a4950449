"""Screenshots of the real window with figures entered, for the README.

    xvfb-run -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py [--scale 2]

Builds a demo database in a temporary folder (a town and a key energy user, January–July 2024),
opens the program's main window for each and saves docs/screenshots/*.png.
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

    from PySide6.QtWidgets import QApplication

    from gui import app as gui_app
    from gui.settings import Settings

    qapp = QApplication(sys.argv)
    gui_app.install_translations(qapp)
    gui_app.install_font(qapp)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = demo_store(Path(tmp))
        settings = Settings(str(Path(tmp) / "tanbao.ini"))
        for unit_id, tabs in (
            ("fengjing", {"home": 0, "annex2": 1, "annex4": 2}),
            ("phcc", {"home-keyuser": 0, "annex3": 1}),
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
            window.resize(1400, 860)
            window.show()
            for name, tab in tabs.items():
                window.tabs.setCurrentIndex(tab)
                for _ in range(5):
                    qapp.processEvents()
                path = out / f"{name}{args.suffix}.png"
                window.grab().save(str(path))
                print(path)
            window.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
