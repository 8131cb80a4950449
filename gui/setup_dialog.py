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

from model.plan.spec import Plan
from model.store.profile import Profile

KIND_ORDER = ("town", "subdistrict", "park", "group", "key_user", "bureau")


class SetupDialog(QDialog):
    def __init__(self, plan: Plan, profile: Profile, parent: QWidget | None = None) -> None:
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
        index = self.unit.findData(profile.unit)
        self.unit.setCurrentIndex(max(index, 0))
        self.filler = QLineEdit(profile.preparer)
        self.phone = QLineEdit(profile.phone)
        self.stats_head = QLineEdit(profile.stats_head)
        self.unit_head = QLineEdit(profile.unit_head)
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
        intro = QLabel(
            self.tr(
                "请选择本单位，并填写报表表尾的签署人。保存在数据库中，窗口和命令行导出的报表使用同样的表尾。"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def changes(self) -> dict[str, str]:
        """What the dialog holds, by profile key (for `model.entry.profile.set_profile`)."""
        return {
            "unit": str(self.unit.currentData()),
            "preparer": self.filler.text().strip(),
            "phone": self.phone.text().strip(),
            "stats_head": self.stats_head.text().strip(),
            "unit_head": self.unit_head.text().strip(),
        }
