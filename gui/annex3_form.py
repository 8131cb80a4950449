"""Annex 3: a key energy user's energy by carrier, converted to standard coal, against its caps."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from gui import style
from gui.chart import Reference, Series
from gui.grid import Derived, MonthForm, MonthGridModel, wrap
from gui.session import UnitSession
from model.calc.allowance import describe
from model.calc.progress import colour_label
from model.common import formatting as fmt
from model.plan.spec import Field


class Annex3Model(MonthGridModel):
    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        inputs = [f for f in session.plan.fields_for(session.unit.id) if f.annex == 3]
        titles = [
            self.tr("当月折标准煤\n（吨）"),
            self.tr("上年同月折标准煤\n（吨）"),
            self.tr("本年累计\n（吨标准煤）"),
            self.tr("当月碳排放\n（吨二氧化碳）"),
            self.tr("上年同月碳排放\n（吨二氧化碳）"),
            self.tr("本年累计碳排放\n（吨二氧化碳）"),
        ]
        layout: list[Field | int] = [*inputs, *range(len(titles))]
        super().__init__(session, layout, titles, parent)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        f = self.layout[section] if orientation == Qt.Orientation.Horizontal else None
        if role == Qt.ItemDataRole.DisplayRole and isinstance(f, Field) and f.carrier:
            plan = self.session.plan
            basis = plan.electricity_basis_for(3).basis
            kgce = self.session.coefficients.kgce_per_unit(f.carrier, basis, plan.year)
            return self.tr("{label}\n（{unit}）\n折标系数 {kgce}").format(
                label=wrap(f.label), unit=f.unit, kgce=fmt.coefficient(kgce)
            )
        return super().headerData(section, orientation, role)

    def derived(self, row: int, column: int) -> Derived:
        progress = self.session.progress.annex3
        if progress is None or row >= len(progress.months):
            return Derived("")
        month = progress.months[row]
        which = self.derived_index(column)
        if which >= 3:
            carbon = progress.carbon
            if carbon is None:
                return Derived("")
            series = (carbon.monthly_co2_t, carbon.monthly_co2_t_last_year, carbon.cumulative_co2_t)[
                which - 3
            ]
            return Derived(fmt.amount(series[row]))
        value = (month.tce, month.tce_last_year, month.cumulative_tce)[which]
        return Derived(fmt.amount(value))

    def figure_of(self, row: int, column: int) -> str | None:
        if self.address(row, column) is not None or row + 1 != self.session.period.month:
            return None
        keys = ("annex3.ytd_tce", "annex3.ytd_tce_last_year", "annex3.ytd_tce")
        keys += ("ytd_co2_t", "ytd_co2_t_last_year", "ytd_co2_t")
        return keys[self.derived_index(column)]


class Annex3Form(MonthForm):
    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        title = QCoreApplication.translate("Annex3Form", "本年累计能耗与总量控制目标（吨标准煤）")
        super().__init__(session, 3, Annex3Model(session), title, parent)

    def _badge(self, colour: str | None) -> str:
        p = self.session.progress.annex3
        word = colour_label(colour) if p is None or p.complete else p.colour_label
        css = style.COLOUR_LINE.get(colour or "", QColor("#555")).name()
        return f"<span style='color:{css}'><b>【{word}】</b></span>"

    def refresh(self) -> None:
        whole = self.session.progress
        p = whole.annex3
        if p is None:
            return
        link = self.figure_link
        self.summary.setText(
            self.tr(
                "{label}（{basis}；折标系数 {version}）<br>"
                "本年累计 <b>{ytd}</b> 吨标准煤，总量控制 {cap} 吨标准煤，已用 {used}；"
                "预计全年 <b>{proj}</b> 吨标准煤（{method}）{total}<br>"
                "能耗强度 <b>{i}</b> {unit}，目标 {t} {icol}；同比 <b>{yoy}</b>，要求 {yt} {ycol}<br>"
                "碳排放：本年累计 <b>{co2}</b> 吨二氧化碳（上年同期 {co2l}，同比 {co2d}）<br>"
                "<b>{allowance}</b>　（点击数字，或按 Tab 选中数字后回车，查看计算过程；表格中选中计算结果按 F2）"
            ).format(
                co2=link("ytd_co2_t", fmt.amount(whole.ytd_co2_t)),
                co2l=link("ytd_co2_t_last_year", fmt.amount(whole.ytd_co2_t_last_year)),
                co2d=link("co2_change_pct", fmt.rate(whole.co2_change_pct)),
                allowance=link("remaining_allowance_tce", describe(p.allowance)),
                label=self.session.period.label(),
                basis=p.electricity_basis_line,
                version=p.coefficient_version,
                ytd=link("annex3.ytd_tce", fmt.amount(p.ytd_tce)),
                cap=fmt.amount(p.cap_tce),
                used=link("annex3.cap_used_pct", fmt.pct(p.cap_used_pct)),
                proj=link("annex3.projected_tce", fmt.amount(p.projected_tce)),
                method=p.projection_method_label,
                total=self._badge(p.total_colour),
                i=link("annex3.intensity", fmt.intensity(p.intensity)),
                unit=p.intensity_unit,
                t=fmt.intensity(p.intensity_target),
                icol=self._badge(p.intensity_colour),
                yoy=link("annex3.intensity_yoy_change_pct", fmt.rate(p.intensity_yoy_change_pct)),
                yt=fmt.rate(p.intensity_yoy_target_pct),
                ycol=self._badge(p.intensity_yoy_colour),
            )
        )
        cumulative = [(m.month, m.cumulative_tce) for m in p.months]
        series = [Series(self.tr("本年累计"), cumulative, QColor("#1565c0"))]
        if p.projected_tce is not None and p.months:
            last = p.months[-1]
            series.append(
                Series(
                    self.tr("预计"),
                    [(last.month, last.cumulative_tce), (12, p.projected_tce)],
                    QColor("#6a1b9a"),
                    dashed=True,
                )
            )
        if p.carbon is not None:
            carbon = list(enumerate(p.carbon.cumulative_co2_t, start=1))
            series.append(
                Series(self.tr("本年累计碳排放（吨二氧化碳，右轴）"), carbon, QColor("#2e7d32"), right=True)
            )
        self.chart.set_data(series, [Reference(self.tr("总量控制目标"), p.cap_tce, QColor("#c62828"))])
