"""The district officer's page (issue 14): it opens on the newest month with packages, imports with progress and
can be cancelled between files, drills down from a completeness cell to the versions, the signer, the
PDF and the evidence, shows ΣE/ΣY, and trusts several certificates after showing their fingerprints."""

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from gui import app as gui_app
from gui import open_files
from gui.district_page import ImportProgress, TrustConfirmDialog
from gui.received_dialog import ReceivedDialog
from model.common import formatting as fmt
from model.common.periods import parse_period
from model.common.untrusted import fingerprint_groups
from model.entry.evidence import attach
from model.exchange.district import import_packages, trust_add
from model.exchange.received import certificate_preview
from model.store.database import open_database
from tests.cli.test_district_exchange import env  # noqa: F401  (passphrase and user)
from tests.gui.conftest import choose_unit
from tests.unit_world import unit_db

PHOTO = b"\xff\xd8 the new boiler" * 200


@pytest.fixture
def world(tmp_path):
    """fengjing sends February and March (March with a photo), zhujing February; their certificates."""
    out, certs = tmp_path / "outbox", []
    for uid, months in {"fengjing": ("2024-02", "2024-03"), "zhujing": ("2024-02",)}.items():
        unit = unit_db(tmp_path, uid)
        unit.store.profile.set({"unit": uid, "preparer": "张三"}, who="test")
        unit.statuses(months[0])
        for i, period in enumerate(months):
            unit.month(period, 1000 + i, 1050, 20000, 19500)
            if period == "2024-03":
                photo = tmp_path / "现场照片.jpg"
                photo.write_bytes(PHOTO)
                row = unit.plan.annex4_rows_for(uid)[0].id
                attach(unit.store, unit.plan.id, uid, period, row, photo, who="clerk")
            unit.submit(period, out, datetime.fromisoformat(f"2024-{i + 3:02d}-10T10:00:00+08:00"))
        unit.store.close()
        certs.append(unit.cert_path)
    return sorted(out.glob("*.pdf")), certs


def _district(tmp_path, world, imported=True):
    files, certs = world
    store = open_database(tmp_path / "district.sqlite", write=True, create=True)
    plan = store.plans.get()
    for cert in certs:
        trust_add(store, plan, cert, who="officer")
    if imported:
        import_packages(store, files, who="officer")
    choose_unit(store, plan.district_unit)
    return store


def _page(qtbot, store, settings, period="2024-12"):
    settings.set_period(store.plans.get().id, period)
    window = gui_app.create_window(store, settings)
    qtbot.addWidget(window)
    window.show()
    page = window.district
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not window.worker.busy() and page.view is not None, timeout=30000)
    qtbot.waitUntil(lambda: not window.worker.busy(), timeout=30000)
    return window, page


def test_the_page_opens_on_the_newest_month_with_packages(qtbot, tmp_path, world, settings):
    store = _district(tmp_path, world)
    window, page = _page(qtbot, store, settings)
    assert window.session.period == parse_period("2024-03")
    assert "已报 1 个单位" in page.heading.text() and parse_period("2024-03").label() in page.heading.text()


def test_the_summary_shows_the_sums_the_pdf_has(qtbot, tmp_path, world, settings):
    store = _district(tmp_path, world)
    _window, page = _page(qtbot, store, settings, "2024-02")
    table = page.summary_model
    headers = [table.headerData(c, Qt.Orientation.Horizontal) for c in range(table.columnCount())]
    total = page.view.annex2_total
    last = table.rowCount() - 1
    shown = {h: table.index(last, c).data() for c, h in enumerate(headers)}
    assert shown["累计能耗 ΣE"] == fmt.amount(total.energy_tce)
    assert shown["累计产值 ΣY"] == fmt.amount(total.output_wan_yuan)
    assert shown["上年同期能耗"] == fmt.amount(total.energy_tce_last_year)
    assert shown["上年同期产值"] == fmt.amount(total.output_wan_yuan_last_year)


def test_a_cell_drills_down_to_the_versions_the_pdf_and_the_evidence(
    qtbot, tmp_path, world, settings, monkeypatch
):
    store = _district(tmp_path, world)
    _window, page = _page(qtbot, store, settings, "2024-03")
    grid = page.grid_model
    row = next(r for r in range(grid.rowCount()) if grid.headerData(r, Qt.Orientation.Vertical) == "枫泾镇")
    column = grid.columnCount() - 1
    assert "双击" in grid.data(grid.index(row, column), Qt.ItemDataRole.ToolTipRole)

    opened = []
    monkeypatch.setattr(
        open_files.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    dialog = ReceivedDialog(store, store.plans.get(), "fengjing", parse_period("2024-03"))
    qtbot.addWidget(dialog)
    cells = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert cells[:3] == ["第 1 版", "在用", "张三"] and cells[3] != "—" and cells[4] != "—"
    assert dialog.evidence.rowCount() == 1 and dialog.evidence.item(0, 0).text().endswith("现场照片.jpg")
    dialog.evidence.itemDoubleClicked.emit(dialog.evidence.item(0, 0))
    dialog.open_pdf_button.click()
    assert len(opened) == 2
    with open(opened[0], "rb") as photo, open(opened[1], "rb") as pdf:
        assert photo.read() == PHOTO and pdf.read(5) == b"%PDF-"


def test_cancelling_the_import_stops_between_files(qtbot, tmp_path, world):
    files, _certs = world
    store = _district(tmp_path, world, imported=False)
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    progress = ImportProgress(len(files), parent)
    seen = []

    def report(done, total, path):
        seen.append(done)
        if done == 1:
            progress.dialog.canceled.emit()  # the officer presses 取消 while the first file is imported
        return progress.report(done, total, path)

    outcomes = import_packages(store, files, who="officer", progress=report)
    assert len(files) == 3 and len(outcomes) == 1 and seen == [0, 1]
    assert len(store.received.all(store.plans.get().id)) == 1


def test_several_certificates_are_trusted_after_their_fingerprints_are_shown(qtbot, tmp_path, world):
    _files, certs = world
    store = open_database(tmp_path / "d.sqlite", write=True, create=True)
    plan = store.plans.get()
    previews = [certificate_preview(plan, c) for c in certs]
    dialog = TrustConfirmDialog(previews)
    qtbot.addWidget(dialog)
    shown = [dialog.table.item(r, 1).text() for r in range(2)]
    assert shown == [fingerprint_groups(p.fingerprint) for p in previews]
    assert all(len(group) == 4 for group in shown[0].split(" ")) and len(shown[0].split(" ")) == 16
    assert not dialog.trust_button.isEnabled()  # nothing is trusted until ticked
    for r in range(2):
        dialog.table.item(r, 0).setCheckState(Qt.CheckState.Checked)
    assert dialog.trust_button.isEnabled() and dialog.chosen() == previews
