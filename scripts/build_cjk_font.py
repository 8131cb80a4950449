"""Rebuild resources/fonts/NotoSansSC-Regular.ttf from Debian's fonts-noto-cjk (SIL OFL 1.1).

reportlab embeds only TrueType (glyf) outlines; the Noto CJK files carry CFF outlines. This script takes
the Simplified Chinese face out of the collection and converts its cubic CFF curves to quadratic
TrueType curves with fontTools' cu2qu, keeping every glyph, the cmap and the OpenType layout tables,
and drops only the glyphs no Simplified Chinese text can reach.

    apt-get install fonts-noto-cjk
    .venv/bin/python scripts/build_cjk_font.py [SOURCE.ttc] [-o resources/fonts/NotoSansSC-Regular.ttf]

It takes about half a minute. The result is deterministic for a given source file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TARGET = ROOT / "resources" / "fonts" / "NotoSansSC-Regular.ttf"
FAMILY = "Noto Sans SC"
PS_NAME = "NotoSansSC-Regular"
MAX_ERR = 1.0  # font units (of 1000 per em): invisible at any print size


def find_sc_face(path: Path) -> int:
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == "Noto Sans CJK SC":
            return index
    raise SystemExit(f"{path}: no 'Noto Sans CJK SC' face in this collection")


def drop_unreachable_glyphs(font: TTFont) -> None:
    """Keep what a Simplified Chinese text can reach: every code point of the cmap and the layout
    features that apply to it, without the Japanese/Korean/Traditional 'locl' variants (20 → 13 MB)."""
    options = subset.Options()
    options.layout_features = [f for f in options.layout_features if f != "locl"] + ["vert", "vrt2"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=font.getBestCmap().keys())
    subsetter.subset(font)


def convert(source: Path, target: Path) -> None:
    index = find_sc_face(source) if source.suffix.lower() == ".ttc" else 0
    font = TTFont(str(source), fontNumber=index, recalcTimestamp=False)
    drop_unreachable_glyphs(font)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()

    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 1
    post = font["post"]
    post.formatType = 3.0  # no glyph names: 65,535 of them would add megabytes for nothing
    post.extraNames = []
    post.mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"

    name = font["name"]
    for record in list(name.names):
        if record.nameID in (1, 4, 16):
            name.setName(
                FAMILY if record.nameID != 4 else f"{FAMILY} Regular",
                record.nameID,
                record.platformID,
                record.platEncID,
                record.langID,
            )
        elif record.nameID == 6:
            name.setName(PS_NAME, 6, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 3:
            name.setName(
                f"{PS_NAME};TanBao TrueType conversion", 3, record.platformID, record.platEncID, record.langID
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target), reorderTables=True)
    print(f"{target}: {len(order)} glyphs, {target.stat().st_size / 1e6:.1f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=SOURCE)
    parser.add_argument("-o", "--output", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"{args.source} not found: apt-get install fonts-noto-cjk", file=sys.stderr)
        return 1
    convert(args.source, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
