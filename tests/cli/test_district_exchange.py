"""The command line of issue 5: submit, correct, history, trust, import, status, targets, plan-export."""

import json
import random
import shutil

import pytest
from openpyxl import load_workbook

import main
from tests.conftest import ROOT

PLAN_2025 = ROOT / "tests" / "fixtures" / "plan-2025.json"


@pytest.fixture(autouse=True)
def env(monkeypatch):
    monkeypatch.setenv("TANBAO_PASSPHRASE", "secret-123")
    monkeypatch.setenv("TANBAO_USER", "clerk")
    monkeypatch.delenv("TANBAO_DB", raising=False)


def run(capsys, db, *args):
    code = main.main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _statuses(capsys, db, unit):
    _, out, _ = run(capsys, db, "plan", "--unit", unit, "--json")
    return [
        f"{f['key']}=推进中" for f in json.loads(out)["fields"] if f["required"] and f["kind"] == "status"
    ]


def _unit(capsys, tmp_path, unit, months, name=None):
    """A unit database with a key, its certificate and figures for `months` (period -> E, El, Y, Yl)."""
    db = tmp_path / f"{name or unit}.sqlite"
    assert run(capsys, db, "init")[0] == 0
    assert run(capsys, db, "keys", "new", "--unit", unit, "-o", str(tmp_path / f"{name or unit}.p12"))[0] == 0
    assert (
        run(
            capsys,
            db,
            "keys",
            "cert",
            str(tmp_path / f"{name or unit}.p12"),
            "-o",
            str(tmp_path / f"{name or unit}.pem"),
        )[0]
        == 0
    )
    first = next(iter(months))
    assert run(capsys, db, "enter", "--unit", unit, "--period", first, *_statuses(capsys, db, unit))[0] == 0
    for period, (e, el, y, yl) in months.items():
        code, _, err = run(
            capsys,
            db,
            "enter",
            "--unit",
            unit,
            "--period",
            period,
            f"energy_tce={e}",
            f"energy_tce_last_year={el}",
            f"output_wan_yuan={y}",
            f"output_wan_yuan_last_year={yl}",
        )
        assert code == 0, err
    return db


