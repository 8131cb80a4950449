"""帮助 → 快捷键 (F1): every key the window answers to, in the clerk's words."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(where, keys, what they do); the window's shortcuts and the grid's keys."""

    def tr(text: str) -> str:
        return QCoreApplication.translate("ShortcutsDialog", text)

    window, grid, dialogs = tr("窗口"), tr("表格"), tr("对话框")
    return [
        (window, "F1", tr("打开本快捷键列表")),
        (window, "Ctrl+← / Ctrl+→", tr("上一个 / 下一个报告期")),
        (window, "Ctrl+1 … Ctrl+9", tr("切换到第 1…9 个页签（首页、各附件）")),
        (window, "Ctrl+Tab / Ctrl+Shift+Tab", tr("在工具栏、表格、检查列表之间切换")),
        (window, "Ctrl+Z / Ctrl+Y", tr("撤销 / 重做")),
        (window, "Ctrl+G", tr("显示或隐藏表格下方的图表")),
        (window, "Alt+字母", tr("打开菜单（文件 F、编辑 E、报表 R、设置 S、帮助 H）")),
        (window, "Ctrl+E", tr("附件4：当前任务的证明材料")),
        (window, "Ctrl+Q", tr("退出")),
        (grid, tr("直接输入"), tr("开始填写当前单元格")),
        (grid, "F2", tr("修改当前单元格（保留原内容）；计算得出的单元格：显示计算过程")),
        (grid, "Enter", tr("确认并移到下一行；用 Tab 填过一行后回到起始列")),
        (grid, "Tab / Shift+Tab", tr("移到下一个 / 上一个可填写的单元格（跳过计算列和锁定的月份）")),
        (grid, tr("方向键"), tr("移动；按住 Shift 选择一块区域")),
        (grid, "Ctrl+C", tr("复制选中的区域（可直接粘贴到 WPS/Excel）")),
        (grid, "Ctrl+V", tr("粘贴从 WPS/Excel 复制的区域")),
        (grid, "Ctrl+D", tr("向下填充：把选中区域最上面一行填到下面各行")),
        (grid, "Ctrl+Enter", tr("输入后按：把输入的内容填到选中的全部单元格")),
        (grid, "Delete", tr("清除选中的单元格")),
        (grid, "Ctrl+F", tr("查找字段名称或数值；再按一次找下一个")),
        (grid, tr("菜单键 / Shift+F10"), tr("右键菜单：复制、粘贴、清除、修改记录、填写说明")),
        (grid, "Esc", tr("取消正在输入的内容；未在输入时回到工具栏的报告期")),
        (dialogs, "Ctrl+Enter", tr("在原因、更正、说明对话框中确定")),
        (dialogs, "Tab", tr("从文字框移到按钮")),
        (dialogs, "Esc", tr("取消")),
    ]


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("快捷键"))
        rows = shortcut_rows()
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels([self.tr("位置"), self.tr("按键"), self.tr("作用")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 560)
