"""The glibc 2.28 build (make build-compat): no bundled ELF needs more than GLIBC_2.28 or GLIBCXX_3.4.25
(UOS 20, Kylin V10 SP3), and the build's smoke tests of tests/test_build.py pass on it.

Marked `build` and `compat`; runs where dist/TanBao-linux-x86_64-glibc2.28.tar.gz exists (or
TANBAO_COMPAT_BUILD names another archive), else skipped: making it takes a Debian 11 root and about half
an hour (scripts/build-compat.sh). Each test unpacks nothing itself: the archive is unpacked once.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.conftest import BUILD_TIMES, ROOT

# The smoke tests of the standalone program, run here against the glibc 2.28 build: pytest collects
# them in this module too, where `program` below is the unpacked archive.
from tests.test_build import (  # noqa: F401
    office,
    test_a_tampered_pdf_is_refused_by_the_built_program,
    test_built_program_reaches_no_network_and_finds_qt_chinese,
    test_every_library_the_program_links_is_bundled_or_part_of_every_linux,
    test_folder_holds_what_the_program_reads_and_leaves_out_what_it_does_not,
    test_monthly_report_from_figures_to_a_verified_signed_pdf,
    test_the_built_program_reads_workbooks_through_defusedxml,
    test_window_starts_offscreen_and_quits,
    test_window_starts_on_an_x11_screen_with_the_bundled_xcb_plugin,
)

ARCHIVE = Path(
    os.environ.get("TANBAO_COMPAT_BUILD") or ROOT / "dist" / "TanBao-linux-x86_64-glibc2.28.tar.gz"
)
MAX_GLIBC = (2, 28)  # UOS 20 (1050-1070), Kylin V10 SP3 server: glibc 2.28
MAX_GLIBCXX = (3, 4, 25)  # their GCC 8 libstdc++

pytestmark = [
    pytest.mark.build,
    pytest.mark.compat,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux build"),
]


@pytest.fixture(scope="session")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The glibc 2.28 build, unpacked as an office would unpack it."""
    if not ARCHIVE.is_file():
        pytest.skip(f"no glibc 2.28 build ({ARCHIVE.name}): make build-compat")
    info = ARCHIVE.with_name(ARCHIVE.name.removesuffix(".tar.gz") + ".versions.txt")
    if info.is_file():  # written by scripts/build-compat.sh: versions and how long the build took
        BUILD_TIMES.extend(f"{ARCHIVE.name}: {line}" for line in info.read_text("utf-8").splitlines())
    folder = tmp_path_factory.mktemp("compat")
    with tarfile.open(ARCHIVE) as archive:
        archive.extractall(folder, filter="tar")
    exe = folder / "TanBao" / "TanBao"
    assert exe.is_file()
    return exe


def elves(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def needed_versions(elf: Path) -> dict[str, set[tuple[int, ...]]]:
    """The symbol versions an ELF needs from other libraries (undefined dynamic symbols), by prefix."""
    dump = subprocess.run(["objdump", "-T", str(elf)], capture_output=True, text=True, check=True).stdout
    needed: dict[str, set[tuple[int, ...]]] = {}
    for line in dump.splitlines():
        if "*UND*" not in line:
            continue
        for prefix, version in re.findall(r"\b(GLIBCXX|GLIBC|CXXABI)_(\d+(?:\.\d+)*)\b", line):
            needed.setdefault(prefix, set()).add(tuple(int(n) for n in version.split(".")))
    return needed


def too_new(folder: Path) -> list[str]:
    found = []
    for elf in elves(folder):
        versions = needed_versions(elf)
        for limit_name, limit in (("GLIBC", MAX_GLIBC), ("GLIBCXX", MAX_GLIBCXX)):
            newest = max(versions.get(limit_name, set()), default=None)
            if newest is not None and newest > limit:
                found.append(f"{elf.relative_to(folder)} needs {limit_name}_{'.'.join(map(str, newest))}")
    return found


@pytest.mark.skipif(shutil.which("objdump") is None, reason="objdump (binutils) is not installed")
def test_no_bundled_elf_needs_more_than_glibc_2_28_or_glibcxx_3_4_25(program: Path) -> None:
    folder = program.parent
    assert len(elves(folder)) > 50  # the program, libpython, Qt, the extension modules …
    assert too_new(folder) == []


@pytest.mark.skipif(shutil.which("objdump") is None, reason="objdump (binutils) is not installed")
def test_the_check_sees_a_library_of_this_machine_that_needs_a_newer_glibc(tmp_path: Path) -> None:
    """The check itself: this machine's own libpython/libstdc++ (Debian 12) need newer versions."""
    import sysconfig

    candidates = [Path(sys.executable).resolve(), Path("/usr/lib/x86_64-linux-gnu/libstdc++.so.6")]
    libdir = sysconfig.get_config_var("LIBDIR")
    if libdir:
        candidates += sorted(Path(libdir).glob("libpython3*.so*"))
    newest = max(
        (max(needed_versions(c).get("GLIBC", {(0,)})) for c in candidates if c.is_file()), default=(0,)
    )
    if newest <= MAX_GLIBC:
        pytest.skip("this machine's own libraries are old enough themselves")
    for c in candidates:
        if c.is_file() and max(needed_versions(c).get("GLIBC", {(0,)})) > MAX_GLIBC:
            shutil.copy(c, tmp_path / c.name)
            break
    assert too_new(tmp_path) != []


def test_the_build_bundles_a_sqlite_of_3_35_or_newer(program: Path) -> None:
    """SQLite is built into the bundled _sqlite3 module (static), never the system's."""
    internal = program.parent / "_internal"
    assert not list(internal.rglob("libsqlite3*")), "the system's SQLite was bundled"
    (module,) = internal.rglob("_sqlite3*.so")
    dump = subprocess.run(["objdump", "-p", str(module)], capture_output=True, text=True).stdout
    assert "libsqlite3" not in dump  # linked in, not loaded from the system
    versions = re.findall(rb"(?<![\d.])3\.(\d+)\.(\d+)\x00", module.read_bytes())
    assert max((3, int(minor), int(patch)) for minor, patch in versions) >= (3, 35, 0)