def test_unit_submits_corrects_and_the_district_imports(capsys, tmp_path):
    out = tmp_path / "outbox"
    fj = _unit(
        capsys,
        tmp_path,
        "fengjing",
        {"2024-02": (1000, 1050, 20000, 19500), "2024-03": (600, 620, 12000, 11000)},
    )
    zj = _unit(capsys, tmp_path, "zhujing", {"2024-02": (500, 520, 8000, 7900)})

    code, text, _ = run(
        capsys,
        fj,
        "submit",
        "--unit",
        "枫泾镇",
        "--period",
        "2024-02",
        "--key",
        str(tmp_path / "fengjing.p12"),
        "-o",
        str(out),
    )
    assert code == 0 and "第 1 版" in text and "2024-02_fengjing_v1.pdf" in text
    code, text, _ = run(
        capsys,
        zj,
        "submit",
        "--unit",
        "zhujing",
        "--period",
        "2024-02",
        "--key",
        str(tmp_path / "zhujing.p12"),
        "-o",
        str(out),
        "--json",
    )
    assert code == 0 and json.loads(text)["version"] == 1

    code, _, err = run(capsys, fj, "enter", "--unit", "fengjing", "--period", "2024-02", "energy_tce=1001")
    assert code == 2 and err.startswith("错误：") and "第 1 版" in err and "main.py correct" in err

    code, _, err = run(capsys, fj, "correct", "--unit", "fengjing", "--period", "2024-02", "--reason", "  ")
    assert code == 2 and "原因" in err
    code, text, _ = run(
        capsys, fj, "correct", "--unit", "fengjing", "--period", "2024-02", "--reason", "能耗漏报一户"
    )
    assert code == 0 and "第 2 版" in text
    assert run(capsys, fj, "enter", "--unit", "fengjing", "--period", "2024-02", "energy_tce=1001")[0] == 0
    code, text, _ = run(
        capsys,
        fj,
        "submit",
        "--unit",
        "fengjing",
        "--period",
        "2024-02",
        "--key",
        str(tmp_path / "fengjing.p12"),
        "-o",
        str(out),
    )
    assert code == 0 and "2024-02_fengjing_v2.pdf" in text
    code, text, _ = run(
        capsys,
        fj,
        "submit",
        "--unit",
        "fengjing",
        "--period",
        "2024-03",
        "--key",
        str(tmp_path / "fengjing.p12"),
        "-o",
        str(out),
    )
    assert code == 0

    code, text, _ = run(capsys, fj, "history", "--unit", "fengjing", "--period", "2024-02", "--json")
    versions = json.loads(text)["versions"]
    assert [(v["version"], v["status"], v["reason"]) for v in versions] == [
        (1, "superseded", ""),
        (2, "submitted", "能耗漏报一户"),
    ]
    code, text, _ = run(
        capsys,
        fj,
        "history",
        "--unit",
        "fengjing",
        "--period",
        "2024-02",
        "--version",
        "1",
        "-o",
        str(tmp_path / "again"),
    )
    assert (
        code == 0
        and (tmp_path / "again" / "2024-02_fengjing_v1.pdf").read_bytes()
        == (out / "2024-02_fengjing_v1.pdf").read_bytes()
    )

    # the district: nothing trusted yet, so everything is refused with the fingerprint, and nothing is stored
    district = tmp_path / "district.sqlite"
    assert run(capsys, district, "init")[0] == 0
    packages = sorted(out.glob("*.pdf"))
    code, text, _ = run(capsys, district, "import", *map(str, packages))
    assert code == 1 and len(text.strip().splitlines()) == len(packages) + 1
    assert all("拒收" in line and "证书指纹" in line for line in text.splitlines()[:-1])

    for unit in ("fengjing", "zhujing"):
        code, text, _ = run(capsys, district, "trust", "add", str(tmp_path / f"{unit}.pem"))
        assert code == 0 and "指纹" in text
    code, text, _ = run(capsys, district, "trust", "list", "--json")
    assert sorted(t["unit_id"] for t in json.loads(text)) == ["fengjing", "zhujing"]

    raw = (out / "2024-02_zhujing_v1.pdf").read_bytes()
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(raw + b"\n% appended after signing\n")
    copies = tmp_path / "copies"
    shutil.copytree(out, copies)
    batch = [*map(str, packages), *map(str, sorted(copies.glob("*.pdf"))), str(tampered)]
    random.Random(5).shuffle(batch)
    code, text, _ = run(capsys, district, "import", *batch, "--json")
    outcomes = {o["path"]: o for o in json.loads(text)}
    assert code == 1 and len(outcomes) == len(batch)
    assert (
        outcomes[str(tampered)]["outcome"] == "refused"
        and "覆盖整个文件" in outcomes[str(tampered)]["message"]
    )
    kinds = sorted(o["outcome"] for o in outcomes.values() if o["outcome"] != "refused")
    assert kinds.count("identical") == len(packages)

    code, text, _ = run(capsys, district, "import", *map(str, packages))
    assert code == 0 and text.count("未作改动") == len(packages)

    code, text, _ = run(capsys, district, "status", "--period", "2024-03", "--as-of", "2024-04-20", "--json")
    grid = {u["unit_id"]: u["months"] for u in json.loads(text)["units"]}
    assert code == 0 and list(grid["fengjing"]) == ["2024-02", "2024-03"]
    assert grid["fengjing"]["2024-02"]["state"] == "corrected" and grid["fengjing"]["2024-02"]["version"] == 2
    assert grid["zhujing"]["2024-03"]["state"] == "missing"
    code, text, _ = run(capsys, district, "status", "--period", "2024-03", "--as-of", "2024-04-20")
    assert "枫泾镇" in text and "更正" in text and "未报" in text

    # the district's figures are the packages' (the correction, not version 1), never copied into its own
    code, text, _ = run(capsys, district, "status", "--period", "2024-03", "--json")
    line = next(x for x in json.loads(text)["annex2"] if x["unit_id"] == "fengjing")
    assert line["ytd_energy_tce"] == 1001 + 600
    code, text, _ = run(capsys, district, "progress", "--unit", "fengjing", "--period", "2024-03", "--json")
    assert json.loads(text)["annex2"]["ytd_energy_tce"] is None
    code, text, _ = run(capsys, district, "status", "--period", "2024-02", "--json")
    assert [(c["unit_id"], c["version"]) for c in json.loads(text)["corrections"]] == [("fengjing", 2)]

    summary = tmp_path / "summary.xlsx"
    code, text, err = run(
        capsys, district, "export", "summary-xlsx", "--period", "2024-03", "-o", str(summary)
    )
    assert code == 0, err
    values = [
        c
        for ws in load_workbook(summary, data_only=True)
        for row in ws.iter_rows(values_only=True)
        for c in row
    ]
    assert 1601 in values or 1601.0 in values
    code, _, err = run(
        capsys, district, "export", "summary-pdf", "--period", "2024-03", "-o", str(tmp_path / "s.pdf")
    )
    assert code == 0, err

    code, text, _ = run(capsys, district, "trust", "remove", str(tmp_path / "zhujing.pem"))
    assert code == 0 and "撤销" in text
    code, text, _ = run(capsys, district, "trust", "list", "--json")
    assert [t["unit_id"] for t in json.loads(text)] == ["fengjing"]


def test_submit_with_problems_lists_them_and_asks_no_passphrase(capsys, tmp_path, monkeypatch):
    db = tmp_path / "u.sqlite"
    run(capsys, db, "init")
    run(capsys, db, "enter", "--unit", "fengjing", "--period", "2024-03", "energy_tce=5")
    monkeypatch.delenv("TANBAO_PASSPHRASE")
    code, _, err = run(
        capsys,
        db,
        "submit",
        "--unit",
        "fengjing",
        "--period",
        "2024-03",
        "--key",
        "none.p12",
        "-o",
        str(tmp_path),
    )
    assert code == 2 and "不能报送" in err and "  - " in err and "口令" not in err


