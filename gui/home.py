"""The home page: who I am, the period being reported, what is missing, and one card per target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QMenu, QScrollArea, QVBoxLayout, QWidget

from gui import style
from gui.lazy import RefreshWhenShown
from gui.session import UnitSession
from model.calc.allowance import describe
from model.calc.checks import ERROR
from model.calc.progress import RowProgress, colour_label
from model.common import formatting as fmt

# (title, lines, colour, word, figures): a card's figures are (name, key of `progress --json`) for 计算过程
CardData = tuple[str, list[str], str | None, str | None, list[tuple[str, str]]]


def _card_style() -> str:
    """The cards' colours by their `colour` property: background and border, the warning word's colour."""
    rules = []
    for colour in ("none", *style.COLOUR_LINE):
        background = style.COLOUR_BACKGROUND.get(colour, QColor("#f4f4f4")).name()
        border = style.COLOUR_LINE.get(colour, QColor("#b0b0b0")).name()
        rules.append(
            f'#card[colour="{colour}"] {{ background: {background}; border: 2px solid {border}; border-radius: 6px; }}'
            f'#card[colour="{colour}"] QLabel#word {{ color: {border}; }}'
        )
    return "".join(rules) + f"#card:focus {{ border: 3px solid {style.FOCUS_COLOUR}; }}"


CARD_STYLE = _card_style()


class Card(QFrame):
    """One target: its title, a few lines and the warning word, in the warning's colours. Tab reaches it;
    F2 or Enter explains its main figure, the context menu each figure."""

    explain_requested = Signal(str)

    def __init__(
        self,
        title: str,
        lines: list[str],
        colour: str | None,
        word: str | None = None,
        figures: list[tuple[str, str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.show_menu: Callable[[QMenu, Any], Any] = lambda menu, where: menu.exec(where)
        self._layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self._layout.addWidget(self.heading)
        self.lines: list[QLabel] = []
        self.word = QLabel()
        self.word.setObjectName("word")
        self._layout.addWidget(self.word)
        self._layout.addStretch(1)
        self.shown: CardData | None = None
        self.colour, self.title, self.figures = colour, title, figures or []
        self.show_data((title, lines, colour, word, figures or []))

    def show_data(self, data: CardData) -> None:
        """Show these texts and colours, changing only the labels whose text changed."""
        if self.shown == data:
            return
        title, lines, colour, word, figures = data
        if self.shown is None or colour != self.colour:
            # The colours come from the page's one style sheet (CARD_STYLE): a style sheet of each card's
            # own costs a style of its own per card at start.
            self.setProperty("colour", colour or "none")
            if self.shown is not None:
                for widget in (self, self.word):
                    widget.style().unpolish(widget)
                    widget.style().polish(widget)
        if self.shown is None or bool(figures) != bool(self.figures):
            focus = Qt.FocusPolicy.StrongFocus if figures else Qt.FocusPolicy.NoFocus
            self.setFocusPolicy(focus)
            self.setToolTip(self.tr("按 F2 查看计算过程") if figures else "")
        self.shown, self.colour, self.title, self.figures = data, colour, title, figures
        self.setAccessibleName(title)
        self.heading.setText(f"<b>{title}</b>")
        while len(self.lines) > len(lines):
            self.lines.pop().setParent(None)  # type: ignore[call-overload]
        while len(self.lines) < len(lines):
            label = QLabel()
            label.setWordWrap(True)
            self._layout.insertWidget(1 + len(self.lines), label)
            self.lines.append(label)
        for label, line in zip(self.lines, lines, strict=True):
            label.setText(line)
        self.word.setText(f"<b>{word if word is not None else colour_label(colour)}</b>")

    def keyPressEvent(self, event: Any) -> None:
        explain_keys = (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if self.figures and event.key() in explain_keys:
            self.explain_requested.emit(self.figures[0][1])
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event: Any) -> None:
        if not self.figures:
            return
        menu = QMenu(self)
        for name, figure in self.figures:
            menu.addAction(
                self.tr("计算过程：{name}…").format(name=name),
                lambda f=figure: self.explain_requested.emit(f),
            )
        keyboard = event.reason() == event.Reason.Keyboard
        self.show_menu(menu, self.mapToGlobal(self.rect().center()) if keyboard else event.globalPos())


class HomePage(RefreshWhenShown, QScrollArea):
    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWidgetResizable(True)
        events = session.events
        for signal in (events.report_changed, events.state_changed, events.plan_changed):
            signal.connect(self.refresh)
        self.cards: list[Card] = []
        self.header = QLabel()
        self.due = QLabel()
        self.shown: tuple[Any, tuple[Any, ...]] = (None, ())  # the report and refused cells on show
        self.stale = False
        self._build()

    def _build(self) -> None:
        """Fill the page in place: after an edit or a period switch only the texts that changed are set
        (a new page of cards costs tens of milliseconds); the cards are made again only when their
        number changes (another plan)."""
        self.stale = False
        s = self.session
        shown = (s.report, tuple(s.invalid))
        if shown[0] is self.shown[0] and shown[1] == self.shown[1]:
            return  # the same report (a period switch says its state and its report changed)
        self.shown = shown
        self.header.setText(
            self.tr("<h2>{unit}</h2><p>报告期：<b>{label}</b>　序时进度 {elapsed}　计划：{plan}</p>").format(
                unit=s.unit.full_name,
                label=s.period.label(),
                elapsed=fmt.pct(s.progress.elapsed_pct),
                plan=s.plan.title,
            )
        )
        self.due.setText(self._due_text())
        data = self._card_data()
        if len(data) == len(self.cards):
            for card, card_data in zip(self.cards, data, strict=True):
                card.show_data(card_data)
            return
        page = QWidget()
        page.setStyleSheet(CARD_STYLE)
        layout = QVBoxLayout(page)
        self.header, self.due = QLabel(self.header.text()), QLabel(self.due.text())
        for label in (self.header, self.due):
            label.setWordWrap(True)
            layout.addWidget(label)
        grid = QGridLayout()
        self.cards = [Card(*card_data) for card_data in data]
        for card in self.cards:
            card.explain_requested.connect(self.explain)
        columns = 3
        for i, card in enumerate(self.cards):
            grid.addWidget(card, i // columns, i % columns)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.setWidget(page)

    def _due_text(self) -> str:
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
        return text

    def explain(self, figure: str) -> None:
        """计算过程 of a card's figure: the same explanation as `main.py explain`."""
        from gui.explain_dialog import ExplainDialog
        from model.calc.explain import explain

        self.explain_dialog = ExplainDialog(explain(self.session.report, figure), self)
        self.explain_dialog.show()

    def _card_data(self) -> list[CardData]:
        """(title, lines, colour, word, figures) of each card; the word is the report's (e.g. 数据不全)."""
        p = self.session.progress
        cards: list[CardData] = []
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
                    [
                        (self.tr("累计变化率"), "annex2.ytd_change_rate_pct"),
                        (self.tr("目标完成率"), "annex2.completion_rate_pct"),
                    ],
                )
            )
        cards += self._annex3_cards()
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
            cards.append((f"{row.id} {text}", lines, row.colour, row.colour_label, self._row_figures(row)))
        return cards

    def _annex3_cards(self) -> list[CardData]:
        """能耗总量 and 能耗强度 of a key energy user."""
        b = self.session.progress.annex3
        if b is None:
            return []
        word = None if b.complete else b.colour_label
        total = [
            self.tr("本年累计 {ytd} 吨标准煤，预计全年 {proj}（{method}）").format(
                ytd=fmt.amount(b.ytd_tce), proj=fmt.amount(b.projected_tce), method=b.projection_method_label
            ),
            self.tr("总量控制 {cap} 吨标准煤，已用 {used}").format(
                cap=fmt.amount(b.cap_tce), used=fmt.pct(b.cap_used_pct)
            ),
        ]
        intensity = [
            self.tr("{i}（目标 {t} {u}）").format(
                i=fmt.intensity(b.intensity), t=fmt.intensity(b.intensity_target), u=b.intensity_unit
            ),
            self.tr("同比 {yoy}（要求 {yt}）").format(
                yoy=fmt.rate(b.intensity_yoy_change_pct), yt=fmt.rate(b.intensity_yoy_target_pct)
            ),
        ]
        total_figures = [
            (self.tr("预计全年"), "annex3.projected_tce"),
            (self.tr("本年累计"), "annex3.ytd_tce"),
            (self.tr("总量已用比例"), "annex3.cap_used_pct"),
        ]
        intensity_figures = [
            (self.tr("能耗强度"), "annex3.intensity"),
            (self.tr("强度同比"), "annex3.intensity_yoy_change_pct"),
        ]
        worse = self._worse(b.intensity_colour, b.intensity_yoy_colour)
        return [
            (self.tr("能耗总量"), total, b.total_colour, word, total_figures),
            (self.tr("能耗强度"), intensity, worse, word, intensity_figures),
        ]

    def _row_figures(self, row: RowProgress) -> list[tuple[str, str]]:
        key = f"annex{row.annex}.{row.id}"
        figures = [(self.tr("预警"), f"{key}.colour")]
        if row.share_of_target_pct is not None:
            figures.append((self.tr("完成目标比例"), f"{key}.share_of_target_pct"))
        if row.elapsed_pct is not None:
            figures.append((self.tr("序时进度"), f"{key}.elapsed_pct"))
        return figures

    def _allowance_cards(self) -> list[CardData]:
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
        cards: list[CardData] = [
            (
                self.tr("剩余用能空间"),
                lines,
                colour,
                word,
                [
                    (self.tr("剩余用能空间"), "remaining_allowance_tce"),
                    (self.tr("月均"), "remaining_allowance_per_month_tce"),
                ],
            )
        ]
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
            annex = "annex3" if p.annex3 is not None and p.annex3.carbon is c else "annex2"
            figures = [
                (self.tr("本年累计碳排放"), "ytd_co2_t"),
                (self.tr("上年同期碳排放"), "ytd_co2_t_last_year"),
                (self.tr("碳排放同比"), "co2_change_pct"),
                (self.tr("碳强度"), f"{annex}.carbon.co2_intensity"),
            ]
            word = self.tr("排放因子 {v}").format(v=c.factor_version)
            cards.append((self.tr("碳排放"), lines, None, word, figures))
        return cards

    @staticmethod
    def _worse(a: str | None, b: str | None) -> str | None:
        from model.calc.formulas import worst

        return worst([a, b])
