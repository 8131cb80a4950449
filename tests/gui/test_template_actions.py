"""报表 → 导出填报模板 and 文件 → 从 Excel 导入: the round trip in the window, one undo step."""

from openpyxl import load_workbook
from PySide6.QtWidgets import QDialog

from gui.template_actions import PreviewDialog


def _stored(store, period, field):
    return {(f.period, f.field): f.value for f in store.figures.read("jinshan-2024", "fengjing")}.get(
        (period, field)
    )


def test_export_then_import_saves_the_changes_as_one_undo_step(
    qtbot, open_window, store, tmp_path, monkeypatch
):
    window = open_window("fengjing", "2024-06")
    monkeypatch.setattr("gui.template_actions.offer_to_open", lambda *a: None)
    book = tmp_path / "模板.xlsx"
    window.templates.export_to(book)
    qtbot.waitUntil(lambda: book.exists() and not window.worker.busy())
    wb = load_workbook(book)
    wb["月度数据"]["B7"], wb["月度数据"]["D7"] = "720", "1.2亿"
    wb.save(book)
    shown = []

    def accept(dialog):
        shown.append(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PreviewDialog, "exec", accept)
    window.templates.read(book)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0].save.isEnabled()
    assert (_stored(store, "2024-03", "energy_tce"), _stored(store, "2024-03", "output_wan_yuan")) == (
        720,
        12000,
    )
    window.session.undo_stack.undo()
    assert (
        _stored(store, "2024-03", "energy_tce") is None
        and _stored(store, "2024-03", "output_wan_yuan") is None
    )


def test_a_workbook_with_a_refusal_cannot_be_saved(qtbot, open_window, store, tmp_path, monkeypatch):
    window = open_window("fengjing", "2024-06")
    monkeypatch.setattr("gui.template_actions.offer_to_open", lambda *a: None)
    book = tmp_path / "模板.xlsx"
    window.templates.export_to(book)
    qtbot.waitUntil(lambda: book.exists() and not window.worker.busy())
    wb = load_workbook(book)
    wb["月度数据"]["B7"], wb["月度数据"]["B8"] = 720, "七百"
    wb.save(book)
    shown = []
    monkeypatch.setattr(
        PreviewDialog, "exec", lambda dialog: shown.append(dialog) or QDialog.DialogCode.Rejected
    )
    window.templates.read(book)
    qtbot.waitUntil(lambda: bool(shown))
    assert not shown[0].save.isEnabled()
    assert _stored(store, "2024-03", "energy_tce") is None
