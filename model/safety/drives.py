"""Is the database on a network share or a removable drive? SQLite must not be written there directly.

SQLite's locking does not hold over SMB/NFS (two PCs writing one file corrupt it), and a USB stick pulled
out during a write leaves a damaged file. `location_warning(path)` says so in the clerk's words; the
window shows it and the command line prints it to stderr. The check never blocks: an office that keeps
the database on a share by policy can still work, warned.
"""

from __future__ import annotations

import ntpath
import os
import sys
from collections.abc import Callable
from pathlib import Path

from model.common.i18n import translate
from model.common.untrusted import shown

LOCAL, NETWORK, REMOVABLE = "local", "network", "removable"

# File systems whose files live on another machine (Linux /proc/self/mountinfo type field).
NETWORK_FS = {
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs", "lustre",
    "gpfs", "davfs", "fuse.sshfs", "fuse.gvfsd-fuse", "fuse.rclone", "fuse.davfs2", "fuse.s3fs",
}  # fmt: skip


def location_warning(path: str | Path) -> str | None:
    """The warning to show for a database at `path`, or None when it sits on a local disk."""
    kind = drive_kind(Path(path))
    if kind == NETWORK:
        return translate(
            "drives",
            "数据库 {path} 在网络共享文件夹上。SQLite 数据库不能直接在网络共享上读写，否则可能损坏数据。"
            "请把程序和 data 文件夹复制到本机硬盘（例如 D:\\TanBao）再使用；交换数据请用导出或提交的文件。",
        ).format(path=shown(path))
    if kind == REMOVABLE:
        return translate(
            "drives",
            "数据库 {path} 在可移动磁盘（U 盘等）上。直接在 U 盘上写数据库，拔出时可能损坏数据。"
            "请把程序和 data 文件夹复制到本机硬盘再使用，用完退出程序后再复制回 U 盘。",
        ).format(path=shown(path))
    return None


def drive_kind(path: Path) -> str:
    """LOCAL, NETWORK or REMOVABLE; LOCAL when it cannot be told (the check only ever warns)."""
    try:
        if sys.platform == "win32":
            return _windows_kind(path)
        if sys.platform.startswith("linux"):
            mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
            return linux_kind(path, mountinfo, Path("/sys"))
    except OSError:
        pass
    return LOCAL


def _windows_kind(path: Path) -> str:
    if sys.platform == "win32":
        import ctypes

        return windows_kind(str(path.absolute()), ctypes.windll.kernel32.GetDriveTypeW)
    return LOCAL


def windows_kind(path: str, drive_type: Callable[[str], int]) -> str:
    """From the path's form (\\\\server\\share) or its drive letter's type (GetDriveTypeW)."""
    if path.startswith("\\\\?\\UNC\\") or (
        path.startswith("\\\\") and not path.startswith(("\\\\?\\", "\\\\.\\"))
    ):
        return NETWORK
    drive = ntpath.splitdrive(path.removeprefix("\\\\?\\"))[0]
    if not drive:
        return LOCAL
    return {2: REMOVABLE, 4: NETWORK}.get(drive_type(drive + "\\"), LOCAL)  # DRIVE_REMOVABLE, DRIVE_REMOTE


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash in mount points as octal escapes."""
    for code in ("040", "011", "012", "134"):
        field = field.replace("\\" + code, chr(int(code, 8)))
    return field


def linux_kind(path: Path, mountinfo: str, sys_root: Path) -> str:
    """The kind of the file system holding `path`, from /proc/self/mountinfo and /sys."""
    target = _existing(path)
    best: tuple[str, str, str] | None = None  # mount point, fs type, major:minor
    for line in mountinfo.splitlines():
        left, _, right = line.partition(" - ")
        fields, rest = left.split(), right.split()
        if len(fields) < 5 or not rest:
            continue
        mount_point = _unescape(fields[4])
        if _within(target, mount_point) and (best is None or len(mount_point) >= len(best[0])):
            best = (mount_point, rest[0], fields[2])
    if best is None:
        return LOCAL
    _mount_point, fs_type, device = best
    if fs_type in NETWORK_FS:
        return NETWORK
    return REMOVABLE if _removable_block_device(device, sys_root) else LOCAL


def _existing(path: Path) -> str:
    """The path itself, or the nearest folder above it that exists (the database may not exist yet)."""
    path = Path(os.path.abspath(path))
    for candidate in (path, *path.parents):
        if candidate.exists():
            return str(candidate.resolve())
    return str(path)


def _within(target: str, mount_point: str) -> bool:
    return mount_point == "/" or target == mount_point or target.startswith(mount_point.rstrip("/") + "/")


def _removable_block_device(device: str, sys_root: Path) -> bool:
    """A USB stick or SD card: the disk says `removable`, or it hangs off a USB bus."""
    link = sys_root / "dev" / "block" / device
    if not link.exists():
        return False  # not a block device: tmpfs, overlay, a FUSE file system
    node = link.resolve()
    disk = node.parent if (node / "partition").exists() else node
    if "/usb" in str(disk):
        return True
    try:
        return (disk / "removable").read_text().strip() == "1"
    except OSError:
        return False
