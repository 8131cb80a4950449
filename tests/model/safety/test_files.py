"""Exported files are replaced whole or not at all: a failed export leaves the earlier file and no litter."""

import errno
import os
import sys

import pytest

from model.common.errors import StorageError, UserError
from model.safety import files
from model.safety.files import write_atomic


def test_bytes_replace_the_earlier_file(tmp_path):
    target = tmp_path / "报表.pdf"
    target.write_bytes(b"old")
    write_atomic(target, b"new report")
    assert target.read_bytes() == b"new report"
    assert os.listdir(tmp_path) == ["报表.pdf"]


def test_a_writer_function_writes_at_the_path_it_is_given(tmp_path):
    target = tmp_path / "out" / "report.xlsx"
    seen = []

    def writer(path):
        seen.append(path)
        path.write_bytes(b"PK workbook")

    write_atomic(target, writer)
    assert target.read_bytes() == b"PK workbook"
    assert seen[0].parent == target.parent and seen[0] != target  # a temporary file beside it


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_permissions_are_those_of_the_earlier_file_or_the_usual_ones(tmp_path):
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    write_atomic(kept, b"new")
    assert kept.stat().st_mode & 0o777 == 0o640
    fresh = write_atomic(tmp_path / "fresh.pdf", b"new")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600


def test_a_disk_filling_up_part_way_keeps_the_earlier_export_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"last month's good report")

    def half_then_full(path):
        path.write_bytes(b"%PDF-1.7 half of it")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(StorageError) as info:
        write_atomic(target, half_then_full)
    assert "磁盘空间不足" in str(info.value) and "原有的文件保持不变" in str(info.value)
    assert target.read_bytes() == b"last month's good report"
    assert os.listdir(tmp_path) == ["report.pdf"]


def test_a_bug_in_the_writer_is_not_hidden_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"good")

    def broken(path):
        path.write_bytes(b"partial")
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        write_atomic(target, broken)
    assert target.read_bytes() == b"good" and os.listdir(tmp_path) == ["report.pdf"]


def test_a_file_held_open_by_another_program_is_explained(tmp_path, monkeypatch):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"good")

    def locked(src, dst):  # what Windows does while Excel has the workbook open
        raise PermissionError(errno.EACCES, "The process cannot access the file")

    monkeypatch.setattr(files.os, "replace", locked)
    with pytest.raises(UserError, match="正被其他程序"):
        write_atomic(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"good" and os.listdir(tmp_path) == ["report.xlsx"]
