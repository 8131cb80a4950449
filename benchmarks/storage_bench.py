"""Storage of figures: bytes per figure, the upgrade of an old database, and reading/saving speed.

    .venv/bin/python benchmarks/storage_bench.py size DB            where the bytes go (dbstat), per figure
    .venv/bin/python benchmarks/storage_bench.py migrate OLD COPY   copy an older database and upgrade it, timed
    .venv/bin/python benchmarks/storage_bench.py speed DB [--runs N] reading a unit's figures, saving one cell
    .venv/bin/python benchmarks/storage_bench.py compare OLD_TREE OLD_DB NEW_DB   `speed` alternately with
        another source tree (e.g. /work/main) on its database and this tree on the upgraded one, same run

Run from the repository root; the databases are the benchmark's (benchmarks/dataset.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def size(db: Path) -> dict[str, object]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        figures = conn.execute(
            f"SELECT count(*) FROM {'figure_rows' if 'figure_rows' in tables else 'figures'}"
        ).fetchone()[0]
        parts = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    file_bytes = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())
    return {
        "schema": version,
        "figures": figures,
        "file_bytes": file_bytes,
        "bytes_per_figure": round(file_bytes / figures, 1),
        "per_figure": {name: round(b / figures, 1) for name, b in parts if b / figures >= 0.5},
    }


def migrate(old: Path, copy: Path) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from model.store import database
    from model.store.connection import Database

    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(copy.parent / "backups", ignore_errors=True)
    source = sqlite3.connect(f"{old.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    db = Database(copy, write=True, create=False)
    started = time.perf_counter()
    database.backup_now(copy, database.MIGRATION)
    backed_up = time.perf_counter()
    database.upgrade(db, database.SCHEMA_VERSION)
    done = time.perf_counter()
    db.checkpoint()
    db.close()
    return {
        "backup_s": round(backed_up - started, 2),
        "migrate_and_vacuum_s": round(done - backed_up, 2),
        "before": size(old),
        "after": size(copy),
    }


def speed(db: Path, runs: int) -> dict[str, float]:
    sys.path.insert(0, os.getcwd())
    from model.store.database import open_database
    from model.store.figures import FigureWrite

    store = open_database(db, write=True)
    try:
        plan = store.plans.get()
        units = [u.id for u in plan.reporting_units()][:60]
        reads, writes = [], []
        for run in range(runs):
            for unit in units:
                started = time.perf_counter()
                store.figures.read(plan.id, unit)
                reads.append(time.perf_counter() - started)
            for unit in units[:10]:
                started = time.perf_counter()
                store.figures.write(
                    plan.id,
                    unit,
                    [FigureWrite("2024-06", "energy_tce", 1000.0 + run)],
                    who="bench",
                    coef_version=plan.coefficients,
                    electricity_basis=plan.electricity_basis,
                )
                writes.append(time.perf_counter() - started)
        return {
            "read_unit_ms": statistics.median(reads) * 1000,
            "save_cell_ms": statistics.median(writes) * 1000,
        }
    finally:
        store.close()


def compare(old_tree: Path, old_db: Path, new_db: Path, rounds: int) -> dict[str, object]:
    results: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for _ in range(rounds):
        for label, tree, db in (("old", old_tree, old_db), ("new", ROOT, new_db)):
            out = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "speed", str(db.resolve())],
                cwd=tree,
                env={**os.environ, "PYTHONPATH": str(tree)},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            results[label].append(json.loads(out))
    return {
        label: {key: round(statistics.median(r[key] for r in runs), 2) for key in runs[0]}
        for label, runs in results.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("size", "migrate", "speed", "compare"))
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.what == "size":
        result: object = size(args.paths[0])
    elif args.what == "migrate":
        result = migrate(args.paths[0], args.paths[1])
    elif args.what == "speed":
        result = speed(args.paths[0], args.runs)
    else:
        result = compare(*args.paths[:3], rounds=args.runs)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
