"""A power cut at any moment loses nothing the program acknowledged and never yields two versions.

A small FUSE file system (tests/powercut_fs.py) keeps only what was fsynced and "cuts the power" at a
chosen change: saves, a submit and an import run on it (tests/powercut_workload.py) in a child process
that is killed at the cut. Afterwards, from what the disk kept: every acknowledged save, submit and import
is there, both databases pass `integrity_check`, every package file on disk is the version the database
holds, and running everything again (the clerk after the reboot) never makes a second, different package
of one version.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.unit_world import unit_db

FS = ROOT / "tests" / "powercut_fs.py"
WORKLOAD = ROOT / "tests" / "powercut_workload.py"
CUTS = 5  # random cut points per run, plus the one dry run that counts the changes


def fuse_usable() -> bool:
    if not os.path.exists("/dev/fuse") or shutil.which("fusermount3") is None:
        return False
    try:
        import mfusepy  # noqa: F401
    except (ImportError, OSError, AttributeError):  # no binding, or no libfuse for it
        return False
    return os.access("/dev/fuse", os.R_OK | os.W_OK)


pytestmark = pytest.mark.skipif(not fuse_usable(), reason="FUSE (/dev/fuse, fuse3, mfusepy) not available")


@pytest.fixture(scope="module")
def state(tmp_path_factory) -> Path:
    """The disk before the run: a unit with March ready to submit and February's package, the district."""
    from model.exchange.district import trust_add
    from model.store.database import open_database

    work = tmp_path_factory.mktemp("make")
    unit = unit_db(work, "fengjing")
    unit.statuses("2024-02")
    unit.month("2024-02", 1000, 1050, 20000, 19500)
    unit.month("2024-03", 600, 620, 12000, 11000)
    root = tmp_path_factory.mktemp("state")
    unit.submit("2024-02", root / "incoming")
    unit.store.close()
    shutil.copy(unit.store.path, root / "fengjing.sqlite")
    (root / "fengjing.p12").write_bytes(unit.p12)
    with open_database(root / "district.sqlite", write=True, create=True) as district:
        trust_add(district, district.plans.get(), unit.cert_path, who="officer")
    return root


def run_cut(state: Path, work: Path, cut_at: int) -> tuple[list[dict], Path, str]:
    """Mount `state`, run the workload until the cut (or its end), return (acks, kept disk, fs line)."""
    mnt, out = work / "mnt", work / "kept"
    mnt.mkdir(parents=True)
    fs = subprocess.Popen(
        [sys.executable, str(FS), str(state), str(mnt), str(out), str(cut_at)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert fs.stdout.readline().strip() == "mounting"
        deadline = time.monotonic() + 10
        while not os.path.ismount(mnt):
            assert time.monotonic() < deadline, "the FUSE file system did not mount"
            time.sleep(0.02)
        child = subprocess.Popen(
            [sys.executable, str(WORKLOAD), str(mnt)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        fs_line = _wait_for_cut_or_end(fs, child)
        child.kill()  # the power is gone: the program stops wherever it is
        acks = [
            json.loads(line) for line in child.communicate(timeout=30)[0].splitlines() if line.startswith("{")
        ]
    finally:
        subprocess.run(["fusermount3", "-u", "-z", str(mnt)], capture_output=True, check=False)
        rest = fs.communicate(timeout=30)[0]
    return acks, out, fs_line or rest.strip()


def _wait_for_cut_or_end(fs: subprocess.Popen, child: subprocess.Popen) -> str:
    import selectors

    selector = selectors.DefaultSelector()
    selector.register(fs.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline:
        if selector.select(timeout=0.05):
            return fs.stdout.readline().strip()  # "cut N"
    return ""


def check_kept(disk: Path, acks: list[dict]) -> None:
    for name in ("fengjing.sqlite", "district.sqlite"):
        db = sqlite3.connect(disk / name)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", name
        db.close()
    unit = sqlite3.connect(disk / "fengjing.sqlite")
    held = {(p, f): v for p, f, v in unit.execute("SELECT period, field, value FROM figures")}
    versions = {
        v: sha
        for v, sha in unit.execute(
            "SELECT version, pdf_sha256 FROM submissions WHERE unit_id = 'fengjing' AND period = '2024-03'"
        )
    }
    unit.close()
    for a in acks:
        if "save" in a:
            period, field, value = a["save"]
            assert held.get((period, field)) == value, f"acknowledged save lost: {a}"
        if "submit" in a:
            assert versions.get(a["submit"]) == a["sha256"], f"acknowledged submit lost: {a}"
        if "imported" in a:
            district = sqlite3.connect(disk / "district.sqlite")
            kept = district.execute("SELECT 1 FROM received WHERE sha256 = ?", (a["imported"],)).fetchone()
            district.close()
            assert kept is not None, f"acknowledged import lost: {a}"
    for pdf in (disk / "out").glob("2024-03_fengjing_v*.pdf") if (disk / "out").exists() else []:
        version = int(pdf.stem.rsplit("_v", 1)[1])
        sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
        assert versions.get(version) == sha, f"{pdf.name} on disk is not the version the database holds"


def test_a_power_cut_anywhere_keeps_every_acknowledged_save_submit_and_import(state, tmp_path):
    acks, kept, line = run_cut(state, tmp_path / "dry", 0)
    assert line.startswith("ops "), line
    assert [a for a in acks if "submit" in a] and [a for a in acks if "imported" in a], acks
    check_kept(kept, acks)
    changes = int(line.split()[1])
    seed = random.randrange(2**32)
    # a run's count of changes varies a little (a save in a new second writes a new stamp row): cuts are
    # picked where every run gets to
    cuts = sorted(random.Random(seed).sample(range(1, changes * 19 // 20), CUTS))
    for cut in cuts:
        work = tmp_path / f"cut-{cut}"
        acks, kept, line = run_cut(state, work, cut)
        where = f"(seed {seed}, cut at change {cut} of {changes}: {line})"
        assert line.startswith("cut "), where
        check_kept(kept, acks)
        # after the reboot the clerk and the district simply do it all again
        again = subprocess.run(
            [sys.executable, str(WORKLOAD), str(kept)], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert again.returncode == 0, f"{where}\n{again.stderr[-2000:]}"
        check_kept(kept, [json.loads(x) for x in again.stdout.splitlines() if x.startswith("{")])
