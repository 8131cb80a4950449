"""`main.py check`: the checks list of the window's panel, on the command line (issue 12)."""

import json

import pytest

import main
from gui.checks_panel import ChecksPanel
from gui.session import UnitSession
from model.common.periods import Period
from model.store.database import open_database

MONTH = [
    "energy_tce=1000",
    "energy_tce_last_year=1050",
    "output_wan_yuan=20000",
    "output_wan_yuan_last_year=19500",
]


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "cli.sqlite")
    assert main.main(["--db", path, "init"]) == 0
    return path


def run(capsys, db, *args):
    code = main.main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


def enter(capsys, db, period, *values, note=None):
    extra = ["--note", note] if note else []
    assert run(capsys, db, "enter", "--unit", "fengjing", "--period", period, *values, *extra)[0] == 0


def statuses(capsys, db):
    with open_database(db, write=True, create=True) as store:
        keys = [f.key for f in store.plans.get().fields_for("fengjing") if f.key.endswith(".status")]
    enter(capsys, db, "2024-02", *(f"{k}=推进中" for k in keys))


def test_check_names_missing_months_and_audit_rules_and_blocks(capsys, db):
    statuses(capsys, db)
    enter(capsys, db, "2024-02", *MONTH, "gross_energy_tce=900")
    enter(capsys, db, "2024-04", *MONTH, "gross_energy_tce=1200")
    code, out, _ = run(capsys, db, "check", "--unit", "枫泾镇", "--period", "2024-04", "--json")
    data = json.loads(out)
    assert code == 1 and data["complete"] is False
    errors = {(c["period"], c["field"]) for c in data["checks"] if c["kind"] == "error"}
    assert ("2024-03", "energy_tce") in errors and ("2024-03", "output_wan_yuan_last_year") in errors
    assert ("2024-02", "gross_energy_tce") in errors  # 02 ≥ 01 broken in February
    assert data["blocking"] == len(errors)
    code, out, _ = run(capsys, db, "check", "--unit", "fengjing", "--period", "2024-04")
    assert code == 1 and "3月“综合能耗（考核口径）”未填写" in out and "应≥" in out

    # progress says the same: no rate, no colour, the missing cells named
    _code, out, _ = run(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-04", "--json")
    progress = json.loads(out)
    assert progress["annex2"]["colour"] is None and progress["annex2"]["ytd_change_rate_pct"] is None
    assert progress["colour"] is None and progress["complete"] is False
    assert {"period": "2024-03", "field": "energy_tce", "label": "综合能耗（考核口径）"} in progress[
        "missing"
    ]


def test_check_passes_when_every_month_is_there_and_lists_explained_swings(capsys, db):
    statuses(capsys, db)
    for period in ("2024-02", "2024-03"):
        enter(capsys, db, period, *MONTH)
    enter(capsys, db, "2024-03", "energy_tce=1500", note="新生产线投产")
    code, out, _ = run(capsys, db, "check", "--unit", "fengjing", "--period", "2024-03", "--json")
    data = json.loads(out)
    assert code == 0 and data["complete"] is True and data["blocking"] == 0
    (swing,) = data["checks"]
    assert swing["kind"] == "explained" and swing["reason"] == "新生产线投产"


def test_the_window_panel_lists_what_check_lists(qtbot, capsys, db):
    statuses(capsys, db)
    enter(capsys, db, "2024-02", *MONTH, "gross_energy_tce=900")
    _code, out, _ = run(capsys, db, "check", "--unit", "fengjing", "--period", "2024-04", "--json")
    listed = json.loads(out)["checks"]
    with open_database(db, write=True, create=True) as store:
        panel = ChecksPanel(UnitSession(store, "fengjing", Period(2024, 4), "test"))
        qtbot.addWidget(panel)
        shown = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert len(shown) == len(listed)
    assert all(item["message"] in text for item, text in zip(listed, shown, strict=True))
