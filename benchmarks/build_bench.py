"""The standalone program's size and start time (issue 6), against the same start from source.

    .venv/bin/python benchmarks/build_bench.py               # build both, measure, append to RESULTS.md
    .venv/bin/python benchmarks/build_bench.py --no-build    # measure the builds already in benchmarks/work/
    .venv/bin/python benchmarks/build_bench.py --runs 3 --no-write

Builds the folder program and the single file with build.spec into benchmarks/work/standalone/
(git-ignored), then measures
- sizes: the folder, the folder zipped (deflate, as Explorer or 7-Zip would), the single file, and what
  takes the space (largest groups, raw and compressed: compressed is what the zip and the single file
  carry);
- start to a usable window, median of --runs after one warm-up, for the source tree, the folder build
  and the single file, on a town clerk's database (枫泾镇, figures for 2024-02): the time until the main
  window is mapped on an X screen (Xvfb, Qt's xcb platform, watched through libX11), and the time from
  launch until the program has shown its window, quit (TANBAO_QUIT_AFTER_MS=0) and exited, offscreen;
- what takes the time: `--help` (interpreter and bootloader, plus unpacking for the single file) and,
  from source, the imports by package (python -X importtime).
Budgets: single file ≤ 65 MB; folder build start ≤ 0.6 s; from source ≤ 0.8 s. The script appends its
entry under "Standalone program" in benchmarks/RESULTS.md and exits non-zero when a budget is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

from xscreen import XScreen

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import machine_info

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "work" / "standalone"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
BEGIN, END = "<!-- benchmarks/build_bench.py: begin -->", "<!-- benchmarks/build_bench.py: end -->"
EXE = ".exe" if sys.platform == "win32" else ""
FOLDER_EXE = WORK / "dist" / "TanBao" / f"TanBao{EXE}"
ONEFILE_EXE = WORK / "dist" / f"TanBao-onefile{EXE}"
ONEFILE_BUDGET_MB, FOLDER_START_BUDGET, SOURCE_START_BUDGET = 65.0, 0.6, 0.8
MB = 1024 * 1024  # as du -h, ls -lh and Explorer count

# What takes the space, first match wins (paths inside the folder build, "/" separated).
GROUPS: list[tuple[str, str]] = [
    ("ICU (Unicode tables Qt links; Linux wheels only)", r"libicu"),
    ("Qt libraries (Core, Gui, Widgets, DBus, xcb)", r"PySide6/(Qt/lib/)?(lib)?Qt6"),
    ("Qt plugins and qtbase_zh_CN.qm", r"PySide6/(Qt/)?(plugins|translations)/"),
    ("PySide6 bindings and shiboken6", r"PySide6/|shiboken6|libpyside6|libshiboken6"),
    ("Noto Sans SC font (13 MB) and other resources", r"^resources/"),
    ("cryptography (Rust, OpenSSL inside)", r"^cryptography/"),
    ("uharfbuzz (stamp text shaping for pyHanko)", r"^uharfbuzz/"),
    ("fontTools (stamp font subsets)", r"^fontTools/"),
    ("Pillow (reportlab imports it)", r"^(PIL|pillow\.libs)/"),
    (
        "Python: libpython, extension modules, base_library.zip",
        r"libpython|^python3|lib-dynload|base_library",
    ),
    ("the executable: bootloader and all Python code (PYZ)", r"^TanBao"),
    ("OpenSSL for Python's ssl/hashlib", r"libssl|libcrypto"),
    ("system libraries (X11/xcb, glib, dbus, stdc++, sqlite, freetype …)", r"^lib[^/]*\.so|\.dll$"),
    ("other Python packages (aiohttp, openpyxl's C parts …)", r""),
]


def log(text: str) -> None:
    print(text, flush=True)


# ---- building --------------------------------------------------------------------------------------


def build(onefile: bool) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("TANBAO_ONEFILE", "TANBAO_CONSOLE")}
    if onefile:
        env["TANBAO_ONEFILE"] = "1"
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += [
        "--distpath",
        str(WORK / "dist"),
        "--workpath",
        str(WORK / ("build-1" if onefile else "build")),
    ]
    started = time.perf_counter()
    subprocess.run(
        [*command, str(ROOT / "build.spec")], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


# ---- sizes -----------------------------------------------------------------------------------------


def folder_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def zipped_size(folder: Path) -> int:
    target = WORK / "TanBao.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for path in folder_files(folder):
            z.write(path, Path("TanBao") / path.relative_to(folder))
    size = target.stat().st_size
    target.unlink()
    return size


def space(folder: Path) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """(groups, largest files), each as (name, raw bytes, zlib-compressed bytes), largest first."""
    raw: Counter[str] = Counter()
    packed: Counter[str] = Counter()
    files = []
    for path in folder_files(folder):
        rel = path.relative_to(folder).as_posix().removeprefix("_internal/")
        data = path.read_bytes()
        size, small = len(data), len(zlib.compress(data, 6))
        files.append((rel, size, small))
        group = next(name for name, pattern in GROUPS if re.search(pattern, rel))
        raw[group] += size
        packed[group] += small
    groups = sorted(((g, raw[g], packed[g]) for g in raw), key=lambda g: -g[2])
    return groups, sorted(files, key=lambda f: -f[1])[:10]


def glibc_needed(folder: Path) -> str | None:
    """Linux: the newest glibc symbol version any bundled file uses, i.e. the oldest glibc it runs on."""
    if not sys.platform.startswith("linux") or shutil.which("objdump") is None:
        return None
    versions: set[tuple[int, ...]] = set()
    for path in folder_files(folder):
        if path.name.endswith(".so") or ".so." in path.name or path.parent == folder:
            dump = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True).stdout
            versions |= {tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_([0-9.]+)", dump)}
    return ".".join(map(str, max(versions))) if versions else None


# ---- start time ------------------------------------------------------------------------------------


class Office:
    """A clerk's set-up: database with a month of figures, identity chosen, home folder of its own."""

    def __init__(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        (folder / "run").mkdir(mode=0o700)
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TANBAO_", "QT_", "XDG_"))}
        self.env.update(
            HOME=str(folder),
            XDG_CONFIG_HOME=str(folder / "config"),
            XDG_DATA_HOME=str(folder / "data"),
            XDG_RUNTIME_DIR=str(folder / "run"),
            TANBAO_DB=str(folder / "tanbao.sqlite"),
            QT_QPA_PLATFORM="offscreen",
        )
        ini = folder / "config" / "TanBao" / "TanBao" / "tanbao.ini"
        ini.parent.mkdir(parents=True)
        ini.write_text(
            "[identity]\nunit_id=fengjing\nfiller=王芳\nphone=57920000\nstats_head=李强\nunit_head=张伟\n",
            encoding="utf-8",
        )

    def prepare(self, program: list[str]) -> None:
        figures = ["energy_tce=1000", "energy_tce_last_year=1050", "output_wan_yuan=20000"]
        figures += ["output_wan_yuan_last_year=19500"]
        for args in (["init"], ["enter", "--unit", "fengjing", "--period", "2024-02", *figures]):
            subprocess.run([*program, *args], env=self.env, check=True, capture_output=True)


def timed(program: list[str], env: dict[str, str], until: Callable[[], bool] | None = None) -> float:
    """Seconds from launch until `until()` holds (polled every 2 ms), else until the process exits."""
    started = time.perf_counter()
    process = subprocess.Popen(program, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = None
    while process.poll() is None:
        if until is not None and seen is None and until():
            seen = time.perf_counter() - started
        time.sleep(0.002)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{program[0]} exited with {process.returncode}")
    if until is not None and seen is None:
        raise RuntimeError(f"{program[0]}: no main window appeared")
    return seen if seen is not None else elapsed


def runs(n: int, measure: Callable[[], float]) -> list[float]:
    measure()  # warm-up: file cache, font cache, .pyc files
    return [measure() for _ in range(n)]


def import_costs(office: Office) -> tuple[float, list[tuple[str, float]]]:
    """From source: total import time of the window's start and the packages that take it (self time)."""
    env = {**office.env, "TANBAO_QUIT_AFTER_MS": "0"}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(ROOT / "main.py")], env=env, capture_output=True, text=True
    )
    by_package: Counter[str] = Counter()
    total = 0.0
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if not match:
            continue
        own, cumulative, indent, name = int(match[1]), int(match[2]), match[3], match[4]
        by_package[name.split(".")[0]] += own / 1e6
        if len(indent) == 1:
            total += cumulative / 1e6
    return total, by_package.most_common(8)


