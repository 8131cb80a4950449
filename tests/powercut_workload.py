"""What a clerk and the district do while the power may go: saves, a submit, an import (not a test module).

    python tests/powercut_workload.py ROOT

ROOT holds fengjing.sqlite (a unit, March ready to submit), fengjing.p12, district.sqlite (trusting
fengjing) and incoming/ (fengjing's February package). Each operation the program acknowledged is
printed as one JSON line at once; the power-loss test then checks that all of them survived.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT_DIR))

PASSPHRASE = "secret-123"
SAVES = [(f"2024-{m:02d}", field) for m in (5, 6, 7) for field in ("energy_tce", "output_wan_yuan")]


def ack(**what: object) -> None:
    print(json.dumps(what, ensure_ascii=False), flush=True)


def main(root: Path) -> None:
    from model.common.periods import parse_period
    from model.entry.figures import Entry, store_entries
    from model.exchange.district import import_packages
    from model.exchange.submission import submit
    from model.reports.signing import load_key
    from model.store.database import open_database

    key = load_key((root / "fengjing.p12").read_bytes(), PASSPHRASE)
    with open_database(root / "fengjing.sqlite", write=True) as unit:
        plan = unit.plans.get()
        for n, (period, field) in enumerate(SAVES[:3], start=1):
            value = 1000 + n
            store_entries(
                unit, plan, [Entry("fengjing", parse_period(period), field, str(value))], who="clerk"
            )
            ack(save=[period, field, value])
        result = submit(unit, plan, "fengjing", parse_period("2024-03"), key, root / "out", who="clerk")
        ack(submit=result.version, sha256=hashlib.sha256(result.pdf_path.read_bytes()).hexdigest())
        for n, (period, field) in enumerate(SAVES[3:], start=4):
            value = 1000 + n
            store_entries(
                unit, plan, [Entry("fengjing", parse_period(period), field, str(value))], who="clerk"
            )
            ack(save=[period, field, value])
    with open_database(root / "district.sqlite", write=True) as district:
        (outcome,) = import_packages(district, sorted((root / "incoming").glob("*.pdf")), who="officer")
        if outcome.outcome in ("accepted", "identical"):
            ack(imported=outcome.sha256)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
