"""Draw the program icon: resources/icons/tanbao.png (256 px, the window) and tanbao.ico (the .exe).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_icon.py

A green rounded square with 碳 in white (the bundled Noto Sans SC) over three falling bars. Each size is
painted at that size rather than scaled down, so 16 px stays sharp. The .ico holds PNG images (Windows
Vista and later read them at every size). The outputs are committed; run this only to change the design.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QLinearGradient, QPainter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def paint(size: int, family: str) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    s = size / 256
    margin = 8 * s if size >= 32 else 0.5
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    gradient = QLinearGradient(box.topLeft(), box.bottomRight())
    gradient.setColorAt(0, QColor("#43a047"))
    gradient.setColorAt(1, QColor("#1b5e20"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(gradient)
    p.drawRoundedRect(box, 44 * s, 44 * s)

    # Three falling bars along the bottom: energy use coming down month by month.
    if size >= 24:
        p.setBrush(QColor(255, 255, 255, 150))
        bar_w, gap, base = 38 * s, 12 * s, size - 30 * s
        left = (size - 3 * bar_w - 2 * gap) / 2
        for i, h in enumerate((46, 33, 20)):
            p.drawRoundedRect(QRectF(left + i * (bar_w + gap), base - h * s, bar_w, h * s), 5 * s, 5 * s)

    font = QFont(family)
    font.setPixelSize(round((128 if size >= 24 else 190) * s))
    font.setBold(size <= 32)
    p.setFont(font)
    p.setPen(QColor("white"))
    text_box = QRectF(0, (10 if size >= 24 else 0) * s, size, (164 if size >= 24 else 256) * s)
    p.drawText(text_box, Qt.AlignmentFlag.AlignCenter, "碳")
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: list[tuple[int, bytes]]) -> bytes:
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = len(head) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return head + entries + blobs


def main() -> int:
    from model.reports.fonts import font_path

    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841  (fonts need it)
    families = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(str(font_path())))
    family = families[0] if families else "Noto Sans SC"
    OUT.mkdir(parents=True, exist_ok=True)
    images = [(size, png_bytes(paint(size, family))) for size in ICO_SIZES]
    (OUT / "tanbao.png").write_bytes(images[-1][1])
    (OUT / "tanbao.ico").write_bytes(ico(images))
    print(f"{OUT / 'tanbao.png'}\n{OUT / 'tanbao.ico'} ({', '.join(str(s) for s in ICO_SIZES)} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
