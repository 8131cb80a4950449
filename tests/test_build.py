"""The standalone program: build.spec builds it, and the built program does an office's work on its own.

Marked `build` (leave it out with `pytest -m "not build"`) and skipped where PyInstaller is missing. The
folder build is made once per test session in a temporary folder (about 40 s on two cores); every test
then runs the built executable with a clean environment: no Python, no source tree, no network.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import BUILD_TIMES, ROOT

pytestmark = [
    pytest.mark.build,
    pytest.mark.skipif(
        importlib.util.find_spec("PyInstaller") is None, reason="PyInstaller is not installed"
    ),
]

LINUX = sys.platform.startswith("linux")
# On Windows the command line is TanBao-cli.exe (TanBao.exe is windowed: no stdout); both open the window.
EXE = "TanBao-cli.exe" if sys.platform == "win32" else "TanBao"
PASSPHRASE = "jinshan-2024-key"
TRANSLATIONS = ROOT / "resources" / "translations"
LEFT_TO_THE_SYSTEM = {"libdbus-1.so.3"}  # build.spec: on every Linux desktop, and heavy to bundle
FIGURES = [
    "energy_tce=1,000",
    "energy_tce_last_year=1050",
    "output_wan_yuan=20000 万元",
    "output_wan_yuan_last_year=19500",
]


@pytest.fixture(scope="session")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/TanBao/TanBao built from this tree by build.spec, as `pyinstaller build.spec` builds it."""
    work = tmp_path_factory.mktemp("standalone")
    env = {k: v for k, v in os.environ.items() if k not in ("TANBAO_ONEFILE", "TANBAO_CONSOLE")}
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += ["--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(ROOT / "build.spec")]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    BUILD_TIMES.append(f"pyinstaller build.spec (folder build): {time.monotonic() - started:.0f} s")
    exe = work / "dist" / "TanBao" / EXE
    assert exe.is_file()
    return exe


class Office:
    """A PC with the built program and nothing else: own home folder, database, passphrase, identity."""

    def __init__(self, program: Path, folder: Path) -> None:
        self.program, self.folder = program, folder
        home = folder / "home"
        runtime = folder / "run"
        runtime.mkdir(mode=0o700)
        self.config = home / ".config"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TANBAO_", "PYTHON", "QT_", "LD_", "XDG_", "PYINSTALLER"))
        }
        self.env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(self.config),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_RUNTIME_DIR=str(runtime),
            LANG="C.UTF-8",
            QT_QPA_PLATFORM="offscreen",
            TANBAO_DB=str(folder / "tanbao.sqlite"),
            TANBAO_PASSPHRASE=PASSPHRASE,
            TANBAO_USER="王芳",
        )

    def run(
        self, *args: str, env: dict[str, str] | None = None, prefix: list[str] | None = None, ok: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*(prefix or []), str(self.program), *args],
            cwd=self.folder,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=180,
        )
        if ok:
            assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
        return result

    def i_am(self, unit_id: str) -> None:
        """The identity the first start would ask for, as the window stores it."""
        ini = self.config / "TanBao" / "TanBao" / "tanbao.ini"
        ini.parent.mkdir(parents=True, exist_ok=True)
        ini.write_text(
            f"[identity]\nunit_id={unit_id}\nfiller=王芳\nphone=57920000\nstats_head=李强\nunit_head=张伟\n",
            encoding="utf-8",
        )


@pytest.fixture
def office(program: Path, tmp_path: Path) -> Office:
    return Office(program, tmp_path)


def qt_complaints(stderr: str) -> list[str]:
    """Lines where Qt or Python say something went wrong (a missing plugin, library or translation)."""
    return [
        line
        for line in stderr.splitlines()
        if re.search(r"^qt\.|Traceback|Could not|Cannot|Failed|not found|No such", line)
    ]


def test_monthly_report_from_figures_to_a_verified_signed_pdf(office: Office) -> None:
    office.run("init")
    office.run("enter", "--unit", "枫泾镇", "--period", "2024-02", *FIGURES)
    progress = json.loads(office.run("progress", "--unit", "枫泾镇", "--period", "2024-02", "--json").stdout)
    assert progress["annex2"]["colour"] == "green"
    assert progress["annex2"]["ytd_change_rate_pct"] == pytest.approx(-7.14, abs=0.01)

    office.run("keys", "new", "--unit", "枫泾镇", "-o", "fengjing.p12")
    office.run("keys", "cert", "fengjing.p12", "-o", "fengjing.pem")
    office.run(
        "export", "pdf", "--unit", "枫泾镇", "--period", "2024-02", "--key", "fengjing.p12", "-o", "r.pdf"
    )
    verified = json.loads(office.run("verify", "r.pdf", "--trust", "fengjing.pem", "--json").stdout)
    assert verified["ok"] is True
    assert verified["covers_entire_file"] and verified["trusted"] and verified["signed"]

    office.run("export", "xlsx", "--unit", "枫泾镇", "--period", "2024-02", "-o", "r.xlsx")
    with zipfile.ZipFile(office.folder / "r.xlsx") as workbook:
        assert "xl/workbook.xml" in workbook.namelist()


