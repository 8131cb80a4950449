"""The measurements, each group in a fresh process started by benchmarks/run.py (not meant to be run alone).

    python benchmarks/measure.py import  WORK DB          # the district imports every package in WORK/packages
    python benchmarks/measure.py reports WORK DB RUNS     # figures, PDFs and workbooks in process
    python benchmarks/measure.py window  WORK DB RUNS     # the window, offscreen: open, switch period, save, paste

Each prints one line `BENCH {json}`: the timings (seconds) of every run and the process's peak memory.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import dataset  # noqa: E402

PEOPLE = dataset.PEOPLE


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def repeat(fn: Callable[[], Any], runs: int) -> list[float]:
    return [timed(fn) for _ in range(runs)]


def emit(data: dict[str, Any]) -> None:
    data["maxrss_mib"] = peak_mib()
    print("BENCH " + json.dumps(data, ensure_ascii=False), flush=True)


# ---- the district imports the month's packages ---------------------------------------------------


def measure_import(work: Path, db: Path) -> None:
    from model.exchange.district import ACCEPTED, import_packages
    from model.store.database import open_database

    paths = sorted((work / "packages").glob("*.pdf"))
    started = time.perf_counter()
    with open_database(db, write=True, create=True) as store:
        opened = time.perf_counter() - started
        outcomes = import_packages(store, paths, who="区发改委")
        seconds = time.perf_counter() - started
    refused = [o.message for o in outcomes if o.outcome != ACCEPTED]
    emit({"seconds": seconds, "open_s": opened, "files": len(paths), "not_accepted": refused[:5]})


# ---- reports and figures in process ----------------------------------------------------------------


def largest(plan: Any, units: list[str]) -> str:
    """The unit with the most fields: the longest report."""
    return max(units, key=lambda u: (len(plan.fields_for(u)), u))


def measure_reports(work: Path, db: Path, runs: int) -> None:
    from model.calc.progress import unit_progress
    from model.calc.summary import summary_from_store
    from model.common.periods import parse_period
    from model.reports.export import PDF, XLSX, district_summary_file, unit_report
    from model.reports.signing import load_key
    from model.reports.tables import ReportPeople
    from model.store.database import open_database

    out: dict[str, Any] = {}
    period = parse_period(dataset.PERIOD)
    people = ReportPeople(**PEOPLE)
    files = work / "files"
    files.mkdir(exist_ok=True)
    with open_database(db, write=True, create=True) as store:
        plan = store.plans.get()
        senders = dataset.senders(plan)
        town = largest(plan, [u for u in senders if plan.annex2_row(u)])
        key_user = largest(plan, [u for u in senders if plan.annex3_row(u)])
        out["town"], out["key_user"] = town, key_user

        # every unit's year-to-date figures: from the database, and the calculation alone
        out["summary_from_store"] = repeat(lambda: summary_from_store(store, period), runs)
        coefficients = store.plans.coefficients(plan.coefficients)
        units = [u.id for u in plan.reporting_units()]
        figures = {u: store.figures.read(plan.id, u) for u in units}
        out["read_figures"] = repeat(lambda: [store.figures.read(plan.id, u) for u in units], runs)
        out["unit_progress_all"] = repeat(
            lambda: [unit_progress(plan, coefficients, figures[u], u, period) for u in units], runs
        )
        out["units_computed"] = len(units)

        for label, unit_id in (("town", town), ("key_user", key_user)):
            key = load_key((work / "keys" / f"{unit_id}.p12").read_bytes(), dataset.PASSPHRASE)

            def signed(unit_id: str = unit_id, key: Any = key) -> bytes:
                return unit_report(
                    store, unit_id, period, PDF, people, who="王芳", key=key, signer_name="王芳"
                )

            def workbook(unit_id: str = unit_id) -> bytes:
                return unit_report(store, unit_id, period, XLSX, people, who="王芳")

            first = time.perf_counter()
            pdf = signed()
            out[f"{label}_pdf_first"] = time.perf_counter() - first
            out[f"{label}_pdf"] = repeat(signed, runs)
            out[f"{label}_pdf_kib"] = len(pdf) / 1024
            (files / f"{unit_id}.pdf").write_bytes(pdf)
            first = time.perf_counter()
            xlsx = workbook()
            out[f"{label}_xlsx_first"] = time.perf_counter() - first
            out[f"{label}_xlsx"] = repeat(workbook, runs)
            out[f"{label}_xlsx_kib"] = len(xlsx) / 1024
            (files / f"{unit_id}.xlsx").write_bytes(xlsx)

        for kind in (PDF, XLSX):
            first = time.perf_counter()
            data, summary = district_summary_file(store, period, kind, people)
            out[f"summary_{kind}_first"] = time.perf_counter() - first
            out[f"summary_{kind}"] = repeat(
                lambda kind=kind: district_summary_file(store, period, kind, people), runs
            )
            out[f"summary_{kind}_kib"] = len(data) / 1024
            (files / f"summary.{kind}").write_bytes(data)
        out["summary_reported"] = len(summary.reported)
    emit(out)


# ---- the window ------------------------------------------------------------------------------------


class WindowBench:
    """One clerk's window, offscreen, driven as the clerk drives it; every timing includes the repaint."""

    def __init__(self, app: Any, store: Any, work: Path, label: str, unit_id: str, runs: int) -> None:
        from gui import app as gui_app
        from gui.settings import Settings

        self.app, self.store, self.label, self.runs = app, store, label, runs
        self.settings = Settings(str(work / f"window-{label}.ini"))
        store.profile.set(PEOPLE | {"unit": unit_id}, who=dataset.WHO)
        self.settings.set_period(store.plans.get().id, dataset.PERIOD)
        self.window: Any = None
        started = time.perf_counter()
        self.window = gui_app.create_window(store, self.settings)
        assert self.window is not None
        self.window.show()
        self.settle()
        self.opened = time.perf_counter() - started
        self.box = self.window.period_box

    def settle(self) -> None:
        self.app.processEvents()  # deliver and repaint what changed: what the clerk sees

    def timed(self, action: Callable[[], Any]) -> float:
        started = time.perf_counter()
        action()
        self.settle()
        return time.perf_counter() - started

    def until_idle(self, action: Callable[[], Any]) -> tuple[float, float]:
        """(the window answers, the work it started on the worker thread is shown)."""
        started = time.perf_counter()
        action()
        self.settle()
        answered = time.perf_counter() - started
        while self.window.worker.busy():
            time.sleep(0.001)
            self.settle()
        return answered, time.perf_counter() - started

    def month(self, index: int) -> None:
        """Month `index` (0 = January) of the plan year, as the clerk picks it in the toolbar (the box
        starts at the plan's first report period, so its positions are not months)."""
        self.box.setCurrentIndex(self.box.findData(f"{dataset.PLAN_YEAR}-{index + 1:02d}"))

    def switches(self) -> list[float]:
        """June ↔ July, as the clerk picks it in the toolbar."""
        times = [self.timed(lambda i=i: self.month(5 + i % 2)) for i in range(self.runs)]
        self.month(6)
        self.settle()
        return times

    def form(self, kind: type) -> Any:
        form = next(f for f in self.window.forms if isinstance(f, kind))
        self.window.tabs.setCurrentWidget(form)  # the clerk is on the form's tab
        self.settle()
        return form

    def saves(self, kind: type, field: str) -> list[float]:
        """One cell saved as the grid's editor commits it, a different value each time: a clerk types
        many, so twice the runs after the first (which follows the tab's first paint)."""
        from PySide6.QtCore import Qt

        model = self.form(kind).view.grid()
        index = model.locate(dataset.PERIOD, field)
        assert index is not None, (self.label, field)
        start = float(self.window.session.figure(dataset.PERIOD, field).value)
        step = 0.1 if start > 1 else 0.01
        values = [f"{start - i * step:.2f}" for i in range(1, 2 * self.runs + 2)]
        model.setData(index, values.pop(0), Qt.ItemDataRole.EditRole)  # the first after opening the tab
        self.settle()
        times = [self.timed(lambda v=v: model.setData(index, v, Qt.ItemDataRole.EditRole)) for v in values]
        saved = self.window.session.figure(dataset.PERIOD, field)
        assert saved is not None and abs((saved.value or 0) - float(values[-1])) < 1e-6, (
            "the cell was not saved"
        )
        return times

    def pastes(self, kind: type) -> list[float]:
        """A 12 × 4 block from Excel at the first cell, in December (every month open)."""
        from PySide6.QtCore import Qt

        self.month(11)
        view = self.form(kind).view
        model = view.grid()
        view.setCurrentIndex(model.index(0, 0))
        base = [
            float(model.data(model.index(r, c), Qt.ItemDataRole.EditRole) or 1000)
            for r in range(12)
            for c in range(4)
        ]

        def block(run: int) -> str:
            rows = [
                "\t".join(f"{base[r * 4 + c] * (1 + (run + 1) / 1000):,.2f}" for c in range(4))
                for r in range(12)
            ]
            return "\r\n".join(rows) + "\r\n"

        view.ask = lambda title, question: True
        times = [self.timed(lambda r=r: view.paste(block(r))) for r in range(self.runs)]
        pasted = self.window.session.figure(f"{dataset.PLAN_YEAR}-12", model.address(11, 3)[1].key)
        assert pasted is not None, "the block was not pasted"
        self.month(6)
        self.settle()
        return times

    def district_page(self) -> dict[str, list[float]]:
        """The district office on its own page: the window answers, the page fills in after."""
        shown, filled = self.until_idle(lambda: self.window.tabs.setCurrentWidget(self.window.district))
        runs = [self.until_idle(lambda i=i: self.month(5 + i % 2)) for i in range(self.runs)]
        assert "已报" in self.window.district.heading.text(), self.window.district.heading.text()
        self.until_idle(lambda: self.month(6))
        return {
            "district_page_shown": [shown],
            "district_page_filled": [filled],
            "district_page_switch": [a for a, _f in runs],
            "district_page_switch_filled": [f for _a, f in runs],
        }

    def close(self) -> None:
        self.window.close()
        self.settle()


