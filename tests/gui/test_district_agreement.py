"""One district view (issue 11, item 4): `status --json`, the district page, the summary PDF and the summary
workbook agree, for a district database built from shuffled packages: several units, versions, a
correction, a unit that skipped a month (whose later package carries that month), a unit without
comparable last-year figures. ΣE/ΣY is the sum over the packages of that period only."""

import json
import random
import subprocess
from collections import defaultdict
from datetime import datetime

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

import main
from gui import app as gui_app
from model.common import formatting as fmt
from model.common.periods import parse_period
from model.exchange.submission import correct
from model.reports.signing import verify_pdf
from model.store.database import open_database
from tests.cli.test_district_exchange import env  # noqa: F401  (passphrase and user)
from tests.cli.test_district_exchange import run as run_cli
from tests.gui.conftest import choose_unit
from tests.unit_world import unit_db

PERIOD = "2024-03"
MONTHS = {  # unit -> period -> (E, E last year, Y, Y last year)
    "fengjing": {
        "2024-02": (1000, 1050, 20000, 19500),
        "2024-03": (600, 620, 12000, 11000),
        "2024-04": (700, 690, 14000, 13000),
    },
    "zhujing": {
        "2024-02": (500, 520, 8000, 7900),
        "2024-03": (450, 470, 7000, 6800),
        "2024-04": (480, 470, 7400, 7000),
    },
    "tangu": {"2024-02": (300, 310, 5000, 4800), "2024-03": (280, 300, 4700, 4500)},
    "tinglin": {"2024-02": (100, 0, 1000, 0), "2024-03": (120, 0, 1100, 0)},  # nothing to compare with
}
SENDS = {
    "fengjing": ["2024-02", "2024-03", "correct", "2024-03", "2024-04"],
    "zhujing": ["2024-02", "2024-04"],  # skipped March: its April package carries March
    "tangu": ["2024-02", "2024-03"],
    "tinglin": ["2024-03"],
}
KEYS = ("energy_tce", "energy_tce_last_year", "output_wan_yuan", "output_wan_yuan_last_year")


def run(capsys, db, *args):
    code, out, err = run_cli(capsys, db, *args)
    assert code == 0, err
    return out


def _packages(tmp_path):
    """Every unit's submitted packages, written into one outbox; the certificates to trust."""
    out, certs = tmp_path / "outbox", []
    for uid, months in MONTHS.items():
        unit = unit_db(tmp_path, uid)
        unit.statuses(next(iter(months)))
        for period, values in months.items():
            unit.month(period, *values)
        for i, step in enumerate(SENDS[uid]):
            if step == "correct":
                correct(unit.store, unit.plan, uid, parse_period(PERIOD), "能耗漏报一户", who="clerk")
                unit.enter(PERIOD, "energy_tce=640")
                continue
            unit.submit(step, out, datetime.fromisoformat(f"{step}-2{i}T10:00:00+08:00"))
        unit.store.close()
        certs.append(unit.cert_path)
    return sorted(out.glob("*.pdf")), certs


def _expected_sums(files, certs):
    """ΣE/ΣY over the newest package *for PERIOD* of each unit, from the data the packages carry;
    units whose last-year sums are zero are left out (同口径)."""
    newest = {}
    for path in files:
        data = verify_pdf(path.read_bytes(), [c.read_bytes() for c in certs]).data  # read once trusted
        if (
            data["period"] == PERIOD
            and data["version"] >= newest.get(data["unit_id"], {"version": 0})["version"]
        ):
            newest[data["unit_id"]] = data
    sums = defaultdict(float)
    counted = []
    for uid, data in newest.items():
        # a package carries last year's later months too (for the projection): sum months 1..PERIOD only
        upto = [f for f in data["figures"] if f["period"] <= PERIOD]
        unit = {k: sum(f["value"] for f in upto if f["field"] == k) for k in KEYS}
        if unit["energy_tce_last_year"] and unit["output_wan_yuan_last_year"]:
            counted.append(uid)
            for k in KEYS:
                sums[k] += unit[k]
    return sorted(newest), sorted(counted), sums