def test_a_tampered_pdf_is_refused_by_the_built_program(office: Office) -> None:
    office.run("init")
    office.run("enter", "--unit", "枫泾镇", "--period", "2024-02", *FIGURES)
    office.run("keys", "new", "--unit", "枫泾镇", "-o", "k.p12")
    office.run("keys", "cert", "k.p12", "-o", "k.pem")
    office.run("export", "pdf", "--unit", "枫泾镇", "--period", "2024-02", "--key", "k.p12", "-o", "r.pdf")
    pdf = office.folder / "r.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% appended after signing\n")
    refused = office.run("verify", "r.pdf", "--trust", "k.pem", ok=False)
    assert refused.returncode == 1 and "未通过" in refused.stdout and "Traceback" not in refused.stderr


def test_the_built_program_reads_workbooks_through_defusedxml(office: Office) -> None:
    office.run("init")
    office.run("targets", "export", "-o", "t.xlsx")
    read = office.run("targets", "import", "t.xlsx")  # refused with "缺少 defusedxml" were it not bundled
    assert "0 处修改" in read.stdout
    evil = office.folder / "evil.xlsx"
    with zipfile.ZipFile(office.folder / "t.xlsx") as zin, zipfile.ZipFile(evil, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "xl/workbook.xml":
                laughs = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                data = data.replace(b"?>", b"?>" + laughs, 1) if data.startswith(b"<?xml") else laughs + data
            zout.writestr(name, data)
    refused = office.run("targets", "import", "evil.xlsx", ok=False)
    assert refused.returncode != 0 and "不安全的 XML" in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_built_program_reads_the_qr_code_of_a_printed_page(office: Office) -> None:
    """verify-print: the bundled zxing-cpp and Pillow decode a page scanned to PNG or photographed to
    JPEG; a PDF goes through the external pdftoppm, and without it the program says so in one line."""
    from PIL import Image

    office.run("init")
    office.run("enter", "--unit", "枫泾镇", "--period", "2024-02", *FIGURES)
    office.run("keys", "new", "--unit", "枫泾镇", "-o", "k.p12")
    office.run("export", "pdf", "--unit", "枫泾镇", "--period", "2024-02", "--key", "k.p12", "-o", "r.pdf")
    folder = office.folder
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "2", "-l", "2", "-png", "r.pdf", "scan"], cwd=folder, check=True
    )
    scan = next(folder.glob("scan*.png"))
    Image.open(scan).convert("RGB").save(folder / "photo.jpg", quality=85)
    for name in (scan.name, "photo.jpg"):
        checked = json.loads(office.run("verify-print", name, "--json", ok=False).stdout)
        (page,) = checked["pages"]
        assert (page["mark"]["unit_id"], page["mark"]["period"], page["mark"]["page"]) == (
            "fengjing",
            "2024-02",
            2,
        )
        assert page["held"] is False  # read, and this database received no package: it says so
    pages = json.loads(office.run("verify-print", "r.pdf", "--json", ok=False).stdout)["pages"]
    assert [p["mark"]["page"] for p in pages] == list(range(1, pages[0]["mark"]["pages"] + 1))  # every page
    without = office.run("verify-print", "r.pdf", env={"PATH": str(folder / "empty")}, ok=False)
    assert without.returncode != 0 and without.stdout == ""
    assert "缺少 pdftoppm（poppler-utils）" in without.stderr and "Traceback" not in without.stderr


@pytest.mark.skipif(not LINUX, reason="the window's settings are placed through XDG_CONFIG_HOME (Linux)")
def test_window_starts_offscreen_and_quits(office: Office) -> None:
    office.run("init")
    office.i_am("fengjing")
    started = office.run(env={"TANBAO_QUIT_AFTER_MS": "300"})
    assert qt_complaints(started.stderr) == []


@pytest.mark.skipif(
    shutil.which("xvfb-run") is None, reason="xvfb-run is not installed (scripts/system-deps.sh)"
)
def test_window_starts_on_an_x11_screen_with_the_bundled_xcb_plugin(office: Office) -> None:
    office.run("init")
    office.i_am("phcc")
    started = office.run(
        env={"TANBAO_QUIT_AFTER_MS": "300", "QT_QPA_PLATFORM": "xcb"},
        prefix=["xvfb-run", "-a", "-s", "-screen 0 1280x800x24"],
    )
    assert qt_complaints(started.stderr) == []


