"""Files a person hands the program, hostile or broken: every one is refused with a Chinese message that
names the file and says what to do, and changes nothing — the database dump and the folder's files are
the same before and after, and no temporary file is left.

Entry points: the target-table workbook (`targets import`), a CSV of figures (`enter --file`), a plan
(`init --plan`), a signed package (`import`), a certificate (`trust add`) and a signing key (`--key`).
Covered elsewhere and not repeated here: a plan with wrong types (test_plan_hostile.py), a billion-laughs
worksheet (test_plan_exchange.py), a flipped byte, bytes appended after %%EOF, a truncated or non-PDF
package (test_exchange.py), an incremental update seen by `verify_pdf` (test_report_pdf.py), report
workbooks keeping typed text as text (test_report_xlsx.py).
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main
from model.common.errors import PlanError, UserError, ValidationError
from model.entry.figures import read_csv_entries, store_csv
from model.exchange.district import import_package, trust_add, trust_list
from model.exchange.targets import apply_target_changes, export_targets, read_target_changes
from model.plan.spec import load_plan, parse_plan, shipped_plan_text
from model.reports import signing
from model.safety.files import TEMP_SUFFIX
from model.safety.workbook import MAX_ROWS, MAX_UNPACKED_BYTES, MAX_ZIP_MEMBERS
from model.store.database import Store, open_database
from tests.conftest import ROOT
from tests.unit_world import PASSPHRASE, UnitDb, snapshot, unit_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # an .xls, or an .xlsx saved with a password
MB = 2**20


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="w"><w:body/></w:document>')
    return out.getvalue()


def _files(folder: Path) -> set[str]:
    # SQLite's -wal/-shm come and go with connections; they are not the program's files.
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if not p.name.endswith(("-wal", "-shm"))}


@contextmanager
def changes_nothing(store: Store, folder: Path) -> Iterator[None]:
    """The database dump and the folder's files are the same after the block; no temporary file is left."""
    dump, files = snapshot(store), _files(folder)
    yield
    assert snapshot(store) == dump
    assert _files(folder) == files
    assert not [p for p in folder.rglob(f"*{TEMP_SUFFIX}")]


def _refused(call: Callable[[], object], path: Path, *fragments: str) -> str:
    """`call` raises a UserError naming `path` and saying each of `fragments`; its message."""
    with pytest.raises(UserError) as caught:
        call()
    message = caught.value.message
    assert str(path) in message and "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


# ---- the target-table workbook ----------------------------------------------------------------


@pytest.fixture
def table(store: Store, tmp_path: Path) -> Path:
    path = tmp_path / "targets.xlsx"
    export_targets(store.plans.get(), path)
    return path


