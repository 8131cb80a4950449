"""What machine a measurement or a build ran on, for benchmarks/ and scripts/ alike."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path


def _proc(path: str, pattern: str) -> str | None:
    try:
        found = re.search(pattern, Path(path).read_text(encoding="utf-8", errors="replace"), re.M)
    except OSError:
        return None
    return found[1].strip() if found else None


def machine() -> dict[str, str]:
    """CPU, cores, memory, system, glibc and Python; Qt and PySide6 when they are installed."""
    kib = _proc("/proc/meminfo", r"^MemTotal:\s*(\d+)")
    libc = platform.libc_ver()
    info = {
        "cpu": _proc("/proc/cpuinfo", r"^model name\s*:\s*(.*)$")
        or platform.processor()
        or platform.machine(),
        "arch": platform.machine(),
        "cores": str(os.cpu_count()),
        "memory": f"{int(kib) / 1024 / 1024:.0f} GiB" if kib else "",
        "os": f"{platform.system()} {platform.release()}",
        "glibc": libc[1] if libc[0] == "glibc" else "",
        "python": platform.python_version(),
    }
    try:
        import PySide6
        from PySide6 import QtCore

        info["qt"] = f"Qt {QtCore.qVersion()}, PySide6 {PySide6.__version__}"
    except ImportError:
        pass
    return info


def describe(info: dict[str, str] | None = None) -> str:
    """One line: 'Linux 6.1 (x86_64), 2 cores, 24 GiB, <cpu>; Python 3.11.7, Qt 6.9.3, PySide6 6.9.3'."""
    m = info or machine()
    parts = [f"{m['os']} ({m['arch']}), {m['cores']} cores, {m['memory']}, {m['cpu']}; Python {m['python']}"]
    if m.get("qt"):
        parts.append(m["qt"])
    return ", ".join(parts)
