"""The district view is built from packages only (issue 11, items 4, 6 and 7).

Each unit submits from its own database; the district imports the signed packages. For a unit and a
period the district's figures are those of the unit's newest package for that period, and a unit without
one is 未报 in the grid, the counts and ΣE/ΣY alike.
"""

import json
import sqlite3
from datetime import date, datetime

import pytest

from model.calc import formulas as calc
from model.calc.completeness import EXEMPT, MISSING, OWN
from model.calc.summary import district_view
from model.common.errors import UserError
from model.common.periods import parse_period
from model.exchange.district import import_package, trust_add
from model.exchange.submission import correct
from model.store.database import open_database
from model.store.schema import _V7_DISTRICT, _V10_DISTRICT_VIEW, split_sql
from tests.unit_world import unit_db

AT = datetime.fromisoformat
AS_OF = date(2024, 9, 1)


@pytest.fixture
def world(tmp_path, district):
    """unit id -> a unit database whose certificate the district trusts."""
    made = {}

    def make(unit_id, months, *, salt=""):
        """`months` as given; the months of the year before them are zeros (a report needs every month)."""
        unit = unit_db(tmp_path, unit_id, salt=salt)
        first = next(iter(months))
        unit.statuses(first)
        for month in range(1, int(first[5:7])):
            unit.month(f"{first[:5]}{month:02d}", 0, 0, 0, 0)
        for period, values in months.items():
            unit.month(period, *values)
        if not salt:
            trust_add(district, district.plans.get(), unit.cert_path, who="officer")
        made[unit_id + salt] = unit
        return unit

    yield make
    for unit in made.values():
        unit.store.close()


def _send(district, unit, period, tmp_path, at="2024-05-10T10:00:00+08:00"):
    path = unit.submit(period, tmp_path / "outbox", AT(at)).pdf_path
    outcome = import_package(district, path, who="officer")
    assert not outcome.refused, outcome.message
    return outcome


def _line(view, unit_id):
    return next(line for line in view.annex2 if line.unit_id == unit_id)


def test_a_unit_that_sent_only_april_is_missing_for_march_everywhere(district, world, tmp_path):
    months = {"2024-03": (600, 620, 12000, 11000), "2024-04": (700, 690, 14000, 13000)}
    fengjing = world("fengjing", months)
    zhujing = world("zhujing", {"2024-03": (450, 470, 7000, 6800)})
    _send(district, fengjing, "2024-04", tmp_path)
    _send(district, zhujing, "2024-03", tmp_path, "2024-04-10T10:00:00+08:00")

    view = district_view(district, parse_period("2024-03"), as_of=AS_OF)
    assert view.grid.cell("fengjing", "2024-03").state == MISSING
    assert "fengjing" not in view.reported and "fengjing" in dict(view.not_reported)
    assert not _line(view, "fengjing").reported and not _line(view, "fengjing").counted
    total = view.annex2_total
    assert (total.units_counted, total.energy_tce, total.output_wan_yuan) == (1, 450, 7000)
    assert view.reported == ["zhujing"]


def test_the_figures_of_a_period_are_those_of_its_own_package_not_a_later_one(district, world, tmp_path):
    feb = {"2024-01": (500, 510, 9000, 8800), "2024-02": (400, 420, 8000, 7600)}
    fengjing = world("fengjing", feb)
    _send(district, fengjing, "2024-02", tmp_path, "2024-03-10T10:00:00+08:00")
    # the same unit's later package (from a second computer) carries another January
    twin = world(
        "fengjing", {**feb, "2024-01": (600, 510, 9000, 8800), "2024-04": (310, 320, 6100, 6000)}, salt="-2"
    )
    twin.month("2024-03", 300, 310, 6000, 5900)
    # a second certificate for a unit is an explicit replacement (issue 13, item 7)
    trust_add(district, district.plans.get(), twin.cert_path, who="officer", unit="fengjing", replace=True)
    _send(district, twin, "2024-04", tmp_path)

    line = _line(district_view(district, parse_period("2024-02"), as_of=AS_OF), "fengjing")
    assert (line.ytd_energy_tce, line.ytd_output_wan_yuan) == (500 + 400, 9000 + 8000)
    april = _line(district_view(district, parse_period("2024-04"), as_of=AS_OF), "fengjing")
    assert april.ytd_energy_tce == 600 + 400 + 300 + 310


