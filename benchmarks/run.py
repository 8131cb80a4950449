"""TanBao at a district's real scale, side by side with today's way (issue 8). One command: `make bench`.

    .venv/bin/python benchmarks/run.py            # the large set: 300 units × 10 years, 300 signed packages
    .venv/bin/python benchmarks/run.py --keep     # reuse the set already made in benchmarks/work/ (git-ignored)
    .venv/bin/python benchmarks/run.py --quick    # a small set (60 units, 2 years), to try the harness

Makes the data set (benchmarks/dataset.py), then measures each group in a fresh process
(benchmarks/measure.py, benchmarks/startup_probe.py): importing the packages, figures and reports in
process, LibreOffice converting the same workbook to PDF, start-up to a usable window, and the window's
interactions. Every figure is the median of several runs with min and max. On the large set it writes its
section of benchmarks/RESULTS.md and exits non-zero when any budget is missed; the quick set only prints.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

import dataset  # noqa: E402
import machine_info  # noqa: E402
from xscreen import XScreen  # noqa: E402

PYTHON = sys.executable
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
BEGIN, END = "<!-- benchmarks/run.py: begin -->", "<!-- benchmarks/run.py: end -->"
HEADING = "## At a district's scale (issue 8)"

# Budgets (seconds), from issue 8. They live here, never in the test suite.
INTERACTION, CELL_SAVE, SIGNED_PDF, SUMMARY_PDF, IMPORT_ALL, START = 0.100, 0.016, 0.25, 1.0, 30.0, 0.8


@dataclass
class Figure:
    what: str
    values: list[float]
    budget: float | None = None
    note: str = ""
    unit: str = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def passed(self) -> bool | None:
        return None if self.budget is None else self.median <= self.budget

    def cells(self) -> list[str]:
        def show(v: float) -> str:
            if self.unit != "s":
                return f"{v:,.0f}"
            return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"

        budget = "" if self.budget is None else ("≤ " + show(self.budget))
        verdict = {None: "", True: "pass", False: "**FAIL**"}[self.passed]
        n = len(self.values)
        spread = f"{show(min(self.values))} – {show(max(self.values))}" if n > 1 else ""
        return [self.what, f"**{show(self.median)}**", spread, str(n), budget, verdict, self.note]


def log(text: str) -> None:
    print(text, flush=True)


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """As a clerk's machine runs the program: Python keeps its compiled modules (__pycache__, git-ignored)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


def child(args: list[str], env: dict[str, str] | None = None, timeout: float = 900) -> dict[str, Any]:
    """Run a measuring process; its result is its `BENCH {json}` line."""
    full_env = environment(env)
    done = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout, check=False
    )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("BENCH "):
            return dict(json.loads(line[6:]))
    raise RuntimeError(
        f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    )


def copy_db(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


def db_size(path: Path) -> int:
    return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())


# ---- the machine -----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    return {**machine_info.machine(), "libreoffice": libreoffice_version() or "LibreOffice not installed"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_version() -> str | None:
    exe = soffice()
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    return " ".join(out.split()[:2]) or None


# ---- the groups of measurements ------------------------------------------------------------------------


def measure_imports(work: Path, runs: int) -> tuple[list[float], dict[str, Any]]:
    """Each run: a fresh copy of the district's database and a fresh process, as a clerk starts an import."""
    seconds, last = [], {}
    for i in range(runs):
        copy_db(work / "district.sqlite", work / "import.sqlite")
        last = child(["benchmarks/measure.py", "import", str(work), str(work / "import.sqlite")])
        if last["not_accepted"]:
            raise RuntimeError(f"packages not accepted: {last['not_accepted']}")
        seconds.append(last["seconds"])
        log(f"  import run {i + 1}/{runs}: {last['files']} packages in {last['seconds']:.1f} s")
    copy_db(work / "import.sqlite", work / "district-july.sqlite")
    return seconds, last


def measure_libreoffice(work: Path, workbook: Path, runs: int) -> dict[str, Any] | None:
    """Today's way: LibreOffice headless converting the workbook to PDF (a fresh soffice each time)."""
    exe = soffice()
    if exe is None:
        return None
    profile = work / "libreoffice-profile"
    out = work / "libreoffice-out"
    shutil.rmtree(profile, ignore_errors=True)
    out.mkdir(exist_ok=True)
    command = [
        exe,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        str(workbook),
    ]

    def convert() -> float:
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, timeout=300, check=True)
        seconds = time.perf_counter() - started
        if not (out / (workbook.stem + ".pdf")).exists():
            raise RuntimeError("LibreOffice wrote no PDF")
        return seconds

    first = convert()  # makes the profile: once per user, not part of a conversion
    return {"first": first, "runs": [convert() for _ in range(runs)]}


