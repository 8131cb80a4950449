"""The bundled CJK font (Noto Sans SC, SIL OFL 1.1): one file for the reports, signature stamps and window.

`font_path()` is what the window registers with Qt and the reports with reportlab. `font_subset(text)`
is a small font holding only what a signature stamp needs: pyHanko loads the font it is given on every
signature, and the whole 13 MB file would cost most of a second each time.
"""

from __future__ import annotations

import io
import threading
from functools import lru_cache
from pathlib import Path

from model.common.errors import UserError
from model.common.i18n import translate
from model.common.paths import resource

FONT_FILE = "NotoSansSC-Regular.ttf"
FAMILY = "Noto Sans SC"

# What every stamp draws besides names: digits, Latin letters, punctuation and the stamp's words.
_STAMP_BASE = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "：，。、（）·—–年月日时分秒第版数字签名人单位时间证书指纹报表未提交"
)


def font_path() -> Path:
    path = resource("fonts", FONT_FILE)
    if not path.is_file():
        raise UserError(
            translate("fonts", "程序文件不完整：缺少字体文件 {path}。请重新安装 TanBao。").format(path=path)
        )
    return path


@lru_cache(maxsize=8)
def _subset(chars: frozenset[str]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path()), lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


_known: frozenset[str] = frozenset(_STAMP_BASE)
_lock = threading.Lock()  # exports run on worker threads in the window


def font_subset(text: str = "", also: str = "") -> bytes:
    """A TrueType font with at least the characters of `text` (and `also`, to warm the cache).

    Subsets are cached and grow: once a character has been seen it stays in, so a running program
    builds a new subset (about a third of a second) only when a name brings a character it never drew.
    """
    global _known
    wanted = set(text) | set(also)
    with _lock:
        if not wanted <= _known:
            _known = _known | frozenset(wanted)
        return _subset(_known)
