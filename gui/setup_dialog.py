"""First start (and later changes): who I am — my unit and the names printed in the report footer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gui.settings import Identity
from model.plan.spec import Plan

KIND_ORDER = ("town", "subdistrict", "park", "group", "key_user", "bureau")


class SetupDialog(QDialog):
    def __init__(self, plan: Plan, identity: Identity, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("我是谁"))
        self.plan = plan
        kind_names = {
            "town": self.tr("镇"),
            "subdistrict": self.tr("街道"),
            "park": self.tr("园区"),
            "group": self.tr("企业集团"),
            "key_user": self.tr("重点用能单位"),
            "bureau": self.tr("区级部门"),
        }
        self.unit = QComboBox()
        for kind in KIND_ORDER:
            for unit in (u for u in plan.units if u.kind == kind and plan.fields_for(u.id)):
                suffix = self.tr("（全区汇总）") if unit.id == plan.district_unit else ""
                self.unit.addItem(f"{kind_names[kind]}｜{unit.name}{suffix}", unit.id)
        index = self.unit.findData(identity.unit_id)
        self.unit.setCurrentIndex(max(index, 0))
        self.filler = QLineEdit(identity.filler)
        self.phone = QLineEdit(identity.phone)
        self.stats_head = QLineEdit(identity.stats_head)
        self.unit_head = QLineEdit(identity.unit_head)
        form = QFormLayout()
        form.addRow(self.tr("填报单位(&U)："), self.unit)
        form.addRow(self.tr("填表人(&F)："), self.filler)
        form.addRow(self.tr("联系电话(&P)："), self.phone)
        form.addRow(self.tr("统计负责人(&S)："), self.stats_head)
        form.addRow(self.tr("单位负责人(&H)："), self.unit_head)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("请选择本单位，并填写报表表尾的签署人。以后可在“设置”中修改。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def identity(self) -> Identity:
        return Identity(
            unit_id=str(self.unit.currentData()),
            filler=self.filler.text().strip(),
            phone=self.phone.text().strip(),
            stats_head=self.stats_head.text().strip(),
            unit_head=self.unit_head.text().strip(),
        )
