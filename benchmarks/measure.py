"""The measurements, each group in a fresh process started by benchmarks/run.py (not meant to be run alone).

    python benchmarks/measure.py import  WORK DB          # the district imports every package in WORK/packages
    python benchmarks/measure.py reports WORK DB RUNS     # PDFs and workbooks in process
    python benchmarks/measure.py district WORK DB RUNS    # the district view of every unit
    python benchmarks/measure.py window  WORK DB RUNS CLERK_DB  # the window, offscreen: open, switch, save, paste
    python benchmarks/measure.py clerk   WORK CLERK_DB    # July of the measured town and key user typed in
    python benchmarks/measure.py backup  WORK DB RUNS     # the backup at start, unchanged and changed database

Each prints one line `BENCH {json}`: the timings (seconds) of every run and the process's peak memory.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import threading
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


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (a pool's workers may hang under a fork server), read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _peak_kib(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), 0 when it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


class ChildrenPeak:
    """The largest peak RSS of any process started below this one while it runs (sampled from /proc
    every 0.2 s: VmHWM is a peak, so a worker is caught as long as it lives 0.2 s), and of the children
    reaped (RUSAGE_CHILDREN)."""

    def __init__(self) -> None:
        self.kib: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.2):
            for pid in _descendants(me):
                self.kib[pid] = max(self.kib.get(pid, 0), _peak_kib(pid))

    def __enter__(self) -> ChildrenPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak_mib(self) -> float:
        reaped = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return max([reaped, *self.kib.values()]) / 1024

    def count(self) -> int:
        return len([k for k in self.kib.values() if k])


def measure_import(work: Path, db: Path) -> None:
    from model.exchange.district import ACCEPTED, import_packages
    from model.store.database import open_database

    paths = sorted((work / "packages").glob("*.pdf"))
    with ChildrenPeak() as children:
        started = time.perf_counter()
        with open_database(db, write=True, create=True) as store:
            opened = time.perf_counter() - started
            outcomes = import_packages(store, paths, who="区发改委")
            seconds = time.perf_counter() - started
    refused = [o.message for o in outcomes if o.outcome != ACCEPTED]
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    emit(
        {
            "seconds": seconds,
            "open_s": opened,
            "files": len(paths),
            "outcomes": len(outcomes),
            "in_order": [Path(o.path).name for o in outcomes] == [p.name for p in paths],
            "not_accepted": refused[:5],
            "children_maxrss_mib": children.peak_mib(),
            "children": children.count(),
            "cpu_s": own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime,
        }
    )


# ---- the backup the window makes at start ------------------------------------------------------------


def measure_backup(db: Path, runs: int) -> None:
    """What the window runs at start (gui/app.py `start_backups`): `backup_if_changed(path, START)`,
    on a database nothing changed in since its newest backup, and after one change."""
    from model.store.backup import START, backup_if_changed, backups_dir, list_backups
    from model.store.database import open_database

    shutil.rmtree(backups_dir(db), ignore_errors=True)
    first = timed(lambda: backup_if_changed(db, START))  # no backup yet: one is made
    unchanged, made = [], 0
    for _ in range(runs):
        before = len(list_backups(db))
        unchanged.append(timed(lambda: backup_if_changed(db, START)))
        made += len(list_backups(db)) - before
    changed = []
    for i in range(max(2, runs // 3)):
        with open_database(db, write=True) as store:
            store.profile.set(PEOPLE | {"preparer": f"王芳{i}"}, who=dataset.WHO)
        before = len(list_backups(db))
        changed.append(timed(lambda: backup_if_changed(db, START)))
        if len(list_backups(db)) != before + 1:
            raise RuntimeError("a changed database was not backed up")
    shutil.rmtree(backups_dir(db), ignore_errors=True)
    emit({"first": first, "unchanged": unchanged, "unchanged_made": made, "changed": changed})


# ---- reports and figures in process ----------------------------------------------------------------


def largest(plan: Any, units: list[str]) -> str:
    """The unit with the most fields: the longest report."""
    return max(units, key=lambda u: (len(plan.fields_for(u)), u))


def clerks(plan: Any) -> tuple[str, str]:
    """The town and the key user with the most fields, whose windows and reports are measured."""
    senders = dataset.senders(plan)
    town = largest(plan, [u for u in senders if plan.annex2_row(u)])
    return town, largest(plan, [u for u in senders if plan.annex3_row(u)])


def measure_largest(db: Path) -> None:
    from model.store.database import open_database

    with open_database(db, write=False) as store:
        town, key_user = clerks(store.plans.get())
    emit({"town": town, "key_user": key_user})


def make_clerk(db: Path) -> None:
    """A clerk's database from a copy of the district's before the import (ten years, January–June of
    every unit): July's figures of the measured town and key user typed in, as their clerks have them.
    (On the district's database a received month cannot be typed over.)"""
    from model.store.database import open_database

    with open_database(db, write=True) as store:
        plan = store.plans.get()
        town, key_user = clerks(plan)
        dataset.write_figures_fast(store, plan, [town, key_user], range(7, 8))
        dataset.checkpoint(store)
    emit({"town": town, "key_user": key_user})


def measure_district(db: Path, runs: int) -> None:
    """The district view of every reporting unit from the received packages, as the district page and
    both summary exports get it (`district_view`), on the district's database after the import."""
    from model.calc.summary import district_view
    from model.common.periods import parse_period
    from model.store.database import open_database

    period = parse_period(dataset.PERIOD)
    out: dict[str, Any] = {}
    with open_database(db, write=True, create=True) as store:
        plan = store.plans.get()
        first = time.perf_counter()
        view = district_view(store, period)
        out["district_view_first"] = time.perf_counter() - first
        out["district_view"] = repeat(lambda: district_view(store, period), runs)
        out["units"] = len(plan.reporting_units())
        out["reported"] = len(view.reported)
    emit(out)


def measure_reports(work: Path, db: Path, runs: int) -> None:
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
        """The month (0 = January) of the plan's year, picked by its period in the toolbar's list."""
        found = self.box.findData(f"{dataset.PLAN_YEAR}-{index + 1:02d}")
        assert found >= 0, index
        self.box.setCurrentIndex(found)

    def switches(self) -> list[float]:
        """June ↔ July, as the clerk picks it in the toolbar."""
        times = [self.timed(lambda i=i: self.month(5 + i % 2)) for i in range(self.runs)]
        self.month(6)
        self.settle()
        return times

    def form(self, kind: type, field: str = "") -> Any:
        """The clerk's form of this kind; of the task forms (annex 1, annex 4) the one whose rows hold
        `field` ("A4-15.progress_pct")."""
        row = field.split(".", 1)[0]
        form = next(
            f
            for f in self.window.forms
            if isinstance(f, kind) and (not hasattr(f, "annex") or not field or f"A{f.annex}" in row)
        )
        self.window.tabs.setCurrentWidget(form)  # the clerk is on the form's tab
        self.settle()
        return form

    def saves(self, kind: type, field: str) -> list[float]:
        """One cell saved as the grid's editor commits it, a different value each time: a clerk types
        many, so twice the runs after the first (which follows the tab's first paint)."""
        from PySide6.QtCore import Qt

        model = self.form(kind, field).view.grid()
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


def bare_repaint(app: Any, runs: int) -> list[float]:
    """The reference of the window's interactions: a bare QTableWidget (200 × 6, as the start-up
    reference) given a new text in every cell and repainted, in this process: about what a form's
    refresh asks of Qt, without TanBao's code."""
    from startup_probe import bare_table

    table = bare_table()
    app.processEvents()
    times = []
    for i in range(runs):
        started = time.perf_counter()
        for r in range(200):
            for c in range(6):
                table.item(r, c).setText(f"{(r * c + i) * 1.5:.2f}")
        app.processEvents()
        times.append(time.perf_counter() - started)
    table.close()
    app.processEvents()
    return times


def measure_window(work: Path, db: Path, runs: int, clerk_db: Path) -> None:
    """The town's and the key user's windows on a clerk's database (`make_clerk`), the district
    office's on the district's database after the import."""
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
    out: dict[str, Any] = {"bare_repaint": bare_repaint(app, 2 * runs)}
    with open_database(clerk_db, write=True) as store:
        plan = store.plans.get()
        town, key_user = clerks(plan)
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
    with open_database(db, write=True) as store:
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
        measure_window(work, db, int(sys.argv[4]), Path(sys.argv[5]))
    elif part == "clerk":
        make_clerk(db)
    elif part == "largest":
        measure_largest(db)
    elif part == "district":
        measure_district(db, int(sys.argv[4]))
    elif part == "backup":
        measure_backup(db, int(sys.argv[4]))
    else:
        raise SystemExit(f"unknown part {part}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