def _pdf_text(path):
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_status_page_and_both_summaries_agree_on_packages_only(qtbot, capsys, tmp_path, settings):
    files, certs = _packages(tmp_path)
    db = tmp_path / "district.sqlite"
    run(capsys, db, "init")
    for cert in certs:
        run(capsys, db, "trust", "add", str(cert))
    batch = files + files[:3]  # with duplicates, in any order
    random.Random(11).shuffle(batch)
    main.main(["--db", str(db), "import", "--received-on", "2024-03-10", *map(str, batch)])
    capsys.readouterr()

    reported, counted, sums = _expected_sums(files, certs)
    assert reported == ["fengjing", "tangu", "tinglin"] and counted == ["fengjing", "tangu"]
    assert sums["energy_tce"] == 1000 + 640 + 300 + 280  # the correction, and March's packages only

    status = json.loads(run(capsys, db, "status", "--period", PERIOD, "--json"))
    total = status["annex2_total"]
    assert [
        total[k]
        for k in ("energy_tce", "energy_tce_last_year", "output_wan_yuan", "output_wan_yuan_last_year")
    ] == [pytest.approx(sums[k]) for k in KEYS]
    assert sorted(status["reported"]) == reported and total["units_counted"] == 2
    assert "zhujing" in [uid for uid, _name in status["not_reported"]]
    months = {u["unit_id"]: u["months"] for u in status["units"]}
    assert (
        months["zhujing"][PERIOD]["state"] == "missing" and months["zhujing"]["2024-02"]["state"] == "on_time"
    )
    assert [uid for uid, _ in status["not_comparable"]] == ["tinglin"]
    assert [(c["unit_id"], c["version"]) for c in status["corrections"]] == [("fengjing", 2)]
    text = run(capsys, db, "status", "--period", PERIOD)
    assert "亭林镇" in text and "同口径" in text and "第 2 版" in text

    store = open_database(db, write=True)  # the CLI above is done: the window is the one writer now
    choose_unit(store, "drc")
    settings.set_period(store.plans.get().id, PERIOD)
    window = gui_app.create_window(store, settings)
    qtbot.addWidget(window)
    window.show()
    page = window.district
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not window.worker.busy() and page.view is not None, timeout=30000)
    shown_here = json.loads(json.dumps(page.view.to_dict(), ensure_ascii=False))
    grid = shown_here.pop("grid")
    assert shown_here == status_view(status)
    assert grid == {k: status[k] for k in grid}
    table = page.summary_model
    last = table.rowCount() - 1
    assert table.index(last, 1).data() == fmt.rate(total["change_rate_pct"])
    assert f"已报 {len(reported)} 个单位" in page.heading.text()
    assert "亭林镇" in page.notes.text() and "同口径" in page.notes.text() and "第 2 版" in page.notes.text()
    tinglin_row = next(r for r in range(last) if table.index(r, 0).data().startswith("亭林镇"))
    assert "未计入" in table.index(tinglin_row, 0).data()
    page.summary_table.setCurrentIndex(
        table.index(last, 1)
    )  # 计算过程 of the district rate: who is in, who is out
    qtbot.keyClick(page.summary_table, Qt.Key.Key_F2)
    explained = page.explain_dialog.text.toPlainText()
    assert "计入 2 个单位" in explained and "亭林镇：上年同期数据缺失或为零，非同口径" in explained
    assert "朱泾镇：未报" in explained
    page.explain_dialog.close()

    pdf, xlsx = tmp_path / "s.pdf", tmp_path / "s.xlsx"
    run(capsys, db, "export", "summary-pdf", "--period", PERIOD, "-o", str(pdf))
    run(capsys, db, "export", "summary-xlsx", "--period", PERIOD, "-o", str(xlsx))
    shown = " ".join(_pdf_text(pdf).split())
    assert fmt.rate(total["change_rate_pct"]) in shown and fmt.amount(sums["energy_tce"]) in shown
    assert "亭林镇" in shown and "同口径" in shown and "朱泾镇" in shown and "第 2 版" in shown
    wb = load_workbook(xlsx, data_only=True)
    a2 = [c for row in wb["附件2"].iter_rows(values_only=True) for c in row]
    assert sums["energy_tce"] in a2 and pytest.approx(total["change_rate_pct"]) in [
        c for c in a2 if isinstance(c, float)
    ]
    assert any(isinstance(c, str) and "同口径" in c and "亭林镇" in c for c in a2)
    sent = {r[0]: r[2:4] for r in wb["报送情况"].iter_rows(min_row=2, values_only=True)}
    assert sent["zhujing"][0] == "否" and sent["fengjing"] == ("是", "2") and sent["shihua"][0] == "免报"
    window.close()
    store.close()


def status_view(status):
    """The view's own keys out of `status --json` (which adds the grid's keys beside them)."""
    grid_keys = {"year", "deadline_day", "as_of", "counts", "units"}
    return {k: v for k, v in status.items() if k not in grid_keys}
