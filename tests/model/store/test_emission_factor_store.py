"""Emission factors stored per version in the database (schema 9), and a version-8 file upgraded to it."""

import sqlite3

import pytest

from model.calc.report import report_from_store
from model.common.errors import UserError
from model.common.periods import parse_period
from model.plan.coefficients import load_shipped_coefficients
from model.plan.emission import EmissionFactor, EmissionFactorSet, load_shipped_emission_factors
from model.plan.spec import parse_plan, shipped_plan_text
from model.store.database import open_database
from model.store.schema import MIGRATIONS, SCHEMA_VERSION, split_sql

FACTORS_SINCE = 9  # the migration that added the emission-factor tables


def _version_8_file(path):
    """A database as schema version 8 left it: plan, coefficients and a key user's figures, no factors."""
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[: FACTORS_SINCE - 1]:
        for statement in split_sql(migration):
            conn.execute(statement)
    text = shipped_plan_text()
    plan = parse_plan(text, "jinshan-2024.json")
    coefficients = load_shipped_coefficients()
    at = "2024-04-12T09:00:00+08:00"
    conn.execute(
        "INSERT INTO coefficient_sets VALUES (?,?,?)", (coefficients.version, coefficients.source, at)
    )
    conn.execute("INSERT INTO plans VALUES (?,?,?,?,?,1)", (plan.id, plan.year, plan.title, text, at))
    conn.executemany(
        "INSERT INTO units VALUES (?,?,?,?)", [(plan.id, u.id, u.name, u.kind) for u in plan.units]
    )
    conn.executemany(
        "INSERT INTO fields VALUES (?,?,?,?,?,?)",
        [(plan.id, f.key, f.annex, f.label, f.unit, f.kind) for f in plan.fields],
    )
    rows = [("paihai", f"2024-{m:02d}", k, v) for m in (1, 2, 3) for k, v in (
        ("electricity_kwh", 2_000_000.0), ("electricity_kwh_last_year", 2_100_000.0),
        ("treated_volume_m3", 4_000_000.0), ("treated_volume_m3_last_year", 3_900_000.0),
    )]  # fmt: skip
    conn.executemany(
        "INSERT INTO figures (plan_id, unit_id, period, field, value, text, note, updated_at, updated_by, "
        "coef_version, electricity_basis) VALUES (?, ?, ?, ?, ?, NULL, '', ?, 'clerk', ?, ?)",
        [(plan.id, u, p, f, v, at, coefficients.version, plan.electricity_basis) for u, p, f, v in rows],
    )
    conn.execute(f"PRAGMA user_version = {FACTORS_SINCE - 1}")
    conn.commit()
    conn.close()


def test_a_version_8_file_upgrades_and_stores_the_shipped_factors(tmp_path):
    path = tmp_path / "v8.sqlite"
    _version_8_file(path)
    with open_database(path, write=True) as store:
        assert store.db.user_version == SCHEMA_VERSION >= FACTORS_SINCE
        assert len(store.figures.read("jinshan-2024", "paihai")) == 12  # nothing lost
        rows = store.db.execute(
            "SELECT f.carrier, f.t_co2_per_unit, f.status, f.source, s.version, s.year "
            "FROM emission_factors f JOIN emission_factor_sets s USING (version) ORDER BY f.carrier"
        ).fetchall()
        by_carrier = {r[0]: tuple(r[1:]) for r in rows}
        # every factor keeps its table's version and year, its source and its status
        assert by_carrier["electricity"] == (
            0.00042,
            "confirmed",
            "上海市电力排放因子 4.2 吨二氧化碳/万千瓦时",
            "SH-2024+NDRC-2015",
            2024,
        )
        assert {r[2] for r in rows} <= {"confirmed", "weak", "assumed"} and all(r[3] for r in rows)
        # the upgraded file reports carbon from its stored table: 6 000 000 kWh × 0.00042 = 2520 tCO₂
        report = report_from_store(store, "paihai", parse_period("2024-03"), created_by="t")
        assert report.progress.ytd_co2_t == pytest.approx(2520.0)
        assert report.progress.ytd_co2_t_last_year == pytest.approx(2646.0)  # 6 300 000 × 0.00042
        assert report.progress.emission_factor_version == "SH-2024+NDRC-2015"


def test_reports_use_the_stored_table_not_the_shipped_file(store):
    """A table an administrator loaded (here over the shipped version) is what the report computes with."""
    from model.entry.figures import Entry, store_entries

    shipped = load_shipped_emission_factors()
    electricity = EmissionFactor("electricity", "kWh", 0.0005, "assumed", "测试用因子 5 吨/万千瓦时", False)
    edited = EmissionFactorSet(shipped.version, 2024, {**shipped.factors, "electricity": electricity})
    store.plans.load_emission_factors(edited, who="admin")
    stored = store.plans.emission_factors(shipped.version)
    assert stored.factor("electricity").t_co2_per_unit == 0.0005
    assert stored.factor("electricity").status == "assumed"
    assert stored.factor("diesel").derived and stored.factor("diesel").oxidation == 0.98
    plan = store.plans.get()
    entries = [
        Entry("paihai", parse_period(f"2024-{m:02d}"), k, v)
        for m in (1, 2)
        for k, v in (("electricity_kwh", "1000000"), ("electricity_kwh_last_year", "1000000"),
                     ("treated_volume_m3", "1"), ("treated_volume_m3_last_year", "1"))
    ]  # fmt: skip
    store_entries(store, plan, entries, who="t")
    report = report_from_store(store, "paihai", parse_period("2024-02"), created_by="t")
    assert report.progress.ytd_co2_t == pytest.approx(1000.0)  # 2 000 000 kWh × 0.0005
    with pytest.raises(UserError, match="NONE"):
        store.plans.emission_factors("NONE")
