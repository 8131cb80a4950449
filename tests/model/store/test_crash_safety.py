"""A program killed at any moment loses nothing it reported as saved and never leaves half a save.

A child process saves a unit's month (six figures at once) again and again through the real entry and
store code, and is killed with SIGKILL at a random moment; 50 kills in all, spread over a few databases
at once to keep the run short. After every kill the file passes `integrity_check`, every save is there
with all six figures or not at all, and every save the child reported as done is there.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from model.store.database import open_database
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

FIELDS = (
    "energy_tce",
    "energy_tce_last_year",
    "output_wan_yuan",
    "output_wan_yuan_last_year",
    "gross_energy_tce",
    "gross_energy_tce_last_year",
)
KILLS, LANES = 50, 5

CHILD = f"""
import sys
from model.entry.figures import Entry, store_entries
from model.common.periods import parse_period
from model.store.database import open_database

path, k = sys.argv[1], int(sys.argv[2])
store = open_database(path, write=True, create=True)
plan = store.plans.get()
print("ready", "unclean" if store.unclean_previous else "clean", flush=True)
while True:
    period = parse_period(f"2024-{{2 + k % 11:02d}}")
    store_entries(store, plan, [Entry("fengjing", period, f, str(k)) for f in {FIELDS!r}], who="crash")
    print(k, flush=True)
    k += 1
"""


def _state(path: Path) -> tuple[str, dict[str, set[float]], dict[str, int]]:
    conn = sqlite3.connect(path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        by_period: dict[str, set[float]] = {}
        fields_by_period: dict[str, set[str]] = {}
        for period, field, value in conn.execute(
            "SELECT period, field, value FROM figures WHERE unit_id = 'fengjing'"
        ):
            by_period.setdefault(period, set()).add(value)
            fields_by_period.setdefault(period, set()).add(field)
        for period, fields in fields_by_period.items():
            assert fields == set(FIELDS), f"{period}: only {sorted(fields)} saved"
        audit = dict(
            conn.execute(
                "SELECT json_extract(new, '$.value') AS v, count(*) FROM audit WHERE who = 'crash' AND action = 'figure.set' GROUP BY v"
            ).fetchall()
        )
    finally:
        conn.close()
    return integrity, by_period, audit


def _lane(path: Path, kills: int, rng: random.Random) -> int:
    """Start, let it write, kill; `kills` times. Returns how many saves the children reported."""
    acknowledged_total = 0
    next_k = 1
    for round_no in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(next_k)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        ready = child.stdout.readline().split()
        assert ready[:1] == ["ready"], child.stderr.read()
        # every child after the first finds the lock of a killed writer, and takes it over
        assert ready[1] == ("unclean" if round_no else "clean")
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err
        acknowledged = [int(line) for line in out.split()]
        acknowledged_total += len(acknowledged)

        integrity, by_period, audit = _state(path)
        assert integrity == "ok"
        for period, values in by_period.items():  # the six figures of a save stay together
            assert len(values) == 1, f"{period} mixes saves {sorted(values)}"
        assert set(audit.values()) <= {len(FIELDS)}, audit  # six audit rows per save, or none
        saved = sorted(int(float(v)) for v in audit)
        assert saved == list(range(1, len(saved) + 1))  # no save missing in between
        if acknowledged:
            assert saved[-1] >= acknowledged[-1]  # everything reported as saved is there
            assert saved[-1] <= acknowledged[-1] + 1  # at most the one being written when killed
        next_k = (saved[-1] if saved else 0) + 1
    return acknowledged_total


def test_killed_writers_leave_whole_saves_and_a_sound_file(tmp_path):
    seed = random.randrange(1 << 32)
    paths = []
    for lane in range(LANES):
        path = tmp_path / f"crash{lane}.sqlite"
        open_database(path, write=True, create=True).close()
        paths.append(path)
    with ThreadPoolExecutor(LANES) as pool:
        results = list(
            pool.map(
                lambda i: _lane(paths[i], KILLS // LANES, random.Random(seed + i)),
                range(LANES),
            )
        )
    assert sum(results) > KILLS, f"the children hardly wrote anything (seed {seed})"
    for path in paths:  # the next normal start opens every file and sees all of it
        with open_database(path, write=True, create=True) as store:
            assert store.unclean_previous is not None
            assert store.figures.read("jinshan-2024", "fengjing")