def _rezip(src: Path, dst: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(name, edit(name, zin.read(name)))
    return dst


SHEET_XML = "xl/worksheets/sheet1.xml"


def _bomb(src: Path, dst: Path, megabytes: int = 300) -> Path:
    """The table with its worksheet padded by `megabytes` of blanks: a few hundred KB on disk."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name != SHEET_XML:
                zout.writestr(name, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with zout.open(name, "w") as member:
                member.write(head + b"<sheetData>")
                blanks = b" " * MB
                for _ in range(megabytes):
                    member.write(blanks)
                member.write(tail)
    return dst


def _declare_size(path: Path, member: str, size: int) -> None:
    """Make the zip's directory claim `member` decompresses to `size` bytes (a lying zip bomb)."""
    raw = bytearray(path.read_bytes())
    name = member.encode()
    at = 0
    while True:
        at = raw.index(b"PK\x01\x02", at)
        name_len = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_len] == name:
            struct.pack_into("<I", raw, at + 24, size)
            break
        at += 4
    path.write_bytes(bytes(raw))


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refusal must come before openpyxl opens the file."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl opened a file that should have been refused first")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_openpyxl_opens_it(
    store, table, tmp_path, no_openpyxl
):
    bomb = _bomb(table, tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 2 * MB
    with changes_nothing(store, tmp_path):
        _refused(lambda: read_target_changes(store.plans.get(), bomb), bomb, "解压后过大", "重新导出")


def test_a_workbook_of_too_many_parts_is_refused(store, table, tmp_path, no_openpyxl):
    crowded = tmp_path / "crowded.xlsx"
    crowded.write_bytes(table.read_bytes())
    with zipfile.ZipFile(crowded, "a") as z:
        for i in range(MAX_ZIP_MEMBERS):
            z.writestr(f"xl/media/p{i}.bin", b"")
    with changes_nothing(store, tmp_path):
        _refused(lambda: read_target_changes(store.plans.get(), crowded), crowded, "解压后过大")


def test_a_zip_bomb_that_lies_about_its_size_gets_no_further_than_the_size_it_declares(
    store, table, tmp_path
):
    bomb = _bomb(table, tmp_path / "liar.xlsx", megabytes=MAX_UNPACKED_BYTES // MB * 2)
    with zipfile.ZipFile(table) as z:
        _declare_size(bomb, SHEET_XML, z.getinfo(SHEET_XML).file_size)
    with changes_nothing(store, tmp_path):
        _refused(lambda: read_target_changes(store.plans.get(), bomb), bomb, "不是有效的 Excel 文件")


def _with_doctype(data: bytes, doctype: str) -> bytes:
    text = data.decode("utf-8")
    declaration = re.match(r"<\?xml[^>]*\?>", text)
    at = declaration.end() if declaration else 0
    return (text[:at] + doctype + text[at:]).encode("utf-8")


LAUGHS = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
EXTERNAL = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("doctype", [LAUGHS, EXTERNAL], ids=["billion-laughs", "external-entity"])
@pytest.mark.parametrize(
    "member",
    ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"],
)
def test_entities_in_any_part_the_reader_parses_are_refused(store, table, tmp_path, member, doctype):
    # (the worksheet itself: test_plan_exchange.py)
    evil = _rezip(table, tmp_path / "evil.xlsx", lambda n, d: _with_doctype(d, doctype) if n == member else d)
    with changes_nothing(store, tmp_path):
        _refused(lambda: read_target_changes(store.plans.get(), evil), evil, "不安全的 XML")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_workbook_is_refused(store, table, tmp_path, keep):
    raw = table.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(raw[: int(len(raw) * keep)])
    with changes_nothing(store, tmp_path):
        _refused(
            lambda: read_target_changes(store.plans.get(), cut), cut, "不是有效的 Excel 文件", "重新导出"
        )


def test_a_workbook_with_a_damaged_part_is_refused(store, table, tmp_path):
    broken = _rezip(table, tmp_path / "broken.xlsx", lambda n, d: d[: len(d) // 2] if n == SHEET_XML else d)
    with changes_nothing(store, tmp_path):
        _refused(lambda: read_target_changes(store.plans.get(), broken), broken, "不是有效的 Excel 文件")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (PNG, "不是有效的 Excel 文件"),
        (_docx(), "不是有效的 Excel 文件"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "不是有效的 Excel 文件"),
        ("unit,period,field,value\n枫泾镇,2024-02,energy_tce,1\n".encode(), "不是有效的 Excel 文件"),
        (OLE, "旧版 Excel（.xls）、WPS 表格（.et）或设了密码"),
        (b"", "不是有效的 Excel 文件"),
    ],
    ids=["png", "docx", "pdf", "csv", "xls-or-encrypted", "empty"],
)
def test_a_renamed_file_is_refused(store, tmp_path, content, says):
    renamed = tmp_path / "targets.xlsx"
    renamed.write_bytes(content)
    with changes_nothing(store, tmp_path):
        _refused(lambda: read_target_changes(store.plans.get(), renamed), renamed, says)


def _sheet_edit(pattern: str, replacement: str) -> Callable[[str, bytes], bytes]:
    def edit(name: str, data: bytes) -> bytes:
        if name != SHEET_XML:
            return data
        text, n = re.subn(pattern, replacement, data.decode("utf-8"), count=1)
        assert n == 1, pattern
        return text.encode("utf-8")

    return edit


def test_a_sheet_claiming_the_largest_size_is_read_by_its_rows(store, table, tmp_path):
    huge = _rezip(
        table,
        tmp_path / "huge.xlsx",
        _sheet_edit(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>'),
    )
    result = read_target_changes(store.plans.get(), huge)
    assert result.ok and result.changes == []


def test_a_row_far_beyond_the_table_is_refused(store, table, tmp_path):
    far = _rezip(
        table,
        tmp_path / "far.xlsx",
        _sheet_edit(
            "</sheetData>",
            '<row r="999999999"><c r="A999999999" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )
    with changes_nothing(store, tmp_path):
        _refused(lambda: read_target_changes(store.plans.get(), far), far, f"超过 {MAX_ROWS} 行")


def test_a_formula_where_a_value_belongs_is_refused_cell_by_cell(store, table, tmp_path):
    plan = store.plans.get()
    wb = load_workbook(table)
    ws = wb["目标表"]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    formulas = {
        "annex2/fengjing/target_pct": "=-1-0.5",
        "annex3/phcc/total_cap_wan_tce": "=SUM(B4:B5)",
        "annex1/A1-05/target": '=CONCAT("明显","下降")',
    }
    for key, formula in formulas.items():
        ws.cell(rows[key], 6).value = formula
    ws.cell(rows["annex2/zhujing/target_pct"], 6).value = -4  # a good change beside them
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    # Excel saves each formula's last result too: the file must be refused all the same
    cached = _rezip(
        edited,
        tmp_path / "cached.xlsx",
        _sheet_edit(r"<f>-1-0\.5</f><v\s*/?>(</v>)?", "<f>-1-0.5</f><v>-1.5</v>"),
    )
    for path in (edited, cached):
        with changes_nothing(store, tmp_path):
            result = read_target_changes(plan, path)
            assert len(result.problems) == len(formulas), result.problems
            for key, formula in formulas.items():
                cell = f"F{rows[key]}"
                what = "文字" if key.startswith("annex1") else "数字"
                assert any(
                    f"第 {rows[key]} 行" in p
                    and f"单元格 {cell} 是公式“{formula}”" in p
                    and f"公式不是{what}" in p
                    for p in result.problems
                ), result.problems
            with pytest.raises(UserError, match="未作任何修改"):
                apply_target_changes(store, plan, result, who="officer")


def test_openpyxl_reads_through_defusedxml_here_and_in_the_built_program():
    import defusedxml  # noqa: F401  (a missing defusedxml fails here)

    from model.safety.workbook import workbook_reader_is_safe

    assert workbook_reader_is_safe()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = pyproject.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert re.search(r'"defusedxml\b', dependencies)
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert '"defusedxml"' in spec and '"defusedxml.ElementTree"' in spec  # bundled; test_build.py runs it


def test_without_defusedxml_no_workbook_is_read(store, table, tmp_path, monkeypatch):
    import openpyxl.xml

    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with changes_nothing(store, tmp_path), pytest.raises(UserError, match="缺少 defusedxml"):
        read_target_changes(store.plans.get(), table)


# ---- what the program writes keeps typed text as text ------------------------------------------

RISKY = ['=HYPERLINK("http://x","点我")', "+86 21 5735", "-3%左右", "@SUM(A1)", "\t缩进", "\r回车", "\n换行"]


def _no_formulas(raw: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_the_target_table_keeps_text_that_looks_like_a_formula_as_text(store, tmp_path):
    data = json.loads(store.plans.get().source)
    data["title"] = RISKY[0] + " 目标"
    rows = data["annex1"]["rows"]
    qualitative = [r for r in rows if r["measure"] == "qualitative"]
    for text, row in zip(RISKY, rows, strict=False):
        row["text"] = text + "任务"
    for text, row in zip(RISKY, qualitative, strict=False):
        row["target"]["text"] = text
    odd = parse_plan(json.dumps(data, ensure_ascii=False), "odd.json")
    path = tmp_path / "targets.xlsx"
    export_targets(odd, path)
    _no_formulas(path.read_bytes())
    ws = load_workbook(path)["目标表"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    holding = [c for c in cells if any(r in c.value for r in RISKY)]
    starting = [c for c in holding if c.value.startswith(tuple(RISKY))]
    assert len(holding) >= 1 + len(RISKY) + min(len(RISKY), len(qualitative))  # title, tasks, targets
    assert len(starting) >= 1 + min(len(RISKY), len(qualitative))  # title and targets
    assert all(c.data_type == "s" for c in holding) and all(c.quotePrefix for c in starting)
    changes = read_target_changes(odd, path).changes  # they read back as the same text (trimmed)
    assert all(isinstance(c.old, str) and c.old.strip() == c.new for c in changes), changes


def test_a_csv_with_formula_looking_text_is_stored_as_text_and_exported_as_text(store, tmp_path):
    from model.calc.report import report_from_store
    from model.common.periods import parse_period
    from model.reports.xlsx import unit_xlsx

    plan = store.plans.get()
    task = plan.annex4_rows_for("fengjing")[0].id
    lines = ["unit,period,field,value,note"]
    lines.append(f'fengjing,2024-07,{task}.status,推进中,"{RISKY[0].replace(chr(34), chr(34) * 2)}"')
    lines.append(f"fengjing,2024-07,{task}.narrative,{RISKY[3]},")
    lines.append(f'fengjing,2024-07,energy_tce,1000,"{RISKY[1]}"')
    lines.append(f'fengjing,2024-07,output_wan_yuan,20000,"{RISKY[2]}"')
    csv_path = tmp_path / "figures.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert store_csv(store, plan, csv_path, who="clerk").count == 4
    stored = {f.field: (f.text, f.note) for f in store.figures.read(plan.id, "fengjing")}
    assert stored[f"{task}.status"][1] == RISKY[0] and stored[f"{task}.narrative"][0] == RISKY[3]
    assert stored["energy_tce"][1] == RISKY[1] and stored["output_wan_yuan"][1] == RISKY[2]

    raw = unit_xlsx(report_from_store(store, "fengjing", parse_period("2024-07"), created_by="clerk"))
    _no_formulas(raw)
    cells = [
        c
        for ws in load_workbook(io.BytesIO(raw))
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and any(r in c.value for r in RISKY[:4])
    ]
    assert {r for r in RISKY[:4] if any(r in c.value for c in cells)} == set(RISKY[:4])
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells if c.value.startswith(tuple(RISKY)))


def test_a_formula_typed_as_a_figure_is_not_a_number(store, tmp_path):
    bad = tmp_path / "figures.csv"
    bad.write_text("unit,period,field,value,note\nfengjing,2024-07,energy_tce,=1+1,\n", encoding="utf-8")
    with changes_nothing(store, tmp_path), pytest.raises(ValidationError) as caught:
        store_csv(store, store.plans.get(), bad, who="clerk")
    assert any("第 2 行" in p and "=1+1" in p for p in caught.value.problems), caught.value.problems


def test_the_summary_workbook_keeps_unit_names_that_look_like_formulas_as_text(store):
    from model.calc.summary import summary_from_store
    from model.common.periods import parse_period
    from model.reports.xlsx import summary_xlsx

    data = json.loads(store.plans.get().source)
    for text, unit in zip(RISKY, data["units"], strict=False):
        unit["name"] = text.strip() + unit["name"]
    odd = parse_plan(json.dumps(data, ensure_ascii=False), "odd.json")
    store.plans.load(odd, who="officer")
    raw = summary_xlsx(store.plans.get(), summary_from_store(store, parse_period("2024-07")))
    _no_formulas(raw)
    names = [
        c
        for ws in load_workbook(io.BytesIO(raw))
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))
    ]
    assert names and all(c.data_type == "s" and c.quotePrefix for c in names)


# ---- a CSV of figures (enter --file) ----------------------------------------------------------

GOOD_CSV = "unit,period,field,value,note\n枫泾镇,2024-02,energy_tce,1000,新增产线\n枫泾镇,2024-02,output_wan_yuan,20000,\n"
CSV_BYTES = GOOD_CSV.encode("utf-8")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (PNG, "不是文本格式的 CSV"),
        (_docx(), "不是文本格式的 CSV"),
        (OLE, "不是文本格式的 CSV"),
        (CSV_BYTES[: CSV_BYTES.index("产".encode()) + 1], "不完整"),  # a UTF-8 character cut in two
        (GOOD_CSV.replace(",新增产线", ',"新增产线').encode("utf-8"), "引号不成对"),  # a quote left open
        (
            ('unit,period,field,value,note\n枫泾镇,2024-02,energy_tce,1,"' + "x" * 200_000 + '"\n').encode(),
            "单元格过长",
        ),
        (CSV_BYTES[: CSV_BYTES.index(b"output_wan") + 6], "output"),  # cut in the middle of a field's name
        (b"", "表头缺少列"),
    ],
    ids=["png", "docx", "xls", "cut-in-a-character", "open-quote", "huge-cell", "cut-in-a-field", "empty"],
)
def test_a_broken_or_renamed_csv_is_refused_whole(store, tmp_path, content, says):
    path = tmp_path / "figures.csv"
    path.write_bytes(content)
    with changes_nothing(store, tmp_path), pytest.raises(UserError) as caught:
        store_csv(store, store.plans.get(), path, who="clerk")
    message = caught.value.message
    if isinstance(caught.value, ValidationError):  # problems row by row (the CLI names the file)
        message = "\n".join(caught.value.problems)
    else:
        assert str(path) in message
    assert says in message, message


def test_the_csv_reader_reads_a_good_file(store, tmp_path):  # the same rows, uncut, are fine
    path = tmp_path / "figures.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    entries, problems = read_csv_entries(store.plans.get(), path)
    assert len(entries) == 2 and problems == [] and entries[0].note == "新增产线"


# ---- a plan (init --plan) ---------------------------------------------------------------------

PLAN_TEXT = shipped_plan_text()
PLAN_BYTES = PLAN_TEXT.encode("utf-8")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (PNG, "不是文本文件"),
        (_docx(), "不是文本文件"),
        (OLE, "不是文本文件"),
        (PLAN_BYTES[: len(PLAN_BYTES) // 2], "不完整"),
        (PLAN_BYTES[: PLAN_BYTES.index("金山".encode()) + 1], "不完整"),  # a UTF-8 character cut in two
        (b"[" * 100_000 + b"]" * 100_000, "嵌套过深"),
        (b'{"format": ' + b"9" * 100_000 + b"}", "数字过长"),
        (b"", "不完整"),
    ],
    ids=["png", "docx", "xls", "truncated", "cut-in-a-character", "deeply-nested", "huge-number", "empty"],
)
def test_a_broken_or_renamed_plan_is_refused(store, tmp_path, content, says):
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    with changes_nothing(store, tmp_path), pytest.raises(PlanError) as caught:
        store.plans.load(load_plan(path), who="clerk")
    assert str(path) in caught.value.message and says in caught.value.message, caught.value.message


def test_a_plan_saved_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xef\xbb\xbf" + PLAN_TEXT.encode("utf-8"))
    assert load_plan(path).id == "jinshan-2024"


# ---- a signed package (import) ----------------------------------------------------------------


def _signed(unit: UnitDb, tmp_path: Path) -> bytes:
    return unit.submit("2024-02", tmp_path / "unit" / "out").pdf_path.read_bytes()


def _replace_attachment(signed: bytes, stream: object) -> bytes:
    """An incremental update that swaps the report data attached to the signed file for `stream`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    spec = writer.root["/Names"]["/EmbeddedFiles"]["/Names"].raw_get(1).get_object()
    spec["/EF"]["/F"] = writer.add_object(stream)
    writer.update_container(spec)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _import_refused(district: Store, tmp_path: Path, raw: bytes, *fragments: str) -> None:
    path = tmp_path / "package.pdf"
    path.write_bytes(raw)
    with changes_nothing(district, tmp_path):
        outcome = import_package(district, path, who="officer")
    assert outcome.refused and outcome.path == str(path), outcome
    for fragment in fragments:
        assert fragment in outcome.message, outcome.message


def test_an_incremental_update_changing_the_figures_is_refused_at_import(district, fengjing, tmp_path):
    from pyhanko.pdf_utils import generic

    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    signed = _signed(fengjing, tmp_path)
    data = signing.verify_pdf(signed, [fengjing.cert_path.read_bytes()]).data
    assert data is not None
    for figure in data["figures"]:
        if figure.get("field") == "energy_tce":
            figure["value"] = 1.0
    forged = _replace_attachment(signed, generic.StreamObject(stream_data=json.dumps(data).encode()))
    assert forged.startswith(signed)
    _import_refused(district, tmp_path, forged, "没有覆盖整个文件")


def test_a_second_signature_over_the_signed_file_is_refused(district, fengjing, tmp_path):
    """Wrapped: another unit's trusted key signs a new revision on top (a valid signature of the whole)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    (tmp_path / "other").mkdir()
    tangu = unit_db(tmp_path / "other", "tangu")
    try:
        for unit in (fengjing, tangu):
            trust_add(district, district.plans.get(), unit.cert_path, who="officer")
        out = io.BytesIO()
        signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(_signed(fengjing, tmp_path))),
            signers.PdfSignatureMetadata(field_name="Wrapper", md_algorithm="sha256"),
            signer=tangu.key.signer,
            output=out,
        )
    finally:
        tangu.store.close()
    _import_refused(district, tmp_path, out.getvalue(), "多个签名")