def test_correct_before_any_submission_is_a_clear_error(capsys, tmp_path):
    db = tmp_path / "u.sqlite"
    run(capsys, db, "init")
    code, _, err = run(capsys, db, "correct", "--unit", "fengjing", "--period", "2024-03", "--reason", "x")
    assert code == 2 and "还没有报送过" in err and "Traceback" not in err


def test_targets_are_listed_first_then_applied_and_handed_to_units(capsys, tmp_path):
    district = tmp_path / "district.sqlite"
    run(capsys, district, "init")
    table = tmp_path / "targets.xlsx"
    code, text, _ = run(capsys, district, "targets", "export", "-o", str(table))
    assert code == 0 and table.exists()
    wb = load_workbook(table)
    ws = wb["目标表"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "annex2/fengjing/target_pct")
    ws.cell(row, 6).value = -2.5
    wb.save(table)

    code, text, _ = run(capsys, district, "targets", "import", str(table))
    assert code == 0 and f"第 {row} 行" in text and "→ -2.5%" in text and "--apply" in text
    code, text, _ = run(capsys, district, "plan", "--annex", "2", "--json")
    assert json.loads(text)["annex2"]["rows"][0]["target_pct"] == -1.0  # the dry run changed nothing

    code, text, _ = run(capsys, district, "targets", "import", str(table), "--apply")
    assert code == 0 and "已应用" in text
    handed = tmp_path / "plan.json"
    assert run(capsys, district, "plan-export", "-o", str(handed))[0] == 0

    unit = tmp_path / "unit.sqlite"
    assert run(capsys, unit, "init", "--plan", str(handed))[0] == 0
    code, text, _ = run(capsys, unit, "plan", "--annex", "2", "--json")
    assert json.loads(text)["annex2"]["rows"][0]["target_pct"] == -2.5

    ws.cell(row, 6).value = "很多"
    wb.save(table)
    code, text, _ = run(capsys, district, "targets", "import", str(table), "--apply")
    assert code == 1 and "未作任何修改" in text and "不是数字" in text


def test_a_unit_loads_next_years_plan_from_a_file(capsys, tmp_path):
    db = tmp_path / "unit.sqlite"
    run(capsys, db, "init")
    run(capsys, db, "enter", "--unit", "碳谷绿湾", "--period", "2024-05", "energy_tce=10")
    code, text, _ = run(capsys, db, "init", "--plan", str(PLAN_2025), "--json")
    assert code == 0 and json.loads(text)["plan_id"] == "jinshan-2025"
    code, text, err = run(
        capsys,
        db,
        "enter",
        "--unit",
        "碳谷绿湾园区",
        "--period",
        "2025-03",
        "A4-56.value=8",
        "A4-56.status=推进中",
    )
    assert code == 0, err
    code, text, _ = run(capsys, db, "plan", "--unit", "碳谷绿湾", "--json")
    assert json.loads(text)["unit"]["name"] == "碳谷绿湾园区"
    assert any(f["key"] == "A4-56.value" for f in json.loads(text)["fields"])


def test_the_receipt_day_decides_on_time_and_is_shown_beside_the_signing_time(capsys, tmp_path):
    """`import --received-on`: a batch that lay waiting counts from the day it came, not the unit's claim."""
    unit = _unit(capsys, tmp_path, "fengjing", {"2024-02": (1000, 1050, 20000, 19500)})
    out = tmp_path / "out"
    args = ("submit", "--unit", "fengjing", "--period", "2024-02", "--key", str(tmp_path / "fengjing.p12"))
    assert run(capsys, unit, *args, "-o", str(out))[0] == 0
    district = tmp_path / "district.sqlite"
    assert run(capsys, district, "init")[0] == 0
    assert run(capsys, district, "trust", "add", str(tmp_path / "fengjing.pem"))[0] == 0
    package = str(next(out.glob("*.pdf")))

    code, _, err = run(capsys, district, "import", "--received-on", "2024/03/10", package)
    assert code != 0 and "--received-on" in err and "Traceback" not in err
    code, _, err = run(capsys, district, "import", "--received-on", "2999-01-01", package)
    assert code != 0 and "收到日期" in err and "Traceback" not in err

    code, text, err = run(capsys, district, "import", "--received-on", "2024-03-10", package)
    assert code == 0, err
    code, text, _ = run(capsys, district, "status", "--period", "2024-02", "--as-of", "2024-05-01", "--json")
    cell = {u["unit_id"]: u["months"] for u in json.loads(text)["units"]}["fengjing"]["2024-02"]
    assert (cell["state"], cell["received_on"]) == ("on_time", "2024-03-10") and cell["signed_at"]
    code, text, _ = run(capsys, district, "status", "--period", "2024-02", "--as-of", "2024-05-01")
    line = next(line for line in text.splitlines() if "收到 2024-03-10" in line)
    assert "枫泾镇" in line and "签名" in line
