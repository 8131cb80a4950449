"""The mark on every printed page: a QR code (reportlab's own QR drawing) and the same in readable text.

It names the plan, unit, period, version, page n/N, the SHA-256 of the data embedded in the PDF and the
signer certificate's fingerprint (short form), so a paper copy can be matched with the package the
district holds (`model.exchange.printcheck`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from model.common.errors import UserError
from model.common.i18n import translate

PREFIX = "TANBAO-PRINT"
FORMAT = "1"
UNIT, SUMMARY = "unit", "summary"


@dataclass(frozen=True)
class PrintMark:
    kind: str  # UNIT or SUMMARY
    plan_id: str
    unit_id: str
    period: str
    version: int | None
    data_sha256: str
    signer: str = ""  # the certificate's SHA-256 fingerprint, first 16 hex digits; "" when unsigned
    page: int = 0
    pages: int = 0

    def on_page(self, page: int, pages: int) -> PrintMark:
        return replace(self, page=page, pages=pages)

    @property
    def payload(self) -> str:
        fields = [PREFIX, FORMAT, self.kind, self.plan_id, self.unit_id, self.period]
        fields += [str(self.version or 0), f"{self.page}/{self.pages}", self.data_sha256, self.signer or "-"]
        return "|".join(fields)

    @property
    def readable(self) -> list[str]:
        """The mark as printed beside the QR code."""
        version = (
            translate("printmark", "第 {v} 版").format(v=self.version)
            if self.version
            else translate("printmark", "未报送")
        )
        signer = self.signer or translate("printmark", "未签名")
        return [
            translate("printmark", "核验：{plan} · {unit} · {period} · {version} · 第 {n}/{m} 页").format(
                plan=self.plan_id,
                unit=self.unit_id,
                period=self.period,
                version=version,
                n=self.page,
                m=self.pages,
            ),
            translate("printmark", "数据 SHA-256：{sha}").format(sha=self.data_sha256),
            translate("printmark", "签名证书指纹：{fp}").format(fp=signer),
        ]


def short_fingerprint(fingerprint: str) -> str:
    """AB:CD:… → the first 16 hex digits, as the signature stamp prints it."""
    return fingerprint.replace(":", "").upper()[:16]


def summary_sha256(summary_dict: dict[str, Any]) -> str:
    """A district summary's data: its figures without the completeness grid (which moves with the date)."""
    data = {k: v for k, v in summary_dict.items() if k != "grid"}
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def parse_mark(text: str) -> PrintMark:
    parts = text.strip().split("|")
    if len(parts) != 10 or parts[0] != PREFIX:
        raise UserError(translate("printmark", "这个二维码不是 TanBao 报表的核验码。"))
    if parts[1] != FORMAT:
        raise UserError(translate("printmark", "核验码格式 {v} 无法识别，请升级 TanBao。").format(v=parts[1]))
    _prefix, _format, kind, plan_id, unit_id, period, version, pages, sha, signer = parts
    try:
        n, m = (int(x) for x in pages.split("/"))
        v = int(version)
    except ValueError:
        raise UserError(translate("printmark", "核验码内容不完整，请重新扫描。")) from None
    return PrintMark(
        kind, plan_id, unit_id, period, v or None, sha.lower(), "" if signer == "-" else signer, n, m
    )
