"""The home page: who I am, the period being reported, what is missing, and one card per target."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from gui import style
from gui.lazy import RefreshWhenShown
from gui.session import UnitSession
from model.calc.allowance import describe
from model.calc.checks import ERROR
from model.calc.progress import colour_label
from model.common import formatting as fmt


class Card(QFrame):
    def __init__(
        self,
        title: str,
        lines: list[str],
        colour: str | None,
        word: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        background = style.COLOUR_BACKGROUND.get(colour or "", QColor("#f4f4f4")).name()
        border = style.COLOUR_LINE.get(colour or "", QColor("#b0b0b0")).name()
        self.setStyleSheet(
            f"#card {{ background: {background}; border: 2px solid {border}; border-radius: 6px; }}"
        )
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{title}</b>")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        for line in lines:
            label = QLabel(line)
            label.setWordWrap(True)
            layout.addWidget(label)
        label = QLabel(f"<b>{word if word is not None else colour_label(colour)}</b>")
        label.setStyleSheet(f"color: {border};")
        layout.addWidget(label)
        layout.addStretch(1)
        self.colour = colour
        self.title = title


class HomePage(RefreshWhenShown, QScrollArea):
    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWidgetResizable(True)
        events = session.events
        for signal in (events.report_changed, events.state_changed, events.plan_changed):
            signal.connect(self.refresh)
        self.cards: list[Card] = []
        self.stale = False
        self._build()

    def _build(self) -> None:
        self.stale = False
        s = self.session
        page = QWidget()
        layout = QVBoxLayout(page)
        header = QLabel(
            self.tr("<h2>{unit}</h2><p>报告期：<b>{label}</b>　序时进度 {elapsed}　计划：{plan}</p>").format(
                unit=s.unit.full_name,
                label=s.period.label(),
                elapsed=fmt.pct(s.progress.elapsed_pct),
                plan=s.plan.title,
            )
        )
        header.setWordWrap(True)
        layout.addWidget(header)
        layout.addWidget(self._due_label())
        grid = QGridLayout()
        self.cards = [Card(title, lines, colour, word) for title, lines, colour, word in self._card_data()]
        columns = 3
        for i, card in enumerate(self.cards):
            grid.addWidget(card, i // columns, i % columns)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.setWidget(page)

    def _due_label(self) -> QLabel:
        s = self.session
        errors = [p for p in s.problems if p.severity == ERROR]
        reasons = [p for p in s.problems if p.severity != ERROR and p.blocking]
        if s.invalid:
            text = self.tr("有 {n} 个单元格的内容无法接受（红色），请改正。").format(n=len(s.invalid))
        elif errors or reasons:
            text = self.tr(
                "本期还有 <b>{e}</b> 项必填数据未填，<b>{w}</b> 项波动需要填写原因。详见右侧“检查”列表。"
            ).format(e=len(errors), w=len(reasons))
        else:
            text = self.tr("本期数据已齐全，检查全部通过。")
        label = QLabel(text)
        label.setWordWrap(True)
        return label

    def _card_data(self) -> list[tuple[str, list[str], str | None, str | None]]:
        """(title, lines, colour, word) of each card; the word is the report's (e.g. 数据不全)."""
        p = self.session.progress
        cards: list[tuple[str, list[str], str | None, str | None]] = []
        if p.annex2:
            a = p.annex2
            cards.append(
                (
                    self.tr("规上工业单位产值能耗变化率"),
                    [
                        self.tr("本年累计：{r}　目标：{t}").format(
                            r=fmt.rate(a.ytd_change_rate_pct), t=fmt.rate(a.target_pct)
                        ),
                        self.tr("目标完成率：{c}").format(c=fmt.pct(a.completion_rate_pct)),
                    ],
                    a.colour,
                    a.colour_label,
                )
            )
        if p.annex3:
            b = p.annex3
            cards.append(
                (
                    self.tr("能耗总量"),
                    [
                        self.tr("本年累计 {ytd} 吨标准煤，预计全年 {proj}（{method}）").format(
                            ytd=fmt.amount(b.ytd_tce),
                            proj=fmt.amount(b.projected_tce),
                            method=b.projection_method_label,
                        ),
                        self.tr("总量控制 {cap} 吨标准煤，已用 {used}").format(
                            cap=fmt.amount(b.cap_tce), used=fmt.pct(b.cap_used_pct)
                        ),
                    ],
                    b.total_colour,
                    None if b.complete else b.colour_label,
                )
            )
            cards.append(
                (
                    self.tr("能耗强度"),
                    [
                        self.tr("{i}（目标 {t} {u}）").format(
                            i=fmt.intensity(b.intensity),
                            t=fmt.intensity(b.intensity_target),
                            u=b.intensity_unit,
                        ),
                        self.tr("同比 {yoy}（要求 {yt}）").format(
                            yoy=fmt.rate(b.intensity_yoy_change_pct), yt=fmt.rate(b.intensity_yoy_target_pct)
                        ),
                    ],
                    self._worse(b.intensity_colour, b.intensity_yoy_colour),
                    None if b.complete else b.colour_label,
                )
            )
        cards += self._allowance_cards()
        for row in p.annex1 + p.annex4:
            lines = [self.tr("目标：{t}").format(t=row.target)] if row.target else []
            if row.value is not None:
                lines.append(self.tr("完成：{v}").format(v=fmt.amount(row.value)))
            if row.share_of_target_pct is not None:
                lines.append(
                    self.tr("完成目标 {s}，序时进度 {e}").format(
                        s=fmt.pct(row.share_of_target_pct), e=fmt.pct(row.elapsed_pct)
                    )
                )
            lines.append(self.tr("状态：{s}").format(s=row.status or self.tr("未填")))
            text = row.text if len(row.text) <= 40 else row.text[:40] + "…"
            cards.append((f"{row.id} {text}", lines, row.colour, row.colour_label))
        return cards

    def _allowance_cards(self) -> list[tuple[str, list[str], str | None, str | None]]:
        """剩余用能空间 (annex 2 or 3) and, for a unit reporting carriers, its carbon."""
        p = self.session.progress
        part = p.annex2 or p.annex3
        if part is None:
            return []
        a = part.allowance
        lines = [describe(a)]
        if a is not None:
            lines.append(
                self.tr("全年恰好达标可用 {allowed} 吨标准煤，本年已用 {used}").format(
                    allowed=fmt.amount(a.allowed_year_tce), used=fmt.amount(a.used_tce)
                )
            )
        colour = None if a is None else ("red" if a.out_of_reach_by_tce is not None else "green")
        word = (
            self.tr("数据不全")
            if a is None
            else (self.tr("已无法达标") if colour == "red" else self.tr("尚有空间"))
        )
        cards = [(self.tr("剩余用能空间"), lines, colour, word)]
        c = p.carbon
        if c is not None:
            lines = (
                [
                    self.tr("本年累计 {co2} 吨二氧化碳，上年同期 {last}").format(
                        co2=fmt.amount(p.ytd_co2_t), last=fmt.amount(p.ytd_co2_t_last_year)
                    ),
                    self.tr("同比 {d}；碳强度 {i} {u}").format(
                        d=fmt.rate(p.co2_change_pct),
                        i=fmt.intensity(c.co2_intensity),
                        u=c.co2_intensity_unit,
                    ),
                ]
                if c.complete
                else [self.tr("数据不全：分品种能耗有月份未填，累计碳排放暂不给出")]
            )
            cards.append((self.tr("碳排放"), lines, None, self.tr("排放因子 {v}").format(v=c.factor_version)))
        return cards

    @staticmethod
    def _worse(a: str | None, b: str | None) -> str | None:
        from model.calc.formulas import worst

        return worst([a, b])
