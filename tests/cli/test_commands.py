"""The command line: what district IT and batch jobs rely on (DESIGN.md's table)."""

import json
import os
import subprocess
import sys

import pytest

import main
from tests.conftest import ROOT


def run(db, *args):
    return main.main(["--db", db, *args])


def run_out(capsys, db, *args):
    code = run(db, *args)
    out, err = capsys.readouterr()
    return code, out, err


def test_init_reports_schema_and_plan(capsys, tmp_path):
    code, out, _ = run_out(capsys, str(tmp_path / "new.sqlite"), "init", "--json")
    data = json.loads(out)
    assert code == 0 and data["plan_id"] == "jinshan-2024" and data["schema_version"] >= 2


def test_enter_then_progress_json_has_the_contract_keys(capsys, db):
    assert (
        run(
            db,
            "enter",
            "--unit",
            "枫泾镇",
            "--period",
            "2024-02",
            "energy_tce=1,000",
            "energy_tce_last_year=1050",
            "output_wan_yuan=20000 万元",
            "output_wan_yuan_last_year=19500",
        )
        == 0
    )
    capsys.readouterr()
    code, out, _ = run_out(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-02", "--json")
    a2 = json.loads(out)["annex2"]
    assert code == 0
    assert a2["ytd_change_rate_pct"] == pytest.approx(((1000 / 1050) / (20000 / 19500) - 1) * 100)
    assert a2["target_pct"] == -1.0
    assert a2["colour"] == "green"


def test_progress_text_is_chinese_with_two_decimals(capsys, db):
    run(
        db,
        "enter",
        "--unit",
        "fengjing",
        "--period",
        "2024-02",
        "energy_tce=1000",
        "energy_tce_last_year=1050",
        "output_wan_yuan=20000",
        "output_wan_yuan_last_year=19500",
    )
    capsys.readouterr()
    _, out, _ = run_out(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-02")
    assert "累计变化率 −7.14%" in out and "绿·达标" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["enter", "--unit", "风泾镇", "--period", "2024-03", "energy_tce=5"], "枫泾镇"),
        (["enter", "--unit", "枫泾镇", "--period", "2024-13", "energy_tce=5"], "月份"),
        (["enter", "--unit", "枫泾镇", "--period", "三月", "energy_tce=5"], "格式不对"),
        (["enter", "--unit", "枫泾镇", "--period", "2024-03", "energy_tce=abc"], "不是数字"),
        (["enter", "--unit", "枫泾镇", "--period", "2024-03", "energy_tce=-5"], "不能为负数"),
        (["enter", "--unit", "枫泾镇", "--period", "2024-03", "electricity_kwh=5"], "不填报"),
        (["enter", "--unit", "枫泾镇", "--period", "2024-03", "energy_tce=5 万元"], "单位不符"),
        (["enter", "--unit", "枫泾镇", "--period", "2023-03", "energy_tce=5"], "不在本计划年度"),
        (["enter", "--file", "/nonexistent/f.csv"], "无法读取"),
        (["progress", "--unit", "枫泾镇"], "缺少必需的参数"),
    ],
)
def test_errors_are_one_chinese_line_and_store_nothing(capsys, db, args, message):
    run(db, "enter", "--unit", "枫泾镇", "--period", "2024-03", "energy_tce=7")
    capsys.readouterr()
    with pytest.raises(SystemExit) if args[0] == "progress" else _no_raise():
        code = run(db, *args)
        assert code != 0
    _, err = capsys.readouterr()
    assert message in err and "Traceback" not in err and err.startswith("错误：")
    capsys.readouterr()
    _, out, _ = run_out(capsys, db, "progress", "--unit", "枫泾镇", "--period", "2024-03", "--json")
    months = json.loads(out)["annex2"]["months"]
    assert [m["energy_tce"] for m in months] == [None, None, 7.0]