def test_exempt_units_and_the_district_office_are_never_missing(district):
    view = district_view(district, parse_period("2024-03"), as_of=AS_OF)
    plan = district.plans.get()
    exempt = [u.id for u in plan.reporting_units() if u.exempt]
    assert exempt == ["shihua"]
    assert view.grid.cell("shihua", "2024-03").state == EXEMPT
    assert view.grid.cell(plan.district_unit, "2024-03").state == OWN
    missing = {uid for uid, _name in view.not_reported}
    assert "shihua" not in missing and plan.district_unit not in missing
    assert "shihua" not in view.grid.missing() and plan.district_unit not in view.grid.missing()
    assert "fengjing" in missing


def test_typing_over_a_received_figure_is_refused_with_the_reason(district, world, tmp_path):
    from model.entry.figures import parse_assignments, store_entries

    fengjing = world("fengjing", {"2024-02": (400, 420, 8000, 7600)})
    _send(district, fengjing, "2024-02", tmp_path, "2024-03-10T10:00:00+08:00")
    plan = district.plans.get()
    for period in ("2024-02", "2024-01"):  # the package covers January too
        entries = parse_assignments(plan, "fengjing", period, ["energy_tce=7000"], None)
        with pytest.raises(UserError) as refused:
            store_entries(district, plan, entries, who="officer")
        assert "第 1 版" in refused.value.message and "更正" in refused.value.message
    assert district.figures.read(plan.id, "fengjing") == []
    with pytest.raises(sqlite3.IntegrityError, match="received in a package"):  # the schema refuses it too
        district.db.execute(
            "INSERT INTO figures (plan_id, unit_id, period, field, value, updated_at, updated_by) "
            "VALUES (?, 'fengjing', '2024-02', 'energy_tce', 7000, '', '')",
            (plan.id,),
        )
    line = _line(district_view(district, parse_period("2024-02"), as_of=AS_OF), "fengjing")
    assert line.ytd_energy_tce == 400
    # a month no package covers may still be typed (e.g. from a paper report), but it is not a package
    entries = parse_assignments(plan, "fengjing", "2024-03", ["energy_tce=7000"], None)
    assert store_entries(district, plan, entries, who="officer").count == 1
    march = district_view(district, parse_period("2024-03"), as_of=AS_OF)
    assert "fengjing" not in march.reported


def test_a_unit_without_comparable_last_year_figures_is_left_out_and_named(district, world, tmp_path):
    units = [
        world("fengjing", {"2024-02": (1000, 1050, 20000, 19500)}),
        world("zhujing", {"2024-02": (500, 520, 8000, 7900)}),
        world("tangu", {"2024-02": (300, 0, 5000, 0)}),  # a new firm: nothing to compare with
    ]
    for unit in units:
        _send(district, unit, "2024-02", tmp_path, "2024-03-10T10:00:00+08:00")

    view = district_view(district, parse_period("2024-02"), as_of=AS_OF)
    tangu = _line(view, "tangu")
    assert tangu.reported and not tangu.counted and tangu.ytd_change_rate_pct is None
    total = view.annex2_total
    assert total.units_counted == 2
    assert total.change_rate_pct == pytest.approx(calc.change_rate_pct(1500, 1570, 28000, 27400))
    assert [uid for uid, _name in view.not_comparable] == ["tangu"]
    assert any("碳谷绿湾" in note and "同口径" in note for note in view.notes)


