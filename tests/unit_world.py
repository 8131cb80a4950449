"""Unit databases with keys and figures, for the submission and exchange tests (not a test module)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from model.common.periods import parse_period
from model.entry.figures import Entry, parse_assignments, store_entries
from model.exchange.submission import submit
from model.plan.spec import STATUS, Plan
from model.reports import signing
from model.store.database import Store, open_database

PASSPHRASE = "secret-123"


@cache
def p12_for(unit_id: str, full_name: str, salt: str = "") -> bytes:
    """One key per unit (and salt) for the whole session: a rogue key is another salt."""
    return signing.new_key(unit_id, full_name, PASSPHRASE)


@dataclass
class UnitDb:
    unit_id: str
    store: Store
    plan: Plan
    p12: bytes
    cert_path: Path

    @property
    def key(self) -> signing.SigningKey:
        return signing.load_key(self.p12, PASSPHRASE)

    def enter(self, period: str, *assignments: str, note: str | None = None) -> int:
        entries = parse_assignments(self.plan, self.unit_id, period, list(assignments), note)
        return store_entries(self.store, self.plan, entries, who="clerk").count

    def month(self, period: str, e: float, el: float, y: float, yl: float) -> None:
        self.enter(
            period,
            f"energy_tce={e}",
            f"energy_tce_last_year={el}",
            f"output_wan_yuan={y}",
            f"output_wan_yuan_last_year={yl}",
        )

    def statuses(self, period: str, status: str = "推进中") -> None:
        """Every required status of the unit (tasks carry forward to later months)."""
        keys = [f.key for f in self.plan.fields_for(self.unit_id) if f.required and f.kind == STATUS]
        if keys:
            self.enter(period, *(f"{k}={status}" for k in keys))

    def submit(self, period: str, out_dir: Path, at: datetime | None = None):  # type: ignore[no-untyped-def]
        return submit(
            self.store, self.plan, self.unit_id, parse_period(period), self.key, out_dir, who="clerk", now=at
        )


def unit_db(tmp_path: Path, unit_id: str, *, salt: str = "", plan_file: Path | None = None) -> UnitDb:
    from model.plan.spec import load_plan

    store = open_database(tmp_path / f"{unit_id}{salt}.sqlite", write=True, create=True)
    if plan_file is not None:
        store.plans.load(load_plan(plan_file), who="clerk")
    plan = store.plans.get()
    p12 = p12_for(unit_id, plan.unit(unit_id).full_name, salt)
    pem, _info = signing.key_certificate(p12, PASSPHRASE)
    cert_path = tmp_path / f"{unit_id}{salt}.pem"
    cert_path.write_text(pem, encoding="ascii")
    return UnitDb(unit_id, store, plan, p12, cert_path)


def february_unit(tmp_path: Path, unit_id: str = "fengjing") -> UnitDb:
    """A unit (in tmp_path/unit) with February's annex-2 figures and statuses: ready to submit 2024-02."""
    (tmp_path / "unit").mkdir(exist_ok=True)
    unit = unit_db(tmp_path / "unit", unit_id)
    unit.month("2024-02", 1000, 1050, 20000, 19500)
    unit.statuses("2024-02")
    return unit


def snapshot(store: Store) -> list[str]:
    """Everything in the database, to prove that something changed nothing."""
    return list(store.db.conn.iterdump())


def plant_entries() -> list[Entry]:
    """排海公司, January–March 2024 with last year's 12 months: 2e6 kWh and 4e6 m³ a month this year,
    2.1e6 kWh and 3.9e6 m³ a month last year."""
    last = [
        Entry("paihai", parse_period(f"2024-{m:02d}"), k, v)
        for m in range(1, 13)
        for k, v in (("electricity_kwh_last_year", "2100000"), ("treated_volume_m3_last_year", "3900000"))
    ]
    return last + [
        Entry("paihai", parse_period(f"2024-{m:02d}"), k, v)
        for m in (1, 2, 3)
        for k, v in (("electricity_kwh", "2000000"), ("treated_volume_m3", "4000000"))
    ]