class _no_raise:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_csv_is_stored_whole_or_not_at_all(capsys, db, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(
        'unit,period,field,value,note\n枫泾镇,2024-02,energy_tce,"1,000",\n'
        "枫泾镇,2024-02,output_wan_yuan,20000,\n公卫中心,2024-02,electricity_kwh,5000,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "unit,period,field,value,note\n枫泾镇,2024-03,energy_tce,900,\n"
        "枫泾镇,2024-03,output_wan_yuan,-5,\n无名镇,2024-03,energy_tce,1,\n",
        encoding="gb18030",
    )
    assert run(db, "enter", "--file", str(good)) == 0
    assert run(db, "enter", "--file", str(bad)) == 2
    _, err = capsys.readouterr()
    assert "第 3 行" in err and "第 4 行" in err and "全部未保存" in err
    from model.store.database import open_database

    with open_database(db, write=False) as store:
        stored = {
            (f.unit_id, f.period, f.field): f.value for f in store.figures.read("jinshan-2024", "fengjing")
        }
        assert stored == {
            ("fengjing", "2024-02", "energy_tce"): 1000.0,
            ("fengjing", "2024-02", "output_wan_yuan"): 20000.0,
        }
        assert store.figures.read("jinshan-2024", "phcc")[0].value == 5000.0


def test_note_explains_a_swing(capsys, db):
    run(
        db, "enter", "--unit", "fengjing", "--period", "2024-03", "energy_tce=600", "energy_tce_last_year=400"
    )
    assert "请填写原因" in capsys.readouterr().out
    run(
        db,
        "enter",
        "--unit",
        "fengjing",
        "--period",
        "2024-03",
        "energy_tce=600",
        "--note",
        "新增一条生产线投产",
    )
    assert "请填写原因" not in capsys.readouterr().out


def test_plan_lists_a_units_fields_and_annexes(capsys, db):
    _, out, _ = run_out(capsys, db, "plan", "--unit", "排海公司")
    assert "treated_volume_m3" in out and "floor_area_m2" not in out
    _, out, _ = run_out(capsys, db, "plan", "--annex", "2", "--json")
    assert len(json.loads(out)["annex2"]["rows"]) == 13


def test_init_with_a_malformed_plan_changes_nothing(capsys, db, tmp_path):
    run(db, "enter", "--unit", "fengjing", "--period", "2024-03", "energy_tce=7")
    broken = tmp_path / "2025.json"
    broken.write_text('{"format": "tanbao-plan", "format_version": 1}', encoding="utf-8")
    capsys.readouterr()
    assert run(db, "init", "--plan", str(broken)) == 2
    err = capsys.readouterr().err
    assert "2025.json" in err and "unit_sets" in err
    _, out, _ = run_out(capsys, db, "plan", "--json")
    assert json.loads(out)["id"] == "jinshan-2024"


def test_cli_process_exits_non_zero_without_traceback(tmp_path):
    env = {**os.environ, "TANBAO_DB": str(tmp_path / "env.sqlite")}
    subprocess.run([sys.executable, "main.py", "init"], cwd=ROOT, env=env, capture_output=True, check=True)
    result = subprocess.run(
        [sys.executable, "main.py", "enter", "--unit", "nowhere", "--period", "2024-03", "energy_tce=1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("错误：") and "Traceback" not in result.stderr
    assert "nowhere" in result.stderr  # the file TANBAO_DB chose was read


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--period", "2024-03"],
        ["progress", "--unit", "枫泾镇", "--period", "2024-03"],
        ["enter", "--unit", "枫泾镇", "--period", "2024-03", "energy_tce=7"],
        ["plan"],
    ],
)
def test_a_mistyped_db_is_named_and_no_empty_database_is_left(capsys, tmp_path, args):
    mistyped = tmp_path / "tanbao.sqlte"
    code, out, err = run_out(capsys, str(mistyped), *args)
    assert code != 0 and out == ""
    assert f"找不到数据库文件 {mistyped}" in err and "main.py init" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # no database, no lock file, nothing made


def test_reading_commands_do_not_upgrade_an_old_database(capsys, tmp_path):
    import shutil

    old = tmp_path / "v2.sqlite"
    shutil.copy(ROOT / "tests" / "fixtures" / "tanbao-v2.sqlite", old)
    before = old.read_bytes()
    code, _out, err = run_out(capsys, str(old), "status", "--period", "2024-03")
    assert code != 0 and "结构版本较旧" in err and "main.py init" in err
    assert old.read_bytes() == before and not (tmp_path / "backups").exists()
    assert run(str(old), "init") == 0
    capsys.readouterr()
    assert run(str(old), "status", "--period", "2024-03") == 0


def test_a_database_on_a_network_share_is_warned_about_on_stderr(capsys, db, monkeypatch):
    from model.safety import drives

    monkeypatch.setattr(drives, "drive_kind", lambda path: drives.NETWORK)
    code, out, err = run_out(capsys, db, "init", "--json")
    assert code == 0 and json.loads(out)["db"] == db  # the work is done; stdout stays clean JSON
    assert err.startswith("警告：") and "网络共享" in err and db in err


def test_template_round_trip_lists_changes_then_stores_them(capsys, db, tmp_path):
    from openpyxl import load_workbook

    run(db, "enter", "--unit", "枫泾镇", "--period", "2024-03", "energy_tce=708")
    book = str(tmp_path / "模板.xlsx")
    code, out, _ = run_out(capsys, db, "template", "--unit", "枫泾镇", "--period", "2024-06", "-o", book)
    assert code == 0 and "填报模板" in out
    wb = load_workbook(book)
    wb["月度数据"]["B7"] = 720
    wb.save(book)
    code, out, _ = run_out(capsys, db, "enter", "--file", book, "--dry-run")
    assert code == 0 and "月度数据!B7  2024-03 综合能耗（考核口径）：708 → 720" in out
    _, out, _ = run_out(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-03", "--json")
    assert json.loads(out)["annex2"]["months"][2]["energy_tce"] == 708  # a dry run stores nothing
    code, out, _ = run_out(capsys, db, "enter", "--file", book)
    assert code == 0 and "已从" in out
    _, out, _ = run_out(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-03", "--json")
    assert json.loads(out)["annex2"]["months"][2]["energy_tce"] == 720


def test_a_template_with_a_refusal_stores_none_of_it(capsys, db, tmp_path):
    from openpyxl import load_workbook

    book = str(tmp_path / "模板.xlsx")
    run(db, "template", "--unit", "枫泾镇", "--period", "2024-06", "-o", book)
    wb = load_workbook(book)
    wb["月度数据"]["B6"], wb["月度数据"]["B7"] = 700, "七百"
    wb.save(book)
    capsys.readouterr()
    code, out, err = run_out(capsys, db, "enter", "--file", book)
    assert code == 2 and "单元格 月度数据!B7" in err and "全部未保存" in err
    _, out, _ = run_out(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-02", "--json")
    assert json.loads(out)["annex2"]["months"][1]["energy_tce"] is None