# ---- report ----------------------------------------------------------------------------------------


def machine() -> str:
    import PyInstaller

    return f"{machine_info.describe()}, PyInstaller {PyInstaller.__version__}"


def seconds(values: list[float]) -> str:
    return f"**{statistics.median(values):.3f} s** ({min(values):.3f}–{max(values):.3f})"


def report(m: dict) -> tuple[str, bool]:  # type: ignore[type-arg]
    onefile_mb = m["onefile"] / MB
    folder_start = m["starts"]["folder build"][m["start_column"]]
    source_start = m["starts"]["from source"][m["start_column"]]
    verdicts = {
        "single file": onefile_mb <= ONEFILE_BUDGET_MB,
        "folder start": statistics.median(folder_start) <= FOLDER_START_BUDGET,
        "source start": statistics.median(source_start) <= SOURCE_START_BUDGET,
    }

    def verdict(name: str) -> str:
        return "pass" if verdicts[name] else "**MISSED**"

    out = [f"### {date.today().isoformat()} · `{m['command']}`", "", f"Machine: {m['machine']}.", ""]
    out += [
        f"Build time: folder {m['build_folder']:.0f} s, single file {m['build_onefile']:.0f} s."
        if m["build_folder"]
        else "Builds reused (--no-build).",
        "",
        "| size | MB | budget | |",
        "|---|---|---|---|",
        f"| folder build `dist/TanBao/` ({m['files']} files) | {m['folder'] / MB:.1f} | | |",
        f"| folder build zipped (deflate) | {m['zipped'] / MB:.1f} | | |",
        f"| single file `dist/TanBao-onefile` | **{onefile_mb:.1f}** | ≤ {ONEFILE_BUDGET_MB:.0f} "
        f"| {verdict('single file')} |",
        "",
    ]
    if m["glibc"]:
        out += [
            f"The Linux build runs where glibc is {m['glibc']} or newer (the build machine's libraries "
            "are bundled): build on the oldest system you ship to.",
            "",
        ]
    out += [
        f"Start to a usable window, median of {m['runs']} (min–max), after one warm-up run:",
        "",
        f"| | {' | '.join(m['columns'])} | budget | |",
        "|---|" + "---|" * (len(m["columns"]) + 2),
    ]
    budgets = {"from source": ("≤ 0.8 s", "source start"), "folder build": ("≤ 0.6 s", "folder start")}
    for variant, figures in m["starts"].items():
        budget, key = budgets.get(variant, ("", ""))
        cells = " | ".join(seconds(v) for v in figures)
        out.append(f"| {variant} | {cells} | {budget} | {verdict(key) if key else ''} |")
    out += ["", "What takes the space (compressed is what the zip and the single file carry):", ""]
    out += ["| | raw MB | compressed MB |", "|---|---|---|"]
    out += [f"| {name} | {raw / MB:.1f} | {packed / MB:.1f} |" for name, raw, packed in m["groups"]]
    out += ["", "Largest files: " + ", ".join(f"`{n}` {raw / MB:.1f} MB" for n, raw, _ in m["largest"]) + "."]
    out += ["", "What takes the time:", ""]
    help_times = ", ".join(f"{k} {statistics.median(v):.3f} s" for k, v in m["help"].items())
    out.append(f"- `TanBao --help` (interpreter, bootloader, argparse; no Qt): {help_times}.")
    out.append(
        f"- From source, importing what the window needs takes {m['imports']:.3f} s; by package (own time): "
        + ", ".join(f"{name} {t:.3f} s" for name, t in m["import_packages"])
        + ". The rest is building the main window (forms, tables, progress) and showing it."
    )
    return "\n".join(out) + "\n", all(verdicts.values())