def measure_window(work: Path, db: Path, runs: int) -> None:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from gui import app as gui_app
    from gui.annex2_form import Annex2Form
    from gui.annex3_form import Annex3Form
    from gui.tasks_form import TasksForm
    from model.store.database import open_database

    app = QApplication(["bench"])
    app.setApplicationName("TanBao")
    app.setOrganizationName("TanBao")
    gui_app.install_translations(app)
    gui_app.install_font(app)
    out: dict[str, Any] = {}
    with open_database(db, write=True, create=True) as store:
        plan = store.plans.get()
        senders = dataset.senders(plan)
        town = largest(plan, [u for u in senders if plan.annex2_row(u)])
        key_user = largest(plan, [u for u in senders if plan.annex3_row(u)])
        task = next(t.id for t in plan.annex4_rows_for(town) if t.quantity is None)
        out["units"] = {"town": town, "key_user": key_user, "district": plan.district_unit}

        bench = WindowBench(app, store, work, "town", town, runs)
        out["town_open"], out["town_switch"] = [bench.opened], bench.switches()
        out["town_save"] = bench.saves(Annex2Form, "energy_tce")
        out["town_save_task"] = bench.saves(TasksForm, f"{task}.progress_pct")
        out["town_paste"] = bench.pastes(Annex2Form)
        bench.close()

        bench = WindowBench(app, store, work, "key_user", key_user, runs)
        out["key_user_open"], out["key_user_switch"] = [bench.opened], bench.switches()
        out["key_user_save"] = bench.saves(Annex3Form, "electricity_kwh")
        bench.close()

        bench = WindowBench(app, store, work, "district", plan.district_unit, runs)
        out["district_open"], out["district_switch"] = [bench.opened], bench.switches()
        out["district_save"] = bench.saves(TasksForm, "A1-01.value")
        out.update(bench.district_page())
        bench.close()
    emit(out)


def main() -> int:
    part, work, db = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if part == "import":
        measure_import(work, db)
    elif part == "reports":
        measure_reports(work, db, int(sys.argv[4]))
    elif part == "window":
        measure_window(work, db, int(sys.argv[4]))
    else:
        raise SystemExit(f"unknown part {part}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
