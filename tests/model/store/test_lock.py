"""One writer per database: the second is refused and told who writes; a killed writer's lock is recovered."""

import json
import os
import subprocess
import sys

import pytest

from model.store.database import open_database
from model.store.lock import DatabaseInUse, WriterLock, lock_path, read_lock_info
from model.store.schema import SCHEMA_VERSION
from tests.conftest import ROOT

HOLD = """
import sys, time
from model.store.database import open_database
store = open_database(sys.argv[1], write=True, create=True)
print("ready", flush=True)
time.sleep(60)
"""


@pytest.fixture
def holder(tmp_path):
    """Another copy of the program writing the database, in its own process."""
    path = tmp_path / "shared.sqlite"
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TANBAO_USER": "王芳"},
    )
    assert child.stdout.readline().strip() == "ready", child.stderr.read()
    yield path, child
    if child.poll() is None:
        child.kill()
    child.communicate()


def test_a_second_writer_is_refused_and_told_who_writes(holder):
    path, child = holder
    with pytest.raises(DatabaseInUse) as info:
        open_database(path, write=True, create=True)
    message = str(info.value)
    assert "正由另一个 TanBao 程序写入" in message
    assert f"进程号 {child.pid}" in message and "王芳" in message
    assert info.value.holder.pid == child.pid


def test_readers_keep_working_while_another_program_writes(holder):
    path, _child = holder
    with open_database(path, write=False) as reader:
        assert reader.plans.get().id == "jinshan-2024"


def test_a_killed_writers_lock_is_recovered_on_the_next_start(holder):
    path, child = holder
    child.kill()  # SIGKILL on Linux, TerminateProcess on Windows: no clean-up runs
    child.wait()
    with open_database(path, write=True, create=True) as store:
        assert store.unclean_previous is not None and store.unclean_previous.pid == child.pid
        assert store.lock.held
    with open_database(path, write=True, create=True) as again:  # that exit was clean: nothing to report
        assert again.unclean_previous is None


def test_the_same_program_cannot_take_the_lock_twice(tmp_path):
    path = tmp_path / "t.sqlite"
    with WriterLock(path), pytest.raises(DatabaseInUse, match=str(os.getpid())):
        WriterLock(path).acquire()


def test_a_clean_release_clears_the_marker_and_an_unclean_one_keeps_it(tmp_path):
    path = tmp_path / "t.sqlite"
    lock = WriterLock(path).acquire()
    assert read_lock_info(path).pid == os.getpid()
    lock.release()
    assert read_lock_info(path) is None and lock_path(path).read_bytes() == b""
    lock_path(path).write_text(
        json.dumps({"pid": 4242, "host": "pc1", "user": "李强", "since": "2024-03-01"})
    )
    second = WriterLock(path).acquire()
    assert second.previous.pid == 4242
    second.release(clean=False)  # the next start must still know the earlier writer died
    assert read_lock_info(path).pid == 4242


def test_a_garbled_lock_file_does_not_stop_the_program(tmp_path):
    path = tmp_path / "t.sqlite"
    lock_path(path).write_bytes(b"\x00\xff not json")
    with WriterLock(path) as lock:
        assert lock.held and lock.previous is None


def test_the_lock_is_given_back_when_opening_fails(tmp_path):
    import sqlite3

    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(Exception, match="升级程序"):
        open_database(path, write=True, create=True)
    with WriterLock(path) as lock:  # not left held by the failed open
        assert lock.previous is None
