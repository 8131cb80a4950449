"""The figures of a benchmark run and how they are written: pure functions (tests/benchmarks/test_results.py).

A figure is the median of several runs; it is printed beside a reference measured in the same run (a
bare Qt window, LibreOffice converting the same workbook, `python -c pass`) as a ratio, because absolute
times on a shared machine move by ±30 % from run to run. A goal is judged on the absolute median, or on
the ratio when the goal itself is a ratio (start-up ÷ bare Qt window).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

BEGIN, END = "<!-- benchmarks/run.py: begin -->", "<!-- benchmarks/run.py: end -->"
HISTORY_HEADING = "## At a district's scale: history (issues 8, 17)"
HISTORY_INTRO = (
    "Each run of `make bench` appends its entry here (newest last): date, commit, machine, every figure "
    "with its ratio to a reference measured in the same run, and each goal's verdict."
)


@dataclass(frozen=True)
class Reference:
    """What a figure is compared with, measured in the same run."""

    key: str  # short name shown in the ratio column
    what: str
    values: tuple[float, ...]
    unit: str = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.values)


@dataclass(frozen=True)
class Goal:
    limit: float
    on_ratio: bool = False  # the goal is a ratio to the figure's reference (start-up ≤ 2× bare Qt)
    strict: bool = False  # "under" (<) rather than "at most" (≤)


@dataclass
class Figure:
    what: str
    values: list[float]
    goal: Goal | None = None
    reference: Reference | None = None
    unit: str = "s"  # s, MiB, B (bytes), n (a count)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def ratio(self) -> float | None:
        if self.reference is None or self.reference.median <= 0:
            return None
        return self.median / self.reference.median

    @property
    def passed(self) -> bool | None:
        if self.goal is None:
            return None
        value = self.ratio if self.goal.on_ratio else self.median
        if value is None:
            return None
        return value < self.goal.limit if self.goal.strict else value <= self.goal.limit

    def show(self, value: float) -> str:
        return show_value(value, self.unit)

    def goal_text(self) -> str:
        if self.goal is None:
            return ""
        sign = "<" if self.goal.strict else "≤"
        if self.goal.on_ratio:
            return f"{sign} {ratio_text(self.goal.limit)} {self.reference.key if self.reference else ''}".rstrip()
        return f"{sign} {self.show(self.goal.limit)}"

    def cells(self) -> list[str]:
        n = len(self.values)
        spread = f"{self.show(min(self.values))} – {self.show(max(self.values))}" if n > 1 else ""
        ratio = self.ratio
        times = "" if ratio is None or self.reference is None else f"{ratio_text(ratio)} {self.reference.key}"
        verdict = {None: "", True: "pass", False: "**FAIL**"}[self.passed]
        return [
            self.what,
            f"**{self.show(self.median)}**",
            spread,
            str(n),
            times,
            self.goal_text(),
            verdict,
            self.note,
        ]


def show_value(value: float, unit: str) -> str:
    if unit == "s":
        if value < 0.01:
            return f"{value * 1000:.2f} ms"
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    if unit == "B":
        return f"{value:,.0f} B"
    return f"{value:,.0f}"


def ratio_text(ratio: float) -> str:
    """2 significant figures, at most one decimal above 10: 0.052×, 0.52×, 3.8×, 21×, 140×."""
    if ratio == 0:
        return "0×"
    if ratio >= 10:
        return f"{ratio:,.0f}×"
    if ratio >= 1:
        return f"{ratio:.1f}×"
    return f"{ratio:.2g}×"


HEAD = ["what", "median", "min – max", "runs", "× reference", "goal", "", "note"]


def table(figures: list[Figure]) -> str:
    lines = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in f.cells()) + " |" for f in figures]
    return "\n".join(lines)


def references_text(references: list[Reference]) -> str:
    """One line per reference: its key, what it is and its median (the ratios are to these)."""
    return "\n".join(
        f"- **{r.key}** = {r.what}: median {show_value(r.median, r.unit)} of {len(r.values)}"
        for r in references
    )


def verdicts(figures: list[Figure]) -> tuple[int, list[Figure]]:
    """(goals judged, goals missed)."""
    judged = [f for f in figures if f.passed is not None]
    return len(judged), [f for f in judged if not f.passed]


def append_entry(current: str, entry: str) -> str:
    """RESULTS.md with `entry` appended to the harness's history (the block between BEGIN and END);
    the text around the block, written by hand, is kept as it is. No block yet: it is added at the end."""
    entry = entry.strip("\n")
    if BEGIN in current and END in current:
        before, rest = current.split(BEGIN, 1)
        block, after = rest.split(END, 1)
        block = block.rstrip("\n")
        return f"{before}{BEGIN}{block}\n\n{entry}\n{END}{after}"
    head = current.rstrip("\n") or "# Benchmark results"
    return f"{head}\n\n{HISTORY_HEADING}\n\n{HISTORY_INTRO}\n\n{BEGIN}\n{entry}\n{END}\n"


def commit_label(short_hash: str, dirty: bool) -> str:
    return short_hash + ("+dirty" if dirty else "")
