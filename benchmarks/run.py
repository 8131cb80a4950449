"""TanBao at a district's real scale, each figure beside a reference measured in the same run (issues 8, 17).

    make bench                                     # bench-deps (LibreOffice), the large set, every group
    .venv/bin/python benchmarks/run.py --keep      # reuse the set already made in benchmarks/work/large
    .venv/bin/python benchmarks/run.py --work DIR  # the set in DIR (made there when missing; reused when made)
    .venv/bin/python benchmarks/run.py --only import,window   # some groups only (see --help)
    .venv/bin/python benchmarks/run.py --quick     # a small set (60 units, 2 years), to try the harness

Makes the data set (benchmarks/dataset.py: 300 units × 10 years, 946k figures, 300 signed packages), then
measures each group in a fresh process (benchmarks/measure.py, benchmarks/startup_probe.py). Every figure
is the median of several runs, printed with its ratio to a reference measured in the same run (a bare
PySide6 window, LibreOffice converting the same workbook to PDF, `python -c pass`, a bare Qt table's
repaint), since absolute times on this shared machine move by ±30 % between runs. The goals of issue 17
live in GOALS below (never in the test suite); each is judged on the absolute median (start-up: on its
ratio to the bare window) and said pass or FAIL. A full run on the large set appends a dated entry to the
history in benchmarks/RESULTS.md and exits non-zero when a goal is missed; --quick and --only print only
(unless --write).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

import dataset  # noqa: E402
import machine_info  # noqa: E402
from bench_results import (  # noqa: E402
    Figure,
    Goal,
    Reference,
    append_entry,
    commit_label,
    references_text,
    table,
    verdicts,
)
from xscreen import XScreen  # noqa: E402

PYTHON = sys.executable
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
GROUPS = ("startup", "window", "district", "reports", "import", "backup", "size")

# The goals of issue 17 (seconds unless said). They live here, never in the test suite.
GOALS = {
    "start_ratio": Goal(2.0, on_ratio=True),  # start to a usable window ÷ bare PySide6 window
    "district_page_filled": Goal(0.100),  # after a period switch, and on first open
    "district_view": Goal(0.050),  # the district view of 301 units from the database
    "save_cell": Goal(0.008),  # annex-4 task and annex 2
    "switch_town": Goal(0.016),
    "paste": Goal(0.016),  # a 12 × 4 block
    "summary_pdf": Goal(0.300),
    "summary_xlsx": Goal(0.200),
    "import_all": Goal(4.0),  # 300 signed packages
    "backups_unchanged": Goal(0),  # backups made at start when nothing changed
    "bytes_per_figure": Goal(175),
    "window_rss": Goal(200, strict=True),  # MiB
    "import_rss": Goal(150, strict=True),  # MiB, per process (the import's and each worker's)
}


def log(text: str) -> None:
    print(text, flush=True)


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """As a clerk's machine runs the program: Python keeps its compiled modules (__pycache__, git-ignored)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


