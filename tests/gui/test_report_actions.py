"""From the window: export, sign and submit, find the period locked, correct it; the district imports."""

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from gui import app as gui_app
from gui.annex2_form import Annex2Form
from gui.district_page import DistrictPage
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from model.reports.signing import key_certificate, new_key
from model.store.database import open_database
from tests.gui.conftest import choose_unit

PASS = "口令1234567890"


def fill_february(store):
    values = {
        "energy_tce": "1000",
        "energy_tce_last_year": "1050",
        "output_wan_yuan": "20000",
        "output_wan_yuan_last_year": "19500",
    }
    plan = store.plans.get()
    values.update({f"{t.id}.status": "推进中" for t in plan.annex4_rows_for("fengjing")})
    store_entries(
        store, plan, [Entry("fengjing", parse_period("2024-02"), k, v) for k, v in values.items()], who="t"
    )


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "fengjing.p12"
    path.write_bytes(new_key("fengjing", "金山区枫泾镇人民政府", PASS))
    return path


def wait_for_worker(qtbot, window):
    qtbot.waitUntil(lambda: not window.worker.busy(), timeout=30000)


def test_export_pdf_runs_off_the_gui_thread_and_writes_the_file(
    qtbot, open_window, store, tmp_path, monkeypatch
):
    fill_february(store)
    window = open_window("fengjing", "2024-02")
    offered = []
    monkeypatch.setattr(
        "gui.report_actions.offer_to_open", lambda parent, title, text, path: offered.append(path)
    )
    window.reports.export_to("pdf", tmp_path / "report.pdf")
    wait_for_worker(qtbot, window)
    assert offered == [tmp_path / "report.pdf"]
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")


def test_submit_locks_the_period_and_correct_reopens_it(
    qtbot, open_window, store, settings, key_file, tmp_path, monkeypatch
):
    fill_february(store)
    settings.set_key_path(str(key_file))
    window = open_window("fengjing", "2024-02")
    monkeypatch.setattr("gui.report_actions.offer_to_open", lambda *a: None)
    assert not window.banner.isVisibleTo(window)
    window.reports.submit_to(str(key_file), PASS, tmp_path / "out")
    wait_for_worker(qtbot, window)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2024-02_fengjing_v1.pdf",
        "2024-02_fengjing_v1.xlsx",
    ]
    assert window.session.state.locked
    assert window.banner.isVisibleTo(window) and "第 1 版" in window.banner.text()
    model = next(f for f in window.forms if isinstance(f, Annex2Form)).model
    assert not model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsEditable
    assert not window.reports.submit_action.isEnabled() and window.reports.correct_action.isEnabled()

    window.reports.ask = lambda *a: "2月产值统计口径更正"
    window.reports.correct()
    assert "更正为第 2 版" in window.banner.text()
    assert model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsEditable


def test_submit_with_problems_lists_them_and_does_nothing(qtbot, open_window, store, settings, monkeypatch):
    window = open_window("fengjing", "2024-02")
    warnings = []
    monkeypatch.setattr(
        "gui.report_actions.QMessageBox.warning", lambda parent, title, text: warnings.append(text)
    )
    window.reports.submit()
    assert warnings and "还有" in warnings[0] and "未填写" in warnings[0]
    assert store.submissions.all("jinshan-2024", "fengjing") == []


def test_district_imports_a_package_and_sees_it(qtbot, store, settings, key_file, tmp_path, monkeypatch):
    # a unit database submits
    unit_store = open_database(tmp_path / "unit.sqlite", write=True, create=True)
    fill_february(unit_store)
    from model.exchange.submission import submit
    from model.reports.signing import load_key

    result = submit(
        unit_store,
        unit_store.plans.get(),
        "fengjing",
        parse_period("2024-02"),
        load_key(key_file, PASS),
        tmp_path / "out",
        who="王芳",
    )
    unit_store.close()
    # the district trusts the unit and imports the package from its window
    pem, _info = key_certificate(key_file, PASS)
    (tmp_path / "fengjing.pem").write_text(pem, encoding="ascii")
    choose_unit(store, "drc", "赵敏")
    settings.set_period("jinshan-2024", "2024-02")
    window = gui_app.create_window(store, settings)
    qtbot.addWidget(window)
    page = window.district
    assert isinstance(page, DistrictPage)
    window.show()
    window.tabs.setCurrentWidget(page)  # the clerk imports from the district's page
    from gui.district_page import TrustDialog

    monkeypatch.setattr(
        "gui.district_page.QFileDialog.getOpenFileNames", lambda *a: ([str(tmp_path / "fengjing.pem")], "")
    )
    monkeypatch.setattr("gui.district_page.QMessageBox.information", lambda *a: None)

    def tick_all_and_trust(dialog):  # the officer checked the fingerprint over the phone
        for r in range(dialog.table.rowCount()):
            dialog.table.item(r, 0).setCheckState(Qt.CheckState.Checked)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr("gui.district_page.TrustConfirmDialog.exec", tick_all_and_trust)
    trust = TrustDialog(window.session)
    trust.add()
    assert trust.table.rowCount() == 1 and trust.table.item(0, 0).text() == "枫泾镇"

    shown = []
    monkeypatch.setattr("gui.district_page.ImportResultDialog.exec", lambda self: shown.append(self) or 0)
    copy = tmp_path / "copy.pdf"
    shutil.copy(result.pdf_path, copy)
    page.received_on.setDate(QDate(2024, 3, 10))  # the packages came on time, imported later
    page.import_files([Path(result.pdf_path), copy])
    wait_for_worker(qtbot, window)
    texts = [shown[0].list.item(i).text() for i in range(shown[0].list.count())]
    assert texts[0].startswith("【已接收】")
    assert texts[1].startswith("【已有相同文件】")
    row = next(
        r
        for r in range(page.grid_model.rowCount())
        if page.grid_model.headerData(r, Qt.Orientation.Vertical) == "枫泾镇"
    )
    assert page.grid_model.index(row, 0).data() == "按时"
    tip = page.grid_model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "收到 2024-03-10" in tip and "签名" in tip
    assert "已报 1 个单位" in page.heading.text()


def test_district_edits_targets_through_the_target_table(qtbot, store, settings, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    choose_unit(store, "drc", "赵敏")
    window = gui_app.create_window(store, settings)
    qtbot.addWidget(window)
    table = tmp_path / "targets.xlsx"
    monkeypatch.setattr("gui.district_page.QFileDialog.getSaveFileName", lambda *a: (str(table), ""))
    monkeypatch.setattr("gui.district_page.offer_to_open", lambda *a: None)
    window.district.export_target_table()
    workbook = load_workbook(table)
    sheet = workbook.active
    town_row = next(row for row in sheet.iter_rows() if any(c.value == "枫泾镇" for c in row))
    cell = next(c for c in town_row if c.value == -1.0)  # its annex-2 target
    cell.value = -1.5
    workbook.save(table)
    questions = []
    monkeypatch.setattr("gui.district_page.QFileDialog.getOpenFileName", lambda *a: (str(table), ""))
    monkeypatch.setattr(
        "gui.district_page.QMessageBox.question",
        lambda parent, title, text: questions.append(text) or QMessageBox.StandardButton.Yes,
    )
    monkeypatch.setattr("gui.district_page.QMessageBox.information", lambda *a: None)
    window.district.import_target_table()
    assert "将修改 1 项目标" in questions[0] and "-1.5" in questions[0].replace("−", "-")
    assert window.session.plan.annex2_row("fengjing").target_pct == -1.5
    assert store.plans.get().annex2_row("fengjing").target_pct == -1.5
