"""Annex 2: a town's, park's or group's monthly energy and output, with YTD intensity, rate and colour."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from gui import style
from gui.chart import Reference, Series
from gui.grid import Derived, MonthForm, MonthGridModel, wrap
from gui.session import UnitSession
from model.calc.allowance import describe
from model.calc.carbon import shown
from model.common import formatting as fmt
from model.plan.spec import Field

CARBON = 4  # the first derived column of the optional carrier breakdown (tCO₂)


class Annex2Model(MonthGridModel):
    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        inputs = [f for f in session.plan.fields if f.annex == 2]
        required = [f for f in inputs if f.required]
        optional = [f for f in inputs if not f.required and not f.is_carbon_breakdown]
        carriers = [f for f in inputs if f.is_carbon_breakdown]
        titles = [
            self.tr("本年累计单位产值能耗\n（吨标准煤/万元）"),
            self.tr("上年同期累计单位产值能耗\n（吨标准煤/万元）"),
            self.tr("累计变化率\n（%）"),
            self.tr("预警"),
        ]
        carbon = [
            self.tr("当月碳排放\n（吨二氧化碳）"),
            self.tr("上年同月碳排放\n（吨二氧化碳）"),
            self.tr("本年累计碳排放\n（吨二氧化碳）"),
        ]
        layout: list[Field | int] = [*required, *range(CARBON), *optional]
        if carriers:  # the optional breakdown by carrier, for carbon only: a group the form folds away
            layout += [*carriers, *range(CARBON, CARBON + len(carbon))]
        super().__init__(session, layout, titles + carbon, parent)

    def breakdown_columns(self) -> list[int]:
        """The columns of the optional carrier breakdown and its carbon."""
        return [
            i
            for i, item in enumerate(self.layout)
            if (isinstance(item, int) and item >= CARBON)
            or (isinstance(item, Field) and item.is_carbon_breakdown)
        ]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        f = self.layout[section] if orientation == Qt.Orientation.Horizontal else None
        if role == Qt.ItemDataRole.DisplayRole and isinstance(f, Field) and f.is_carbon_breakdown:
            factor = self.session.factors.factor(f.carrier).t_co2_per_unit
            return self.tr("{label}\n（{unit}）\n排放因子 {k}").format(
                label=wrap(f.label), unit=f.unit, k=fmt.coefficient(factor)
            )
        return super().headerData(section, orientation, role)

    def derived(self, row: int, column: int) -> Derived:
        progress = self.session.progress.annex2
        if progress is None or row >= len(progress.months):
            return Derived("")
        month = progress.months[row]
        which = self.derived_index(column)
        if which >= CARBON:
            carbon = progress.carbon
            if carbon is None or row >= len(carbon.monthly_co2_t):
                return Derived("")
            series = (carbon.monthly_co2_t, carbon.monthly_co2_t_last_year, carbon.cumulative_co2_t)
            return Derived(fmt.amount(series[which - CARBON][row]))
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
        keys += ("annex2.ytd_change_rate_pct", "annex2.ytd_change_rate_pct")
        keys += ("ytd_co2_t", "ytd_co2_t_last_year", "ytd_co2_t")
        key = keys[self.derived_index(column)]
        return None if key.startswith("ytd_co2") and self.session.progress.carbon is None else key


class Annex2Form(MonthForm):
    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        title = QCoreApplication.translate("Annex2Form", "本年累计单位产值能耗变化率与目标")
        model = Annex2Model(session)
        self.breakdown = QCheckBox(
            QCoreApplication.translate("Annex2Form", "分品种能耗与碳排放（选填，不影响报送）")
        )
        super().__init__(session, 2, model, title, parent)
        # open when the unit already fills carriers, else folded away
        self.breakdown.setChecked(session.progress.carbon is not None)
        self.breakdown.toggled.connect(self.show_breakdown)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(2, self.breakdown)
        # only once inside the form: shown without a parent it would be a window of its own, taking the
        # keyboard from the main window when the tab is first opened
        self.breakdown.setVisible(bool(model.breakdown_columns()))
        self.show_breakdown(self.breakdown.isChecked())

    def show_breakdown(self, shown: bool) -> None:
        assert isinstance(self.model, Annex2Model)
        for column in self.model.breakdown_columns():
            self.view.setColumnHidden(column, not shown)
        self.refresh()

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
                "<b>{allowance}</b>　（点击数字，或按 Tab 选中数字后回车，查看计算过程；表格中选中计算结果按 F2）"
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
            + self._carbon_line()
        )
        points = [(m.month, m.ytd_change_rate_pct) for m in p.months]
        colours = [style.COLOUR_LINE.get(m.colour or "") for m in p.months]
        series = [Series(self.tr("累计变化率（%）"), points, QColor("#1565c0"), colours)]
        if p.carbon is not None and self.breakdown.isChecked():
            carbon = list(enumerate(p.carbon.cumulative_co2_t, start=1))
            series.append(
                Series(self.tr("本年累计碳排放（吨二氧化碳，右轴）"), carbon, QColor("#2e7d32"), right=True)
            )
        self.chart.set_data(
            series,
            [
                Reference(
                    self.tr("目标 {t}").format(t=fmt.rate(p.target_pct)), p.target_pct, QColor("#c62828")
                )
            ],
        )

    def _carbon_line(self) -> str:
        """The carbon of the optional breakdown, or 数据不全 (no number) while a month is missing."""
        progress = self.session.progress
        carbon = progress.carbon
        if carbon is None:
            return ""
        if not carbon.complete:
            return "<br>" + self.tr("碳排放：<b>数据不全</b>（分品种能耗有月份未填，累计碳排放暂不给出）")
        return "<br>" + self.tr(
            "碳排放：本年累计 <b>{co2}</b> 吨二氧化碳（上年同期 {co2l}，同比 {co2d}）；碳强度 {i} {u}"
        ).format(**shown(carbon))