HEADER = """## Standalone program

The program as an office gets it (issue 6): PyInstaller folder build (recommended, zipped) and single
file (USB stick), built by `build.spec` on the machine named. Start time is measured on a town clerk's
database up to the main window mapped on an X screen (Xvfb; source and builds alike), and from launch
to exit with the window shown and quit at once (offscreen; includes shutting down, and for the single
file the removal of what it unpacked). MB are 2^20 bytes, as `du -h`, `ls -lh` and Explorer count.
Budgets: single file ≤ 65 MB, folder build start ≤ 0.6 s, from source ≤ 0.8 s.

    .venv/bin/python benchmarks/build_bench.py            # builds both, measures, appends an entry here
"""


def write(entry: str) -> None:
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        body, tail = rest.split(END, 1)
        updated = f"{head}{BEGIN}{body.rstrip()}\n\n{entry}{END}{tail}"
    else:
        updated = f"{current.rstrip()}\n\n{BEGIN}\n{HEADER}\n{entry}{END}\n"
    RESULTS.write_text(updated, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--no-build", action="store_true", help="measure the builds already in benchmarks/work/"
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave benchmarks/RESULTS.md alone"
    )
    args = parser.parse_args()

    m: dict = {"runs": args.runs, "machine": machine(), "build_folder": None}  # type: ignore[type-arg]
    m["command"] = "python benchmarks/build_bench.py" + "".join(
        f" {a}" for a in sys.argv[1:] if a != "--no-write"
    )
    if not args.no_build:
        log("building the folder program …")
        m["build_folder"] = build(onefile=False)
        log(f"  {m['build_folder']:.0f} s; building the single file …")
        m["build_onefile"] = build(onefile=True)
        log(f"  {m['build_onefile']:.0f} s")

    folder = FOLDER_EXE.parent
    m["files"] = len(folder_files(folder))
    m["folder"] = sum(p.stat().st_size for p in folder_files(folder))
    m["zipped"] = zipped_size(folder)
    m["onefile"] = ONEFILE_EXE.stat().st_size
    m["groups"], m["largest"] = space(folder)
    m["glibc"] = glibc_needed(folder)
    log(f"sizes: folder {m['folder'] / MB:.1f} MB, zipped {m['zipped'] / MB:.1f} MB, "
        f"single file {m['onefile'] / MB:.1f} MB")  # fmt: skip

    office = Office(WORK / "office")
    variants = {
        "from source": [sys.executable, str(ROOT / "main.py")],
        "folder build": [str(FOLDER_EXE)],
        "single file": [str(ONEFILE_EXE)],
    }
    office.prepare(variants["folder build"])
    screen = XScreen() if shutil.which("Xvfb") else None
    m["columns"] = (["window mapped (Xvfb)"] if screen else []) + ["launch → quit → exit (offscreen)"]
    m["start_column"] = 0
    m["starts"] = {}
    try:
        for variant, program in variants.items():
            figures = []
            if screen is not None:
                env = {**office.env, "QT_QPA_PLATFORM": "xcb", "DISPLAY": screen.display}
                env["TANBAO_QUIT_AFTER_MS"] = "300"
                figures.append(
                    runs(args.runs, lambda p=program, e=env: timed(p, e, screen.main_window_mapped))
                )
            env = {**office.env, "TANBAO_QUIT_AFTER_MS": "0"}
            figures.append(runs(args.runs, lambda p=program, e=env: timed(p, e)))
            m["starts"][variant] = figures
            log(f"{variant}: " + ", ".join(f"{statistics.median(f):.3f} s" for f in figures))
    finally:
        if screen is not None:
            screen.close()
    m["help"] = {
        variant: runs(args.runs, lambda p=program: timed([*p, "--help"], office.env))
        for variant, program in variants.items()
    }
    m["imports"], m["import_packages"] = import_costs(office)

    entry, passed = report(m)
    log("\n" + entry)
    if not args.no_write:
        write(entry)
        log(f"appended to {RESULTS.relative_to(ROOT)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
