"""Checking a printed page: read its QR code (zxing-cpp) from a scan, a photo or a PDF, and say whether
the district holds that exact package version (the SHA-256 of its embedded data), whether it is the newest,
who signed it, and the key figures to compare with the paper.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from model.calc.report import report_data_sha256
from model.calc.summary import district_view
from model.common import formatting as fmt
from model.common.errors import UserError
from model.common.i18n import translate
from model.common.periods import parse_period
from model.reports.printmark import SUMMARY, PrintMark, parse_mark, short_fingerprint, summary_sha256
from model.store.database import Store
from model.store.submissions import ReceivedPackage

IMAGES = (".png", ".jpg", ".jpeg")
PDF_DPI = 150


def _images_of(path: Path, folder: Path) -> list[Path]:
    suffix = path.suffix.lower()
    if suffix in IMAGES:
        return [path]
    if suffix != ".pdf":
        raise UserError(
            translate("printcheck", "请选择扫描件或照片（PNG、JPG）或 PDF 文件：{f}").format(f=path.name)
        )
    try:
        subprocess.run(
            ["pdftoppm", "-r", str(PDF_DPI), "-png", str(path), str(folder / "page")],
            check=True,
            capture_output=True,
            timeout=120,
        )
    except FileNotFoundError:
        raise UserError(
            translate("printcheck", "缺少 pdftoppm（poppler-utils），无法读取 PDF；请改用扫描图片。")
        ) from None
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        raise UserError(
            translate("printcheck", "无法读取 PDF 文件 {f}：文件可能已损坏。").format(f=path.name)
        ) from None
    return sorted(folder.glob("page*.png"))


def _decode(image_path: Path) -> list[str]:
    try:
        import zxingcpp
        from PIL import Image, ImageFilter, UnidentifiedImageError
    except ImportError:
        raise UserError(
            translate("printcheck", "缺少二维码识别组件 zxing-cpp，请重新安装 TanBao。")
        ) from None
    try:
        with Image.open(image_path) as image:
            image.load()
            grey = image.convert("L")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        raise UserError(
            translate("printcheck", "无法打开图片 {f}：请确认是 PNG 或 JPG 格式的扫描件或照片。").format(
                f=image_path.name
            )
        ) from None
    # a clean rendering reads at once; a noisy scan or photo after smoothing at double size
    attempts = (
        lambda: grey,
        lambda: grey.resize((grey.width * 2, grey.height * 2)).filter(ImageFilter.MedianFilter(5)),
        lambda: grey.filter(ImageFilter.MedianFilter(3)).resize((grey.width * 2, grey.height * 2)),
    )
    for attempt in attempts:
        found: list[str] = [b.text for b in zxingcpp.read_barcodes(attempt())]  # type: ignore[no-untyped-call]
        if found:
            return found
    return []


def read_marks(path: Path) -> list[PrintMark]:
    """Every TanBao print mark found on the pages of a scan, photo or PDF (one per page)."""
    if not path.is_file():
        raise UserError(translate("printcheck", "找不到文件：{f}").format(f=path))
    marks: list[PrintMark] = []
    with tempfile.TemporaryDirectory() as tmp:
        for image in _images_of(path, Path(tmp)):
            for text in _decode(image):
                try:
                    marks.append(parse_mark(text))
                except UserError:
                    continue  # another QR code on the same sheet
    if not marks:
        raise UserError(
            translate(
                "printcheck",
                "在 {f} 中没有找到 TanBao 报表核验码。请把页面右下角的二维码拍清楚（不反光、不裁切）后再试。",
            ).format(f=path.name)
        )
    return marks


@dataclass(frozen=True)
class PrintCheck:
    mark: PrintMark
    ok: bool  # the district holds this exact version and it is the newest (or the summary is current)
    held: bool
    newest: bool
    message: str
    newest_version: int | None = None
    signer: str = ""
    signed_at: str = ""
    key_figures: list[tuple[str, str]] = field(default_factory=list)


def _key_figures(progress: dict[str, Any]) -> list[tuple[str, str]]:
    a2, a3 = progress.get("annex2") or {}, progress.get("annex3") or {}
    rows = []
    if a2:
        rows += [
            (translate("printcheck", "本年累计综合能耗（吨标准煤）"), fmt.amount(a2.get("ytd_energy_tce"))),
            (translate("printcheck", "本年累计产值（万元）"), fmt.amount(a2.get("ytd_output_wan_yuan"))),
            (translate("printcheck", "累计变化率"), fmt.rate(a2.get("ytd_change_rate_pct"))),
        ]
    if a3:
        rows += [
            (translate("printcheck", "本年累计综合能耗（吨标准煤）"), fmt.amount(a3.get("ytd_tce"))),
            (translate("printcheck", "预计全年（吨标准煤）"), fmt.amount(a3.get("projected_tce"))),
            (translate("printcheck", "能耗强度"), fmt.intensity(a3.get("intensity"))),
            (translate("printcheck", "本年累计碳排放（吨二氧化碳）"), fmt.amount(progress.get("ytd_co2_t"))),
        ]
    rows.append(
        (
            translate("printcheck", "剩余用能空间（吨标准煤）"),
            fmt.amount(progress.get("remaining_allowance_tce")),
        )
    )
    rows.append((translate("printcheck", "预警"), str(progress.get("colour_label") or "—")))
    return rows


def _check_summary(store: Store, mark: PrintMark) -> PrintCheck:
    current = summary_sha256(district_view(store, parse_period(mark.period)).to_dict())
    if current == mark.data_sha256:
        message = translate("printcheck", "与本库当前的 {p} 全区汇总一致。").format(p=mark.period)
        return PrintCheck(mark, True, True, True, message)
    message = translate(
        "printcheck", "与本库当前的 {p} 全区汇总不一致：汇总打印后又收到或更正了报表，请重新导出。"
    )
    return PrintCheck(mark, False, False, False, message.format(p=mark.period))


def check_print(store: Store, mark: PrintMark) -> PrintCheck:
    """Whether the district holds the package version a printed page shows (by its data's SHA-256)."""
    if mark.kind == SUMMARY:
        return _check_summary(store, mark)
    plan = store.plans.get()
    if mark.plan_id != plan.id:
        message = translate("printcheck", "这页属于计划 {p}，本库是计划 {mine}。").format(
            p=mark.plan_id, mine=plan.id
        )
        return PrintCheck(mark, False, False, False, message)
    held = store.received.all(plan.id, mark.unit_id, mark.period)
    newest = max((p.version for p in held), default=None)
    match: ReceivedPackage | None = next(
        (p for p in held if report_data_sha256(json.loads(p.data)) == mark.data_sha256), None
    )
    if match is None:
        message = translate(
            "printcheck", "区里没有收到与这页一致的报表包（{u} {p} 第 {v} 版）：纸质件可能未报送或被改动。"
        )
        return PrintCheck(
            mark,
            False,
            False,
            False,
            message.format(u=mark.unit_id, p=mark.period, v=mark.version or "—"),
            newest,
        )
    figures = _key_figures(json.loads(match.data).get("progress") or {})
    signer_ok = not mark.signer or short_fingerprint(match.signer_fingerprint) == mark.signer
    is_newest = match.version == newest
    if not signer_ok:
        message = translate("printcheck", "数据一致，但纸上的签名证书指纹与区里收到的不同：请核实。")
    elif is_newest:
        message = translate("printcheck", "区里收到的第 {v} 版与这页一致，是最新版本。").format(
            v=match.version
        )
    else:
        message = translate(
            "printcheck", "这页是第 {v} 版，区里已收到更新的第 {n} 版：纸质件已过时。"
        ).format(v=match.version, n=newest)
    return PrintCheck(
        mark,
        signer_ok and is_newest,
        True,
        is_newest,
        message,
        newest,
        match.signer,
        match.signed_at or "",
        figures,
    )


def verify_print(store: Store, path: Path) -> list[PrintCheck]:
    """Every page found in the file, checked (the CLI's `verify-print` and 文件 → 核对纸质报表)."""
    return [check_print(store, mark) for mark in read_marks(path)]


def check_text(check: PrintCheck) -> str:
    """One page's result as the CLI prints it and the window shows it."""
    m = check.mark
    head = translate("printcheck", "【{verdict}】{message}").format(
        verdict=translate("printcheck", "一致") if check.ok else translate("printcheck", "不一致"),
        message=check.message,
    )
    lines = [head, *("  " + line for line in m.readable)]
    if check.held:
        lines.append(
            translate("printcheck", "  签名人：{who}　签名时间：{when}").format(
                who=check.signer or "—", when=check.signed_at or "—"
            )
        )
    lines += [f"  {label}：{value}" for label, value in check.key_figures]
    return "\n".join(lines)


def checks_json(checks: list[PrintCheck]) -> dict[str, Any]:
    return {
        "ok": all(c.ok for c in checks),
        "pages": [
            {
                **asdict(c),
                "mark": {**asdict(c.mark), "payload": c.mark.payload},
                "key_figures": dict(c.key_figures),
            }
            for c in checks
        ],
    }
