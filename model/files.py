"""Writing exported files safely: a half-written report never replaces a good one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from model.errors import UserError
from model.i18n import tr


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write to a temporary file beside `path`, then rename it into place."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except PermissionError:
        raise UserError(
            tr(
                "files",
                "无法写入 {path}：没有权限，或文件正被其他程序（例如 Excel、PDF 阅读器）打开。请关闭该文件或换一个位置后重试。",
            ).format(path=target)
        ) from None
    except OSError as exc:
        raise UserError(
            tr("files", "无法写入 {path}：{err}。请检查磁盘空间和文件夹后重试。").format(
                path=target, err=exc.strerror or exc
            )
        ) from None
    return target