def test_bytes_put_before_the_signed_file_are_refused(district, fengjing, tmp_path):
    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    _import_refused(district, tmp_path, b"%PDF-1.7\n% wrapped\n" + _signed(fengjing, tmp_path), "损坏")


def _stream_bomb(megabytes: int) -> object:
    from pyhanko.pdf_utils import generic

    packer = zlib.compressobj(9)
    blanks = b" " * MB
    packed = b"".join(packer.compress(blanks) for _ in range(megabytes)) + packer.flush()
    return generic.StreamObject(
        {generic.NameObject("/Filter"): generic.NameObject("/FlateDecode")}, encoded_data=packed
    )


def test_a_stream_bomb_in_a_package_is_refused_without_filling_memory(district, fengjing, tmp_path):
    import tracemalloc

    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    bomb = _replace_attachment(_signed(fengjing, tmp_path), _stream_bomb(100))
    assert len(bomb) < 2 * MB
    tracemalloc.start()
    try:
        _import_refused(district, tmp_path, bomb, "没有覆盖整个文件")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 90 * MB, peak


@pytest.mark.parametrize("content", [PNG, _docx(), OLE, b""], ids=["png", "docx", "xls", "empty"])
def test_a_renamed_file_is_refused_at_import(district, tmp_path, content):
    _import_refused(district, tmp_path, content, "损坏或不是 PDF")


