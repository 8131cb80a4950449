"""A database on a network share or a USB stick is warned about; on a local disk it is not."""

from pathlib import Path

import pytest

from model.safety import drives
from model.safety.drives import LOCAL, NETWORK, REMOVABLE, linux_kind, location_warning, windows_kind


def mountinfo(*mounts: tuple[str, str, str]) -> str:
    """Lines of /proc/self/mountinfo for (mount point, fs type, major:minor)."""
    lines = ["1 0 8:1 / / rw,relatime - ext4 /dev/sda1 rw"]
    for i, (point, fs, device) in enumerate(mounts, start=2):
        escaped = point.replace(" ", "\\040")
        lines.append(f"{i} 1 {device} / {escaped} rw,relatime shared:{i} - {fs} src rw")
    return "\n".join(lines) + "\n"


@pytest.fixture
def sysfs(tmp_path):
    """/sys with an internal disk (sda), a USB stick (sdb) and an SD card reader that says removable."""
    root = tmp_path / "sys"
    disks = {
        "8:1": ("devices/pci0000:00/0000:00:17.0/ata1/host0/block/sda", "sda1", "0"),
        "8:17": ("devices/pci0000:00/0000:00:14.0/usb2/2-1/host6/block/sdb", "sdb1", "0"),
        "179:1": ("devices/platform/mmc0/block/mmcblk0", "mmcblk0p1", "1"),
    }
    for device, (disk, partition, removable) in disks.items():
        part = root / disk / partition
        part.mkdir(parents=True)
        (part / "partition").write_text("1\n")
        (root / disk / "removable").write_text(removable + "\n")
        link = root / "dev" / "block" / device
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(part)
    return root


@pytest.fixture
def places(tmp_path):
    base = tmp_path.resolve()
    for name in ("share", "share2", "usb stick", "sd", "sshfs"):
        (base / name).mkdir()
    return base


def test_a_database_on_a_network_share_is_network(places, sysfs):
    info = mountinfo(
        (str(places / "share"), "cifs", "0:52"),
        (str(places / "share2"), "nfs4", "0:53"),
        (str(places / "sshfs"), "fuse.sshfs", "0:54"),
    )
    assert linux_kind(places / "share" / "tanbao.sqlite", info, sysfs) == NETWORK
    assert linux_kind(places / "share2" / "data" / "tanbao.sqlite", info, sysfs) == NETWORK
    assert linux_kind(places / "sshfs" / "tanbao.sqlite", info, sysfs) == NETWORK


def test_a_folder_named_like_a_share_is_not_inside_it(places, sysfs):
    info = mountinfo((str(places / "share"), "cifs", "0:52"))
    assert linux_kind(places / "share2" / "tanbao.sqlite", info, sysfs) == LOCAL


def test_a_database_on_a_usb_stick_or_sd_card_is_removable(places, sysfs):
    info = mountinfo((str(places / "usb stick"), "vfat", "8:17"), (str(places / "sd"), "exfat", "179:1"))
    assert linux_kind(places / "usb stick" / "data" / "tanbao.sqlite", info, sysfs) == REMOVABLE
    assert linux_kind(places / "sd" / "tanbao.sqlite", info, sysfs) == REMOVABLE


def test_a_database_on_the_internal_disk_or_tmpfs_is_local(places, sysfs):
    info = mountinfo((str(places / "sd"), "tmpfs", "0:40"))
    assert linux_kind(places / "tanbao.sqlite", info, sysfs) == LOCAL
    assert linux_kind(places / "sd" / "tanbao.sqlite", info, sysfs) == LOCAL


def test_windows_unc_paths_and_drive_types():
    types = {"C:\\": 3, "E:\\": 2, "Z:\\": 4}
    kind = types.__getitem__
    assert windows_kind("\\\\fileserver\\科室\\TanBao\\data\\tanbao.sqlite", kind) == NETWORK
    assert windows_kind("\\\\?\\UNC\\fileserver\\share\\tanbao.sqlite", kind) == NETWORK
    assert windows_kind("Z:\\TanBao\\data\\tanbao.sqlite", kind) == NETWORK  # a mapped network drive
    assert windows_kind("E:\\TanBao\\data\\tanbao.sqlite", kind) == REMOVABLE
    assert windows_kind("C:\\Users\\wf\\AppData\\Roaming\\TanBao\\tanbao.sqlite", kind) == LOCAL
    assert windows_kind("\\\\?\\C:\\TanBao\\tanbao.sqlite", kind) == LOCAL


def test_the_warning_names_the_place_and_what_to_do(monkeypatch, tmp_path):
    path = tmp_path / "data" / "tanbao.sqlite"
    monkeypatch.setattr(drives, "drive_kind", lambda p: NETWORK)
    text = location_warning(path)
    assert text is not None and str(path) in text and "网络共享" in text and "复制到本机硬盘" in text
    monkeypatch.setattr(drives, "drive_kind", lambda p: REMOVABLE)
    text = location_warning(path)
    assert text is not None and "U 盘" in text
    monkeypatch.setattr(drives, "drive_kind", lambda p: LOCAL)
    assert location_warning(path) is None


def test_this_machines_temporary_folder_gives_no_warning(tmp_path):
    assert location_warning(Path(tmp_path) / "tanbao.sqlite") is None
