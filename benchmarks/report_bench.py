"""How long a unit's signed PDF takes inside a running program (budget 0.25 s, issue 4).

    .venv/bin/python benchmarks/report_bench.py [--runs 20] [--algorithm ecdsa|rsa]

Builds a temporary database with a town's months 2–7 (annex 2 plus its annex-4 tasks), then measures:
the first signed PDF of the process (font registration, stamp-font subset, imports) and the next ones
(what a clerk waits for after the first export): report data, PDF rendering, attachment and signature.
Also the workbook and a verification. Not a test: it prints figures for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from model.store.database import Store, open_database

UNIT, PERIOD, PASS = "fengjing", "2024-07", "benchmark-pass"


def fill(store: Store) -> None:
    plan = store.plans.get()
    entries = []
    for m in range(2, 8):
        for key, value in (
            ("energy_tce", 1000 + m * 10),
            ("energy_tce_last_year", 1030 + m * 12),
            ("output_wan_yuan", 20000 + m * 300),
            ("output_wan_yuan_last_year", 19800 + m * 250),
        ):
            entries.append(Entry(UNIT, parse_period(f"2024-{m:02d}"), key, str(value)))
    for task in plan.annex4_rows_for(UNIT):
        entries.append(Entry(UNIT, parse_period(PERIOD), f"{task.id}.status", "推进中"))
        entries.append(
            Entry(UNIT, parse_period(PERIOD), f"{task.id}.narrative", "按计划推进，已完成阶段性工作。")
        )
    store_entries(store, plan, entries, who="bench")


def timed(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--algorithm", choices=["ecdsa", "rsa"], default="ecdsa")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_database(Path(tmp) / "bench.sqlite", write=True, create=True) as store,
    ):
        fill(store)
        plan = store.plans.get()
        from model.reports import signing

        p12 = signing.new_key(UNIT, plan.unit(UNIT).full_name, PASS, algorithm=args.algorithm)
        pem, _ = signing.key_certificate(p12, PASS)
        key = signing.load_key(p12, PASS)

        def signed_pdf() -> bytes:
            from model.calc.report import report_from_store
            from model.reports.pdf import unit_pdf

            report = report_from_store(store, UNIT, parse_period(PERIOD), created_by="bench")
            return unit_pdf(report, key=key, signer_name="bench")

        def workbook() -> bytes:
            from model.calc.report import report_from_store
            from model.reports.xlsx import unit_xlsx

            return unit_xlsx(report_from_store(store, UNIT, parse_period(PERIOD), created_by="bench"))

        first, pdf = timed(signed_pdf)
        warm = [timed(signed_pdf)[0] for _ in range(args.runs)]
        first_xlsx, _ = timed(workbook)
        warm_xlsx = [timed(workbook)[0] for _ in range(args.runs)]
        verify = [timed(lambda: signing.verify_pdf(pdf, [pem]))[0] for _ in range(args.runs)]
        assert signing.verify_pdf(pdf, [pem]).ok
    size = len(pdf) / 1024  # type: ignore[arg-type]
    print(f"signed PDF ({args.algorithm}), {size:.0f} KiB")
    print(f"  first in process: {first:.3f} s")
    print(
        f"  next {args.runs}: median {statistics.median(warm):.3f} s, max {max(warm):.3f} s  (budget 0.25 s)"
    )
    print(f"workbook: first {first_xlsx:.3f} s, median {statistics.median(warm_xlsx):.3f} s")
    print(f"verify: median {statistics.median(verify):.3f} s")
    return 0 if statistics.median(warm) <= 0.25 else 1


if __name__ == "__main__":
    sys.exit(main())
