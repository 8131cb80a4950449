"""文件 → 核对纸质报表 does what `verify-print` does, on the district's own database, off the GUI thread."""

from model.exchange.district import import_package, trust_add
from tests.unit_world import unit_db


def test_the_window_checks_a_printed_page(qtbot, open_window, store, tmp_path):
    unit = unit_db(tmp_path, "fengjing")
    unit.statuses("2024-02")
    unit.month("2024-02", 1000, 1050, 20000, 19500)
    pdf = unit.submit("2024-02", tmp_path / "out").pdf_path
    unit.store.close()
    trust_add(store, store.plans.get(), unit.cert_path, who="officer")
    assert not import_package(store, pdf, who="officer").refused
    window = open_window("drc", "2024-02")
    window.print_check.check(pdf)
    qtbot.waitUntil(lambda: window.print_check.dialog is not None, timeout=60000)
    text = window.print_check.dialog.text.toPlainText()
    assert text.startswith("【一致】区里收到的第 1 版与这页一致，是最新版本。")
    assert "fengjing" in text and "签名人" in text
    window.print_check.dialog.close()