def strace_prefix(log: Path) -> list[str]:
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (scripts/system-deps.sh)")
    probe = subprocess.run(["strace", "-f", "-qq", "-o", os.devnull, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"strace cannot trace here: {probe.stderr.strip()}")
    return ["strace", "-f", "-qq", "-e", "trace=socket,connect,openat", "-o", str(log)]


@pytest.mark.skipif(not LINUX, reason="traced with strace (Linux)")
def test_built_program_reaches_no_network_and_finds_qt_chinese(office: Office) -> None:
    office.i_am("fengjing")
    steps = [
        ("init",),
        ("enter", "--unit", "枫泾镇", "--period", "2024-02", *FIGURES),
        ("keys", "new", "--unit", "枫泾镇", "-o", "k.p12"),
        ("keys", "cert", "k.p12", "-o", "k.pem"),
        ("export", "pdf", "--unit", "枫泾镇", "--period", "2024-02", "--key", "k.p12", "-o", "r.pdf"),
        ("verify", "r.pdf", "--trust", "k.pem"),
        (),  # the window
    ]
    logs = []
    for i, args in enumerate(steps):
        log = office.folder / f"trace-{i}.txt"
        office.run(*args, env={"TANBAO_QUIT_AFTER_MS": "300"}, prefix=strace_prefix(log))
        logs.append(log.read_text(encoding="utf-8", errors="replace"))
    network = [line for log in logs for line in log.splitlines() if re.search(r"AF_INET6?\b|AF_PACKET", line)]
    assert network == []
    window = logs[-1]
    assert re.search(r'openat\(.*/translations/qtbase_zh_CN\.qm", O_RDONLY[^)]*\) = \d+', window)


def test_folder_holds_what_the_program_reads_and_leaves_out_what_it_does_not(program: Path) -> None:
    internal = program.parent / "_internal"
    files = {p.relative_to(internal).as_posix() for p in internal.rglob("*") if p.is_file()}
    for needed in (
        "resources/plans/jinshan-2024.json",
        "resources/coefficients/gbt2589-2020.json",
        "resources/fonts/NotoSansSC-Regular.ttf",
        "resources/fonts/OFL.txt",  # the font's licence travels with it
        "resources/icons/tanbao.png",
    ):
        assert needed in files
    # reportlab uses its C accelerator only when it can import it: without it PDFs are ~20 % slower
    assert any(f.startswith("_rl_accel") for f in files)
    ours = sorted(f for f in files if f.startswith("resources/translations/"))
    assert ours == sorted(f"resources/translations/{p.name}" for p in TRANSLATIONS.glob("tanbao_*.qm"))
    languages = {"zh_CN"} | {f.rsplit("/", 1)[-1][len("tanbao_") : -len(".qm")] for f in ours}
    qt_catalogues = {f.rsplit("/", 1)[-1] for f in files if f.endswith(".qm") and f not in ours}
    assert "qtbase_zh_CN.qm" in qt_catalogues  # only Qt's own dialogs, in the languages we ship
    assert qt_catalogues <= {f"qtbase_{lang}.qm" for lang in languages}
    names = {f.rsplit("/", 1)[-1] for f in files}
    unused = re.compile(
        r"Qt6(Network|OpenGL|Svg|Qml|Quick|Pdf|Wayland)|qgtk3|qwayland|opengl32sw|^lxml|libgtk-3"
    )
    assert sorted(n for n in names if unused.search(n)) == []


@pytest.mark.skipif(not LINUX or shutil.which("objdump") is None, reason="ELF libraries, read with objdump")
def test_every_library_the_program_links_is_bundled_or_part_of_every_linux(program: Path) -> None:
    from PyInstaller.depend.dylib import include_library

    internal = program.parent / "_internal"
    elves = [program] + [p for p in internal.rglob("*.so*") if p.is_file() and not p.is_symlink()]
    bundled = {p.name for p in internal.rglob("*")}
    missing = set()
    for elf in elves:
        dump = subprocess.run(["objdump", "-p", str(elf)], capture_output=True, text=True).stdout
        for needed in re.findall(r"^\s+NEEDED\s+(\S+)", dump, re.MULTILINE):
            if needed in LEFT_TO_THE_SYSTEM or needed.startswith("ld-linux"):
                continue
            if needed not in bundled and include_library(needed):
                missing.add(f"{elf.name} needs {needed}")
    assert sorted(missing) == []


def test_portable_mode_keeps_the_database_in_the_data_folder_beside_the_program(office: Office) -> None:
    data = office.program.parent / "data"
    data.mkdir()
    try:
        del office.env["TANBAO_DB"]
        office.run("init")
        assert (data / "tanbao.sqlite").is_file()
        assert not (office.folder / "home" / ".local" / "share" / "TanBao" / "tanbao.sqlite").exists()
    finally:
        shutil.rmtree(data)