def write_settings(folder: Path, db: Path, unit_id: str, plan_id: str) -> Path:
    """What a clerk of `unit_id` has after the first start: the profile in the database, the period in
    the settings where the program looks for them."""
    from gui.settings import Settings
    from model.store.database import open_database

    with open_database(db, write=True) as store:
        store.profile.set(dataset.PEOPLE | {"unit": unit_id}, who=dataset.WHO)
    shutil.rmtree(folder, ignore_errors=True)
    path = folder / "TanBao" / "TanBao" / "tanbao.ini"
    settings = Settings(str(path))
    settings.set_period(plan_id, dataset.PERIOD)
    del settings
    return path


def probe(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    return child(["benchmarks/startup_probe.py", *args], {**env, "BENCH_LAUNCHED_AT": repr(time.time())})


def measure_startup(work: Path, db: Path, units: dict[str, str], plan_id: str, runs: int) -> dict[str, Any]:
    base = {"QT_QPA_PLATFORM": "offscreen"}
    out: dict[str, Any] = {}
    for label, unit_id in units.items():
        xdg = work / f"xdg-{label}"
        write_settings(xdg, db, unit_id, plan_id)
        env = {**base, "XDG_CONFIG_HOME": str(xdg)}
        probe(["main.py", "--db", str(db)], env)  # warm the page cache: every run after it is the same
        results = [probe(["main.py", "--db", str(db)], env) for _ in range(runs)]
        if any(r["unit"] != unit_id for r in results):
            raise RuntimeError(f"start-up did not open {unit_id}'s window: {results[0]}")
        out[label] = [r["usable_s"] for r in results]
        out[f"{label}_maxrss"] = max(r["maxrss_mib"] for r in results)
        built = built_program()
        if built is not None and label == "town" and shutil.which("Xvfb"):
            # the built program cannot be probed from inside: both programs until the window is on an X screen
            out["built_program"] = str(built.relative_to(ROOT))
            screen = XScreen()
            try:
                x_env = {"XDG_CONFIG_HOME": str(xdg), "DISPLAY": screen.display, "QT_QPA_PLATFORM": "xcb"}
                for name, command in (("built", [str(built)]), ("source_x", [PYTHON, "main.py"])):
                    mapped([*command, "--db", str(db)], x_env, screen)
                    out[f"town_{name}"] = [
                        mapped([*command, "--db", str(db)], x_env, screen) for _ in range(runs)
                    ]
            finally:
                screen.close()
    probe(["--bare"], base)
    out["bare"] = [probe(["--bare"], base)["usable_s"] for _ in range(runs)]
    return out


def measure_backup(db: Path, runs: int) -> list[float]:
    """`backup_now` as the window calls it on a worker thread at every start (copy, check, rotate)."""
    from model.store.backup import START, backup_now

    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        backup_now(db, START)
        seconds.append(time.perf_counter() - started)
    shutil.rmtree(db.parent / "backups", ignore_errors=True)  # the start-up runs made one each too
    return seconds


def built_program() -> Path | None:
    """The folder build in dist/ (or where benchmarks/build_bench.py builds it), when there is one."""
    folders = (ROOT / "dist" / "TanBao", ROOT / "benchmarks" / "work" / "standalone" / "dist" / "TanBao")
    for candidate in (folder / name for folder in folders for name in ("TanBao", "TanBao.exe")):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def mapped(command: list[str], env: dict[str, str], screen: XScreen) -> float:
    """Launch until the main window is mapped on the screen; the program then quits by itself
    (TANBAO_QUIT_AFTER_MS) and is waited for, so every start finds the database closed cleanly."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment({**env, "TANBAO_QUIT_AFTER_MS": "300"}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen = None
    while process.poll() is None:
        if seen is None and screen.main_window_mapped():
            seen = time.perf_counter() - started
        time.sleep(0.002)
    if process.returncode != 0 or seen is None:
        raise RuntimeError(f"{command[0]}: exited {process.returncode}, main window seen: {seen is not None}")
    return seen


# ---- reporting ---------------------------------------------------------------------------------------


def table(figures: list[Figure]) -> str:
    head = ["what", "median", "min – max", "runs", "budget", "", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(f.cells()) + " |" for f in figures]
    return "\n".join(lines)


def section(body: str, command: str, info: dict[str, str], when: str) -> str:
    return (
        f"{BEGIN}\n"
        f"Measured {when} with `{command}` on {info['cpu']} ({info['cores']} cores, {info['memory']}), "
        f"{info['os']}, Python {info['python']}, {info['qt']}, {info['libreoffice']}.\n\n"
        f"{body}\n{END}"
    )


def write_results(text: str) -> None:
    """Replace the harness's block in RESULTS.md (the text around it is written by hand), or add it."""
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if BEGIN in current and END in current:
        before, rest = current.split(BEGIN, 1)
        updated = before + text + rest.split(END, 1)[1]
    else:
        updated = current.rstrip("\n") + f"\n\n{HEADING}\n\n{text}\n"
    RESULTS.write_text(updated, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="a small set (60 units, 2 years); budgets not enforced"
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse the data set made earlier in benchmarks/work/"
    )
    parser.add_argument("--runs", type=int, help="runs of each measurement (default 7; quick 3)")
    parser.add_argument("--import-runs", type=int, help="runs of the whole import (default 3; quick 2)")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave benchmarks/RESULTS.md alone"
    )
    args = parser.parse_args()
    scale = dataset.QUICK if args.quick else dataset.LARGE
    runs = args.runs or (3 if args.quick else 7)
    import_runs = args.import_runs or (2 if args.quick else 3)
    work = ROOT / "benchmarks" / "work" / ("quick" if args.quick else "large")
    started = time.perf_counter()
    info = machine()
    log(f"TanBao benchmarks — {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['qt']}")

    made = dataset.generate(work, scale, keep=args.keep, log=log)

    log("importing the packages …")
    import_seconds, imported = measure_imports(work, import_runs)
    db = work / "district-july.sqlite"

    log("figures, reports and workbooks in process …")
    reports = child(["benchmarks/measure.py", "reports", str(work), str(db), str(runs)])

    log("LibreOffice converting the same workbook …")
    town_xlsx = work / "files" / f"{reports['town']}.xlsx"
    lo = measure_libreoffice(work, town_xlsx, max(3, runs // 2))
    if lo is None:
        log("  LibreOffice is not installed: no comparison (apt-get install libreoffice-calc-nogui)")

    from model.store.database import open_database

    with open_database(db, write=True, create=True, seed=False) as store:
        plan = store.plans.get()
    units = {"town": reports["town"], "district": plan.district_unit}
    log("start-up to a usable window …")
    startup = measure_startup(work, db, units, plan.id, max(3, runs // 2 + 1))

    log("the backup the program makes at every start (in the background) …")
    backup_seconds = measure_backup(db, 2)

    log("the window: open, switch period, save a cell, paste a block …")
    window = child(
        ["benchmarks/measure.py", "window", str(work), str(db), str(runs)], {"QT_QPA_PLATFORM": "offscreen"}
    )

    town, key_user = reports["town"], reports["key_user"]
    n_units = reports["units_computed"]
    figures = [
        Figure("start from source to a usable window, town clerk (`python main.py`)", startup["town"], START),
        Figure("start from source to a usable window, district office", startup["district"], START),
    ]
    if "town_built" in startup:
        figures += [
            Figure(
                f"start of the built program ({startup['built_program']}) to its window on an X screen, town clerk",
                startup["town_built"],
                note="Xvfb, Qt's xcb platform",
            ),
            Figure(
                "the same from source (`python main.py`), to its window on an X screen",
                startup["town_source_x"],
            ),
        ]
    figures += [
        Figure("reference: bare PySide6 window with a 200-row table", startup["bare"]),
        Figure(f"open the window in process, town ({town})", window["town_open"]),
        Figure(f"open the window in process, key user ({key_user})", window["key_user_open"]),
        Figure("open the window in process, district office", window["district_open"]),
        Figure("switch the period, town", window["town_switch"], INTERACTION),
        Figure("switch the period, key user", window["key_user_switch"], INTERACTION),
        Figure(
            "switch the period, district office (on its home page)", window["district_switch"], INTERACTION
        ),
        Figure(
            "district office opens the district page: window answers",
            window["district_page_shown"],
            INTERACTION,
        ),
        Figure(
            "  … completeness and summary of every unit shown (computed off the GUI thread)",
            window["district_page_filled"],
        ),
        Figure(
            "switch the period on the district page: window answers",
            window["district_page_switch"],
            INTERACTION,
        ),
        Figure("  … the page filled in again", window["district_page_switch_filled"]),
        Figure("save one cell, town (annex 2, on its tab)", window["town_save"], CELL_SAVE),
        Figure("save one cell, town (annex 4 task, on its tab)", window["town_save_task"], CELL_SAVE),
        Figure("save one cell, key user (annex 3)", window["key_user_save"], CELL_SAVE),
        Figure("save one cell, district office (annex 1)", window["district_save"], CELL_SAVE),
        Figure("paste a 12 × 4 block, town (annex 2)", window["town_paste"], INTERACTION),
        Figure(
            f"recompute every unit's YTD figures: summary from the database ({n_units} units)",
            reports["summary_from_store"],
            note="the district page does this off the GUI thread",
        ),
        Figure(f"  of which reading every unit's figures ({n_units} queries)", reports["read_figures"]),
        Figure(
            f"  of which `unit_progress` for {n_units} units, figures in memory", reports["unit_progress_all"]
        ),
        Figure(
            f"signed PDF of a town ({town}, {reports['town_pdf_kib']:.0f} KiB), warm",
            reports["town_pdf"],
            SIGNED_PDF,
            f"first in process {reports['town_pdf_first']:.2f} s",
        ),
        Figure(
            f"signed PDF of a key user ({key_user}, {reports['key_user_pdf_kib']:.0f} KiB), warm",
            reports["key_user_pdf"],
            SIGNED_PDF,
            f"first in process {reports['key_user_pdf_first']:.2f} s",
        ),
        Figure(
            f"district summary PDF ({reports['summary_pdf_kib']:.0f} KiB, {reports['summary_reported']} units reported)",
            reports["summary_pdf"],
            SUMMARY_PDF,
            f"first in process {reports['summary_pdf_first']:.2f} s",
        ),
        Figure(
            f"workbook of a town ({reports['town_xlsx_kib']:.0f} KiB)",
            reports["town_xlsx"],
            note=f"first {reports['town_xlsx_first']:.2f} s",
        ),
        Figure(
            f"workbook of a key user ({reports['key_user_xlsx_kib']:.0f} KiB)",
            reports["key_user_xlsx"],
            note=f"first {reports['key_user_xlsx_first']:.2f} s",
        ),
        Figure(
            f"district summary workbook ({reports['summary_xlsx_kib']:.0f} KiB)",
            reports["summary_xlsx"],
            note=f"first {reports['summary_xlsx_first']:.2f} s",
        ),
        Figure(
            "backup of the district database at every start (copy, integrity check; off the GUI thread)",
            backup_seconds,
        ),
        Figure(
            f"import {imported['files']} signed packages (fresh process each run)",
            import_seconds,
            IMPORT_ALL,
            f"{statistics.median(import_seconds) / imported['files'] * 1000:.0f} ms a package",
        ),
    ]
    if lo is not None:
        ratio = statistics.median(lo["runs"]) / statistics.median(reports["town_pdf"])
        figures.append(
            Figure(
                "today's way: LibreOffice headless, the same town workbook → PDF",
                lo["runs"],
                note=f"**{ratio:.0f}×** TanBao's signed PDF; first run (new profile) {lo['first']:.1f} s",
            )
        )
    sizes = {
        "district database before the import": db_size(work / "district.sqlite"),
        "district database after importing July": db_size(db),
        f"the {imported['files']} signed packages (PDF)": sum(
            p.stat().st_size for p in (work / "packages").glob("*.pdf")
        ),
    }
    memory = {
        "window process (3 windows open in turn, interactions)": window["maxrss_mib"],
        "reports process (summary, PDFs, workbooks)": reports["maxrss_mib"],
        "import process": imported["maxrss_mib"],
        "start-up, town clerk": startup["town_maxrss"],
    }
    body = [
        f"Data set: {scale.senders} units sending a signed package for {dataset.PERIOD} plus the district's office "
        f"({n_units} reporting units, {len(plan.units)} in the plan), {scale.years} years ({scale.first_year}–"
        f"{dataset.PLAN_YEAR}), every field of each unit's annexes every month with last year's figures and notes "
        f"({made['district']['figures']:,} figures). Made in {made['seconds']:.0f} s"
        + (" (reused with --keep)" if made.get("reused") else "")
        + ".",
        "",
        table(figures),
        "",
        *(
            []
            if "town_built" in startup
            else [
                "No built program was found (dist/TanBao, benchmarks/work/standalone/dist/TanBao) or no Xvfb: "
                "`make build` first to measure its start beside the source's.",
                "",
            ]
        ),
        "| size | MiB |",
        "|---|---|",
        *[f"| {k} | {v / 2**20:,.1f} |" for k, v in sizes.items()],
        "",
        "| peak memory (ru_maxrss) | MiB |",
        "|---|---|",
        *[f"| {k} | {v:,.0f} |" for k, v in memory.items()],
    ]
    text = "\n".join(body)
    log("")
    log(text)
    missed = [f for f in figures if f.passed is False]
    command = ".venv/bin/python benchmarks/run.py --keep" if args.keep else "make bench"
    if not args.quick and not args.no_write:
        write_results(section(text, command, info, date.today().isoformat()))
        log(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    log(f"\ntotal {time.perf_counter() - started:.0f} s")
    if missed:
        log(
            "budgets missed: "
            + "; ".join(
                f"{f.what}: {f.median * 1000:.0f} ms > {f.budget * 1000:.0f} ms" for f in missed if f.budget
            )
        )
        return 0 if args.quick else 1
    log("every budget met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
