"""`audit`, `evidence` and `profile`: the window's 修改记录, 证明材料 and 我是谁 on the command line."""

import json

import main


def run_out(capsys, db, *args):
    code = main.main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_audit_shows_a_values_history_in_words_and_as_values(capsys, db, monkeypatch):
    monkeypatch.setenv("TANBAO_USER", "王芳")
    enter = ["enter", "--unit", "枫泾镇", "--period", "2024-03"]
    run_out(capsys, db, *enter, "energy_tce=500")
    run_out(capsys, db, *enter, "energy_tce=650", "--note", "新线投产")
    code, out, _ = run_out(capsys, db, "audit", "--unit", "枫泾镇", "--period", "2024-03", "energy_tce")
    lines = out.splitlines()
    assert code == 0 and "枫泾镇 2024-03" in lines[0] and "修改记录" in lines[0]
    assert lines[1].split()[2:] == ["王芳", "修改数值", "500"]
    assert lines[2].split()[2:] == ["王芳", "修改数值", "500", "→", "650（说明：新线投产）"]
    _, out, _ = run_out(
        capsys, db, "audit", "--unit", "fengjing", "--period", "2024-03", "energy_tce", "--json"
    )
    data = json.loads(out)
    assert [(d["action"], d["old"], d["new"]) for d in data] == [
        ("figure.set", None, {"value": 500.0, "text": None, "note": ""}),
        (
            "figure.set",
            {"value": 500.0, "text": None, "note": ""},
            {"value": 650.0, "text": None, "note": "新线投产"},
        ),
    ]
    assert data[1]["shown"] == {"action": "修改数值", "old": "500", "new": "650（说明：新线投产）"}


def test_audit_of_a_field_the_unit_does_not_report_says_where_to_look(capsys, db):
    code, out, err = run_out(
        capsys, db, "audit", "--unit", "枫泾镇", "--period", "2024-03", "electricity_kwh"
    )
    assert code != 0 and out == "" and "不填报" in err and "main.py plan --unit fengjing" in err


def test_evidence_add_list_get_remove(capsys, db, tmp_path):
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8 a photo")
    add = [
        "evidence",
        "add",
        "--unit",
        "枫泾镇",
        "--period",
        "2024-03",
        "--row",
        "a4-12",
        str(photo),
        "--json",
    ]
    code, out, _ = run_out(capsys, db, *add)
    (added,) = json.loads(out)
    assert code == 0 and (added["row_id"], added["file_name"], added["size"]) == ("A4-12", "现场照片.jpg", 10)
    _, out, _ = run_out(capsys, db, "evidence", "list", "--unit", "fengjing", "--json")
    assert [(e["id"], e["period"]) for e in json.loads(out)] == [(added["id"], "2024-03")]
    copy = tmp_path / "copy.jpg"
    assert run_out(capsys, db, "evidence", "get", str(added["id"]), "-o", str(copy))[0] == 0
    assert copy.read_bytes() == photo.read_bytes()
    assert run_out(capsys, db, "evidence", "remove", str(added["id"]))[0] == 0
    _, out, _ = run_out(capsys, db, "evidence", "list", "--unit", "fengjing")
    assert "还没有证明材料" in out


def test_evidence_for_a_row_the_unit_does_not_hold_lists_the_rows_it_does(capsys, db, tmp_path):
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"x")
    code, _, err = run_out(
        capsys, db, "evidence", "add", "--unit", "枫泾镇", "--period", "2024-03", "--row", "A9", str(photo)
    )
    assert code != 0 and "没有编号为“A9”" in err and "A4-12" in err
    _, out, _ = run_out(capsys, db, "evidence", "list", "--unit", "fengjing", "--json")
    assert json.loads(out) == []


def test_profile_set_and_show(capsys, db):
    code, out, _ = run_out(
        capsys, db, "profile", "--set", "unit=枫泾", "preparer=王芳", "--set", "phone=57920000"
    )
    assert code == 0 and "填报单位：枫泾镇（fengjing）" in out and "单位负责人：（未填）" in out
    _, out, _ = run_out(capsys, db, "profile", "--set", "phone=", "--json")
    assert json.loads(out) == {
        "unit": "fengjing",
        "unit_head": "",
        "stats_head": "",
        "preparer": "王芳",
        "phone": "",
    }


def test_exports_take_the_footer_from_the_profile(capsys, db, tmp_path):
    from openpyxl import load_workbook

    run_out(capsys, db, "profile", "--set", "unit_head=张伟", "preparer=王芳")
    out = tmp_path / "r.xlsx"
    assert (
        run_out(capsys, db, "export", "xlsx", "--unit", "枫泾镇", "--period", "2024-03", "-o", str(out))[0]
        == 0
    )
    cells = [c.value for s in load_workbook(out).worksheets for r in s.iter_rows() for c in r]
    footer = [v for v in cells if isinstance(v, str) and v.startswith("单位负责人")]
    assert footer and "单位负责人：张伟" in footer[0] and "填表人：王芳" in footer[0]
