"""Annex 2: a town's, park's or group's monthly energy and output, with YTD intensity, rate and colour."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from gui import style
from gui.chart import Reference, Series
from gui.grid import Derived, MonthForm, MonthGridModel
from gui.session import UnitSession
from model.calc.allowance import describe
from model.common import formatting as fmt
from model.plan.spec import Field


class Annex2Model(MonthGridModel):
    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        inputs = [f for f in session.plan.fields if f.annex == 2]
        required = [f for f in inputs if f.required]
        optional = [f for f in inputs if not f.required]
        titles = [
            self.tr("本年累计单位产值能耗\n（吨标准煤/万元）"),
            self.tr("上年同期累计单位产值能耗\n（吨标准煤/万元）"),
            self.tr("累计变化率\n（%）"),
            self.tr("预警"),
        ]
        layout: list[Field | int] = [*required, *range(len(titles)), *optional]
        super().__init__(session, layout, titles, parent)

    def derived(self, row: int, column: int) -> Derived:
        progress = self.session.progress.annex2
        if progress is None or row >= len(progress.months):
            return Derived("")
        month = progress.months[row]
        which = self.derived_index(column)
        if which == 0:
            return Derived(fmt.intensity(month.ytd_intensity))
        if which == 1:
            return Derived(fmt.intensity(month.ytd_intensity_last_year))
        if which == 2:
            return Derived(fmt.rate(month.ytd_change_rate_pct), month.colour)
        return Derived(month.colour_label, month.colour)

    def figure_of(self, row: int, column: int) -> str | None:
        if self.address(row, column) is not None or row + 1 != self.session.period.month:
            return None
        keys = ("annex2.ytd_intensity_tce_per_wan_yuan", "annex2.ytd_intensity_tce_per_wan_yuan")
        return (*keys, "annex2.ytd_change_rate_pct", "annex2.ytd_change_rate_pct")[self.derived_index(column)]


class Annex2Form(MonthForm):
    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        title = QCoreApplication.translate("Annex2Form", "本年累计单位产值能耗变化率与目标")
        super().__init__(session, 2, Annex2Model(session), title, parent)

    def refresh(self) -> None:
        p = self.session.progress.annex2
        if p is None:
            return
        colour = style.COLOUR_LINE.get(p.colour or "", QColor("#555")).name()
        link = self.figure_link
        self.summary.setText(
            self.tr(
                "{label}：本年累计综合能耗 <b>{e}</b> 吨标准煤（上年同期 {el}），产值 <b>{y}</b> 万元"
                "（上年同期 {yl}）；单位产值能耗 <b>{i}</b>"
                "（上年同期 {il}）；累计变化率 <b>{r}</b>，目标 <b>{t}</b>，完成率 {c}　"
                "<span style='color:{colour}'><b>【{word}】</b></span><br>"
                "<b>{allowance}</b>　（选中计算结果按 F2 查看计算过程）"
            ).format(
                allowance=link("remaining_allowance_tce", describe(p.allowance)),
                label=self.session.period.label(),
                e=link("annex2.ytd_energy_tce", fmt.amount(p.ytd_energy_tce)),
                el=link("annex2.ytd_energy_tce_last_year", fmt.amount(p.ytd_energy_tce_last_year)),
                y=link("annex2.ytd_output_wan_yuan", fmt.amount(p.ytd_output_wan_yuan)),
                yl=link("annex2.ytd_output_wan_yuan_last_year", fmt.amount(p.ytd_output_wan_yuan_last_year)),
                i=link(
                    "annex2.ytd_intensity_tce_per_wan_yuan", fmt.intensity(p.ytd_intensity_tce_per_wan_yuan)
                ),
                il=fmt.intensity(p.ytd_intensity_last_year_tce_per_wan_yuan),
                r=link("annex2.ytd_change_rate_pct", fmt.rate(p.ytd_change_rate_pct)),
                t=fmt.rate(p.target_pct),
                c=link("annex2.completion_rate_pct", fmt.pct(p.completion_rate_pct)),
                colour=colour,
                word=p.colour_label,
            )
        )
        points = [(m.month, m.ytd_change_rate_pct) for m in p.months]
        colours = [style.COLOUR_LINE.get(m.colour or "") for m in p.months]
        self.chart.set_data(
            [Series(self.tr("累计变化率"), points, QColor("#1565c0"), colours)],
            [
                Reference(
                    self.tr("目标 {t}").format(t=fmt.rate(p.target_pct)), p.target_pct, QColor("#c62828")
                )
            ],
        )