def test_an_older_district_database_gets_the_key_sums_of_the_packages_it_holds(tmp_path, world):
    path = tmp_path / "older.sqlite"
    older = open_database(path, write=True, create=True)
    fengjing = world("fengjing", {"2024-02": (400, 420, 8000, 7600)})
    trust_add(older, older.plans.get(), fengjing.cert_path, who="officer")
    _send(older, fengjing, "2024-02", tmp_path, "2024-03-10T10:00:00+08:00")
    before = district_view(older, parse_period("2024-02"), as_of=AS_OF).annex2_total
    # as a database of the previous schema had it (no key sums), then upgraded; the refusal triggers stay
    # (since the compact schema they are on figure_rows, which _V7_DISTRICT does not know)
    for statement in (
        "DROP INDEX received_by_unit",
        "DROP TABLE received_sums",
        *(s for s in split_sql(_V7_DISTRICT) if not s.startswith("CREATE TRIGGER")),
    ):
        older.db.execute(statement)
    after = district_view(older, parse_period("2024-02"), as_of=AS_OF).annex2_total
    assert (after.energy_tce, after.output_wan_yuan_last_year) == (400, 7600)
    assert after == before
    older.close()


def _corrected_world(district, world, tmp_path):
    """Two towns in March: fengjing's second version corrects its first (both received), zhujing with
    tasks and a unit without comparable figures beside them."""
    fengjing = world("fengjing", {"2024-03": (400, 420, 8000, 7600)})
    _send(district, fengjing, "2024-03", tmp_path, "2024-04-08T10:00:00+08:00")
    correct(fengjing.store, fengjing.plan, "fengjing", parse_period("2024-03"), "能耗抄表有误", who="clerk")
    fengjing.month("2024-03", 410, 420, 8000, 7600)
    _send(district, fengjing, "2024-03", tmp_path, "2024-04-12T10:00:00+08:00")
    for unit_id, figures in (("zhujing", (500, 520, 8000, 7900)), ("tangu", (300, 0, 5000, 0))):
        _send(
            district, world(unit_id, {"2024-03": figures}), "2024-03", tmp_path, "2024-04-09T10:00:00+08:00"
        )


def test_the_view_reads_the_same_from_the_kept_inputs_as_from_the_packages_themselves(
    district, world, tmp_path
):
    _corrected_world(district, world, tmp_path)
    kept = district_view(district, parse_period("2024-03"), as_of=AS_OF)
    assert [(p.unit_id, p.version) for p in kept.corrections] == [("fengjing", 2)]
    assert kept.corrections[0].correction_reason == "能耗抄表有误"
    district.db.execute("DELETE FROM received_view")  # every value read from the packages' own data
    from_packages = district_view(district, parse_period("2024-03"), as_of=AS_OF)
    assert kept.to_dict() == from_packages.to_dict()


def test_an_older_district_database_gets_the_view_inputs_of_the_packages_it_holds(district, world, tmp_path):
    _corrected_world(district, world, tmp_path)
    columns = "received_id, received_on, correction_reason, replaces_version, progress"
    imported = district.db.execute(f"SELECT {columns} FROM received_view ORDER BY received_id").fetchall()
    assert len(imported) == 4  # both versions of fengjing's March and the other two
    view = district_view(district, parse_period("2024-03"), as_of=AS_OF)
    # as a database of the previous schema had it, then upgraded
    for statement in ("DROP TABLE received_view", *split_sql(_V10_DISTRICT_VIEW)):
        district.db.execute(statement)
    upgraded = district.db.execute(f"SELECT {columns} FROM received_view ORDER BY received_id").fetchall()
    assert [row[:4] for row in upgraded] == [row[:4] for row in imported]
    assert [json.loads(row[4]) for row in upgraded] == [json.loads(row[4]) for row in imported]
    assert district_view(district, parse_period("2024-03"), as_of=AS_OF) == view
