"""Importing a batch with its packages checked in worker processes (issue 17): one outcome per file in input
order, told as soon as it is stored; the same unit twice, two versions of a month (the newer first) and a
refused file in the middle are judged exactly as one by one; cancelling keeps what is stored and leaves no
worker behind."""

import multiprocessing
import signal
from pathlib import Path

import pytest

import main
from model.common.periods import parse_period
from model.exchange.district import (
    ACCEPTED,
    IDENTICAL,
    MIN_POOL_FILES,
    OLDER,
    REFUSED,
    import_packages,
    trust_add,
)
from model.exchange.submission import correct
from model.store.database import open_database
from tests.model.exchange.test_exchange import _unit

BATCH_OUTCOMES = [ACCEPTED, ACCEPTED, REFUSED, OLDER, IDENTICAL, ACCEPTED]


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """fengjing's March version 2 before its version 1, zhujing's March, a file that is no PDF, zhujing's
    March again, fengjing's February; and the two units' certificates."""
    tmp = tmp_path_factory.mktemp("units")
    out = tmp / "out"
    fengjing, zhujing = _unit(tmp, "fengjing"), _unit(tmp, "zhujing")
    february = fengjing.submit("2024-02", out).pdf_path
    v1 = fengjing.submit("2024-03", out).pdf_path
    correct(fengjing.store, fengjing.plan, "fengjing", parse_period("2024-03"), "能耗漏报一户", who="clerk")
    fengjing.enter("2024-03", "energy_tce=640")
    v2 = fengjing.submit("2024-03", out).pdf_path
    march = zhujing.submit("2024-03", out).pdf_path
    bad = out / "损坏的文件.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    certs = [fengjing.cert_path, zhujing.cert_path]
    fengjing.store.close()
    zhujing.store.close()
    return [v2, march, bad, v1, march, february], certs


def _district(path: Path, certs):
    store = open_database(path, write=True, create=True)
    for cert in certs:
        trust_add(store, store.plans.get(), cert, who="officer")
    return store


def _judged(outcomes):
    return [
        (o.path, o.outcome, o.unit_id, o.period, o.version, o.version_in_use, o.replaced_version, o.reasons)
        for o in outcomes
    ]


def test_a_batch_checked_in_worker_processes_is_judged_in_input_order_as_one_by_one(tmp_path, packages):
    files, certs = packages
    assert len(files) >= MIN_POOL_FILES  # the pool is used
    told = []
    with _district(tmp_path / "pool.sqlite", certs) as pooled:
        outcomes = import_packages(pooled, files, who="officer", workers=2, on_outcome=told.append)
        held = [(p.unit_id, p.period, p.version, p.in_use) for p in pooled.received.all("jinshan-2024")]
    assert [o.path for o in outcomes] == [str(f) for f in files]
    assert told == outcomes  # each told as it was stored, in input order
    assert [o.outcome for o in outcomes] == BATCH_OUTCOMES
    assert "第 1 版未收到" in outcomes[0].message  # version 2 came first
    assert outcomes[3].version_in_use == 2  # version 1 is kept, version 2 used
    assert "拒收" in outcomes[2].message and outcomes[5].outcome == ACCEPTED  # the batch went on
    assert sorted(held) == [
        ("fengjing", "2024-02", 1, True),
        ("fengjing", "2024-03", 1, False),
        ("fengjing", "2024-03", 2, True),
        ("zhujing", "2024-03", 1, True),
    ]
    with _district(tmp_path / "one-by-one.sqlite", certs) as single:
        one_by_one = import_packages(single, files, who="officer", workers=1)
    assert _judged(outcomes) == _judged(one_by_one)
    assert multiprocessing.active_children() == []


def test_cancelling_keeps_what_is_stored_and_names_the_files_not_processed(tmp_path, packages):
    from model.exchange.district import import_cancelled

    files, certs = packages

    def officer_cancels_after_three(done, _total, _path):
        return done < 3

    with _district(tmp_path / "d.sqlite", certs) as district:
        outcomes = import_packages(
            district, files, who="officer", workers=2, progress=officer_cancels_after_three
        )
        held = district.received.all("jinshan-2024")
    assert [o.outcome for o in outcomes] == BATCH_OUTCOMES[:3]
    assert len(held) == 2  # the two accepted; nothing of the files not processed
    assert multiprocessing.active_children() == []  # no worker outlives the batch
    note = import_cancelled(files, outcomes)
    assert "已处理 3 个文件" in note and "其中 2 个已导入" in note and "以下 3 个文件没有处理" in note
    assert note.endswith("、".join(f.name for f in files[3:]))


def test_the_command_prints_a_line_per_file_in_order_and_ctrl_c_stops_between_files(
    tmp_path, packages, capsys, monkeypatch
):
    files, certs = packages
    db = tmp_path / "d.sqlite"
    _district(db, certs).close()
    from cli.district import _CtrlC

    go_on = _CtrlC.go_on

    def press_ctrl_c_before_the_fifth(self, done, total, path):
        if done == 4:
            signal.raise_signal(signal.SIGINT)  # the officer presses Ctrl-C
        return go_on(self, done, total, path)

    monkeypatch.setattr(_CtrlC, "go_on", press_ctrl_c_before_the_fifth)
    code = main.main(["--db", str(db), "import", *map(str, files)])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert code == 1 and "Traceback" not in err and "正在取消" in err
    assert [line.split("：", 1)[0] for line in lines[:4]] == [str(f) for f in files[:4]]
    assert "共 4 个文件" in lines[4] and "以下 2 个文件没有处理" in lines[5]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C is ordinary again
    with open_database(db, write=False) as district:
        assert len(district.received.all("jinshan-2024")) == 3