# ---- a certificate (trust add) ----------------------------------------------------------------


def _pem_cases(unit: UnitDb) -> dict[str, bytes]:
    pem = unit.cert_path.read_bytes()
    return {
        "png": PNG,
        "docx": _docx(),
        "key-file": unit.p12,
        "truncated": pem[: len(pem) // 2],
        "damaged": pem.replace(pem.splitlines()[3], b"A" * len(pem.splitlines()[3])),
        "empty": b"",
    }


@pytest.mark.parametrize("case", ["png", "docx", "key-file", "truncated", "damaged", "empty"])
def test_a_broken_or_renamed_certificate_is_refused(district, fengjing, tmp_path, case):
    path = tmp_path / "unit.pem"
    path.write_bytes(_pem_cases(fengjing)[case])
    with changes_nothing(district, tmp_path):
        _refused(
            lambda: trust_add(district, district.plans.get(), path, who="officer"), path, "证书", "重新导出"
        )
    assert trust_list(district, district.plans.get(), include_revoked=True) == []


# ---- a signing key (submit / export --key) ----------------------------------------------------


@pytest.mark.parametrize("case", ["png", "docx", "certificate", "truncated", "empty"])
def test_a_broken_or_renamed_key_is_refused(fengjing, tmp_path, case):
    content = {
        "png": PNG,
        "docx": _docx(),
        "certificate": fengjing.cert_path.read_bytes(),
        "truncated": fengjing.p12[: len(fengjing.p12) // 2],
        "empty": b"",
    }[case]
    path = tmp_path / "unit.p12"
    path.write_bytes(content)
    with changes_nothing(fengjing.store, tmp_path):
        _refused(
            lambda: signing.load_key(path, PASSPHRASE),
            path,
            "不是 PKCS#12 密钥文件",
            "请选择本单位的密钥文件",
        )


# ---- the same files through the command line --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("t.xlsx", ["targets", "import", "{f}", "--apply"]),
        ("f.csv", ["enter", "--file", "{f}"]),
        ("p.json", ["init", "--plan", "{f}"]),
        ("c.pem", ["trust", "add", "{f}"]),
        (
            "k.p12",
            ["export", "pdf", "--unit", "枫泾镇", "--period", "2024-02", "--key", "{f}", "-o", "{out}"],
        ),
        ("r.pdf", ["import", "{f}"]),
    ],
)
@pytest.mark.parametrize("content", [PNG, _docx()], ids=["png", "docx"])
def test_every_command_refuses_a_renamed_file_names_it_and_changes_nothing(
    capsys, tmp_path, monkeypatch, name, args, content
):
    monkeypatch.setenv("TANBAO_PASSPHRASE", PASSPHRASE)
    db = tmp_path / "cli.sqlite"
    assert main.main(["--db", str(db), "init"]) == 0
    assert (
        main.main(["--db", str(db), "enter", "--unit", "枫泾镇", "--period", "2024-02", "energy_tce=7"]) == 0
    )
    path = tmp_path / name
    path.write_bytes(content)
    with open_database(db, write=False) as store:
        dump = snapshot(store)
    capsys.readouterr()
    argv = [a.format(f=path, out=tmp_path / "out") for a in args]
    assert main.main(["--db", str(db), *argv]) != 0
    out, err = capsys.readouterr()
    shown = err + out
    assert str(path) in shown and "Traceback" not in shown, shown
    with open_database(db, write=False) as store:
        assert snapshot(store) == dump
    assert not [p for p in tmp_path.rglob(f"*{TEMP_SUFFIX}")]
    assert not (tmp_path / "out").exists()
