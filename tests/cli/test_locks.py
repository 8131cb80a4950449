"""From the command line: what a submission locks, the plan's first cumulative period, and a correction's
reason travelling to the district."""

import json

from tests.cli.test_district_exchange import _unit, env, run  # noqa: F401 (env: the autouse fixture)

MONTHS = {"2024-01": (500, 520, 10000, 9800), "2024-02": (1000, 1050, 20000, 19500)}


def submit(capsys, db, tmp_path, unit, period, out):
    key = str(tmp_path / f"{unit}.p12")
    return run(capsys, db, "submit", "--unit", unit, "--period", period, "--key", key, "-o", str(out))


def test_january_cannot_be_changed_after_january_to_february_is_submitted(capsys, tmp_path):
    db = _unit(capsys, tmp_path, "fengjing", MONTHS)
    assert submit(capsys, db, tmp_path, "fengjing", "2024-02", tmp_path / "out")[0] == 0
    _, before, _ = run(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-02", "--json")

    code, _, err = run(capsys, db, "enter", "--unit", "fengjing", "--period", "2024-01", "energy_tce=7000")
    assert code == 2 and "2024年1–2月" in err and "第 1 版" in err
    assert "main.py correct --unit fengjing --period 2024-02" in err
    _, after, _ = run(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-02", "--json")
    assert json.loads(after) == json.loads(before)
    _, text, _ = run(capsys, db, "history", "--unit", "fengjing", "--period", "2024-02", "--json")
    state = json.loads(text)
    assert state["locked"] and state["locked_by"] == "2024-02" and "1–2月的数据已锁定" in state["message"]


def test_there_is_no_january_only_report_where_the_plan_starts_with_january_to_february(capsys, tmp_path):
    db = _unit(capsys, tmp_path, "fengjing", MONTHS)
    pdf = str(tmp_path / "a.pdf")
    refusals = [
        run(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-01"),
        run(capsys, db, "export", "pdf", "--unit", "fengjing", "--period", "2024-01", "-o", pdf),
        run(capsys, db, "export", "summary-xlsx", "--period", "2024-01", "-o", str(tmp_path / "s.xlsx")),
        submit(capsys, db, tmp_path, "fengjing", "2024-01", tmp_path / "out"),
    ]
    for code, _, err in refusals:
        assert code == 2 and "第一个累计报告期是 2024年1–2月" in err and "2024-02" in err
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "out").exists()
    assert run(capsys, db, "enter", "--unit", "fengjing", "--period", "2024-01", "energy_tce=510")[0] == 0


def test_the_district_sees_why_a_version_was_corrected(capsys, tmp_path):
    out = tmp_path / "out"
    db = _unit(capsys, tmp_path, "fengjing", MONTHS)
    assert submit(capsys, db, tmp_path, "fengjing", "2024-02", out)[0] == 0
    reason = "1月能耗漏报一户"
    args = ("--unit", "fengjing", "--period", "2024-02", "--reason", reason)
    assert run(capsys, db, "correct", *args)[0] == 0
    assert run(capsys, db, "enter", "--unit", "fengjing", "--period", "2024-01", "energy_tce=510")[0] == 0
    assert submit(capsys, db, tmp_path, "fengjing", "2024-02", out)[0] == 0

    district = tmp_path / "district.sqlite"
    assert run(capsys, district, "init")[0] == 0
    assert run(capsys, district, "trust", "add", str(tmp_path / "fengjing.pem"))[0] == 0
    packages = [str(out / "2024-02_fengjing_v1.pdf"), str(out / "2024-02_fengjing_v2.pdf")]
    code, text, _ = run(capsys, district, "import", *packages, "--json")
    outcomes = [json.loads(text)[i] for i in (0, 1)]
    assert code == 0 and [o["correction_reason"] for o in outcomes] == ["", reason]
    assert f"更正第 1 版，原因：{reason}" in outcomes[1]["message"]

    code, text, _ = run(capsys, district, "status", "--period", "2024-02", "--as-of", "2024-03-10", "--json")
    february = next(u for u in json.loads(text)["units"] if u["unit_id"] == "fengjing")["months"]["2024-02"]
    assert (february["version"], february["correction_reason"]) == (2, reason)
    code, text, _ = run(capsys, district, "status", "--period", "2024-02", "--as-of", "2024-03-10")
    assert f"枫泾镇报送第 2 版（更正第 1 版）：{reason}" in text
