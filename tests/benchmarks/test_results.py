"""The benchmark harness' pure functions (benchmarks/bench_results.py): ratios, verdicts and the history in
RESULTS.md. No timing here: the harness measures, the tests only check how it writes what it measured."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_results import (
    BEGIN,
    END,
    Figure,
    Goal,
    Reference,
    append_entry,
    commit_label,
    ratio_text,
    table,
    verdicts,
)

QT = Reference("Qt", "bare window", (0.10, 0.12, 0.20))


def test_ratios_keep_two_significant_figures():
    assert [ratio_text(r) for r in (0.0523, 0.523, 3.84, 21.4, 140.2, 0)] == [
        "0.052×",
        "0.52×",
        "3.8×",
        "21×",
        "140×",
        "0×",
    ]


def test_a_figure_is_compared_with_the_median_of_its_reference():
    figure = Figure("start", [0.30, 0.24, 0.50], reference=QT)
    assert figure.ratio == 0.30 / 0.12
    assert "2.5× Qt" in figure.cells()


def test_a_goal_is_judged_on_the_absolute_median_unless_it_is_a_ratio():
    fast_but_slower_than_qt = Figure("save", [0.005, 0.007, 0.009], Goal(0.008), QT)
    assert fast_but_slower_than_qt.passed is True
    start = Figure("start", [0.25, 0.26, 0.27], Goal(2.0, on_ratio=True), QT)
    assert start.passed is False  # 0.26 s is 2.2× the bare window's 0.12 s
    assert start.goal_text() == "≤ 2.0× Qt"


def test_a_strict_goal_fails_at_its_limit():
    assert Figure("rss", [200.0], Goal(200, strict=True), unit="MiB").passed is False
    assert Figure("rss", [199.0], Goal(200, strict=True), unit="MiB").passed is True


def test_verdicts_count_only_figures_with_a_goal():
    figures = [
        Figure("a", [1.0], Goal(2.0)),
        Figure("b", [3.0], Goal(2.0)),
        Figure("c", [3.0]),
    ]
    judged, missed = verdicts(figures)
    assert judged == 2
    assert [f.what for f in missed] == ["b"]
    assert "**FAIL**" in table(figures).splitlines()[3]


def test_each_run_appends_its_entry_and_keeps_the_hand_written_text():
    current = f"# Results\n\nby hand above\n\n{BEGIN}\n### first run\n{END}\n\nby hand below\n"
    once = append_entry(current, "### second run\n")
    twice = append_entry(once, "### third run\n")
    assert twice.startswith("# Results\n\nby hand above\n\n")
    assert twice.endswith(f"{END}\n\nby hand below\n")
    block = twice.split(BEGIN, 1)[1].split(END, 1)[0]
    assert [line for line in block.splitlines() if line.startswith("###")] == [
        "### first run",
        "### second run",
        "### third run",
    ]


def test_the_first_entry_makes_the_history_block():
    updated = append_entry("# Results\n\nby hand\n", "### a run")
    assert updated.startswith("# Results\n\nby hand\n")
    assert updated.index(BEGIN) < updated.index("### a run") < updated.index(END)


def test_a_dirty_tree_is_said_beside_the_commit():
    assert commit_label("2e81e12", dirty=True) == "2e81e12+dirty"
    assert commit_label("2e81e12", dirty=False) == "2e81e12"
