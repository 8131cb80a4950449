"""Every file handed in is read bounded: /dev/zero, a named pipe or a folder is refused at once, a file
larger than any real one is refused while it is read, and a CSV is parsed as it is read."""

import os
import signal
import subprocess
import sys

import pytest

import main
from model.common.errors import UserError
from model.entry.evidence import attach
from model.entry.figures import MAX_CSV_BYTES
from model.safety import files
from model.store.database import open_database
from tests.conftest import ROOT

NOT_REGULAR = "不是普通文件"


@pytest.fixture(params=["/dev/zero", "fifo", "folder"])
def hostile(request, tmp_path):
    """A device that never ends, a named pipe nobody writes to, a folder: none may be read, none may hang."""
    if request.param == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)
        return str(path)
    if request.param == "folder":
        path = tmp_path / "folder.csv"
        path.mkdir()
        return str(path)
    return request.param


@pytest.fixture(autouse=True)
def no_hang():
    def hung(*_):
        raise TimeoutError("a read hung")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


COMMANDS = [
    ["enter", "--file", "{f}"],
    ["init", "--plan", "{f}"],
    ["verify", "{f}"],
    ["verify", "--trust", "{f}", "{ok}"],
    ["trust", "add", "{f}", "--unit", "fengjing"],
    ["keys", "cert", "{f}", "-o", "{out}"],
    ["export", "pdf", "--unit", "fengjing", "--period", "2024-03", "--key", "{f}", "-o", "{out}"],
    ["targets", "import", "{f}"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_device_a_pipe_or_a_folder_is_refused_by_every_command_that_reads_a_file(
    capsys, db, hostile, command, tmp_path, monkeypatch
):
    monkeypatch.setenv("TANBAO_PASSPHRASE", "a long passphrase 123")
    ok = tmp_path / "some.pdf"
    ok.write_bytes(b"%PDF-1.7\n")
    args = [a.format(f=hostile, ok=ok, out=tmp_path / "out.bin") for a in command]
    code = main.main(["--db", db, *args])
    out, err = capsys.readouterr()
    assert code in (1, 2) and "Traceback" not in err
    assert NOT_REGULAR in out + err


def test_import_refuses_each_unreadable_file_on_its_own_line_and_goes_on(capsys, db, hostile, tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n")
    code = main.main(["--db", db, "import", hostile, str(junk)])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert code == 1 and err == "" and len(lines) == 3
    assert lines[0].startswith(f"{hostile}：拒收") and NOT_REGULAR in lines[0]
    assert lines[1].startswith(f"{junk}：拒收")


def test_evidence_from_a_device_is_refused_whatever_its_size_says(tmp_path):
    with open_database(tmp_path / "t.sqlite", write=True, create=True) as store:
        with pytest.raises(Exception, match=NOT_REGULAR):
            attach(store, "jinshan-2024", "fengjing", "2024-03", "A4-01", "/dev/zero", who="clerk")
        assert store.evidence.list("jinshan-2024", "fengjing") == []


def test_a_huge_csv_is_refused_while_read_and_memory_stays_small(tmp_path, db):
    big = tmp_path / "big.csv"
    line = b"fengjing,2024-03,energy_tce,1000,\n"
    with open(big, "wb") as f:
        f.write(b"unit,period,field,value,note\n")
        f.write(line * (40 * 2**20 // len(line)))  # 40 MB of well-formed rows
    child = subprocess.Popen(
        [sys.executable, "main.py", "--db", db, "enter", "--file", str(big)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _pid, _status, usage = os.wait4(child.pid, 0)
    err = child.stderr.read().decode()
    assert child.stdout.read() == b""
    assert f"超过 {MAX_CSV_BYTES // 2**20} MB 的上限" in err and "Traceback" not in err
    assert usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024) < 400 * 2**20


def test_a_file_that_grows_while_read_is_cut_off_at_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "growing.csv"
    path.write_bytes(b"x" * 10)  # small when opened: stat says 10 bytes
    real = files.BoundedReader.readinto
    with open(path, "ab") as grower:

        def grow_then_read(self, buffer):
            grower.write(b"y" * 100)
            grower.flush()
            return real(self, buffer)

        monkeypatch.setattr(files.BoundedReader, "readinto", grow_then_read)
        with pytest.raises(UserError, match="超过"):
            files.read_bounded(path, 50, "文件")