def child(args: list[str], env: dict[str, str] | None = None, timeout: float = 1800) -> dict[str, Any]:
    """Run a measuring process; its result is its `BENCH {json}` line."""
    import json

    done = subprocess.run(
        [PYTHON, *args],
        cwd=ROOT,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
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


def timed_process(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=environment(), capture_output=True, check=True)
    return time.perf_counter() - started


# ---- the machine and the commit ------------------------------------------------------------------------


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


def ensure_libreoffice() -> str:
    """soffice, installed by scripts/bench-deps.sh when missing: the comparison runs every time."""
    if soffice() is None:
        log("LibreOffice is missing: scripts/bench-deps.sh installs it …")
        subprocess.run(["bash", str(ROOT / "scripts" / "bench-deps.sh")], check=False)
    exe = soffice()
    if exe is None:
        raise SystemExit(
            "LibreOffice (soffice) is needed for the reports' reference: run scripts/bench-deps.sh"
        )
    return exe


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def commit() -> str:
    """`git rev-parse --short HEAD`, +dirty when the tree differs from it (RESULTS.md itself aside)."""
    dirty = bool(git("status", "--porcelain", "--", ".", ":!benchmarks/RESULTS.md"))
    return commit_label(git("rev-parse", "--short", "HEAD") or "unknown", dirty)


# ---- the references --------------------------------------------------------------------------------


class Bench:
    """One run: the data set, its options, the references and the figures measured so far."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick = args.quick
        self.scale = dataset.QUICK if args.quick else dataset.LARGE
        self.runs = args.runs or (3 if args.quick else 7)
        self.import_runs = args.import_runs or (2 if args.quick else 3)
        self.work = (
            Path(args.work)
            if args.work
            else ROOT / "benchmarks" / "work" / ("quick" if args.quick else "large")
        )
        self.groups = only(args.only)
        self.refs: dict[str, Reference] = {}
        self.figures: list[Figure] = []
        self.facts: list[str] = []
        self.db = self.work / "district-july.sqlite"
        self.made: dict[str, Any] = {}

    def add(self, *figures: Figure) -> None:
        self.figures.extend(figures)

    def ref(self, key: str) -> Reference | None:
        return self.refs.get(key)

    def python_reference(self) -> None:
        """`python -c pass` (twice the runs: it is cheap) and its peak memory, the reference of the
        import, the district view and the backup."""
        command = [PYTHON, "-c", "pass"]
        timed_process(command)
        self.refs["py"] = Reference(
            "py",
            "`python -c pass` (the same interpreter)",
            tuple(timed_process(command) for _ in range(2 * self.runs)),
        )
        rss = child(
            [
                "-c",
                "import resource; print('BENCH {\"kib\": %d}' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)",
            ]
        )
        self.refs["py RSS"] = Reference(
            "py RSS", "peak memory of `python -c pass`", (rss["kib"] / 1024,), "MiB"
        )


def only(text: str | None) -> tuple[str, ...]:
    if not text:
        return GROUPS
    wanted = tuple(g.strip() for g in text.split(",") if g.strip())
    unknown = [g for g in wanted if g not in GROUPS]
    if unknown:
        raise SystemExit(f"unknown group {', '.join(unknown)}: choose from {', '.join(GROUPS)}")
    return wanted


# ---- the groups of measurements ------------------------------------------------------------------------


def run_imports(bench: Bench) -> None:
    """Each run: a fresh copy of the district's database and a fresh process, as a clerk starts an import."""
    work = bench.work
    seconds, last = [], {}
    children = []
    for i in range(bench.import_runs):
        copy_db(work / "district.sqlite", work / "import.sqlite")
        last = child(["benchmarks/measure.py", "import", str(work), str(work / "import.sqlite")])
        if last["not_accepted"]:
            raise RuntimeError(f"packages not accepted: {last['not_accepted']}")
        if not last["in_order"]:
            raise RuntimeError("the import did not give one outcome per file in input order")
        seconds.append(last["seconds"])
        children.append(last["children_maxrss_mib"])
        log(f"  import run {i + 1}/{bench.import_runs}: {last['files']} packages in {last['seconds']:.1f} s")
    copy_db(work / "import.sqlite", bench.db)
    n = last["files"]
    per_process = [max(last["maxrss_mib"], c) for c in children]
    bench.add(
        Figure(
            f"import {n} signed packages (fresh process each run)",
            seconds,
            GOALS["import_all"],
            bench.ref("py"),
            note=f"{sum(seconds) / len(seconds) / n * 1000:.0f} ms a package; opening the database {last['open_s'] * 1000:.0f} ms",
        ),
        Figure(
            "memory: the import, largest process (the import's own or a worker's)",
            per_process,
            GOALS["import_rss"],
            bench.ref("py RSS"),
            "MiB",
            f"import process {last['maxrss_mib']:.0f} MiB, largest of {last['children']} worker processes {max(children):.0f} MiB",
        ),
    )


def make_imported(bench: Bench) -> None:
    """The district's database after the import, for the groups after it, when the import is not measured."""
    if bench.db.exists():
        return
    log("importing the packages once (not measured) …")
    copy_db(bench.work / "district.sqlite", bench.work / "import.sqlite")
    child(["benchmarks/measure.py", "import", str(bench.work), str(bench.work / "import.sqlite")])
    copy_db(bench.work / "import.sqlite", bench.db)


def libreoffice(work: Path, workbook: Path, runs: int) -> tuple[float, list[float]]:
    """Today's way: LibreOffice headless converting the workbook to PDF (a fresh soffice each time)."""
    exe = ensure_libreoffice()
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
        (out / (workbook.stem + ".pdf")).unlink(missing_ok=True)
        seconds = timed_process(command)
        if not (out / (workbook.stem + ".pdf")).exists():
            raise RuntimeError("LibreOffice wrote no PDF")
        return seconds

    first = convert()  # makes the profile: once per user, not part of a conversion
    return first, [convert() for _ in range(runs)]


def run_reports(bench: Bench) -> None:
    reports = child(["benchmarks/measure.py", "reports", str(bench.work), str(bench.db), str(bench.runs)])
    log("LibreOffice converting the same workbooks …")
    lo_runs = max(3, bench.runs // 2)
    files = bench.work / "files"
    lo_first, lo_summary = libreoffice(bench.work, files / "summary.xlsx", lo_runs)
    _first, lo_town = libreoffice(bench.work, files / f"{reports['town']}.xlsx", lo_runs)
    bench.refs["LO"] = Reference(
        "LO",
        "LibreOffice headless converting the district summary workbook to PDF (fresh soffice each)",
        tuple(lo_summary),
    )
    bench.refs["LO town"] = Reference(
        "LO town", "LibreOffice headless converting the town's workbook to PDF", tuple(lo_town)
    )
    lo, lo_t = bench.ref("LO"), bench.ref("LO town")
    r = reports
    bench.add(
        Figure(
            f"district summary PDF ({r['summary_pdf_kib']:.0f} KiB, {r['summary_reported']} units reported)",
            r["summary_pdf"],
            GOALS["summary_pdf"],
            lo,
            note=f"first in process {r['summary_pdf_first']:.2f} s",
        ),
        Figure(
            f"district summary workbook ({r['summary_xlsx_kib']:.0f} KiB)",
            r["summary_xlsx"],
            GOALS["summary_xlsx"],
            lo,
            note=f"first in process {r['summary_xlsx_first']:.2f} s",
        ),
        Figure(
            f"signed PDF of a town ({r['town']}, {r['town_pdf_kib']:.0f} KiB), warm",
            r["town_pdf"],
            None,
            lo_t,
            note=f"first in process {r['town_pdf_first']:.2f} s",
        ),
        Figure(
            f"signed PDF of a key user ({r['key_user']}, {r['key_user_pdf_kib']:.0f} KiB), warm",
            r["key_user_pdf"],
            None,
            lo_t,
            note=f"first in process {r['key_user_pdf_first']:.2f} s",
        ),
        Figure(
            f"workbook of a town ({r['town_xlsx_kib']:.0f} KiB)",
            r["town_xlsx"],
            None,
            lo_t,
            note=f"first {r['town_xlsx_first']:.2f} s",
        ),
        Figure(
            "memory: the reports process (PDFs, workbooks)",
            [r["maxrss_mib"]],
            None,
            bench.ref("py RSS"),
            "MiB",
        ),
    )
    bench.facts.append(f"LibreOffice's first conversion (a new profile) {lo_first:.1f} s, not counted.")


def run_district(bench: Bench) -> None:
    d = child(["benchmarks/measure.py", "district", str(bench.work), str(bench.db), str(bench.runs)])
    bench.add(
        Figure(
            f"district summary from the database: `district_view` ({d['units']} units, {d['reported']} packages)",
            d["district_view"],
            GOALS["district_view"],
            bench.ref("py"),
            note=f"first in process {d['district_view_first'] * 1000:.0f} ms",
        )
    )


def write_settings(folder: Path, db: Path, unit_id: str, plan_id: str) -> None:
    """What a clerk of `unit_id` has after the first start: the profile in the database, the period in
    the settings where the program looks for them."""
    from gui.settings import Settings
    from model.store.database import open_database

    with open_database(db, write=True) as store:
        store.profile.set(dataset.PEOPLE | {"unit": unit_id}, who=dataset.WHO)
    shutil.rmtree(folder, ignore_errors=True)
    settings = Settings(str(folder / "TanBao" / "TanBao" / "tanbao.ini"))
    settings.set_period(plan_id, dataset.PERIOD)
    del settings


def probe(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    return child(["benchmarks/startup_probe.py", *args], {**env, "BENCH_LAUNCHED_AT": repr(time.time())})


def run_startup(bench: Bench) -> None:
    """Town clerk, district office and the bare window, alternately: each round measures all three. The
    clerk's unit is in the database's profile, so each starts on a copy of its own: the town clerk of the
    clerk's database, the district office of the district's after the import."""
    from model.store.database import open_database

    with open_database(bench.db, write=True) as store:
        plan = store.plans.get()
    town = child(["benchmarks/measure.py", "largest", str(bench.work), str(bench.db)])["town"]
    base = {"QT_QPA_PLATFORM": "offscreen"}
    clerks = {"town": town, "district": plan.district_unit}
    envs, programs = {}, {}
    for label, unit_id in clerks.items():
        db = bench.work / f"start-{label}.sqlite"
        copy_db(make_clerk(bench) if label == "town" else bench.db, db)
        xdg = bench.work / f"xdg-{label}"
        write_settings(xdg, db, unit_id, plan.id)
        envs[label] = {**base, "XDG_CONFIG_HOME": str(xdg)}
        programs[label] = ["main.py", "--db", str(db)]
        probe(programs[label], envs[label])  # warm the page cache, __pycache__ and the start backup
    probe(["--bare"], base)
    results: dict[str, list[dict[str, Any]]] = {"bare": [], "town": [], "district": []}
    for _ in range(max(3, bench.runs // 2 + 1)):
        results["bare"].append(probe(["--bare"], base))
        for label in clerks:
            results[label].append(probe(programs[label], envs[label]))
    for label, unit_id in clerks.items():
        if any(r["unit"] != unit_id for r in results[label]):
            raise RuntimeError(f"start-up did not open {unit_id}'s window: {results[label][0]}")
    bench.refs["Qt"] = Reference(
        "Qt",
        "bare PySide6 window with a 200-row table, started from source",
        tuple(r["usable_s"] for r in results["bare"]),
    )
    bench.refs["Qt RSS"] = Reference(
        "Qt RSS", "peak memory of that bare window", tuple(r["maxrss_mib"] for r in results["bare"]), "MiB"
    )
    for label, who in (("town", f"town clerk ({town})"), ("district", "district office")):
        bench.add(
            Figure(
                f"start from source to a usable window, {who}",
                [r["usable_s"] for r in results[label]],
                GOALS["start_ratio"],
                bench.ref("Qt"),
            )
        )
    bench.add(
        Figure(
            "memory: the window at start, district office",
            [r["maxrss_mib"] for r in results["district"]],
            GOALS["window_rss"],
            bench.ref("Qt RSS"),
            "MiB",
        )
    )
    built_program_start(bench, envs["town"]["XDG_CONFIG_HOME"], Path(programs["town"][-1]))
    for label in clerks:
        remove_db(bench.work / f"start-{label}.sqlite")


def remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(db.parent / "backups", ignore_errors=True)


def built_program() -> Path | None:
    """The folder build in dist/ (or where benchmarks/build_bench.py builds it), when there is one."""
    folders = (ROOT / "dist" / "TanBao", ROOT / "benchmarks" / "work" / "standalone" / "dist" / "TanBao")
    for candidate in (folder / name for folder in folders for name in ("TanBao", "TanBao.exe")):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def built_program_start(bench: Bench, xdg: str, db: Path) -> None:
    """The built program cannot be probed from inside: both programs until the window is on an X screen."""
    built = built_program()
    if built is None or not shutil.which("Xvfb"):
        bench.facts.append(
            "No built program (dist/TanBao) or no Xvfb: its start was not measured (`make build` first)."
        )
        return
    screen = XScreen()
    try:
        env = {"XDG_CONFIG_HOME": xdg, "DISPLAY": screen.display, "QT_QPA_PLATFORM": "xcb"}
        for name, command in (
            (f"the built program ({built.relative_to(ROOT)})", [str(built)]),
            ("the same from source", [PYTHON, "main.py"]),
        ):
            mapped([*command, "--db", str(db)], env, screen)
            times = [
                mapped([*command, "--db", str(db)], env, screen) for _ in range(max(3, bench.runs // 2 + 1))
            ]
            bench.add(
                Figure(
                    f"start of {name} to its window on an X screen (Xvfb), town clerk",
                    times,
                    None,
                    bench.ref("Qt"),
                )
            )
    finally:
        screen.close()


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


def make_clerk(bench: Bench) -> Path:
    """A clerk's database (benchmarks/measure.py `make_clerk`), made again when the set was."""
    clerk = bench.work / "clerk.sqlite"
    source = bench.work / "district.sqlite"
    if not clerk.exists() or clerk.stat().st_mtime < source.stat().st_mtime:
        copy_db(source, bench.work / "clerk-new.sqlite")
        child(["benchmarks/measure.py", "clerk", str(bench.work), str(bench.work / "clerk-new.sqlite")])
        remove_db(clerk)
        (bench.work / "clerk-new.sqlite").replace(clerk)
    return clerk


def run_window(bench: Bench) -> None:
    clerk = make_clerk(bench)
    w = child(
        ["benchmarks/measure.py", "window", str(bench.work), str(bench.db), str(bench.runs), str(clerk)],
        {"QT_QPA_PLATFORM": "offscreen"},
    )
    bench.refs["repaint"] = Reference(
        "repaint",
        "a bare QTableWidget (200 × 6) given new text in every cell and repainted, in the window's process",
        tuple(w["bare_repaint"]),
    )
    rp = bench.ref("repaint")
    u = w["units"]
    rows = [
        (
            "district office opens the district page: the page filled (first open, off the GUI thread)",
            "district_page_filled",
            GOALS["district_page_filled"],
        ),
        (
            "switch the period on the district page: the page filled again",
            "district_page_switch_filled",
            GOALS["district_page_filled"],
        ),
        ("  … the window answers", "district_page_switch", None),
        ("save one cell, town (annex 4 task, on its tab)", "town_save_task", GOALS["save_cell"]),
        ("save one cell, town (annex 2, on its tab)", "town_save", GOALS["save_cell"]),
        ("save one cell, key user (annex 3)", "key_user_save", None),
        ("save one cell, district office (annex 1)", "district_save", None),
        ("switch the period, town", "town_switch", GOALS["switch_town"]),
        ("switch the period, key user", "key_user_switch", None),
        ("switch the period, district office (on its home page)", "district_switch", None),
        ("paste a 12 × 4 block, town (annex 2)", "town_paste", GOALS["paste"]),
        (f"open the window in process, town ({u['town']})", "town_open", None),
        ("open the window in process, district office", "district_open", None),
    ]
    bench.add(*(Figure(what, w[key], goal, rp) for what, key, goal in rows))
    bench.add(
        Figure(
            "memory: the window process (town, key user, district office with its page filled, in turn)",
            [w["maxrss_mib"]],
            GOALS["window_rss"],
            bench.ref("Qt RSS"),
            "MiB",
        )
    )


def run_backup(bench: Bench) -> None:
    db = bench.work / "backup.sqlite"
    copy_db(bench.db, db)
    b = child(["benchmarks/measure.py", "backup", str(bench.work), str(db), str(bench.runs)])
    size = db_size(db) / 2**20
    py = bench.ref("py")
    bench.add(
        Figure(
            "backups made at start when nothing changed (`backup_if_changed(START)`, as the window runs it)",
            [b["unchanged_made"]],
            GOALS["backups_unchanged"],
            None,
            "n",
            f"over {len(b['unchanged'])} starts",
        ),
        Figure("  … the time it takes to decide (off the GUI thread)", b["unchanged"], None, py),
        Figure(
            f"backup at start after a change ({size:,.0f} MiB database: copy, integrity check)",
            b["changed"],
            None,
            py,
        ),
    )
    remove_db(db)


def stored_figures(db: Path) -> tuple[int, int]:
    """(figures typed at the district: rows of `figures`, figures received: those in the packages' data)."""
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        typed = conn.execute("SELECT count(*) FROM figures").fetchone()[0]
        try:
            received = conn.execute(
                "SELECT coalesce(sum(json_array_length(data, '$.figures')), 0) FROM received"
            ).fetchone()[0]
        except sqlite3.Error:
            received = 0
    return int(typed), int(received)


def run_size(bench: Bench) -> None:
    for label, db, goal in (
        ("before the import", bench.work / "district.sqlite", None),
        ("after importing July", bench.db, GOALS["bytes_per_figure"]),
    ):
        typed, received = stored_figures(db)
        size = db_size(db)
        bench.add(
            Figure(
                f"database size per stored figure, {label} ({size / 2**20:,.1f} MiB)",
                [size / (typed + received)],
                goal,
                None,
                "B",
                f"file size ÷ (figures typed {typed:,} + figures in received packages {received:,})",
            )
        )


# ---- the run -----------------------------------------------------------------------------------------


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="a small set (60 units, 2 years); no entry in RESULTS.md"
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse the data set made earlier in the work folder"
    )
    parser.add_argument(
        "--work",
        help="the data set's folder (default benchmarks/work/large or …/quick); reused when made there by this generator",
    )
    parser.add_argument("--only", help=f"comma-separated groups to measure, of: {', '.join(GROUPS)}")
    parser.add_argument("--runs", type=int, help="runs of each measurement (default 7; quick 3)")
    parser.add_argument("--import-runs", type=int, help="runs of the whole import (default 3; quick 2)")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave benchmarks/RESULTS.md alone"
    )
    parser.add_argument(
        "--write", action="store_true", help="append an entry to RESULTS.md also for --quick or --only"
    )
    return parser.parse_args()


def prepare(bench: Bench) -> None:
    """The set, and its district database opened once for writing, so that a migration of the program
    under test converts it here and not inside a measured import."""
    from model.store.database import open_database

    bench.made = dataset.generate(
        bench.work, bench.scale, keep=bench.args.keep or bool(bench.args.work), log=log
    )
    district = bench.work / "district.sqlite"
    before = schema_version(district)
    started = time.perf_counter()
    open_database(district, write=True).close()  # opening for writing migrates it
    if schema_version(district) != before:
        bench.facts.append(
            f"The made district database was migrated (schema {before} → {schema_version(district)}) "
            f"in {time.perf_counter() - started:.1f} s before measuring; the imported one is made again."
        )
        bench.db.unlink(missing_ok=True)


def schema_version(db: Path) -> int:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def measure(bench: Bench) -> None:
    steps = [
        ("import", "importing the packages …", run_imports),
        ("district", "the district view from the database …", run_district),
        (
            "reports",
            "reports and workbooks in process, LibreOffice converting the same workbooks …",
            run_reports,
        ),
        ("startup", "start-up to a usable window, alternately with the bare window …", run_startup),
        ("window", "the window: switch period, save a cell, paste a block, the district page …", run_window),
        ("backup", "the backup the window makes at start …", run_backup),
        ("size", "the database's size …", run_size),
    ]
    for group, what, step in steps:
        if group == "import" and group not in bench.groups:
            make_imported(bench)
        if group in bench.groups:
            log(what)
            step(bench)


def entry(bench: Bench, info: dict[str, str], total: float) -> str:
    judged, missed = verdicts(bench.figures)
    s = bench.scale
    d = bench.made.get("district", {})
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    command = (
        "make bench"
        if not any((bench.args.keep, bench.args.work, bench.args.only, bench.quick))
        else "benchmarks/run.py " + " ".join(sys.argv[1:])
    )
    groups = "" if bench.groups == GROUPS or bench.args.only else f" (groups: {', '.join(bench.groups)})"
    lines = [
        f"### {when} · `{commit()}` · `{command}`{groups}",
        "",
        f"Machine: {machine_info.describe(info)}; {info.get('libreoffice', '')}.",
        f"Data set: {s.senders} units sending a signed package for {dataset.PERIOD} plus the district's office, "
        f"{s.years} years ({s.first_year}–{dataset.PLAN_YEAR}), {d.get('figures', 0):,} figures; "
        + ("reused." if bench.made.get("reused") else f"made in {bench.made.get('seconds', 0):.0f} s."),
        "",
        "References, measured in this run (the ratios are to these):",
        "",
        references_text(list(bench.refs.values())),
        "",
        table(bench.figures),
        "",
        *[f"{fact}" for fact in bench.facts],
        f"Goals met: {judged - len(missed)} of {judged}"
        + (f"; missed: {'; '.join(f.what.strip(' …') for f in missed)}." if missed else ".")
        + f" Whole run {total:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    args = parse()
    bench = Bench(args)
    started = time.perf_counter()
    info = machine_info.machine()
    if "reports" in bench.groups:
        ensure_libreoffice()
    info["libreoffice"] = libreoffice_version() or "LibreOffice not installed"
    log(f"TanBao benchmarks — {machine_info.describe(info)}; groups: {', '.join(bench.groups)}")
    prepare(bench)
    bench.python_reference()
    measure(bench)
    text = entry(bench, info, time.perf_counter() - started)
    log("\n" + text)
    partial = bench.quick or bench.groups != GROUPS
    if not args.no_write and (args.write or not partial):
        current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        RESULTS.write_text(append_entry(current, text), encoding="utf-8")
        log(f"appended to {RESULTS.relative_to(ROOT)}")
    _judged, missed = verdicts(bench.figures)
    return 1 if missed and not partial else 0


if __name__ == "__main__":
    sys.exit(main())
