"""A store with a town's, a key user's and a bureau's figures, shared by the report tests."""

from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries

TOWN, KEY_USER, BUREAU = "fengjing", "phcc", "greening"
PERIOD = "2024-07"
INJECTION = '=HYPERLINK("http://x","点我")'
REASON = "新增一条生产线投产，用能增加"


def enter(store, unit, period, note=None, **values):
    plan = store.plans.get()
    entries = [Entry(unit, parse_period(period), k, str(v), note) for k, v in values.items()]
    store_entries(store, plan, entries, who="测试员")


def fill(store):
    """Months 1–2 (1–2月 together) to 7 of a town (a swing in May with its reason), a key user with last
    year's twelve months, and a bureau."""
    plan = store.plans.get()
    for m in range(2, 8):
        enter(
            store,
            TOWN,
            f"2024-{m:02d}",
            energy_tce=1000 + m * 10,
            energy_tce_last_year=1030 + m * 12,
            output_wan_yuan=20000 + m * 300,
            output_wan_yuan_last_year=19800 + m * 250,
            gross_energy_tce=1300 + m * 10,
            gross_energy_tce_last_year=1320,
        )
    enter(store, TOWN, "2024-05", note=REASON, energy_tce=1600)
    enter(store, TOWN, "2024-08", energy_tce=99999)  # after the period: never in the July report
    task = plan.annex4_rows_for(TOWN)[0].id
    enter(store, TOWN, PERIOD, **{f"{task}.status": "推进中", f"{task}.narrative": INJECTION})
    for m in range(1, 8):
        enter(
            store,
            KEY_USER,
            f"2024-{m:02d}",
            electricity_kwh=3_000_000 + m * 1000,
            electricity_kwh_last_year=3_050_000,
            natural_gas_m3=150_000,
            natural_gas_m3_last_year=152_000,
            floor_area_m2=120_000,
        )
    for m in range(8, 13):
        enter(
            store,
            KEY_USER,
            f"2024-{m:02d}",
            electricity_kwh_last_year=3_200_000,
            natural_gas_m3_last_year=90_000,
        )
    enter(store, BUREAU, PERIOD, **{"A1-12.value": 25, "A1-13.value": 30})
    return task


def view_of_reports(store, unit_ids, period=PERIOD, as_of=None):
    """The district view of `period` when the district holds, for each unit, a package of the report
    these figures give (built from the report data exactly as an import would keep it)."""
    import json
    from datetime import date

    from model.calc.completeness import HeldVersion, completeness_grid
    from model.calc.report import report_from_store
    from model.calc.summary import build_district_view
    from model.exchange.district import package_sums
    from model.store.received import RECEIVED, PeriodPackage

    plan, p = store.plans.get(), parse_period(period)
    packages = {}
    for uid in unit_ids:
        data = report_from_store(store, uid, p, version=1, created_by="测试员").data
        packages[uid] = PeriodPackage(
            uid,
            period,
            1,
            data["created_at"],
            RECEIVED,
            json.dumps(data["progress"]),
            "",
            None,
            package_sums(plan, data),
        )
    held = [HeldVersion(uid, period, 1, pkg.created_at, True) for uid, pkg in packages.items()]
    grid = completeness_grid(plan, held, as_of or date.today(), p)
    return build_district_view(plan, p, grid, packages)
